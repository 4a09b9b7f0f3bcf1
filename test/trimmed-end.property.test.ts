import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { trimmedEnd } from '../src/cli/commands/aws-sections.js';

test('the cross section\'s chunks with their end trimmed join to the whole text trimmed (trimEnd), whatever the cuts', () => {
  // Whitespace of every kind trimEnd knows, at chunk ends, inside, and as whole chunks.
  const piece = fc.array(fc.constantFrom('a', '}', ' ', '\n', '\t', '\r', '\u00a0', '\u2028', '\ufeff', 'é'), { maxLength: 6 }).map((cs) => cs.join(''));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (chunks) => {
      const out = [...trimmedEnd(chunks)];
      assert.equal(out.join(''), chunks.join('').trimEnd());
      assert.ok(out.every((c) => c.length > 0), 'no empty chunk is written');
    }),
    { numRuns: 2000 },
  );
});
