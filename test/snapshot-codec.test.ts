/** The snapshot's class-level connectivity reads back cell for cell as the engine's matrix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../src/engine/index.js';
import { loadFromPaths, loadFromTexts } from '../src/sources/k8s/index.js';
import { connectivityOf, storedCell } from '../src/analyses/snapshot.js';
import { generateCluster } from '../bench/generate.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import fc from 'fast-check';
import { adminClusterCaseArb } from './oracle/generate-admin.js';

function check(a: ReturnType<typeof analyze>, someAllowed = true): void {
  const c = connectivityOf(a);
  const m = a.matrix;
  const row = new Uint32Array(m.size + m.blocks.length);
  let nonEmpty = 0;
  for (let s = 0; s < m.size; s++) {
    m.rowInto(s, row);
    for (let d = 0; d < row.length; d++) {
      assert.equal(storedCell(c, s, d), row[d], `behaviour ${s} to column ${d}`);
      if (row[d] !== 0) nonEmpty++;
    }
  }
  if (someAllowed) assert.ok(nonEmpty > 0);
  assert.equal(c.ports.length, a.ports.size);
}

test('stored connectivity: the shop, every cell', async () => {
  check(analyze((await loadFromPaths([join(REPO_ROOT, 'examples/shop')])).inventory));
});

test('stored connectivity: a generated 1,000-pod cluster, every cell, far smaller than the matrix', () => {
  const a = analyze(loadFromTexts(generateCluster(1000, 7).files).inventory);
  check(a);
  const c = connectivityOf(a);
  const cellsStored = Buffer.from(c.rows, 'base64').length / 4;
  const m = a.matrix;
  assert.ok(cellsStored < (m.size * (m.size + m.blocks.length)) / 4, `${cellsStored} ints for ${m.size} behaviours`);
});

test('stored connectivity with admin and baseline policies: a generated cluster, every cell', () => {
  check(analyze(loadFromTexts(generateCluster(1000, 7, { admin: true }).files).inventory));
});

test('stored connectivity with admin and baseline policies: random clusters, every cell (blocks the tiers decide included)', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, (c) => {
      check(analyze(loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]).inventory), false);
    }),
    { seed: 20261201, numRuns: 60 },
  );
});
