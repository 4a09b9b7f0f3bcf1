// Blast radius: multi-hop paths with the rules that open each hop, hop limits, outside attackers,
// the ranking's transitive closure checked against a plain breadth-first search on random clusters,
// and speed on a 10,000-pod cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../src/engine/index.js';
import { blastFrom, blastRanking, type SegmentView } from '../src/analyses/blast.js';
import { computeReach } from '../src/analyses/reach.js';
import { BLAST_FORMATS } from '../src/reports/blast/index.js';
import { clusterCaseArb } from './oracle/generate.js';
import { generateCluster } from '../bench/generate.js';
import { runCli } from './helpers/run-cli.js';

const CHAIN = 'test/fixtures/blast/chain.yaml';
const chainText = readFileSync(fileURLToPath(new URL(`../../${CHAIN}`, import.meta.url)), 'utf8');

function load(text: string, path = CHAIN): Analysis {
  return analyze(loadFromTexts([{ path, text }]).inventory);
}

test('multi-hop: shortest path hop by hop, with the egress and ingress rule of each hop', () => {
  const r = blastFrom(load(chainText), { from: 'shop/web' });
  const byId = new Map(r.reached.map((e) => [e.endpoint.id, e]));
  assert.deepEqual([...byId.keys()], ['shop/api[Deployment]', 'data/db[StatefulSet]']);
  const db = byId.get('data/db[StatefulSet]')!;
  assert.equal(db.hop, 2);
  assert.deepEqual(
    db.path.map((h) => [h.from, h.to, h.conns.toString()]),
    [
      ['shop/web[Deployment]', 'shop/api[Deployment]', 'TCP 9000'],
      ['shop/api[Deployment]', 'data/db[StatefulSet]', 'TCP 5432'],
    ],
  );
  const [h1, h2] = db.path;
  const webEgressLine = chainText.split('\n').indexOf('  - to: [{podSelector: {matchLabels: {app: api}}}]') + 1;
  assert.deepEqual(h1!.egress.rules.map((x) => `${x.policy}#${x.rule}@${x.source.line}`), [`shop/web#1@${webEgressLine}`]);
  assert.equal(h2!.ingress.rules[0]!.policy, 'data/db');
  assert.equal(h2!.ingress.rules[0]!.source.file, CHAIN);
  // Only the second hop changes namespace.
  assert.deepEqual(db.path.map((h) => h.crossesBoundary), [false, true]);
  assert.equal(db.boundaries, 1);
  assert.equal(r.boundary, 'namespace');
  // The isolated tool is never reached, and nothing goes outside (default-deny egress).
  assert.ok(!byId.has('shop/tool[Deployment]'));
  assert.equal(r.summary.external, 0);
});

test('--hops limits the depth', () => {
  const a = load(chainText);
  assert.deepEqual(blastFrom(a, { from: 'shop/web', hops: 1 }).reached.map((e) => e.endpoint.id), ['shop/api[Deployment]']);
  assert.equal(blastFrom(a, { from: 'shop/web', hops: 2 }).reached.length, 2);
  assert.throws(() => blastFrom(a, { from: 'shop/web', hops: 0 }), /hops/);
});

test('an outside attacker starts outside: first hop is an ingress rule admitting the address', () => {
  const r = blastFrom(load(chainText), { from: '198.51.100.7' });
  assert.deepEqual(
    r.reached.map((e) => [e.endpoint.id, e.hop]),
    [
      ['shop/web[Deployment]', 1],
      ['shop/api[Deployment]', 2],
      ['data/db[StatefulSet]', 3],
    ],
  );
  const first = r.reached[0]!.path[0]!;
  assert.equal(first.from, '198.51.100.7');
  assert.equal(first.egress.restricted, false);
  assert.equal(first.ingress.rules[0]!.policy, 'shop/web');
  // A CIDR works too, and a pod that no rule admits from outside is not a first hop.
  const c = blastFrom(load(chainText), { from: '198.51.100.0/24' });
  assert.equal(c.reached[0]!.endpoint.id, 'shop/web[Deployment]');
});

test('sensitive targets are highlighted with the paths that reach them; segments count boundaries', () => {
  const a = load(chainText);
  const r = blastFrom(a, { from: 'shop/web', targets: ['data/*'] });
  assert.deepEqual(r.sensitive, [{ name: 'data/*', reached: ['data/db[StatefulSet]'] }]);
  assert.equal(r.summary.sensitiveReached, 1);
  // With segments, boundaries are segment changes: web and api share "front", db is "data".
  const seg: SegmentView = {
    names: ['front', 'data'],
    sensitive: new Set(['data']),
    segmentsOf: (e) => (e.namespace === 'data' ? ['data'] : e.namespace === 'shop' ? ['front'] : []),
  };
  const s = blastFrom(a, { from: 'front', segments: seg });
  assert.equal(s.boundary, 'segment');
  assert.deepEqual(s.start.map((e) => e.id).sort(), ['shop/api[Deployment]', 'shop/tool[Deployment]', 'shop/web[Deployment]']);
  assert.deepEqual(s.sensitive, [{ name: 'data', reached: ['data/db[StatefulSet]'] }]);
  assert.equal(s.reached.find((e) => e.endpoint.id === 'data/db[StatefulSet]')!.boundaries, 1);
  assert.throws(() => blastFrom(a, { from: 'shop/web', targets: ['nowhere/*'] }), /matches no endpoint/);
});

test('ranking: riskiest first with a deterministic tie-break', () => {
  const r = blastRanking(load(chainText));
  assert.deepEqual(
    r.ranking.map((e) => [e.endpoint.id, e.reached, e.direct]),
    [
      ['shop/web[Deployment]', 2, 1],
      ['shop/api[Deployment]', 1, 1],
      ['data/db[StatefulSet]', 0, 0],
      ['shop/tool[Deployment]', 0, 0],
    ],
  );
  assert.deepEqual(blastRanking(load(chainText), { hops: 1 }).ranking.map((e) => e.reached), [1, 1, 0, 0]);
});

/** Plain BFS over pod-level endpoints using the reach listing's edges: the obviously-right version. */
function naiveReach(a: Analysis): Map<string, Map<string, number>> {
  const reach = computeReach(a, { level: 'pod' });
  const ids = reach.endpoints.filter((e) => e.kind !== 'External').map((e) => e.id);
  const adj = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const c of reach.connections) if (adj.has(c.src) && adj.has(c.dst)) adj.get(c.src)!.push(c.dst);
  const out = new Map<string, Map<string, number>>();
  for (const s of ids) {
    const dist = new Map<string, number>();
    let frontier = [s];
    for (let h = 1; frontier.length; h++) {
      const next: string[] = [];
      for (const v of frontier) for (const w of adj.get(v)!) if (w !== s && !dist.has(w)) (dist.set(w, h), next.push(w));
      frontier = next;
    }
    out.set(s, dist);
  }
  return out;
}

test('property: closure and BFS on the class graph agree with a plain BFS over pods', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const a = load(c.yaml, 'gen.yaml');
      const naive = naiveReach(a);
      const ranking = blastRanking(a, { level: 'pod' });
      for (const e of ranking.ranking) assert.equal(e.reached, naive.get(e.endpoint.id)!.size, `reached count of ${e.endpoint.id}`);
      for (const [src, dist] of naive) {
        const r = blastFrom(a, { from: src, level: 'pod' });
        const got = new Map(r.reached.filter((x) => x.endpoint.kind !== 'External').map((x) => [x.endpoint.id, x.hop]));
        assert.deepEqual(got, dist, `hops from ${src}`);
        // Every path is connected, starts at the source and each hop is allowed.
        for (const x of r.reached) {
          assert.equal(x.path.length, x.hop);
          assert.equal(x.path[0]!.from, src);
          x.path.forEach((h, i) => {
            assert.ok(!h.conns.isEmpty());
            if (i > 0) assert.equal(h.from, x.path[i - 1]!.to);
          });
        }
      }
    }),
    { numRuns: 150 },
  );
});

/**
 * Plain multi-source BFS over pods from the reach listing's edges: for each endpoint (its pods held at the
 * start), the other endpoints with a pod reached, those reached in one hop, and the outside blocks opened by
 * held pods; excluded pods are reached but never pivot, and with `hops` nothing goes further.
 */
function naiveRanking(a: Analysis, level: 'pod' | 'workload', excluded: (podId: string) => boolean, hops?: number): Map<string, { reached: number; direct: number; external: number }> {
  const reach = computeReach(a, { level: 'pod' });
  const ext = new Set(reach.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  const pods = reach.endpoints.filter((e) => e.kind !== 'External');
  const adj = new Map<string, string[]>(pods.map((p) => [p.id, []]));
  const out = new Map<string, string[]>(pods.map((p) => [p.id, []]));
  for (const c of reach.connections) {
    if (adj.has(c.src) && adj.has(c.dst)) adj.get(c.src)!.push(c.dst);
    else if (adj.has(c.src) && ext.has(c.dst)) out.get(c.src)!.push(c.dst);
  }
  const ownerOf = (id: string): string => (level === 'pod' ? id : a.pod(id)!.workload);
  const groups = new Map<string, string[]>();
  for (const p of pods) groups.set(ownerOf(p.id), [...(groups.get(ownerOf(p.id)) ?? []), p.id]);
  const result = new Map<string, { reached: number; direct: number; external: number }>();
  for (const [owner, start] of groups) {
    const dist = new Map<string, number>(start.map((p) => [p, 0]));
    const reached = new Set<string>();
    const direct = new Set<string>();
    const blocks = new Set<string>();
    let frontier = [...start];
    for (let h = 1; frontier.length && (hops === undefined || h <= hops); h++) {
      const next: string[] = [];
      for (const v of frontier) {
        if (h > 1 && excluded(v)) continue;
        for (const b of out.get(v)!) blocks.add(b);
        for (const w of adj.get(v)!) {
          if (ownerOf(w) !== owner) reached.add(ownerOf(w));
          if (h === 1 && ownerOf(w) !== owner) direct.add(ownerOf(w));
          if (!dist.has(w)) (dist.set(w, h), next.push(w));
        }
      }
      frontier = next;
    }
    result.set(owner, { reached: reached.size, direct: direct.size, external: blocks.size });
  }
  return result;
}

test('property: the ranking on behaviour nodes (workload and pod level, --exclude, --hops) agrees with a plain BFS over pods', () => {
  fc.assert(
    fc.property(clusterCaseArb, fc.nat(), fc.constantFrom(undefined, 1, 2), (c, pick, hops) => {
      const a = load(c.yaml, 'gen.yaml');
      if (a.inventory.pods.length === 0) return;
      const ns = a.inventory.pods[pick % a.inventory.pods.length]!.namespace;
      for (const exclude of [undefined, `${ns}/*`]) {
        for (const level of ['pod', 'workload'] as const) {
          const r = blastRanking(a, { level, ...(exclude ? { exclude: [exclude] } : {}), ...(hops ? { hops } : {}) });
          // An excluded endpoint's pods do not pivot; at workload level its pods are those of the excluded workloads.
          const excluded = (id: string): boolean => exclude !== undefined && a.pod(id)!.namespace === ns;
          const naive = naiveRanking(a, level, excluded, hops);
          for (const e of r.ranking) {
            const want = naive.get(e.endpoint.id)!;
            assert.deepEqual({ reached: e.reached, direct: e.direct, external: e.external }, want, `${level} ${exclude ?? ''} hops ${hops ?? '-'}: ${e.endpoint.id}`);
          }
        }
      }
    }),
    { numRuns: 120 },
  );
});

test('every format renders; dot draws the paths', () => {
  const a = load(chainText);
  const r = blastFrom(a, { from: 'shop/web', targets: ['data/db'] });
  const json = JSON.parse(BLAST_FORMATS.json(r)) as { schema: string; reached: Array<{ path: unknown[] }> };
  assert.equal(json.schema, 'bulkhead.blast/v1');
  assert.equal(json.reached[1]!.path.length, 2);
  const dot = BLAST_FORMATS.dot(r);
  assert.match(dot, /"shop\/web\[Deployment\]" -> "shop\/api\[Deployment\]" \[label="TCP 9000", color=red/);
  assert.match(dot, /"shop\/api\[Deployment\]" -> "data\/db\[StatefulSet\]"/);
  assert.match(BLAST_FORMATS.md(r), /<details>/);
  assert.match(BLAST_FORMATS.text(r), /data\/db: 1 reached/);
  assert.match(BLAST_FORMATS.text(blastRanking(a)), /^1 +2 +1 +- +shop\/web/m);
});

test('CLI: blast --from, --hops, errors', () => {
  const ok = runCli(['blast', CHAIN, '--from', 'shop/web', '--hops', '1', '-o', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { reached: unknown[] }).reached.length, 1);
  const bad = runCli(['blast', CHAIN, '--from', 'shop/nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no workload, pod or address matches/);
  assert.equal(runCli(['blast', CHAIN, '--hops', 'x']).code, 2);
});

test('10,000-pod cluster: ranking and --from stay fast', () => {
  const g = generateCluster(10_000, 7);
  const t0 = performance.now();
  const a = analyze(loadFromTexts(g.files).inventory);
  const t1 = performance.now();
  const ranking = blastRanking(a);
  const t2 = performance.now();
  const top = ranking.ranking[0]!.endpoint.id;
  const from = blastFrom(a, { from: top });
  const t3 = performance.now();
  console.log(`10k pods (${g.stats.workloads} workloads, ${a.layer.classes.length} classes): load+analyze ${(t1 - t0).toFixed(0)} ms, ranking ${(t2 - t1).toFixed(0)} ms, --from ${(t3 - t2).toFixed(0)} ms`);
  assert.equal(a.inventory.pods.length, g.stats.pods);
  assert.equal(from.summary.reached, ranking.ranking[0]!.reached);
  assert.ok(t2 - t1 < 20_000, `ranking took ${(t2 - t1).toFixed(0)} ms`);
});

test('CLI with --intent: --from a segment, sensitive segments highlighted, boundaries are segments', () => {
  const r = runCli(['blast', 'test/fixtures/diff/new.yaml', '--intent', 'test/fixtures/diff/intent.yaml', '--from', 'batch', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { boundary: string; sensitive: Array<{ name: string; reached: string[] }>; reached: Array<{ endpoint: { id: string }; boundaries: number; segments: string[] }> };
  assert.equal(doc.boundary, 'segment');
  assert.deepEqual(doc.sensitive, [{ name: 'db', reached: ['app/db[Deployment]'] }]);
  const db = doc.reached.find((e) => e.endpoint.id === 'app/db[Deployment]')!;
  assert.deepEqual(db.segments, ['db']);
  assert.equal(db.boundaries, 1);
  // Before the label change, batch reaches nothing sensitive.
  const before = runCli(['blast', 'test/fixtures/diff/old.yaml', '--intent', 'test/fixtures/diff/intent.yaml', '--from', 'batch', '-o', 'json']);
  assert.deepEqual((JSON.parse(before.stdout) as { sensitive: unknown }).sensitive, [{ name: 'db', reached: [] }]);
  const ranking = runCli(['blast', 'test/fixtures/diff/new.yaml', '--intent', 'test/fixtures/diff/intent.yaml']);
  assert.match(ranking.stdout, /sensitive: db/);
});

test('blast --exclude: a pivot everyone reaches (cluster DNS) is left out of paths and the ranking, and the report says so', () => {
  const shop = 'examples/shop';
  const before = runCli(['blast', shop, '-q', '-f', 'json']);
  const after = runCli(['blast', shop, '-q', '-f', 'json', '--exclude', 'kube-system/coredns']);
  assert.equal(after.code, 0, after.stderr);
  const b = JSON.parse(before.stdout);
  const x = JSON.parse(after.stdout);
  assert.deepEqual(x.excluded, { specs: ['kube-system/coredns'], endpoints: ['kube-system/coredns[Deployment]'] });
  assert.ok(!x.ranking.some((e: { id: string }) => e.id === 'kube-system/coredns[Deployment]'), 'not ranked');
  const reached = (d: { ranking: Array<{ id: string; reached: number }> }, id: string): number => d.ranking.find((e) => e.id === id)!.reached;
  // Through DNS the production database reaches everything; without that pivot it reaches only DNS.
  assert.equal(reached(b, 'shop-prod/postgres[StatefulSet]'), 13);
  assert.equal(reached(x, 'shop-prod/postgres[StatefulSet]'), 1);
  assert.ok(new Set(x.ranking.map((e: { reached: number }) => e.reached)).size > new Set(b.ranking.map((e: { reached: number }) => e.reached)).size, 'fewer ties');
  assert.match(runCli(['blast', shop, '-q', '--exclude', 'kube-system/coredns']).stdout, /^Excluded as pivots \(kube-system\/coredns\): kube-system\/coredns\[Deployment\]/m);
  // From one endpoint: DNS is still reached, but no path goes on from it.
  const from = JSON.parse(runCli(['blast', shop, '-q', '-f', 'json', '--from', 'shop-prod/postgres', '--exclude', 'kube-system/coredns']).stdout);
  assert.deepEqual(from.reached.map((e: { endpoint: { id: string } }) => e.endpoint.id), ['kube-system/coredns[Deployment]']);
  assert.equal(runCli(['blast', shop, '-q', '--exclude', 'nowhere/nothing']).code, 2);
});

test('blast: a segment marked infrastructure in the intent is excluded as a pivot', () => {
  const intent = readFileSync(fileURLToPath(new URL('../../examples/shop/bulkhead.yaml', import.meta.url)), 'utf8');
  const marked = intent.replace(/^( {2}dns: +\{.*)\}$/m, '$1, infrastructure: true}');
  assert.notEqual(marked, intent, 'the shop intent has a dns segment to mark');
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-blast-'));
  writeFileSync(join(dir, 'intent.yaml'), marked);
  const r = runCli(['blast', 'examples/shop', '-q', '-f', 'json', '--intent', join(dir, 'intent.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.deepEqual(d.excluded.specs, ['dns']);
  assert.ok(d.excluded.endpoints.includes('kube-system/coredns[Deployment]'));
});
