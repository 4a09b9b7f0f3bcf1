// init's partition (src/analyses/intent/init-partition.ts) reads the matrix's rows sparse; the dense
// reference (test/helpers/dense-partition.ts) reads every cell. Both must give the same parts, outside
// parts and edges on random clusters, with and without the admin and baseline tiers and hostNetwork pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../src/engine/index.js';
import { exactPartition, type Partition } from '../src/analyses/intent/init-partition.js';
import { densePartition } from './helpers/dense-partition.js';
import { clusterCaseArb, clusterCaseArbOf, type ClusterCase } from './oracle/generate.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { runs } from './oracle/checks.js';

/** Drafts by namespace, optionally split in two by workload position (so one behaviour set spans drafts). */
function workloadsOf(a: Analysis, split: boolean): Array<{ workload: Analysis['inventory']['workloads'][number]; draft: number }> {
  const namespaces = [...new Set(a.inventory.workloads.map((w) => w.namespace))].sort();
  return a.inventory.workloads
    .filter((w) => a.podsOf(w.id).length > 0)
    .map((w, i) => ({ workload: w, draft: namespaces.indexOf(w.namespace) * 2 + (split ? i % 2 : 0) }));
}

function shape(p: Partition, a: Analysis): unknown {
  return {
    cluster: p.cluster.map((c) => ({ draft: c.draft, workloads: c.workloads.map((w) => w.id), behaviours: c.behaviours, twin: c.twin })),
    external: p.external.map((e) => e.blocks),
    edges: Array.from(p.edges.from, (f, i) => `${f}>${p.edges.to[i]} ${a.ports.get(p.edges.ports[i]!).toString()}`),
  };
}

function check(yaml: string, split: boolean): void {
  const { inventory } = loadFromTexts([{ path: 'cluster.yaml', text: yaml }]);
  const a = analyze(inventory);
  const ws = workloadsOf(a, split);
  const dense = analyze(inventory);
  assert.deepEqual(shape(exactPartition(a, ws), a), shape(densePartition(dense, ws), dense));
}

const seeded = <T>(n: number): fc.Parameters<[T, boolean]> => runs(n) as unknown as fc.Parameters<[T, boolean]>;
const largerArb = clusterCaseArbOf({ minPods: 6, maxPods: 20, maxPolicies: 10 });

test('init partition: sparse rows give the dense reference\'s parts and edges (random clusters)', () => {
  fc.assert(fc.property(clusterCaseArb, fc.boolean(), (c, split) => check(c.yaml, split)), seeded<ClusterCase>(80));
});

test('init partition: the same on larger clusters, ipBlock-heavy ones too', () => {
  fc.assert(fc.property(largerArb, fc.boolean(), (c, split) => check(c.yaml, split)), seeded<ClusterCase>(30));
  fc.assert(fc.property(clusterCaseArbOf({ minPods: 2, maxPods: 10, maxPolicies: 8, ipBlockHeavy: true }), fc.boolean(), (c, split) => check(c.yaml, split)), seeded<ClusterCase>(30));
});

test('init partition: the same under the admin and baseline tiers (random clusters)', () => {
  fc.assert(fc.property(adminClusterCaseArb, fc.boolean(), (c, split) => check(c.yaml, split)), seeded<typeof adminClusterCaseArb extends fc.Arbitrary<infer T> ? T : never>(60));
});
