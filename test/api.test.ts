/**
 * The library API (src/index.ts) against the CLI: -n/-l scoping of audit, diff and blast, and AWS input
 * (reach, explain, audit, diff of snapshots and of a Terraform plan). Each answer, rendered by the API's
 * formats, is the CLI's report byte for byte: the API is the same analyses, not a second implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyze, analyzeAws, audit, auditAws, blast, diff, diffAws, diffAwsNotes, diffNotes, explainAws, formats, load, loadAws,
  loadIntent, loadPlan, reach, reachAws, reachStream, UserError,
} from '../src/index.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const SHOP = 'examples/shop';
const INTENT = 'examples/shop/bulkhead.yaml';
const AWS = 'examples/aws';

/** The CLI's stdout, which must succeed. */
function cli(args: readonly string[]): string {
  const r = runCli([...args, '-q']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return r.stdout;
}

const SCOPES: ReadonlyArray<{ readonly namespaces?: string[]; readonly selector?: string; readonly args: string[] }> = [
  { namespaces: ['shop-dev'], args: ['-n', 'shop-dev'] },
  { selector: 'app=postgres', args: ['-l', 'app=postgres'] },
  { namespaces: ['shop-prod,payments'], selector: 'app', args: ['-n', 'shop-prod,payments', '-l', 'app'] },
];

test('audit with namespaces/selector is the CLI audit -n/-l: fewer findings, the scope named', async () => {
  const shop = await load(SHOP);
  const model = analyze(shop);
  const intent = loadIntent(INTENT);
  const whole = audit(model, { intent });
  for (const s of SCOPES) {
    const r = audit(model, { intent, ...s });
    assert.equal(formats.audit.json(r, {}, shop.notes), cli(['audit', SHOP, '--intent', INTENT, '-o', 'json', ...s.args]), s.args.join(' '));
    assert.equal(r.scope?.filter, s.args.join(' '));
    assert.ok(r.findings.length < whole.findings.length, `${s.args.join(' ')} narrows the findings`);
    assert.ok(r.findings.every((f) => whole.findings.some((w) => w.id === f.id)));
  }
  assert.equal(audit(model, { intent }).scope, undefined, 'no scope without namespaces or selector');
  assert.throws(() => audit(model, { selector: 'a in b' }), UserError);
});

test('diff with namespaces/selector is the CLI diff -n/-l, at workload and pod level', async () => {
  const shop = await load(SHOP);
  const pr = await load('examples/shop-pr');
  const intent = loadIntent(INTENT);
  const whole = diff(shop, pr, { intent });
  let narrowed = 0;
  for (const s of SCOPES) {
    for (const level of ['workload', 'pod'] as const) {
      const r = diff(shop, pr, { intent, level, ...s });
      const args = ['diff', SHOP, 'examples/shop-pr', '--intent', INTENT, '--level', level, '-o', 'json', ...s.args];
      assert.equal(formats.diff.json(r, diffNotes(shop, pr)), cli(args), args.join(' '));
      assert.equal(r.scope?.filter, s.args.join(' '));
      if (level === 'workload' && r.changes.length < whole.changes.length) narrowed++;
    }
  }
  assert.ok(narrowed > 0, 'some scope leaves changes out');
});

test('blast ranking with namespaces/selector is the CLI blast -n/-l; with from it is refused', async () => {
  const shop = await load(SHOP);
  const model = analyze(shop);
  const intent = loadIntent(INTENT);
  for (const s of SCOPES) {
    const r = blast(model, { intent, ...s });
    assert.equal(formats.blast.json(r, shop.notes), cli(['blast', SHOP, '--intent', INTENT, '-o', 'json', ...s.args]), s.args.join(' '));
  }
  // The intent's infrastructure segments are left out as pivots, as the CLI leaves them out.
  assert.equal(formats.blast.json(blast(model, { intent, from: 'shop-prod/frontend' }), shop.notes), cli(['blast', SHOP, '--intent', INTENT, '--from', 'shop-prod/frontend', '-o', 'json']));
  assert.throws(() => blast(model, { from: 'shop-prod/frontend', namespaces: ['shop-dev'] }), UserError);
});

test('reach with namespaces/selector is the CLI reach -n/-l', async () => {
  const shop = await load(SHOP);
  const model = analyze(shop);
  for (const s of SCOPES.slice(0, 2)) {
    assert.equal(formats.reach.json(reach(model, s), shop.notes), cli(['reach', SHOP, '-o', 'json', ...s.args]), s.args.join(' '));
  }
});

test('reach at namespace and segment level is the CLI reach --level namespace|segment, whole or streamed', async () => {
  const shop = await load(SHOP);
  const model = analyze(shop);
  const intent = loadIntent(INTENT);
  for (const [level, extra] of [['namespace', {}], ['segment', { intent }], ['namespace', { namespaces: ['shop-dev'], ports: 'TCP/5432' }]] as const) {
    const args = ['reach', SHOP, '-o', 'json', '--level', level, '--intent', INTENT, ...('namespaces' in extra ? ['-n', 'shop-dev', '-p', 'TCP/5432'] : [])];
    const r = reach(model, { level, ...extra });
    assert.equal(r.level, level);
    assert.ok(r.connections.every((c) => c.aggregate && c.aggregate.pairs <= c.aggregate.of));
    assert.equal(formats.reach.json(r, shop.notes), cli(args), args.join(' '));
    assert.deepEqual([...reachStream(model, { level, ...extra }).connections()], r.connections);
  }
  assert.throws(() => reach(model, { level: 'segment' }), UserError);
  assert.throws(() => reach(model, { level: 'namespace', exposure: true }), UserError);
});

test('AWS snapshots: reachAws, explainAws and auditAws are the CLI reach, explain and audit', async () => {
  const snap = await loadAws(AWS);
  assert.ok(snap.inventory.interfaces.length > 0);
  const m = analyzeAws(snap);
  for (const f of ['text', 'json', 'md', 'csv'] as const) assert.equal(formats.aws.reach[f](reachAws(m), snap.notes), cli(['reach', AWS, '-o', f]), f);
  const q = { from: 'api', to: '10.0.2.0/24', ports: 'TCP/5432' };
  const narrowed = reachAws(m, q);
  assert.equal(formats.aws.reach.json(narrowed, snap.notes), cli(['reach', AWS, '-o', 'json', '--from', 'api', '--to', '10.0.2.0/24', '--port', 'TCP/5432']));
  assert.equal(narrowed.count(), [...narrowed.connections()].length);
  assert.ok(narrowed.count() < reachAws(m).count());
  for (const f of ['text', 'json', 'md'] as const) {
    assert.equal(formats.aws.explain[f](explainAws(m, 'dev-box', 'db', { ports: 'TCP/5432' }), snap.notes), cli(['explain', AWS, '--from', 'dev-box', '--to', 'db', '-p', 'TCP/5432', '-o', f]), f);
  }
  assert.throws(() => explainAws(m, '198.51.100.1', '203.0.113.1'), UserError);
  const a = auditAws(m);
  assert.ok(a.findings.length > 0);
  assert.equal(formats.audit.json(a, {}, snap.notes), cli(['audit', AWS, '-o', 'json']));
});

test('AWS diff: two snapshots, and a Terraform plan\'s two sides, as the CLI diff', async () => {
  const plan = await loadPlan('examples/terraform/plan.json');
  const r = diffAws(plan.before, plan.after);
  assert.ok(r.changes.length > 0);
  for (const f of ['text', 'json', 'md'] as const) assert.equal(formats.aws.diff[f](r, diffAwsNotes(plan.before, plan.after)), cli(['diff', 'examples/terraform/plan.json', '-o', f]), f);
  const state = await loadAws('examples/terraform/state.json');
  const planned = await loadAws('examples/terraform/plan.json');
  assert.equal(formats.aws.diff.json(diffAws(state, planned), diffAwsNotes(state, planned)), cli(['diff', 'examples/terraform/state.json', 'examples/terraform/plan.json', '-o', 'json']));
  assert.deepEqual((await loadAws('examples/terraform/plan.json', { side: 'prior' })).inventory, plan.before.inventory);
  assert.deepEqual(planned.inventory, plan.after.inventory);
});

test('each loader refuses the other kind of input, naming the file and the loader to use', async () => {
  await assert.rejects(load(AWS), (e: unknown) => e instanceof UserError && /is AWS input/.test(e.message) && /loadAws/.test(e.hint ?? ''));
  await assert.rejects(loadAws(SHOP), (e: unknown) => e instanceof UserError && /is not AWS input/.test(e.message) && /load\(\)/.test(e.hint ?? ''));
  await assert.rejects(loadPlan('examples/terraform/state.json'), UserError);
});

test('docs/api.md: the AWS example runs against the library and prints the CLI\'s answers', () => {
  const blocks = [...readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const example = blocks.find((b) => b.includes('loadAws'));
  assert.ok(example, 'docs/api.md has an AWS example');
  const file = join(mkdtempSync(join(tmpdir(), 'bulkhead-api-')), 'aws.mjs');
  writeFileSync(file, example.replaceAll("from 'bulkhead'", `from '${pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'index.js')).href}'`));
  const r = spawnSync(process.execPath, [file], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const toDb = cli(['reach', AWS, '--to', 'db', '-p', 'TCP/5432']);
  const n = toDb.split('\n').filter((l) => l.includes(' => ')).length;
  assert.ok(n > 0);
  assert.ok(r.stdout.startsWith(`${n} connections to the database\n${toDb}`), r.stdout);
  assert.ok(r.stdout.endsWith(cli(['diff', 'examples/terraform/plan.json', '-o', 'md'])));
});
