/**
 * IPv6-only subnets and interfaces (Ipv6Native: no IPv4 block, no private IPv4): read, evaluated over IPv6
 * alone, and sound in every report that used to assume a primary IPv4 (explain, reach, blast, init, audit,
 * test, the lab, intent `aws: {cidrs}` placement, the cross-layer join). examples/aws-ipv6 plus one
 * IPv6-only subnet `v6only` (2600:1f18:a:b02::/64, the main table: ::/0 to the egress-only gateway) holding
 * `eni-v6` in sg-worker (TCP 8080 from sg-site, TCP 9000 from ::/0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { analyseAwsInventory, type AwsAnalysis } from '../../src/analyses/aws/reach.js';
import { awsSubjectOf } from '../../src/analyses/aws/intent.js';
import { awsSegments } from '../../src/analyses/intent/aws-membership.js';
import { awsLabSkip } from '../../src/lab/aws-runner.js';
import { checkFamilies } from '../../src/analyses/test/aws.js';
import { parseIntent } from '../../src/analyses/intent/load.js';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { awsExplainText } from '../../src/reports/aws/explain.js';
import { opens } from './opens.js';

const DIR = 'examples/aws-ipv6/123456789012/us-east-1';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The example with the IPv6-only subnet and interface added. */
function files(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of readdirSync(DIR).sort()) out[f] = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
  out['subnets.json'].Subnets.push({
    SubnetId: 'subnet-v6only', VpcId: 'vpc-dual', AvailabilityZone: 'us-east-1a', MapPublicIpOnLaunch: false, AssignIpv6AddressOnCreation: true, Ipv6Native: true,
    Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:a:b02::/64', Ipv6CidrBlockState: { State: 'associated' } }], Tags: [{ Key: 'Name', Value: 'v6only' }],
  });
  out['network-interfaces.json'].NetworkInterfaces.push({
    NetworkInterfaceId: 'eni-v6', SubnetId: 'subnet-v6only', VpcId: 'vpc-dual', AvailabilityZone: 'us-east-1a', OwnerId: '123456789012', InterfaceType: 'interface', Status: 'in-use',
    PrivateIpAddresses: [], Ipv6Addresses: [{ Ipv6Address: '2600:1f18:a:b02::10', IsPrimaryIpv6: true }], Groups: [{ GroupId: 'sg-worker', GroupName: 'sg-worker' }],
    TagSet: [{ Key: 'Name', Value: 'v6only' }],
  });
  return out;
}

function analyse(f: Record<string, Json>): AwsAnalysis {
  return analyseAwsInventory(buildAwsInventory(Object.entries(f).map(([n, v]) => ({ path: `${DIR}/${n}`, text: JSON.stringify(v, null, 2), account: '123456789012', region: 'us-east-1' }))));
}

/** The estate as a snapshot directory, for the CLI. */
function snapshotDir(f: Record<string, Json> = files()): string {
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-v6only-'));
  const dir = join(root, '123456789012', 'us-east-1');
  mkdirSync(dir, { recursive: true });
  for (const [n, v] of Object.entries(f)) writeFileSync(join(dir, n), JSON.stringify(v, null, 2));
  return root;
}

test('an IPv6-only subnet and interface are read without diagnostics: no IPv4 block, no private IPv4', () => {
  const a = analyse(files());
  assert.deepEqual(a.inventory.diagnostics, []);
  const s = a.inventory.subnets.find((x) => x.id === 'subnet-v6only')!;
  assert.equal(s.cidr, undefined);
  assert.equal(s.ipv6Cidr?.prefix, 64);
  const e = a.inventory.interfaces.find((x) => x.id === 'eni-v6')!;
  assert.deepEqual(e.addresses, []);
  assert.deepEqual(e.ipv6Addresses, ['2600:1f18:a:b02::10']);
  // A public IPv4 needs a private IPv4 to be associated with: one written anyway is not taken.
  const f = files();
  f['network-interfaces.json'].NetworkInterfaces.at(-1).Association = { PublicIp: '54.0.0.99' };
  assert.equal(analyse(f).inventory.interfaces.find((x) => x.id === 'eni-v6')!.publicIp, undefined);
  // Neither an IPv4 block nor an IPv6 one, or neither address family: still skipped with an error.
  const g = files();
  delete g['subnets.json'].Subnets.at(-1).Ipv6CidrBlockAssociationSet;
  g['network-interfaces.json'].NetworkInterfaces.at(-1).Ipv6Addresses = [];
  const diags = analyse(g).inventory.diagnostics.map((d) => d.message);
  assert.ok(diags.some((m) => /subnet subnet-v6only has no usable CidrBlock nor an associated IPv6 block: skipped/.test(m)), diags.join('\n'));
  assert.ok(diags.some((m) => /network interface eni-v6 has neither a private IPv4 nor an IPv6 address: skipped/.test(m)), diags.join('\n'));
});

test('an IPv6-only interface is reached and reaches over IPv6 alone; IPv4 ends get a denial that says why', () => {
  const a = analyse(files());
  // sg-worker admits TCP 8080 from sg-site's members: their IPv6 addresses match.
  assert.ok(opens(a, 'eni-site', 'eni-v6', 8080));
  assert.ok(opens(a, 'eni-legacy', 'eni-v6', 9000));
  assert.ok(!opens(a, 'eni-legacy', 'eni-v6', 8080));
  assert.ok(opens(a, 'eni-v6', '2606:4700::1111', 443));
  assert.ok(!opens(a, 'eni-v6', '8.8.8.8', 443));
  assert.ok(!opens(a, '203.0.113.9', 'eni-v6', 9000));
  assert.ok(!opens(a, '2606:4700::1111', 'eni-v6', 9000));
  const p = a.explain('eni-site', 'eni-v6')!;
  // The answer is the IPv6 path itself (no IPv4 path to show beside it).
  assert.equal(p.ipv6, undefined);
  assert.ok(p.assumptions.includes('the first IPv6 address of each interface'));
  assert.match(awsExplainText(p), /ALLOWED: .*eni-site reaches .*eni-v6 on TCP 8080,9000/);
  assert.match(awsExplainText(p), /rtb-public routes 2600:1f18:a:b02::10 locally/);
  const out4 = a.explain('eni-v6', '8.8.8.8')!;
  assert.match(out4.steps.find((s) => s.verdict === 'deny')!.message, /eni-v6 has no IPv4 address: no IPv4 path/);
  // By name, by its IPv6 address.
  assert.equal((a.endpointOf('2600:1f18:a:b02:0:0:0:10') as { eni: { id: string } }).eni.id, 'eni-v6');
  // reach lists it both ways with what IPv6 allows.
  const r = a.reach();
  const to = r.connections.filter((c) => c.dst.endsWith('/eni-v6')).map((c) => c.src.split('/').pop()).sort();
  assert.deepEqual(to, ['eni-legacy', 'eni-site', 'eni-worker']);
  assert.deepEqual(r.endpoints.find((e) => e.id.endsWith('/eni-v6'))!.addresses, []);
});

test('intent: aws cidrs place interfaces by their IPv6 address too; init and audit and test run on the IPv6-only interface', () => {
  const a = analyse(files());
  const intent = parseIntent(['version: 1', 'segments:', '  six: {aws: {cidrs: ["2600:1f18:a:b02::/64"]}}', '  dual: {aws: {cidrs: [10.20.1.0/24]}}', '  dualv6: {aws: {cidrs: ["2600:1f18:a:b01::/64"]}}', 'flows: []'].join('\n'), 'i.yaml');
  const segs = (id: string): string[] => awsSegments(intent, awsSubjectOf(a, a.inventory.interfaces.find((e) => e.id === id)!));
  assert.deepEqual(segs('eni-v6'), ['six']);
  // The dual-stack worker is in the IPv4 block's segment and in its IPv6 block's.
  assert.deepEqual(segs('eni-worker').sort(), ['dual', 'dualv6']);
  const dir = snapshotDir();
  const file = join(dir, 'intent.yaml');
  const init = runCli(['init', dir, '--output-file', file, '--no-settings'], undefined, REPO_ROOT);
  assert.equal(init.code, 0, init.stderr);
  assert.match(readFileSync(file, 'utf8'), /v6only: \{subnet: v6only\}/);
  const audit = runCli(['audit', dir, '--intent', file, '--no-settings', '-o', 'json'], undefined, REPO_ROOT);
  const ids = (t: string): string[] => (JSON.parse(t) as { findings: Array<{ check: string }> }).findings.map((x) => x.check);
  assert.deepEqual(ids(audit.stdout).filter((c) => c.startsWith('intent-')), [], 'no drift against the drafted intent');
  // Every drafted flow, the IPv6 internet ones included, tested in the model passes.
  const t = runCli(['test', dir, '--intent', file, '--no-settings'], undefined, REPO_ROOT);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, / 0 failed/);
  assert.match(t.stdout, /v6only => internet-ipv6|v6only, private\] => internet-ipv6|=> internet-ipv6/);
});

test('blast and the lab: an IPv6-only interface is ranked and blasted from; the lab probes it over IPv6', () => {
  const dir = snapshotDir();
  const rank = runCli(['blast', dir, '--no-settings'], undefined, REPO_ROOT);
  assert.equal(rank.code, 0, rank.stderr);
  assert.match(rank.stdout, /eni-v6\[v6only\]/);
  const from = runCli(['blast', dir, '--from', 'v6only', '--no-settings'], undefined, REPO_ROOT);
  assert.equal(from.code, 0, from.stderr);
  assert.match(from.stdout, /Blast radius from .*eni-v6\[v6only\]/);
  assert.match(from.stdout, /eni-site\[site\]\s+TCP 22,443/);
  const a = analyse(files());
  const end = (eni: string) => ({ id: eni, eni: a.reach().endpoints.find((e) => e.id.endsWith(`/${eni}`))!.id });
  // The lab is dual-stack: the IPv6-only interface is probed over IPv6, and so is an IPv6 outside address.
  const six = { id: 1, from: end('eni-site'), to: end('eni-v6'), protocol: 'TCP', port: 8080, expect: 'allow' } as never;
  assert.deepEqual(checkFamilies(a, six), [6]);
  assert.equal(awsLabSkip(a, six), undefined);
  const out6 = { id: 2, from: end('eni-site'), to: { id: '2606:4700::1111', address: '2606:4700::1111' }, protocol: 'TCP', port: 443, expect: 'allow' } as never;
  assert.deepEqual(checkFamilies(a, out6), [6]);
  // An IPv4 outside address and the IPv6-only interface have no family in common: nothing to probe.
  const out4 = { id: 3, from: end('eni-v6'), to: { id: '203.0.113.5', address: '203.0.113.5' }, protocol: 'TCP', port: 443, expect: 'allow' } as never;
  assert.match(String(awsLabSkip(a, out4)), /eni-v6 has no IPv4 address/);
});

test('across cloud and cluster: an IPv6-only interface is no node and no AWS end of the IPv4 join, and the section says so', () => {
  const dir = snapshotDir();
  const f = files();
  // The worker is a node of cluster c; a pod runs on it.
  const w = f['network-interfaces.json'].NetworkInterfaces.find((e: Json) => e.NetworkInterfaceId === 'eni-worker');
  w.TagSet.push({ Key: 'kubernetes.io/cluster/c', Value: 'owned' });
  const v6 = f['network-interfaces.json'].NetworkInterfaces.find((e: Json) => e.NetworkInterfaceId === 'eni-v6');
  v6.TagSet.push({ Key: 'kubernetes.io/cluster/c', Value: 'owned' });
  const d2 = snapshotDir(f);
  const manifests = join(dir, 'app.yaml');
  writeFileSync(manifests, ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p, namespace: a, labels: {app: p}}', 'spec: {containers: [{name: c, image: x}]}', 'status: {podIP: 10.20.1.10}'].join('\n'));
  const r = runCli(['reach', manifests, d2, '--no-settings'], undefined, REPO_ROOT);
  assert.equal(r.code, 0, r.stderr);
  const cross = r.stdout.slice(r.stdout.indexOf('== Across cloud and cluster =='));
  assert.match(cross, /1 IPv6-only interface\(s\) \(no private IPv4\) are not joined/);
  assert.ok(!/eni-v6/.test(cross.replace(/^.*Assumptions:[\s\S]*?\n\n/, '')), cross);
  assert.match(cross, /nodes: .*eni-worker/);
  assert.ok(!/nodes: [^\n]*eni-v6/.test(cross));
});
