/**
 * The vpc-analyzer corpus (np-guard cloud-resource-collector inputs with the analyzer's expected endpoint
 * reports): where its model agrees with AWS semantics, Bulkhead must give the same answer. The collector has no
 * route tables, so Bulkhead assumes local routes only and the analyzer's "Public Internet" lines are out of
 * scope; the analyzer splits TCP by source port where Bulkhead checks replies on the ephemeral range
 * (docs/peer-differences.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { awsTraffic, TrafficSet } from '../../src/model/traffic-set.js';

const BASE = '/work/shared/corpus/vpc-analyzer-aws/pkg/awsvpc/examples/';
const CASES = ['aws_acl_1', 'aws_mixed', 'aws_sg_1', 'basic_config_with_sg'];

/** "protocol: TCP dst-ports: 80-90,443" (one protocol a line) or "All Connections" as traffic. */
function conn(text: string): TrafficSet {
  if (text === 'All Connections') return TrafficSet.ALL;
  const m = /^protocol: (TCP|UDP|ICMP)(?: dst-ports: ([\d,-]+))?$/.exec(text)!;
  assert.ok(m, `conn ${text}`);
  if (!m[2]) return awsTraffic(m[1]!.toLowerCase(), undefined, undefined)!;
  return m[2].split(',').reduce((t, r) => {
    const [lo, hi] = r.split('-').map(Number);
    return t.union(awsTraffic(m[1]!.toLowerCase(), lo, hi ?? lo)!);
  }, TrafficSet.EMPTY);
}

test('vpc-analyzer corpus: every interface pair the analyzer connects inside a VPC, Bulkhead connects with the same traffic', { skip: existsSync(BASE) ? false : 'corpus not present' }, () => {
  let exact = 0;
  let pairs = 0;
  const srcPortSplit: string[] = [];
  for (const c of CASES) {
    const path = `${BASE}input/input_${c}.json`;
    const inv = buildAwsInventory([{ path, text: readFileSync(path, 'utf8') }]);
    assert.equal(inv.diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(inv.diagnostics.filter((d) => d.severity === 'error')));
    assert.ok(inv.diagnostics.some((d) => d.code === 'aws-assumed-routes'));
    const ip = new Map(inv.interfaces.map((e) => [e.addresses[0]!, e]));
    const ours = new Map<string, { conns: TrafficSet; responseBlocked: TrafficSet }>();
    const byId = new Map(inv.interfaces.map((e) => [`${e.account}/${e.region}/${e.vpc}/${e.id}`, e.addresses[0]!]));
    for (const x of analyseAwsInventory(inv).streamReach().connections()) {
      const s = byId.get(x.src);
      const d = byId.get(x.dst);
      if (s && d) ours.set(`${s} ${d}`, x);
    }
    // The analyzer's lines between interfaces; several lines of one pair (one per protocol) are one answer.
    const theirs = new Map<string, { traffic: TrafficSet; split: boolean }>();
    for (const line of readFileSync(`${BASE}out/analysis_out/${c}_all_vpcs_.txt`, 'utf8').split('\n')) {
      const m = /^\S+\[([\d.]+)\] => \S+\[([\d.]+)\] : (.*?)\s*$/.exec(line);
      if (!m) continue;
      const k = `${m[1]} ${m[2]}`;
      assert.ok(ip.has(m[1]!) && ip.has(m[2]!), `${c}: ${line} names interfaces of the input`);
      const prev = theirs.get(k) ?? { traffic: TrafficSet.EMPTY, split: false };
      if (/src-ports|\*$/.test(m[3]!)) theirs.set(k, { ...prev, split: true });
      else theirs.set(k, { traffic: prev.traffic.union(conn(m[3]!)), split: prev.split });
    }
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), `${c}: the same connected pairs`);
    for (const [k, t] of theirs) {
      pairs++;
      if (t.split) {
        srcPortSplit.push(`${c} ${k}`);
        continue;
      }
      const o = ours.get(k)!;
      // The analyzer's "All Connections" and per-protocol lines cover TCP, UDP and ICMP; compare those.
      const tui = awsTraffic('tcp', undefined, undefined)!.union(awsTraffic('udp', undefined, undefined)!).union(awsTraffic('icmp', undefined, undefined)!);
      assert.equal(o.conns.intersect(tui).key(), t.traffic.intersect(tui).key(), `${c} ${k}: ours ${o.conns}, theirs ${t.traffic}`);
      assert.ok(o.responseBlocked.isEmpty(), `${c} ${k}: no reply blocked`);
      exact++;
    }
  }
  // Agreement figures for the closing note: every pair, and every pair without a source-port split exactly.
  process.stdout.write(`# vpc-analyzer corpus: ${pairs} interface pairs agree on connectivity; ${exact} on traffic exactly; ${srcPortSplit.length} split by source port (${srcPortSplit.join('; ')})\n`);
  assert.ok(pairs >= 20 && exact >= pairs - srcPortSplit.length);
});

test('vpc-analyzer corpus with IPv6 set: the collector\'s IPv6 fields are read (blocks, addresses, the instance\'s Ipv6Address, rules, NACL entries) and paths evaluated over IPv6 with the assumed local routes', { skip: existsSync(BASE) ? false : 'corpus not present' }, () => {
  const path = `${BASE}input/input_basic_config_with_sg.json`;
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const vpc = doc.vpcs.find((v: { VpcId: string }) => v.VpcId === 'VpcId:5');
  vpc.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:5::/56', Ipv6CidrBlockState: { State: 'associated' } }];
  for (const [id, n] of [['SubnetId:6', '10'], ['SubnetId:17', '20']] as const) {
    doc.subnets.find((s: { SubnetId: string }) => s.SubnetId === id).Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: `2600:1f18:5:${n}::/64`, Ipv6CidrBlockState: { State: 'associated' } }];
  }
  // One instance by its own Ipv6Address (its interface's copy lists none), the other by its interface's Ipv6Addresses.
  doc.instances[0].Ipv6Address = '2600:1f18:5:10::50';
  doc.instances[1].NetworkInterfaces[0].Ipv6Addresses = [{ Ipv6Address: '2600:1f18:5:20::81' }];
  const acl = doc.network_acls.find((a: { VpcId: string }) => a.VpcId === 'VpcId:5');
  acl.Entries.push({ CidrBlock: null, Egress: true, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'allow', RuleNumber: 101 }, { CidrBlock: null, Egress: false, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'allow', RuleNumber: 101 });
  const sg = doc.security_groups.find((g: { GroupId: string }) => g.GroupId === 'GroupId:10');
  const v4 = sg.IpPermissions[0];
  const inv = buildAwsInventory([{ path, text: JSON.stringify(doc) }]);
  assert.equal(inv.diagnostics.filter((d) => d.severity === 'error').length, 0);
  assert.deepEqual(Object.fromEntries(inv.interfaces.map((e) => [e.id, e.ipv6Addresses])), { 'NetworkInterfaceId:9': ['2600:1f18:5:10::50'], 'NetworkInterfaceId:19': ['2600:1f18:5:20::81'] });
  assert.ok(inv.routeTables.some((t) => t.routes.some((r) => r.destination.kind === 'cidr' && r.destination.cidr.range.family === 6)), 'the assumed local route covers the IPv6 block');
  const a = analyseAwsInventory(inv);
  const p = a.explain('NetworkInterfaceId:9', 'NetworkInterfaceId:19')!;
  // The group admits 0.0.0.0/0 only: the IPv6 path is evaluated and denied at the group.
  assert.ok(p.ipv6 && p.ipv6.conns.isEmpty() && !p.ipv4!.conns.isEmpty());
  assert.deepEqual(p.ipv6.steps.filter((s) => s.verdict === 'deny').map((s) => s.stage), ['sg-ingress']);
  // With ::/0 in the rule (the collector's Ipv6Ranges), the IPv6 path carries it too.
  v4.Ipv6Ranges = [{ CidrIpv6: '::/0', Description: null }];
  const b = analyseAwsInventory(buildAwsInventory([{ path, text: JSON.stringify(doc) }]));
  assert.equal(b.explain('NetworkInterfaceId:9', 'NetworkInterfaceId:19')!.ipv6!.conns.key(), TrafficSet.ALL.key());
});
