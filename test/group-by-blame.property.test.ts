/**
 * groupByBlame's fast paths (plain names counted without a set of seen pairs, a missing policy blamed once
 * per end) against the literal grouping (test/oracle/group-by-blame.ts): the same groups in the same order,
 * blames, bundles, counts, listed pairs with their ports, and ends in the order first met. On random
 * clusters (with and without admin tiers) and intents, and on the same bundles re-cut so that names repeat:
 * lists paired twice, lists that share ends, an end listed twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Analysis } from '../src/engine/index.js';
import { drift, parseIntent, type PathBundle } from '../src/analyses/intent/index.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import { groupByBlame, type BlameGroup } from '../src/checks/util.js';
import { analyze } from '../src/engine/index.js';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { generateCluster, SIZES } from '../bench/generate.js';
import { handIntent } from '../bench/hand-intent.js';
import { clusterCaseArb } from './oracle/generate.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { load } from './oracle/checks.js';
import { intentArb } from './oracle/intent-arb.js';
import { literalGroupByBlame } from './oracle/group-by-blame.js';

const casesArb = fc.oneof(clusterCaseArb, adminClusterCaseArb);
const extra = (b: PathBundle): string => `${b.srcSegment}>${b.dstSegment}`;

function shape(groups: readonly BlameGroup<PathBundle>[], bundles: readonly PathBundle[]): unknown[] {
  const at = new Map(bundles.map((b, i) => [b, i]));
  return groups.map((g) => ({
    blame: g.blame,
    bundles: g.bundles.map((b) => at.get(b)),
    pairCount: g.pairCount,
    pairs: g.pairs.map((p) => `${p.src} => ${p.dst} (${p.ports.key()})`),
    ends: [...g.ends],
    ports: g.ports.key(),
  }));
}

function same(a: Analysis, bundles: readonly PathBundle[], limit: number): void {
  assert.deepEqual(shape(groupByBlame(a, bundles, extra, limit), bundles), shape(literalGroupByBlame(a, bundles, extra, limit), bundles));
}

/** The bundles again, some of them re-cut from others' lists so that the same names meet more than once. */
function recut(bundles: readonly PathBundle[], picks: readonly { from: number; kind: number; at: number }[]): PathBundle[] {
  const out = [...bundles];
  for (const p of picks) {
    const b = bundles[p.from % bundles.length]!;
    const o = bundles[p.at % bundles.length]!;
    if (p.kind === 0) out.push(b); // the same bundle again: every pair repeats
    else if (p.kind === 1) out.push({ ...b, dst: o.dst }); // a source list paired with another's destinations
    else if (p.kind === 2) out.push({ ...b, src: b.src.slice(p.at % b.src.length) }); // a new list sharing ends
    else if (p.kind === 3) out.push({ ...b, dst: [...b.dst, b.dst[p.at % b.dst.length]!] }); // an end twice
    else out.splice(p.at % out.length, 0, { ...o, ports: b.ports }); // the same lists on other ports, earlier
  }
  return out;
}

test('groupByBlame equals the literal grouping on random clusters and intents, and on re-cut bundles', () => {
  fc.assert(
    fc.property(casesArb, intentArb, fc.integer({ min: 3, max: 8 }), fc.array(fc.record({ from: fc.nat(), kind: fc.nat(4), at: fc.nat() }), { maxLength: 6 }), (c, text, limit, picks) => {
      const { analysis: a } = load(c.yaml);
      // Init's intent without its flows: every path between its segments is a violation.
      const init = renderIntentYaml(draftIntent(a)).replace(/^flows:[\s\S]*?(?=^\w|(?![\s\S]))/m, 'flows: []\n');
      for (const t of [text, init]) {
        let intent;
        try {
          intent = parseIntent(t, 'i.yaml');
        } catch {
          continue;
        }
        const d = drift(a, intent);
        const bundles: PathBundle[] = [...d.violations, ...d.overbroad, ...d.breaches];
        same(a, bundles, limit);
        same(a, bundles, Infinity);
        if (bundles.length > 0) same(a, recut(bundles, picks), limit);
      }
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 717171), numRuns: Math.max(1, Math.round(60 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});

test('groupByBlame equals the literal grouping on the generated cluster with the hand-shaped intent (open namespaces)', () => {
  const gen = generateCluster(SIZES.M, 1);
  const a = analyze(loadFromTexts(gen.files).inventory);
  const d = drift(a, parseIntent(handIntent(SIZES.M).text, 'hand.yaml'));
  for (const bundles of [d.violations, d.overbroad, d.breaches] as (readonly PathBundle[])[]) {
    assert.ok(bundles.length > 0);
    for (const limit of [3, 100, Infinity]) same(a, bundles, limit);
  }
});
