// The report sinks: --output-file writes bytes in the background (one write in flight), strings at once, in order,
// in a file and in a named pipe; a failing background write is reported as the synchronous one is; stdout lets its write callbacks run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReport } from '../src/cli/output.js';
import { UserError } from '../src/util/errors.js';
import { runCli } from './helpers/run-cli.js';

test('output file: strings and background bytes land in order, whole, once flushed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
  try {
    const file = join(dir, 'r.txt');
    const out = openReport(file);
    const big = Buffer.alloc(3 << 20, 'b');
    await out.write('head\n');
    await out.write(big);
    await out.write(Buffer.from('c'));
    await out.write('\u001b tail\n');
    await out.write(Buffer.from('end'));
    await out.flush();
    out.end();
    assert.equal(readFileSync(file, 'latin1'), `head\n${'b'.repeat(3 << 20)}c\\x1b tail\nend`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('output file: a file left by an earlier run is replaced whole, and emptied when nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
  try {
    const file = join(dir, 'r.txt');
    writeFileSync(file, 'x'.repeat(1 << 20));
    const out = openReport(file);
    await out.write('new\n');
    await out.write(Buffer.from('bytes'));
    await out.flush();
    out.end();
    assert.equal(readFileSync(file, 'latin1'), 'new\nbytes');
    writeFileSync(file, 'old report');
    openReport(file).end();
    // Closed once emptied: the truncation runs on the thread pool.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(readFileSync(file, 'latin1'), '');
    // A run that fails once the file is open (no such endpoint) leaves it empty too, not the old report.
    writeFileSync(file, 'old report');
    const r = runCli(['reach', 'examples/shop', '--from', 'nowhere/none', '--output-file', file, '--no-settings', '-q']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(readFileSync(file, 'latin1'), '');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('output file: `done` is called once the bytes are written, never for a failed write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
  try {
    const file = join(dir, 'r.txt');
    const out = openReport(file);
    const calls: string[] = [];
    await out.write(Buffer.from('a'), false, () => calls.push('a'));
    await out.write(Buffer.from('b'), false, () => calls.push(`b, then ${readFileSync(file, 'latin1').slice(1)}`));
    await out.flush();
    out.end();
    assert.deepEqual(calls.sort(), ['a', 'b, then b']);
  } finally {
    rmSync(dir, { recursive: true });
  }
  if (!existsSync('/dev/full')) return;
  const full = openReport('/dev/full');
  let called = false;
  await full.write(Buffer.from('x'), false, () => (called = true));
  await assert.rejects(full.flush(), UserError);
  full.end();
  assert.equal(called, false);
});

test('output file: a background write that fails is a UserError at the next write or flush', { skip: !existsSync('/dev/full') }, async () => {
  const out = openReport('/dev/full');
  await out.write(Buffer.from('x'));
  await assert.rejects(out.flush(), (e: unknown) => e instanceof UserError && /cannot write report \/dev\/full/.test(e.message));
  await out.write(Buffer.from('y'));
  await assert.rejects(out.write('z'), UserError);
  out.end();
});

/** Chunks of distinct bytes (so a misplaced one shows) of sizes around the sink's write sizes, with strings between. */
function pieces(): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(Buffer.alloc(((i * 7919) % 5) * 70_000 + 1, 65 + (i % 26)));
    if (i % 3 === 0) out.push(`s${i}\n`);
  }
  return out;
}

test('output file: many chunks in flight with strings between land in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
  try {
    const file = join(dir, 'r.txt');
    const out = openReport(file);
    const given: number[] = [];
    const all = pieces();
    for (const [i, p] of all.entries()) await out.write(p, false, () => given.push(i));
    await out.flush();
    out.end();
    assert.equal(readFileSync(file, 'latin1'), all.map((p) => p.toString('latin1')).join(''));
    assert.equal(given.length, all.filter((p) => typeof p !== 'string').length);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('output file: a named pipe (no positions) gets the pieces in order', { skip: spawnSync('mkfifo', ['--version']).status !== 0 && 'no mkfifo', timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo]);
  try {
    const got: Buffer[] = [];
    reader.stdout.on('data', (b: Buffer) => got.push(b));
    const out = openReport(fifo);
    const all = pieces();
    for (const p of all) await out.write(p);
    await out.flush();
    out.end();
    await once(reader, 'close');
    assert.equal(Buffer.concat(got).toString('latin1'), all.map((p) => p.toString('latin1')).join(''));
  } finally {
    reader.kill();
    rmSync(dir, { recursive: true });
  }
});

// Stdout redirected to a file or a device is written synchronously, but its write callbacks wait for the next
// tick: the sink must let them run before it returns, or a listing's buffers never go back to their pool.
for (const target of ['file', '/dev/null'] as const) {
  test(`stdout as ${target === 'file' ? 'a file' : target}: each piece's \`done\` has run when its write returns, and the pieces land whole`, { skip: target === '/dev/null' && !existsSync('/dev/null') }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
    try {
      const file = target === 'file' ? join(dir, 'out.bin') : target;
      const sink = new URL('../src/cli/output.js', import.meta.url).href;
      const script = `
        const { openReport } = await import(${JSON.stringify(sink)});
        const out = openReport(undefined);
        let done = 0;
        const late = [];
        for (let i = 0; i < 40; i++) {
          await out.write(Buffer.alloc(1 << 16, 97 + (i % 26)), false, () => done++);
          if (done !== i + 1) late.push(i);
        }
        await out.flush();
        out.end();
        process.stderr.write(JSON.stringify({ done, late }));`;
      const fd = target === 'file' ? 'w' : 'a';
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', openSync(file, fd), 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stderr), { done: 40, late: [] });
      if (target === 'file') assert.equal(readFileSync(file, 'latin1'), Array.from({ length: 40 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(1 << 16)).join(''));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
}
