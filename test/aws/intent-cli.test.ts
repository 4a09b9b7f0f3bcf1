/** The CLI on AWS snapshots with an intent (audit --intent, init) and blast, end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const EX = 'examples/aws';

test('audit on AWS-only input counts network interfaces and VPCs, not workloads and policies', () => {
  const t = runCli(['audit', EX, '--no-intent', '-q']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /checks on 4 network interface\(s\) in 2 VPC\(s\);/);
  assert.doesNotMatch(t.stdout, /workload\(s\)/);
  assert.match(runCli(['audit', EX, '--no-intent', '-q', '-f', 'md']).stdout, /across 4 network interface\(s\) in 2 VPC\(s\)/);
  const j = JSON.parse(runCli(['audit', EX, '--no-intent', '-q', '-f', 'json']).stdout);
  assert.deepEqual(j.summary.aws, { interfaces: 4, securityGroups: 4, vpcs: 2 });
  // Both inputs: the cluster's counts, then the estate's.
  assert.match(runCli(['audit', 'examples/shop', EX, '--no-intent', '-q']).stdout, /checks on \d+ workload\(s\) and \d+ policies, and 4 network interface\(s\) in 2 VPC\(s\);/);
});

const INTENT = `segments:
  web: {aws: {vpc: prod, subnet: prod-public}}
  api: {subnet: prod-app}
  db: {tags: {Name: db}, vpc: vpc-prod, sensitive: true}
  dev: {vpc: dev}
  internet: {cidrs: [0.0.0.0/0]}
flows:
  - {from: internet, to: web, ports: [TCP/443]}
  - {from: web, to: api, ports: [TCP/8080]}
  - {from: api, to: db, ports: [TCP/5432]}
  - {from: dev, to: api, ports: [TCP/22]}
  - {from: [web, api], to: internet}
invariants:
  - never: {from: {tags: {env: dev}}, to: {tags: {env: prod}}}
  - never: {from: api, to: {tags: {Name: web}}}
  - egress: {from: web, allow: [198.51.100.0/24]}
`;
const DIR = mkdtempSync(join(tmpdir(), 'bulkhead-aws-intent-'));
const INTENT_FILE = join(DIR, 'intent.yaml');
writeFileSync(INTENT_FILE, INTENT);
const API = '123456789012/us-east-1/vpc-prod/eni-api';
const WEB = '123456789012/us-east-1/vpc-prod/eni-web';

test('audit --intent on AWS input: unintended paths, broken flows and never-breaches, each with the rule behind it', () => {
  const r = runCli(['audit', EX, '--intent', INTENT_FILE, '-f', 'json', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const by = (check: string) => doc.findings.filter((f: { check: string }) => f.check === check);
  // api reaches web on TCP 443 (sg-web admits 0.0.0.0/0): no flow allows it, and an inline never forbids it.
  const [v] = by('aws-intent-violation');
  assert.match(v.message, /^api => web is open, but no flow allows it: .*eni-api\[api\] => .*eni-web\[web\] \(TCP 443\); opened by sg-web ingress #0 \(TCP 443\) at examples\/aws\/123456789012\/us-east-1\/security-groups\.json:\d+ SecurityGroups\[0\]\.IpPermissions\[0\]/);
  assert.equal(v.location.file, 'examples/aws/123456789012/us-east-1/security-groups.json');
  assert.deepEqual(v.evidence.map((e: { src: string; dst: string; ports: unknown }) => [e.src, e.dst, e.ports]), [[`${API}[api]`, `${WEB}[web]`, { TCP: [[443, 443]] }]]);
  const never = by('aws-intent-never');
  assert.equal(never.length, 1, 'dev reaches prod only with its replies dropped: not a connection');
  assert.match(never[0].message, /^api must never reach \{tags: \{Name: web\}\}, yet/);
  assert.equal(never[0].severity, 'error');
  // dev's SSH to api: blocked at the route and at sg-api, both named with file and JSON path.
  const [b] = by('aws-intent-broken-flow');
  assert.match(b.message, /^flow #4 dev => api on TCP 22 is blocked: .*route: .*rtb-dev-main.*route-tables\.json:\d+ RouteTables\[2\]\.Routes\[2\].*sg-ingress: no ingress rule of sg-api/);
  assert.match(by('aws-intent-egress')[0].message, /^web may reach outside the estate only 198\.51\.100\.0\/24, yet .*eni-web\[web\] => 0\.0\.0\.0-9\.255\.255\.255 \(all traffic\)/);
  // The flows that hold are not reported: internet → web on 443, web → api, api → db.
  assert.ok(!doc.findings.some((f: { message: string }) => /flow #[123] /.test(f.message)));
  assert.equal(by('aws-intent-unmapped').length, 0);
  assert.equal(doc.intent.segments, 5);
});

test('audit --intent on AWS input: every format shows the findings; --disable and --fail-on work on them', () => {
  for (const format of ['text', 'md', 'junit', 'sarif']) {
    const r = runCli(['audit', EX, '--intent', INTENT_FILE, '-f', format, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /aws-intent-violation/, format);
    assert.match(r.stdout, /aws-intent-never/, format);
    assert.match(r.stdout, /security-groups\.json/, format);
  }
  assert.equal(runCli(['audit', EX, '--intent', INTENT_FILE, '--fail-on', 'error', '-q']).code, 1);
  assert.equal(runCli(['audit', EX, '--intent', INTENT_FILE, '--fail-on', 'error', '--disable', 'aws-intent-never,aws-intent-egress', '-q']).code, 0);
});

test('an intent beside AWS input is found and applied; segments that select nothing and interfaces in none are reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-aws-beside-'));
  cpSync(EX, dir, { recursive: true });
  writeFileSync(join(dir, 'bulkhead.yaml'), 'segments:\n  prod: {vpc: prod}\n  ghost: {tags: {team: nobody}}\n');
  const doc = JSON.parse(runCli(['audit', dir, '-f', 'json', '-q']).stdout);
  assert.equal(doc.intent.file, join(dir, 'bulkhead.yaml'));
  assert.deepEqual(doc.findings.filter((f: { check: string }) => f.check === 'aws-intent-unmapped').map((f: { resource: string }) => f.resource), ['NetworkInterface eni-dev']);
  assert.deepEqual(doc.findings.filter((f: { check: string }) => f.check === 'aws-intent-empty-segment').map((f: { resource: string }) => f.resource), ['Segment ghost']);
});

test('audit with the caveats of a broken snapshot: the intent findings and the caveats in every format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-aws-caveat-'));
  cpSync(EX, dir, { recursive: true });
  writeFileSync(join(dir, 'extra.json'), JSON.stringify({ RouteTables: [{ RouteTableId: 'rtb-vgw', VpcId: 'vpc-dev', Associations: [], Routes: [{ DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'vgw-1', State: 'active' }] }] }));
  for (const format of ['json', 'sarif', 'junit', 'text', 'md']) {
    const r = runCli(['audit', dir, '--intent', INTENT_FILE, '-f', format, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /aws-intent-violation/, format);
    assert.match(r.stdout, /vgw-1/, format);
  }
});

test('one intent over manifests and a snapshot: cluster segments judged on the cluster, AWS segments on the estate', () => {
  const file = join(DIR, 'both.yaml');
  writeFileSync(file, `${INTENT.replace('segments:\n', 'segments:\n  shop: {namespace: "shop-*"}\n')}`);
  const doc = JSON.parse(runCli(['audit', 'examples/shop', EX, '--intent', file, '-f', 'json', '-q']).stdout);
  assert.ok(doc.findings.some((f: { check: string }) => f.check === 'aws-intent-violation'));
  assert.ok(doc.findings.some((f: { check: string }) => f.check === 'intent-unmapped'), 'cluster workloads outside shop-* are unmapped');
  // No AWS segment is "empty" or "broken" in the cluster's judging, and no cluster segment in the estate's.
  assert.ok(!doc.findings.some((f: { check: string; message: string }) => f.check === 'intent-broken-flow' || f.check === 'intent-empty-segment'), JSON.stringify(doc.findings.filter((f: { check: string }) => f.check.startsWith('intent-')).map((f: { message: string }) => f.message)));
  assert.ok(!doc.findings.some((f: { check: string; message: string }) => f.check === 'aws-intent-empty-segment'));
});

test('a bad AWS segment is exit 2 with its line', () => {
  const file = join(DIR, 'bad.yaml');
  writeFileSync(file, 'segments:\n  a: {vpc: prod, namespace: x}\n  b: {aws: {vpcc: prod}}\nflows:\n  - {from: a, to: b, ports: [ICMP/300]}\n');
  const r = runCli(['audit', EX, '--intent', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml:2: segments\.a: aws criteria .*cannot be combined with namespace/);
  assert.match(r.stderr, /bad\.yaml:3: segments\.b\.aws\.vpcc: unknown key "vpcc" \(did you mean "vpc"\?\)/);
  assert.match(r.stderr, /bad\.yaml:5: flows\[0\]\.ports\[0\]: bad port "ICMP\/300"/);
});

test('init on an AWS snapshot writes AWS segments; audit against it reports no drift', () => {
  const file = join(DIR, 'init.yaml');
  const r = runCli(['init', EX, '--output-file', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote .*init\.yaml: 4 segments, 5 flows/);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^ {2}prod-db: \{subnet: prod-db\}$/m);
  assert.match(text, /^ {2}dev: \{vpc: dev\}$/m);
  assert.match(text, /^ {2}- \{from: prod-app, to: world, ports: \[TCP, UDP, ICMP\]\}$/m);
  const doc = JSON.parse(runCli(['audit', EX, '--intent', file, '-f', 'json', '-q']).stdout);
  assert.deepEqual(doc.findings.filter((f: { category: string }) => f.category === 'drift' || f.category === 'invariant'), []);
  // Deleting a flow makes its paths violations again.
  writeFileSync(file, text.replace(/^ {2}- \{from: prod-app, to: prod-db.*\n/m, ''));
  const after = JSON.parse(runCli(['audit', EX, '--intent', file, '-f', 'json', '-q']).stdout);
  assert.deepEqual(after.findings.filter((f: { check: string }) => f.check === 'aws-intent-violation').map((f: { message: string }) => f.message.split(':')[0]), ['prod-app => prod-db is open, but no flow allows it']);
  // With manifests too: one intent (test/aws/init-mixed.property.test.ts).
  const both = runCli(['init', 'examples/shop', EX, '--output-file', '-', '-q']);
  assert.equal(both.code, 0, both.stderr);
  assert.match(both.stdout, /^ {2}prod-db: \{subnet: prod-db\}$/m);
});
