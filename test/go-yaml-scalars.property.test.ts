// goPlainScalar's shortcut (a letter that starts no YAML 1.1 word is a string) against the full resolution
// goScalar does for an untagged plain scalar, on random words and on every word the resolution maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { goPlainScalar, goScalar } from '../src/sources/k8s/go-yaml-scalars.js';

const WORDS = ['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'No', 'on', 'OFF', 'true', 'False', 'null', 'NULL', '~', '', '.inf', '-.Inf', '.nan', '<<', 'x', 'web', 'Zebra', 'nginx', 'orange', 'yellow', 'tcp', 'TCP', 'f00', '0x1F', '1e3', '0700', '+12', '-0', '2026-01-01'];
const wordArb = fc.oneof(fc.constantFrom(...WORDS), fc.stringMatching(/^[A-Za-z.+~<-][A-Za-z0-9._~-]{0,6}$/), fc.string({ maxLength: 6 }));

test('goPlainScalar equals the full go-yaml resolution of a plain scalar', () => {
  fc.assert(
    fc.property(wordArb, (s) => {
      assert.deepEqual(goPlainScalar(s), goScalar(s, false, undefined).value, JSON.stringify(s));
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 737373), numRuns: Math.max(1, Math.round(3000 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
  for (const w of WORDS) assert.deepEqual(goPlainScalar(w), goScalar(w, false, undefined).value, w);
});
