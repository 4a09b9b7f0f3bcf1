/**
 * The live cluster source against a test API server speaking the real wire protocol, through the real
 * @kubernetes/client-node and a generated kubeconfig: the same answers as the same objects read as files,
 * snapshots that read back to the same inventory, paging, expired continue tokens, refusals, absent CRDs,
 * read-only access, and credentials that never reach an output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CRD_RESOURCES, TestApiServer, manifestsOf } from './helpers/k8s-api-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { ClusterClient, inventoryOf } from '../src/sources/k8s/live/index.js';
import { readCluster } from '../src/sources/k8s/live/read.js';
import { loadFromPaths } from '../src/sources/k8s/index.js';
import type { Inventory } from '../src/inventory/types.js';
import { UserError } from '../src/util/errors.js';
import { clusterRoleYaml } from '../src/sources/k8s/live/rbac.js';
import { discoverResources } from '../src/sources/k8s/live/discovery.js';

const TOKEN = 'bh-test-token-6f1c2a9e8d';
const SHOP = join(REPO_ROOT, 'examples/shop');
const FIXTURE = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/live/cluster.json'), 'utf8')) as { items: Record<string, unknown>[] };

/** The inventory without provenance, each list in a fixed order: what must not depend on where objects came from. */
function canonical(inv: Inventory): Record<string, string[]> {
  const strip = (v: unknown): string => JSON.stringify(v, (k, x: unknown) => (k === 'source' ? undefined : typeof x === 'bigint' ? x.toString() : x));
  return Object.fromEntries(Object.entries(inv).map(([k, list]) => [k, (list as unknown[]).map(strip).sort()]));
}

const servers: TestApiServer[] = [];
async function serve(objects: readonly Record<string, unknown>[], opts: ConstructorParameters<typeof TestApiServer>[1] = {}): Promise<{ s: TestApiServer; kc: string }> {
  const s = new TestApiServer(objects, { token: TOKEN, ...opts });
  await s.start();
  servers.push(s);
  return { s, kc: s.kubeconfig() };
}
after(async () => {
  for (const s of servers) await s.stop();
});

let shop: { s: TestApiServer; kc: string };
before(async () => {
  shop = await serve(manifestsOf(SHOP));
});

test('reach from --cluster prints what reach prints for the same objects read as files', async () => {
  for (const args of [['reach'], ['reach', '--level', 'pod'], ['reach', '--summary', '--to', 'shop-prod/']]) {
    const files = await runCliAsync([...args, 'examples/shop', '--no-settings']);
    const live = await runCliAsync([...args, '--kubeconfig', shop.kc, '--no-settings']);
    assert.equal(files.code, 0, files.stderr);
    assert.equal(live.code, 0, live.stderr);
    assert.ok(live.stdout.split('\n').length > 20);
    assert.equal(live.stdout, files.stdout, args.join(' '));
    assert.ok(!live.stdout.includes(TOKEN) && !live.stderr.includes(TOKEN));
  }
});

test('audit from --cluster finds what audit finds in the files, located at live references', async () => {
  const intent = join(SHOP, 'bulkhead.yaml');
  const files = await runCliAsync(['audit', 'examples/shop', '--intent', intent, '-f', 'json', '--no-settings']);
  const live = await runCliAsync(['audit', '--cluster', '--kubeconfig', shop.kc, '--intent', intent, '-f', 'json', '--no-settings']);
  const f = JSON.parse(files.stdout) as { findings: Array<{ id: string; location: { file: string; line: number } | null }> };
  const l = JSON.parse(live.stdout) as typeof f;
  // Findings are ordered by location, which differs: compared as a set, by id.
  // Evidence pairs carry the rule's location too: a file line on one side, a live reference on the other.
  const noLoc = (x: typeof f): unknown =>
    x.findings
      .map((y) => ({ ...y, location: y.location ? 'located' : null, related: undefined, evidence: (y as { evidence?: Array<{ location?: unknown }> }).evidence?.map((e) => ({ ...e, location: e.location ? 'located' : null })) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.deepEqual(noLoc(l), noLoc(f));
  assert.ok(l.findings.length > 20);
  for (const x of l.findings) if (x.location && x.location.file !== intent) assert.match(x.location.file, /^test-cluster\/([a-z0-9-]+\/)?[A-Za-z]+\/[a-z0-9.-]+@\d+$/);
  const text = await runCliAsync(['audit', '--cluster', '--kubeconfig', shop.kc, '--intent', intent, '--no-settings']);
  assert.match(text.stdout, /error {3}test-cluster\/shop-prod\/NetworkPolicy\/postgres@\d+ {2}NetworkPolicy shop-prod\/postgres/);
  const sarif = JSON.parse((await runCliAsync(['audit', '--cluster', '--kubeconfig', shop.kc, '--intent', intent, '-f', 'sarif', '--no-settings'])).stdout) as {
    runs: Array<{ results: Array<{ locations?: Array<{ physicalLocation?: unknown; logicalLocations?: Array<{ fullyQualifiedName?: string }> }> }> }>;
  };
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv-draft-04') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const addFormats = require('ajv-formats') as (a: unknown) => void;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object);
  assert.ok(validate(sarif), JSON.stringify(validate.errors));
  const locs = sarif.runs[0]!.results.flatMap((r) => r.locations ?? []);
  assert.ok(locs.length > 0);
  for (const loc of locs) {
    // Findings on the intent point at its line; findings on live objects have no file to annotate.
    if (loc.physicalLocation) assert.match(JSON.stringify(loc.physicalLocation), /bulkhead\.yaml/);
    else assert.match(loc.logicalLocations![0]!.fullyQualifiedName!, /^test-cluster\//);
  }
  assert.ok(locs.some((l) => !l.physicalLocation));
});

test('every command reads --cluster: explain, blast, init, test, diff against files', async () => {
  const base = ['--kubeconfig', shop.kc, '--no-settings'];
  const explain = await runCliAsync(['explain', ...base, '--from', 'shop-dev/api', '--to', 'shop-prod/postgres']);
  assert.equal(explain.code, 0, explain.stderr);
  assert.match(explain.stdout, /ALLOWED \(TCP 5432\)/);
  assert.match(explain.stdout, /shop-prod\/postgres ingress rule #1 \(test-cluster\/shop-prod\/NetworkPolicy\/postgres@\d+\)/);
  const blast = await runCliAsync(['blast', ...base, '--from', 'shop-prod/frontend']);
  assert.equal(blast.code, 0, blast.stderr);
  assert.match(blast.stdout, /Blast radius from shop-prod\/frontend\[Deployment\]/);
  const init = await runCliAsync(['init', ...base, '--output-file', '-']);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /bulkhead init --cluster/);
  const t = await runCliAsync(['test', '--kubeconfig', shop.kc, '--intent', join(SHOP, 'bulkhead.yaml'), '--no-generate']);
  const tf = await runCliAsync(['test', 'examples/shop', '--intent', join(SHOP, 'bulkhead.yaml'), '--no-generate']);
  assert.equal(t.code, tf.code);
  const norm = (x: string): string => x.replace(/test-cluster\/[^\s):]+/g, 'LOC').replace(/examples\/shop\/[\w.-]+:\d+/g, 'LOC');
  assert.equal(norm(t.stdout), norm(tf.stdout));
  const diff = await runCliAsync(['diff', 'examples/shop', ...base]);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /examples\/shop → cluster test-cluster/);
  assert.match(diff.stdout, /No connectivity change|0 pairs opened, 0 closed/);
  const diffPr = await runCliAsync(['diff', 'examples/shop-pr', ...base]);
  assert.match(diffPr.stdout, /1 pair opened|7 pairs? opened|opened/);
  assert.equal(shop.s.writes().length, 0, 'reading uses GET only');
});

test('the live inventory equals the file inventory of the same objects', async () => {
  const read = await readCluster(await ClusterClient.connect({ kubeconfig: shop.kc }));
  const live = inventoryOf(read);
  const files = await loadFromPaths([SHOP]);
  assert.deepEqual(canonical(live.inventory), canonical(files.inventory));
  // The intent file beside the manifests is the only document of the directory that is not an object.
  assert.deepEqual(live.diagnostics.map((d) => d.code).sort(), files.diagnostics.map((d) => d.code).filter((c) => c !== 'intent-file').sort());
  const pol = live.inventory.policies.find((p) => p.id === 'shop-prod/postgres')!;
  assert.match(pol.source.file, /^test-cluster\/shop-prod\/NetworkPolicy\/postgres@\d+$/);
  assert.equal(pol.source.line, 0);
});

test('collect writes a snapshot that the file source reads back to the identical inventory', async () => {
  const { kc, s } = await serve(FIXTURE.items, { crds: [CRD_RESOURCES['CiliumNetworkPolicy']!] });
  const dir = join(mkdtempSync(join(tmpdir(), 'bh-snap-')), 'snap');
  const r = await runCliAsync(['collect', '--cluster', '--kubeconfig', kc, dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote \d+ object\(s\) of \d+ kind\(s\) from cluster test-cluster/);
  assert.ok(!r.stderr.includes(TOKEN) && !r.stdout.includes(TOKEN));
  const read = await readCluster(await ClusterClient.connect({ kubeconfig: kc }));
  const live = inventoryOf(read);
  const back = await loadFromPaths([dir]);
  assert.deepEqual(canonical(back.inventory), canonical(live.inventory));
  // Owner chains to the top workload, real addresses and nodes, hostNetwork, the finished pod left out.
  const api = live.inventory.pods.filter((p) => p.workload === 'web/api[Deployment]');
  assert.deepEqual(api.map((p) => [p.name, p.ips, p.nodeName, p.synthetic]), [
    ['api-7c9f8d6b5-q8w4z', ['10.244.2.23'], 'node-b', false],
    ['api-7c9f8d6b5-x2k9p', ['10.244.1.17'], 'node-a', false],
  ]);
  assert.ok(live.inventory.pods.some((p) => p.id === 'kube-system/node-exporter-7hh2m' && p.hostNetwork));
  assert.ok(!live.inventory.pods.some((p) => p.name.startsWith('migrate-')));
  assert.deepEqual(live.inventory.unmodelled.map((u) => u.kind), ['CiliumNetworkPolicy']);
  // The same commands give the same answers on the snapshot as on the cluster.
  const fromCluster = await runCliAsync(['reach', '--kubeconfig', kc, '--level', 'pod', '--no-settings']);
  const fromSnap = await runCliAsync(['reach', dir, '--level', 'pod', '--no-settings']);
  // Caveats are listed in reading order, which differs (kinds in discovery order, files by name): compared as sets.
  const lines = (x: string): string[] => x.split('\n').sort();
  assert.deepEqual(lines(fromCluster.stdout.replace(/test-cluster\/[^\s):]+/g, 'LOC')), lines(fromSnap.stdout.replace(/[^\s(]+\.json:\d+/g, 'LOC')));
  // Nothing secret in the snapshot: the token, literal environment values, the last-applied copy of them.
  const all = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  assert.ok(all.includes('10.244.2.23'));
  for (const secret of [TOKEN, 'hunter2-literal-secret', 'last-applied-configuration', 'managedFields']) assert.ok(!all.includes(secret), secret);
  assert.ok(readdirSync(dir).includes('nodes.json') && readdirSync(dir).includes('services.json'));
  // A second collect into the same snapshot replaces it; a foreign directory is refused.
  assert.equal((await runCliAsync(['collect', '--kubeconfig', kc, dir, '-q'])).code, 0);
  const foreign = await runCliAsync(['collect', '--kubeconfig', kc, join(REPO_ROOT, 'examples')]);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /not empty and not a Bulkhead snapshot/);
  assert.equal(s.writes().length, 0);
});

test('lists are paged with limit and continue, and an expired continue token restarts the list', async () => {
  const { kc, s } = await serve(manifestsOf(SHOP), { expireContinues: 2 });
  const client = await ClusterClient.connect({ kubeconfig: kc });
  const paged = inventoryOf(await readCluster(client, { limit: 2 }));
  const whole = inventoryOf(await readCluster(client));
  assert.deepEqual(canonical(paged.inventory), canonical(whole.inventory));
  const pages = s.log.filter((l) => l.query['continue']);
  assert.ok(pages.length > 5, `continue used ${pages.length} times`);
  assert.ok(s.log.every((l) => !l.path.endsWith('/deployments') || l.query['limit'] !== undefined), 'every list names a limit');
  // The two expired tokens restarted their lists from the start: more first pages than resource types.
  const firstPages = s.log.filter((l) => l.query['limit'] === '2' && !l.query['continue']);
  const types = new Set(firstPages.map((l) => l.path));
  assert.equal(firstPages.length, types.size + 2);
});

test('a continue token that keeps expiring is a clear error, not a partial list', async () => {
  const { kc } = await serve(manifestsOf(SHOP), { expireContinues: 1000 });
  await assert.rejects(readCluster(await ClusterClient.connect({ kubeconfig: kc }), { limit: 1 }), (e: Error) => e instanceof UserError && /expired the continue token 4 times \(410 Gone\)/.test(e.message));
});

test('401 and 403 name the credentials or the missing permission; a forbidden layer is a caveat, not a crash', async () => {
  const { kc } = await serve(manifestsOf(SHOP), { forbid: ['list pods'] });
  const r = await runCliAsync(['reach', '--kubeconfig', kc]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /forbidden: context test lacks the permission to list pods \(403 Forbidden, for pods in all namespaces\); the API server says: pods is forbidden: User "system:serviceaccount:audit:bulkhead" cannot list resource "pods"/);
  assert.match(r.stderr, /docs\/live\.md/);

  const cil = await serve([...manifestsOf(SHOP)], { crds: [CRD_RESOURCES['CiliumNetworkPolicy']!], forbid: ['list ciliumnetworkpolicies'] });
  const c = await runCliAsync(['reach', '--kubeconfig', cil.kc, '-f', 'json']);
  assert.equal(c.code, 0, c.stderr);
  const doc = JSON.parse(c.stdout) as { diagnostics: Array<{ code: string; message: string }>; bound?: string };
  const d = doc.diagnostics.find((x) => x.code === 'live-unreadable');
  assert.ok(d, 'the unreadable layer is in the report');
  assert.match(d.message, /CiliumNetworkPolicy \(cilium\.io\/v2\) could not be read/);

  const bad = new TestApiServer(manifestsOf(SHOP), { token: 'another-token' });
  await bad.start();
  servers.push(bad);
  // Its kubeconfig, with a token this server does not accept.
  const f = join(mkdtempSync(join(tmpdir(), 'bh-kube-')), 'config');
  writeFileSync(f, readFileSync(bad.kubeconfig(undefined, 'prod-eu'), 'utf8').replace('another-token', TOKEN));
  const u = await runCliAsync(['audit', '--kubeconfig', f]);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /the cluster prod-eu \(http:\/\/127\.0\.0\.1:\d+\) refused the credentials of context test \(401 Unauthorized\)/);
  assert.ok(!u.stderr.includes(TOKEN) && !u.stdout.includes(TOKEN), 'the token is never printed');
});

test('an absent CRD is not an error, an installed one is read and warned about', async () => {
  // The shop server has no CRDs: discovery says so, and nothing is asked of cilium.io.
  assert.ok(!shop.s.log.some((l) => l.path.includes('cilium')));
  const { kc, s } = await serve([
    ...manifestsOf(SHOP),
    { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'lock', namespace: 'shop-prod' }, spec: { endpointSelector: { matchLabels: { app: 'api' } } } },
  ], { crds: [CRD_RESOURCES['CiliumNetworkPolicy']!, CRD_RESOURCES['AdminNetworkPolicy']!] });
  const r = await runCliAsync(['reach', '--kubeconfig', kc, '--from', 'shop-prod/api']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Caveats: .*\n {2}warning test-cluster\/shop-prod\/CiliumNetworkPolicy\/lock@\d+: CiliumNetworkPolicy shop-prod\/lock \(cilium\.io\/v2\) is not evaluated/);
  assert.ok(s.log.some((l) => l.path === '/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies'));
});

test('--namespace limits what is read; --context picks the context; bad kubeconfigs are clear errors', async () => {
  const r = await runCliAsync(['reach', '--kubeconfig', shop.kc, '-n', 'shop-prod,payments', '--no-settings']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('shop-prod/api[Deployment]'));
  assert.ok(!r.stdout.includes('shop-dev/'), 'other namespaces are not read');
  assert.ok(shop.s.log.some((l) => l.path === '/api/v1/namespaces/payments/pods'));
  const missing = await runCliAsync(['reach', '--kubeconfig', shop.kc, '-n', 'nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no namespace nope in the cluster test-cluster/);
  const ctx = await runCliAsync(['reach', '--kubeconfig', shop.kc, '--context', 'missing']);
  assert.equal(ctx.code, 2);
  assert.match(ctx.stderr, /no context "missing" in the kubeconfig\nhint: contexts: test, other/);
  const nofile = await runCliAsync(['reach', '--kubeconfig', '/nonexistent/kubeconfig']);
  assert.match(nofile.stderr, /cannot read kubeconfig \/nonexistent\/kubeconfig/);
  const noinput = await runCliAsync(['reach']);
  assert.equal(noinput.code, 2);
  assert.match(noinput.stderr, /no inputs/);
  const down = new TestApiServer([]);
  const url = await down.start();
  const kcDown = down.kubeconfig();
  await down.stop();
  const refused = await runCliAsync(['reach', '--kubeconfig', kcDown]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`cannot reach the cluster test-cluster at ${url.replace(/\./g, '\\.')}: connection refused`));
});

test('progress is quiet when stderr is not a terminal; KUBECONFIG is honoured', async () => {
  const r = await runCliAsync(['reach', '--cluster', '--no-settings'], { env: { KUBECONFIG: shop.kc } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
});

test('docs/live.md shows the ClusterRole the source needs, and it covers every resource read', async () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/live.md'), 'utf8');
  assert.ok(doc.includes(clusterRoleYaml()), 'docs/live.md has the generated ClusterRole');
  const { kc } = await serve([], { crds: Object.values(CRD_RESOURCES) });
  const types = await discoverResources(await ClusterClient.connect({ kubeconfig: kc }));
  assert.ok(types.length >= 14);
  const role = clusterRoleYaml();
  for (const t of types) {
    const byResource = new RegExp(`apiGroups: \\["${t.group.replace(/\./g, '\\.')}"\\]\\n    resources: \\[[^\\]]*"${t.resource}"`);
    const byGroup = new RegExp(`\\n      - ${t.group.replace(/\./g, '\\.')}\\n(      - .*\\n)*    resources: \\["\\*"\\]`);
    assert.ok(byResource.test(role) || (t.group !== '' && byGroup.test(role)), `${t.group}/${t.resource}`);
  }
  assert.ok(!/secrets|configmaps/.test(role));
});
