/**
 * `isolated` on an AWS estate (tenant VPCs): interfaces whose tenant differs must not reach each other. The
 * tenant is the interface's tag, else its subnet's, else its VPC's; `{label: KEY}` reads the interface's own
 * tags, `{namespaceLabel: KEY}` the VPC's. Two VPCs joined by a transit gateway, with and without a path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { awsDrift } from '../../src/analyses/aws/intent.js';
import { parseIntent } from '../../src/analyses/intent/load.js';

type J = Record<string, unknown>;
const tags = (t: Record<string, string>): J[] => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));

/** VPCs a and b (tenant tags on the VPCs), one interface each, joined by a TGW unless `joined` is false. */
function estate(o: { joined?: boolean; eniTags?: Record<string, Record<string, string>> } = {}): J {
  const all = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }];
  const route = (x: string, i: number): J => ({ DestinationCidrBlock: `10.${i}.0.0/16`, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: `tgw-attach-${x}` }], Type: 'propagated', State: 'active' });
  return {
    Vpcs: ['a', 'b'].map((x, i) => ({ VpcId: `vpc-${x}`, OwnerId: '111111111111', CidrBlock: `10.${i}.0.0/16`, Tags: tags({ tenant: x }) })),
    Subnets: ['a', 'b'].map((x, i) => ({ SubnetId: `subnet-${x}`, VpcId: `vpc-${x}`, CidrBlock: `10.${i}.0.0/24`, AvailabilityZone: 'us-east-1a' })),
    NetworkInterfaces: ['a', 'b'].map((x, i) => ({ NetworkInterfaceId: `eni-${x}`, SubnetId: `subnet-${x}`, VpcId: `vpc-${x}`, AvailabilityZone: 'us-east-1a', PrivateIpAddress: `10.${i}.0.10`, Groups: [{ GroupId: `sg-${x}` }], TagSet: tags(o.eniTags?.[x] ?? {}) })),
    SecurityGroups: ['a', 'b'].map((x) => ({ GroupId: `sg-${x}`, VpcId: `vpc-${x}`, GroupName: `sg-${x}`, IpPermissions: all, IpPermissionsEgress: all })),
    NetworkAcls: ['a', 'b'].map((x) => ({ NetworkAclId: `acl-${x}`, VpcId: `vpc-${x}`, IsDefault: true, Associations: [{ SubnetId: `subnet-${x}` }], Entries: [false, true].map((Egress) => ({ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress, CidrBlock: '0.0.0.0/0' })) })),
    RouteTables: ['a', 'b'].map((x, i) => ({ RouteTableId: `rtb-${x}`, VpcId: `vpc-${x}`, Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: `10.${i}.0.0/16`, GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-1', State: 'active' }] })),
    TransitGateways: [{ TransitGatewayId: 'tgw-1', State: 'available' }],
    TransitGatewayAttachments: ['a', 'b'].map((x) => ({ TransitGatewayAttachmentId: `tgw-attach-${x}`, TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: `vpc-${x}`, State: 'available' })),
    TransitGatewayVpcAttachments: ['a', 'b'].map((x) => ({ TransitGatewayAttachmentId: `tgw-attach-${x}`, SubnetIds: [`subnet-${x}`] })),
    TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', TransitGatewayId: 'tgw-1' }],
    TransitGatewayRouteTableAssociations: { 'tgw-rtb-1': ['a', 'b'].map((x) => ({ TransitGatewayAttachmentId: `tgw-attach-${x}`, State: 'associated' })) },
    TransitGatewayRouteTableRoutes: { 'tgw-rtb-1': o.joined === false ? [route('a', 0)] : [route('a', 0), route('b', 1)] },
  };
}

function breaches(snapshot: J, invariant: string): string[] {
  const a = analyseAwsInventory(buildAwsInventory([{ path: 'snap.json', text: JSON.stringify(snapshot) }]));
  const intent = parseIntent(`segments:\n  all: {vpc: "vpc-*"}\nflows:\n  - {from: all, to: all}\ninvariants:\n  - isolated: ${invariant}\n`, 'i.yaml');
  const d = awsDrift(a, intent);
  assert.equal(d.unmapped.length, 0);
  return d.breaches.map((b) => `${b.values?.join('>')}: ${b.src.map((e) => e.id.split('/').pop()).join(',')} -> ${b.dst.map((e) => e.id.split('/').pop()).join(',')} ${b.ports}`).sort();
}

test('isolated: tenant breaks where tenant VPCs joined by a transit gateway reach each other, and holds once the route is gone', () => {
  assert.deepEqual(breaches(estate(), 'tenant'), ['a>b: eni-a -> eni-b all traffic', 'b>a: eni-b -> eni-a all traffic']);
  assert.deepEqual(breaches(estate({ joined: false }), 'tenant'), []);
});

test('the interface\'s own tenant tag comes before its VPC\'s; {label} reads only the interface, {namespaceLabel} only the VPC', () => {
  // eni-b says it belongs to tenant a: the two interfaces are one tenant.
  assert.deepEqual(breaches(estate({ eniTags: { b: { tenant: 'a' } } }), 'tenant'), []);
  // The interfaces carry no tenant tag of their own: nothing to compare by {label}.
  assert.deepEqual(breaches(estate(), '{label: tenant}'), []);
  assert.deepEqual(breaches(estate({ eniTags: { a: { tenant: 'x' }, b: { tenant: 'y' } } }), '{label: tenant}'), ['x>y: eni-a -> eni-b all traffic', 'y>x: eni-b -> eni-a all traffic']);
  // {namespaceLabel} reads the VPCs' tags whatever the interfaces say.
  assert.deepEqual(breaches(estate({ eniTags: { b: { tenant: 'a' } } }), '{namespaceLabel: tenant}'), ['a>b: eni-a -> eni-b all traffic', 'b>a: eni-b -> eni-a all traffic']);
});

test('tags of an interface\'s instance (describe-instances) count as the interface\'s where it lacks the key, its own first', () => {
  const s = estate({ eniTags: { b: { tenant: 'own' } } });
  for (const [i, e] of (s['NetworkInterfaces'] as J[]).entries()) e['Attachment'] = { InstanceId: `i-${'ab'[i]}` };
  s['Reservations'] = [{ OwnerId: '111111111111', Instances: ['a', 'b'].map((x) => ({ InstanceId: `i-${x}`, SubnetId: `subnet-${x}`, VpcId: `vpc-${x}`, Tags: tags({ tenant: `inst-${x}` }), NetworkInterfaces: [] })) }];
  // eni-a has no tenant tag of its own: its instance's; eni-b's own tag wins over its instance's.
  assert.deepEqual(breaches(s, '{label: tenant}'), ['inst-a>own: eni-a -> eni-b all traffic', 'own>inst-a: eni-b -> eni-a all traffic']);
});
