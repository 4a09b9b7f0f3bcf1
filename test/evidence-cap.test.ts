/**
 * Evidence is capped: groupByBlame keeps the first pairs of a group and counts the rest exactly. Checked
 * against the literal grouping it replaced (a string-keyed map of every pair), on generated clusters with
 * open namespaces and the hand-shaped intent, and on the oracle's random clusters with init's intent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze, type Analysis } from '../src/engine/index.js';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { drift, loadIntent, WORLD, type PathBundle, type PathEnd } from '../src/analyses/intent/index.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import { blame, blameReport, describePairs, groupByBlame, EVIDENCE_LIMIT } from '../src/checks/util.js';

import { audit } from '../src/analyses/audit.js';
import { auditJson } from '../src/reports/audit/json.js';
import { auditSarif } from '../src/reports/audit/sarif.js';
import { scopeAudit } from '../src/analyses/audit-scope.js';
import { generateCluster, SIZES } from '../bench/generate.js';
import { handIntent } from '../bench/hand-intent.js';
import { clusterCaseArb } from './oracle/generate.js';
import { load } from './oracle/checks.js';
import { PortSet } from '../src/model/port-set.js';
import { groupMaker, judge, type DriftModel, type EndLike } from '../src/analyses/intent/drift.js';

function endKey(e: PathEnd): string {
  const seg = e.segments[0];
  return e.kind === 'external' ? (seg === undefined || seg === WORLD ? 'internet' : `${seg} addresses`) : e.id;
}

/** The grouping before the cap: every pair of every bundle into a map by name, ports widened per pair. */
function literalGroups(a: Analysis, bundles: readonly PathBundle[], extraKey: (b: PathBundle) => string): Map<string, { pairs: Map<string, { src: string; dst: string; ports: PortSet }>; ports: PortSet; bundles: number }> {
  const groups = new Map<string, { pairs: Map<string, { src: string; dst: string; ports: PortSet }>; ports: PortSet; bundles: number; last?: PathBundle }>();
  for (const b of bundles) {
    let ruleBlamed: ReturnType<typeof blame> | undefined;
    for (const s of b.src) {
      for (const d of b.dst) {
        if (s.id === d.id) continue;
        const bl = ruleBlamed ?? blame(a, s, d);
        if (bl.resource.kind === 'NetworkPolicy') ruleBlamed = bl;
        const k = `${extraKey(b)}\u0000${bl.key}`;
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { pairs: new Map(), ports: b.ports, bundles: 0 }));
        if (g.last !== b) {
          g.last = b;
          g.bundles++;
        }
        const pk = `${endKey(s)}\u0000${endKey(d)}`;
        let p = g.pairs.get(pk);
        if (!p) g.pairs.set(pk, (p = { src: endKey(s), dst: endKey(d), ports: b.ports }));
        p.ports = p.ports.union(b.ports);
        g.ports = g.ports.union(b.ports);
      }
    }
  }
  return groups;
}

function checkAgainstLiteral(a: Analysis, bundles: readonly PathBundle[], limit: number): void {
  const extra = (b: PathBundle): string => `${b.srcSegment}>${b.dstSegment}`;
  const want = literalGroups(a, bundles, extra);
  const got = groupByBlame(a, bundles, extra, limit);
  assert.equal(got.length, want.size);
  for (const g of got) {
    const w = want.get(`${extra(g.bundles[0]!)}\u0000${g.blame.key}`);
    assert.ok(w, `group ${g.blame.key}`);
    const all = [...w.pairs.values()];
    assert.equal(g.pairCount, all.length);
    assert.equal(g.bundles.length, w.bundles);
    assert.ok(g.ports.equals(w.ports));
    assert.equal(g.pairs.length, Math.min(limit, all.length));
    g.pairs.forEach((p, i) => {
      assert.equal(p.src, all[i]!.src);
      assert.equal(p.dst, all[i]!.dst);
      assert.ok(p.ports.equals(all[i]!.ports), `${p.src} => ${p.dst}`);
    });
    assert.deepEqual([...g.ends].sort(), [...new Set(all.flatMap((p) => [p.src, p.dst]))].sort());
    // The message's "and N more" counts every pair, listed or not.
    const literalText = `${all.slice(0, 3).map((p) => `${p.src} => ${p.dst} (${p.ports.toString()})`).join(', ')}${all.length > 3 ? ` and ${all.length - Math.min(3, all.length)} more` : ''}`;
    assert.equal(describePairs(g), literalText);
    const r = blameReport(g.blame, g);
    assert.equal(r.evidence!.length + (r.evidenceOmitted ?? 0), all.length);
  }
}

test('capped grouping equals the literal one on the generated cluster with the hand-shaped intent', () => {
  const gen = generateCluster(SIZES.M, 1);
  const a = analyze(loadFromTexts(gen.files).inventory);
  const d = drift(a, loadIntent('hand.yaml', handIntent(SIZES.M).text));
  const bundles: PathBundle[] = [...d.violations, ...d.overbroad, ...d.breaches];
  assert.ok(bundles.length > 0);
  for (const limit of [3, 4, 7, EVIDENCE_LIMIT, Infinity]) checkAgainstLiteral(a, bundles, limit);
});

test('capped grouping equals the literal one on random clusters with an edited init intent', () => {
  fc.assert(
    fc.property(clusterCaseArb, fc.integer({ min: 3, max: 6 }), (c, limit) => {
      const { analysis: a } = load(c.yaml);
      // Init's intent allows exactly today's paths: drop its flows so every path is a violation.
      const text = renderIntentYaml(draftIntent(a)).replace(/^flows:[\s\S]*?(?=^\w|(?![\s\S]))/m, 'flows: []\n');
      let intent;
      try {
        intent = loadIntent('i.yaml', text);
      } catch {
        return;
      }
      const d = drift(a, intent);
      checkAgainstLiteral(a, [...d.violations, ...d.overbroad, ...d.breaches], limit);
    }),
    { numRuns: 40 },
  );
});

test('reports carry the exact count of pairs left out, ids stay, and -n scoping still sees unlisted pairs', () => {
  const gen = generateCluster(SIZES.M, 1);
  const a = analyze(loadFromTexts(gen.files).inventory);
  const intent = loadIntent('hand.yaml', handIntent(SIZES.M).text);
  const limit = 5;
  const r = audit(a, { intent, evidenceLimit: limit });
  const full = new Map(audit(a, { intent, evidenceLimit: Infinity }).findings.map((f) => [f.id, f]));
  const capped = r.findings.filter((f) => f.evidenceOmitted);
  assert.ok(capped.length > 0, 'the open namespaces give findings with more pairs than the limit');
  assert.equal(r.findings.length, full.size);
  for (const f of r.findings) {
    // Same ids and messages; the evidence is the first pairs of the full list.
    const g = full.get(f.id)!;
    assert.equal(f.message, g.message);
    assert.equal(g.evidenceOmitted, undefined);
    assert.deepEqual(f.evidence, g.evidence?.slice(0, limit));
    assert.equal((f.evidence?.length ?? 0) + (f.evidenceOmitted ?? 0), g.evidence?.length ?? 0);
  }
  for (const f of capped) {
    assert.equal(f.evidence!.length, limit);
    assert.match(f.message, new RegExp(` and ${f.evidence!.length + f.evidenceOmitted! - 3} more`));
  }
  const json = JSON.parse(auditJson(r)) as { findings: { id: string; evidence?: unknown[]; evidenceOmitted?: number }[] };
  const byId = new Map(json.findings.map((f) => [f.id, f]));
  for (const f of capped) assert.equal(byId.get(f.id)!.evidenceOmitted, f.evidenceOmitted);
  const sarif = JSON.parse(auditSarif(r)) as { runs: { results: { partialFingerprints: Record<string, string>; properties: { evidenceOmitted?: number } }[] }[] };
  for (const x of sarif.runs[0]!.results) {
    const f = r.findings.find((y) => y.id === x.partialFingerprints['bulkheadFindingId/v1'])!;
    assert.equal(x.properties.evidenceOmitted, f.evidenceOmitted);
  }
  // An endpoint that only an unlisted pair names still keeps its finding under -n.
  const f = capped[0]!;
  const listed = new Set(f.evidence!.flatMap((e) => [e.src, e.dst]));
  const hidden = [...f.evidenceEnds!].find((id) => !listed.has(id) && a.workload(id));
  if (hidden) {
    const ns = a.workload(hidden)!.namespace;
    const scoped = scopeAudit(a, r, { text: `-n ${ns}`, namespaces: new Set([ns]), keep: (e) => e.namespace === ns });
    assert.ok(scoped.findings.some((x) => x.id === f.id), `finding ${f.id} is kept for ${hidden}`);
  }
});

test('an invariant broken by more bundles than a call takes arguments is judged (it overflowed the stack)', () => {
  const intent = loadIntent('i.yaml', 'version: 1\nsegments:\n  dev: {namespace: dev}\n  prod: {namespace: prod}\ninvariants:\n  - never: {from: dev, to: prod}\n');
  const { groups, group } = groupMaker<EndLike>(intent);
  // 400 x 400 behaviour groups that all reach each other: 160,000 breaching bundles of one invariant.
  const dev = Array.from({ length: 400 }, (_, i) => group(['dev'], false, i));
  const prod = Array.from({ length: 400 }, (_, i) => group(['prod'], false, 400 + i));
  for (const g of dev) g.ends.push({ id: `dev/w${g.b}`, kind: 'workload', segments: g.segments });
  for (const g of prod) g.ends.push({ id: `prod/w${g.b}`, kind: 'workload', segments: g.segments });
  const model: DriftModel<EndLike, PortSet> = {
    groups,
    conns: () => PortSet.ALL,
    successors: (g) => (g.segments[0] === 'dev' ? prod : []),
    none: PortSet.NONE,
    flowTraffic: (f) => f.ports,
    labelValue: () => undefined,
  };
  assert.equal(judge(model, intent).breaches.length, 160_000);
});
