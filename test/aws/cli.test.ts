/** The CLI on AWS snapshots: reach and explain in every format, mixed with manifests, and the caveats in each. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { splitAwsInputs } from '../../src/cli/aws-inputs.js';
import { UserError } from '../../src/util/errors.js';

const EX = 'examples/aws';
const DB = '123456789012/us-east-1/vpc-prod/eni-db';
const API = '123456789012/us-east-1/vpc-prod/eni-api';
const DEV = '123456789012/us-east-1/vpc-dev/eni-dev';

test('reach on a describe-* snapshot: text lists the allowed pairs with their ports', () => {
  const r = runCli(['reach', EX]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${API}\\[api\\] => ${DB}\\[db\\] : TCP 5432\\n`));
  // dev's requests to the database pass, but the database subnet's NACL drops the replies.
  assert.match(r.stdout, new RegExp(`${DEV}\\[dev-box\\] => ${DB}\\[db\\] : nothing \\(replies blocked by a network ACL: TCP 5432\\)`));
  assert.doesNotMatch(r.stdout, new RegExp(`${DB}\\[db\\] => ${API}`));
});

test('reach json is one bulkhead.reach/v1 document; --from, --to and --port filter it', () => {
  const doc = JSON.parse(runCli(['reach', EX, '-f', 'json']).stdout);
  assert.equal(doc.schema, 'bulkhead.reach/v1');
  assert.equal(doc.layer, 'aws');
  assert.equal(doc.bound, 'exact');
  assert.ok(doc.endpoints.some((e: { id: string }) => e.id === DB));
  assert.deepEqual(doc.connections.find((c: { src: string; dst: string }) => c.src === API && c.dst === DB).conns, { TCP: [[5432, 5432]] });
  const f = JSON.parse(runCli(['reach', EX, '-f', 'json', '--from', 'api', '--to', '10.0.2.0/24', '--port', 'TCP/5432']).stdout);
  assert.deepEqual(f.connections.map((c: { src: string; dst: string }) => [c.src, c.dst]), [[API, DB]]);
  const none = JSON.parse(runCli(['reach', EX, '-f', 'json', '--from', 'api', '--to', 'db', '--port', 'TCP/22']).stdout);
  assert.deepEqual(none.connections, []);
});

test('reach md and csv; dot is refused for AWS input with exit 2', () => {
  assert.match(runCli(['reach', EX, '-f', 'md']).stdout, /\| .*eni-api\\?\[api\\?\] \| .*eni-db\\?\[db\\?\] \| TCP 5432 \|/);
  assert.match(runCli(['reach', EX, '-f', 'csv']).stdout, /^src,dst,conn\n/);
  const dot = runCli(['reach', EX, '-f', 'dot']);
  assert.equal(dot.code, 2);
  assert.match(dot.stderr, /not available for AWS/);
});

test('one run over manifests and a snapshot answers both, in sections (text) or one document (json)', () => {
  const t = runCli(['reach', 'examples/shop', EX, '-q']);
  assert.equal(t.code, 0, t.stderr);
  const k = t.stdout.indexOf('== Kubernetes ==');
  const a = t.stdout.indexOf('== AWS ==');
  assert.ok(k >= 0 && a > k, 'both sections, the cluster first');
  assert.ok(t.stdout.slice(a).includes(DB));
  const doc = JSON.parse(runCli(['reach', 'examples/shop', EX, '-f', 'json', '-q']).stdout);
  assert.equal(doc.kubernetes.schema, 'bulkhead.reach/v1');
  assert.equal(doc.aws.layer, 'aws');
  assert.ok(doc.kubernetes.connections.length > 0 && doc.aws.connections.length > 0);
});

test('explain goes hop by hop and names every setting that blocks, with file, line and JSON path', () => {
  const r = runCli(['explain', EX, '--from', 'dev-box', '--to', 'db']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^DENIED: .*eni-dev cannot reach .*eni-db; requests on TCP 5432 pass but a network ACL drops their replies/);
  for (const stage of ['sg-egress', 'nacl-outbound', 'route', 'return-route', 'nacl-inbound', 'sg-ingress', 'nacl-reply']) assert.match(r.stdout, new RegExp(`\\n  ${stage} `));
  assert.match(r.stdout, /deny acl-prod-db outbound #\*: TCP 1024-32767.*network-acls\.json:\d+ NetworkAcls\[1\]\.Entries\[5\]/);
  assert.match(r.stdout, /Assumptions:\n  - new connections/);
  const j = JSON.parse(runCli(['explain', EX, '--from', 'eni-api', '--to', 'eni-db', '-f', 'json']).stdout);
  assert.equal(j.schema, 'bulkhead.explain/v1');
  assert.equal(j.verdict, 'allowed');
  assert.deepEqual(j.conns, { TCP: [[5432, 5432]] });
  assert.ok(j.layers.every((l: { rules: Array<{ file?: string }> }) => l.rules.every((x) => x.file === undefined || x.file.endsWith('.json'))));
  const md = runCli(['explain', EX, '--from', '10.0.1.10', '--to', '8.8.8.8', '-f', 'md', '--port', 'TCP/443']);
  assert.match(md.stdout, /^\*\*ALLOWED: .*eni-api reaches 8\.8\.8\.8 on TCP 443\*\*/);
  const bad = runCli(['explain', EX, '--from', 'eni-nope', '--to', '8.8.8.8']);
  assert.equal(bad.code, 2);
});

test('reach and explain: a --from or --to that names nothing in the snapshot is an error (exit 2) listing its interfaces', () => {
  for (const args of [['reach', EX, '--from', 'nosuch'], ['reach', EX, '--to', 'nosuch'], ['reach', EX, '--from', 'api', '--to', 'tag:role=none']]) {
    const r = runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    const [option, spec] = args.slice(-2);
    assert.match(r.stderr, new RegExp(`no network interface or outside address of the AWS input matches ${option} "${spec}"`));
    assert.match(r.stderr, new RegExp(`its 4 network interfaces: ${DEV}\\[dev-box\\], ${API}\\[api\\], ${DB}\\[db\\], .*eni-web\\[web\\]\\.`));
  }
  // A near name is offered; a spec that matches something still answers (an outside address, internet).
  assert.match(runCli(['reach', EX, '--from', 'dev']).stderr, /did you mean .*eni-dev\[dev-box\]\?/);
  for (const spec of ['192.168.7.7', 'internet', 'vpc-dev']) assert.equal(runCli(['reach', EX, '--from', spec]).code, 0, spec);
  for (const [from, to, option] of [['nosuch', 'db', '--from'], ['dev-box', 'nosuch', '--to'], ['nosuch', 'nosuch2', '--from']]) {
    const e = runCli(['explain', EX, '--from', from!, '--to', to!]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, new RegExp(`matches ${option} "nosuch"\\nhint: its 4 network interfaces: eni-api\\[api\\], eni-db\\[db\\], eni-dev\\[dev-box\\], eni-web\\[web\\]\\.`));
  }
});

test('AWS input given to a reader that does not take it is refused (exit 2) instead of being read as manifests', async () => {
  const text = readFileSync(join(EX, '123456789012/us-east-1/vpcs.json'), 'utf8');
  await assert.rejects(splitAwsInputs([{ path: 'vpcs.json', text }], undefined), (e: Error) => e instanceof UserError && /is AWS input .*does not read yet/.test(e.message));
  // test reads it now (test/aws/test-command.test.ts).
  const intent = join(mkdtempSync(join(tmpdir(), 'bulkhead-aws-test-')), 'intent.yaml');
  writeFileSync(intent, 'segments:\n  a: {vpc: prod}\nflows: []\ntests: [{from: eni-api, to: eni-db, port: TCP/5432, expect: allow}]\n');
  assert.equal(runCli(['test', EX, '--intent', intent, '--no-generate', '-q']).code, 0);
});

// Planted problems: a route to a virtual private gateway (not evaluated) and a NACL entry that cannot be read.
const DIR = mkdtempSync(join(tmpdir(), 'bulkhead-aws-cli-'));
cpSync(EX, DIR, { recursive: true });
writeFileSync(join(DIR, 'extra.json'), JSON.stringify({
  RouteTables: [{ RouteTableId: 'rtb-vgw', VpcId: 'vpc-dev', Associations: [], Routes: [{ DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'vgw-1', State: 'active' }] }],
  NetworkAcls: [{ NetworkAclId: 'acl-bad', VpcId: 'vpc-dev', IsDefault: false, Associations: [], Entries: [{ RuleNumber: 5, Protocol: 'bogus', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }] }],
}, null, 2));

for (const args of [['reach', DIR], ['explain', DIR, '--from', 'eni-api', '--to', 'eni-db']]) {
  test(`${args[0]} carries the snapshot's caveats in every format`, () => {
    for (const format of args[0] === 'reach' ? ['text', 'md', 'json'] : ['text', 'md', 'json']) {
      const r = runCli([...args, '-f', format, '-q']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', 'quiet: the report itself says it');
      if (format === 'json') {
        const doc = JSON.parse(r.stdout);
        assert.equal(doc.bound, 'unknown');
        assert.ok(doc.caveats.some((c: { kind: string; name: string }) => c.kind === 'Route' && c.name.includes('vgw-1')));
        assert.ok(doc.diagnostics.some((d: { severity: string; code: string; file: string }) => d.severity === 'error' && d.code === 'aws-bad-nacl-entry' && d.file.endsWith('extra.json')));
      } else {
        assert.match(r.stdout, /NOT exact|not exact/);
        assert.match(r.stdout, /vgw-1/);
        assert.match(r.stdout, /extra\.json/);
      }
    }
  });
}

test('audit on a snapshot: hygiene findings in text, json, sarif, junit and md; --fail-on gates on them', () => {
  const t = runCli(['audit', EX, '--no-intent']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /aws-response-blocked: .*\n\s+warning .*Subnet subnet-prod-db/);
  const j = JSON.parse(runCli(['audit', EX, '-f', 'json']).stdout);
  assert.ok(j.findings.some((f: { check: string }) => f.check === 'aws-response-blocked'));
  const sarif = JSON.parse(runCli(['audit', EX, '-f', 'sarif']).stdout);
  assert.ok(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'aws-response-blocked'));
  assert.match(runCli(['audit', EX, '-f', 'junit']).stdout, /aws-response-blocked/);
  assert.match(runCli(['audit', EX, '-f', 'md']).stdout, /aws-response-blocked/);
  assert.equal(runCli(['audit', EX, '--fail-on', 'warning', '-q']).code, 1);
  assert.equal(runCli(['audit', EX, '--fail-on', 'error', '-q']).code, 0);
  assert.equal(runCli(['audit', EX, '--disable', 'aws-response-blocked', '--fail-on', 'warning', '-q']).code, 0);
});

test('audit over manifests and a snapshot: one list of findings from both', () => {
  const j = JSON.parse(runCli(['audit', 'examples/shop', EX, '-f', 'json', '-q']).stdout);
  assert.ok(j.findings.some((f: { check: string }) => f.check.startsWith('aws-')));
  assert.ok(j.findings.some((f: { check: string }) => !f.check.startsWith('aws-') && f.check !== 'input-error'));
});

test('audit carries the snapshot caveats: the skipped NACL entry and the unevaluated route are findings and notes', () => {
  const out = new Map<string, string>();
  for (const format of ['json', 'sarif', 'junit', 'text', 'md']) {
    const r = runCli(['audit', DIR, '-f', format, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /vgw-1/, format);
    assert.match(r.stdout, /extra\.json/, format);
    out.set(format, r.stdout);
  }
  const j = JSON.parse(out.get('json')!);
  assert.equal(j.bound, 'unknown');
  assert.ok(j.findings.some((f: { check: string }) => f.check === 'input-error'));
  assert.ok(j.findings.some((f: { check: string }) => f.check === 'aws-unmodelled-setting'));
});
