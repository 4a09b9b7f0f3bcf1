/**
 * Instance tags reach their interfaces: describe-instances' `Tags` (and Terraform aws_instance `tags`) are
 * copied onto every interface of the instance whose own TagSet lacks the key; the interface's own tag wins.
 * Intent segments by tag and the cross-layer node placement (nodes are found by tags) see them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { readTerraform } from '../../src/sources/terraform/index.js';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { placePods } from '../../src/engine/cross/placement.js';

const A = '111111111111/eu-west-1';
const nic = (id: string, ip: string, tags?: Record<string, string>) => ({
  NetworkInterfaceId: id, SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'eu-west-1a', PrivateIpAddress: ip, Groups: [{ GroupId: 'sg-1' }],
  Attachment: { InstanceId: 'i-node' },
  ...(tags ? { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
});
const instances = (tags: Record<string, string>) => JSON.stringify({
  Reservations: [{ OwnerId: '111111111111', Instances: [{
    InstanceId: 'i-node', SubnetId: 'subnet-1', VpcId: 'vpc-1', Placement: { AvailabilityZone: 'eu-west-1a' },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-primary', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-1' }] }],
  }] }],
});
const base = JSON.stringify({ Vpcs: [{ VpcId: 'vpc-1', OwnerId: '111111111111', CidrBlock: '10.0.0.0/16' }], Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1a' }] });

function estate(instanceFirst: boolean) {
  const files = [
    { path: `${A}/instances.json`, account: '111111111111', region: 'eu-west-1', text: instances({ Name: 'node', 'kubernetes.io/cluster/shop': 'owned', env: 'prod' }) },
    // The VPC CNI's secondary interface carries its own tags (its own Name, the CNI's instance_id tag); the primary has none of its own.
    { path: `${A}/network-interfaces.json`, account: '111111111111', region: 'eu-west-1', text: JSON.stringify({ NetworkInterfaces: [nic('eni-primary', '10.0.1.10'), nic('eni-cni', '10.0.1.30', { Name: 'aws-K8S-i-node', env: 'staging', 'node.k8s.amazonaws.com/instance_id': 'i-node' })] }) },
    { path: `${A}/base.json`, account: '111111111111', region: 'eu-west-1', text: base },
  ];
  return buildAwsInventory(instanceFirst ? files : [...files].reverse());
}

test('describe-instances Tags are copied onto the instance\'s interfaces; an interface\'s own tag wins', () => {
  for (const order of [true, false]) {
    const inv = estate(order);
    const tags = Object.fromEntries(inv.interfaces.map((e) => [e.id, e.tags]));
    assert.deepEqual(tags['eni-primary'], { Name: 'node', 'kubernetes.io/cluster/shop': 'owned', env: 'prod' });
    assert.deepEqual(tags['eni-cni'], { Name: 'aws-K8S-i-node', 'kubernetes.io/cluster/shop': 'owned', env: 'staging', 'node.k8s.amazonaws.com/instance_id': 'i-node' });
  }
});

test('an ENI listed by both outputs is read once, from describe-network-interfaces (its own tags), in either file order', () => {
  // The reservation's copy of eni-cni has no TagSet; the ENI's own listing must win even when read second.
  const withCopy = JSON.parse(instances({ Name: 'node', env: 'prod' })) as { Reservations: Array<{ Instances: Array<{ NetworkInterfaces: unknown[] }> }> };
  withCopy.Reservations[0]!.Instances[0]!.NetworkInterfaces.push({ NetworkInterfaceId: 'eni-cni', PrivateIpAddress: '10.0.1.30', Groups: [{ GroupId: 'sg-1' }] });
  // An ENI only the reservation lists is still read.
  withCopy.Reservations[0]!.Instances[0]!.NetworkInterfaces.push({ NetworkInterfaceId: 'eni-only', PrivateIpAddress: '10.0.1.31', Groups: [{ GroupId: 'sg-1' }] });
  const files = [
    { path: `${A}/instances.json`, account: '111111111111', region: 'eu-west-1', text: JSON.stringify(withCopy) },
    { path: `${A}/network-interfaces.json`, account: '111111111111', region: 'eu-west-1', text: JSON.stringify({ NetworkInterfaces: [nic('eni-primary', '10.0.1.10'), nic('eni-cni', '10.0.1.30', { Name: 'aws-K8S-i-node', env: 'staging' })] }) },
    { path: `${A}/base.json`, account: '111111111111', region: 'eu-west-1', text: base },
  ];
  for (const order of [files, [...files].reverse()]) {
    const inv = buildAwsInventory(order);
    assert.deepEqual(inv.interfaces.map((e) => e.id), ['eni-cni', 'eni-only', 'eni-primary']);
    assert.deepEqual(inv.interfaces.find((e) => e.id === 'eni-cni')!.tags, { Name: 'aws-K8S-i-node', env: 'staging' });
    assert.deepEqual(inv.interfaces.find((e) => e.id === 'eni-only')!.tags, { Name: 'node', env: 'prod' });
    assert.ok(!inv.diagnostics.some((d) => d.code === 'aws-duplicate-id'));
  }
});

test('an interface of no described instance keeps its own tags alone', () => {
  const inv = buildAwsInventory([{ path: `${A}/x.json`, account: '111111111111', region: 'eu-west-1', text: JSON.stringify({ ...JSON.parse(base), NetworkInterfaces: [nic('eni-x', '10.0.1.40', { a: 'b' })] }) }]);
  assert.deepEqual(inv.interfaces[0]!.tags, { a: 'b' });
});

test('cross-layer placement finds the node by its instance\'s cluster tag', () => {
  const k8s = loadFromTexts([{ path: 'c.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers: [{name: c, image: x}]\n' }], {}).inventory;
  const pl = placePods(k8s, estate(true));
  assert.equal(pl.cluster, 'shop');
  assert.deepEqual(pl.hosts.map((h) => [h.name, h.enis.map((e) => e.id)]), [['i-node', ['eni-primary', 'eni-cni']]]);
  assert.ok(pl.hosts[0]!.evidence.includes('tag kubernetes.io/cluster/shop=owned'));
});

test('Terraform: aws_instance tags reach an aws_network_interface attached to it; the interface\'s own tag wins', () => {
  const res = (address: string, values: Record<string, unknown>) => ({ address, mode: 'managed', type: address.split('.')[0], name: address.split('.')[1], provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0, values, sensitive_values: {} });
  const doc = { format_version: '1.0', terraform_version: '1.9.8', values: { root_module: { resources: [
    res('aws_vpc.a', { id: 'vpc-a', cidr_block: '10.0.0.0/16', arn: 'arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-a', owner_id: '111122223333', default_network_acl_id: 'acl-a', default_security_group_id: 'sg-a', main_route_table_id: 'rtb-a' }),
    res('aws_subnet.s', { id: 'subnet-s', vpc_id: 'vpc-a', cidr_block: '10.0.1.0/24', availability_zone: 'eu-west-1a', map_public_ip_on_launch: false }),
    res('aws_instance.node', { id: 'i-node', primary_network_interface_id: 'eni-node', subnet_id: 'subnet-s', private_ip: '10.0.1.10', public_ip: '', vpc_security_group_ids: ['sg-a'], secondary_private_ips: [], network_interface: [], tags: { Name: 'node', 'eks:cluster-name': 'shop' } }),
    res('aws_network_interface.cni', { id: 'eni-cni', subnet_id: 'subnet-s', private_ip: '10.0.1.30', private_ips: ['10.0.1.30'], security_groups: ['sg-a'], attachment: [{ instance: 'i-node', device_index: 1 }], tags: { Name: 'cni' } }),
  ] } } };
  const inv = readTerraform('tf/x.json', JSON.stringify(doc));
  const tags = Object.fromEntries(inv.interfaces.map((e) => [e.id, e.tags]));
  assert.deepEqual(tags['eni-node'], { Name: 'node', 'eks:cluster-name': 'shop' });
  assert.deepEqual(tags['eni-cni'], { Name: 'cni', 'eks:cluster-name': 'shop' });
});
