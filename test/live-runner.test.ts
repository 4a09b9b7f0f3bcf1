/**
 * The live runner of `bulkhead test` against the test API server: probe pods per source with the source's
 * namespace and labels, observations from their termination messages (scripted here, so one can differ
 * from the model), the three-way report, and every probe pod deleted, also after Ctrl-C.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestApiServer, manifestsOf, withPods, type ApiObject } from './helpers/k8s-api-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { PROBES_ANNOTATION, parseOutcomes, probeScript } from '../src/lab/live-runner.js';

const SHOP = join(REPO_ROOT, 'examples/shop');
const INTENT = join(SHOP, 'bulkhead.yaml');
const servers: TestApiServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

interface TestJson {
  runner: string;
  results: Array<{ id: number; protocol: string; from: { id: string; pod?: string }; model: string; observed?: string; status: string; disagreement: boolean }>;
  summary: { disagreements: number; skipped: number; probes: number };
}

test('probe pods run the checks from real pods; a disagreement with the model is reported; everything is cleaned up', async () => {
  const objects = withPods(manifestsOf(SHOP));
  // The model's verdicts, by check id, from the same cluster: what a faithful network would answer.
  const model = new TestApiServer(objects);
  await model.start();
  servers.push(model);
  const m = JSON.parse((await runCliAsync(['test', '--kubeconfig', model.kubeconfig(), '--intent', INTENT, '-f', 'json'])).stdout) as TestJson;
  const verdicts = new Map(m.results.map((r) => [r.id, r.model]));
  const flipped = m.results.find((r) => r.protocol === 'TCP' && r.model === 'allow' && r.from.id.startsWith('shop-prod/frontend'))!.id;
  const seenPods: ApiObject[] = [];
  const s = new TestApiServer(objects, {
    podDelayMs: 10,
    probe: (pod) => {
      seenPods.push(pod);
      const probes = JSON.parse(String((pod.metadata['annotations'] as Record<string, string>)[PROBES_ANNOTATION])) as Array<{ id: number }>;
      return probes.map((p) => `${p.id} ${(verdicts.get(p.id) === 'allow') !== (p.id === flipped) ? 'open' : 'closed'}`).join('\n');
    },
  });
  await s.start();
  servers.push(s);
  const r = await runCliAsync(['test', '--runner', 'live', '--kubeconfig', s.kubeconfig(), '--intent', INTENT, '-f', 'json', '--concurrency', '3']);
  assert.equal(r.code, 1, r.stderr); // the shop's intent fails, and the flipped check disagrees
  const run = JSON.parse(r.stdout) as TestJson;
  assert.equal(run.runner, 'live');
  // From a pod, over TCP: probed; from an outside address, or UDP: not probed, and the report says so.
  const tcp = run.results.filter((x) => x.protocol === 'TCP' && x.from.pod !== undefined);
  assert.ok(tcp.length > 20, `${tcp.length} probed`);
  assert.equal(run.summary.probes, tcp.length);
  for (const x of tcp) {
    assert.equal(x.observed, x.id === flipped ? (x.model === 'allow' ? 'deny' : 'allow') : x.model, `check ${x.id}`);
    assert.equal(x.disagreement, x.id === flipped);
  }
  for (const x of run.results.filter((y) => !tcp.includes(y))) assert.equal(x.observed, 'skipped');
  assert.equal(run.summary.disagreements, 1);
  // Each probe pod: the source's namespace and labels, owned by the source pod, a test plan, no token.
  assert.ok(seenPods.length >= 5);
  const pods = s.objectsOf('Pod');
  for (const p of seenPods) {
    const src = String((p.metadata['annotations'] as Record<string, string>)['bulkhead.io/probe-source']);
    const [ns, name] = src.split('/');
    assert.equal(p.metadata['namespace'], ns);
    const orig = pods.find((x) => x.metadata['namespace'] === ns && x.metadata['name'] === name)!;
    assert.deepEqual(p.metadata['labels'], orig.metadata['labels']);
    assert.equal((p.metadata['ownerReferences'] as Array<{ uid: string }>)[0]!.uid, orig.metadata['uid']);
    assert.equal((p['spec'] as { automountServiceAccountToken: boolean }).automountServiceAccountToken, false);
  }
  assert.equal(s.created.size, 0, `left behind: ${[...s.created].join(', ')}`);
  assert.equal(s.deleted.length, seenPods.length);
  // Writes are the probe pods' create and delete only.
  assert.ok(s.writes().every((w) => (w.method === 'POST' && /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(w.path)) || (w.method === 'DELETE' && /\/pods\/bulkhead-probe-/.test(w.path))));
  // The text report has the three ways: expected, model, observed.
  const text = await runCliAsync(['test', '--runner', 'live', '--kubeconfig', s.kubeconfig(), '--intent', INTENT, '-q']);
  assert.match(text.stdout, /expected (allow|deny), model (allow|deny), live (allow|deny)/);
  assert.match(text.stdout, /runner live/);
});

test('an interrupted live run deletes the probe pods it created', async () => {
  const s = new TestApiServer(withPods(manifestsOf(SHOP)), { podDelayMs: 60_000, probe: () => '' });
  await s.start();
  servers.push(s);
  const r = await runCliAsync(['test', '--runner', 'live', '--kubeconfig', s.kubeconfig(), '--intent', INTENT], { signalAfter: 'live: created probe pod' });
  assert.equal(r.code, 130, r.stderr);
  assert.ok(s.deleted.length >= 1, r.stderr);
  assert.equal(s.created.size, 0, `left behind: ${[...s.created].join(', ')}`);
  assert.match(r.stderr, /live: deleted probe pod shop-/);
});

test('--runner live needs a cluster; the probe script and its outcomes', async () => {
  const r = await runCliAsync(['test', 'examples/shop', '--runner', 'live']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--runner live probes a cluster/);
  const script = probeScript([{ id: 3, ip: '10.0.0.7', port: 5432 }, { id: 9, ip: '10.0.0.8', port: 80 }], 1500);
  assert.match(script, /^p 3 10\.0\.0\.7 5432$/m);
  assert.match(script, /nc -z -w 2 /);
  assert.deepEqual([...parseOutcomes('3 open\n9 closed\ngarbage\n')], [[3, 'open'], [9, 'closed']]);
});

test('--ephemeral probes from an ephemeral container of each source pod and reports what it left', async () => {
  const objects = withPods(manifestsOf(SHOP));
  const s = new TestApiServer(objects, {
    podDelayMs: 10,
    probe: (pod) => (JSON.parse(String((pod.metadata['annotations'] as Record<string, string>)[PROBES_ANNOTATION])) as Array<{ id: number; port: number }>).map((p) => `${p.id} ${p.port === 9000 ? 'open' : 'closed'}`).join('\n'),
  });
  await s.start();
  servers.push(s);
  const r = await runCliAsync(['test', '--runner', 'live', '--ephemeral', '--kubeconfig', s.kubeconfig(), '--intent', INTENT, '--no-generate', '-f', 'json']);
  const run = JSON.parse(r.stdout) as TestJson & { notes: string[] };
  const probed = run.results.filter((x) => x.observed === 'allow' || x.observed === 'deny');
  assert.ok(probed.length > 10);
  for (const x of probed) assert.equal(x.observed, x.protocol === 'TCP' && (x as unknown as { port: number }).port === 9000 ? 'allow' : 'deny');
  // No pod created: a strategic-merge patch of pods/ephemeralcontainers per source pod, which stays.
  assert.equal(s.writes().filter((w) => w.method === 'POST').length, 0);
  const patches = s.writes().filter((w) => w.method === 'PATCH');
  assert.ok(patches.length >= 5 && patches.every((w) => w.path.endsWith('/ephemeralcontainers')));
  const withEphemeral = s.objectsOf('Pod').filter((p) => ((p['spec'] as { ephemeralContainers?: unknown[] }).ephemeralContainers ?? []).length > 0);
  assert.equal(withEphemeral.length, patches.length);
  assert.ok(run.notes.some((n) => n.startsWith(`${patches.length} ephemeral container(s) were added and cannot be removed`)), run.notes.join('\n'));
  assert.match(r.stderr, /live: left \d+ ephemeral container\(s\), which Kubernetes cannot remove/);
});

test('--live-cleanup deletes the probe pods a killed run left, and nothing else', async () => {
  const objects = withPods(manifestsOf(SHOP));
  const leftover = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bulkhead-probe-old-1', namespace: 'shop-dev', annotations: { [PROBES_ANNOTATION]: '[]' } }, spec: { containers: [] } };
  const lookalike = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bulkhead-probe-mine', namespace: 'shop-dev' }, spec: { containers: [] } };
  const s = new TestApiServer([...objects, leftover, lookalike]);
  await s.start();
  servers.push(s);
  const before = s.objectsOf('Pod').length;
  const r = await runCliAsync(['test', '--live-cleanup', '--kubeconfig', s.kubeconfig()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'deleted 1 probe pod(s): shop-dev/bulkhead-probe-old-1\n');
  assert.equal(s.objectsOf('Pod').length, before - 1);
  assert.equal((await runCliAsync(['test', '--live-cleanup', '--kubeconfig', s.kubeconfig()])).stdout, 'no probe pods left\n');
});
