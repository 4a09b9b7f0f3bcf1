/** diff -n/-l: only changed connections with an endpoint in scope; counts, drift, objects and the gate follow them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { diffAnalyses, type DiffResult } from '../src/analyses/diff.js';
import { scopeDiff } from '../src/analyses/diff-scope.js';
import { endpointScope } from '../src/analyses/endpoint-filter.js';
import { clusterEndpoints } from '../src/analyses/endpoints.js';
import { diffText } from '../src/reports/diff/text.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

function analysisOf(dir: string): ReturnType<typeof analyze> {
  const path = join(REPO_ROOT, dir);
  const texts = readdirSync(path)
    .filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml')
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(path, f), 'utf8') }));
  return analyze(loadFromTexts(texts).inventory);
}

const intent = loadIntent('examples/shop/bulkhead.yaml', readFileSync(join(REPO_ROOT, 'examples/shop/bulkhead.yaml'), 'utf8'));
const oldA = analysisOf('examples/shop');
const newA = analysisOf('examples/shop-pr');
const full = diffAnalyses(oldA, newA, { intent, oldName: 'examples/shop', newName: 'examples/shop-pr' });
const workloads = new Map([oldA, newA].flatMap((a) => clusterEndpoints(a, 'workload').map((r) => [r.endpoint.id, r.endpoint] as const)));

function narrowed(spec: Parameters<typeof endpointScope>[0]): DiffResult {
  return scopeDiff(full, endpointScope(spec)!, (id) => workloads.get(id));
}

const nsOf = (id: string): string | undefined => workloads.get(id)?.namespace;

test('diff -n NS keeps exactly the changed pairs with an endpoint in NS; summary and object counts follow', () => {
  assert.ok(full.changes.length >= 5, 'the example changes several pairs');
  const namespaces = [...new Set([...workloads.values()].map((e) => e.namespace!))].sort();
  for (const n of namespaces) {
    const r = narrowed({ namespaces: [n] });
    assert.deepEqual(r.changes, full.changes.filter((c) => nsOf(c.src) === n || nsOf(c.dst) === n), n);
    assert.deepEqual(r.scope, { filter: `-n ${n}`, total: full.changes.length });
    assert.equal(r.summary.added + r.summary.removed + r.summary.changed, r.changes.length);
    for (const o of r.objects) assert.equal(o.explains, r.changes.filter((c) => c.causes.includes(o.key)).length, o.key);
    for (const x of r.exposure) assert.equal(nsOf(x.endpoint), n);
    // Drift: the items of the scope, counted again.
    const d = r.drift!;
    const items = [...d.introduced, ...d.fixed];
    for (const x of items) assert.ok(nsOf(x.src) === n || nsOf(x.dst) === n, `${x.src} -> ${x.dst}`);
    assert.equal(d.introducedPaths, new Set(d.introduced.map((x) => `${x.src} ${x.dst}`)).size);
    assert.equal(d.fixedPaths, new Set(d.fixed.map((x) => `${x.src} ${x.dst}`)).size);
  }
});

test('diff -l: the pairs with an endpoint whose labels match, and the report says which filter', () => {
  const r = narrowed({ selector: 'app=redis' });
  const match = (id: string): boolean => workloads.get(id)?.labels?.['app'] === 'redis';
  assert.deepEqual(r.changes, full.changes.filter((c) => match(c.src) || match(c.dst)));
  assert.ok(r.changes.length > 0 && r.changes.length < full.changes.length);
  assert.match(diffText(r), new RegExp(`\\(filter -l app=redis: ${r.changes.length} of ${full.changes.length} changed pairs have an endpoint in scope\\)`));
  const none = narrowed({ namespaces: ['no-such-namespace'] });
  assert.equal(none.changes.length, 0);
  assert.match(diffText(none), /No connectivity change with an endpoint in scope \(filter -n no-such-namespace\)/);
});

test('diff CLI: --fail-on new-violation judges the filtered change; JSON names the scope', () => {
  const args = ['diff', 'examples/shop', 'examples/shop-pr', '--intent', 'examples/shop/bulkhead.yaml', '-q', '--fail-on', 'new-violation'];
  assert.equal(runCli(args).code, 1, 'the whole change opens a violating path (web to data)');
  const dev = runCli([...args, '-n', 'shop-dev', '-o', 'json']);
  assert.equal(dev.code, 0, `shop-dev only closes paths: ${dev.stderr}`);
  const doc = JSON.parse(dev.stdout) as { scope: { filter: string; total: number; shown: number }; changes: unknown[]; summary: { removed: number } };
  assert.deepEqual(doc.scope, { filter: '-n shop-dev', total: full.changes.length, shown: doc.changes.length });
  assert.equal(doc.summary.removed, doc.changes.length);
  assert.equal(runCli([...args, '-l', 'app=redis']).code, 1, 'the new frontend to redis path is in the scope of app=redis');
});
