/** The progress line: only on a terminal, never in CI or a pipe, and only once a run is slow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Progress, progressWanted } from '../src/cli/progress.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

test('progressWanted: a terminal, outside CI', () => {
  assert.equal(progressWanted({ isTTY: true }, {}), true);
  assert.equal(progressWanted({ isTTY: false }, {}), false);
  assert.equal(progressWanted({}, {}), false);
  assert.equal(progressWanted({ isTTY: true }, { CI: 'true' }), false);
  assert.equal(progressWanted({ isTTY: true }, { CI: '1' }), false);
  assert.equal(progressWanted({ isTTY: true }, { CI: 'false' }), true);
  assert.equal(progressWanted({ isTTY: true }, { CI: '' }), true);
  assert.equal(progressWanted({ isTTY: true }, { BULKHEAD_NO_PROGRESS: '1' }), false);
});

test('Progress: nothing before the delay, a throttled line after it, cleared at the end', () => {
  let now = 0;
  let out = '';
  const p = new Progress(true, { write: (s: string) => (out += s) }, 1000, () => now);
  p.phase('loading');
  now = 500;
  p.phase('analysing');
  assert.equal(out, '', 'a quick start draws nothing');
  now = 1200;
  p.phase('writing', 'connections');
  assert.match(out, /\r\u001b\[Kbulkhead: writing\.\.\. 0 connections \(1 s\)$/);
  const before = out;
  for (let i = 0; i < 5000; i++) p.tick();
  assert.equal(out, before, 'no redraw within 250 ms');
  now = 2000;
  for (let i = 0; i < 1024; i++) p.tick();
  assert.match(out, /writing\.\.\. 5,120 connections \(2 s\)$/, "redrawn at the next counted step");
  p.done();
  assert.ok(out.endsWith('\r\u001b[K'));
  p.silence();
  now = 9000;
  p.phase('more');
  assert.doesNotMatch(out, /more/, 'silenced: the report is on the terminal');

  let off = '';
  const q = new Progress(false, { write: (s: string) => (off += s) }, 0, () => (now += 1000));
  q.phase('loading');
  q.tick(5000);
  q.done();
  assert.equal(off, '');
});

test('a piped run prints no progress, even with no delay', () => {
  const r = runCli(['reach', 'examples/shop', '--level', 'pod', '-q'], undefined, undefined, { BULKHEAD_PROGRESS_DELAY_MS: '0' });
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
});

test('on a terminal: the phases, unless CI is set', (t) => {
  if (spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0) {
    t.skip('script(1) is not installed: no terminal to run in');
    return;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'bulkhead-progress-')), 'reach.txt');
  const tty = (env: Record<string, string>) => {
    const e: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', BULKHEAD_PROGRESS_DELAY_MS: '0', ...env };
    if (env['CI'] === undefined) delete e['CI'];
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} reach examples/shop -q --output-file ${JSON.stringify(file)}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', env: e });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const shown = tty({});
  for (const phase of ['loading', 'analysing', 'writing']) assert.match(shown, new RegExp(`bulkhead: ${phase}\\.\\.\\.`));
  assert.ok(shown.endsWith('\r\u001b[K'), 'the line is cleared');
  assert.doesNotMatch(tty({ CI: 'true' }), /bulkhead:/);
});
