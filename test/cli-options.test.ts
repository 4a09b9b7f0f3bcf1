/** The options every command shares: -o/--output FORMAT, --output-file, -n/-l filters, intent discovery, gates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from './helpers/run-cli.js';
import { endpointFilter, parseLabelSelector } from '../src/analyses/endpoint-filter.js';
import { matchesSelector } from '../src/inventory/selector.js';
import { colorWanted } from '../src/cli/color.js';

const SHOP = 'examples/shop';
const TMP = mkdtempSync(join(tmpdir(), 'bulkhead-options-'));

interface ReachDoc {
  endpoints: Array<{ id: string; kind: string; namespace?: string; labels?: Record<string, string> }>;
  connections: Array<{ src: string; dst: string; conns: unknown }>;
}

// The example is never edited here, so one run of each reach command serves every test that asks it.
const reachRuns = new Map<string, string>();

/** `reach examples/shop -q -o json ...args`, run once per distinct args in this file. */
function reachStdout(args: readonly string[]): string {
  const key = JSON.stringify(args);
  let out = reachRuns.get(key);
  if (out === undefined) {
    const r = runCli(['reach', SHOP, '-q', '-o', 'json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    reachRuns.set(key, (out = r.stdout));
  }
  return out;
}

function reachJson(args: readonly string[]): ReachDoc {
  return JSON.parse(reachStdout(args)) as ReachDoc;
}

test('-o, --output, --format and the old -f choose the same format; txt is text', () => {
  const o = reachStdout([]);
  assert.match(o, /"schema": "bulkhead.reach\/v1"/);
  for (const flag of ['--output', '--format', '-f']) assert.equal(runCli(['reach', SHOP, '-q', flag, 'json']).stdout, o, flag);
  assert.equal(runCli(['reach', SHOP, '-q', '-o', 'txt']).stdout, runCli(['reach', SHOP, '-q']).stdout);
  const both = runCli(['reach', SHOP, '-q', '-o', 'json', '--format', 'md']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /conflicting formats: json and md/);
});

test('-o FILE (the old meaning) is refused with a hint, and writes no file named like the format', () => {
  for (const cmd of [['audit', SHOP], ['reach', SHOP], ['init', SHOP]]) {
    const r = runCli([...cmd, '-q', '-o', join(TMP, 'report.json')]);
    assert.equal(r.code, 2, cmd.join(' '));
    assert.match(r.stderr, /unknown format ".*report\.json"\nhint: .*give --output-file .*report\.json/);
    assert.equal(existsSync(join(TMP, 'report.json')), false);
  }
  const json = runCli(['audit', SHOP, '-q', '-o', 'json']);
  assert.equal(JSON.parse(json.stdout).schema, 'bulkhead.audit/v1', 'audit -o json prints JSON');
  assert.equal(existsSync('json'), false);
});

test('--output-file writes exactly what stdout would get, in every command', () => {
  const cases: Array<[string, string[]]> = [
    ['reach', ['reach', SHOP, '--level', 'pod', '-o', 'csv']],
    ['reach-exposure', ['reach', SHOP, '-x', '-o', 'json']],
    ['explain', ['explain', SHOP, '--from', 'shop-dev/api', '--to', 'shop-prod/postgres']],
    ['blast', ['blast', SHOP, '--from', 'shop-prod/frontend', '-o', 'md']],
    ['diff', ['diff', SHOP, 'examples/shop-pr', '-o', 'json']],
    ['audit', ['audit', SHOP, '-o', 'sarif']],
    ['test', ['test', SHOP, '--no-generate', '-o', 'tap']],
  ];
  for (const [name, args] of cases) {
    const stdout = runCli([...args, '-q']);
    const file = join(TMP, `${name}.out`);
    const toFile = runCli([...args, '-q', '--output-file', file]);
    assert.equal(toFile.code, stdout.code, name);
    assert.equal(toFile.stdout, '', `${name}: nothing on stdout`);
    assert.ok(stdout.stdout.length > 0, name);
    assert.equal(readFileSync(file, 'utf8'), stdout.stdout, name);
  }
  const init = join(TMP, 'intent.yaml');
  assert.equal(runCli(['init', SHOP, '-q', '--output-file', init]).code, 0);
  assert.match(readFileSync(init, 'utf8'), /^segments:/m);
});

test('-n keeps the connections with an end in the namespace, and the analysis still sees everything', () => {
  const all = reachJson([]);
  const ns = (id: string) => all.endpoints.find((e) => e.id === id)?.namespace;
  for (const n of ['payments', 'shop-prod', 'kube-system']) {
    const got = reachJson(['-n', n]).connections;
    const want = all.connections.filter((c) => ns(c.src) === n || ns(c.dst) === n);
    assert.ok(want.length > 0, n);
    assert.deepEqual(got, want, n);
  }
  // Several namespaces: the union.
  const two = reachJson(['-n', 'payments,monitoring']).connections;
  assert.deepEqual(two, all.connections.filter((c) => ['payments', 'monitoring'].includes(ns(c.src) ?? '') || ['payments', 'monitoring'].includes(ns(c.dst) ?? '')));
  // Every id a kept connection names is described.
  const doc = reachJson(['-n', 'payments']);
  const ids = new Set(doc.endpoints.map((e) => e.id));
  for (const c of doc.connections) assert.ok(ids.has(c.src) && ids.has(c.dst));
});

test('-l filters by labels as kubectl -l does, for every selector shape', () => {
  const all = reachJson([]);
  const labelsOf = (id: string) => all.endpoints.find((e) => e.id === id && e.kind !== 'External')?.labels;
  for (const sel of ['app=postgres', 'tier!=db', 'app in (api,redis)', 'app notin (api)', 'tier', '!tier', 'app=api,tier=api']) {
    const s = parseLabelSelector(sel);
    const hit = (id: string) => labelsOf(id) !== undefined && matchesSelector(s, labelsOf(id)!);
    const got = reachJson(['-l', sel]).connections;
    assert.deepEqual(got, all.connections.filter((c) => hit(c.src) || hit(c.dst)), sel);
  }
  const bad = runCli(['reach', SHOP, '-q', '-l', 'app in (a']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad label selector/);
});

test('parseLabelSelector: the kubectl syntax means what the API means', () => {
  assert.deepEqual(parseLabelSelector('app=web, env==prod'), { matchLabels: { app: 'web', env: 'prod' }, matchExpressions: [] });
  assert.deepEqual(parseLabelSelector('tier!=db,!legacy,team'), {
    matchLabels: {},
    matchExpressions: [
      { key: 'tier', operator: 'NotIn', values: ['db'] },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
      { key: 'team', operator: 'Exists', values: [] },
    ],
  });
  assert.deepEqual(parseLabelSelector('env in (a, b),x notin (c)').matchExpressions, [
    { key: 'env', operator: 'In', values: ['a', 'b'] },
    { key: 'x', operator: 'NotIn', values: ['c'] },
  ]);
  for (const bad of ['', 'a b c', '=x', 'app=we b', 'app in (a,b']) assert.throws(() => parseLabelSelector(bad), /bad label selector/, bad);
  // Property: a selector of equalities written out matches exactly the label maps that contain them.
  const key = fc.constantFrom('app', 'tier', 'team', 'example.com/role');
  const val = fc.constantFrom('a', 'b', 'web', 'db-1');
  fc.assert(
    fc.property(fc.dictionary(key, val, { minKeys: 1 }), fc.dictionary(key, val), (want, labels) => {
      const s = parseLabelSelector(Object.entries(want).map(([k, v]) => `${k}=${v}`).join(','));
      assert.equal(matchesSelector(s, labels), Object.entries(want).every(([k, v]) => labels[k] === v));
    }),
  );
  const f = endpointFilter({ namespaces: ['a'], selector: 'app=x' })!;
  assert.equal(f({ id: 'a/w[Deployment]', kind: 'Deployment', namespace: 'a', labels: { app: 'x' } }), true);
  assert.equal(f({ id: 'b/w[Deployment]', kind: 'Deployment', namespace: 'b', labels: { app: 'x' } }), false);
  assert.equal(f({ id: '0.0.0.0-255.255.255.255', kind: 'External' }), false);
  assert.equal(endpointFilter({}), undefined);
});

test('--default-namespace places objects that name none; -n no longer does', () => {
  const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec: {containers: [{name: c, image: x}]}\n';
  const r = runCli(['reach', '-', '-q', '-o', 'json', '--default-namespace', 'team'], yaml);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((JSON.parse(r.stdout) as ReachDoc).endpoints.some((e) => e.id === 'team/w[Deployment]'));
});

test('explain --expect allow|deny exits 1 when not met, as netpol-analyzer eval', () => {
  const allowed = ['explain', SHOP, '-q', '--from', 'shop-dev/api', '--to', 'shop-prod/postgres'];
  const denied = ['explain', SHOP, '-q', '--from', 'shop-prod/frontend', '--to', 'shop-prod/postgres'];
  assert.match(runCli(allowed).stdout, /: ALLOWED/);
  assert.match(runCli(denied).stdout, /: DENIED/);
  assert.equal(runCli([...allowed, '--expect', 'allow']).code, 0);
  assert.equal(runCli([...allowed, '--expect', 'deny']).code, 1);
  assert.equal(runCli([...denied, '--expect', 'deny']).code, 0);
  const miss = runCli([...denied, '--expect', 'allow'].filter((a) => a !== '-q'));
  assert.equal(miss.code, 1);
  assert.match(miss.stderr, /expected allow, got deny/);
  assert.ok(miss.stdout.length > 0, 'the explanation is still printed');
  assert.equal(runCli([...allowed, '--expect', 'maybe']).code, 2);
  // A port narrows the question the expectation is about.
  assert.equal(runCli([...allowed, '--port', 'TCP/80', '--expect', 'deny']).code, 0);
});

test('explain --level pod wants pods at both ends', () => {
  const r = runCli(['explain', SHOP, '-q', '--level', 'pod', '--from', 'shop-dev/api', '--to', 'shop-prod/postgres']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--level pod: "shop-dev\/api" is not a pod/);
  const p = runCli(['explain', SHOP, '-q', '--level', 'pod', '--from', 'shop-dev/api-0', '--to', 'shop-prod/postgres-0']);
  assert.equal(p.code, 0, p.stderr);
  const ip = runCli(['explain', SHOP, '-q', '--level', 'pod', '--from', 'payments/payments-api-0', '--to', '203.0.113.7']);
  assert.equal(ip.code, 0, ip.stderr);
});

test('diff and blast find bulkhead.yaml beside the inputs as audit does; --no-intent turns it off', () => {
  const pr = join(TMP, 'shop-pr');
  cpSync('examples/shop-pr', pr, { recursive: true });
  cpSync(join(SHOP, 'bulkhead.yaml'), join(pr, 'bulkhead.yaml'));
  const found = runCli(['diff', SHOP, pr]);
  assert.equal(found.code, 0, found.stderr);
  assert.match(found.stdout, /^Intent \(.*bulkhead\.yaml\): 1 path newly violates it/m);
  assert.match(found.stderr, /note: using intent .*bulkhead\.yaml/);
  assert.equal(runCli(['diff', SHOP, pr, '--fail-on', 'new-violation', '-q']).code, 1);
  assert.doesNotMatch(runCli(['diff', SHOP, pr, '--no-intent', '-q']).stdout, /^Intent/m);
  assert.equal(runCli(['diff', SHOP, pr, '--fail-on', 'sometimes', '-q']).code, 2);

  assert.match(runCli(['blast', SHOP, '-q', '--from', 'shop-prod/frontend']).stdout, /boundaries are segments/);
  assert.doesNotMatch(runCli(['blast', SHOP, '-q', '--no-intent', '--from', 'shop-prod/frontend']).stdout, /boundaries are segments/);
});

test('blast -n ranks only the workloads of that namespace', () => {
  const all = JSON.parse(runCli(['blast', SHOP, '-q', '-o', 'json']).stdout);
  const some = JSON.parse(runCli(['blast', SHOP, '-q', '-o', 'json', '-n', 'shop-prod']).stdout);
  const ids = (d: { ranking: Array<{ id: string }> }) => d.ranking.map((r) => r.id);
  assert.deepEqual(ids(some), ids(all).filter((id: string) => id.startsWith('shop-prod/')));
  assert.equal(runCli(['blast', SHOP, '-q', '-n', 'shop-prod', '--from', 'shop-prod/api']).code, 2);
});

test('colour: FORCE_COLOR decides, then NO_COLOR, then the terminal', () => {
  const tty = { isTTY: true, hasColors: () => true };
  const pipe = { isTTY: false };
  assert.equal(colorWanted(tty, {}), true);
  assert.equal(colorWanted(pipe, {}), false);
  assert.equal(colorWanted(tty, { NO_COLOR: '1' }), false);
  assert.equal(colorWanted(tty, { NO_COLOR: '' }), true);
  assert.equal(colorWanted(pipe, { FORCE_COLOR: '1' }), true);
  assert.equal(colorWanted(tty, { FORCE_COLOR: '0' }), false);
  assert.equal(colorWanted({ isTTY: true, hasColors: () => false }, {}), false);
  // Through the CLI: coloured verdicts only when forced, never in a file.
  const args = ['explain', SHOP, '-q', '--from', 'shop-dev/api', '--to', 'shop-prod/postgres'];
  assert.match(runCliEnv(args, { FORCE_COLOR: '1' }), /\u001b\[32m/);
  assert.doesNotMatch(runCliEnv(args, {}), /\u001b\[/);
  const file = join(TMP, 'colour.txt');
  runCliEnv([...args, '--output-file', file], { FORCE_COLOR: '1' });
  assert.doesNotMatch(readFileSync(file, 'utf8'), /\u001b\[/);
  assert.match(runCliEnv(['diff', SHOP, 'examples/shop-pr', '-q'], { FORCE_COLOR: '1' }), /\u001b\[31m\u001b\[1mOpened/);
});

function runCliEnv(args: readonly string[], env: Record<string, string>): string {
  return runCli(args, undefined, undefined, env).stdout;
}

test('the settings file gives audit its defaults (disable, failOn, baseline); the command line wins', () => {
  const dir = mkdtempSync(join(TMP, 'settings-'));
  cpSync(SHOP, join(dir, 'shop'), { recursive: true });
  const settings = join(dir, 'shop', 'bulkhead.settings.yaml');
  const audit = (...args: string[]) => runCli(['audit', join(dir, 'shop'), '-q', '-o', 'json', ...args]);
  const ids = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: Array<{ check: string; severity: string; id: string }> }).findings;
  const plain = audit('--no-settings');
  assert.equal(plain.code, 0);
  const all = ids(plain);
  assert.ok(all.some((f) => f.check === 'shadowed-rule') && all.some((f) => f.severity === 'error'));
  const accepted = all.filter((f) => f.check === 'dead-peer');
  assert.ok(accepted.length > 0);
  // Beside the manifests, as a CI job keeps it: the loader skips Bulkhead's own documents.
  writeFileSync(join(dir, 'shop', 'accepted.json'), JSON.stringify({ schema: 'bulkhead.baseline/v1', findings: accepted.map((f) => ({ id: f.id })) }));
  writeFileSync(settings, 'version: 1\naudit:\n  disable: [shadowed-rule]\n  failOn: error\n  baseline: accepted.json\n');
  const withSettings = audit();
  assert.equal(withSettings.code, 1, 'failOn: error from the settings');
  const got = ids(withSettings);
  assert.deepEqual(got, all.filter((f) => f.check !== 'shadowed-rule' && f.check !== 'dead-peer'));
  assert.equal(audit('--fail-on', 'none').code, 0, 'the command line wins');
  assert.ok(ids(audit('--disable', 'dead-peer', '--baseline', join(dir, 'shop', 'accepted.json'))).every((f) => f.check !== 'shadowed-rule'), '--disable adds to the settings');
  writeFileSync(settings, 'version: 1\naudit:\n  disable: [no-such-check]\n');
  const bad = audit();
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown check "no-such-check" in audit.disable \(.*bulkhead\.settings\.yaml:2\)/);
  writeFileSync(settings, 'version: 1\naudit:\n  failOn: sometimes\n');
  assert.match(audit().stderr, /bulkhead\.settings\.yaml:3: audit\.failOn: expected error, warning, info or none/);
});
