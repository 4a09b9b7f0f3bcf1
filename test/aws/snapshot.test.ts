/** The describe-* reader: bad input becomes diagnostics with file, line and JSON path, never a crash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAwsInventory, scopeOfPath } from '../../src/sources/aws/snapshot.js';
import { AWS_RESOURCES } from '../../src/sources/aws/registry.js';
import { COLLECTOR_KEYS, DESCRIBE_KEYS } from '../../src/sources/aws/keys.js';
import { awsFormatOf } from '../../src/sources/aws/detect.js';
import { TrafficSet, awsTraffic, icmpValue, PROTO_TCP, PROTO_UDP, PROTO_ICMP } from '../../src/model/traffic-set.js';

const read = (text: string) => buildAwsInventory([{ path: 'snap/x.json', text }]);

test('a missing required field is an error naming the JSON path and line; the rest is read', () => {
  const inv = read('{\n  "SecurityGroups": [\n    {"GroupId": "sg-1", "VpcId": "vpc-1"},\n    {"VpcId": "vpc-1"}\n  ]\n}\n');
  assert.equal(inv.securityGroups.length, 1);
  const d = inv.diagnostics.find((x) => x.code === 'aws-missing-field')!;
  assert.equal(d.severity, 'error');
  assert.equal(d.source?.line, 4);
  assert.match(d.message, /SecurityGroups\[1\]/);
});

test('a route to a NAT gateway that is not in the snapshot is a warning at the route', () => {
  const inv = read(JSON.stringify({ RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-gone', State: 'active' }] }], Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] }));
  const d = inv.diagnostics.find((x) => x.message.includes('nat-gone'))!;
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /RouteTables\[0\]\.Routes\[0\]/);
});

test('unknown top-level keys are info; paging keys are silent; non-JSON is an error, not a crash', () => {
  const inv = buildAwsInventory([
    { path: 'a.json', text: '{"LoadBalancerDescriptions": [], "NextToken": "x", "Vpcs": []}' },
    { path: 'b.json', text: '{"Vpcs": [' },
    { path: 'c.json', text: '[1, 2]' },
  ]);
  assert.deepEqual(inv.diagnostics.map((d) => [d.source?.file, d.severity, d.code]).sort(), [
    ['a.json', 'info', 'aws-unknown-key'],
    ['b.json', 'error', inv.diagnostics.find((d) => d.source?.file === 'b.json')!.code],
    ['c.json', 'warning', 'aws-not-describe-output'],
  ].sort());
});

test('a NACL entry that cannot be read is an error (a skipped deny could hide a block)', () => {
  const inv = read(JSON.stringify({ NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: [{ RuleNumber: 10, Protocol: 'bogus', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }] }] }));
  assert.equal(inv.networkAcls[0]!.inbound.length, 0);
  assert.ok(inv.diagnostics.some((d) => d.code === 'aws-bad-nacl-entry' && d.severity === 'error' && /Entries\[0\]/.test(d.message)));
});

test('account and region come from <account>/<region>/ directories', () => {
  assert.deepEqual(scopeOfPath('123456789012/eu-west-1/vpcs.json'), { account: '123456789012', region: 'eu-west-1' });
  assert.deepEqual(scopeOfPath('vpcs.json'), {});
});

test('TrafficSet reads AWS protocols: names, numbers, -1, ICMP type and code', () => {
  assert.ok(awsTraffic('-1', undefined, undefined)!.equals(TrafficSet.ALL));
  assert.ok(awsTraffic('6', 80, 81)!.equals(TrafficSet.ports(PROTO_TCP, 80, 81)));
  assert.ok(awsTraffic('udp', undefined, undefined)!.equals(TrafficSet.protocol(PROTO_UDP)));
  const echo = awsTraffic('icmp', 8, -1)!;
  assert.ok(echo.has(PROTO_ICMP, icmpValue(8, 0)) && echo.has(PROTO_ICMP, icmpValue(8, 255)) && !echo.has(PROTO_ICMP, icmpValue(0, 0)));
  assert.ok(awsTraffic('50', undefined, undefined)!.has(50) && !awsTraffic('50', undefined, undefined)!.has(51));
  assert.equal(awsTraffic('bogus', 1, 2), undefined);
  assert.deepEqual(TrafficSet.ALL.toJSON(), { ANY: [[0, 255]] });
  assert.deepEqual(TrafficSet.ports(PROTO_TCP, 443).union(TrafficSet.ports(PROTO_UDP, 53)).toJSON(), { TCP: [[443, 443]], UDP: [[53, 53]] });
  assert.ok(TrafficSet.ALL.subtract(TrafficSet.protocol(PROTO_TCP)).has(PROTO_UDP, 1));
  assert.ok(!TrafficSet.ALL.subtract(TrafficSet.protocol(PROTO_TCP)).has(PROTO_TCP, 1));
});

test('a subnet without a NACL or a route table in the snapshot is a warning', () => {
  const inv = read(JSON.stringify({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }], Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24' }] }));
  assert.deepEqual(inv.diagnostics.map((d) => d.code).sort(), ['aws-no-nacl', 'aws-no-route-table']);
});

test('describe-instances interfaces are read and merge with describe-network-interfaces without a warning', () => {
  const nic = { NetworkInterfaceId: 'eni-1', PrivateIpAddress: '10.0.0.5', Groups: [{ GroupId: 'sg-1' }] };
  const inv = buildAwsInventory([
    { path: '111111111111/eu-west-1/instances.json', account: '111111111111', region: 'eu-west-1', text: JSON.stringify({ Reservations: [{ OwnerId: '111111111111', Instances: [{ InstanceId: 'i-1', SubnetId: 'subnet-1', VpcId: 'vpc-1', Placement: { AvailabilityZone: 'eu-west-1a' }, NetworkInterfaces: [nic] }] }] }) },
    { path: '111111111111/eu-west-1/enis.json', account: '111111111111', region: 'eu-west-1', text: JSON.stringify({ NetworkInterfaces: [{ ...nic, SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'eu-west-1a' }] }) },
  ]);
  assert.equal(inv.interfaces.length, 1);
  const e = inv.interfaces[0]!;
  assert.deepEqual([e.instanceId, e.subnet, e.vpc, e.account, e.region, e.availabilityZone], ['i-1', 'subnet-1', 'vpc-1', '111111111111', 'eu-west-1', 'eu-west-1a']);
  assert.ok(!inv.diagnostics.some((d) => d.code === 'aws-duplicate-id'));
});

test('a peering across Regions listed alike by both Regions\' describe output is read once, silently; copies that differ are a warning', () => {
  const pcx = (status: string) => ({ VpcPeeringConnections: [{ VpcPeeringConnectionId: 'pcx-1', RequesterVpcInfo: { VpcId: 'vpc-a', OwnerId: '111111111111', Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: 'vpc-b', OwnerId: '111111111111', Region: 'eu-west-1' }, Status: { Code: status } }] });
  const files = (a: string, b: string) => [
    { path: 'snap/111111111111/us-east-1/vpc-peering-connections.json', text: JSON.stringify(pcx(a), null, 2) },
    { path: 'snap/111111111111/eu-west-1/vpc-peering-connections.json', text: JSON.stringify(pcx(b), null, 2) },
  ];
  const same = buildAwsInventory(files('active', 'active'));
  assert.equal(same.peerings.length, 1);
  assert.equal(same.peerings[0]!.source.file, 'snap/111111111111/us-east-1/vpc-peering-connections.json');
  assert.deepEqual(same.diagnostics.filter((d) => d.code === 'aws-duplicate-id'), []);
  const differ = buildAwsInventory(files('active', 'deleted'));
  assert.equal(differ.peerings.length, 1);
  assert.equal(differ.peerings[0]!.status, 'active', 'the first copy is used');
  const w = differ.diagnostics.filter((d) => d.code === 'aws-duplicate-id');
  assert.equal(w.length, 1);
  assert.match(w[0]!.message, /peering connection pcx-1 appears twice; the first \(snap\/111111111111\/us-east-1\/vpc-peering-connections\.json:\d+\) is used/);
});

test('the keys that tell AWS input from manifests are exactly the keys with a reader', () => {
  assert.deepEqual([...DESCRIBE_KEYS].sort(), AWS_RESOURCES.map((r) => r.key).sort());
  for (const k of Object.values(COLLECTOR_KEYS)) assert.ok(DESCRIBE_KEYS.has(k), k);
  // Every key alone makes a file AWS input.
  for (const k of DESCRIBE_KEYS) assert.equal(awsFormatOf(JSON.stringify({ [k]: [] })), 'describe', k);
});
