/** snapshot, history and diff between snapshots through the CLI, on any store (a file or a postgres:// URL). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

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
}
