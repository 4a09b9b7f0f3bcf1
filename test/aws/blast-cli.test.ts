/**
 * `blast` on AWS input, end to end: a crafted estate (a group referencing a group, a peering hop, a NACL that
 * drops replies, an internet gateway) in every format, the options (--hops, --exclude, --target, --intent),
 * the caveats in each format, mixed with manifests, and the errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const OWNER = '111111111111';
const all = (egress: boolean, n = 100) => ({ RuleNumber: n, Protocol: '-1', RuleAction: 'allow', Egress: egress, CidrBlock: '0.0.0.0/0' });
const star = (egress: boolean) => ({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, CidrBlock: '0.0.0.0/0' });
const eni = (id: string, subnet: string, vpc: string, ip: string, sg: string, extra: Record<string, unknown> = {}) => ({
  NetworkInterfaceId: id, SubnetId: subnet, VpcId: vpc, AvailabilityZone: 'us-east-1a', OwnerId: OWNER, InterfaceType: 'interface', PrivateIpAddress: ip, Groups: [{ GroupId: sg }], TagSet: [{ Key: 'Name', Value: id.slice(4) }], ...extra,
});
const from = (group: string, port: number) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: group }] });
const cidr = (c: string, port: number) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: c }] });
const OUT = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

/**
 * VPC a: jump (public, SSH from an outside office range) -> app (SSH from the jump's group) -> db (5432 from app's group);
 * locked's subnet NACL drops every reply. VPC b, peered with a: svc (443 from a's CIDR).
 */
const ESTATE = {
  Vpcs: [{ VpcId: 'vpc-a', OwnerId: OWNER, CidrBlock: '10.0.0.0/16' }, { VpcId: 'vpc-b', OwnerId: OWNER, CidrBlock: '10.1.0.0/16' }],
  Subnets: [
    { SubnetId: 'subnet-a1', VpcId: 'vpc-a', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' },
    { SubnetId: 'subnet-a2', VpcId: 'vpc-a', CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1a' },
    { SubnetId: 'subnet-a3', VpcId: 'vpc-a', CidrBlock: '10.0.3.0/24', AvailabilityZone: 'us-east-1a' },
    { SubnetId: 'subnet-b1', VpcId: 'vpc-b', CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-east-1a' },
  ],
  NetworkInterfaces: [
    eni('eni-jump', 'subnet-a1', 'vpc-a', '10.0.1.10', 'sg-jump', { Association: { PublicIp: '198.51.100.10' } }),
    eni('eni-app', 'subnet-a1', 'vpc-a', '10.0.1.20', 'sg-app'),
    eni('eni-db', 'subnet-a2', 'vpc-a', '10.0.2.10', 'sg-db'),
    eni('eni-locked', 'subnet-a3', 'vpc-a', '10.0.3.10', 'sg-locked'),
    eni('eni-svc', 'subnet-b1', 'vpc-b', '10.1.1.10', 'sg-svc'),
  ],
  SecurityGroups: [
    { GroupId: 'sg-jump', GroupName: 'jump', VpcId: 'vpc-a', IpPermissions: [cidr('203.0.113.0/24', 22)], IpPermissionsEgress: OUT },
    { GroupId: 'sg-app', GroupName: 'app', VpcId: 'vpc-a', IpPermissions: [from('sg-jump', 22)], IpPermissionsEgress: OUT },
    { GroupId: 'sg-db', GroupName: 'db', VpcId: 'vpc-a', IpPermissions: [from('sg-app', 5432)], IpPermissionsEgress: OUT },
    { GroupId: 'sg-locked', GroupName: 'locked', VpcId: 'vpc-a', IpPermissions: [cidr('10.0.0.0/16', 80)], IpPermissionsEgress: OUT },
    { GroupId: 'sg-svc', GroupName: 'svc', VpcId: 'vpc-b', IpPermissions: [cidr('10.0.1.20/32', 443)], IpPermissionsEgress: OUT },
  ],
  NetworkAcls: [
    { NetworkAclId: 'acl-a', VpcId: 'vpc-a', IsDefault: true, Entries: [all(false), all(true), star(false), star(true)], Associations: [{ SubnetId: 'subnet-a1' }, { SubnetId: 'subnet-a2' }] },
    // Requests in, but no reply out: nothing on the ephemeral ports.
    { NetworkAclId: 'acl-locked', VpcId: 'vpc-a', IsDefault: false, Entries: [all(false), { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 1023 } }, star(false), star(true)], Associations: [{ SubnetId: 'subnet-a3' }] },
    { NetworkAclId: 'acl-b', VpcId: 'vpc-b', IsDefault: true, Entries: [all(false), all(true), star(false), star(true)], Associations: [{ SubnetId: 'subnet-b1' }] },
  ],
  RouteTables: [
    { RouteTableId: 'rtb-a', VpcId: 'vpc-a', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-ab', State: 'active' }, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-a', State: 'active' }] },
    { RouteTableId: 'rtb-b', VpcId: 'vpc-b', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: 'pcx-ab', State: 'active' }] },
  ],
  InternetGateways: [{ InternetGatewayId: 'igw-a', Attachments: [{ VpcId: 'vpc-a', State: 'available' }] }],
  VpcPeeringConnections: [{ VpcPeeringConnectionId: 'pcx-ab', RequesterVpcInfo: { VpcId: 'vpc-a', Region: 'us-east-1', OwnerId: OWNER }, AccepterVpcInfo: { VpcId: 'vpc-b', Region: 'us-east-1', OwnerId: OWNER }, Status: { Code: 'active' } }],
};

const DIR = mkdtempSync(join(tmpdir(), 'bulkhead-aws-blast-'));
const EST = join(DIR, 'estate');
mkdirSync(EST);
writeFileSync(join(EST, 'estate.json'), JSON.stringify(ESTATE, null, 2));
const id = (e: string) => `${OWNER}/us-east-1/${e === 'svc' ? 'vpc-b' : 'vpc-a'}/eni-${e}`;

interface Reached { endpoint: { id: string; kind: string; label: string }; hop: number; path: Array<{ from: string; to: string; crossesBoundary: boolean; stages: Array<{ stage: string; rules: Array<{ id: string; file?: string; path?: string; line?: number }> }> }> }
const blastJson = (...args: string[]) => {
  const r = runCli(['blast', EST, '-f', 'json', '-q', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { schema: string; layer: string; mode: string; reached: Reached[]; summary: Record<string, number>; ranking: Array<{ id: string; reached: number; direct: number }>; excluded?: { endpoints: string[] }; sensitive: Array<{ name: string; reached: string[] }> };
};
const hops = (doc: { reached: Reached[] }) => Object.fromEntries(doc.reached.filter((e) => e.endpoint.kind === 'NetworkInterface').map((e) => [e.endpoint.id, e.hop]));

test('blast --from an interface: lateral movement over group references and a peering, a reply-blocking NACL stops it', () => {
  const doc = blastJson('--from', 'jump');
  assert.equal(doc.schema, 'bulkhead.blast/v1');
  assert.equal(doc.layer, 'aws');
  // jump -> app (SSH, sg-app admits sg-jump) -> db (5432, sg-db admits sg-app) and svc (443 over pcx-ab).
  assert.deepEqual(hops(doc), { [id('app')]: 1, [id('db')]: 2, [id('svc')]: 2 });
  const svc = doc.reached.find((e) => e.endpoint.id === id('svc'))!;
  assert.deepEqual(svc.path.map((h) => [h.from, h.to]), [[id('jump'), id('app')], [id('app'), id('svc')]]);
  assert.equal(svc.path[1]!.crossesBoundary, true, 'the peering hop crosses a VPC boundary');
  const route = svc.path[1]!.stages.find((s) => s.stage === 'route')!;
  assert.match(route.rules[0]!.id, /rtb-a 10\.1\.0\.0\/16 -> pcx-ab/);
  assert.match(route.rules[0]!.path!, /^RouteTables\[0\]\.Routes\[1\]$/);
  assert.ok(svc.path[1]!.stages.some((s) => s.stage === 'return-route' && s.rules.some((r) => /rtb-b 10\.0\.0\.0\/16 -> pcx-ab/.test(r.id))), 'the peer routes back over the same peering');
  const app = doc.reached.find((e) => e.endpoint.id === id('app'))!;
  const ingress = app.path[0]!.stages.find((s) => s.stage === 'sg-ingress')!;
  assert.equal(ingress.rules[0]!.id, 'sg-app ingress #0');
  assert.match(ingress.rules[0]!.path!, /SecurityGroups\[1\]\.IpPermissions\[0\]\.UserIdGroupPairs\[0\]/);
  assert.ok(ingress.rules[0]!.file!.endsWith('estate.json') && ingress.rules[0]!.line! > 1);
  // locked admits TCP 80 from the VPC, but its NACL drops the replies: reach says so, and it is no hop.
  assert.ok(!(id('locked') in hops(blastJson('--from', 'app'))));
  assert.match(runCli(['reach', EST, '--from', 'app', '--to', 'locked', '-q']).stdout, /replies blocked by a network ACL: TCP 80/);
});

test('blast --from internet (and an outside address): what an outside attacker reaches, hop by hop', () => {
  const doc = blastJson('--from', 'internet');
  assert.deepEqual(hops(doc), { [id('jump')]: 1, [id('app')]: 2, [id('db')]: 3, [id('svc')]: 3 });
  const first = doc.reached.find((e) => e.endpoint.id === id('jump'))!.path[0]!;
  assert.ok(first.stages.some((s) => s.stage === 'sg-ingress' && s.rules.some((r) => r.id === 'sg-jump ingress #0')));
  assert.deepEqual(hops(blastJson('--from', '203.0.113.7')), hops(doc));
  const t = runCli(['blast', EST, '--from', 'internet', '-q']);
  assert.match(t.stdout, /^Blast radius from internet \(AWS; boundaries are VPCs\)\nreaches 4 network interfaces \(1 directly\)/);
  assert.match(t.stdout, /\nHop 3:\n {2}.*eni-db\[db\] +TCP 5432 {2}via 203\.0\.113\.0\/24 => .*eni-jump\[jump\] => .*eni-app\[app\]/);
});

test('blast ranks interfaces by how far they spread; --hops and --exclude behave as for a cluster', () => {
  const doc = blastJson();
  assert.equal(doc.mode, 'ranking');
  const rank = Object.fromEntries(doc.ranking.map((e) => [e.id, [e.reached, e.direct]]));
  assert.deepEqual(rank[id('jump')], [3, 1]);
  // app reaches db and svc directly; locked's replies are dropped.
  assert.deepEqual(rank[id('app')], [2, 2]);
  assert.deepEqual(rank[id('db')], [0, 0]);
  assert.equal(doc.ranking[0]!.id, id('jump'), 'riskiest first');
  assert.deepEqual(hops(blastJson('--from', 'jump', '--hops', '1')), { [id('app')]: 1 });
  const ex = blastJson('--from', 'jump', '--exclude', 'app');
  assert.deepEqual(hops(ex), { [id('app')]: 1 }, 'reached, but no path goes on from it');
  assert.deepEqual(ex.excluded!.endpoints, [id('app')]);
  assert.ok(!blastJson('--exclude', 'app').ranking.some((e) => e.id === id('app')), 'not ranked');
  const tg = blastJson('--from', 'internet', '--target', 'db');
  assert.deepEqual(tg.sensitive, [{ name: 'db', reached: [id('db')] }]);
});

test('blast with an intent: segments are the boundaries, --from a segment, sensitive and infrastructure segments', () => {
  const intent = join(DIR, 'intent.yaml');
  writeFileSync(intent, 'segments:\n  edge: {interfaces: [jump]}\n  app: {interfaces: [app], infrastructure: true}\n  data: {interfaces: [db], sensitive: true}\n  peer: {vpc: vpc-b}\nflows: []\n');
  const r = runCli(['blast', EST, '--intent', intent, '--from', 'edge', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /boundaries are segments/);
  // app is infrastructure: reached, but no path goes on from it.
  assert.match(r.stdout, /Excluded as pivots \(app\)/);
  assert.doesNotMatch(r.stdout, /eni-db\[db\]/);
  const open = runCli(['blast', EST, '--intent', intent, '--from', 'edge', '--hops', '3', '-q', '-f', 'json']);
  assert.deepEqual(JSON.parse(open.stdout).sensitive, [{ name: 'data', reached: [] }]);
});

test('blast on AWS input in every format; an unknown --from or --exclude stops with exit 2 naming what was tried', () => {
  const md = runCli(['blast', EST, '--from', 'jump', '-f', 'md', '-q']);
  assert.match(md.stdout, /^### Blast radius from `.*eni-jump\\?\[jump\\?\]` \(AWS\)/);
  assert.match(md.stdout, /\| sg-ingress \| sg-app ingress #0: TCP 22 \(.*estate\.json:\d+ SecurityGroups\[1\]/);
  const dot = runCli(['blast', EST, '--from', 'jump', '-f', 'dot', '-q']).stdout;
  assert.match(dot, /^digraph blast \{/);
  assert.match(dot, new RegExp(`"${id('app')}" -> "${id('svc')}" \\[label="TCP 443", style=dashed\\]`));
  const html = runCli(['blast', EST, '--from', 'jump', '-f', 'html', '-q']).stdout;
  assert.match(html, /<title>Bulkhead: AWS blast radius from .*eni-jump\[jump\]<\/title>/);
  assert.match(html, /sg-app ingress #0/);
  assert.match(runCli(['blast', EST, '-f', 'html', '-q']).stdout, /AWS blast radius ranking/);
  assert.match(runCli(['blast', EST, '-f', 'md', '-q']).stdout, /### Blast radius ranking: 5 network interfaces/);
  const bad = runCli(['blast', EST, '--from', 'eni-nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from "eni-nope" matches no network interface or outside range of the AWS input \(tried ids, Name tags/);
  assert.equal(runCli(['blast', EST, '--exclude', 'nope']).code, 2);
  assert.equal(runCli(['blast', EST, '--hops', '0']).code, 2);
  assert.equal(runCli(['blast', EST, '-n', 'prod']).code, 2);
});

// Planted problems: a route to a virtual private gateway (not evaluated) and a NACL entry that cannot be read.
const BAD = join(DIR, 'bad');
cpSync(EST, BAD, { recursive: true });
writeFileSync(join(BAD, 'extra.json'), JSON.stringify({
  RouteTables: [{ RouteTableId: 'rtb-vgw', VpcId: 'vpc-b', Associations: [], Routes: [{ DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'vgw-1', State: 'active' }] }],
  NetworkAcls: [{ NetworkAclId: 'acl-bad', VpcId: 'vpc-b', IsDefault: false, Associations: [], Entries: [{ RuleNumber: 5, Protocol: 'bogus', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }] }],
}));

test('blast on AWS input carries the snapshot caveats in every format, before the results', () => {
  for (const args of [['--from', 'jump'], []]) {
    for (const format of ['text', 'md', 'json', 'dot', 'html']) {
      const r = runCli(['blast', BAD, ...args, '-f', format, '-q']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', 'quiet: the report itself says it');
      if (format === 'json') {
        const doc = JSON.parse(r.stdout);
        assert.equal(doc.bound, 'unknown');
        assert.ok(doc.caveats.some((c: { name: string }) => c.name.includes('vgw-1')));
        assert.ok(doc.diagnostics.some((d: { code: string; file: string }) => d.code === 'aws-bad-nacl-entry' && d.file.endsWith('extra.json')));
        continue;
      }
      assert.match(r.stdout, /vgw-1/, `${format} ${args.join(' ')}`);
      assert.match(r.stdout, /extra\.json/, format);
      const marker = format === 'html' ? '<h2>' : format === 'dot' ? '->' : 'Blast radius';
      if (args.length || format !== 'dot') assert.ok(r.stdout.indexOf('vgw-1') < r.stdout.indexOf(marker), `${format}: caveats come before the results`);
    }
  }
});

test('blast over manifests and a snapshot: a section each (text, md, dot), one JSON document; --from answers on the side it names', () => {
  const t = runCli(['blast', 'examples/shop', EST, '-q', '--no-intent']);
  assert.equal(t.code, 0, t.stderr);
  const k = t.stdout.indexOf('== Kubernetes ==');
  const a = t.stdout.indexOf('== AWS ==');
  assert.ok(k === 0 && a > k, 'both sections, the cluster first');
  assert.match(t.stdout.slice(a), /Blast radius ranking: 5 network interfaces/);
  const j = JSON.parse(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'json']).stdout);
  assert.equal(j.kubernetes.schema, 'bulkhead.blast/v1');
  assert.equal(j.aws.layer, 'aws');
  assert.match(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'md']).stdout, /^## Kubernetes\n[\s\S]*\n## AWS\n/);
  assert.match(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'dot']).stdout, /^\/\/ Kubernetes\ndigraph blast \{[\s\S]*\n\/\/ AWS\ndigraph blast \{/);
  assert.equal(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'html']).code, 2);
  // An interface: only the estate answers. A workload: only the cluster.
  const aws = JSON.parse(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'json', '--from', 'jump']).stdout);
  assert.equal(aws.layer, 'aws');
  const k8s = JSON.parse(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'json', '--from', 'shop-prod/frontend']).stdout);
  assert.equal(k8s.layer, undefined);
  assert.equal(k8s.mode, 'from');
  // --exclude goes to the side it names; a spec neither side has is an error.
  const ex = JSON.parse(runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '-f', 'json', '--exclude', 'app', '--exclude', 'kube-system/coredns']).stdout);
  assert.deepEqual(ex.aws.excluded.endpoints, [id('app')]);
  assert.ok(ex.kubernetes.excluded.endpoints.some((e: string) => e.startsWith('kube-system/coredns')));
  const none = runCli(['blast', 'examples/shop', EST, '-q', '--no-intent', '--from', 'nothing-here']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no endpoint of the manifests or of the AWS input matches --from "[^"]*"\nhint: Kubernetes: .*; AWS: /);
});

test('docs/aws.md shows the real output of its blast examples', () => {
  const doc = readFileSync('docs/aws.md', 'utf8');
  for (const args of [['blast', 'examples/aws'], ['blast', 'examples/aws', '--from', 'internet']]) {
    const at = doc.indexOf(`\`bulkhead ${args.join(' ')}\``);
    assert.ok(at >= 0, args.join(' '));
    const start = doc.indexOf('```\n', at) + 4;
    assert.equal(doc.slice(start, doc.indexOf('```', start)), runCli(args).stdout, args.join(' '));
  }
});

test('AWS blast text writes a connection with => as every other command does (no -> outside DOT)', () => {
  const t = runCli(['blast', 'examples/aws', '--from', 'internet', '--no-settings']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^ {2}internet => .*eni-web\[web\] : TCP 443/m);
  assert.match(t.stdout, /via internet => .*eni-web\[web\]/);
  // Only route rules (a destination and its target) keep ->.
  for (const l of t.stdout.split('\n').filter((x) => x.includes(' -> '))) assert.match(l, /\b(route|return-route|tgw-route)\b/, l);
});
