/** Crafted estates, one per rule of aws-semantics.md, built from examples/aws with one change each. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { analyseAwsInventory, analyseAwsSnapshot } from '../../src/analyses/aws/reach.js';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { PROTO_ICMP, PROTO_TCP, icmpValue } from '../../src/model/traffic-set.js';
import type { PathAnswer } from '../../src/engine/cloud/path.js';

const DIR = 'examples/aws/123456789012/us-east-1';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function example(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of readdirSync(DIR).sort()) out[f] = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
  return out;
}

function analyse(files: Record<string, Json>) {
  const inv = buildAwsInventory(Object.entries(files).map(([f, v]) => ({ path: `${DIR}/${f}`, text: JSON.stringify(v, null, 2), account: '123456789012', region: 'us-east-1' })));
  return analyseAwsInventory(inv);
}

const tcp = (a: PathAnswer, port: number): boolean => a.conns.has(PROTO_TCP, port);
const denials = (a: PathAnswer): string[] => a.steps.filter((s) => s.verdict === 'deny').map((s) => s.stage);
const sg = (f: Record<string, Json>, id: string): Json => f['security-groups.json'].SecurityGroups.find((g: Json) => g.GroupId === id);
const table = (f: Record<string, Json>, id: string): Json => f['route-tables.json'].RouteTables.find((t: Json) => t.RouteTableId === id);
const eni = (f: Record<string, Json>, id: string): Json => f['network-interfaces.json'].NetworkInterfaces.find((e: Json) => e.NetworkInterfaceId === id);

test('the example estate reads without diagnostics and answers as designed', async () => {
  const a = await analyseAwsSnapshot('examples/aws');
  assert.deepEqual(a.inventory.diagnostics, []);
  assert.ok(tcp(a.explain('eni-api', 'eni-db')!, 5432));
  assert.ok(!tcp(a.explain('eni-api', 'eni-db')!, 22));
  assert.ok(tcp(a.explain('203.0.113.9', 'eni-web')!, 443));
  assert.ok(tcp(a.explain('eni-web', 'eni-api')!, 8080));
  // endpoint ids follow the contract <account>/<region>/<vpc>/<eni-id>, the account and region from the directories
  assert.ok(a.reach().endpoints.some((e) => e.id === '123456789012/us-east-1/vpc-prod/eni-db'));
});

test('a denial names every setting that blocks, with file, line and JSON path', () => {
  const a = analyse(example()).explain('eni-web', 'eni-db')!;
  assert.ok(a.conns.isEmpty() || !tcp(a, 5432));
  // the reply toward web's subnet is denied too: every blocker is listed
  assert.deepEqual(denials(a).sort(), ['nacl-inbound', 'nacl-reply', 'sg-ingress']);
  const nacl = a.steps.find((s) => s.stage === 'nacl-inbound')!;
  assert.ok(nacl.rules.some((r) => r.id === 'acl-prod-db inbound #*' && r.source?.path === 'NetworkAcls[1].Entries[4]' && r.source.line > 1));
  const group = a.steps.find((s) => s.stage === 'sg-ingress')!;
  assert.deepEqual(group.rules.map((r) => r.id), ['sg-db']);
});

test('NACL replies: requests pass but replies on part of the ephemeral range are dropped (responseBlocked)', () => {
  const f = example();
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(!tcp(a, 5432));
  assert.ok(a.responseBlocked.has(PROTO_TCP, 5432));
  const reply = a.steps.find((s) => s.stage === 'nacl-reply' && s.verdict !== 'allow')!;
  assert.equal(reply.resource, 'acl-prod-db');
  // widening the reply rule to the documented 1024-65535 fixes it
  f['network-acls.json'].NetworkAcls[1].Entries[3].PortRange = { From: 1024, To: 65535 };
  const b = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(tcp(b, 5432));
  assert.ok(b.responseBlocked.isEmpty());
});

test('peering needs the route back: without it the path is denied at the return route', () => {
  const f = example();
  f['network-acls.json'].NetworkAcls[1].Entries[3].PortRange = { From: 1024, To: 65535 };
  assert.ok(tcp(analyse(f).explain('eni-dev', 'eni-db')!, 5432));
  table(f, 'rtb-prod-main').Routes = table(f, 'rtb-prod-main').Routes.filter((r: Json) => !r.VpcPeeringConnectionId);
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty() && a.responseBlocked.isEmpty());
  assert.ok(denials(a).includes('return-route'));
});

test('peering is not transitive and a NAT gateway is not reached through it', () => {
  const a = analyse(example());
  // dev's default route names prod's NAT gateway: traffic from dev to the internet goes nowhere
  const out = a.explain('eni-dev', '8.8.8.8')!;
  assert.ok(out.conns.isEmpty());
  assert.ok(denials(out).includes('route'));
  // dev routes only the database subnet over the peering: the rest of prod is unreachable
  assert.ok(a.explain('eni-dev', 'eni-api')!.conns.isEmpty());
});

test('a referenced group matches across same-Region peering, not across inter-Region peering', () => {
  const f = example();
  f['network-acls.json'].NetworkAcls[1].Entries[3].PortRange = { From: 1024, To: 65535 };
  assert.ok(tcp(analyse(f).explain('eni-dev', 'eni-db')!, 5432));
  f['vpc-peering-connections.json'].VpcPeeringConnections[0].RequesterVpcInfo.Region = 'eu-west-1';
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(!tcp(a, 5432));
  assert.deepEqual(denials(a), ['sg-ingress']);
});

test('a stale group reference allows nothing and is reported', () => {
  const f = example();
  sg(f, 'sg-api').IpPermissions[0].UserIdGroupPairs[0].GroupId = 'sg-deleted';
  const r = analyse(f);
  assert.ok(!tcp(r.explain('eni-web', 'eni-api')!, 8080));
  const d = r.inventory.diagnostics.find((x) => x.code === 'aws-unknown-reference' && x.message.includes('sg-deleted'))!;
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /SecurityGroups\[1\]\.IpPermissions\[0\]\.UserIdGroupPairs\[0\]/);
});

test('an internet gateway carries only interfaces with a public address', () => {
  const f = example();
  delete eni(f, 'eni-web').Association;
  delete eni(f, 'eni-web').PrivateIpAddresses[0].Association;
  const a = analyse(f);
  assert.ok(a.explain('203.0.113.9', 'eni-web')!.conns.isEmpty());
  const out = a.explain('eni-web', '8.8.8.8')!;
  assert.ok(out.conns.isEmpty());
  assert.ok(out.steps.some((s) => s.stage === 'gateway' && s.verdict === 'deny'));
  // a private interface behind the NAT reaches out, but nothing reaches it from outside
  assert.ok(tcp(a.explain('eni-api', '8.8.8.8')!, 443));
  assert.ok(a.explain('8.8.8.8', 'eni-api')!.conns.isEmpty());
  // a private NAT gateway (no Elastic IP) does not reach the internet
  const nat = f['nat-gateways.json'].NatGateways[0];
  nat.ConnectivityType = 'private';
  delete nat.NatGatewayAddresses[0].PublicIp;
  assert.ok(analyse(f).explain('eni-api', '8.8.8.8')!.conns.isEmpty());
});

test('NACLs: first match by rule number; skipped within one subnet', () => {
  const f = example();
  const acl = f['network-acls.json'].NetworkAcls[1];
  acl.Entries.push({ RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '10.0.1.10/32', PortRange: { From: 5432, To: 5432 } });
  const a = analyse(f).explain('eni-api', 'eni-db')!;
  assert.ok(!tcp(a, 5432));
  assert.ok(a.steps.find((s) => s.stage === 'nacl-inbound')!.rules.some((r) => r.id === 'acl-prod-db inbound #50'));
  // an interface in the database subnet itself is not subject to the subnet's NACL
  f['network-interfaces.json'].NetworkInterfaces.push({ ...eni(f, 'eni-api'), NetworkInterfaceId: 'eni-batch', SubnetId: 'subnet-prod-db', PrivateIpAddress: '10.0.2.20', PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.2.20' }] });
  sg(f, 'sg-db').IpPermissions.push({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-api' }] });
  assert.ok(tcp(analyse(f).explain('eni-batch', 'eni-db')!, 5432));
});

test('protocol -1 means all traffic, ICMP by type and code', () => {
  const f = example();
  sg(f, 'sg-dev').IpPermissions.push({ IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/16' }] });
  table(f, 'rtb-dev-main').Routes.push({ DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: 'pcx-prod-dev', State: 'active', Origin: 'CreateRoute' });
  const a = analyse(f).explain('eni-api', 'eni-dev')!;
  assert.ok(a.conns.has(PROTO_ICMP, icmpValue(8, 0)));
  assert.ok(!a.conns.has(PROTO_ICMP, icmpValue(3, 0)));
  assert.ok(tcp(a, 22));
  assert.ok(!tcp(a, 23));
});

/** The example with the peering replaced by a transit gateway (one route table, both VPCs propagated). */
function withTransitGateway(): Record<string, Json> {
  const f = example();
  f['network-acls.json'].NetworkAcls[1].Entries[3].PortRange = { From: 1024, To: 65535 };
  for (const id of ['rtb-prod-main', 'rtb-dev-main']) {
    const t = table(f, id);
    t.Routes = t.Routes.map((r: Json) => (r.VpcPeeringConnectionId ? { DestinationCidrBlock: r.DestinationCidrBlock, TransitGatewayId: 'tgw-hub', State: 'active', Origin: 'CreateRoute' } : r));
  }
  delete f['vpc-peering-connections.json'];
  sg(f, 'sg-db').IpPermissions[1] = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.1.0.0/16' }] };
  f['tgw.json'] = {
    TransitGateways: [{ TransitGatewayId: 'tgw-hub', State: 'available', OwnerId: '123456789012' }],
    TransitGatewayAttachments: [
      { TransitGatewayAttachmentId: 'tgw-attach-prod', TransitGatewayId: 'tgw-hub', ResourceType: 'vpc', ResourceId: 'vpc-prod', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-main', State: 'associated' } },
      { TransitGatewayAttachmentId: 'tgw-attach-dev', TransitGatewayId: 'tgw-hub', ResourceType: 'vpc', ResourceId: 'vpc-dev', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-main', State: 'associated' } },
    ],
    TransitGatewayVpcAttachments: [
      { TransitGatewayAttachmentId: 'tgw-attach-prod', SubnetIds: ['subnet-prod-app'] },
      { TransitGatewayAttachmentId: 'tgw-attach-dev', SubnetIds: ['subnet-dev-app'] },
    ],
    TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-main', TransitGatewayId: 'tgw-hub' }, { TransitGatewayRouteTableId: 'tgw-rtb-dev', TransitGatewayId: 'tgw-hub' }],
    TransitGatewayRouteTableRoutes: {
      'tgw-rtb-main': [
        { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-prod', ResourceId: 'vpc-prod', ResourceType: 'vpc' }], Type: 'propagated', State: 'active' },
        { DestinationCidrBlock: '10.1.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-dev', ResourceId: 'vpc-dev', ResourceType: 'vpc' }], Type: 'propagated', State: 'active' },
      ],
      'tgw-rtb-dev': [],
    },
  };
  return f;
}

test('Transit Gateway: propagated routes of the ingress attachment\'s table carry the flow', () => {
  const a = analyse(withTransitGateway()).explain('eni-dev', 'eni-db')!;
  assert.ok(tcp(a, 5432), a.steps.map((s) => s.message).join('\n'));
  assert.ok(a.steps.some((s) => s.stage === 'tgw-route' && s.verdict === 'allow'));
});

test('Transit Gateway security group referencing: inbound rules match a group across the gateway where it and both attachments enable it; outbound rules never', () => {
  // db admits TCP 5432 from the dev group itself, not its CIDR: without referencing the reference is stale.
  const referencing = (gateway: boolean, prod?: string, dev?: string): Record<string, Json> => {
    const f = withTransitGateway();
    sg(f, 'sg-db').IpPermissions[1] = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-dev', UserId: '123456789012' }] };
    if (gateway) f['tgw.json'].TransitGateways[0].Options = { SecurityGroupReferencingSupport: 'enable' };
    const [p, d] = f['tgw.json'].TransitGatewayVpcAttachments;
    if (prod) p.Options = { SecurityGroupReferencingSupport: prod };
    if (dev) d.Options = { SecurityGroupReferencingSupport: dev };
    return f;
  };
  const db = (f: Record<string, Json>): PathAnswer => analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(!tcp(db(referencing(false)), 5432), 'the gateway does not enable it (its default)');
  const on = db(referencing(true, 'enable', 'enable'));
  assert.ok(tcp(on, 5432), on.steps.map((x) => x.message).join('\n'));
  assert.ok(on.steps.find((x) => x.stage === 'sg-ingress')!.rules.some((r) => r.id === 'sg-db ingress #1'));
  // An attachment's option left out is the API's default, enable.
  assert.ok(tcp(db(referencing(true)), 5432));
  assert.ok(!tcp(db(referencing(true, 'enable', 'disable')), 5432), 'the dev attachment disables it');
  assert.ok(!tcp(db(referencing(true, 'disable', 'enable')), 5432), 'the prod attachment disables it');
  // Outbound: dev's egress names the db group instead of 0.0.0.0/0; across the gateway it matches nothing.
  const out = referencing(true, 'enable', 'enable');
  sg(out, 'sg-db').IpPermissions[1] = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.1.0.0/16' }] };
  sg(out, 'sg-dev').IpPermissionsEgress = [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-db', UserId: '123456789012' }] }];
  assert.deepEqual(denials(db(out)), ['sg-egress']);
  // No TransitGatewayVpcAttachments: whether the attachments enable it is not known, a caveat (counted as not).
  const unsaid = referencing(true);
  delete unsaid['tgw.json'].TransitGatewayVpcAttachments;
  const a = analyse(unsaid);
  assert.ok(!tcp(a.explain('eni-dev', 'eni-db')!, 5432));
  assert.ok(a.inventory.unmodelled.some((u) => u.kind === 'TransitGateway' && u.name === 'tgw-hub' && /tgw-attach-dev, tgw-attach-prod/.test(u.effect)), JSON.stringify(a.inventory.unmodelled));
  assert.ok(!analyse(referencing(true)).inventory.unmodelled.some((u) => u.kind === 'TransitGateway'), 'known options: no caveat');
});

test('Transit Gateway: a static blackhole beats the propagated route', () => {
  const f = withTransitGateway();
  f['tgw.json'].TransitGatewayRouteTableRoutes['tgw-rtb-main'].push({ DestinationCidrBlock: '10.0.2.0/24', Type: 'static', State: 'blackhole' });
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty());
  assert.match(a.steps.find((s) => s.stage === 'tgw-route')!.message, /blackhole/);
  // static before propagated at equal prefix: a static /16 to the wrong attachment wins too
  const g = withTransitGateway();
  g['tgw.json'].TransitGatewayRouteTableRoutes['tgw-rtb-main'].push({ DestinationCidrBlock: '10.0.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-dev' }], Type: 'static', State: 'active' });
  assert.ok(analyse(g).explain('eni-dev', 'eni-db')!.conns.isEmpty());
});

test('Transit Gateway: the wrong association on either side breaks the path', () => {
  const f = withTransitGateway();
  f['tgw.json'].TransitGatewayAttachments[1].Association.TransitGatewayRouteTableId = 'tgw-rtb-dev';
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty());
  assert.match(a.steps.find((s) => s.stage === 'tgw-route' && s.verdict === 'deny')!.message, /tgw-rtb-dev/);
  // the reverse direction: forward through tgw-rtb-main works, the replies meet tgw-rtb-dev with no route
  const b = analyse(f).explain('eni-db', 'eni-dev')!;
  assert.ok(b.conns.isEmpty());
});

test('Transit Gateway: the attachment needs a subnet in the source\'s Availability Zone', () => {
  const f = withTransitGateway();
  f['subnets.json'].Subnets.find((s: Json) => s.SubnetId === 'subnet-dev-app').AvailabilityZone = 'us-east-1b';
  f['tgw.json'].TransitGatewayVpcAttachments[1].SubnetIds = [];
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty());
  assert.ok(a.steps.some((s) => s.stage === 'gateway' && /no subnet in us-east-1b/.test(s.message)));
});

test('Transit Gateway: replies need an attachment subnet in the destination\'s Availability Zone', () => {
  // Forward, dev's attachment covers the source's zone; the replies leave subnet-prod-db in us-east-1b,
  // where prod's attachment has no subnet, so they never reach the TGW (the AZ rule holds both ways).
  const f = withTransitGateway();
  f['subnets.json'].Subnets.find((s: Json) => s.SubnetId === 'subnet-prod-db').AvailabilityZone = 'us-east-1b';
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty());
  assert.ok(a.steps.some((s) => s.stage === 'return-route' && s.verdict === 'deny' && /tgw-attach-prod has no subnet in us-east-1b: replies from subnet-prod-db/.test(s.message)), a.steps.map((s) => s.message).join('\n'));
  // A prod attachment subnet in that zone restores the route; the replies then enter the TGW through
  // subnet-prod-db itself, whose inbound rules see the db's own address (the sender's subnet is also the
  // attachment subnet: its outbound and inbound rules both apply) and must admit it.
  f['tgw.json'].TransitGatewayVpcAttachments[0].SubnetIds = ['subnet-prod-app', 'subnet-prod-db'];
  const blocked = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(!tcp(blocked, 5432) && blocked.responseBlocked.has(PROTO_TCP, 5432), blocked.steps.map((s) => s.message).join('\n'));
  assert.ok(blocked.steps.some((s) => s.stage === 'nacl-reply' && s.attachment === 'tgw-attach-prod' && s.resource === 'acl-prod-db' && s.verdict === 'deny'));
  acl(f, 'acl-prod-db').Entries.unshift({ RuleNumber: 1, Protocol: '6', PortRange: { From: 1024, To: 65535 }, RuleAction: 'allow', Egress: false, CidrBlock: '10.0.2.0/24' });
  assert.ok(tcp(analyse(f).explain('eni-dev', 'eni-db')!, 5432));
});

const acl = (f: Record<string, Json>, id: string): Json => f['network-acls.json'].NetworkAcls.find((a: Json) => a.NetworkAclId === id);
const deny = (n: number, egress: boolean, cidr: string, from: number, to: number): Json => ({ RuleNumber: n, Protocol: '6', PortRange: { From: from, To: to }, RuleAction: 'deny', Egress: egress, CidrBlock: cidr });
/** Gives a VPC of the TGW example a subnet of its own for its attachment (no interface in it), with an allow-all ACL. */
function attachmentSubnet(f: Record<string, Json>, vpc: 'prod' | 'dev', cidr: string, zone = 'us-east-1a'): Json {
  const id = `subnet-${vpc}-tgw`;
  f['subnets.json'].Subnets.push({ SubnetId: id, VpcId: `vpc-${vpc}`, CidrBlock: cidr, AvailabilityZone: zone, State: 'available' });
  const open = { NetworkAclId: `acl-${vpc}-tgw`, VpcId: `vpc-${vpc}`, IsDefault: false, Associations: [{ SubnetId: id, NetworkAclId: `acl-${vpc}-tgw` }], Entries: [
    { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }, { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
    { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }, { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
  ] };
  f['network-acls.json'].NetworkAcls.push(open);
  f['tgw.json'].TransitGatewayVpcAttachments[vpc === 'prod' ? 0 : 1].SubnetIds = [id];
  return open;
}
const messages = (a: PathAnswer): string => a.steps.map((s) => `${s.stage} ${s.verdict} ${s.message}`).join('\n');

test('Transit Gateway attachment subnets: the entry subnet\'s inbound rules (source address) judge the request', () => {
  const f = withTransitGateway();
  const tgwAcl = attachmentSubnet(f, 'dev', '10.1.9.0/24');
  assert.ok(tcp(analyse(f).explain('eni-dev', 'eni-db')!, 5432));
  tgwAcl.Entries.unshift(deny(1, false, '10.1.1.10/32', 5432, 5432));
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty() && a.responseBlocked.isEmpty(), messages(a));
  const hop = a.steps.find((s) => s.attachment === 'tgw-attach-dev' && s.stage === 'nacl-inbound')!;
  assert.equal(hop.verdict, 'partial');
  assert.match(hop.message, /^subnet-dev-tgw \(attachment tgw-attach-dev, into the transit gateway\): acl-dev-tgw inbound from 10\.1\.1\.10/);
  assert.deepEqual(hop.rules.filter((r) => r.action === 'deny').map((r) => r.id), ['acl-dev-tgw inbound #1']);
  // Its outbound rules are not for traffic from the instances: a deny there changes nothing on the way in.
  tgwAcl.Entries.shift();
  tgwAcl.Entries.unshift(deny(1, true, '10.0.2.10/32', 5432, 5432));
  assert.ok(tcp(analyse(f).explain('eni-dev', 'eni-db')!, 5432));
});

test('Transit Gateway attachment subnets: the source VPC\'s attachment subnet outbound rules judge the replies (responseBlocked)', () => {
  const f = withTransitGateway();
  const tgwAcl = attachmentSubnet(f, 'dev', '10.1.9.0/24');
  tgwAcl.Entries.unshift(deny(1, true, '10.1.1.0/24', 1024, 65535));
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(!tcp(a, 5432) && a.responseBlocked.has(PROTO_TCP, 5432), messages(a));
  const hop = a.steps.find((s) => s.stage === 'nacl-reply' && s.attachment === 'tgw-attach-dev')!;
  assert.equal(hop.verdict, 'partial');
  assert.match(hop.message, /out of the transit gateway\): acl-dev-tgw outbound to 10\.1\.1\.10/);
  assert.deepEqual(hop.rules.filter((r) => r.action === 'deny').map((r) => r.id), ['acl-dev-tgw outbound #1']);
  // The same entry on the destination VPC's attachment subnet meets the requests leaving the TGW, not the replies.
  const g = withTransitGateway();
  attachmentSubnet(g, 'prod', '10.0.9.0/24').Entries.unshift(deny(1, true, '10.1.1.0/24', 1024, 65535));
  assert.ok(tcp(analyse(g).explain('eni-dev', 'eni-db')!, 5432));
});

test('Transit Gateway attachment subnets: an interface in the exit subnet receives from the TGW without its subnet\'s NACL', () => {
  const f = withTransitGateway();
  // acl-prod-db admits dev (10.1.0.0/16) on 5432 by #110 only: without it the request is denied at subnet-prod-db.
  const db = acl(f, 'acl-prod-db');
  db.Entries = db.Entries.filter((e: Json) => !(e.RuleNumber === 110 && !e.Egress));
  assert.ok(analyse(f).explain('eni-dev', 'eni-db')!.conns.isEmpty());
  // With subnet-prod-db as prod's attachment subnet, what the TGW delivers into it meets no NACL of it ...
  f['tgw.json'].TransitGatewayVpcAttachments[0].SubnetIds = ['subnet-prod-db'];
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(!a.steps.some((s) => s.resource === 'acl-prod-db' && s.stage === 'nacl-inbound'), messages(a));
  // ... but the replies the db sends into the TGW through it meet its outbound and inbound rules (source the db).
  assert.ok(a.responseBlocked.has(PROTO_TCP, 5432), messages(a));
  db.Entries.unshift({ RuleNumber: 1, Protocol: '6', PortRange: { From: 1024, To: 65535 }, RuleAction: 'allow', Egress: false, CidrBlock: '10.0.2.10/32' });
  assert.ok(tcp(analyse(f).explain('eni-dev', 'eni-db')!, 5432), messages(analyse(f).explain('eni-dev', 'eni-db')!));
  // The class reach agrees with the path.
  const reach = analyse(f).streamReach();
  assert.ok([...reach.connections()].some((c) => c.src.endsWith('eni-dev') && c.dst.endsWith('eni-db') && c.conns.has(PROTO_TCP, 5432)));
});

test('Transit Gateway attachment subnets: an interface in the attachment subnet sending meets its subnet\'s outbound and inbound rules', () => {
  const f = withTransitGateway();
  // subnet-dev-app is dev's attachment subnet and eni-dev's own.
  acl(f, 'acl-dev-default').Entries.unshift(deny(1, false, '10.1.1.10/32', 5432, 5432));
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(a.conns.isEmpty(), messages(a));
  assert.ok(a.steps.some((s) => s.stage === 'nacl-outbound' && s.resource === 'acl-dev-default' && s.verdict === 'allow'));
  assert.ok(a.steps.some((s) => s.stage === 'nacl-inbound' && s.attachment === 'tgw-attach-dev' && s.resource === 'acl-dev-default' && s.verdict === 'partial'));
});

test('Transit Gateway attachment subnets: no exit subnet in the sender\'s zone (or appliance mode) is a lower bound and a caveat', () => {
  const caveats = (x: Record<string, Json>) => buildAwsInventory(Object.entries(x).map(([n, v]) => ({ path: `${DIR}/${n}`, text: JSON.stringify(v, null, 2) }))).unmodelled.filter((u) => u.kind === 'TransitGatewayAttachment');
  const f = withTransitGateway();
  // prod's attachment: subnet-prod-db (zone b, the db's) and subnet-prod-tgw (zone c); dev sends from zone a.
  f['subnets.json'].Subnets.find((s: Json) => s.SubnetId === 'subnet-prod-db').AvailabilityZone = 'us-east-1b';
  const tgwAcl = attachmentSubnet(f, 'prod', '10.0.9.0/24', 'us-east-1c');
  f['tgw.json'].TransitGatewayVpcAttachments[0].SubnetIds = ['subnet-prod-db', 'subnet-prod-tgw'];
  acl(f, 'acl-prod-db').Entries.unshift({ RuleNumber: 1, Protocol: '6', PortRange: { From: 1024, To: 65535 }, RuleAction: 'allow', Egress: false, CidrBlock: '10.0.2.10/32' });
  const a = analyse(f).explain('eni-dev', 'eni-db')!;
  // Through either candidate the request passes: the lower bound allows it, and still says it is one.
  assert.ok(tcp(a, 5432), messages(a));
  assert.ok(a.assumptions.some((x) => /which subnet of tgw-attach-prod the transit gateway leaves into vpc-prod by, from us-east-1a \(no attachment subnet in us-east-1a\)/.test(x)), a.assumptions.join('\n'));
  assert.deepEqual(caveats(f).map((u) => u.name), ['tgw-attach-prod']);
  assert.match(caveats(f)[0]!.effect, /by a subnet AWS picks \(traffic from us-east-1a, where it has no subnet\)/);
  // One candidate (subnet-prod-tgw) denying it: counted as dropped (AWS may pick it).
  tgwAcl.Entries.unshift(deny(1, true, '10.0.2.10/32', 5432, 5432));
  const b = analyse(f).explain('eni-dev', 'eni-db')!;
  assert.ok(b.conns.isEmpty(), messages(b));
  const reach = analyse(f).streamReach();
  assert.ok(![...reach.connections()].some((c) => c.src.endsWith('eni-dev') && c.dst.endsWith('eni-db')));
  // Appliance mode: the flow hash picks the zone even where the attachment has a subnet in the sender's.
  const g = withTransitGateway();
  const gAcl = attachmentSubnet(g, 'prod', '10.0.9.0/24', 'us-east-1b');
  g['tgw.json'].TransitGatewayVpcAttachments[0].SubnetIds = ['subnet-prod-app', 'subnet-prod-tgw'];
  g['tgw.json'].TransitGatewayVpcAttachments[0].Options = { ApplianceModeSupport: 'enable' };
  // Candidates whose ACLs all allow everything agree: exact, no caveat; one filtering: a caveat.
  assert.deepEqual(caveats(g), []);
  gAcl.Entries.unshift(deny(1, true, '0.0.0.0/0', 22, 22));
  assert.deepEqual(caveats(g).map((u) => u.name), ['tgw-attach-prod']);
  assert.ok(analyse(g).explain('eni-dev', 'eni-db')!.assumptions.some((x) => /appliance mode/.test(x)));
  delete g['tgw.json'].TransitGatewayVpcAttachments[0].Options;
  assert.deepEqual(caveats(g), []);
});

test('Transit Gateway: attachment subnets\' NACLs are evaluated, a caveat only where they are not known (in every report)', () => {
  const caveats = (f: Record<string, Json>) => buildAwsInventory(Object.entries(f).map(([n, v]) => ({ path: `${DIR}/${n}`, text: JSON.stringify(v, null, 2) }))).unmodelled.filter((u) => u.kind === 'TransitGatewayAttachment');
  const f = withTransitGateway();
  for (const a of f['network-acls.json'].NetworkAcls) a.Entries = a.Entries.map((e: Json) => ({ ...e, RuleAction: 'allow', Protocol: '-1', CidrBlock: '0.0.0.0/0' }));
  assert.deepEqual(caveats(f), []);
  // A deny on dev's attachment subnet (one per zone, known): evaluated, no caveat.
  const dev = f['network-acls.json'].NetworkAcls.find((a: Json) => a.NetworkAclId === 'acl-dev-default');
  dev.Entries.unshift({ RuleNumber: 1, Protocol: '6', PortRange: { From: 22, To: 22 }, RuleAction: 'deny', Egress: false, CidrBlock: '10.0.0.0/8' });
  assert.deepEqual(caveats(f), []);
  // Unknown attachment subnets: any filtering ACL in the VPC may be on the path.
  delete f['tgw.json'].TransitGatewayVpcAttachments;
  assert.deepEqual(caveats(f).map((u) => u.name), ['tgw-attach-dev']);
  assert.match(caveats(f)[0]!.effect, /network ACLs of its subnets, which are not evaluated/);
  // The caveat reaches the reports as every unevaluated setting does.
  const dir = join(mkdtempSync(join(tmpdir(), 'bulkhead-tgw-acl-')), 'estate');
  mkdirSync(dir);
  const g = withTransitGateway();
  delete g['tgw.json'].TransitGatewayVpcAttachments;
  g['network-acls.json'].NetworkAcls.find((a: Json) => a.NetworkAclId === 'acl-dev-default').Entries.unshift(dev.Entries[0]);
  for (const [n, v] of Object.entries(g)) writeFileSync(join(dir, n), JSON.stringify(v, null, 2));
  const json = JSON.parse(runCli(['reach', dir, '-o', 'json', '-q']).stdout);
  assert.equal(json.bound, 'unknown');
  assert.ok(json.caveats.some((c: { kind: string; name: string }) => c.kind === 'TransitGatewayAttachment'), JSON.stringify(json.caveats));
  for (const format of ['text', 'md']) assert.match(runCli(['reach', dir, '-o', format, '-q']).stdout, /tgw-attach-/);
  for (const format of ['sarif', 'junit', 'json', 'md']) assert.match(runCli(['audit', dir, '-o', format, '-q']).stdout, /tgw-attach-[a-z]+/, format);
  if (!process.env['KEEP']) rmSync(join(dir, '..'), { recursive: true, force: true });
});

test('over the internet between VPCs: a rule naming another VPC\'s public source address is a caveat, in every report', () => {
  const f = example();
  const caveats = (x: Record<string, Json>) => buildAwsInventory(Object.entries(x).map(([n, v]) => ({ path: `${DIR}/${n}`, text: JSON.stringify(v, null, 2) }))).unmodelled.filter((u) => u.kind === 'SecurityGroupRule');
  // dev gets a NAT gateway of its own with an Elastic IP: its interfaces reach the internet from 3.3.3.3.
  f['nat-gateways.json'].NatGateways.push({ NatGatewayId: 'nat-dev', SubnetId: 'subnet-dev-app', VpcId: 'vpc-dev', State: 'available', ConnectivityType: 'public', NatGatewayAddresses: [{ PrivateIp: '10.1.0.100', PublicIp: '3.3.3.3', IsPrimary: true }] });
  table(f, 'rtb-dev-main').Routes.find((r: Json) => r.DestinationCidrBlock === '0.0.0.0/0').NatGatewayId = 'nat-dev';
  // web admits 0.0.0.0/0 only: dev reaches it as any internet source does, which the internet rows show.
  assert.deepEqual(caveats(f), []);
  // A rule for dev's NAT address alone admits dev where no other internet source gets in.
  sg(f, 'sg-web').IpPermissions.push({ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '3.3.3.0/24' }] });
  const got = caveats(f);
  assert.deepEqual(got.map((u) => u.name), ['sg-web 3.3.3.0/24']);
  assert.match(got[0]!.effect, /vpc-dev over the internet/);
  // The same rule on a group of an interface without a public address: the internet cannot address it.
  const api = sg(f, 'sg-api');
  api.IpPermissions.push({ IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000, IpRanges: [{ CidrIp: '3.3.3.3/32' }] });
  assert.deepEqual(caveats(f).map((u) => u.name), ['sg-web 3.3.3.0/24']);
  // A NAT gateway in another VPC carries nothing for dev: no public source address, no caveat.
  table(f, 'rtb-dev-main').Routes.find((r: Json) => r.DestinationCidrBlock === '0.0.0.0/0').NatGatewayId = 'nat-prod';
  assert.deepEqual(caveats(f), []);
  table(f, 'rtb-dev-main').Routes.find((r: Json) => r.DestinationCidrBlock === '0.0.0.0/0').NatGatewayId = 'nat-dev';
  const dir = join(mkdtempSync(join(tmpdir(), 'bulkhead-inet-')), 'estate');
  mkdirSync(dir);
  for (const [n, v] of Object.entries(f)) writeFileSync(join(dir, n), JSON.stringify(v, null, 2));
  const json = JSON.parse(runCli(['reach', dir, '-o', 'json', '-q']).stdout);
  assert.ok(json.caveats.some((c: { kind: string; name: string }) => c.kind === 'SecurityGroupRule' && c.name === 'sg-web 3.3.3.0/24'), JSON.stringify(json.caveats));
  for (const format of ['text', 'md']) assert.match(runCli(['reach', dir, '-o', format, '-q']).stdout, /sg-web 3\.3\.3\.0\/24|over the internet/, format);
  for (const format of ['sarif', 'junit', 'json', 'md']) assert.match(runCli(['audit', dir, '-o', format, '-q']).stdout, /over the internet/, format);
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

test('over the internet between VPCs over IPv6: a rule naming another VPC\'s IPv6 block (sent through its egress-only gateway) is a caveat', () => {
  const dir = 'examples/aws-ipv6/123456789012/us-east-1';
  const f: Record<string, Json> = {};
  for (const n of readdirSync(dir).sort()) f[n] = JSON.parse(readFileSync(join(dir, n), 'utf8'));
  const caveats = () => buildAwsInventory(Object.entries(f).map(([n, v]) => ({ path: `${dir}/${n}`, text: JSON.stringify(v, null, 2) }))).unmodelled.filter((u) => u.kind === 'SecurityGroupRule');
  // A second VPC whose worker sends IPv6 to the internet through its egress-only gateway.
  const v6 = (c: string) => [{ Ipv6CidrBlock: c, Ipv6CidrBlockState: { State: 'associated' } }];
  f['vpcs.json'].Vpcs.push({ VpcId: 'vpc-other', OwnerId: '123456789012', CidrBlock: '10.30.0.0/16', CidrBlockAssociationSet: [{ CidrBlock: '10.30.0.0/16', CidrBlockState: { State: 'associated' } }], Ipv6CidrBlockAssociationSet: v6('2600:1f18:c:100::/56'), IsDefault: false });
  f['subnets.json'].Subnets.push({ SubnetId: 'subnet-other', VpcId: 'vpc-other', CidrBlock: '10.30.1.0/24', AvailabilityZone: 'us-east-1a', MapPublicIpOnLaunch: false, Ipv6CidrBlockAssociationSet: v6('2600:1f18:c:101::/64') });
  f['network-interfaces.json'].NetworkInterfaces.push({ NetworkInterfaceId: 'eni-other', SubnetId: 'subnet-other', VpcId: 'vpc-other', AvailabilityZone: 'us-east-1a', OwnerId: '123456789012', InterfaceType: 'interface', Status: 'in-use', PrivateIpAddress: '10.30.1.10', PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.30.1.10' }], Ipv6Addresses: [{ Ipv6Address: '2600:1f18:c:101::10', IsPrimaryIpv6: true }], Groups: [{ GroupId: 'sg-worker', GroupName: 'sg-worker' }] });
  f['route-tables.json'].RouteTables.push({ RouteTableId: 'rtb-other', VpcId: 'vpc-other', OwnerId: '123456789012', Associations: [{ Main: true, RouteTableId: 'rtb-other', AssociationState: { State: 'associated' } }], Routes: [{ DestinationIpv6CidrBlock: '2600:1f18:c:100::/56', GatewayId: 'local', State: 'active' }, { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-other', State: 'active' }] });
  f['egress-only-internet-gateways.json'].EgressOnlyInternetGateways.push({ EgressOnlyInternetGatewayId: 'eigw-other', Attachments: [{ State: 'attached', VpcId: 'vpc-other' }] });
  // site admits ::/0 only: the other VPC reaches it as the internet does.
  assert.deepEqual(caveats(), []);
  const site = f['security-groups.json'].SecurityGroups.find((g: Json) => g.GroupId === 'sg-site');
  site.IpPermissions.push({ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, Ipv6Ranges: [{ CidrIpv6: '2600:1f18:c:100::/56' }] });
  assert.deepEqual(caveats().map((u) => [u.name, /vpc-other/.test(u.effect)]), [['sg-site 2600:1f18:c:100::/56', true]]);
  // Without the egress-only route the other VPC sends nothing to the internet over IPv6.
  f['route-tables.json'].RouteTables.at(-1).Routes.pop();
  assert.deepEqual(caveats(), []);
});
