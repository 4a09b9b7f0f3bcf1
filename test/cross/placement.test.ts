/** Placement: which interfaces are the cluster's nodes, and which node each pod is on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { addressOfNodeName, instanceOfProviderId, placePods } from '../../src/engine/cross/placement.js';

const eni = (id: string, ip: string, tags: Record<string, string>, instance?: string) => ({
  NetworkInterfaceId: id, SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', OwnerId: '111111111111', PrivateIpAddress: ip,
  Groups: [{ GroupId: 'sg-1' }], TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), ...(instance ? { Attachment: { InstanceId: instance } } : {}),
});
const aws = (enis: unknown[]) => buildAwsInventory([{ path: 's.json', text: JSON.stringify({ Vpcs: [{ VpcId: 'vpc-1', OwnerId: '111111111111', CidrBlock: '10.0.0.0/16' }], Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }], NetworkInterfaces: enis }) }]);
const k8s = (yaml: string) => loadFromTexts([{ path: 'c.yaml', text: yaml }], {}).inventory;
const POD = (name: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ns}\nspec:\n  containers: [{name: c, image: x}]\n${extra}---\n`;

test('providerID and EC2 private DNS names are read as EKS writes them', () => {
  assert.equal(instanceOfProviderId('aws:///us-east-1a/i-0abc123'), 'i-0abc123');
  assert.equal(instanceOfProviderId('aws://us-east-1a/i-0abc123'), 'i-0abc123');
  assert.equal(instanceOfProviderId('gce://p/z/n'), undefined);
  assert.equal(addressOfNodeName('ip-10-0-1-23.us-east-1.compute.internal'), '10.0.1.23');
  assert.equal(addressOfNodeName('ip-10-0-1-300.ec2.internal'), undefined);
  assert.equal(addressOfNodeName('node-a'), undefined);
});

test('tags mark nodes (kubernetes.io/cluster, eks:cluster-name); several clusters need --cluster-name', () => {
  const inv = aws([eni('eni-a', '10.0.1.10', { 'kubernetes.io/cluster/one': 'owned' }, 'i-a'), eni('eni-b', '10.0.1.20', { 'eks:cluster-name': 'two' }, 'i-b'), eni('eni-x', '10.0.1.30', { 'kubernetes.io/cluster/one': 'other' })]);
  const cl = k8s(POD('p'));
  const none = placePods(cl, inv);
  assert.deepEqual(none.clusters, ['one', 'two']);
  assert.equal(none.hosts.length, 0);
  assert.ok(none.diagnostics.some((d) => d.code === 'cross-several-clusters'));
  assert.ok(none.diagnostics.some((d) => d.code === 'cross-no-nodes'));
  const one = placePods(cl, inv, { clusterName: 'one' });
  assert.deepEqual(one.hosts.map((h) => h.instanceId), ['i-a'], 'a tag value other than owned|shared marks nothing');
  assert.deepEqual(placePods(cl, inv, { clusterName: 'two' }).hosts.map((h) => h.instanceId), ['i-b']);
  assert.ok(placePods(cl, inv, { clusterName: 'three' }).diagnostics.some((d) => d.code === 'cross-cluster-not-tagged'));
});

test('pods: by their IP, by spec.nodeName (Node name or EC2 DNS name), else on any node with a caveat', () => {
  const inv = aws([eni('eni-a', '10.0.1.10', {}, 'i-a'), eni('eni-b', '10.0.1.20', {}, 'i-b')]);
  const cl = k8s(`apiVersion: v1\nkind: Node\nmetadata: {name: n-a}\nspec: {providerID: 'aws:///us-east-1a/i-a'}\n---\n`
    + POD('byname', '  nodeName: n-a\n') + POD('bydns', '  nodeName: ip-10-0-1-20.ec2.internal\n') + POD('free') + POD('lost', '  nodeName: gone\n'));
  const p = placePods(cl, inv);
  assert.deepEqual(p.hosts.map((h) => h.name), ['i-b', 'n-a']);
  assert.equal(p.pods.get('ns/byname')!.how, 'node-name');
  assert.deepEqual(p.pods.get('ns/byname')!.hosts.map((h) => h.name), ['n-a']);
  assert.deepEqual(p.pods.get('ns/bydns')!.hosts.map((h) => h.name), ['i-b']);
  assert.equal(p.pods.get('ns/free')!.how, 'any-node');
  assert.equal(p.pods.get('ns/free')!.hosts.length, 2);
  assert.ok(p.diagnostics.some((d) => d.code === 'cross-node-name-unknown' && d.message.includes('gone')));
  assert.ok(p.assumptions.some((a) => a.includes('union over the nodes')));
});
