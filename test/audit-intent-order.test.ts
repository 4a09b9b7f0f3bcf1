/**
 * `audit` parses its intent file after loading the manifests (see cli/commands/audit.ts): its problems must
 * still win over the inputs' and the output file's, and a bad intent must leave no output file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'bulkhead-order-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const SHOP = join(REPO_ROOT, 'examples', 'shop');
const BAD = join(TMP, 'bad.yaml');
writeFileSync(BAD, 'version: 1\nsegments:\n  web: {namespace: shop-dev}\nflows:\n  - {from: web, to: nowhere}\n');

test('a bad intent is reported with its line, and no report file is written', () => {
  const report = join(TMP, 'report.json');
  const r = runCli(['audit', SHOP, '-q', '--intent', BAD, '-o', 'json', '--output-file', report]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid intent file:\n {2}.*bad\.yaml:5: flows\[0\]\.to: unknown segment "nowhere"/);
  assert.equal(existsSync(report), false);
});

test('a bad intent wins over inputs that cannot be read, as when it was parsed first', () => {
  const r = runCli(['audit', join(TMP, 'no-such-dir'), '-q', '--intent', BAD]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid intent file/);
  assert.doesNotMatch(r.stderr, /no-such-dir/);
});

test('an output file that cannot be opened wins over inputs that cannot be read', () => {
  const r = runCli(['audit', join(TMP, 'no-such-dir'), '-q', '--no-intent', '--output-file', join(TMP, 'missing', 'report.txt')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot write report .*report\.txt/);
});

test('a good intent with good inputs still audits', () => {
  const good = join(TMP, 'good.yaml');
  writeFileSync(good, 'version: 1\nsegments:\n  web: {namespace: shop-dev}\n');
  const r = runCli(['audit', SHOP, '-q', '--intent', good, '-o', 'json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { intent: { segments: number } }).intent.segments, 1);
});
