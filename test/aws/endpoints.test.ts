/** VPC endpoints: gateway endpoints (S3, DynamoDB) by their service prefix list, and interface endpoints' ENIs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { awsNotesOf } from '../../src/analyses/aws/notes.js';
import { awsReachChunks } from '../../src/reports/aws/reach.js';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { PROTO_TCP } from '../../src/model/traffic-set.js';
import { parseIp } from '../../src/model/address.js';
import type { PathAnswer } from '../../src/engine/cloud/path.js';
import { referenceVerdict, type OEnd } from '../oracle/aws/reference.js';

const DIR = 'examples/aws/123456789012/us-east-1';
const S3 = 'com.amazonaws.us-east-1.s3';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function example(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of readdirSync(DIR).sort()) out[f] = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
  return out;
}

function inventory(files: Record<string, Json>) {
  return buildAwsInventory(Object.entries(files).map(([f, v]) => ({ path: `${DIR}/${f}`, text: JSON.stringify(v, null, 2), account: '123456789012', region: 'us-east-1' })));
}

const table = (f: Record<string, Json>, id: string): Json => f['route-tables.json'].RouteTables.find((t: Json) => t.RouteTableId === id);
const tcp = (a: PathAnswer, port: number): boolean => a.conns.has(PROTO_TCP, port);

/** examples/aws with an S3 gateway endpoint on prod's main table and no NAT route there (a private subnet). */
function withS3(entries = true): Record<string, Json> {
  const f = example();
  const main = table(f, 'rtb-prod-main');
  main.Routes = main.Routes.filter((r: Json) => !r.NatGatewayId);
  main.Routes.push({ DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-s3', Origin: 'CreateRouteTable', State: 'active' });
  f['vpc-endpoints.json'] = { VpcEndpoints: [{ VpcEndpointId: 'vpce-s3', VpcEndpointType: 'Gateway', VpcId: 'vpc-prod', ServiceName: S3, State: 'available', RouteTableIds: ['rtb-prod-main'] }] };
  f['prefix-lists.json'] = { PrefixLists: [{ PrefixListId: 'pl-63a5400a', PrefixListName: S3 }] };
  if (entries) f['prefix-list-entries.json'] = { ManagedPrefixListEntries: { 'pl-63a5400a': [{ Cidr: '52.216.0.0/15' }, { Cidr: '3.5.0.0/19' }] } };
  return f;
}

test('S3 through a gateway endpoint from a private subnet with no NAT: allowed, and explain names the route and the endpoint', () => {
  const inv = inventory(withS3());
  assert.deepEqual(inv.diagnostics.filter((d) => d.severity !== 'info'), []);
  assert.deepEqual(inv.unmodelled, []);
  const a = analyseAwsInventory(inv).explain('eni-api', '52.216.7.7')!;
  assert.ok(tcp(a, 443));
  const route = a.steps.find((s) => s.stage === 'route')!;
  assert.equal(route.verdict, 'allow');
  assert.match(route.message, /pl-63a5400a.*vpce-s3/);
  assert.equal(route.rules[0]!.source?.path, 'RouteTables[0].Routes[2]');
  assert.equal(route.rules[0]!.source?.file, `${DIR}/route-tables.json`);
  assert.ok(route.rules[0]!.source!.line > 1);
  assert.ok(a.steps.some((s) => s.stage === 'gateway' && s.resource === 'vpce-s3' && s.verdict === 'allow'));
  // The endpoint policy is an assumption of the answer, not a caveat of the input.
  assert.ok(a.assumptions.some((x) => /policy of gateway endpoint vpce-s3/.test(x)));
  // The rest of the internet is not reached: no NAT route any more.
  assert.ok(analyseAwsInventory(inv).explain('eni-api', '8.8.8.8')!.conns.isEmpty());
  // The source's security group egress still applies (sg-db has none).
  const db = analyseAwsInventory(inv).explain('eni-db', '52.216.7.7')!;
  assert.ok(db.conns.isEmpty());
  assert.equal(db.steps.find((s) => s.stage === 'sg-egress')!.verdict, 'deny');
});

test('a gateway endpoint is not usable from a peered VPC (no edge-to-edge routing)', () => {
  const f = withS3();
  table(f, 'rtb-dev-main').Routes.push({ DestinationPrefixListId: 'pl-63a5400a', VpcPeeringConnectionId: 'pcx-prod-dev', State: 'active' });
  const inv = inventory(f);
  const a = analyseAwsInventory(inv).explain('eni-dev', '52.216.7.7')!;
  assert.ok(a.conns.isEmpty());
  assert.ok(a.steps.some((s) => s.stage === 'route' && s.verdict === 'deny' && /edge-to-edge/.test(s.message)));
  // Naming prod's endpoint from dev's table is no better: it serves only its own VPC (and is not evaluated).
  const g = withS3();
  table(g, 'rtb-dev-main').Routes.push({ DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-s3', State: 'active' });
  const inv2 = inventory(g);
  assert.ok(analyseAwsInventory(inv2).explain('eni-dev', '52.216.7.7')!.conns.isEmpty());
  assert.ok(inv2.unmodelled.some((u) => u.name.startsWith('rtb-dev-main pl-63a5400a')));
});

test('the service never opens connections in; a static CIDR route beats the equal prefix-list route', () => {
  const f = withS3();
  table(f, 'rtb-prod-public').Routes.push({ DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-s3', State: 'active' });
  let an = analyseAwsInventory(inventory(f));
  // web has a public address and an IGW, but the replies to S3's addresses would go to the endpoint
  assert.ok(an.explain('52.216.7.7', 'eni-web')!.conns.isEmpty());
  assert.ok(tcp(an.explain('203.0.113.9', 'eni-web')!, 443));
  const out = an.explain('eni-web', '52.216.7.7')!;
  assert.ok(out.steps.some((s) => s.stage === 'gateway' && s.resource === 'vpce-s3'));
  // 52.216.0.0/15 to the IGW, as long as the prefix-list entry: the CIDR route wins
  table(f, 'rtb-prod-public').Routes.push({ DestinationCidrBlock: '52.216.0.0/15', GatewayId: 'igw-prod', State: 'active' });
  an = analyseAwsInventory(inventory(f));
  const via = an.explain('eni-web', '52.216.7.7')!;
  assert.ok(via.steps.some((s) => s.stage === 'gateway' && s.resource === 'igw-prod'));
  assert.ok(!via.steps.some((s) => s.resource === 'vpce-s3'));
  // the other entry still goes to the endpoint
  assert.ok(an.explain('eni-web', '3.5.1.1')!.steps.some((s) => s.resource === 'vpce-s3'));
});

test('reach lists the service as an outside endpoint named by the service, the internet without its ranges', () => {
  const inv = inventory(withS3());
  const text = [...awsReachChunks(analyseAwsInventory(inv).streamReach(), 'text', awsNotesOf(inv))].join('');
  assert.match(text, new RegExp(`eni-api\\[api\\] => ${S3.replace(/\./g, '\\.')} : TCP all ports; UDP all ports; ICMP all; ICMPv6 all; other protocols|eni-api\\[api\\] => ${S3.replace(/\./g, '\\.')} : All Connections`));
  const json = JSON.parse([...awsReachChunks(analyseAwsInventory(inv).streamReach(), 'json', awsNotesOf(inv))].join(''));
  const s3 = json.endpoints.find((e: Json) => e.name === S3);
  assert.deepEqual(s3.cidrs, ['3.5.0.0/19', '52.216.0.0/15']);
  assert.ok(!text.includes('eni-db[db] => com.amazonaws'));
});

test('a gateway endpoint route whose prefix list has no entries in the snapshot is a caveat (the answer is not exact)', () => {
  const inv = inventory(withS3(false));
  assert.equal(awsNotesOf(inv).bound, 'unknown');
  assert.ok(inv.unmodelled.some((u) => u.kind === 'Route' && /prefix list's entries are not in the snapshot/.test(u.effect)));
});

test('a route to a Gateway Load Balancer endpoint stays a caveat', () => {
  const f = withS3();
  table(f, 'rtb-prod-public').Routes.push({ DestinationCidrBlock: '198.51.100.0/24', GatewayId: 'vpce-gwlb', State: 'active' });
  f['vpc-endpoints.json'].VpcEndpoints.push({ VpcEndpointId: 'vpce-gwlb', VpcEndpointType: 'GatewayLoadBalancer', VpcId: 'vpc-prod', ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-1', NetworkInterfaceIds: [] });
  const inv = inventory(f);
  assert.ok(inv.unmodelled.some((u) => u.name === 'rtb-prod-public 198.51.100.0/24 -> vpce-gwlb'));
  assert.ok(!inv.unmodelled.some((u) => u.name.includes('vpce-s3')));
});

test('interface endpoints: their ENIs are ordinary ENIs with their groups, named by the service; missing ENIs are a warning', () => {
  const f = example();
  f['network-interfaces.json'].NetworkInterfaces.push({
    NetworkInterfaceId: 'eni-ssm', SubnetId: 'subnet-prod-app', VpcId: 'vpc-prod', AvailabilityZone: 'us-east-1a', PrivateIpAddress: '10.0.1.50',
    InterfaceType: 'vpc_endpoint', RequesterManaged: true, Groups: [{ GroupId: 'sg-ssm' }], OwnerId: '123456789012',
  });
  f['security-groups.json'].SecurityGroups.push({ GroupId: 'sg-ssm', GroupName: 'ssm', VpcId: 'vpc-prod', OwnerId: '123456789012', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.1.0/24' }] }], IpPermissionsEgress: [] });
  f['vpc-endpoints.json'] = { VpcEndpoints: [{ VpcEndpointId: 'vpce-ssm', VpcEndpointType: 'Interface', VpcId: 'vpc-prod', ServiceName: 'com.amazonaws.us-east-1.ssm', State: 'available', NetworkInterfaceIds: ['eni-ssm', 'eni-gone'] }] };
  const inv = inventory(f);
  const w = inv.diagnostics.filter((d) => d.code === 'aws-endpoint-interfaces-missing');
  assert.equal(w.length, 1);
  assert.equal(w[0]!.severity, 'warning');
  assert.match(w[0]!.message, /vpce-ssm.*eni-gone/);
  const an = analyseAwsInventory(inv);
  assert.ok(tcp(an.explain('eni-api', 'eni-ssm')!, 443));
  assert.ok(an.explain('eni-web', 'eni-ssm')!.conns.isEmpty(), 'its group admits only the app subnet');
  // named by its endpoint's service, and found by the endpoint id
  const text = [...awsReachChunks(an.streamReach(), 'text', awsNotesOf(inv))].join('');
  assert.match(text, /eni-api\[api\] => 123456789012\/us-east-1\/vpc-prod\/eni-ssm\[com\.amazonaws\.us-east-1\.ssm\] : TCP 443/);
  assert.ok(tcp(an.explain('eni-api', 'vpce-ssm')!, 443));
});

test('the reference evaluator agrees with the engine on the gateway endpoint estates', () => {
  const f = withS3();
  table(f, 'rtb-prod-public').Routes.push({ DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-s3', State: 'active' });
  table(f, 'rtb-dev-main').Routes.push({ DestinationPrefixListId: 'pl-63a5400a', VpcPeeringConnectionId: 'pcx-prod-dev', State: 'active' });
  const inv = inventory(f);
  const an = analyseAwsInventory(inv);
  const outside = ['52.216.7.7', '3.5.1.1', '8.8.8.8'].map((s) => ({ kind: 'external' as const, address: parseIp(s)!.value }));
  const enis = inv.interfaces.map((eni) => ({ kind: 'eni' as const, eni }));
  for (const s of enis) {
    for (const d of outside) {
      for (const [x, y] of [[s, d], [d, s]] as Array<[OEnd, OEnd]>) {
        const got = an.explainPath(x, y).conns.has(PROTO_TCP, 443);
        assert.equal(got, referenceVerdict(inv, x, y, { protocol: PROTO_TCP, value: 443 }) === 'allowed', `${JSON.stringify(x.kind === 'eni' ? x.eni.id : String(x.address))} -> ${y.kind === 'eni' ? y.eni.id : String(y.address)}`);
      }
    }
  }
});

test('an interface with IPv6 addresses is evaluated (no caveat): it is read, and an IPv6 route to a NAT gateway (NAT64) is the caveat', () => {
  const f = example();
  assert.deepEqual(inventory(f).unmodelled, []);
  f['network-interfaces.json'].NetworkInterfaces[0].Ipv6Addresses = [{ Ipv6Address: '2600:1f18:1:2::10' }];
  const inv = inventory(f);
  assert.deepEqual(inv.unmodelled, []);
  assert.deepEqual(inv.interfaces.find((e) => e.id === 'eni-web')!.ipv6Addresses, ['2600:1f18:1:2::10']);
  const t = f['route-tables.json'].RouteTables[0];
  t.Routes.push({ DestinationIpv6CidrBlock: '64:ff9b::/96', NatGatewayId: 'nat-x', State: 'active' });
  const u = inventory(f).unmodelled;
  assert.equal(u.length, 1);
  assert.match(u[0]!.effect, /NAT64/);
});
