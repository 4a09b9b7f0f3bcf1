/**
 * Reading inputs and writing outputs through the CLI: symlinks, loops, devices, FIFOs, huge and
 * non-UTF-8 files, and file-system errors are user errors (exit 2, a message), never "internal error".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli, type CliResult } from './helpers/run-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'bulkhead-io-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const SHOP = join(REPO_ROOT, 'examples', 'shop');
const ROOT = process.getuid?.() === 0;

/** A user error: exit 2, the message matched, no stack trace. */
function userError(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /internal error|a bug in Bulkhead|\n\s+at /);
}

test('symlinks to files and to directories are read, as kubectl reads them', () => {
  const dir = join(TMP, 'links');
  const real = join(TMP, 'real-workloads');
  mkdirSync(dir);
  mkdirSync(real);
  copyFileSync(join(SHOP, 'dev-workloads.yaml'), join(real, 'dev-workloads.yaml'));
  symlinkSync(real, join(dir, 'workloads'));
  symlinkSync(join(SHOP, 'dev-policies.yaml'), join(dir, 'policies.yaml'));
  const r = runCli(['reach', dir, '-o', 'json', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { endpoints: Array<{ id: string }> };
  assert.ok(doc.endpoints.some((e) => e.id === 'shop-dev/api[Deployment]'), 'workloads read through the directory symlink');
  const withPolicies = runCli(['explain', dir, '--from', 'shop-dev/frontend', '--to', 'shop-dev/postgres', '-q']);
  assert.match(withPolicies.stdout, /NetworkPolic/, 'policies read through the file symlink');
});

test('a symlink loop is named in a warning and not followed', () => {
  const dir = join(TMP, 'loop');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  copyFileSync(join(SHOP, 'dev-workloads.yaml'), join(dir, 'sub', 'w.yaml'));
  symlinkSync('..', join(dir, 'sub', 'back'));
  const r = runCli(['reach', dir, '--summary']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*sub[/\\]back:1: symlink loop: .*sub[/\\]back points to .*loop, which holds the directory being read; not followed/);
  assert.doesNotMatch(r.stderr, /defined twice/);
});

test('/dev/zero is refused at once as not text (exit 2), without reading it forever', { skip: !existsSync('/dev/zero') && 'no /dev/zero' }, () => {
  const t0 = Date.now();
  const r = runCli(['reach', '/dev/zero']);
  assert.ok(Date.now() - t0 < 20000);
  userError(r, /\/dev\/zero:1: a NUL byte/);
});

test('a file over 512 MiB is a user error naming its size, read no further', () => {
  const big = join(TMP, 'big.yaml');
  writeFileSync(big, '');
  truncateSync(big, 600 * 1024 * 1024);
  userError(runCli(['reach', big]), /cannot read .*big\.yaml: it is 600 MiB, more than the 512 MiB one input may hold/);
  rmSync(big);
});

test('an unreadable input is a user error with the reason', () => {
  if (!ROOT) {
    const f = join(TMP, 'locked.yaml');
    copyFileSync(join(SHOP, 'dev-workloads.yaml'), f);
    chmodSync(f, 0o000);
    userError(runCli(['reach', f]), /cannot read .*locked\.yaml: permission denied/);
  }
  if (existsSync('/proc/self/mem')) userError(runCli(['reach', '/proc/self/mem']), /cannot read \/proc\/self\/mem: input\/output error/);
  userError(runCli(['reach', join(TMP, 'missing.yaml')]), /cannot read .*missing\.yaml: no such file or directory/);
});

test('a FIFO (a shell\'s <(...)) is read like a file', { skip: process.platform === 'win32' && 'no FIFOs' }, async () => {
  const fifo = join(TMP, 'pipe.yaml');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return;
  const writer = spawn('sh', ['-c', `cat "${join(SHOP, 'dev-workloads.yaml')}" > "${fifo}"`]);
  const r = await new Promise<CliResult>((resolve) => {
    const cli = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'), 'reach', fifo, '--summary', '-q'], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    cli.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  writer.kill();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Summary: 5 endpoints/);
});

test('output files: a missing folder, a directory, a read-only file are user errors (exit 2) with a hint', () => {
  userError(runCli(['audit', SHOP, '-q', '--output-file', join(TMP, 'no-such-dir', 'report.txt')]), /cannot write report .*report\.txt: no such file or directory\nhint: the folder to write into must exist/);
  userError(runCli(['audit', SHOP, '-q', '--output-file', TMP]), /cannot write report .*: it is a directory\nhint: give a file name/);
  userError(runCli(['audit', SHOP, '-q', '--write-baseline', TMP]), /cannot write baseline .*: it is a directory/);
  userError(runCli(['init', SHOP, '-q', '--force', '--output-file', join(TMP, 'no-such-dir', 'bulkhead.yaml')]), /cannot write intent file .*bulkhead\.yaml: no such file or directory/);
  if (!ROOT) {
    const ro = join(TMP, 'read-only.txt');
    writeFileSync(ro, '');
    chmodSync(ro, 0o444);
    userError(runCli(['audit', SHOP, '-q', '--output-file', ro]), /cannot write report .*read-only\.txt: permission denied/);
  }
  // Even root cannot write /proc/version.
  if (existsSync('/proc/version')) userError(runCli(['audit', SHOP, '-q', '--output-file', '/proc/version']), /cannot write report \/proc\/version: /);
});

test('a non-UTF-8 file is an error naming its line, and the other files are still read', () => {
  const dir = join(TMP, 'latin1');
  mkdirSync(dir);
  copyFileSync(join(SHOP, 'dev-workloads.yaml'), join(dir, 'a.yaml'));
  writeFileSync(join(dir, 'b.yaml'), Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  const r = runCli(['reach', dir, '--summary']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /error: .*b\.yaml:4: byte 0xE9 is not valid UTF-8 .*file skipped/);
  assert.match(r.stdout, /Summary: 5 endpoints/);
});

test('UTF-8 and UTF-16 files with a byte order mark are read, as kubectl reads them', () => {
  const dir = join(TMP, 'bom');
  mkdirSync(dir);
  const text = readFileSync(join(SHOP, 'dev-workloads.yaml'), 'utf8');
  writeFileSync(join(dir, 'utf8.yaml'), `\ufeff${text}`);
  writeFileSync(join(dir, 'utf16.yaml'), Buffer.from(`\ufeff${text.replace(/frontend/g, 'frontend2')}`, 'utf16le'));
  const r = runCli(['reach', dir, '-o', 'json', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const ids = (JSON.parse(r.stdout) as { endpoints: Array<{ id: string }> }).endpoints.map((e) => e.id);
  assert.ok(ids.includes('shop-dev/frontend[Deployment]') && ids.includes('shop-dev/frontend2[Deployment]'), ids.join(' '));
});

test('a non-UTF-8 intent file is a user error naming the line', () => {
  const f = join(TMP, 'intent.yaml');
  writeFileSync(f, Buffer.concat([Buffer.from('segments:\n  web: {namespace: caf'), Buffer.from([0xe9]), Buffer.from('}\n')]));
  userError(runCli(['audit', SHOP, '-q', '--intent', f]), /cannot read intent file .*intent\.yaml: line 2: byte 0xE9 is not valid UTF-8/);
});
