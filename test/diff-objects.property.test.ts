/**
 * diffObjects compares model objects with sameCanon instead of writing both as canonical JSON: the two
 * agree on random values (key order, left-out keys, undefined, bigints, NaN and arrays of them included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canon, sameCanon } from '../src/analyses/diff/objects.js';

const leaf = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, NaN, Infinity, -0, 0, 1, '1', 'a', true, false, 1n, 5n, '5'),
  fc.integer({ min: -3, max: 3 }),
  fc.bigInt({ min: -3n, max: 3n }),
  fc.string({ maxLength: 2 }),
);
const key = fc.constantFrom('a', 'b', 'source', 'cidr', 'except', 'p', '0', '__proto__');
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
}));

/** A copy with keys in another order, a key set to undefined or a left-out key added, per `how`. */
function variant(v: unknown, how: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => variant(x, how + i));
  if (v === null || typeof v !== 'object') return how % 7 === 0 && typeof v === 'number' ? String(v) : v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (how % 2 === 1) keys.reverse();
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: variant(o[k], how + 1), enumerable: true, writable: true, configurable: true });
  if (how % 3 === 0) out['source'] = { file: 'x', line: how };
  if (how % 5 === 0) out['zz'] = undefined;
  return out;
}

test('property: sameCanon(a, b) is canon(a) === canon(b)', () => {
  let equal = 0;
  // The counts come from random inputs: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || equal <= 300); batch++) fc.assert(
    fc.property(value, value, fc.nat(), fc.boolean(), (a, b, how, near) => {
      const other = near ? variant(a, how) : b;
      const expected = canon(a) === canon(other);
      if (expected) equal++;
      assert.equal(sameCanon(a, other), expected, `${canon(a)} vs ${canon(other)}`);
      assert.equal(sameCanon(other, a), expected);
    }),
    { numRuns: 3000 },
  );
  assert.ok(equal > 300, `${equal} equal pairs`);
});
