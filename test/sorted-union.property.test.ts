/** sortedUnion (merged in one pass when both lists are increasing) against `[...new Set([...a, ...b])].sort(lex)`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lex, sortedUnion } from '../src/util/compare.js';

const literal = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort(lex);
// Short strings over few characters (with one beyond the BMP), so that lists share and repeat strings.
const word = fc.array(fc.constantFrom('a', 'b', 'B', '-', '/', 'é', '\u{1F600}'), { maxLength: 4 }).map((cs) => cs.join(''));
const increasing = fc.array(word, { maxLength: 12 }).map((xs) => [...new Set(xs)].sort(lex));

test('property: sortedUnion of increasing lists is their sorted union', () => {
  fc.assert(fc.property(increasing, increasing, (a, b) => assert.deepEqual(sortedUnion(a, b), literal(a, b))), { numRuns: 500 });
});

test('property: sortedUnion of any lists (repeats, any order) is their sorted union', () => {
  fc.assert(fc.property(fc.array(word, { maxLength: 12 }), fc.array(word, { maxLength: 12 }), (a, b) => assert.deepEqual(sortedUnion(a, b), literal(a, b))), { numRuns: 500 });
});
