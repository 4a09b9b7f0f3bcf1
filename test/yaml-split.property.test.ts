// splitDocuments walks the stream by offset; the reference (test/helpers/line-split.ts) splits it into
// lines and joins documents back. Same documents, first lines and diagnostics on random streams of
// separators, end markers, comments, blank lines, CRLF, lone CR and a byte order mark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitDocuments } from '../src/sources/k8s/yaml-documents.js';
import type { Diagnostic } from '../src/inventory/types.js';
import { lineSplitDocuments } from './helpers/line-split.js';

const lineArb = fc.constantFrom('---', '--- # c', '---x', '--- !tag', '----', '...', '... # end', '...x', ' ...', '.', '-', 'a: 1', '  b: 2', '# comment', '  # indented', '', '   ', '\t', 'c: "..."', '- item', 'key: ---', '\u2028', '\v# v');
const streamArb = fc
  .record({ bom: fc.boolean(), lines: fc.array(lineArb, { maxLength: 14 }), eols: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 14, maxLength: 14 }), finalEol: fc.boolean() })
  .map(({ bom, lines, eols, finalEol }) => (bom ? '\ufeff' : '') + lines.map((l, i) => l + (i < lines.length - 1 || finalEol ? eols[i]! : '')).join(''));

test('splitDocuments gives the line-split reference\'s documents and diagnostics (random streams)', () => {
  fc.assert(
    fc.property(streamArb, (text) => {
      const d1: Diagnostic[] = [];
      const d2: Diagnostic[] = [];
      assert.deepEqual(splitDocuments('s.yaml', text, d1), lineSplitDocuments('s.yaml', text, d2), JSON.stringify(text));
      assert.deepEqual(d1, d2, JSON.stringify(text));
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 626262), numRuns: Math.max(1, Math.round(2000 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
