/**
 * AWS hygiene checks judged on effective paths. Several cases are the known wrong answers of rule-text
 * linters: Prowler #2910 (an allow-all NACL with an earlier deny on 22), Prowler #5046 (a subnet called
 * private that routes to an internet gateway), Checkov #6073 (a rule with `self` plus 0.0.0.0/0), Checkov
 * #6624 (a rule that references a group which is open to the internet).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { awsChecks } from '../../src/analyses/aws/checks.js';
import { audit } from '../../src/analyses/audit.js';
import { analyze } from '../../src/engine/index.js';
import { loadFromTexts } from '../../src/sources/k8s/index.js';

type J = Record<string, unknown>;
const open = (proto: string, from: number, to: number, peer: J = { IpRanges: [{ CidrIp: '0.0.0.0/0' }] }): J => ({ IpProtocol: proto, FromPort: from, ToPort: to, ...peer });
const allOut = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
const allowAll = [
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
];

interface Opts { groups?: J[]; enis?: J[]; nacl?: J[]; subnetTags?: J[]; routes?: J[]; extra?: J }
/** One VPC, one subnet routed to an internet gateway (unless `routes` says otherwise), one public ENI in sg-a. */
function estate(o: Opts = {}): J {
  return {
    Vpcs: [{ VpcId: 'vpc-1', OwnerId: '111111111111', CidrBlock: '10.0.0.0/16', Tags: [{ Key: 'env', Value: 'prod' }] }],
    Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a', Tags: o.subnetTags ?? [] }],
    InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' }] }],
    RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: o.routes ?? [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }] }],
    NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: true, Associations: [{ SubnetId: 'subnet-1' }], Entries: o.nacl ?? allowAll }],
    SecurityGroups: o.groups ?? [{ GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1', IpPermissions: [open('tcp', 22, 22)], IpPermissionsEgress: allOut }],
    NetworkInterfaces: o.enis ?? [{ NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', PrivateIpAddress: '10.0.1.10', Association: { PublicIp: '54.0.0.1' }, Groups: [{ GroupId: 'sg-a' }] }],
    ...(o.extra ?? {}),
  };
}

function findings(snapshot: J, check?: string) {
  const inv = buildAwsInventory([{ path: 'snap.json', text: JSON.stringify(snapshot, null, 1) }]);
  const a = analyseAwsInventory(inv);
  const r = audit(analyze(loadFromTexts([]).inventory), { checks: awsChecks(a), diagnostics: inv.diagnostics });
  return r.findings.filter((f) => !check || f.check === check);
}

test('SSH open in a security group and nothing else in the way: an admin-port finding at the rule', () => {
  const f = findings(estate(), 'aws-admin-port-from-internet');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.resource, 'NetworkInterface eni-a');
  assert.match(f[0]!.message, /TCP 22 \(SSH\)/);
  // The location is the security group rule that lets it in (IpRanges of IpPermissions[0]), not the ENI.
  assert.equal(f[0]!.location?.file, 'snap.json');
  const text = JSON.stringify(estate(), null, 1).split('\n');
  const line = f[0]!.location!.line;
  assert.ok(text.slice(line - 1, line + 1).some((l) => l.includes('"CidrIp": "0.0.0.0/0"')), text.slice(line - 2, line + 2).join('\n'));
  assert.ok(text.slice(0, line).some((l) => l.includes('"SecurityGroups"')), 'inside the security groups');
});

test('Prowler #2910: an allow-all NACL with an earlier deny on 22 blocks SSH, and is not allow-all inbound', () => {
  const nacl = [{ RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } }, ...allowAll];
  assert.deepEqual(findings(estate({ nacl }), 'aws-admin-port-from-internet'), []);
  const acl = findings(estate({ nacl }), 'aws-allow-all-network-acl');
  assert.deepEqual(acl.map((x) => x.message.includes('outbound')), [true], 'only the outbound list allows all');
});

test('Prowler #5046: a subnet called private that routes to an internet gateway is exposed; one called public without the route is not', () => {
  const priv = findings(estate({ subnetTags: [{ Key: 'Name', Value: 'private-app' }] }), 'aws-admin-port-from-internet');
  assert.equal(priv.length, 1);
  const noIgw = findings(estate({ subnetTags: [{ Key: 'Name', Value: 'public-web' }], routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }] }), 'aws-admin-port-from-internet');
  assert.deepEqual(noIgw, []);
});

test('Checkov #6073: a rule with self plus 0.0.0.0/0 is open to the internet on every port', () => {
  const groups = [{ GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1', IpPermissions: [open('tcp', 0, 65535, { UserIdGroupPairs: [{ GroupId: 'sg-a' }], IpRanges: [{ CidrIp: '0.0.0.0/0' }] })], IpPermissionsEgress: allOut }];
  const s = estate({ groups });
  assert.equal(findings(s, 'aws-all-ports-from-internet').length, 1);
  assert.equal(findings(s, 'aws-admin-port-from-internet').length, 2, 'SSH and RDP');
  assert.ok(findings(s, 'aws-database-port-from-internet').some((f) => f.message.includes('5432')));
});

test('Checkov #6624: a group that references an open group is not itself open (a reference matches private addresses)', () => {
  const groups = [
    { GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1', IpPermissions: [open('tcp', 22, 22)], IpPermissionsEgress: allOut },
    { GroupId: 'sg-b', GroupName: 'b', VpcId: 'vpc-1', IpPermissions: [open('tcp', 22, 22, { UserIdGroupPairs: [{ GroupId: 'sg-a' }] })], IpPermissionsEgress: allOut },
  ];
  const enis = [
    { NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-1', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', Association: { PublicIp: '54.0.0.1' }, Groups: [{ GroupId: 'sg-a' }] },
    { NetworkInterfaceId: 'eni-b', SubnetId: 'subnet-1', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.11', Association: { PublicIp: '54.0.0.2' }, Groups: [{ GroupId: 'sg-b' }] },
  ];
  assert.deepEqual(findings(estate({ groups, enis }), 'aws-admin-port-from-internet').map((f) => f.resource), ['NetworkInterface eni-a']);
});

test('default group in use and with rules, unused group and ACL, broad peering route, environments joined by a TGW table, auto-accept', () => {
  const s = estate({
    groups: [
      { GroupId: 'sg-d', GroupName: 'default', VpcId: 'vpc-1', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-d' }] }], IpPermissionsEgress: allOut },
      { GroupId: 'sg-lonely', GroupName: 'lonely', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [] },
    ],
    enis: [{ NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-1', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-d' }] }],
    routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '10.0.0.0/8', VpcPeeringConnectionId: 'pcx-1', State: 'active' }],
    extra: {
      VpcPeeringConnections: [{ VpcPeeringConnectionId: 'pcx-1', RequesterVpcInfo: { VpcId: 'vpc-1', Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: 'vpc-2', Region: 'us-east-1' }, Status: { Code: 'active' } }],
      TransitGateways: [{ TransitGatewayId: 'tgw-1', Options: { AutoAcceptSharedAttachments: 'enable' } }],
      TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: 'att-1', TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: 'vpc-1', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-1', State: 'associated' } },
        { TransitGatewayAttachmentId: 'att-2', TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: 'vpc-2', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-1', State: 'associated' } },
      ],
      TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', TransitGatewayId: 'tgw-1' }],
      TransitGatewayRouteTableRoutes: { 'tgw-rtb-1': [
        { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'att-1' }], Type: 'propagated', State: 'active' },
        { DestinationCidrBlock: '10.1.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'att-2' }], Type: 'propagated', State: 'active' },
      ] },
    },
  });
  (s['Vpcs'] as J[]).push({ VpcId: 'vpc-2', CidrBlock: '10.1.0.0/16', Tags: [{ Key: 'env', Value: 'dev' }] });
  (s['NetworkAcls'] as J[]).push({ NetworkAclId: 'acl-spare', VpcId: 'vpc-1', IsDefault: false, Associations: [], Entries: [] });
  const f = findings(s);
  const by = (c: string) => f.filter((x) => x.check === c).map((x) => x.messageId + ' ' + x.resource).sort();
  assert.deepEqual(by('aws-default-security-group'), ['inUse NetworkInterface eni-a', 'rules SecurityGroup sg-d']);
  assert.deepEqual(by('aws-unused-security-group'), ['unused SecurityGroup sg-lonely']);
  assert.deepEqual(by('aws-unused-network-acl'), ['unused NetworkAcl acl-spare']);
  assert.deepEqual(by('aws-peering-route-too-broad'), ['broad RouteTable rtb-1']);
  assert.deepEqual(by('aws-tgw-joins-environments'), ['joins TransitGatewayRouteTable tgw-rtb-1', 'joins TransitGatewayRouteTable tgw-rtb-1']);
  assert.deepEqual(by('aws-tgw-auto-accept'), ['auto TransitGateway tgw-1']);
});

test('a static TGW route wider than its VPC attachment\'s CIDR blocks is flagged; propagated routes and routes inside the VPC are not', () => {
  const tgw = (routes: J[]) => estate({
    extra: {
      TransitGateways: [{ TransitGatewayId: 'tgw-1', Options: { AutoAcceptSharedAttachments: 'disable' } }],
      TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: 'att-1', TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: 'vpc-1', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-1', State: 'associated' } },
      ],
      TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', TransitGatewayId: 'tgw-1' }],
      TransitGatewayRouteTableRoutes: { 'tgw-rtb-1': routes },
    },
  });
  const route = (cidr: string, type: string, state = 'active'): J => ({ DestinationCidrBlock: cidr, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'att-1' }], Type: type, State: state });
  const broad = (routes: J[]) => findings(tgw(routes), 'aws-tgw-route-too-broad');
  const f = broad([route('10.0.0.0/8', 'static'), route('10.0.1.0/24', 'static'), route('10.0.0.0/16', 'propagated')]);
  assert.deepEqual(f.map((x) => x.resource), ['TransitGatewayRouteTable tgw-rtb-1']);
  assert.match(f[0]!.message, /sends 10\.0\.0\.0\/8 to att-1, but vpc-1 holds only 10\.0\.0\.0\/16/);
  assert.deepEqual(broad([route('10.0.0.0/8', 'static', 'blackhole'), route('10.0.0.0/16', 'static')]), []);
});

test('unrestricted egress is judged on the path: an all-traffic 0.0.0.0/0 rule counts only when the members do reach every port of the internet', () => {
  const f = findings(estate(), 'aws-unrestricted-egress');
  assert.deepEqual(f.map((x) => x.resource), ['SecurityGroup sg-a']);
  assert.match(f[0]!.message, /security group sg-a lets 1 network interface\(s\) such as eni-a open every TCP and UDP port to the internet/);
  // The same rule text, but a NACL deny before the allow-all (outbound TCP 25) or no route out: not unrestricted.
  const denied = estate({ nacl: [{ RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 25, To: 25 } }, ...allowAll] });
  assert.deepEqual(findings(denied, 'aws-unrestricted-egress'), []);
  const noRoute = estate({ routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }] });
  assert.deepEqual(findings(noRoute, 'aws-unrestricted-egress'), []);
  const narrow = estate({ groups: [{ GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [open('tcp', 443, 443)] }] });
  assert.deepEqual(findings(narrow, 'aws-unrestricted-egress'), []);
});

test('a subnet that assigns public addresses on launch is reported at the subnet; one that does not is not', () => {
  const on = estate();
  (on['Subnets'] as J[])[0]!['MapPublicIpOnLaunch'] = true;
  const f = findings(on, 'aws-subnet-auto-public-ip');
  assert.deepEqual(f.map((x) => [x.resource, x.severity]), [['Subnet subnet-1', 'info']]);
  assert.equal(f[0]!.location?.line, JSON.stringify(on, null, 1).split('\n').findIndex((l) => l.includes('"SubnetId": "subnet-1"')));
  const off = estate();
  (off['Subnets'] as J[])[0]!['MapPublicIpOnLaunch'] = false;
  assert.deepEqual(findings(off, 'aws-subnet-auto-public-ip'), []);
  assert.deepEqual(findings(estate(), 'aws-subnet-auto-public-ip'), []);
});

test('internet findings name the outside addresses a port is open from as reach names them: per family in a dual-stack estate, in every format', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { runCli, REPO_ROOT } = await import('../helpers/run-cli.js');
  const v6 = (cidr: string): J => ({ Ipv6Ranges: [{ CidrIpv6: cidr }] });
  const both: J = { IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
  const snap = estate({
    groups: [{
      GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1', IpPermissionsEgress: allOut,
      // SSH from both families; RDP from IPv6 only; PostgreSQL from IPv4, where the NACL cuts one /24 out.
      IpPermissions: [open('tcp', 22, 22, both), open('tcp', 3389, 3389, v6('::/0')), open('tcp', 5432, 5432)],
    }],
    nacl: [
      { RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '203.0.113.0/24', PortRange: { From: 5432, To: 5432 } },
      ...allowAll,
      { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: false, Ipv6CidrBlock: '::/0' },
      { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: true, Ipv6CidrBlock: '::/0' },
    ],
    routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationIpv6CidrBlock: '2600:1f18:1::/56', GatewayId: 'local', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }, { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' },
    ],
    enis: [{ NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', PrivateIpAddress: '10.0.1.10', Association: { PublicIp: '54.0.0.1' }, Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1:1::10' }], Groups: [{ GroupId: 'sg-a' }] }],
  });
  (snap['Vpcs'] as J[])[0]!['Ipv6CidrBlockAssociationSet'] = [{ Ipv6CidrBlock: '2600:1f18:1::/56', Ipv6CidrBlockState: { State: 'associated' } }];
  (snap['Subnets'] as J[])[0]!['Ipv6CidrBlockAssociationSet'] = [{ Ipv6CidrBlock: '2600:1f18:1:1::/64', Ipv6CidrBlockState: { State: 'associated' } }];
  const msgs = (check: string): string[] => findings(snap, check).map((f) => f.message);
  assert.deepEqual(msgs('aws-admin-port-from-internet'), [
    'eni-a is reachable from the internet on TCP 22 (SSH), through its security groups, NACLs and routes',
    'eni-a is reachable from the internet (IPv6) on TCP 3389 (RDP), through its security groups, NACLs and routes',
  ]);
  assert.deepEqual(msgs('aws-database-port-from-internet'), ['eni-a is reachable from the internet (IPv4) except 203.0.113.0/24 on TCP 5432 (PostgreSQL)']);
  // The IPv4-only estate of the tests above: `the internet`, never a list of CIDRs.
  assert.deepEqual(findings(estate(), 'aws-admin-port-from-internet').map((f) => f.message), ['eni-a is reachable from the internet on TCP 22 (SSH), through its security groups, NACLs and routes']);
  const all = findings(estate({ groups: [{ GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1', IpPermissions: [open('tcp', 0, 65535)], IpPermissionsEgress: allOut }] }), 'aws-all-ports-from-internet');
  assert.deepEqual(all.map((f) => f.message), ['eni-a is reachable from the internet on every TCP port']);
  // The formats print the same names; none prints the CIDR list it used to ("::/3, 2000::/6, ...").
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-audit-names-'));
  writeFileSync(join(dir, 'snap.json'), JSON.stringify(snap, null, 1));
  for (const format of ['text', 'json', 'sarif', 'md']) {
    const r = runCli(['audit', join(dir, 'snap.json'), '--no-settings', '-o', format], undefined, REPO_ROOT);
    assert.ok(r.stdout.includes('eni-a is reachable from the internet (IPv6) on TCP 3389 (RDP)'), `${format}: ${r.stdout}`);
    assert.ok(r.stdout.includes('reachable from the internet (IPv4) except 203.0.113.0/24 on TCP 5432'), format);
    assert.ok(!/::\/3|2000::\/6/.test(r.stdout), format);
  }
  const ex = runCli(['audit', 'examples/aws-ipv6', '--no-settings', '-o', 'json'], undefined, REPO_ROOT);
  const admin = (JSON.parse(ex.stdout) as { findings: Array<{ check: string; message: string }> }).findings.filter((f) => f.check === 'aws-admin-port-from-internet');
  assert.deepEqual(admin.map((f) => f.message), ['eni-site is reachable from the internet (IPv6) on TCP 22 (SSH), through its security groups, NACLs and routes']);
});

test('VPCs joined by a peering or a transit gateway whose CIDR blocks overlap are flagged (either family); disjoint, unjoined or pending ones are not', () => {
  const vpc = (id: string, cidr: string, v6?: string): J => ({ VpcId: id, OwnerId: '111111111111', CidrBlock: cidr, ...(v6 ? { Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: v6, Ipv6CidrBlockState: { State: 'associated' } }] } : {}) });
  const peered = (b: J, status = 'active'): J => ({
    ...estate(),
    Vpcs: [vpc('vpc-1', '10.0.0.0/16', '2600:1f00:1::/56'), b],
    VpcPeeringConnections: [{ VpcPeeringConnectionId: 'pcx-1', RequesterVpcInfo: { VpcId: 'vpc-1', Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: 'vpc-2', Region: 'us-east-1' }, Status: { Code: status } }],
  });
  const f = findings(peered(vpc('vpc-2', '10.0.128.0/17')), 'aws-overlapping-vpcs');
  assert.deepEqual(f.map((x) => x.resource), ['VpcPeeringConnection pcx-1']);
  assert.match(f[0]!.message, /^vpc-1 \(10\.0\.0\.0\/16, 2600:1f00:1::\/56\) and vpc-2 \(10\.0\.128\.0\/17\) are joined by peering pcx-1 but overlap in 10\.0\.128\.0\/17: /);
  assert.equal(f[0]!.severity, 'warning');
  // IPv6 blocks are compared within their family only.
  const six = findings(peered(vpc('vpc-2', '10.9.0.0/16', '2600:1f00:1:80::/57')), 'aws-overlapping-vpcs');
  assert.match(six[0]!.message, /overlap in 2600:1f00:1:80::\/57:/);
  assert.deepEqual(findings(peered(vpc('vpc-2', '10.1.0.0/16', '2600:1f00:2::/56')), 'aws-overlapping-vpcs'), []);
  assert.deepEqual(findings(peered(vpc('vpc-2', '10.0.0.0/16'), 'pending-acceptance'), 'aws-overlapping-vpcs'), []);
  // Three VPCs on one transit gateway: only the overlapping pair; a fourth, overlapping but not attached, is not.
  const att = (id: string, v: string, state = 'available'): J => ({ TransitGatewayAttachmentId: id, TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: v, State: state });
  const tgw = {
    ...estate(),
    Vpcs: [vpc('vpc-1', '10.0.0.0/16'), vpc('vpc-2', '10.1.0.0/16'), vpc('vpc-3', '10.0.0.0/16'), vpc('vpc-4', '10.1.0.0/16')],
    TransitGateways: [{ TransitGatewayId: 'tgw-1', Options: { AutoAcceptSharedAttachments: 'disable' } }],
    TransitGatewayAttachments: [att('att-1', 'vpc-1'), att('att-2', 'vpc-2'), att('att-3', 'vpc-3'), att('att-4', 'vpc-4', 'deleted')],
  };
  const t = findings(tgw, 'aws-overlapping-vpcs');
  assert.deepEqual(t.map((x) => x.resource), ['TransitGatewayAttachment att-3']);
  assert.match(t[0]!.message, /vpc-1 \(10\.0\.0\.0\/16\) and vpc-3 \(10\.0\.0\.0\/16\) are joined by transit gateway tgw-1 \(att-1, att-3\) but overlap in 10\.0\.0\.0\/16: the transit gateway does not propagate/);
  // Reported at the later attachment in the snapshot.
  const lines = JSON.stringify(tgw, null, 1).split('\n');
  assert.match(lines[t[0]!.location!.line - 1]! + lines[t[0]!.location!.line]!, /att-3/);
});

// An IPv4-only interface with no route out, in an estate that mentions IPv6: its outside range holds both families
// (nothing reaches either), which once crashed the internet-size test of every check.
test('route-too-broad messages print IPv6 blocks as IPv6; an outside range of both families is judged per family', () => {
  const s = {
    ...estate(),
    Vpcs: [
      { VpcId: 'vpc-1', OwnerId: '111111111111', CidrBlock: '10.0.0.0/16' },
      { VpcId: 'vpc-2', OwnerId: '111111111111', CidrBlock: '10.1.0.0/16', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f00:2::/56', Ipv6CidrBlockState: { State: 'associated' } }] },
    ],
    VpcPeeringConnections: [{ VpcPeeringConnectionId: 'pcx-1', RequesterVpcInfo: { VpcId: 'vpc-1', Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: 'vpc-2', Region: 'us-east-1' }, Status: { Code: 'active' } }],
    RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationIpv6CidrBlock: '2600:1f00::/40', VpcPeeringConnectionId: 'pcx-1', State: 'active' }, { DestinationIpv6CidrBlock: '2600:1f00:2::/56', VpcPeeringConnectionId: 'pcx-1', State: 'active' }] }],
  };
  const f = findings(s, 'aws-peering-route-too-broad');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /sends 2600:1f00::\/40 over pcx-1, but vpc-2 holds only 2600:1f00:2::\/56$/);
  // The same estate with a route to the internet gateway: SSH open from the internet (IPv4) is still found.
  const routes = (s.RouteTables[0]!.Routes as J[]).concat([{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]);
  const open = findings({ ...s, RouteTables: [{ ...s.RouteTables[0]!, Routes: routes }] }, 'aws-admin-port-from-internet');
  assert.deepEqual(open.map((x) => x.resource), ['NetworkInterface eni-a']);
});
