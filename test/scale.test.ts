// Shapes that used to crash or run out of memory: a cluster before its first NetworkPolicy (every
// workload reaches every workload) listed, summarized and diffed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { computeReach, streamReach } from '../src/analyses/reach.js';
import { ReachSummaryBuilder, summarizeReach } from '../src/analyses/reach-summary.js';
import { reachChunks, STREAM_FORMATS } from '../src/reports/reach/stream.js';
import { REACH_FORMATS } from '../src/reports/reach/index.js';
import { diffConnectivity } from '../src/analyses/diff/connectivity.js';
import { generateCluster, generateIpBlockCluster, generateOpenCluster } from '../bench/generate.js';
import { parseIp } from '../src/model/address.js';
import { PortSet } from '../src/model/port-set.js';
import { MAX_SYNTHETIC_REPLICAS } from '../src/sources/k8s/build-inventory.js';

function analysed(text: string) {
  return analyze(loadFromTexts([{ path: 'c.yaml', text }]).inventory);
}

test('every reach format streams', () => {
  assert.deepEqual([...STREAM_FORMATS].sort(), Object.keys(REACH_FORMATS).sort());
});

test('no policies, 3,000 workloads (9 million pairs): md and text start streaming without building the listing', { timeout: 20_000 }, () => {
  const a = analysed(generateOpenCluster(3_000).files[0]!.text);
  const s = streamReach(a, { level: 'workload' });
  // Counted on behaviours, not pairs: every workload to every other, and the outside to and from each.
  assert.equal(s.count(), 3_000 * 2_999 + 2 * 3_000);
  const first = (f: (typeof STREAM_FORMATS)[number]): string => {
    const it = reachChunks(s, f)[Symbol.iterator]();
    const r = it.next();
    assert.ok(!r.done);
    assert.ok(r.value.length < 1 << 20, `${f}: a chunk, not the whole listing`);
    return r.value;
  };
  assert.match(first('md'), /^### Bulkhead: what can reach what\n\n\*\*\d+\*\* allowed connections \(workload level\)\.\n\n<details><summary>Connections<\/summary>\n\n\| src \| dst \| conn \|\n\|---\|---\|---\|\n\| ns0\/app-0\[Deployment\] \| ns0\/app-\d+\[Deployment\] \| All Connections \|\n/);
  // dot folds the map in one pass (test/reports/dot-render.test.ts).
  assert.match(first('text'), /^ns0\/app-0\[Deployment\] => ns0\/app-\d+\[Deployment\] : All Connections\n/);
});

test('reach summary built connection by connection equals the summary of the whole result', () => {
  for (const a of [analysed(generateCluster(1_000, 3).files[0]!.text), analysed(generateOpenCluster(40).files[0]!.text)]) {
    for (const opts of [{ level: 'workload' as const }, { level: 'pod' as const, to: '*/*1*' }]) {
      const s = streamReach(a, opts);
      const b = new ReachSummaryBuilder(a, s.endpoints);
      for (const c of s.connections()) b.add(c);
      assert.deepEqual(b.result(), summarizeReach(a, computeReach(a, opts)));
    }
  }
});

test('diff, no policies -> a first policy, 4,200 workloads (17.6 million pairs): counts without a map of pairs', { timeout: 30_000 }, () => {
  // 4,097 classes or more used to exceed the largest Map (a memo of every class pair).
  const before = analysed(generateOpenCluster(4_200).files[0]!.text);
  const after = analysed(generateOpenCluster(4_200, true).files[0]!.text);
  const d = diffConnectivity(before, after, 'workload');
  // default-deny ingress in ns0 (every 42nd workload, 100 of them) closes every connection into them.
  const intoNs0 = 100 * 4_199;
  const removed = d.changes.filter((c) => c.kind === 'removed');
  assert.equal(removed.length, d.changes.length);
  assert.equal(d.changes.length, intoNs0 + 100, 'every workload and the outside, into each of the 100');
  assert.ok(d.changes.every((c) => c.dst.startsWith('ns0/') && c.new.isEmpty() && c.old.isAll()));
  assert.equal(d.unchanged, 4_200 * 4_199 - intoNs0);
});

test('replicas: 100000000 is analysed as 100 identical pods, with the true count on the workload and an info note', { timeout: 10_000 }, () => {
  const dep = (name: string, replicas: number): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: d\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}\n`;
  const r = loadFromTexts([{ path: 'r.yaml', text: `${dep('huge', 100_000_000)}---\n${dep('exact', MAX_SYNTHETIC_REPLICAS)}` }]);
  const pods = (w: string) => r.inventory.pods.filter((p) => p.workload === `d/${w}[Deployment]`);
  assert.equal(MAX_SYNTHETIC_REPLICAS, 100);
  assert.equal(pods('huge').length, MAX_SYNTHETIC_REPLICAS);
  assert.equal(pods('huge')[99]!.name, 'huge-99');
  assert.equal(pods('exact').length, MAX_SYNTHETIC_REPLICAS);
  const w = (name: string) => r.inventory.workloads.find((x) => x.name === name)!;
  assert.equal(w('huge').replicas, 100_000_000);
  assert.equal(w('exact').replicas, undefined);
  const notes = r.diagnostics.filter((d) => d.code === 'replicas-capped');
  assert.equal(notes.length, 1);
  assert.equal(notes[0]!.severity, 'info');
  assert.deepEqual(notes[0]!.source, { file: 'r.yaml', line: 1 });
  assert.match(notes[0]!.message, /Deployment d\/huge has 100000000 replicas: analysed as 100 identical pods \(huge-0 to huge-99\)/);
  // Replicas still reach one another at pod level (no policy), and the workloads reach each other.
  const a = analyze(r.inventory);
  assert.ok(a.allowedPorts('d/huge-0', 'd/huge-1').isAll());
  assert.equal(streamReach(a, { level: 'workload' }).count(), 2 + 2 * 2);
});

test('diff of two allowlists of 5,000 distinct ipBlocks each: outside blocks read from the matrix, not asked pair by pair', { timeout: 30_000 }, () => {
  // Every atom of both sides' blocks times every endpoint went through the rule walk before (over 300 s at 20,000).
  const before = analysed(generateIpBlockCluster(5_000, 1).files[0]!.text);
  const after = analysed(generateIpBlockCluster(5_000, 2).files[0]!.text);
  const d = diffConnectivity(before, after, 'workload');
  const outside = d.changes.filter((c) => d.endpoints.get(c.src)?.kind === 'External' || d.endpoints.get(c.dst)?.kind === 'External');
  assert.ok(outside.length > 1_000, `${outside.length} changes with outside blocks`);
  // Spot checks against each side's engine at the first address of some changed blocks.
  for (const c of outside.filter((_, i) => i % 499 === 0)) {
    const ext = d.endpoints.get(c.src)?.kind === 'External' ? c.src : c.dst;
    const w = ext === c.src ? c.dst : c.src;
    const lo = parseIp(ext.split('-')[0]!)!;
    const t = { kind: 'address' as const, range: { family: lo.family, lo: lo.value, hi: lo.value } };
    for (const [side, a] of [['old', before], ['new', after]] as const) {
      let got = PortSet.NONE;
      for (const cls of a.classesOf(w)) {
        const k = { kind: 'class' as const, index: cls };
        got = got.union(ext === c.src ? a.layer.allowed(t, k) : a.layer.allowed(k, t));
      }
      assert.equal(got.key(), c[side].key(), `${c.src} => ${c.dst} (${side})`);
    }
  }
});
