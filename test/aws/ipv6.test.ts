/**
 * IPv6 in the AWS layer, on crafted dual-stack estates (examples/aws-ipv6 with one change each): egress-only
 * gateways, IPv6 rules and NACL entries apart from IPv4 ones, IGW routes for IPv6 without a public IPv4, and
 * the reports naming IPv6 addresses. Each verdict is checked against the reference evaluator too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { analyseAwsInventory, analyseAwsSnapshot, type AwsAnalysis } from '../../src/analyses/aws/reach.js';
import { awsChecks } from '../../src/analyses/aws/checks.js';
import { awsEndpointMatcher } from '../../src/analyses/aws/select.js';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { PROTO_TCP } from '../../src/model/traffic-set.js';
import { awsExplainText } from '../../src/reports/aws/explain.js';
import { opens } from './opens.js';

const DIR = 'examples/aws-ipv6/123456789012/us-east-1';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function example(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of readdirSync(DIR).sort()) out[f] = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
  return out;
}

function analyse(files: Record<string, Json>): AwsAnalysis {
  const inv = buildAwsInventory(Object.entries(files).map(([f, v]) => ({ path: `${DIR}/${f}`, text: JSON.stringify(v, null, 2), account: '123456789012', region: 'us-east-1' })));
  return analyseAwsInventory(inv);
}

const INTERNET6 = '2606:4700::1111';
const INTERNET4 = '203.0.113.9';

test('the dual-stack example reads without diagnostics or caveats: IPv6 is evaluated', async () => {
  const a = await analyseAwsSnapshot('examples/aws-ipv6');
  assert.deepEqual(a.inventory.diagnostics, []);
  assert.deepEqual(a.inventory.unmodelled, []);
  assert.equal(a.inventory.egressOnlyGateways.length, 1);
  assert.ok(a.inventory.vpcs[0]!.cidrs.some((c) => c.range.family === 6));
  assert.equal(a.inventory.subnets[0]!.ipv6Cidr?.prefix, 64);
});

test('an egress-only gateway lets an instance reach ::/0, and the internet cannot reach it back', () => {
  const a = analyse(example());
  assert.ok(opens(a, 'eni-worker', INTERNET6, 443));
  const out = a.explain('eni-worker', INTERNET6)!;
  assert.ok(out.steps.some((s) => s.stage === 'gateway' && s.resource === 'eigw-dual' && s.verdict === 'allow'));
  // sg-worker admits TCP 9000 from ::/0 and the NACL allows it: the gateway alone keeps the internet out.
  assert.ok(!opens(a, INTERNET6, 'eni-worker', 9000));
  const back = a.explain(INTERNET6, 'eni-worker')!;
  assert.deepEqual(back.steps.filter((s) => s.verdict === 'deny').map((s) => s.stage), ['return-route']);
  assert.match(back.steps.find((s) => s.stage === 'return-route')!.message, /egress-only internet gateway eigw-dual/);
  // The worker has no IPv4 way out (no NAT, no IGW route): the IPv4 internet is not reached.
  assert.ok(!opens(a, 'eni-worker', INTERNET4, 443));
  // Without the egress-only gateway route, nothing leaves over IPv6 either.
  const f = example();
  f['route-tables.json'].RouteTables[1].Routes.pop();
  assert.ok(!opens(analyse(f), 'eni-worker', INTERNET6, 443));
});

test('a security group with only 0.0.0.0/0 does not admit IPv6 from the internet', () => {
  const a = analyse(example());
  assert.ok(opens(a, INTERNET4, 'eni-legacy', 443));
  assert.ok(!opens(a, INTERNET6, 'eni-legacy', 443));
  const why = a.explain(INTERNET6, 'eni-legacy')!;
  assert.deepEqual(why.steps.filter((s) => s.verdict === 'deny').map((s) => s.stage), ['sg-ingress']);
  // Adding ::/0 to the rule admits it.
  const f = example();
  f['security-groups.json'].SecurityGroups[1].IpPermissions[0].Ipv6Ranges = [{ CidrIpv6: '::/0' }];
  assert.ok(opens(analyse(f), INTERNET6, 'eni-legacy', 443));
});

test('a NACL with an IPv4 deny and an IPv6 allow: the IPv4 path is denied, the IPv6 path allowed', () => {
  const a = analyse(example());
  const p = a.explain('eni-site', 'eni-worker')!;
  assert.ok(p.conns.has(PROTO_TCP, 8080));
  assert.ok(!p.ipv4!.conns.has(PROTO_TCP, 8080));
  assert.ok(p.ipv6!.conns.has(PROTO_TCP, 8080));
  assert.ok(opens(a, 'eni-site', 'eni-worker', 8080));
  const deny = p.steps.find((s) => s.stage === 'nacl-inbound')!;
  assert.ok(deny.rules.some((r) => r.id === 'acl-private inbound #90' && r.action === 'deny'));
  // The group reference matches the site's IPv6 address as well as its IPv4 one.
  assert.match(p.ipv6!.steps.find((s) => s.stage === 'sg-ingress')!.message, /TCP 8080,9000 from 2600:1f18:a:b00::10/);
  const text = awsExplainText(p);
  assert.match(text, /Hop by hop \(IPv4\): denied/);
  assert.match(text, /Hop by hop \(IPv6\): allowed on TCP 8080,9000/);
  // The IPv6 allow removed, the IPv6 path meets the * entry: nothing is left (9000 is admitted from ::/0 only).
  const f = example();
  f['network-acls.json'].NetworkAcls[1].Entries.splice(1, 1);
  assert.ok(!opens(analyse(f), 'eni-site', 'eni-worker', 8080));
  assert.ok(!opens(analyse(f), 'eni-site', 'eni-worker', 9000));
  // The IPv4 deny removed instead, both families carry 8080.
  const g = example();
  g['network-acls.json'].NetworkAcls[1].Entries.splice(0, 1);
  assert.ok(analyse(g).explain('eni-site', 'eni-worker')!.ipv4!.conns.has(PROTO_TCP, 8080));
});

test('an IPv6 route to the IGW makes a dual-stack instance reachable on IPv6 without a public IPv4', () => {
  const a = analyse(example());
  assert.ok(!opens(a, INTERNET4, 'eni-site', 443));
  assert.match(a.explain(INTERNET4, 'eni-site')!.steps[0]!.message, /no public IPv4 address/);
  assert.ok(opens(a, INTERNET6, 'eni-site', 443));
  assert.ok(opens(a, 'eni-site', INTERNET6, 443));
  assert.match(a.explain(INTERNET6, 'eni-site')!.steps[0]!.message, /igw-dual delivers 2606:4700::1111 to 2600:1f18:a:b00::10/);
  // Without the ::/0 route to the IGW the replies have no way out.
  const f = example();
  f['route-tables.json'].RouteTables[0].Routes.pop();
  assert.ok(!opens(analyse(f), INTERNET6, 'eni-site', 443));
});

test('reach lists IPv6 outside ranges and interfaces by their IPv6 addresses; IPv4 rules never match them', () => {
  const a = analyse(example());
  const r = a.reach();
  const site = r.endpoints.find((e) => e.id.endsWith('/eni-site'))!;
  assert.deepEqual(site.ipv6Addresses, ['2600:1f18:a:b00::10']);
  const v6 = r.endpoints.filter((e) => e.kind === 'External' && e.cidrs!.some((c) => c.includes(':')));
  assert.ok(v6.length > 0 && v6.every((e) => e.cidrs!.every((c) => c.includes(':'))), 'an outside range is one family');
  const from6 = r.connections.filter((c) => v6.some((e) => e.id === c.src));
  assert.deepEqual(from6.map((c) => c.dst.split('/').pop()), ['eni-site']);
  // The interface is found by its IPv6 address (any spelling).
  assert.equal((a.endpointOf('2600:1f18:a:b00:0:0:0:10') as { eni: { id: string } }).eni.id, 'eni-site');
});

test('audit: SSH open to ::/0 is an admin port reachable from the internet, named by its IPv6 range', () => {
  const a = analyse(example());
  const findings: Array<{ id: string; msg: Record<string, unknown> }> = [];
  for (const c of awsChecks(a)) c.check({ report: (f: { data?: Record<string, unknown> }) => findings.push({ id: c.meta.id, msg: f.data ?? {} }) } as never);
  const admin = findings.filter((f) => f.id === 'aws-admin-port-from-internet');
  assert.deepEqual(admin.map((f) => [f.msg['eni'], f.msg['port']]), [['eni-site', 22]]);
  assert.equal(admin[0]!.msg['range'], 'the internet (IPv6)');
  // HTTPS from the internet is no finding; the IPv4 and IPv6 default NACL entries together allow all.
  assert.ok(findings.some((f) => f.id === 'aws-allow-all-network-acl' && /acl-default/.test(JSON.stringify(f.msg))));
});

test('init on a dual-stack estate writes IPv6 outside segments (internet-ipv6) and its intent audits without drift', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-ipv6-init-'));
  const file = join(dir, 'intent.yaml');
  const init = runCli(['init', 'examples/aws-ipv6', '--output-file', file, '--no-settings'], undefined, REPO_ROOT);
  assert.equal(init.code, 0, init.stderr);
  const intent = readFileSync(file, 'utf8');
  assert.match(intent, /internet-ipv6: \{cidrs: \["::\/3", /);
  assert.match(intent, /\{from: \[public-sg-site, private\], to: internet-ipv6\}/);
  const withIntent = runCli(['audit', 'examples/aws-ipv6', '--intent', file, '--no-settings', '-o', 'json'], undefined, REPO_ROOT);
  const without = runCli(['audit', 'examples/aws-ipv6', '--no-intent', '--no-settings', '-o', 'json'], undefined, REPO_ROOT);
  const ids = (t: string): string[] => (JSON.parse(t) as { findings: Array<{ check: string }> }).findings.map((f) => f.check).sort();
  assert.deepEqual(ids(withIntent.stdout), ids(without.stdout));
});

test('--from/--to take an IPv6 address or CIDR: interfaces by their IPv6 addresses, outside ranges of that family only', () => {
  const r = analyse(example()).reach();
  const match = (spec: string): string[] => r.endpoints.filter(awsEndpointMatcher(spec)).map((e) => e.id.split('/').pop()!).sort();
  assert.deepEqual(match('2600:1f18:a:b01::/64'), ['eni-worker']);
  assert.deepEqual(match('2600:1f18:a:b00::10'), ['eni-site']);
  const outside6 = r.endpoints.filter(awsEndpointMatcher('2606:4700::1111'));
  assert.ok(outside6.length === 1 && outside6[0]!.kind === 'External' && outside6[0]!.cidrs!.every((c) => c.includes(':')));
  // An IPv4 CIDR never names an IPv6 range (::/96 and 0.0.0.0/0 hold the same numbers).
  assert.ok(r.endpoints.filter(awsEndpointMatcher('0.0.0.0/0')).every((e) => e.kind === 'NetworkInterface' || e.cidrs!.every((c) => !c.includes(':'))));
});

test('blast --from an IPv6 address or CIDR starts from exactly it, as --from an IPv4 one does', () => {
  for (const [spec, cidr] of [['2606:4700::/32', '2606:4700::/32'], ['2606:4700::1', '2606:4700::1/128']] as const) {
    const out = runCli(['blast', 'examples/aws-ipv6', '--from', spec, '--no-settings', '-o', 'json'], undefined, REPO_ROOT);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { start: Array<{ id: string; cidrs: string[] }>; reached: Array<{ endpoint: { id: string } }> };
    assert.deepEqual(j.start.map((s) => [s.id, s.cidrs]), [[spec, [cidr]]]);
    assert.ok(j.reached.some((r) => r.endpoint.id.endsWith('/eni-site')));
  }
  // An IPv6 block the internet does not open anything from reaches nothing, and an IPv4 one is not narrowed to IPv6 atoms.
  const v4 = JSON.parse(runCli(['blast', 'examples/aws-ipv6', '--from', '203.0.113.0/24', '--no-settings', '-o', 'json'], undefined, REPO_ROOT).stdout) as { start: Array<{ cidrs: string[] }> };
  assert.deepEqual(v4.start.map((s) => s.cidrs), [['203.0.113.0/24']]);
});

test('diff of a dual-stack estate: removing the ::/0 route to the IGW closes the IPv6 internet, IPv4 untouched (it used to never finish)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-v6-diff-'));
  const src = join(REPO_ROOT, 'examples/aws-ipv6/123456789012/us-east-1');
  for (const f of readdirSync(src)) {
    const doc = JSON.parse(readFileSync(join(src, f), 'utf8'));
    if (f === 'route-tables.json') for (const t of doc.RouteTables) t.Routes = t.Routes.filter((r: Record<string, string>) => !(r['DestinationIpv6CidrBlock'] === '::/0' && r['GatewayId']?.startsWith('igw-')));
    writeFileSync(join(dir, f), JSON.stringify(doc, null, 2));
  }
  const r = runCli(['diff', 'examples/aws-ipv6', dir, '-o', 'json', '-q']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  const changes = (doc.aws ?? doc).changes as Array<{ src: string; dst: string; kind: string }>;
  assert.ok(changes.length > 0, 'the change is seen');
  const outside = (doc.aws ?? doc).endpoints.filter((e: { kind: string }) => e.kind === 'External');
  const cidrs = outside.flatMap((e: { cidrs: string[] }) => e.cidrs);
  assert.ok(cidrs.length > 0 && cidrs.every((c: string) => c.includes(':')), `only IPv6 outside ranges change: ${cidrs.join(', ')}`);
  assert.ok(changes.every((c) => c.kind === 'removed' || c.kind === 'changed'), 'connections are closed, none opened');
});
