/** The README shows real output: every `$ npx bulkhead ...` block is run, and each line it shows must appear. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';
import { buildExampleHistory, EXAMPLE_DB } from './helpers/example-history.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```\n\$ npx bulkhead ([^\n]+)\n([\s\S]*?)```/g)];

// The review example reads the bundled example's history (three snapshots and its flow files), built in
// a store of this run's own (not the example's .bulkhead/, which other test files copy and pack).
const HISTORY = join(mkdtempSync(join(tmpdir(), 'bulkhead-readme-')), 'bulkhead.db');
before(() => buildExampleHistory(HISTORY));

test('the README has a review example on the example history', () => {
  assert.ok(blocks.some(([, command]) => command!.split(/\s+/).includes(EXAMPLE_DB)), `a block reads ${EXAMPLE_DB}`);
});

test('the README has command examples', () => {
  assert.ok(blocks.length >= 6, `found ${blocks.length}`);
});

for (const [, command, shown] of blocks) {
  test(`README: bulkhead ${command}`, () => {
    const args = command!.split(/\s+/).filter(Boolean).map((a) => (a === EXAMPLE_DB ? HISTORY : a));
    const r = runCli([...args, '-q']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const actual = new Set(r.stdout.split('\n').map((l) => l.trimEnd()));
    // Lines with "..." are abridged in the README; every other line must be output verbatim.
    const missing = shown!
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '' && !l.includes('...') && !actual.has(l));
    assert.deepEqual(missing, [], `lines shown in the README but not printed by: bulkhead ${command}`);
  });
}

// The quick start shows the demo's first screen: scripts/demo.mjs (what `npm run demo` runs once built) prints each line.
const demoBlocks = [...readme.matchAll(/```\n\$ npm run demo\n([\s\S]*?)```/g)];

test('README: npm run demo', () => {
  assert.equal(demoBlocks.length, 1, 'the quick start shows the demo');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs')], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const actual = new Set(r.stdout.split('\n').map((l) => l.trimEnd()));
  const missing = demoBlocks[0]![1]!
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.includes('...') && !actual.has(l));
  assert.deepEqual(missing, [], 'lines shown in the README but not printed by npm run demo');
});
