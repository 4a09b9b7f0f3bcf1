// Outside blocks that behave alike for a pair are one endpoint (src/analyses/outside-merge.ts), named by
// one function (outsideName in src/analyses/outside.ts) in every reach format.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { computeReach, streamReach, unpacked, type Connection } from '../src/analyses/reach.js';
import { ListMap, mergeOutside, mergeOutsideStream } from '../src/analyses/outside-merge.js';
import { outsideName, cidrRanges } from '../src/analyses/outside.js';
import type { Endpoint } from '../src/analyses/endpoints.js';
import { REACH_FORMATS } from '../src/reports/reach/index.js';
import { formatRange, fullRange, parseCidr, type IpRange } from '../src/model/address.js';
import { PortSet } from '../src/model/port-set.js';
import { analyseAwsSnapshot } from '../src/analyses/aws/reach.js';
import { awsReachChunks } from '../src/reports/aws/reach.js';

const PODS = ['a', 'b', 'c']
  .map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}, namespace: ns, labels: {app: ${n}}}\nspec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\n`)
  .join('---\n');

interface Rule {
  readonly cidr: string;
  readonly except: readonly string[];
  readonly port?: number;
}
interface Policy {
  readonly app?: string;
  readonly egress: readonly Rule[];
  readonly ingress: readonly Rule[];
}

function policyYaml(p: Policy, i: number): string {
  const rules = (rs: readonly Rule[], key: 'to' | 'from'): string =>
    rs.map((r) => `  - ${key}: [{ipBlock: {cidr: ${r.cidr}${r.except.length ? `, except: [${r.except.join(', ')}]` : ''}}}]${r.port ? `\n    ports: [{port: ${r.port}}]` : ''}\n`).join('');
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: ns}\nspec:\n  podSelector: ${p.app ? `{matchLabels: {app: ${p.app}}}` : '{}'}\n  policyTypes: [Ingress, Egress]\n  egress:\n${rules(p.egress, 'to') || '  []\n'}  ingress:\n${rules(p.ingress, 'from') || '  []\n'}`.replace(/egress:\n {2}\[\]/, 'egress: []').replace(/ingress:\n {2}\[\]/, 'ingress: []');
}

function analysed(policies: readonly string[], extra = '') {
  return analyze(loadFromTexts([{ path: 'c.yaml', text: [PODS, ...policies, ...(extra ? [extra] : [])].join('---\n') }]).inventory);
}

/** Every start and one-past-end of the outside endpoints' CIDRs. */
function breakpoints(endpoints: readonly Endpoint[]): bigint[] {
  return endpoints.filter((e) => e.kind === 'External').flatMap((e) => cidrRanges(e.cidrs ?? []).flatMap((r) => [r.lo, r.hi + 1n]));
}

/** `src => dst` -> ports, each outside end cut into atoms at `points` (IPv4 and IPv6 apart). */
function triples(conns: readonly Connection[], endpoints: readonly Endpoint[], points: readonly bigint[]): Map<string, PortSet> {
  const outside = new Map(endpoints.filter((e) => e.kind === 'External').map((e) => [e.id, cidrRanges(e.cidrs ?? [])]));
  const atoms = (id: string): string[] => {
    const rs = outside.get(id);
    if (!rs) return [id];
    return rs.flatMap((r) => {
      const out: string[] = [];
      let lo = r.lo;
      for (const p of [...new Set(points)].filter((x) => x > r.lo && x <= r.hi).sort((x, y) => (x < y ? -1 : 1))) {
        out.push(formatRange({ family: r.family, lo, hi: p - 1n }));
        lo = p;
      }
      out.push(formatRange({ family: r.family, lo, hi: r.hi }));
      return out;
    });
  };
  const out = new Map<string, PortSet>();
  for (const c of conns) {
    for (const s of atoms(c.src)) {
      for (const d of atoms(c.dst)) {
        const k = `${s} => ${d}${c.condition ? ` (${c.condition})` : ''}`;
        assert.ok(!out.has(k), `two lines for ${k}`);
        out.set(k, c.conns);
      }
    }
  }
  return out;
}

type Listing = { readonly connections: readonly Connection[]; readonly endpoints: readonly Endpoint[] };

/** Both listings cut at the union of their breakpoints, so that their atoms line up. */
function sameTriples(before: Listing, after: Listing): void {
  const points = [...breakpoints(before.endpoints), ...breakpoints(after.endpoints)];
  const a = triples(before.connections, before.endpoints, points);
  const b = triples(after.connections, after.endpoints, points);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), 'the same (src, dst) pairs');
  for (const [k, v] of a) assert.ok(b.get(k)!.equals(v), `ports of ${k}: ${v} vs ${b.get(k)}`);
}

const cidrArb = fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '203.0.113.0/24', '192.168.0.0/16', '172.16.0.0/12');
const ruleArb: fc.Arbitrary<Rule> = fc
  .record({ cidr: cidrArb, except: fc.subarray(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '203.0.113.0/25', '192.168.1.0/24']), port: fc.option(fc.constantFrom(80, 443), { nil: undefined }) })
  .map((r) => {
    const outer = parseCidr(r.cidr)!.range;
    // An except must lie inside its cidr (the API rejects it otherwise).
    const except = r.except.filter((e) => {
      const x = parseCidr(e)!.range;
      return x.lo >= outer.lo && x.hi <= outer.hi && !(x.lo === outer.lo && x.hi === outer.hi);
    });
    return { cidr: r.cidr, except, ...(r.port ? { port: r.port } : {}) };
  });
const policyArb: fc.Arbitrary<Policy> = fc.record({ app: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }), egress: fc.array(ruleArb, { maxLength: 3 }), ingress: fc.array(ruleArb, { maxLength: 3 }) });

test('merged outside endpoints cover exactly the (src, dst, ports) triples of the per-block listing', () => {
  fc.assert(
    fc.property(fc.array(policyArb, { minLength: 1, maxLength: 4 }), (ps) => {
      const a = analysed(ps.map(policyYaml));
      const whole = computeReach(a);
      const merged = mergeOutside(whole);
      sameTriples(whole, merged);
      // One line per pair and per ports: the outside ends of one cluster endpoint differ in ports.
      const seen = new Set<string>();
      const outside = new Set(merged.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
      for (const c of merged.connections) {
        const peer = outside.has(c.src) ? `in ${c.dst}` : outside.has(c.dst) ? `out ${c.src}` : undefined;
        if (!peer) continue;
        const k = `${peer} ${c.conns.key()}`;
        assert.ok(!seen.has(k), `${k} listed twice`);
        seen.add(k);
      }
      // Merging is idempotent and the stream merges as the whole result does.
      assert.deepEqual(mergeOutside(merged).connections, merged.connections);
      const s = mergeOutsideStream(streamReach(a));
      assert.deepEqual([...s.connections()], merged.connections);
      assert.equal(s.count(), merged.connections.length);
      assert.deepEqual(s.endpoints, merged.endpoints);
      // The outside-only listing (runs of one block profile made once) is the listing's pairs with an outside end.
      const ext = new Set(whole.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
      assert.deepEqual([...unpacked(streamReach(a).packed!(true))], whole.connections.filter((c) => ext.has(c.src) || ext.has(c.dst)));
      // The endpoints first (as JSON asks): the listing is counted only when the count is asked for.
      const plain = streamReach(a);
      let counts = 0;
      const later = mergeOutsideStream({ ...plain, count: () => (counts++, plain.count()) });
      assert.deepEqual(later.endpoints, merged.endpoints);
      assert.equal(counts, 0, 'reading the endpoints counts nothing');
      assert.equal(later.count(), merged.connections.length);
      assert.equal(later.count(), merged.connections.length);
      assert.equal(counts, 1);
      assert.deepEqual([...later.connections()], merged.connections);
    }),
    { numRuns: 60 },
  );
});

test('one 0.0.0.0/0 except 10.0.0.0/8 rule is one line, whatever another policy cuts out of the outside', () => {
  const egress: Policy = { app: 'a', egress: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }], ingress: [] };
  const other: Policy = { app: 'b', egress: [{ cidr: '203.0.113.0/24', except: [], port: 443 }], ingress: [{ cidr: '192.168.0.0/16', except: [] }] };
  const a = analysed([policyYaml(egress, 0), policyYaml(other, 1)]);
  assert.ok(a.externals().length >= 4, 'the analysis cuts the outside into several blocks');
  const text = REACH_FORMATS.text(computeReach(a));
  const lines = text.split('\n').filter((l) => l.startsWith('ns/a[Pod] => ') && !l.includes('=> ns/'));
  assert.deepEqual(lines, ['ns/a[Pod] => internet except 10.0.0.0/8 : All Connections']);
  assert.match(text, /^ns\/b\[Pod\] => 203\.0\.113\.0\/24 : TCP 443$/m);
  assert.match(text, /^192\.168\.0\.0\/16 => ns\/b\[Pod\] : All Connections$/m);
  assert.doesNotMatch(text, /\[External\]|\d+\.\d+\.\d+\.\d+-\d/, 'no ranges, no [External]');
  // csv and md name it alike.
  assert.match(REACH_FORMATS.csv(computeReach(a)), /^ns\/a\[Pod\],internet except 10\.0\.0\.0\/8,All Connections$/m);
  assert.match(REACH_FORMATS.md(computeReach(a)), /\| ns\/a\[Pod\] \| internet except 10\.0\.0\.0\/8 \| All Connections \|/);
});

test('outside addresses that all behave alike are named internet; with IPv6 in the input, internet is 0.0.0.0/0 and ::/0', () => {
  const v4 = analysed([]);
  const r = mergeOutside(computeReach(v4));
  assert.ok(r.connections.some((c) => c.src === 'internet' && c.dst === 'ns/a[Pod]'));
  assert.deepEqual(r.endpoints.find((e) => e.id === 'internet')?.cidrs, ['0.0.0.0/0']);
  const v6 = analysed([policyYaml({ app: 'a', egress: [{ cidr: '2001:db8::/32', except: [] }], ingress: [] }, 0)]);
  const j = JSON.parse(REACH_FORMATS.json(computeReach(v6)));
  const byId = new Map<string, { cidrs: string[]; except?: string[] }>(j.endpoints.map((e: { id: string }) => [e.id, e]));
  assert.deepEqual(byId.get('internet')?.cidrs, ['0.0.0.0/0', '::/0']);
  assert.ok(j.connections.some((c: { src: string; dst: string }) => c.src === 'ns/a[Pod]' && c.dst === '2001:db8::/32'));
  assert.ok(j.connections.some((c: { src: string; dst: string }) => c.src === 'ns/b[Pod]' && c.dst === 'internet'));
});

test('JSON: every outside endpoint carries its exact CIDRs, and an internet-except name its left-out CIDRs', () => {
  const a = analysed([policyYaml({ app: 'a', egress: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] }], ingress: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] }, 0)]);
  const j = JSON.parse(REACH_FORMATS.json(computeReach(a)));
  const ext = j.endpoints.filter((e: { kind: string }) => e.kind === 'External');
  const ids = new Set(j.endpoints.map((e: { id: string }) => e.id));
  for (const c of j.connections) assert.ok(ids.has(c.src) && ids.has(c.dst), `${c.src} => ${c.dst}: both ends listed`);
  const named = new Map<string, { cidrs: string[]; except?: string[] }>(ext.map((e: { id: string }) => [e.id, e]));
  const out = named.get('internet except 10.0.0.0/8, 192.168.0.0/16');
  assert.ok(out, [...named.keys()].join(' | '));
  assert.deepEqual(out.except, ['10.0.0.0/8', '192.168.0.0/16']);
  // cidrs are exactly the space less the excepts.
  const size = (cs: readonly string[]): bigint => cidrRanges(cs).reduce((n, r) => n + r.hi - r.lo + 1n, 0n);
  assert.equal(size(out.cidrs), 2n ** 32n - 2n ** 24n - 2n ** 16n);
  const inbound = named.get('10.0.0.0/9, 10.128.0.0/10, 10.192.0.0/11, 10.224.0.0/12, 10.240.0.0/13, 10.248.0.0/14, 10.252.0.0/15, 10.254.0.0/16, 10.255.0.0/16');
  assert.equal(inbound, undefined, 'a list longer than its complement is not how the name reads');
  const ten = [...named.values()].find((e) => e.cidrs.includes('10.0.0.0/16'));
  assert.ok(ten && ten.cidrs.includes('10.2.0.0/15') && !ten.cidrs.some((c) => c.startsWith('10.1.')), JSON.stringify(ten));
});

test('outsideName: internet, internet except, or the CIDRs, whichever is exact and shortest', () => {
  const r = (c: string): IpRange => parseCidr(c)!.range;
  const v4 = [fullRange(4)];
  const both = [fullRange(4), fullRange(6)];
  const table: Array<[string[], IpRange[], string]> = [
    [['0.0.0.0/0'], v4, 'internet'],
    [['0.0.0.0/1', '128.0.0.0/1'], v4, 'internet'],
    [['10.0.0.0/8'], v4, '10.0.0.0/8'],
    [['10.0.0.0/8', '192.168.0.0/16'], v4, '10.0.0.0/8, 192.168.0.0/16'],
    [['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'], v4, 'internet except 10.0.0.0/8'],
    [['0.0.0.0/0'], both, '0.0.0.0/0'],
    [['0.0.0.0/0', '::/0'], both, 'internet'],
    [['::/0'], v4, '::/0'],
    [['0.0.0.0/1'], v4, '0.0.0.0/1'],
  ];
  for (const [cidrs, universe, name] of table) assert.equal(outsideName(cidrs.map(r), universe).name, name, cidrs.join(' '));
  assert.deepEqual(outsideName([r('0.0.0.0/1')], v4).cidrs, ['0.0.0.0/1']);
});

test('AWS reach text names outside ranges as cluster reach does: internet is every address outside the VPCs', async () => {
  const a = await analyseAwsSnapshot('examples/aws');
  const text = [...awsReachChunks(a.streamReach(), 'text')].join('');
  assert.match(text, /^internet => \S+eni-web\[web\] : TCP 443$/m);
  assert.match(text, /^\S+eni-web\[web\] => internet : All Connections$/m);
  assert.doesNotMatch(text, /\[External\]|\d-\d/);
  // The JSON keeps the ranges' exact CIDRs.
  const outside = a.streamReach().endpoints.filter((e) => e.kind === 'External');
  assert.equal(outsideName(outside.flatMap((e) => cidrRanges(e.cidrs ?? [])), outside.flatMap((e) => cidrRanges(e.cidrs ?? []))).name, 'internet');
});

test('property: the packed merge caches by list content, with any hash (one that always collides too)', () => {
  const seedValue = Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 20261202);
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 5 }), { maxLength: 30 }), fc.boolean(), (lists, collide) => {
      const m = new ListMap<number>(collide ? () => 0 : undefined);
      const want = new Map<string, number>();
      lists.forEach((l, i) => {
        // A longer buffer than the key: only its first n numbers count.
        const buf = [...l, 9, 9];
        const k = l.join(',');
        assert.equal(m.get(buf, l.length), want.get(k));
        if (!want.has(k)) {
          m.set(buf, l.length, i, true);
          want.set(k, i);
          buf[0] = 7; // copied: a reused buffer does not change the key
        }
      });
      for (const [k, v] of want) {
        const l = k === '' ? [] : k.split(',').map(Number);
        assert.equal(m.get(l, l.length), v);
      }
    }),
    { seed: seedValue, numRuns: 200 },
  );
});
