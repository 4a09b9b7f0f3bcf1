// The one-element-a-line layout of reach JSON (jsonLine, toJsonLines in src/reports/json.ts) against the
// pretty layout every other JSON report keeps (toJsonText): the same values, a line per element of the
// arrays named, every other member byte for byte as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonLine, toJsonLines, toJsonText } from '../../src/reports/json.js';
import { PortSet } from '../../src/model/port-set.js';

const seed = Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 20261203);
const scale = Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1);

// Strings with what a layout could trip on: quotes, commas, colons, brackets, line breaks, and what jsonSafe escapes.
const ODD = ['"', '\\', ',', ':', ' ', '\n', '[', ']', '{', '}', ', ', ': ', '\u0085', '\u2028', '\u202e', 'é', '\u{1f600}', 'a'];
const strArb = fc.array(fc.constantFrom(...ODD), { maxLength: 6 }).map((a) => a.join(''));
const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    strArb,
    fc.integer({ min: -70000, max: 70000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(65535), fc.nat(65535)), { maxLength: 3 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(strArb, fc.oneof(tie('v'), fc.constant(undefined)), { maxKeys: 3 }),
  ),
})).v;
const docArb = fc.dictionary(fc.constantFrom('schema', 'level', 'diagnostics', 'endpoints', 'connections', 'exposure', 'odd"key'), fc.oneof(valueArb, fc.array(valueArb, { maxLength: 4 }), fc.constant(undefined)), { maxKeys: 6 });

const reparsed = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

test('property: jsonLine is one line of the same value, spaced as toJsonText', () => {
  fc.assert(
    fc.property(valueArb, (v) => {
      const line = jsonLine(v);
      assert.ok(!line.includes('\n'), line);
      assert.ok(!/[\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(line), 'made JSON-safe');
      assert.deepEqual(JSON.parse(line), reparsed(v));
    }),
    { seed, numRuns: 300 * scale },
  );
  assert.equal(jsonLine({ src: 'a', dst: 'b', conns: PortSet.of('TCP', 8080).toJSON() }), '{"src": "a", "dst": "b", "conns": {"TCP": [[8080, 8080]]}}');
  assert.equal(jsonLine({ cidrs: ['10.0.0.0/8'], except: [], labels: {} }), '{"cidrs": ["10.0.0.0/8"], "except": [], "labels": {}}');
});

test('property: toJsonLines writes the named arrays an element a line and the rest as toJsonText', () => {
  fc.assert(
    fc.property(docArb, fc.subarray(['endpoints', 'connections', 'odd"key']), (doc, lined) => {
      const text = toJsonLines(doc, lined);
      assert.deepEqual(JSON.parse(text), reparsed(doc));
      // Nothing named: byte for byte the pretty layout.
      assert.equal(toJsonLines(doc, []), toJsonText(doc));
      const lines = text.split('\n');
      for (const key of lined) {
        const v = doc[key];
        if (!Array.isArray(v) || v.length === 0) continue;
        const at = lines.indexOf(`  ${JSON.stringify(key)}: [`);
        assert.ok(at >= 0, `${key} opens its own line`);
        const items = lines.slice(at + 1, at + 1 + v.length);
        items.forEach((l, k) => {
          assert.ok(l.startsWith('    '), l);
          assert.deepEqual(JSON.parse(l.slice(4).replace(/,$/, '')), reparsed(v[k]), `${key}[${k}] on line ${at + 2 + k}`);
        });
        assert.match(lines[at + 1 + v.length]!, /^ {2}\],?$/);
      }
    }),
    { seed, numRuns: 300 * scale },
  );
});
