/** snapshot, history and diff between snapshots through the CLI, on any store (a file or a postgres:// URL). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { buildExampleHistory } from '../helpers/example-history.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function runAsync(args: readonly string[], cwd: string): Promise<number> {
  return new Promise((resolve) => spawn(process.execPath, [MAIN, ...args], { cwd, stdio: 'ignore' }).on('exit', (c) => resolve(c ?? -1)));
}

/** A copy of the shop example in a temp folder (the working directory of the commands). */
export function shopCopy(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'bulkhead-shop-'));
  cpSync(join(REPO_ROOT, 'examples/shop'), join(cwd, 'shop'), { recursive: true });
  return cwd;
}

export function editFile(path: string, from: string, to: string): void {
  const t = readFileSync(path, 'utf8');
  assert.ok(t.includes(from), `${path} has no ${from}`);
  writeFileSync(path, t.replace(from, to));
}

export function storeCliTests(name: string, db: () => Promise<string>): void {
  test(`${name}: snapshot, history, and diff between snapshots by number, date and label`, async () => {
    const cwd = shopCopy();
    const spec = await db();
    const run = (...args: string[]) => runCli([...args, '--db', spec], undefined, cwd);
    const s1 = run('snapshot', 'shop', '--at', '2026-09-01T10:00:00Z', '--label', 'before');
    assert.equal(s1.code, 0, s1.stderr);
    assert.match(s1.stdout, /snapshot @1 recorded .*2026-09-01T10:00:00.000Z "before", 14 workload\(s\), 15 policies/);
    const same = run('snapshot', 'shop');
    assert.match(same.stdout, /unchanged since @1/);
    editFile(join(cwd, 'shop/prod-policies.yaml'), 'port: 5432', 'port: 5433');
    const s2 = run('snapshot', 'shop', '--at', '2026-10-01T10:00:00Z');
    assert.match(s2.stdout, /snapshot @2 recorded/);
    const h = run('history');
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^@1 +2026-09-01T10:00:00Z +before +14 +15 +4\/41\/6/m);
    assert.match(h.stdout, /^@2 +2026-10-01T10:00:00Z +- +14 +15/m);
    const j = JSON.parse(run('history', '-f', 'json').stdout) as { snapshots: { id: number }[] };
    assert.deepEqual(j.snapshots.map((x) => x.id), [1, 2]);
    for (const [a, b] of [['@1', '@latest'], ['@2026-09-15', '@2'], ['@before', '@latest'], ['@latest~1', '@latest']]) {
      const d = run('diff', a!, b!);
      assert.equal(d.code, 0, d.stderr);
      assert.match(d.stdout, /0 pairs opened, 1 closed/);
      assert.match(d.stdout, /shop-prod\/report-export\[CronJob\] => shop-prod\/postgres\[StatefulSet\] : TCP 5432 \(now none\)/);
      // The snapshot's own intent is used: the drift line appears without --intent.
      assert.match(d.stdout, /Intent \(shop\/bulkhead.yaml\)/);
    }
    // A snapshot against the working tree works too.
    assert.match(run('diff', '@1', 'shop').stdout, /0 pairs opened, 1 closed/);
    const bad = run('diff', '@7', '@latest');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /@7: no snapshot #7 in .*\nhint: snapshots: @1 \(2026-09-01T10:00:00.000Z\) to @2/);
    const early = run('diff', '@2020-01-01', '@latest');
    assert.match(early.stderr, /no snapshot taken on or before 2020-01-01/);
  });

  test(`${name}: concurrent snapshot processes of the same input record one snapshot`, async () => {
    const cwd = shopCopy();
    const spec = await db();
    const codes = await Promise.all([1, 2, 3].map(() => runAsync(['snapshot', 'shop', '-q', '--db', spec], cwd)));
    assert.deepEqual(codes, [0, 0, 0]);
    assert.match(runCli(['history', '--db', spec], undefined, cwd).stdout, /^1 snapshot\(s\)/m);
  });

  test(`${name}: --keep deletes old snapshots, never the latest`, async () => {
    const cwd = shopCopy();
    const spec = await db();
    const run = (...args: string[]) => runCli([...args, '--db', spec], undefined, cwd);
    run('snapshot', 'shop', '--at', '2020-01-01T00:00:00Z');
    editFile(join(cwd, 'shop/prod-policies.yaml'), 'port: 5432', 'port: 5433');
    const r = run('snapshot', 'shop', '--at', '2020-02-01T00:00:00Z', '--keep', '90d');
    assert.match(r.stdout, /retention: deleted 1 snapshot\(s\)/);
    assert.match(run('history').stdout, /^1 snapshot\(s\)/m);
  });

  test(`${name}: review of the example history: changes with causes, health, unmapped, flows, proposals; md, html, json`, async () => {
    const spec = await db();
    await buildExampleHistory(spec);
    const run = (...args: string[]) => runCli([...args, '--db', spec, '--no-record']);
    const md = run('review', '--since', '2026-09-01');
    assert.equal(md.code, 0, md.stderr);
    for (const line of [
      '| NetworkPolicy shop-prod/postgres | changed | ingress rule #1 from changed | examples/shop/prod-policies.yaml:89 | 8 |',
      '- opened: shop-dev/api[Deployment] => shop-prod/postgres[StatefulSet]: TCP 5432 (because of NetworkPolicy shop-prod/postgres)',
      '| monitoring | 10/13 (77%) | 75% | examples/shop/bulkhead.yaml:17 |',
      '- new endpoint in no segment: shop-prod/report-export[CronJob] (1 pod(s), examples/shop/prod-workloads.yaml:80)',
      '- shop-dev/api[Deployment] => shop-prod/postgres[StatefulSet] TCP 5432 ×1 (examples/shop/flows/hubble.jsonl:9); rules: shop-prod/postgres ingress rule #1',
      '- shop-prod/redis ingress rule #2 (examples/shop/prod-policies.yaml:111)',
      '| @3 | 2026-11-15 | 4 | 41 | 6 |',
    ]) assert.ok(md.stdout.split('\n').includes(line), `missing: ${line}`);
    assert.match(md.stdout, /\| 13 \| shop-prod\/report-export\[CronJob\] belongs to no segment \| examples\/shop\/prod-workloads.yaml:80 \|/);
    // A shorter period starts at the October snapshot: the export job is no longer new.
    const oct = run('review', '--since', '2026-10-20');
    assert.match(oct.stdout, /snapshot @2 \(2026-10-15/);
    assert.ok(!oct.stdout.includes('new endpoint in no segment'));
    const html = run('review', '--since', '2026-09-01', '-f', 'html');
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /^<!doctype html>/);
    assert.equal((html.stdout.match(/<svg /g) ?? []).length, 2);
    assert.match(html.stdout, /<polyline fill="none" stroke="#[0-9a-f]{6}" stroke-width="2" points="[\d., ]+"\/>/);
    assert.doesNotMatch(html.stdout, /(src|href)=["']?(https?:)?\/\//, 'nothing fetched at view time');
    const j = JSON.parse(run('review', '--since', '2026-09-01', '-f', 'json').stdout) as { schema: string; proposals: { kind: string }[]; flows: { unexpected: unknown[] } };
    assert.equal(j.schema, 'bulkhead.review/v1');
    assert.ok(j.proposals.some((p) => p.kind === 'retire-segment') === false && j.proposals.some((p) => p.kind === 'restructure-segment'));
    assert.equal(j.flows.unexpected.length, 1);
  });

  test(`${name}: review --fail-on gates on regressions since the last recorded review`, async () => {
    const cwd = shopCopy();
    const spec = await db();
    const run = (...args: string[]) => runCli([...args, '--db', spec], undefined, cwd);
    editFile(join(cwd, 'shop/prod-policies.yaml'), '        - namespaceSelector: {}\n', '');
    run('snapshot', 'shop', '--at', '2026-09-01T00:00:00Z');
    // No review yet: measured from the period's start, which has nothing new.
    assert.equal(run('review', '--since', '2026-08-01', '--fail-on', 'error').code, 0);
    writeFileSync(join(cwd, 'shop/prod-policies.yaml'), readFileSync(join(REPO_ROOT, 'examples/shop/prod-policies.yaml')));
    run('snapshot', 'shop', '--at', '2026-10-01T00:00:00Z');
    const bad = run('review', '--since', '2026-08-01', '--fail-on', 'error', '--no-record');
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /regressions since the last review \(.*\): 3 new finding\(s\) at or above error/);
    // Once a review has seen them (recorded), they are no longer regressions; warnings still are not errors.
    assert.equal(run('review', '--since', '2026-08-01').code, 0);
    assert.equal(run('review', '--since', '2026-08-01', '--fail-on', 'error').code, 0);
  });

  test(`${name}: review carries the caveats of the snapshots (objects not evaluated, input errors)`, async () => {
    const cwd = shopCopy();
    const spec = await db();
    writeFileSync(join(cwd, 'shop/cilium.yaml'), 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: r, namespace: shop-prod}\nspec:\n  endpointSelector: {}\n');
    writeFileSync(join(cwd, 'shop/broken.yaml'), 'kind: NetworkPolicy\nmetadata: {name: b\n');
    runCli(['snapshot', 'shop', '-q', '--db', spec], undefined, cwd);
    for (const f of ['md', 'html']) {
      const r = runCli(['review', '-f', f, '--db', spec, '--no-record'], undefined, cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes('CiliumNetworkPolicy') && r.stdout.includes('broken.yaml'), f);
      assert.ok(r.stdout.indexOf('broken.yaml') < r.stdout.indexOf('Proposed changes'), 'caveats come first');
    }
    const fc = runCli(['flows', 'check', '--db', spec], undefined, cwd);
    assert.equal(fc.code, 0, fc.stderr);
    assert.ok(fc.stdout.includes('CiliumNetworkPolicy') && fc.stdout.includes('broken.yaml'), 'flows check');
    const fj = JSON.parse(runCli(['flows', 'check', '--db', spec, '-f', 'json'], undefined, cwd).stdout) as { bound: string };
    assert.equal(fj.bound, 'unknown');
  });

  test(`${name}: flows import (twice: nothing added) and flows check against the latest snapshot`, async () => {
    const spec = await db();
    const run = (...args: string[]) => runCli([...args, '--db', spec]);
    run('snapshot', 'examples/shop', '-q');
    const files = ['examples/shop/flows/hubble.jsonl', 'examples/shop/flows/vpc-flow-logs.log'];
    const first = run('flows', 'import', ...files);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^imported 15 flow\(s\) from 2026-11-20T09:00:00.000Z to 2026-11-26T10:01:00.000Z into /);
    assert.match(run('flows', 'import', ...files).stdout, /imported 0 flow\(s\).*\(15 already there\)/);
    const check = run('flows', 'check', '--since', '2026-01-01');
    assert.equal(check.code, 0, check.stderr);
    assert.ok(check.stdout.includes('  shop-dev/api[Deployment] => shop-prod/postgres[StatefulSet] : TCP 5432  allowed x1 (manifests: allowed; intent: forbidden; rules: shop-prod/postgres ingress rule #1)'));
    const none = run('flows', 'import', 'examples/shop/bulkhead.yaml');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /examples\/shop\/bulkhead.yaml:\d+: flow log record has/);
  });
}
