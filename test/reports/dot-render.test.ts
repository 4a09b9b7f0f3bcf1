/**
 * The pictures render: every dot Bulkhead writes goes through Graphviz (compiled to WebAssembly) without
 * an error, from the bundled example to a generated cluster of a thousand pods, and a whole cluster
 * is folded into namespaces past a few dozen nodes, with one internet node and no isolated node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { instance } from '@viz-js/viz';
import { loadFromPaths, loadFromTexts } from '../../src/sources/k8s/index.js';
import { analyze } from '../../src/engine/index.js';
import { computeReach, streamReach, type Connection } from '../../src/analyses/reach.js';
import { blast } from '../../src/analyses/blast.js';
import { buildMap, INTERNET, MAP_NODE_THRESHOLD } from '../../src/analyses/map.js';
import { REACH_FORMATS } from '../../src/reports/reach/index.js';
import { reachChunks } from '../../src/reports/reach/stream.js';
import { BLAST_FORMATS } from '../../src/reports/blast/index.js';
import { generateCluster, generateOpenCluster } from '../../bench/generate.js';
import { PortSet } from '../../src/model/port-set.js';
import type { Endpoint } from '../../src/analyses/endpoints.js';

const viz = await instance();

function renders(dot: string, what: string): string {
  const r = viz.render(dot, { format: 'svg' });
  assert.equal(r.status, 'success', `${what}: ${JSON.stringify(r.errors)}`);
  assert.deepEqual(r.errors.filter((e) => e.level === 'error'), [], `${what}: Graphviz errors`);
  return r.output!;
}

/** The quoted node ids of the node statements and of the edges. */
function ids(dot: string): { nodes: Set<string>; edgeEnds: Set<string> } {
  const nodes = new Set([...dot.matchAll(/^\s+"((?:[^"\\]|\\.)+)" \[/gm)].map((m) => m[1]!));
  const edgeEnds = new Set([...dot.matchAll(/^\s+"((?:[^"\\]|\\.)+)" -> "((?:[^"\\]|\\.)+)"/gm)].flatMap((m) => [m[1]!, m[2]!]));
  return { nodes, edgeEnds };
}

const shop = analyze((await loadFromPaths(['examples/shop'])).inventory);

test('dot: the whole shop renders in Graphviz, one internet node, every drawn node connected', () => {
  const dot = REACH_FORMATS.dot(computeReach(shop));
  const svg = renders(dot, 'reach examples/shop');
  assert.match(svg, /<svg/);
  const { nodes, edgeEnds } = ids(dot);
  assert.ok(nodes.has(INTERNET), 'one internet node');
  assert.ok(![...nodes].some((n) => /^\d+\.\d+\.\d+\.\d+-/.test(n)), 'no outside block drawn on its own');
  for (const n of nodes) if (n !== 'legend') assert.ok(edgeEnds.has(n), `${n} has an edge`);
  assert.match(dot, /subgraph cluster_legend/);
});

test('dot: the shop at pod level, filtered, and blast paths and ranking render', () => {
  renders(REACH_FORMATS.dot(computeReach(shop, { level: 'pod' })), 'reach --level pod');
  renders(REACH_FORMATS.dot(computeReach(shop, { from: 'shop-prod/' })), 'reach --from shop-prod/');
  renders(BLAST_FORMATS.dot(blast(shop, { from: 'shop-prod/frontend' })), 'blast --from');
  renders(BLAST_FORMATS.dot(blast(shop, {})), 'blast ranking');
});

test('dot: a generated cluster of 1,000 pods is folded by namespace and renders', () => {
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: generateCluster(1_000, 3).files[0]!.text }]).inventory);
  const r = computeReach(a);
  assert.ok(r.endpoints.length > MAP_NODE_THRESHOLD);
  const dot = REACH_FORMATS.dot(r);
  renders(dot, 'generated 1,000 pods');
  const namespaces = new Set(r.endpoints.filter((e) => e.namespace !== undefined).map((e) => e.namespace));
  const { nodes } = ids(dot);
  assert.ok(nodes.size <= namespaces.size + 2, `${nodes.size} nodes for ${namespaces.size} namespaces`);
  assert.match(dot, /pairs\)"/, 'folded edges say how many pairs they stand for');
  assert.equal([...reachChunks(streamReach(a), 'dot')].join(''), dot, 'the streamed dot is the same');
});

test('dot: 1,500 workloads without policies (2.2 million pairs) fold into namespaces in one pass', { timeout: 60_000 }, () => {
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: generateOpenCluster(1_500).files[0]!.text }]).inventory);
  const dot = [...reachChunks(streamReach(a), 'dot')].join('');
  assert.ok(dot.length < 1 << 20, `${dot.length} bytes`);
  assert.doesNotMatch(dot, /\[Deployment\]" ->/, 'no workload-level edge');
});

const endpoint = (i: number): Endpoint => ({ id: `ns${i % 5}/w${i}[Deployment]`, kind: 'Deployment', namespace: `ns${i % 5}`, name: `w${i}` });
const block = (i: number): Endpoint => ({ id: `10.0.${i}.0-10.0.${i}.255`, kind: 'External', cidrs: [`10.0.${i}.0/24`] });

test('map (property): folded past the threshold, no isolated node, one internet node, every connection counted once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 })), { maxLength: 120 }), fc.integer({ min: 2, max: 20 }), (n, pairs, threshold) => {
      const eps = [...Array.from({ length: n }, (_, i) => endpoint(i)), block(0), block(1), block(2)];
      const id = (k: number): string => (k < n ? eps[k]!.id : eps[n + (k % 3)]!.id);
      const seen = new Set<string>();
      const conns: Connection[] = [];
      for (const [s, d] of pairs) {
        const src = id(s);
        const dst = id(d);
        const key = `${src}>${dst}`;
        if (src === dst || seen.has(key) || (src.startsWith('10.') && dst.startsWith('10.'))) continue;
        seen.add(key);
        conns.push({ src, dst, conns: PortSet.ALL });
      }
      conns.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : 1));
      const m = buildMap('workload', eps, conns, { threshold });
      const used = new Set(conns.flatMap((c) => [c.src, c.dst]).filter((x) => !x.startsWith('10.')));
      assert.equal(m.folded, used.size > threshold);
      assert.ok(m.nodes.filter((x) => x.kind === 'internet').length <= 1);
      const ends = new Set(m.edges.flatMap((e) => [e.src, e.dst]));
      for (const x of m.nodes) assert.ok(ends.has(x.id) || (m.folded && m.withinGroups > 0), `isolated node ${x.id}`);
      if (!m.folded) assert.equal(m.isolated, n - used.size);
      if (m.folded) assert.ok(m.nodes.every((x) => x.kind !== 'endpoint'));
    }),
  );
});
