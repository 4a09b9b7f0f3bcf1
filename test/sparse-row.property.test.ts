/**
 * SparseRow (the diff's united rows of a joint class, kept sparse) against the literal rows: for random
 * clusters, with and without admin and baseline policies, and random sets of behaviours, every column
 * it reads equals the union of the behaviours' dense rows (ReachMatrix.rowInto).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { SparseRow } from '../src/analyses/diff/sparse-row.js';
import { clusterArb, clusterYaml, SMALL } from './oracle/generate.js';
import { adminClusterArbOf, adminClusterYaml } from './oracle/generate-admin.js';

/** Every column of the sparse row of each chosen set of behaviours against the dense union. */
function check(yaml: string, picks: readonly (readonly number[])[]): void {
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: yaml }]).inventory);
  const m = a.matrix;
  const B = m.size;
  if (B === 0) return;
  const width = B + m.blocks.length;
  const row = new SparseRow(m);
  const dense = new Uint32Array(width);
  const tmp = new Uint32Array(width);
  for (const pick of picks) {
    // Distinct behaviours, increasing, as the diff's column lists are.
    const cs = Int32Array.from([...new Set(pick.map((p) => p % B))].sort((x, y) => x - y));
    m.rowInto(cs[0]!, dense);
    for (let k = 1; k < cs.length; k++) {
      m.rowInto(cs[k]!, tmp);
      for (let d = 0; d < B; d++) dense[d] = a.ports.union(dense[d]!, tmp[d]!);
    }
    row.load(cs);
    for (let d = 0; d < B; d++) assert.equal(row.get(d), dense[d], `behaviours ${cs.join(',')}, column ${d}`);
    assert.equal(new Set(row.touched).size, row.touched.length, 'touched columns are listed once');
  }
}

const picksArb = fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

test('property: a sparse united row reads as the union of the dense rows, column by column', () => {
  fc.assert(fc.property(clusterArb, picksArb, (x, picks) => check(clusterYaml(x), picks)), { numRuns: 150 });
});

test('property: the same with admin and baseline policies (rows composed through the tiers)', () => {
  fc.assert(fc.property(adminClusterArbOf(SMALL), picksArb, (x, picks) => check(adminClusterYaml(x), picks)), { numRuns: 80 });
});
