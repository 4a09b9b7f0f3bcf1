// Change impact: connectivity opened and closed with the object changes that cause it, on crafted cases
// (a path opened only through named-port resolution, a label change with no policy change, outside blocks
// cut differently on each side), and git revisions read from a temporary repository.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { diffAnalyses, type DiffResult } from '../src/analyses/diff.js';
import { parseGitSpec, readGitInputs } from '../src/sources/git.js';
import { DIFF_FORMATS } from '../src/reports/diff/index.js';
import { UserError } from '../src/util/errors.js';
import { runCli } from './helpers/run-cli.js';
import fc from 'fast-check';
import { computeReach } from '../src/analyses/reach.js';
import { clusterArb, clusterCaseArb, clusterYaml, type GenCluster } from './oracle/generate.js';
import { adminClusterArbOf, adminClusterYaml } from './oracle/generate-admin.js';
import { SMALL } from './oracle/generate.js';

interface Port {
  name?: string;
  port: number;
}

function deployment(ns: string, name: string, labels: Record<string, string>, ports: Port[] = []): string {
  const portLines = ports.length ? `\n        ports:\n${ports.map((p) => `        - {${p.name ? `name: ${p.name}, ` : ''}containerPort: ${p.port}}`).join('\n')}` : '';
  const l = JSON.stringify(labels);
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: ${l}}
  template:
    metadata: {labels: ${l}}
    spec:
      containers:
      - name: c
        image: img${portLines}
`;
}

function ingressPolicy(ns: string, name: string, selector: Record<string, string>, from: string, ports: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: ${JSON.stringify(selector)}}
  policyTypes: [Ingress]
  ingress:
  - from: ${from}
    ports: ${ports}
`;
}

function diffOf(oldDocs: string[], newDocs: string[]): DiffResult {
  const load = (docs: string[], path: string) => analyze(loadFromTexts([{ path, text: docs.join('---\n') }]).inventory);
  return diffAnalyses(load(oldDocs, 'old.yaml'), load(newDocs, 'new.yaml'), { oldName: 'old.yaml', newName: 'new.yaml' });
}

const inCluster = (r: DiffResult) => r.changes.filter((c) => r.endpoints.get(c.src)?.kind !== 'External' && r.endpoints.get(c.dst)?.kind !== 'External');

test('a path opened only through named-port resolution: the container port is renamed, no policy changes', () => {
  const policy = ingressPolicy('app', 'api', { app: 'api' }, '[{podSelector: {matchLabels: {app: web}}}]', '[{port: http}]');
  const web = deployment('app', 'web', { app: 'web' });
  const r = diffOf([web, deployment('app', 'api', { app: 'api' }, [{ name: 'metrics', port: 8080 }]), policy], [web, deployment('app', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]), policy]);
  const opened = r.changes.filter((c) => c.dst === 'app/api[Deployment]' && c.src === 'app/web[Deployment]');
  assert.equal(opened.length, 1);
  assert.equal(opened[0]!.kind, 'added');
  assert.equal(opened[0]!.opened.toString(), 'TCP 8080');
  assert.deepEqual(opened[0]!.causes, ['Workload app/api[Deployment]']);
  assert.deepEqual(
    r.objects.map((o) => [o.key, o.fields]),
    [['Workload app/api[Deployment]', ['named ports']]],
  );
  assert.match(r.objects[0]!.details[0]!, /metrics=TCP\/8080 → http=TCP\/8080/);
});

test('a label change on a workload with no policy change opens a path and is named as the cause', () => {
  const policy = ingressPolicy('app', 'db', { app: 'db' }, '[{podSelector: {matchLabels: {role: client}}}]', '[{port: 5432}]');
  const db = deployment('app', 'db', { app: 'db' });
  const r = diffOf([db, deployment('app', 'batch', { app: 'batch' }), policy], [db, deployment('app', 'batch', { app: 'batch', role: 'client' }), policy]);
  const c = inCluster(r).filter((x) => x.dst === 'app/db[Deployment]');
  assert.deepEqual(
    c.map((x) => [x.src, x.kind, x.new.toString(), x.causes]),
    [['app/batch[Deployment]', 'added', 'TCP 5432', ['Workload app/batch[Deployment]']]],
  );
  assert.deepEqual(r.objects.map((o) => [o.key, o.change, o.details]), [['Workload app/batch[Deployment]', 'changed', ['labels: +role=client']]]);
  assert.equal(r.objects[0]!.explains, c.length);
  // The label change says nothing about pairs not involving batch, and no policy is blamed.
  assert.ok(r.changes.every((x) => x.causes.every((k) => k === 'Workload app/batch[Deployment]')));
});

test('a policy change is attributed with its changed fields; unrelated policies are not blamed', () => {
  const other = ingressPolicy('app', 'unrelated', { app: 'nothing' }, '[{podSelector: {}}]', '[{port: 1}]');
  const ws = [deployment('app', 'web', { app: 'web' }), deployment('app', 'api', { app: 'api' })];
  const r = diffOf(
    [...ws, other, ingressPolicy('app', 'api', { app: 'api' }, '[{podSelector: {matchLabels: {app: web}}}]', '[{port: 80}]')],
    [...ws, other, ingressPolicy('app', 'api', { app: 'api' }, '[{podSelector: {matchLabels: {app: web}}}]', '[{port: 80}, {port: 443}]')],
  );
  assert.deepEqual(
    r.changes.map((c) => [c.src, c.dst, c.kind, c.old.toString(), c.new.toString(), c.opened.toString(), c.closed.toString()]),
    [['app/web[Deployment]', 'app/api[Deployment]', 'changed', 'TCP 80', 'TCP 80,443', 'TCP 443', 'No Connections']],
  );
  assert.deepEqual(r.changes[0]!.causes, ['NetworkPolicy app/api']);
  assert.deepEqual(r.objects.map((o) => [o.key, o.fields]), [['NetworkPolicy app/api', ['ingress rule #1 ports changed']]]);
});

test('outside blocks cut differently on each side are compared by address', () => {
  const api = deployment('app', 'api', { app: 'api' });
  const pol = (cidr: string) => ingressPolicy('app', 'api', { app: 'api' }, `[{ipBlock: {cidr: ${cidr}}}]`, '[{port: 443}]');
  const r = diffOf([api, pol('10.0.0.0/8')], [api, pol('10.0.0.0/16')]);
  // Only 10.1.0.0-10.255.255.255 loses access; the /16 keeps it and everything else never had it.
  // Named as reach names outside addresses: by its CIDRs (fewer than those of everything else).
  const cidrs = ['10.1.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9'];
  assert.deepEqual(
    r.changes.map((c) => [c.src, c.dst, c.kind]),
    [[cidrs.join(', '), 'app/api[Deployment]', 'removed']],
  );
  assert.deepEqual(r.endpoints.get(cidrs.join(', '))?.cidrs, cidrs);
});

test('workloads added and removed are reported with the pairs they bring', () => {
  const a = deployment('app', 'a', { app: 'a' });
  const r = diffOf([a, deployment('app', 'old', { app: 'old' })], [a, deployment('app', 'new', { app: 'new' })]);
  const keys = r.objects.map((o) => `${o.key} ${o.change}`);
  assert.deepEqual(keys, ['Workload app/new[Deployment] added', 'Workload app/old[Deployment] removed']);
  const toNew = r.changes.find((c) => c.src === 'app/a[Deployment]' && c.dst === 'app/new[Deployment]')!;
  assert.equal(toNew.endpointsInfo, 'workload app/new[Deployment] added');
  assert.ok(r.changes.every((c) => c.causes.length > 0));
});

test('markdown is a pull-request comment: summary first, details folded', () => {
  const policy = ingressPolicy('app', 'db', { app: 'db' }, '[{podSelector: {matchLabels: {role: client}}}]', '[{port: 5432}]');
  const db = deployment('app', 'db', { app: 'db' });
  const r = diffOf([db, deployment('app', 'batch', { app: 'batch' }), policy], [db, deployment('app', 'batch', { app: 'batch', role: 'client' }), policy]);
  const md = DIFF_FORMATS.md(r);
  const firstDetails = md.indexOf('<details>');
  assert.ok(firstDetails > 0);
  assert.match(md.slice(0, firstDetails), /1 pair opened/);
  assert.match(md.slice(0, firstDetails), /Workload app\/batch\[Deployment\] changed: labels: \+role=client: 1 connectivity change/);
  const json = JSON.parse(DIFF_FORMATS.json(r)) as { schema: string; changes: Array<{ opened: unknown }> };
  assert.equal(json.schema, 'bulkhead.diff/v1');
  assert.deepEqual(json.changes[0]!.opened, { TCP: [[5432, 5432]] });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

const hasGit = (() => {
  try {
    execFileSync('git', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

test('git:REF:path reads revisions from the repository without touching the work tree', { skip: !hasGit && 'git is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-git-'));
  try {
    git(dir, 'init', '-q', '-b', 'main');
    mkdirSync(join(dir, 'k8s'));
    const policy = ingressPolicy('app', 'db', { app: 'db' }, '[{podSelector: {matchLabels: {app: web}}}]', '[{port: 5432}]');
    writeFileSync(join(dir, 'k8s', 'apps.yaml'), [deployment('app', 'web', { app: 'web' }), deployment('app', 'db', { app: 'db' })].join('---\n'));
    writeFileSync(join(dir, 'README.md'), 'not a manifest\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'v1');
    writeFileSync(join(dir, 'k8s', 'policy.yaml'), policy);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'v2');
    // A dirty work tree must not leak into either revision.
    writeFileSync(join(dir, 'k8s', 'apps.yaml'), 'garbage: [\n');
    const before = git(dir, 'status', '--porcelain');

    const v1 = await readGitInputs('git:HEAD~1:k8s', dir);
    assert.deepEqual(v1.map((f) => f.path), ['HEAD~1:k8s/apps.yaml']);
    const v2 = await readGitInputs('git:main:k8s/', dir);
    assert.deepEqual(v2.map((f) => f.path), ['main:k8s/apps.yaml', 'main:k8s/policy.yaml']);
    const r = diffAnalyses(analyze(loadFromTexts(v1).inventory), analyze(loadFromTexts(v2).inventory));
    assert.ok(r.changes.some((c) => c.src === 'app/web[Deployment]' && c.dst === 'app/db[Deployment]' && c.kind === 'changed' && c.new.toString() === 'TCP 5432'));
    assert.deepEqual(r.objects.map((o) => `${o.key} ${o.change}`), ['NetworkPolicy app/db added']);
    assert.equal(r.objects[0]!.source?.file, 'main:k8s/policy.yaml');

    // The CLI, from inside the repository; --format md.
    const cli = runCli(['diff', 'git:HEAD~1:k8s', 'git:HEAD:k8s', '-o', 'md'], undefined, dir);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /NetworkPolicy app\/db added/);
    assert.equal(git(dir, 'status', '--porcelain'), before);
    assert.equal(readFileSync(join(dir, 'k8s', 'apps.yaml'), 'utf8'), 'garbage: [\n');

    await assert.rejects(readGitInputs('git:nope:k8s', dir), (e: unknown) => e instanceof UserError && /unknown revision "nope"/.test(e.message));
    await assert.rejects(readGitInputs('git:HEAD:missing', dir), (e: unknown) => e instanceof UserError && /no file "missing"/.test(e.message));
    // No path: the whole tree, manifests only (README.md is skipped).
    assert.deepEqual((await readGitInputs('git:HEAD~1:', dir)).map((f) => f.path), ['HEAD~1:k8s/apps.yaml']);
    const outside = mkdtempSync(join(tmpdir(), 'bulkhead-nogit-'));
    try {
      await assert.rejects(readGitInputs('git:HEAD:k8s', outside), (e: unknown) => e instanceof UserError && /not inside a git repository/.test(e.message));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseGitSpec splits at the first colon after the ref', () => {
  assert.deepEqual(parseGitSpec('git:main:k8s/prod'), { ref: 'main', path: 'k8s/prod' });
  assert.deepEqual(parseGitSpec('git:HEAD~2'), { ref: 'HEAD~2', path: '.' });
  assert.deepEqual(parseGitSpec('git:v1.2:dir:with:colons'), { ref: 'v1.2', path: 'dir:with:colons' });
  assert.throws(() => parseGitSpec('git::k8s'), UserError);
});

test('with an intent: the drift a change introduces or fixes, and --fail-on-new-violation', () => {
  const args = ['test/fixtures/diff/old.yaml', 'test/fixtures/diff/new.yaml', '--intent', 'test/fixtures/diff/intent.yaml'];
  const json = runCli(['diff', ...args, '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { drift: { introduced: Array<{ kind: string; src: string; dst: string; ports: unknown }>; fixed: unknown[]; bySegments: unknown[] } };
  assert.deepEqual(
    doc.drift.introduced.map((x) => [x.kind, x.src, x.dst, x.ports]),
    [
      ['invariant', 'app/batch[Deployment]', 'app/db[Deployment]', { TCP: [[5432, 5432]] }],
      ['violation', 'app/batch[Deployment]', 'app/db[Deployment]', { TCP: [[5432, 5432]] }],
    ],
  );
  assert.deepEqual(doc.drift.bySegments, [{ from: 'batch', to: 'db', introduced: 1, fixed: 0 }]);
  const fail = runCli(['diff', ...args, '--fail-on-new-violation']);
  assert.equal(fail.code, 1);
  assert.match(fail.stdout, /opens 1 path the intent does not allow \(batch to db\)/);
  assert.match(fail.stderr, /opens 1 path that violates the intent/);
  // The reverse change fixes it: exit 0, reported as fixed.
  const back = runCli(['diff', 'test/fixtures/diff/new.yaml', 'test/fixtures/diff/old.yaml', '--intent', 'test/fixtures/diff/intent.yaml', '--fail-on-new-violation', '-o', 'md']);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /No new intent violation.*1 violating path closed/);
  // Without an intent the flag cannot work: say so.
  const bad = runCli(['diff', 'test/fixtures/diff/old.yaml', 'test/fixtures/diff/new.yaml', '--fail-on-new-violation']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /needs --intent/);
});

test('property: in-cluster changes equal a plain comparison of the two reach listings', () => {
  fc.assert(
    fc.property(clusterCaseArb, clusterCaseArb, (x, y) => {
      const a = analyze(loadFromTexts([{ path: 'old.yaml', text: x.yaml }]).inventory);
      const b = analyze(loadFromTexts([{ path: 'new.yaml', text: y.yaml }]).inventory);
      for (const level of ['workload', 'pod'] as const) {
        const listing = (an: typeof a): Map<string, string> => {
          const r = computeReach(an, { level });
          const ext = new Set(r.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
          return new Map(r.connections.filter((c) => !ext.has(c.src) && !ext.has(c.dst)).map((c) => [`${c.src} => ${c.dst}`, c.conns.toString()]));
        };
        const before = listing(a);
        const after = listing(b);
        const expected = [...new Set([...before.keys(), ...after.keys()])]
          .filter((k) => before.get(k) !== after.get(k))
          .map((k) => `${k}: ${before.get(k) ?? 'No Connections'} -> ${after.get(k) ?? 'No Connections'}`)
          .sort();
        const r = diffAnalyses(a, b, { level });
        const got = inCluster(r)
          .map((c) => `${c.src} => ${c.dst}: ${c.old.toString()} -> ${c.new.toString()}`)
          .sort();
        assert.deepEqual(got, expected, level);
        for (const c of r.changes) assert.ok(c.opened.equals(c.new.subtract(c.old)) && c.closed.equals(c.old.subtract(c.new)));
      }
    }),
    { numRuns: 100 },
  );
});

/** Changes and unchanged pairs of a diff against a plain comparison of both sides' full reach listings (in-cluster pairs). */
function checkAgainstListings(oldYaml: string, newYaml: string): void {
  const a = analyze(loadFromTexts([{ path: 'old.yaml', text: oldYaml }]).inventory);
  const b = analyze(loadFromTexts([{ path: 'new.yaml', text: newYaml }]).inventory);
  for (const level of ['workload', 'pod'] as const) {
    const listing = (an: typeof a): Map<string, string> => {
      const r = computeReach(an, { level });
      const ext = new Set(r.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
      return new Map(r.connections.filter((c) => !ext.has(c.src) && !ext.has(c.dst)).map((c) => [`${c.src} => ${c.dst}`, c.conns.toString()]));
    };
    const before = listing(a);
    const after = listing(b);
    const keys = [...new Set([...before.keys(), ...after.keys()])];
    const expected = keys.filter((k) => before.get(k) !== after.get(k)).map((k) => `${k}: ${before.get(k) ?? 'No Connections'} -> ${after.get(k) ?? 'No Connections'}`).sort();
    const r = diffAnalyses(a, b, { level });
    const got = inCluster(r).map((c) => `${c.src} => ${c.dst}: ${c.old.toString()} -> ${c.new.toString()}`).sort();
    assert.deepEqual(got, expected, level);
    assert.equal(r.unchanged, keys.filter((k) => before.has(k) && before.get(k) === after.get(k)).length, `${level}: unchanged pairs`);
  }
}

/** The cluster after one small edit: a policy dropped, a pod given another pod's labels, or a policy of another cluster added. */
function edited(x: GenCluster, other: GenCluster, mode: number, pick: number): GenCluster {
  if (mode === 0 && x.policies.length > 0) return { ...x, policies: x.policies.filter((_, i) => i !== pick % x.policies.length) };
  if (mode === 1 && x.pods.length > 1) {
    const i = pick % x.pods.length;
    const from = x.pods[(i + 1) % x.pods.length]!;
    return { ...x, pods: x.pods.map((p, k) => (k === i ? { ...p, labels: from.labels } : p)) };
  }
  const add = other.policies.filter((p) => x.namespaces.some((n) => n.name === p.namespace)).map((p, i) => ({ ...p, name: `added${i}` }));
  return { ...x, policies: [...x.policies, ...add.slice(0, 1)] };
}

test('property: the sparse diff (joint classes, rows compared where touched) equals the listings compared pair by pair, unchanged pairs counted', () => {
  fc.assert(
    fc.property(clusterArb, clusterArb, fc.nat(3), fc.nat(), (x, y, mode, pick) => {
      checkAgainstListings(clusterYaml(x), clusterYaml(mode === 3 ? y : edited(x, y, mode, pick)));
    }),
    { numRuns: 120 },
  );
});

test('property: the sparse diff equals the listings compared pair by pair with admin and baseline policies too', () => {
  const arb = adminClusterArbOf(SMALL);
  fc.assert(
    fc.property(arb, arb, fc.nat(3), fc.nat(), (x, y, mode, pick) => {
      const z = mode === 3 ? y : { ...x, ...edited(x, y, mode, pick), nodes: x.nodes, adminPolicies: mode === 2 ? [...x.adminPolicies, ...y.adminPolicies.slice(0, 1)] : x.adminPolicies };
      checkAgainstListings(adminClusterYaml(x), adminClusterYaml(z));
    }),
    { numRuns: 80 },
  );
});

test('10,000-pod cluster: a policy that opens a namespace to everyone is diffed and attributed quickly', async () => {
  const { generateCluster } = await import('../bench/generate.js');
  const g = generateCluster(10_000, 7);
  const oldInv = loadFromTexts(g.files).inventory;
  const ns = oldInv.workloads.find((w) => oldInv.policies.some((p) => p.namespace === w.namespace))!.namespace;
  const open = `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open-to-all, namespace: ${ns}}\nspec:\n  podSelector: {}\n  ingress: [{}]\n`;
  const newInv = loadFromTexts([...g.files, { path: 'open.yaml', text: open }]).inventory;
  const t0 = performance.now();
  const r = diffAnalyses(analyze(oldInv), analyze(newInv));
  const ms = performance.now() - t0;
  console.log(`10k-pod diff: ${r.summary.added} opened, ${r.summary.changed} changed in ${ms.toFixed(0)} ms`);
  assert.ok(r.summary.added + r.summary.changed > 0);
  assert.deepEqual(r.objects.map((o) => `${o.key} ${o.change}`), [`NetworkPolicy ${ns}/open-to-all added`]);
  // Every change ends in the opened namespace and is blamed on the new policy; nothing closes.
  assert.equal(r.summary.removed, 0);
  for (const c of r.changes) {
    assert.equal(r.endpoints.get(c.dst)?.namespace, ns);
    assert.deepEqual(c.causes, [`NetworkPolicy ${ns}/open-to-all`]);
  }
  assert.ok(ms < 30_000, `diff took ${ms.toFixed(0)} ms`);
});

test('diff md: a hidden marker first (CI updates its own comment), drift counted in paths as the headline counts them', async () => {
  const { runCli } = await import('./helpers/run-cli.js');
  const r = runCli(['diff', 'examples/shop', 'examples/shop-pr', '--intent', 'examples/shop/bulkhead.yaml', '-f', 'md', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith('<!-- bulkhead:diff -->\n### '));
  const closes = /closes (\d+) paths?/.exec(r.stdout);
  const folded = /Intent drift: (\d+) paths? newly violating, (\d+) fixed/.exec(r.stdout);
  assert.ok(closes && folded);
  assert.equal(folded[2], closes[1], 'the same count of fixed paths in the summary and the details');
});
