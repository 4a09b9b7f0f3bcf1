/**
 * The intent model's numbered shortcuts against their literal forms, on random clusters (with and without
 * admin tiers) and random intents, and with init's intent: the in-cluster groups and unmapped workloads
 * (built without a key per pod), the test for a pair of distinct ends (pairTester, by numbers) and segment
 * health (compressed adjacency lists, typed sorts) against every pair of groups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIntent, type Intent } from '../src/analyses/intent/index.js';
import { intentModel, judge, piecesWithin, type IntentModel, type ModelGroup, type PathEnd } from '../src/analyses/intent/drift.js';
import { atomize, type IpRange } from '../src/model/address.js';
import { pairTester } from '../src/analyses/intent/judge-tables.js';
import { behaviours } from '../src/analyses/intent/behaviour.js';
import { clusterSegments, homeOf, namespaceLabels } from '../src/analyses/intent/membership.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import type { Analysis } from '../src/engine/index.js';
import { clusterCaseArb } from './oracle/generate.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { intentArb } from './oracle/intent-arb.js';
import { load } from './oracle/checks.js';
import { lex } from '../src/util/compare.js';

type G = ModelGroup<PathEnd>;
const casesArb = fc.oneof(clusterCaseArb, adminClusterCaseArb);
const params = (seed: number): fc.Parameters<[unknown, string]> => ({ seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? seed), numRuns: Math.max(1, Math.round(60 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true });

/** The in-cluster groups as the spec reads: per pod, its (workload, class) once, every segment tried. */
function referenceGroups(a: Analysis, intent: Intent): { groups: unknown[]; unmapped: [string, number][] } {
  const beh = behaviours(a);
  const nsl = namespaceLabels(a);
  const seen = new Map<string, string[]>();
  const groups = new Map<string, { segments: string[]; b: number; ends: string[] }>();
  const unmapped = new Map<string, number>();
  for (const pod of a.inventory.pods) {
    const cls = a.classOf(pod.id);
    const key = `${pod.workload}\u0000${cls}`;
    const fresh = !seen.has(key);
    const c = a.layer.classes[cls]!;
    if (fresh) seen.set(key, clusterSegments(intent, { namespace: c.namespace, namespaceLabels: nsl.get(c.namespace) ?? {}, labels: c.labels, workload: pod.workload }));
    const segments = seen.get(key)!;
    if (homeOf(intent, segments) === undefined) unmapped.set(pod.workload, (unmapped.get(pod.workload) ?? 0) + 1);
    if (!fresh) continue;
    const gk = `${beh.of[cls]}|${segments.join('\u0000')}`;
    if (!groups.has(gk)) groups.set(gk, { segments, b: beh.of[cls]!, ends: [] });
    groups.get(gk)!.ends.push(pod.workload);
  }
  return { groups: [...groups.values()], unmapped: [...unmapped.entries()].sort((x, y) => lex(x[0], y[0])) };
}

/** A pair of distinct endpoints, one from each group. */
const literalPair = (g1: G, g2: G): boolean => g1.ends.some((s) => g2.ends.some((d) => s.id !== d.id));

/** Segment health over every pair of groups, with sets of workload ids. */
function referenceHealth(m: IntentModel, intent: Intent): unknown[] {
  const cluster = m.groups.filter((g) => !g.external);
  const all = new Set(cluster.flatMap((g) => g.ends.map((e) => e.id)));
  const open = (g1: G, g2: G): boolean => g1 !== g2 && !(g1.external && g2.external) && !m.conns(g1, g2).isEmpty();
  const out: unknown[] = [];
  for (const seg of intent.segments) {
    const mine = cluster.filter((g) => g.segments.includes(seg.name));
    if (mine.length === 0) continue;
    const members = new Set(mine.flatMap((g) => g.ends.map((e) => e.id)));
    const side = (reached: G[]): { n: number; segs: string[]; outside: boolean } => {
      const ws = new Set<string>();
      const segs = new Set<string>();
      for (const g of reached) {
        const outsiders = g.external ? g.ends : g.ends.filter((e) => !members.has(e.id));
        if (!g.external) for (const e of outsiders) ws.add(e.id);
        if (outsiders.length > 0 && g.home !== undefined && g.home !== seg.name) segs.add(g.home);
      }
      return { n: ws.size, segs: [...segs].sort(lex), outside: reached.some((g) => g.external) };
    };
    const r = side(m.groups.filter((g2) => mine.some((g1) => open(g1, g2))));
    const b = side(m.groups.filter((g1) => mine.some((g2) => open(g1, g2))));
    const others = all.size - members.size;
    const share = others === 0 ? 0 : r.n / others;
    out.push({ segment: seg.name, members: members.size, others, reaches: r.n, share, reachedBy: b.n, reachesSegments: r.segs, reachedBySegments: b.segs, reachesOutside: r.outside, reachedFromOutside: b.outside, flat: others >= 3 && share >= intent.settings.flatThreshold });
  }
  return out;
}

/** `check` on the model of each random cluster with a random intent and with init's intent. */
function everyModel(seed: number, check: (a: Analysis, intent: Intent, m: IntentModel, text: string) => void): void {
  fc.assert(
    fc.property(casesArb, intentArb, (c, text) => {
      const { analysis } = load(c.yaml);
      for (const intent of [parseIntent(text, 'random.yaml'), parseIntent(renderIntentYaml(draftIntent(analysis)), 'init.yaml')]) check(analysis, intent, intentModel(analysis, intent), text);
    }),
    params(seed),
  );
}

test('the model groups in-cluster ends and counts unmapped pods as trying every segment per pod does', () => {
  everyModel(717171, (analysis, intent, m, text) => {
    const want = referenceGroups(analysis, intent);
    const got = m.groups.filter((g) => !g.external).map((g) => ({ segments: g.segments, b: g.b, ends: g.ends.map((e) => e.id) }));
    assert.deepEqual(got, want.groups, text);
    assert.deepEqual(m.unmapped.map((u) => [u.workload.id, u.pods]), want.unmapped, text);
  });
});

test('pairTester says what a walk over both groups ends says, for every pair of groups', () => {
  everyModel(727272, (_a, _intent, m) => {
    const hasPair = pairTester(m.groups);
    for (const g1 of m.groups) for (const g2 of m.groups) assert.equal(hasPair(g1, g2), literalPair(g1, g2), `${g1.segKey}/${g1.b} -> ${g2.segKey}/${g2.b}`);
  });
});

test('pairTester agrees with the walk on groups that repeat and share ends (a workload in two groups, twice in one)', () => {
  const groupsArb = fc.array(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }), { minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(groupsArb, (ends) => {
      const gs = ends.map((ids, index) => ({ index, segments: [], segId: 0, ends: ids.map((id) => ({ id })) }));
      const hasPair = pairTester(gs);
      for (const g1 of gs) for (const g2 of gs) assert.equal(hasPair(g1, g2), g1.ends.some((s) => g2.ends.some((d) => s.id !== d.id)), JSON.stringify([g1.ends, g2.ends]));
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 747474), numRuns: 300 },
  );
});

test('segment health equals counting over every pair of groups', () => {
  everyModel(737373, (_a, intent, m, text) => {
    const got = judge(m, intent).health.map((h) => ({ ...h, segment: h.segment.name }));
    assert.deepEqual(got, referenceHealth(m, intent), text);
  });
});

test('piecesWithin over atoms made once equals atomizing the cuts with each block alone (disjoint blocks)', () => {
  const v = fc.bigInt({ min: 0n, max: 255n });
  const rangeArb = fc.tuple(v, v).map(([x, y]): IpRange => ({ family: 4, lo: x < y ? x : y, hi: x < y ? y : x }));
  fc.assert(
    fc.property(fc.array(rangeArb, { maxLength: 6 }), fc.uniqueArray(v, { minLength: 1, maxLength: 8 }), fc.boolean(), (cuts, bounds, whole) => {
      // Disjoint blocks from sorted bounds: [b0, b1 - 1], [b1, b2 - 1], ... (and the whole space's top block or not).
      const bs = [...bounds].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const blocks: IpRange[] = bs.map((lo, i) => ({ family: 4, lo, hi: i + 1 < bs.length ? bs[i + 1]! - 1n : whole ? 2n ** 32n - 1n : 255n }));
      const atoms = atomize(4, [...cuts, ...blocks]);
      for (const b of blocks) assert.deepEqual(piecesWithin(atoms, b), atomize(4, [...cuts, b]).filter((p) => p.lo >= b.lo && p.hi <= b.hi));
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 757575), numRuns: 300 },
  );
});
