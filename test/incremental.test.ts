// The fast paths of the engine against its simple ones, on random clusters:
// - the behaviour-class matrix (cells, rows, external blocks) equals the per-pair rule walk of the layer;
// - streamed reach output equals the whole-string reporters, and the counts equal the listed connections;
// - an analysis derived by withPolicyChanged / withPolicyRemoved / withPodChanged / withPodRemoved gives
//   the same reach output and the same matrix as a fresh analyze() of the changed inventory.
// Replay or widen with BULKHEAD_PROPERTY_SEED and BULKHEAD_PROPERTY_SCALE, as engine-vs-oracle does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis, type Target } from '../src/engine/index.js';
import type { Inventory, NetworkPolicy, Pod } from '../src/inventory/types.js';
import type { IpRange } from '../src/model/address.js';
import { computeReach, podConnectionCount, streamReach } from '../src/analyses/reach.js';
import { REACH_FORMATS } from '../src/reports/reach/index.js';
import { BYTE_FORMATS, reachBytes, reachChunks, STREAM_FORMATS } from '../src/reports/reach/stream.js';
import { clusterCaseArbOf, type ClusterCase } from './oracle/generate.js';
import { UserError } from '../src/util/errors.js';

const seed = Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 20261121);
const scale = Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * scale));
const MEDIUM = { minPods: 1, maxPods: 10, maxPolicies: 7 };

function load(c: ClusterCase): Inventory {
  return loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]).inventory;
}

/** Every disagreement between the matrix and the per-pair walk (the layer's, through the tiers when there are any). */
function matrixProblems(a: Analysis): string[] {
  const out: string[] = [];
  const m = a.matrix;
  const L = a.tiers ? { allowed: (x: Target, y: Target) => a.tiers!.allowed(x, y) } : a.layer;
  const cls = a.layer.classes;
  const row = new Uint32Array(m.size + m.blocks.length);
  for (const s of cls) {
    const sb = m.behaviourOf[s.index]!;
    m.rowInto(sb, row);
    for (const d of a.layer.classes) {
      const slow = L.allowed({ kind: 'class', index: s.index }, { kind: 'class', index: d.index });
      const db = m.behaviourOf[d.index]!;
      const fast = a.allowed({ kind: 'class', index: s.index }, { kind: 'class', index: d.index });
      if (!fast.equals(slow)) out.push(`cell ${s.index}->${d.index}: matrix ${fast} but layer ${slow}`);
      if (row[db] !== a.ports.id(slow)) out.push(`row ${s.index}->${d.index}: row ${a.ports.get(row[db]!)} but layer ${slow}`);
    }
    m.blocks.forEach((b, x) => {
      const t = { kind: 'address' as const, range: b.range };
      const outSlow = L.allowed({ kind: 'class', index: s.index }, t);
      if (row[m.size + x] !== a.ports.id(outSlow)) out.push(`row ${s.index}->block ${x}: ${a.ports.get(row[m.size + x]!)} but layer ${outSlow}`);
      const inSlow = L.allowed(t, { kind: 'class', index: s.index });
      if (!a.allowed(t, { kind: 'class', index: s.index }).equals(inSlow)) out.push(`block ${x}->${s.index}: matrix differs from layer ${inSlow}`);
    });
  }
  return out;
}

function reachText(a: Analysis): string {
  return (['workload', 'pod'] as const).map((level) => REACH_FORMATS.json(computeReach(a, { level }))).join('');
}

test('behaviour-class matrix equals the layer pair by pair, classes and external blocks', () => {
  fc.assert(
    fc.property(clusterCaseArbOf(MEDIUM), (c) => {
      assert.deepEqual(matrixProblems(analyze(load(c))), []);
    }),
    { seed, numRuns: runs(150) },
  );
});

test('streamed reach equals the whole-string reporters; counts equal the listed connections', () => {
  fc.assert(
    fc.property(clusterCaseArbOf(MEDIUM), fc.constantFrom(undefined, 'ns1/*', '0.0.0.0/0'), (c, from) => {
      const a = analyze(load(c));
      for (const level of ['workload', 'pod'] as const) {
        const opts = { level, ...(from ? { from } : {}) };
        // A --from that matches no endpoint of this cluster is the user's error, in both forms alike.
        if (from === 'ns1/*' && !a.inventory.pods.some((p) => p.namespace === 'ns1')) {
          assert.throws(() => computeReach(a, opts), UserError);
          assert.throws(() => streamReach(a, opts), UserError);
          continue;
        }
        const whole = computeReach(a, opts);
        for (const f of STREAM_FORMATS) assert.equal([...reachChunks(streamReach(a, opts), f)].join(''), REACH_FORMATS[f](whole), `${f} at ${level} level`);
        // The packed byte writer too (src/reports/reach/stream.ts, reachBytes).
        for (const f of BYTE_FORMATS) assert.equal(Buffer.concat([...reachBytes(streamReach(a, opts), f)!].map((x) => Buffer.from(x))).toString(), REACH_FORMATS[f](whole), `bytes: ${f} at ${level} level`);
        assert.equal(streamReach(a, opts).count(), whole.connections.length);
      }
      assert.equal(podConnectionCount(a), computeReach(a, { level: 'pod' }).connections.length);
    }),
    { seed, numRuns: runs(100) },
  );
});

type Change =
  | { kind: 'policy'; policy: NetworkPolicy }
  | { kind: 'removePolicy'; id: string }
  | { kind: 'pod'; pod: Pod }
  | { kind: 'removePod'; id: string };

/** Turns random picks into a change that makes sense for the inventory `inv` (donor: another cluster). */
function changeOf(inv: Inventory, donor: Inventory, pick: number[]): Change | undefined {
  const [what = 0, i = 0, j = 0] = pick;
  const pols = inv.policies;
  const pods = inv.pods;
  switch (what % 7) {
    case 5: {
      // Scale-up: a copy of an existing pod under a new name (joins its class).
      const p = pods[i % pods.length]!;
      return { kind: 'pod', pod: { ...p, id: `${p.namespace}/zz-${j}`, name: `zz-${j}` } };
    }
    case 6: {
      // A pod takes the labels and ports of another pod of its namespace (moves to an existing class).
      const p = pods[i % pods.length]!;
      const q = pods.filter((x) => x.namespace === p.namespace)[j % pods.length] ?? p;
      return { kind: 'pod', pod: { ...p, labels: q.labels, ports: q.ports } };
    }
    case 0: {
      // Another policy's content under an existing policy's name.
      const p = pols[i % Math.max(1, pols.length)];
      const q = donor.policies[j % Math.max(1, donor.policies.length)];
      if (!p || !q) return undefined;
      return { kind: 'policy', policy: { ...q, id: p.id, namespace: p.namespace, name: p.name } };
    }
    case 1: {
      const q = donor.policies[j % Math.max(1, donor.policies.length)];
      const ns = inv.namespaces[i % inv.namespaces.length]!.name;
      if (!q) return undefined;
      return { kind: 'policy', policy: { ...q, id: `${ns}/added-${j}`, namespace: ns, name: `added-${j}` } };
    }
    case 2: {
      const p = pols[i % Math.max(1, pols.length)];
      return p ? { kind: 'removePolicy', id: p.id } : undefined;
    }
    case 3: {
      // A pod takes another pod's labels, ports and IPs (a relabel or a rollout).
      const p = pods[i % pods.length]!;
      const q = donor.pods[j % Math.max(1, donor.pods.length)];
      if (!q) return undefined;
      return { kind: 'pod', pod: { ...p, labels: q.labels, ports: q.ports, ips: q.ips, hostNetwork: q.hostNetwork } };
    }
    default: {
      const p = pods[i % pods.length]!;
      return pods.length > 1 ? { kind: 'removePod', id: p.id } : undefined;
    }
  }
}

function apply(a: Analysis, c: Change): Analysis {
  switch (c.kind) {
    case 'policy':
      return a.withPolicyChanged(c.policy);
    case 'removePolicy':
      return a.withPolicyRemoved(c.id);
    case 'pod':
      return a.withPodChanged(c.pod);
    case 'removePod':
      return a.withPodRemoved(c.id);
  }
}

/** A chain of random changes applied incrementally equals a fresh analyze after each step; the base is untouched. */
function checkChains(start: fc.Arbitrary<{ readonly yaml: string }>, maxChanges: number, numRuns: number): void {
  fc.assert(
    fc.property(start, clusterCaseArbOf(MEDIUM), fc.array(fc.array(fc.nat(50), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: maxChanges }), (c, d, picks) => {
      let a = analyze(loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]).inventory);
      void a.matrix;
      const donor = load(d);
      for (const pick of picks) {
        const ch = changeOf(a.inventory, donor, pick);
        if (!ch) continue;
        const next = apply(a, ch);
        const fresh = analyze(next.inventory);
        assert.equal(reachText(next), reachText(fresh), `after ${ch.kind}\n${c.yaml}`);
        assert.deepEqual(matrixProblems(next), [], `after ${ch.kind}`);
        // The base analysis is untouched by deriving another from it.
        assert.deepEqual(matrixProblems(a), []);
        a = next;
      }
    }),
    { seed, numRuns },
  );
}

test('incremental analyses equal a fresh analyze of the changed inventory, over chains of changes', () => {
  checkChains(clusterCaseArbOf(MEDIUM), 4, runs(120));
});

test('with admin and baseline policies: the tiered matrix rows equal the per-pair walk through the tiers', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, (c) => {
      const a = analyze(loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]).inventory);
      assert.deepEqual(matrixProblems(a), [], c.yaml);
    }),
    { seed, numRuns: runs(150) },
  );
});

test('with admin and baseline policies: incremental analyses equal a fresh analyze, over chains of changes', () => {
  checkChains(adminClusterCaseArb, 3, runs(80));
});

test('with admin and baseline policies: counts (through the tiered row weights) equal the listed connections', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, (c) => {
      const a = analyze(loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]).inventory);
      for (const level of ['workload', 'pod'] as const) {
        const whole = computeReach(a, { level });
        assert.equal(streamReach(a, { level }).count(), whole.connections.length, `${level}\n${c.yaml}`);
      }
      assert.equal(podConnectionCount(a), computeReach(a, { level: 'pod' }).connections.length, c.yaml);
    }),
    { seed, numRuns: runs(150) },
  );
});

/**
 * What a matrix's rows say, pod by pod: to every pod, to and from one address of every block `at` lists
 * (the first addresses of the blocks of both analyses compared, so each piece of either is probed).
 */
function rowsByPod(a: Analysis, at: readonly IpRange[]): string[] {
  const m = a.matrix;
  const pods = a.inventory.pods;
  const out: string[] = [];
  const row = new Uint32Array(m.size + m.blocks.length);
  const blockAt = (r: IpRange): number => m.blocks.findIndex((b) => b.range.family === r.family && b.range.lo <= r.lo && r.lo <= b.range.hi);
  const beh = (id: string): number => m.behaviourOf[a.classOf(id)]!;
  for (const p of pods) {
    m.rowInto(beh(p.id), row);
    for (const q of pods) out.push(`${p.id} -> ${q.id}: ${a.ports.get(row[beh(q.id)]!)}`);
    for (const r of at) {
      const x = blockAt(r);
      out.push(`${p.id} -> ${r.family}:${r.lo}: ${x < 0 ? 'no block' : a.ports.get(row[m.size + x]!)}`);
    }
  }
  for (const r of at) {
    const x = blockAt(r);
    if (x < 0) continue;
    m.blockRowInto(x, row);
    for (const q of pods) out.push(`${r.family}:${r.lo} -> ${q.id}: ${a.ports.get(row[beh(q.id)]!)}`);
  }
  return out;
}

test('with admin and baseline policies: after NetworkPolicy changes a derived analysis keeps the compiled tiers and equals a fresh one, row for row and in counts', () => {
  let kept = 0;
  fc.assert(
    fc.property(adminClusterCaseArb, clusterCaseArbOf(MEDIUM), fc.array(fc.array(fc.nat(50), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (c, d, picks) => {
      let a = analyze(load(c));
      void a.matrix;
      const donor = load(d);
      for (const [what = 0, i = 0, j = 0] of picks) {
        // Policy changes only (edit, add, remove): the pods, namespaces and admin policies stay.
        const ch = changeOf(a.inventory, donor, [what % 3, i, j]);
        if (!ch) continue;
        const next = apply(a, ch);
        if (next.layer.reusedClasses) {
          assert.equal(next.tiers?.admin, a.tiers?.admin, 'the compiled admin tier is taken over');
          kept++;
        }
        const fresh = analyze(next.inventory);
        const at = [...next.matrix.blocks, ...fresh.matrix.blocks].map((b) => ({ ...b.range, hi: b.range.lo }));
        assert.deepEqual(rowsByPod(next, at), rowsByPod(fresh, at), `after ${ch.kind}\n${c.yaml}`);
        for (const level of ['workload', 'pod'] as const) assert.equal(streamReach(next, { level }).count(), streamReach(fresh, { level }).count(), level);
        assert.equal(podConnectionCount(next), podConnectionCount(fresh));
        a = next;
      }
    }),
    { seed, numRuns: runs(80) },
  );
  // The reuse path is exercised, not only the rebuild.
  assert.ok(kept > 0);
});
