/** The intent file's AWS parts: cloud port words round-trip, and segments written in place stay out of homes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTrafficSpec, trafficSpecs } from '../../src/analyses/intent/traffic-spec.js';
import { parseIntent } from '../../src/analyses/intent/load.js';
import { drift } from '../../src/analyses/intent/drift.js';
import { homeOf } from '../../src/analyses/intent/membership.js';
import { TrafficSet } from '../../src/model/traffic-set.js';
import { analyze } from '../../src/engine/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFromTexts } from '../../src/sources/k8s/index.js';

const piece = fc.oneof(
  fc.tuple(fc.constantFrom(6, 17) as fc.Arbitrary<6 | 17>, fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 300 })).map(([p, lo, n]) => TrafficSet.ports(p, lo, Math.min(65535, lo + n))),
  fc.tuple(fc.boolean(), fc.integer({ min: -1, max: 255 }), fc.integer({ min: -1, max: 255 })).map(([v6, t, c]) => TrafficSet.icmp(v6, t, t < 0 ? -1 : c)),
  fc.integer({ min: 0, max: 255 }).map((n) => TrafficSet.protocol(n)),
);

test('trafficSpecs writes port words that read back as the same traffic', () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 6 }), (ps) => {
      const t = ps.reduce((a, b) => a.union(b), TrafficSet.EMPTY);
      const specs = trafficSpecs(t);
      const back = specs === undefined ? TrafficSet.ALL : specs.reduce((a, s) => a.union(parseTrafficSpec(s) ?? assert.fail(`unreadable ${s}`)), TrafficSet.EMPTY);
      assert.ok(back.equals(t), `${String(t)} -> ${specs?.join(' ')} -> ${String(back)}`);
    }),
    { numRuns: 300 },
  );
  assert.equal(trafficSpecs(TrafficSet.ALL), undefined);
  for (const bad of ['ICMP/256', 'IP/300', 'TCP/70000', 'ICMP/3/4-2/0', 'GRE']) assert.equal(parseTrafficSpec(bad), undefined, bad);
});

test('a segment written in place in a never is judged on the cluster too, and never becomes a home', () => {
  const dir = new URL('../../../examples/shop/', import.meta.url).pathname;
  const inv = loadFromTexts(readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml').map((f) => ({ path: f, text: readFileSync(join(dir, f), 'utf8') }))).inventory;
  const intent = parseIntent('segments:\n  prod: {namespace: shop-prod}\ninvariants:\n  - never: {from: {namespace: shop-dev}, to: prod}\n', 'i.yaml');
  assert.deepEqual(intent.inline?.map((s) => s.name), ['{namespace: shop-dev}']);
  assert.equal(homeOf(intent, ['{namespace: shop-dev}']), undefined);
  const d = drift(analyze(inv), intent);
  assert.ok(d.breaches.some((b) => b.invariant.kind === 'never' && b.src.every((e) => e.namespace === 'shop-dev')), 'the shop-dev frontend reaches prod');
  // shop-dev workloads are in no declared segment: unmapped, whatever the inline segment says.
  assert.ok(d.unmapped.some((u) => u.workload.namespace === 'shop-dev'));
  assert.ok(d.violations.every((v) => v.srcSegment !== '{namespace: shop-dev}' && v.dstSegment !== '{namespace: shop-dev}'));
});
