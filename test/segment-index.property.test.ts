/**
 * segmentIndex narrows the segments tried per endpoint (by exact workload, else exact namespace); the
 * segments found must be those of trying every segment, on random clusters with random intents that mix
 * exact and glob workloads and namespaces, labels, addresses and anyOf, and with init's intent; and
 * segmentsOf, which uses the index, gives an endpoint those segments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIntent, type Intent } from '../src/analyses/intent/index.js';
import { clusterSegments, namespaceLabels, segmentIndex, segmentsOf } from '../src/analyses/intent/membership.js';
import { clusterEndpoints } from '../src/analyses/endpoints.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import type { Analysis } from '../src/engine/index.js';
import { clusterCaseArb, NAMESPACE_NAMES } from './oracle/generate.js';
import { load } from './oracle/checks.js';

/** One matcher as flow YAML, from a kind and two picks (into the cluster's workloads, or made up). */
function matcher(kind: number, pick: number, other: number, workloads: readonly string[]): string {
  const w = workloads.length ? workloads[pick % workloads.length]! : 'ns1/none';
  const short = w.replace(/\[[^\]]*\]$/, '');
  const ns = NAMESPACE_NAMES[other % NAMESPACE_NAMES.length]!;
  switch (kind) {
    case 0:
      return `{namespace: ${ns}}`;
    case 1:
      return `{namespace: "ns*"}`;
    case 2:
      return `{workloads: ["${w}"]}`;
    case 3:
      return `{workloads: ["${short}", "${ns}/missing"]}`;
    case 4:
      return `{namespace: ${ns}, workloads: ["${short}"]}`;
    case 5:
      return `{workloads: ["${short.split('/')[0]}/*"]}`;
    case 6:
      return `{labels: {app: ${other % 2 ? 'a' : 'b'}}}`;
    case 7:
      return `{cidrs: [10.0.0.0/8]}`;
    default:
      return `{namespace: ${ns}, labels: {tier: a}}`;
  }
}

const segmentsArb = fc.array(fc.array(fc.record({ kind: fc.nat(8), pick: fc.nat(), other: fc.nat() }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 });

function checkIndex(a: Analysis, intent: Intent): void {
  const nsl = namespaceLabels(a);
  const among = segmentIndex(intent);
  for (const pod of a.inventory.pods) {
    const c = a.layer.classes[a.classOf(pod.id)]!;
    const subject = { namespace: c.namespace, namespaceLabels: nsl.get(c.namespace) ?? {}, labels: c.labels, workload: pod.workload };
    assert.deepEqual(clusterSegments(intent, subject, among(c.namespace, pod.workload)), clusterSegments(intent, subject), pod.id);
  }
  // segmentsOf (reach --level segment, blast, the audit's map) goes through the index too.
  for (const level of ['workload', 'pod'] as const) {
    for (const { endpoint: e } of clusterEndpoints(a, level)) {
      const ns = e.namespace ?? '';
      const literal = clusterSegments(intent, { namespace: ns, namespaceLabels: nsl.get(ns) ?? {}, labels: e.labels ?? {}, workload: e.workload ?? e.id });
      assert.deepEqual(segmentsOf(a, intent, e), literal, `${level} ${e.id}`);
    }
  }
}

test('segments found through the index equal those of trying every segment (random intents, and init)', () => {
  fc.assert(
    fc.property(clusterCaseArb, segmentsArb, (c, segs) => {
      const { analysis: a } = load(c.yaml);
      const workloads = a.inventory.workloads.map((w) => w.id);
      const lines = ['version: 1', 'segments:'];
      segs.forEach((ms, i) => lines.push(`  s${i}: ${ms.length === 1 ? matcher(ms[0]!.kind, ms[0]!.pick, ms[0]!.other, workloads) : `{anyOf: [${ms.map((m) => matcher(m.kind, m.pick, m.other, workloads)).join(', ')}]}`}`));
      lines.push('flows: []');
      checkIndex(a, parseIntent(`${lines.join('\n')}\n`, 'random.yaml'));
      checkIndex(a, parseIntent(renderIntentYaml(draftIntent(a)), 'init.yaml'));
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 727272), numRuns: Math.max(1, Math.round(80 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
