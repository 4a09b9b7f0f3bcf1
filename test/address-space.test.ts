// The address-space helpers (engine/k8s/address-space.ts) against literal definitions, the engine on
// ipBlock-heavy clusters against the oracle, and 20,000 distinct ipBlocks analysed in near-linear time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IpBlockPeer } from '../src/inventory/types.js';
import { familyMax, formatRange, parseCidr, type Family, type IpRange } from '../src/model/address.js';
import { IpBlockIndex, ipBlockRanges, mergeRanges, sweep } from '../src/engine/k8s/address-space.js';
import { ipBlockContains } from '../src/engine/k8s/pod-classes.js';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { streamReach } from '../src/analyses/reach.js';
import { generateIpBlockCluster } from '../bench/generate.js';
import { clusterCaseArbOf } from './oracle/generate.js';
import { addressProblems, assertNone, blockProblems, load, pairProblems, runs } from './oracle/checks.js';

const SRC = { file: 't.yaml', line: 1 };
const SEED = Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 424242);
/** Plain fast-check parameters for the helper properties (runs() is typed for cluster cases). */
const plain = (numRuns: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns });

/** A block in 10.0.0.0/24 (or its IPv6 twin) with up to three excepts inside it, as the loader would build it. */
const blockArb: fc.Arbitrary<IpBlockPeer> = fc
  .tuple(fc.constantFrom<Family>(4, 4, 6), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 25, max: 32 })), { maxLength: 3 }))
  .map(([f, host, prefix, ex]) => {
    const text = (h: number, p: number): string => (f === 4 ? `10.0.0.${h}/${p}` : `fd00::${h.toString(16)}/${p + 96}`);
    const cidr = parseCidr(text(host, prefix))!;
    const except = ex.map(([h, p]) => parseCidr(text(h, p))!).filter((e) => e.range.lo >= cidr.range.lo && e.range.hi <= cidr.range.hi && e.prefix > cidr.prefix);
    return { type: 'ipBlock', cidr, cidrText: text(host, prefix), except, exceptText: except.map(() => ''), source: SRC };
  });

const blocksArb = fc.array(blockArb, { minLength: 1, maxLength: 12 });

/** Addresses of the pool above, with their neighbours outside it. */
function probes(f: Family): bigint[] {
  const base = f === 4 ? parseCidr('10.0.0.0/32')!.range.lo : parseCidr('fd00::/128')!.range.lo;
  return [0n, base - 1n, ...Array.from({ length: 257 }, (_, i) => base + BigInt(i)), familyMax(f)];
}

test('ipBlockRanges: an address is in the ranges iff the block contains it', () => {
  fc.assert(
    fc.property(blockArb, (b) => {
      const rs = ipBlockRanges(b);
      for (const v of probes(b.cidr.range.family)) {
        const inRanges = rs.some((r) => r.lo <= v && v <= r.hi);
        assert.equal(inRanges, ipBlockContains(b, { family: b.cidr.range.family, lo: v, hi: v }), `${b.cidrText} at ${v}`);
      }
      rs.forEach((r, i) => i > 0 && assert.ok(r.lo > rs[i - 1]!.hi + 1n, 'sorted, disjoint and not touching'));
    }),
    plain(300),
  );
});

test('IpBlockIndex.containing equals testing every block', () => {
  fc.assert(
    fc.property(blocksArb, (blocks) => {
      const index = new IpBlockIndex(blocks);
      for (const f of [4, 6] as const) {
        for (const v of probes(f)) {
          const want = blocks.flatMap((b, i) => (ipBlockContains(b, { family: f, lo: v, hi: v }) ? [i] : []));
          assert.deepEqual(index.containing(f, v), want);
        }
      }
    }),
    plain(200),
  );
});

test('sweep: pieces partition the family, membership is constant inside each and flips exactly where reported', () => {
  fc.assert(
    fc.property(blocksArb, (blocks) => {
      const sets = blocks.map((b) => mergeRanges(ipBlockRanges(b)));
      for (const f of [4, 6] as const) {
        const inSet = (k: number, v: bigint): boolean => sets[k]!.some((r) => r.family === f && r.lo <= v && v <= r.hi);
        const pieces = [...sweep(f, sets)];
        assert.equal(pieces[0]!.lo, 0n);
        assert.equal(pieces[pieces.length - 1]!.hi, familyMax(f));
        const state = sets.map(() => false);
        pieces.forEach((p, i) => {
          if (i > 0) assert.equal(p.lo, pieces[i - 1]!.hi + 1n);
          for (const k of p.flipped) state[k] = !state[k];
          for (const v of [p.lo, p.hi, ...probes(f).filter((x) => x >= p.lo && x <= p.hi)]) {
            sets.forEach((_, k) => assert.equal(inSet(k, v), state[k], `set ${k} at ${v} in piece ${formatRange({ family: f, lo: p.lo, hi: p.hi })}`));
          }
        });
      }
    }),
    plain(200),
  );
});

const heavy = clusterCaseArbOf({ minPods: 1, maxPods: 8, maxPolicies: 6, ipBlockHeavy: true });

test('ipBlock-heavy clusters (up to 12 nested, overlapping ipBlocks with excepts per rule): engine equals the oracle', () => {
  fc.assert(
    fc.property(heavy, (c) => {
      const l = load(c.yaml);
      assertNone([...blockProblems(l), ...addressProblems(l), ...pairProblems(l)], c);
    }),
    runs(60),
  );
});

test('20,000 distinct ipBlock CIDRs: external blocks, reach count and the pod classes in near-linear time', { timeout: 30_000 }, () => {
  // Quadratic in the blocks before (35 s and more for the matrix alone); about 2 s now.
  const g = generateIpBlockCluster(20_000);
  const { inventory } = loadFromTexts(g.files);
  const distinct = new Set(inventory.policies.flatMap((p) => [...p.ingress, ...p.egress].flatMap((r) => (r.peers ?? []).flatMap((x) => (x.type === 'ipBlock' ? [x.cidrText] : [])))));
  assert.ok(distinct.size >= 20_000, `${distinct.size} distinct CIDRs`);
  const a = analyze(inventory);
  const blocks = a.externals();
  assert.ok(blocks.length > 20_000, `${blocks.length} blocks`);
  const s = streamReach(a, { level: 'workload' });
  assert.ok(s.count() > 0);
  // A sample of blocks: the matrix agrees with the layer's plain rule-by-rule walk, and neighbours differ somewhere.
  const classes = a.layer.classes.map((c) => ({ kind: 'class' as const, index: c.index }));
  const profile = (r: IpRange): string => classes.map((c) => `${a.layer.allowed(c, { kind: 'address', range: r }).key()}/${a.layer.allowed({ kind: 'address', range: r }, c).key()}`).join(';');
  for (let i = 1; i < blocks.length; i += 997) {
    const t = { kind: 'address' as const, range: blocks[i]!.range };
    for (const c of classes) {
      assert.equal(a.allowed(c, t).key(), a.layer.allowed(c, t).key(), `${formatRange(t.range)} from class ${c.index}`);
      assert.equal(a.allowed(t, c).key(), a.layer.allowed(t, c).key(), `${formatRange(t.range)} to class ${c.index}`);
    }
    if (blocks[i - 1]!.range.family === t.range.family) assert.notEqual(profile(blocks[i - 1]!.range), profile(t.range), `${formatRange(t.range)} should merge with the block before`);
  }
});
