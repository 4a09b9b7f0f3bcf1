/**
 * The judging's fast paths (successor lists, flows gathered per source segment list, isolation parts
 * against reachable groups only) against a literal walk over every pair of groups of the same model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIntent, type Intent, type Flow } from '../src/analyses/intent/index.js';
import { intentModel, judge, type IntentModel, type ModelGroup, type PathEnd } from '../src/analyses/intent/drift.js';
import { behaviours } from '../src/analyses/intent/behaviour.js';
import { clusterCaseArb } from './oracle/generate.js';
import { intentArb } from './oracle/intent-arb.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { load } from './oracle/checks.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import type { PortSet } from '../src/model/port-set.js';

type G = ModelGroup<PathEnd>;
/** Clusters with NetworkPolicies only, or with admin and baseline tiers too (their rows are read another way). */
const casesArb = fc.oneof(clusterCaseArb, adminClusterCaseArb);
const ids = (es: readonly PathEnd[]): string[] => es.map((e) => e.id);
const distinctPair = (g1: G, g2: G): boolean => g1.ends.some((s) => g2.ends.some((d) => s.id !== d.id));
const has = (segs: readonly string[], names: readonly string[]): boolean => segs.some((s) => names.includes(s));

/** Paths beyond the flows, every pair of groups in group order; the flows read literally from the file. */
function referencePaths(m: IntentModel, intent: Intent): unknown[] {
  const out: unknown[] = [];
  for (const g1 of m.groups) {
    for (const g2 of m.groups) {
      if (g1.home === undefined || g2.home === undefined || g1.home === g2.home || !distinctPair(g1, g2)) continue;
      const open = m.conns(g1, g2);
      if (open.isEmpty()) continue;
      const flows: Flow[] = intent.flows.filter((f) => has(g1.segments, f.from) && has(g2.segments, f.to));
      const intended = flows.reduce((s, f) => s.union(f.ports), m.none);
      const excess = open.subtract(intended);
      if (excess.isEmpty()) continue;
      out.push({ kind: flows.length ? 'overbroad' : 'violation', src: ids(g1.ends), dst: ids(g2.ends), srcSegment: g1.home, dstSegment: g2.home, open: open.key(), ports: excess.key(), intended: intended.key(), flows: flows.map((f) => f.index) });
    }
  }
  return out;
}

/** `never` and `isolated` breaches, every pair of groups (or of isolation parts) in order. */
function referenceBreaches(m: IntentModel, intent: Intent): unknown[] {
  const out: unknown[] = [];
  for (const inv of intent.invariants) {
    if (inv.kind === 'never') {
      for (const g1 of m.groups) {
        for (const g2 of m.groups) {
          if (!has(g1.segments, inv.from) || !has(g2.segments, inv.to)) continue;
          if (g1 === g2 ? new Set(ids(g1.ends)).size < 2 : !distinctPair(g1, g2)) continue;
          const open = m.conns(g1, g2);
          if (!open.isEmpty()) out.push({ kind: 'never', src: ids(g1.ends), dst: ids(g2.ends), ports: open.key() });
        }
      }
    } else if (inv.kind === 'isolated') {
      const parts: { g: G; value: string; ends: PathEnd[] }[] = [];
      for (const g of m.groups) {
        if (inv.within && !has(g.segments, inv.within)) continue;
        const byValue = new Map<string, PathEnd[]>();
        for (const e of g.ends) {
          const own = inv.segments ? e.segments.filter((s) => inv.segments!.includes(s)) : [];
          const v = inv.segments ? (own.length ? own.join(',') : undefined) : m.labelValue(e, inv);
          if (v !== undefined) byValue.set(v, [...(byValue.get(v) ?? []), e]);
        }
        for (const [value, ends] of byValue) parts.push({ g, value, ends });
      }
      for (const p1 of parts) {
        for (const p2 of parts) {
          if (p1.value === p2.value) continue;
          if (inv.segments && p1.value.split(',').some((s) => p2.value.split(',').includes(s))) continue;
          const open = m.conns(p1.g, p2.g);
          if (!open.isEmpty()) out.push({ kind: 'isolated', src: ids(p1.ends), dst: ids(p2.ends), ports: open.key(), values: [p1.value, p2.value] });
        }
      }
    }
  }
  return out;
}

/** Flows no member pair gets, from every source group to every destination group of each (from, to). */
function referenceBroken(m: IntentModel, intent: Intent): unknown[] {
  const out: unknown[] = [];
  for (const flow of intent.flows) {
    for (const from of flow.from) {
      for (const to of flow.to) {
        const srcs = m.groups.filter((g) => g.segments.includes(from));
        const dsts = m.groups.filter((g) => g.segments.includes(to));
        if (srcs.length === 0 || dsts.length === 0) {
          out.push({ flow: flow.index, from, to, missing: flow.ports.key(), reason: srcs.length === 0 ? 'no-source' : 'no-destination' });
          continue;
        }
        if (from === to && new Set(srcs.flatMap((g) => ids(g.ends))).size < 2) continue;
        let reached: PortSet = m.none;
        for (const g1 of srcs) for (const g2 of dsts) if (g1 === g2 ? new Set(ids(g1.ends)).size > 1 : distinctPair(g1, g2)) reached = reached.union(m.conns(g1, g2).intersect(flow.ports));
        const missing = flow.anyPort ? (reached.isEmpty() ? flow.ports : m.none) : flow.ports.subtract(reached);
        if (!missing.isEmpty()) out.push({ flow: flow.index, from, to, missing: missing.key(), reason: 'blocked' });
      }
    }
  }
  return out;
}

/** The fast judging's findings in the reference's shape. */
function judged(m: IntentModel, intent: Intent): { paths: unknown[]; breaches: unknown[]; broken: unknown[] } {
  const j = judge(m, intent);
  const key = (p: PortSet): string => p.key();
  const paths = [...j.violations.map((v) => ['violation', v] as const), ...j.overbroad.map((v) => ['overbroad', v] as const)]
    .map(([kind, v]) => ({ kind, v, at: m.groups.findIndex((g) => g.ends === v.src) * m.groups.length + m.groups.findIndex((g) => g.ends === v.dst) }))
    .sort((x, y) => x.at - y.at)
    .map(({ kind, v }) => ({ kind, src: ids(v.src), dst: ids(v.dst), srcSegment: v.srcSegment, dstSegment: v.dstSegment, open: key(v.open), ports: key(v.ports), intended: key(v.intended), flows: v.flows.map((f) => f.index) }));
  const breaches = j.breaches.filter((b) => b.invariant.kind === 'never' || b.invariant.kind === 'isolated').map((b) => ({ kind: b.invariant.kind, src: ids(b.src), dst: ids(b.dst), ports: key(b.ports), ...(b.values ? { values: [...b.values] } : {}) }));
  const broken = j.broken.map((b) => ({ flow: b.flow.index, from: b.from, to: b.to, missing: key(b.missing), reason: b.reason }));
  return { paths, breaches, broken };
}

test('judging equals a walk over every pair of groups: paths, never and isolated breaches, broken flows (random clusters and intents)', () => {
  fc.assert(
    fc.property(casesArb, intentArb, (c, text) => {
      const { analysis } = load(c.yaml);
      for (const intent of [parseIntent(text, 'random.yaml'), parseIntent(renderIntentYaml(draftIntent(analysis)), 'init.yaml')]) {
        const m = intentModel(analysis, intent);
        const got = judged(m, intent);
        assert.deepEqual(got.paths, referencePaths(m, intent), text);
        assert.deepEqual(got.breaches, referenceBreaches(m, intent), text);
        assert.deepEqual(got.broken, referenceBroken(m, intent), text);
      }
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 616161), numRuns: Math.max(1, Math.round(60 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});

test('successor lists hold every group with a connection (behaviours and outside blocks read sparse)', () => {
  fc.assert(
    fc.property(casesArb, intentArb, (c, text) => {
      const { analysis } = load(c.yaml);
      const m = intentModel(analysis, parseIntent(text, 'random.yaml'));
      for (const g1 of m.groups) {
        const succ = new Set(m.successors(g1));
        for (const g2 of m.groups) if (!m.conns(g1, g2).isEmpty()) assert.ok(succ.has(g2), `${g1.segKey}/${g1.b} -> ${g2.segKey}/${g2.b}`);
        // The connections kept beside the list (read from the rows) are the pair's, cell by cell.
        const sc = m.successorConns!(g1);
        assert.equal(sc.length, succ.size);
        m.successors(g1).forEach((g2, k) => assert.equal(sc[k]!.key(), m.conns(g1, g2).key(), `${g1.segKey}/${g1.b} -> ${g2.segKey}/${g2.b}`));
      }
      const beh = behaviours(analysis);
      const B = analysis.matrix.size;
      for (let b = 0; b < B; b++) {
        const want = Array.from({ length: B }, (_, d) => d).filter((d) => !beh.conns(b, d).isEmpty());
        assert.deepEqual(beh.candidates(b).filter((d) => !beh.conns(b, d).isEmpty()), want);
        assert.deepEqual(beh.candidateConns(b).map((p) => p.key()), beh.candidates(b).map((d) => beh.conns(b, d).key()));
      }
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 626262), numRuns: Math.max(1, Math.round(60 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
