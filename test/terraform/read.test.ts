/**
 * The Terraform reader: each resource type (inline and separate rules, defaults AWS makes, unknown values of
 * a plan), diagnostics with file and JSON path on bad input, and reach equal to the describe snapshot's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readTerraform } from '../../src/sources/terraform/index.js';
import { readAwsSnapshot } from '../../src/sources/aws/snapshot.js';
import { awsFormatOf } from '../../src/sources/aws/detect.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { awsNotesOf } from '../../src/analyses/aws/notes.js';
import { TrafficSet } from '../../src/model/traffic-set.js';
import type { AwsInventory } from '../../src/inventory/aws/types.js';

type J = Record<string, unknown>;
interface R { address: string; type: string; values: J; unknown?: J; refs?: Record<string, string[] | J[]> }

const r = (address: string, values: J, extra: Partial<R> = {}): R => ({ address, type: address.split('.').slice(-2)[0]!, values, ...extra });

/** A state document of resources. */
function state(rs: readonly R[]): string {
  return JSON.stringify({ format_version: '1.0', terraform_version: '1.9.8', values: { root_module: { resources: rs.map(res) } } }, null, 2);
}

function res(x: R): J {
  return { address: x.address, mode: 'managed', type: x.type, name: x.address.split('.').pop(), provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0, values: x.values, sensitive_values: {} };
}

/** A plan document: `rs` after apply (unknown attributes left out, as Terraform leaves them out), with references. */
function plan(rs: readonly R[], prior: readonly R[] = []): string {
  const cfgExpr = (x: R): J => Object.fromEntries(Object.entries(x.refs ?? {}).map(([k, v]) => [k, Array.isArray(v) && typeof v[0] === 'object' ? v : { references: v }]));
  return JSON.stringify({
    format_version: '1.2', terraform_version: '1.9.8',
    planned_values: { root_module: { resources: rs.map(res) } },
    resource_changes: rs.map((x) => ({ address: x.address, mode: 'managed', type: x.type, name: x.address.split('.').pop(), change: { actions: ['create'], before: null, after: x.values, after_unknown: x.unknown ?? {} } })),
    prior_state: { format_version: '1.0', terraform_version: '1.9.8', values: { root_module: { resources: prior.map(res) } } },
    configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } }, root_module: { resources: rs.map((x) => ({ address: x.address, mode: 'managed', type: x.type, name: x.address.split('.').pop(), provider_config_key: 'aws', expressions: cfgExpr(x) })) } },
    applyable: true, complete: true, errored: false,
  }, null, 2);
}

const VPC = r('aws_vpc.a', { id: 'vpc-a', cidr_block: '10.0.0.0/16', arn: 'arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-a', owner_id: '111122223333', default_network_acl_id: 'acl-a', default_security_group_id: 'sg-a-default', main_route_table_id: 'rtb-a-main', tags: { Name: 'a' } });
const SUBNET = r('aws_subnet.app', { id: 'subnet-app', vpc_id: 'vpc-a', cidr_block: '10.0.1.0/24', availability_zone: 'eu-west-1a', map_public_ip_on_launch: false });
const SUBNET2 = r('aws_subnet.db', { id: 'subnet-db', vpc_id: 'vpc-a', cidr_block: '10.0.2.0/24', availability_zone: 'eu-west-1a', map_public_ip_on_launch: false });
const inst = (name: string, subnet: string, ip: string, groups: string[], more: J = {}): R =>
  r(`aws_instance.${name}`, { id: `i-${name}`, primary_network_interface_id: `eni-${name}`, subnet_id: subnet, private_ip: ip, public_ip: '', vpc_security_group_ids: groups, secondary_private_ips: [], network_interface: [], tags: { Name: name }, ...more });
const block = (protocol: string, from: number, to: number, more: J = {}): J => ({ protocol, from_port: from, to_port: to, cidr_blocks: [], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, description: '', ...more });

const read = (text: string, side?: 'prior'): AwsInventory => readTerraform('tf/x.json', text, side);
const codes = (inv: AwsInventory): string[] => inv.diagnostics.map((d) => d.code);

function reachOf(inv: AwsInventory): Map<string, string> {
  const a = analyseAwsInventory(inv);
  const out = new Map<string, string>();
  for (const c of a.reach().connections) out.set(`${c.src} => ${c.dst}`, JSON.stringify([c.conns, c.responseBlocked ?? {}]));
  return out;
}

test('detection: terraform show -json of a state or a plan is AWS input; other JSON with format_version is not', () => {
  assert.equal(awsFormatOf(state([VPC])), 'terraform');
  assert.equal(awsFormatOf(plan([VPC])), 'terraform');
  assert.equal(awsFormatOf(JSON.stringify({ format_version: '1.0', terraform_version: '1.9.8', provider_schemas: {} })), undefined);
  assert.equal(awsFormatOf(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })), undefined);
});

test('the Terraform equivalent of examples/aws gives the same reach, endpoint for endpoint', async () => {
  const tf = analyseAwsInventory(read(readFileSync('test/fixtures/terraform/examples-aws.state.json', 'utf8'))).reach();
  const ds = analyseAwsInventory(await readAwsSnapshot('examples/aws')).reach();
  assert.deepEqual(tf.connections, ds.connections);
  assert.deepEqual(tf.endpoints.map((e) => ({ ...e })), ds.endpoints.map((e) => ({ ...e })));
  assert.ok(ds.connections.length > 5);
});

test('security groups: inline blocks, aws_security_group_rule and aws_vpc_security_group_*_rule; a rule the group state also lists is read once', () => {
  const inv = read(state([VPC, SUBNET,
    r('aws_security_group.db', { id: 'sg-db', vpc_id: 'vpc-a', name: 'db', ingress: [block('tcp', 5432, 5432, { security_groups: ['sg-app'] }), block('tcp', 22, 22, { cidr_blocks: ['10.9.0.0/16'], self: true })], egress: [] }),
    r('aws_security_group.app', { id: 'sg-app', vpc_id: 'vpc-a', name: 'app', ingress: [], egress: [block('-1', 0, 0, { cidr_blocks: ['0.0.0.0/0'] })] }),
    r('aws_security_group_rule.db_app', { id: 'sgrule-1', type: 'ingress', security_group_id: 'sg-db', protocol: 'tcp', from_port: 5432, to_port: 5432, source_security_group_id: 'sg-app', self: false }),
    r('aws_vpc_security_group_egress_rule.db_out', { id: 'sgr-2', security_group_id: 'sg-db', ip_protocol: 'udp', from_port: 53, to_port: 53, cidr_ipv4: '10.0.0.2/32', referenced_security_group_id: null }),
    r('aws_vpc_security_group_ingress_rule.db_xacct', { id: 'sgr-3', security_group_id: 'sg-db', ip_protocol: '-1', referenced_security_group_id: '444455556666/sg-far' }),
  ]));
  const db = inv.securityGroups.find((g) => g.id === 'sg-db')!;
  // 5432 from sg-app (once, though both the group and the rule resource list it), 22 from a CIDR and from itself, all from sg-far.
  assert.deepEqual(db.ingress.map((x) => (x.peer.kind === 'cidr' ? x.peer.text : x.peer.id)).sort(), ['10.9.0.0/16', 'sg-app', 'sg-db', 'sg-far']);
  assert.equal(db.ingress.filter((x) => x.peer.kind === 'group' && x.peer.id === 'sg-app').length, 1);
  assert.equal(db.ingress.find((x) => x.peer.kind === 'group' && x.peer.id === 'sg-app')!.source.address, 'aws_security_group_rule.db_app');
  assert.ok(db.ingress.some((x) => x.peer.kind === 'group' && x.peer.id === 'sg-db'), 'self');
  assert.deepEqual(db.ingress.find((x) => x.peer.kind === 'group' && x.peer.id === 'sg-far')!.peer, { kind: 'group', id: 'sg-far', account: '444455556666' });
  assert.ok(db.egress[0]!.traffic.equals(TrafficSet.ports(17, 53)));
  assert.equal(db.egress[0]!.source.path, 'values.root_module.resources[5].values');
  assert.equal(db.account, '111122223333');
});

test('network ACLs: inline entries and aws_network_acl_rule by number, an association moves a subnet; the default ACL AWS makes when Terraform has none', () => {
  const entry = (rule_no: number, action: string, protocol: string, cidr: string, from = 0, to = 0): J => ({ rule_no, action, protocol, cidr_block: cidr, ipv6_cidr_block: '', from_port: from, to_port: to, icmp_type: 0, icmp_code: 0 });
  const inv = read(state([VPC, SUBNET, SUBNET2,
    r('aws_network_acl.db', { id: 'acl-db', vpc_id: 'vpc-a', subnet_ids: [], ingress: [entry(200, 'allow', '6', '10.0.1.0/24', 5432, 5432)], egress: [entry(100, 'allow', '-1', '0.0.0.0/0')] }),
    r('aws_network_acl_rule.deny', { id: 'nacl-1', network_acl_id: 'acl-db', rule_number: 100, egress: false, protocol: 'tcp', rule_action: 'deny', cidr_block: '10.0.1.66/32', from_port: 0, to_port: 65535 }),
    r('aws_network_acl_association.db', { id: 'aclassoc-1', network_acl_id: 'acl-db', subnet_id: 'subnet-db' }),
  ]));
  const db = inv.networkAcls.find((a) => a.id === 'acl-db')!;
  assert.deepEqual(db.inbound.map((e) => [e.ruleNumber, e.action]), [[100, 'deny'], [200, 'allow']]);
  assert.deepEqual(db.subnets, ['subnet-db']);
  const dflt = inv.networkAcls.find((a) => a.isDefault)!;
  assert.equal(dflt.id, 'acl-a');
  assert.ok(dflt.inbound[0]!.traffic.equals(TrafficSet.ALL));
  assert.ok(inv.diagnostics.some((d) => d.code === 'tf-assumed-default' && d.message.includes('acl-a')));
  // aws_default_network_acl without rules: Terraform removes AWS's allow-all, so it denies everything.
  const locked = read(state([VPC, SUBNET, r('aws_default_network_acl.a', { id: 'acl-a', default_network_acl_id: 'acl-a', vpc_id: 'vpc-a', subnet_ids: ['subnet-app'], ingress: [], egress: [] })]));
  assert.deepEqual(locked.networkAcls.map((a) => [a.id, a.isDefault, a.inbound.length]), [['acl-a', true, 0]]);
});

test('route tables: local routes added, aws_route merged once, associations; the main table moves with aws_main_route_table_association', () => {
  const route = (more: J): J => ({ cidr_block: '', ipv6_cidr_block: '', destination_prefix_list_id: '', gateway_id: '', nat_gateway_id: '', transit_gateway_id: '', vpc_peering_connection_id: '', network_interface_id: '', egress_only_gateway_id: '', vpc_endpoint_id: '', carrier_gateway_id: '', local_gateway_id: '', core_network_arn: '', ...more });
  const inv = read(state([VPC, SUBNET,
    r('aws_internet_gateway.a', { id: 'igw-a', vpc_id: 'vpc-a' }),
    r('aws_route_table.pub', { id: 'rtb-pub', vpc_id: 'vpc-a', route: [route({ cidr_block: '0.0.0.0/0', gateway_id: 'igw-a' })], propagating_vgws: [] }),
    r('aws_route.pub_default', { id: 'r-1', route_table_id: 'rtb-pub', destination_cidr_block: '0.0.0.0/0', gateway_id: 'igw-a', state: 'active', origin: 'CreateRoute' }),
    r('aws_route.pub_hole', { id: 'r-2', route_table_id: 'rtb-pub', destination_cidr_block: '192.168.0.0/16', nat_gateway_id: 'nat-gone', state: 'blackhole', origin: 'CreateRoute' }),
    r('aws_route_table_association.app', { id: 'rtbassoc-1', subnet_id: 'subnet-app', route_table_id: 'rtb-pub', gateway_id: '' }),
    r('aws_main_route_table_association.a', { id: 'rtbassoc-2', vpc_id: 'vpc-a', route_table_id: 'rtb-pub' }),
  ]));
  const t = inv.routeTables.find((x) => x.id === 'rtb-pub')!;
  assert.deepEqual(t.routes.map((x) => `${x.destination.kind === 'cidr' ? x.destination.text : ''} ${x.target.kind}:${x.target.id} ${x.state}`), ['10.0.0.0/16 local:local active', '0.0.0.0/0 igw:igw-a active', '192.168.0.0/16 nat:nat-gone blackhole']);
  assert.equal(t.routes[1]!.source.address, 'aws_route.pub_default');
  assert.deepEqual(t.subnets, ['subnet-app']);
  assert.equal(t.main, true);
  // With the main association there is no assumed main table.
  assert.ok(!inv.routeTables.some((x) => x.id === 'rtb-a-main'));
});

test('interfaces: an instance primary ENI (default group when none), aws_network_interface with a group attachment, Elastic IPs', () => {
  const inv = read(state([VPC, SUBNET,
    inst('web', 'subnet-app', '10.0.1.10', []),
    r('aws_network_interface.extra', { id: 'eni-extra', subnet_id: 'subnet-app', private_ip: '10.0.1.20', private_ips: ['10.0.1.20', '10.0.1.21'], security_groups: ['sg-x'], attachment: [{ instance: 'i-web', device_index: 1 }], interface_type: 'interface', tags: { Name: 'extra' } }),
    r('aws_network_interface_sg_attachment.extra', { id: 'x', security_group_id: 'sg-y', network_interface_id: 'eni-extra' }),
    r('aws_eip.web', { id: 'eipalloc-1', public_ip: '198.51.100.7', instance: '', network_interface: '' }),
    r('aws_eip_association.web', { id: 'eipassoc-1', allocation_id: 'eipalloc-1', instance_id: 'i-web', network_interface_id: '', public_ip: '' }),
  ]));
  const web = inv.interfaces.find((e) => e.id === 'eni-web')!;
  assert.deepEqual([web.instanceId, web.addresses, web.securityGroups, web.publicIp, web.account, web.region, web.tags['Name']], ['i-web', ['10.0.1.10'], ['sg-a-default'], '198.51.100.7', '111122223333', 'eu-west-1', 'web']);
  const extra = inv.interfaces.find((e) => e.id === 'eni-extra')!;
  assert.deepEqual([extra.addresses, extra.securityGroups, extra.instanceId], [['10.0.1.20', '10.0.1.21'], ['sg-x', 'sg-y'], 'i-web']);
  // The default group AWS makes: all from its members, all out.
  const dflt = inv.securityGroups.find((g) => g.id === 'sg-a-default')!;
  assert.deepEqual(dflt.ingress.map((x) => x.peer), [{ kind: 'group', id: 'sg-a-default' }]);
});

test('a plan: ids known only after apply become tf:<address> placeholders that references still meet', () => {
  const sg = r('aws_security_group.new', { vpc_id: 'vpc-a', name: 'new', ingress: [block('tcp', 443, 443, { cidr_blocks: ['10.0.0.0/16'] })], egress: [] }, { unknown: { id: true, arn: true }, refs: { vpc_id: ['aws_vpc.a.id', 'aws_vpc.a'] } });
  const vm = r('aws_instance.new', { subnet_id: 'subnet-app', private_ip: '10.0.1.50', tags: { Name: 'new' }, network_interface: [], secondary_private_ips: [] }, {
    unknown: { id: true, primary_network_interface_id: true, vpc_security_group_ids: true, public_ip: true },
    refs: { vpc_security_group_ids: ['aws_security_group.new.id', 'aws_security_group.new'], subnet_id: ['aws_subnet.app.id', 'aws_subnet.app'] },
  });
  const inv = read(plan([VPC, SUBNET, sg, vm]));
  const e = inv.interfaces.find((x) => x.id === 'tf:aws_instance.new')!;
  assert.ok(e, JSON.stringify(inv.interfaces.map((x) => x.id)));
  assert.deepEqual(e.securityGroups, ['tf:aws_security_group.new']);
  assert.ok(inv.securityGroups.some((g) => g.id === 'tf:aws_security_group.new'));
  // The subnet's map_public_ip_on_launch is false: an unknown public_ip means none.
  assert.equal(e.publicIp, undefined);
  assert.equal(e.region, 'eu-west-1');
});

test('a plan: an unknown private IP takes a free address of the subnet; exact (info) unless a rule names part of the subnet (caveat)', () => {
  const vm = (more: J = {}): R => r('aws_instance.new', { subnet_id: 'subnet-app', vpc_security_group_ids: ['sg-a-default'], tags: {}, network_interface: [], ...more }, { unknown: { id: true, private_ip: true, primary_network_interface_id: true } });
  const inv = read(plan([VPC, SUBNET, inst('old', 'subnet-app', '10.0.1.4', ['sg-a-default']), vm()]));
  const e = inv.interfaces.find((x) => x.id === 'tf:aws_instance.new')!;
  assert.deepEqual(e.addresses, ['10.0.1.5'], 'the first four are AWS\'s and 10.0.1.4 is taken');
  const d = inv.diagnostics.find((x) => x.code === 'tf-unknown-address')!;
  assert.equal(d.severity, 'info');
  assert.match(d.message, /planned_values\.root_module\.resources\[3\]\.values\.private_ip/);
  assert.equal(awsNotesOf(inv).bound, 'exact');
  // A rule naming a /28 of the subnet: the address matters and is not known.
  const split = read(plan([VPC, SUBNET, r('aws_security_group.s', { id: 'sg-s', vpc_id: 'vpc-a', ingress: [block('tcp', 22, 22, { cidr_blocks: ['10.0.1.0/28'] })], egress: [] }), vm()]));
  assert.ok(split.diagnostics.some((x) => x.code === 'tf-unknown-value' && x.severity === 'warning' && x.message.includes('private_ip')));
  assert.equal(awsNotesOf(split).bound, 'unknown');
  assert.ok(split.unmodelled.some((u) => u.kind === 'TerraformValue' && u.name === 'aws_instance.new.private_ip'));
});

test('a plan: a value that cannot be followed (an input variable) is a caveat and the rule allows nothing', () => {
  const rule = r('aws_vpc_security_group_ingress_rule.x', { security_group_id: 'sg-a-default', ip_protocol: 'tcp', from_port: 80, to_port: 80 }, { unknown: { id: true, referenced_security_group_id: true }, refs: { referenced_security_group_id: ['var.peer_group'] } });
  const inv = read(plan([VPC, SUBNET, r('aws_default_security_group.a', { id: 'sg-a-default', vpc_id: 'vpc-a', ingress: [], egress: [] }), rule]));
  const d = inv.diagnostics.find((x) => x.code === 'tf-unknown-value')!;
  assert.match(d.message, /referenced_security_group_id is known only after apply and it comes from the input variable peer_group/);
  assert.equal(d.source?.file, 'tf/x.json');
  assert.equal(inv.securityGroups[0]!.ingress.length, 0);
  assert.equal(awsNotesOf(inv).bound, 'unknown');
});

test('a plan read as its prior state; an absent prior state is an empty estate', () => {
  const text = plan([VPC, SUBNET, inst('b', 'subnet-app', '10.0.1.9', ['sg-a-default'])], [VPC, SUBNET]);
  assert.equal(read(text).interfaces.length, 1);
  const before = read(text, 'prior');
  assert.equal(before.interfaces.length, 0);
  assert.equal(before.vpcs.length, 1);
});

test('modules: resources of child modules, and references through a module argument', () => {
  const doc = {
    format_version: '1.2', terraform_version: '1.9.8',
    planned_values: { root_module: { resources: [res(VPC)], child_modules: [{ address: 'module.net', resources: [res(r('module.net.aws_subnet.this', { vpc_id: undefined, cidr_block: '10.0.7.0/24', availability_zone: 'eu-west-1b' })), res(r('module.net.aws_security_group.this', { id: 'sg-m', vpc_id: 'vpc-a', ingress: [], egress: [] }))] }] } },
    resource_changes: [{ address: 'module.net.aws_subnet.this', change: { actions: ['create'], after_unknown: { id: true, vpc_id: true } } }],
    configuration: { root_module: { resources: [], module_calls: { net: { source: './net', expressions: { vpc_id: { references: ['aws_vpc.a.id', 'aws_vpc.a'] } }, module: { resources: [{ address: 'aws_subnet.this', mode: 'managed', type: 'aws_subnet', name: 'this', expressions: { vpc_id: { references: ['var.vpc_id'] } } }] } } } } },
  };
  const inv = read(JSON.stringify(doc));
  assert.deepEqual(inv.subnets.map((s) => [s.id, s.vpc, s.availabilityZone]), [['tf:module.net.aws_subnet.this', 'vpc-a', 'eu-west-1b']]);
  assert.ok(inv.securityGroups.some((g) => g.id === 'sg-m' && g.source.path === 'planned_values.root_module.child_modules[0].resources[1]'.concat('.values')));
});

test('Transit Gateway: default association and propagation tables, propagated routes per VPC CIDR, explicit tables and a blackhole', () => {
  const VPC_B = r('aws_vpc.b', { id: 'vpc-b', cidr_block: '10.1.0.0/16', owner_id: '111122223333' });
  const inv = read(state([VPC, VPC_B, SUBNET,
    r('aws_ec2_transit_gateway.hub', { id: 'tgw-1', owner_id: '111122223333', default_route_table_association: 'enable', default_route_table_propagation: 'enable', association_default_route_table_id: 'tgw-rtb-default', propagation_default_route_table_id: 'tgw-rtb-default', auto_accept_shared_attachments: 'enable' }),
    r('aws_ec2_transit_gateway_vpc_attachment.a', { id: 'tgw-attach-a', transit_gateway_id: 'tgw-1', vpc_id: 'vpc-a', subnet_ids: ['subnet-app'], transit_gateway_default_route_table_association: true, transit_gateway_default_route_table_propagation: true }),
    r('aws_ec2_transit_gateway_vpc_attachment.b', { id: 'tgw-attach-b', transit_gateway_id: 'tgw-1', vpc_id: 'vpc-b', subnet_ids: [], appliance_mode_support: 'enable', security_group_referencing_support: 'disable', transit_gateway_default_route_table_association: false, transit_gateway_default_route_table_propagation: false }),
    r('aws_ec2_transit_gateway_route_table.b', { id: 'tgw-rtb-b', transit_gateway_id: 'tgw-1' }),
    r('aws_ec2_transit_gateway_route_table_association.b', { id: 'x', transit_gateway_attachment_id: 'tgw-attach-b', transit_gateway_route_table_id: 'tgw-rtb-b' }),
    r('aws_ec2_transit_gateway_route_table_propagation.b', { id: 'y', transit_gateway_attachment_id: 'tgw-attach-b', transit_gateway_route_table_id: 'tgw-rtb-default' }),
    r('aws_ec2_transit_gateway_route.hole', { id: 'z', transit_gateway_route_table_id: 'tgw-rtb-b', destination_cidr_block: '10.0.9.0/24', blackhole: true, transit_gateway_attachment_id: '' }),
    r('aws_ec2_transit_gateway_route.to_a', { id: 'w', transit_gateway_route_table_id: 'tgw-rtb-b', destination_cidr_block: '10.0.0.0/16', blackhole: false, transit_gateway_attachment_id: 'tgw-attach-a' }),
  ]));
  const dflt = inv.tgwRouteTables.find((t) => t.id === 'tgw-rtb-default')!;
  assert.deepEqual(dflt.routes.map((x) => [x.destination.kind === 'cidr' ? x.destination.text : '', x.attachments, x.origin]).sort(), [['10.0.0.0/16', ['tgw-attach-a'], 'propagated'], ['10.1.0.0/16', ['tgw-attach-b'], 'propagated']]);
  assert.deepEqual(dflt.associations, ['tgw-attach-a']);
  const b = inv.tgwRouteTables.find((t) => t.id === 'tgw-rtb-b')!;
  assert.deepEqual(b.associations, ['tgw-attach-b']);
  assert.deepEqual(b.routes.map((x) => x.state), ['blackhole', 'active']);
  assert.equal(inv.tgwAttachments.find((a) => a.id === 'tgw-attach-a')!.association, 'tgw-rtb-default');
  assert.equal(inv.transitGateways[0]!.autoAcceptSharedAttachments, true);
  // Appliance mode (the TGW picks the exit zone by a flow hash) is read, for the attachment subnets' NACLs.
  assert.deepEqual(inv.tgwAttachments.map((a) => [a.id, a.applianceMode ?? false]), [['tgw-attach-a', false], ['tgw-attach-b', true]]);
  // Security group referencing: the provider's default (enable) where the attribute is absent.
  assert.deepEqual(inv.tgwAttachments.map((a) => [a.id, a.securityGroupReferencing]), [['tgw-attach-a', true], ['tgw-attach-b', false]]);
  assert.ok(!codes(inv).includes('aws-tgw-routes-missing'));
});

test('peering: accepted (active), pending without accepter, and accepted by an accepter resource', () => {
  const VPC_B = r('aws_vpc.b', { id: 'vpc-b', cidr_block: '10.1.0.0/16' });
  const inv = read(plan([VPC, VPC_B,
    r('aws_vpc_peering_connection.pending', { vpc_id: 'vpc-a', peer_vpc_id: 'vpc-b', auto_accept: false }, { unknown: { id: true, accept_status: true } }),
    r('aws_vpc_peering_connection.accepted', { vpc_id: 'vpc-a', peer_vpc_id: 'vpc-b', auto_accept: false, peer_owner_id: '999988887777' }, { unknown: { id: true, accept_status: true } }),
    r('aws_vpc_peering_connection_accepter.it', { auto_accept: true }, { unknown: { id: true, vpc_peering_connection_id: true, accept_status: true }, refs: { vpc_peering_connection_id: ['aws_vpc_peering_connection.accepted.id', 'aws_vpc_peering_connection.accepted'] } }),
  ]));
  const by = new Map(inv.peerings.map((p) => [p.id, p]));
  assert.equal(by.get('tf:aws_vpc_peering_connection.pending')!.status, 'pending-acceptance');
  assert.equal(by.get('tf:aws_vpc_peering_connection.accepted')!.status, 'active');
  assert.equal(by.get('tf:aws_vpc_peering_connection.accepted')!.accepter.account, '999988887777');
  assert.ok(inv.diagnostics.some((d) => d.code === 'tf-peering-not-accepted' && d.message.includes('pending')));
});

test('prefix lists (inline entries and entry resources) and gateway endpoints (a route that is not evaluated)', () => {
  const inv = read(state([VPC, SUBNET,
    r('aws_ec2_managed_prefix_list.office', { id: 'pl-office', name: 'office', entry: [{ cidr: '192.0.2.0/24', description: '' }] }),
    r('aws_ec2_managed_prefix_list_entry.vpn', { id: 'pl-office,198.51.100.0/24', prefix_list_id: 'pl-office', cidr: '198.51.100.0/24' }),
    r('aws_ec2_managed_prefix_list_entry.dup', { id: 'pl-office,192.0.2.0/24', prefix_list_id: 'pl-office', cidr: '192.0.2.0/24' }),
    r('aws_vpc_endpoint.s3', { id: 'vpce-s3', vpc_id: 'vpc-a', service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-a-main'], prefix_list_id: 'pl-6da54004' }),
  ]));
  assert.equal(inv.prefixLists[0]!.entries.length, 2);
  assert.ok(inv.routeTables.find((t) => t.id === 'rtb-a-main')!.routes.some((x) => x.target.kind === 'vpce'));
  assert.ok(inv.unmodelled.some((u) => u.kind === 'Route' && u.name.includes('vpce-s3') && /prefix list's entries are not in the snapshot/.test(u.effect)));
});

test('a gateway endpoint whose prefix list is in the document is evaluated; one whose list id is known only after apply is a caveat', () => {
  const known = read(state([VPC, SUBNET,
    r('aws_ec2_managed_prefix_list.s3', { id: 'pl-6da54004', name: 'com.amazonaws.eu-west-1.s3', entry: [{ cidr: '52.218.0.0/17', description: '' }] }),
    r('aws_vpc_endpoint.s3', { id: 'vpce-s3', vpc_id: 'vpc-a', service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway', prefix_list_id: 'pl-6da54004' }),
    r('aws_vpc_endpoint_route_table_association.s3', { id: 'a-vpce-s3', route_table_id: 'rtb-a-main', vpc_endpoint_id: 'vpce-s3' }),
  ]));
  const route = known.routeTables.find((t) => t.id === 'rtb-a-main')!.routes.find((x) => x.target.kind === 'vpce')!;
  assert.deepEqual(route.destination, { kind: 'prefix-list', id: 'pl-6da54004' });
  assert.deepEqual(known.unmodelled, []);
  const later = read(state([VPC, SUBNET,
    r('aws_vpc_endpoint.s3', { id: 'vpce-s3', vpc_id: 'vpc-a', service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-a-main'] }),
  ]));
  // Not a catch-all 0.0.0.0/0 route: the list is unknown, so the route is a caveat and matches nothing.
  const r2 = later.routeTables.find((t) => t.id === 'rtb-a-main')!.routes.find((x) => x.target.kind === 'vpce')!;
  assert.equal(r2.destination.kind, 'prefix-list');
  assert.ok(later.unmodelled.some((u) => u.kind === 'Route' && u.name.includes('vpce-s3')));
});

test('IPv6 addresses an interface lists are evaluated; a count AWS fills in on apply is a caveat', () => {
  const listed = read(state([VPC, SUBNET, r('aws_network_interface.a', { id: 'eni-a', subnet_id: 'subnet-app', private_ip: '10.0.1.5', security_groups: [], ipv6_addresses: ['2600:1f18::5'] })]));
  assert.ok(!listed.unmodelled.some((u) => u.kind === 'Vpc'));
  assert.deepEqual(listed.interfaces[0]!.ipv6Addresses, ['2600:1f18::5']);
  const counted = read(state([VPC, SUBNET, r('aws_network_interface.a', { id: 'eni-a', subnet_id: 'subnet-app', private_ip: '10.0.1.5', security_groups: [], ipv6_address_count: 1 })]));
  assert.ok(counted.unmodelled.some((u) => u.kind === 'Vpc' && /IPv6/.test(u.effect)));
  const none = read(state([VPC, SUBNET, r('aws_network_interface.a', { id: 'eni-a', subnet_id: 'subnet-app', private_ip: '10.0.1.5', security_groups: [], ipv6_addresses: [], ipv6_address_count: 0 })]));
  assert.ok(!none.unmodelled.some((u) => u.kind === 'Vpc'));
});

test('IPv6 in Terraform: aws_vpc_ipv6_cidr_block_association adds a block; an ipv6_native subnet and its interfaces are read with IPv6 alone; assign_ipv6_address_on_creation is an address on apply', () => {
  const v6vpc = r('aws_vpc_ipv6_cidr_block_association.a', { id: 'vpc-cidr-assoc-6', vpc_id: 'vpc-a', ipv6_cidr_block: '2600:1f18:a::/56' });
  const only6 = r('aws_subnet.six', { id: 'subnet-six', vpc_id: 'vpc-a', cidr_block: '', ipv6_cidr_block: '2600:1f18:a:2::/64', ipv6_native: true, assign_ipv6_address_on_creation: true, availability_zone: 'eu-west-1a', map_public_ip_on_launch: false });
  const eni = r('aws_network_interface.six', { id: 'eni-six', subnet_id: 'subnet-six', private_ip: '', private_ips: [], security_groups: [], ipv6_addresses: ['2600:1f18:a:2::5'] });
  const inv = read(state([VPC, v6vpc, only6, eni]));
  assert.deepEqual(inv.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(inv.vpcs[0]!.cidrs.some((c) => c.range.family === 6 && c.prefix === 56));
  const s = inv.subnets.find((x) => x.id === 'subnet-six')!;
  assert.equal(s.cidr, undefined);
  assert.equal(s.ipv6Cidr?.prefix, 64);
  const e = inv.interfaces.find((x) => x.id === 'eni-six')!;
  assert.deepEqual(e.addresses, []);
  assert.deepEqual(e.ipv6Addresses, ['2600:1f18:a:2::5']);
  // An association whose block AWS picks on apply is a caveat, not a block.
  const later = read(plan([VPC, { ...v6vpc, values: { id: 'vpc-cidr-assoc-6', vpc_id: 'vpc-a' }, unknown: { ipv6_cidr_block: true } }]));
  assert.ok(!later.vpcs[0]!.cidrs.some((c) => c.range.family === 6));
  assert.ok(later.unmodelled.some((u) => /ipv6_cidr_block is known only after apply/.test(u.effect)) || later.diagnostics.some((d) => /ipv6_cidr_block is known only after apply/.test(d.message)));
  // An instance launched in a subnet that assigns IPv6 on creation, its list left to AWS: an address on apply (a caveat).
  const dual = r('aws_subnet.app', { id: 'subnet-app', vpc_id: 'vpc-a', cidr_block: '10.0.1.0/24', ipv6_cidr_block: '2600:1f18:a:1::/64', assign_ipv6_address_on_creation: true, availability_zone: 'eu-west-1a', map_public_ip_on_launch: false });
  const onApply = read(plan([VPC, dual, { ...r('aws_network_interface.a', { id: 'eni-a', subnet_id: 'subnet-app', private_ip: '10.0.1.5', security_groups: [] }), unknown: { ipv6_addresses: true } }]));
  assert.ok(onApply.unmodelled.some((u) => u.kind === 'Vpc' && /IPv6 addresses are known only after apply/.test(u.effect)));
  // Without the subnet setting the same interface has no IPv6 address and no caveat.
  const plain = read(plan([VPC, SUBNET, { ...r('aws_network_interface.a', { id: 'eni-a', subnet_id: 'subnet-app', private_ip: '10.0.1.5', security_groups: [] }), unknown: { ipv6_addresses: true } }]));
  assert.ok(!plain.unmodelled.some((u) => u.kind === 'Vpc'));
  // An interface of an IPv6-only subnet with no IPv6 address at all is skipped with an error.
  const bare = read(state([VPC, v6vpc, only6, r('aws_network_interface.six', { id: 'eni-six', subnet_id: 'subnet-six', private_ip: '', security_groups: [], ipv6_addresses: [], ipv6_address_count: 0 })]));
  assert.ok(bare.diagnostics.some((d) => /IPv6-only subnet subnet-six and has no ipv6_addresses: skipped/.test(d.message)));
});

test('bad input: a missing field, a bad CIDR, an unreadable ACL entry and unread resource types are diagnostics with file and JSON path', () => {
  const inv = read(state([VPC,
    r('aws_subnet.nocidr', { id: 'subnet-x', vpc_id: 'vpc-a', cidr_block: 'nope' }),
    r('aws_security_group.novpc', { id: 'sg-x', ingress: [], egress: [] }),
    r('aws_network_acl.bad', { id: 'acl-x', vpc_id: 'vpc-a', subnet_ids: [], ingress: [{ rule_no: 10, action: 'deny', protocol: 'bogus', cidr_block: '0.0.0.0/0', from_port: 0, to_port: 0 }], egress: [] }),
    r('aws_db_instance.main', { id: 'db-1' }),
    r('aws_s3_bucket.logs', { id: 'logs' }),
  ]));
  const find = (code: string) => inv.diagnostics.find((d) => d.code === code)!;
  assert.match(find('aws-missing-field').message, /subnet aws_subnet\.nocidr has no usable cidr_block.*values\.root_module\.resources\[1\]\.values/);
  assert.match(inv.diagnostics.filter((d) => d.code === 'aws-missing-field')[1]!.message, /aws_security_group\.novpc has no vpc_id/);
  assert.equal(find('aws-bad-nacl-entry').severity, 'error');
  assert.match(find('aws-bad-nacl-entry').message, /resources\[3\]\.values\.ingress\[0\]/);
  assert.ok(find('aws-bad-nacl-entry').source!.line > 1, 'a line of the pretty-printed file');
  const unread = inv.diagnostics.filter((d) => d.code === 'tf-unread-resource');
  assert.deepEqual(unread.map((d) => d.severity), ['warning', 'info']);
  assert.match(unread[0]!.message, /aws_db_instance/);
  assert.equal(awsNotesOf(inv).bound, 'unknown');
  // Not Terraform JSON at all, and a document whose resources are not a list: errors, not crashes.
  assert.ok(codes(read('{"format_version": "1.0"}')).includes('tf-not-show-json'));
  const broken = read(JSON.stringify({ format_version: '1.0', terraform_version: '1.9.8', values: { root_module: { resources: { a: 1 } } } }));
  assert.match(broken.diagnostics.find((d) => d.code === 'tf-bad-document')!.message, /values\.root_module\.resources should be a list/);
});

test('VPC CIDR block associations: IPv4 and IPv6 add a block of their family; the wrong family is an error with its path; a block given twice is one', () => {
  const v4 = r('aws_vpc_ipv4_cidr_block_association.b', { id: 'vpc-cidr-assoc-4', vpc_id: 'vpc-a', cidr_block: '10.9.0.0/16' });
  const v6 = r('aws_vpc_ipv6_cidr_block_association.a', { id: 'vpc-cidr-assoc-6', vpc_id: 'vpc-a', ipv6_cidr_block: '2600:1f18:a::/56' });
  const ok = read(state([VPC, v4, v6, { ...v6, address: 'aws_vpc_ipv6_cidr_block_association.again' }]));
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
  const cidrs = ok.vpcs[0]!.cidrs;
  assert.ok(cidrs.some((c) => c.range.family === 4 && c.prefix === 16 && c.range.lo === (10n << 24n) + (9n << 16n)), 'the IPv4 block is added');
  assert.equal(cidrs.filter((c) => c.range.family === 6).length, 1, 'the IPv6 block once');
  const wrong = read(state([VPC, r('aws_vpc_ipv4_cidr_block_association.b', { id: 'x', vpc_id: 'vpc-a', cidr_block: '2600:1f18:b::/56' }), r('aws_vpc_ipv6_cidr_block_association.a', { id: 'y', vpc_id: 'vpc-a', ipv6_cidr_block: '10.8.0.0/16' })]));
  const bad = wrong.diagnostics.filter((d) => d.code === 'aws-bad-cidr');
  assert.equal(bad.length, 2);
  assert.match(bad[0]!.message, /cidr_block "2600:1f18:b::\/56" is not an IPv4 CIDR block.*values\.cidr_block/);
  assert.match(bad[1]!.message, /ipv6_cidr_block "10\.8\.0\.0\/16" is not an IPv6 CIDR block/);
  assert.equal(wrong.vpcs[0]!.cidrs.length, 1, "neither is added (only the VPC's own 10.0.0.0/16)");
});
