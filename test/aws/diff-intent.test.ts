/** `diff` on AWS input with an intent: the violations and broken flows a change introduces or fixes, and --fail-on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const EX = 'examples/aws';
const REGION = '123456789012/us-east-1';
const DEV = `${REGION}/vpc-dev/eni-dev`;
const DB = `${REGION}/vpc-prod/eni-db`;
const INTENT = `segments:
  web: {vpc: prod, subnet: prod-public}
  api: {subnet: prod-app}
  db: {vpc: prod, tags: {Name: db}, sensitive: true}
  dev: {vpc: dev}
flows:
  - {from: world, to: web, ports: [TCP/443]}
  - {from: web, to: api, ports: [TCP/8080]}
  - {from: api, to: db, ports: [TCP/5432]}
  - {from: dev, to: api, ports: [TCP/22]}
  - {from: [web, api], to: world}
invariants:
  - never: {from: {tags: {env: dev}}, to: {tags: {env: prod}}}
`;

/** A copy of the example snapshot with `edit` applied to one of its files, and the intent beside it. */
function variant(file: string, edit: (doc: Record<string, unknown[]>) => void, withIntent = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-aws-diff-intent-'));
  cpSync(EX, dir, { recursive: true });
  const f = join(dir, REGION, file);
  const doc = JSON.parse(readFileSync(f, 'utf8'));
  edit(doc);
  writeFileSync(f, JSON.stringify(doc, null, 2));
  if (withIntent) writeFileSync(join(dir, 'bulkhead.yaml'), INTENT);
  return dir;
}

/** dev-box's database requests get their replies: dev reaches db, which no flow allows and the never forbids. */
const opened = variant('network-acls.json', (doc) => {
  const acl = doc['NetworkAcls']![1] as { Entries: Array<{ RuleNumber: number; Egress: boolean; PortRange?: unknown }> };
  acl.Entries.find((x) => x.RuleNumber === 110 && x.Egress)!.PortRange = { From: 1024, To: 65535 };
});

test('diff finds bulkhead.yaml beside the new side and names the paths that newly violate it and why', () => {
  const r = runCli(['diff', EX, opened]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: using intent .*bulkhead\.yaml/);
  assert.match(r.stdout, /^Intent \(.*bulkhead\.yaml\): 1 path newly violates it, 0 no longer do: opens 1 path the intent does not allow \(dev to db\)\.$/m);
  assert.match(r.stdout, new RegExp(`^  NEW +${DEV}\\[dev-box\\] => ${DB}\\[db\\] : TCP 5432 \\(breaks never \\{tags: \\{env: dev\\}\\} => \\{tags: \\{env: prod\\}\\} \\(.*bulkhead\\.yaml:13\\)\\)$`, 'm'));
  assert.match(r.stdout, new RegExp(`^  NEW +${DEV}\\[dev-box\\] => ${DB}\\[db\\] : TCP 5432 \\(no flow dev => db\\)$`, 'm'));
  const j = JSON.parse(runCli(['diff', EX, opened, '-f', 'json', '-q']).stdout);
  assert.equal(j.drift.introducedPaths, 1);
  assert.deepEqual(j.drift.introduced.map((x: { kind: string; src: string; dst: string; traffic: unknown }) => [x.kind, x.src, x.dst, x.traffic]), [['invariant', DEV, DB, { TCP: [[5432, 5432]] }], ['violation', DEV, DB, { TCP: [[5432, 5432]] }]]);
  assert.deepEqual(j.drift.fixed, []);
  const md = runCli(['diff', EX, opened, '-f', 'md', '-q']).stdout;
  assert.match(md, /:warning: \*\*This change opens 1 path that violates the intent\*\*/);
  assert.match(md, /<details><summary>Intent drift: 1 path newly violating, 0 fixed; 0 flows broken, 0 restored<\/summary>/);
  // --no-intent: no judging, and none without an intent anywhere.
  assert.doesNotMatch(runCli(['diff', EX, opened, '--no-intent']).stdout, /Intent|NEW/);
});

test('--fail-on new-violation exits 1 on a new violation, 0 when the change fixes it; the reverse change lists it as FIXED', () => {
  const bad = runCli(['diff', EX, opened, '--fail-on', 'new-violation', '-q']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /the change opens 1 path that violates the intent \(--fail-on new-violation\)/);
  assert.equal(runCli(['diff', EX, opened, '--fail-on-new-violation', '-q']).code, 1);
  assert.equal(runCli(['diff', EX, opened, '--fail-on', 'none', '-q']).code, 0);
  const back = runCli(['diff', opened, EX, '--intent', join(opened, 'bulkhead.yaml'), '--fail-on', 'new-violation', '-q']);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /0 paths newly violate it, 1 no longer does: closes 1 path the intent did not allow \(dev to db\)/);
  assert.match(back.stdout, /^  FIXED +.*eni-dev\[dev-box\] => .*eni-db\[db\] : TCP 5432 \(no flow dev => db\)$/m);
});

test('a change that blocks an intended flow is reported as BROKEN (not a violation), and RESTORED the other way', () => {
  const closed = variant('security-groups.json', (doc) => {
    (doc['SecurityGroups']![1] as { IpPermissions: unknown[] }).IpPermissions = [];
  });
  const r = runCli(['diff', EX, closed, '--fail-on', 'new-violation', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /0 paths newly violate it, 0 no longer do, 1 flow broken: breaks flow #2 web => api \(TCP 8080\)\./);
  assert.match(r.stdout, /^  BROKEN +flow #2 web => api : TCP 8080 \(no member pair gets it now; .*bulkhead\.yaml:8\)$/m);
  const j = JSON.parse(runCli(['diff', EX, closed, '-f', 'json', '-q']).stdout);
  assert.deepEqual(j.drift.brokenFlows.map((f: { flow: number; from: string; to: string; traffic: unknown; reason: string; line: number }) => [f.flow, f.from, f.to, f.traffic, f.reason, f.line]), [[2, 'web', 'api', { TCP: [[8080, 8080]] }, 'blocked', 8]]);
  const back = runCli(['diff', closed, EX, '--intent', join(closed, 'bulkhead.yaml'), '-q']);
  assert.match(back.stdout, /^  RESTORED flow #2 web => api : TCP 8080 \(a member pair gets it again; /m);
});

test('--fail-on new-violation: a change adding a setting Bulkhead does not evaluate cannot be judged safe (exit 1)', () => {
  const vgw = variant('route-tables.json', (doc) => {
    (doc['RouteTables']![0] as { Routes: unknown[] }).Routes.push({ DestinationCidrBlock: '192.168.0.0/16', GatewayId: 'vgw-1', Origin: 'CreateRoute', State: 'active' });
  });
  const r = runCli(['diff', EX, vgw, '--fail-on', 'new-violation', '-q']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot be judged safe: 1 setting\(s\) that may change traffic are not evaluated/);
  assert.equal(runCli(['diff', EX, vgw, '-q']).code, 0);
});

test('--fail-on needs an intent, and takes new-violation or none (exit 2)', () => {
  const plain = variant('network-acls.json', () => {}, false);
  const none = runCli(['diff', EX, plain, '--fail-on', 'new-violation']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--fail-on new-violation needs --intent/);
  const odd = runCli(['diff', EX, plain, '--fail-on', 'everything']);
  assert.equal(odd.code, 2);
  assert.match(odd.stderr, /unknown --fail-on "everything"/);
});

test('diff of a Terraform plan with an intent: the plan\'s new instance and its rule newly break the never', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-tf-intent-'));
  const intent = join(dir, 'intent.yaml');
  writeFileSync(intent, 'segments:\n  dev: {vpc: dev}\n  prod: {vpc: prod}\nflows: []\ninvariants:\n  - never: {from: dev, to: prod}\n');
  const r = runCli(['diff', 'examples/terraform/plan.json', '--intent', intent, '--fail-on', 'new-violation', '-f', 'json', '-q']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout);
  const never = j.drift.introduced.filter((x: { kind: string }) => x.kind === 'invariant').map((x: { src: string }) => x.src.replace(/^.*\//, ''));
  assert.deepEqual(never, ['eni-0c3d4e5f6a7b80903', 'tf:aws_instance.ci_runner']);
});
