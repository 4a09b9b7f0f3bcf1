// The --output-file sink: bytes are written in the background (one write in flight), strings at once,
// in order; a failing background write is reported as the synchronous one is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReport } from '../src/cli/output.js';
import { UserError } from '../src/util/errors.js';

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

test('output file: `done` is called once the bytes are written, never for a failed write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sink-'));
  try {
    const file = join(dir, 'r.txt');
    const out = openReport(file);
    const calls: string[] = [];
    await out.write(Buffer.from('a'), false, () => calls.push('a'));
    await out.write(Buffer.from('b'), false, () => calls.push(`b after ${readFileSync(file, 'latin1')}`));
    await out.flush();
    out.end();
    assert.deepEqual(calls, ['a', 'b after ab']);
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
