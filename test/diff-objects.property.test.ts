/**
 * diffObjects compares model objects with sameCanon instead of writing both as canonical JSON: the two
 * agree on random values (key order, left-out keys, undefined, bigints, NaN and arrays of them included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canon, podFacts, sameCanon, samePodFacts } from '../src/analyses/diff/objects.js';

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

// Pods as diffObjects reads them for a workload's facts: few values, so that lists often agree; port lists shared between pods as templates share them.
const portList = fc.array(fc.record({ name: fc.constantFrom(undefined, 'http', 'grpc'), port: fc.constantFrom(80, 8080), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }), { maxLength: 2 })
  .map((ps) => ps.map(({ name, ...rest }) => (name === undefined ? rest : { name, ...rest })));
const podList = fc.tuple(fc.array(portList, { minLength: 1, maxLength: 2 }), fc.array(fc.record({ ports: fc.nat(1), ips: fc.array(fc.constantFrom('10.0.0.1', '10.0.0.2'), { maxLength: 2 }), hostNetwork: fc.boolean() }), { maxLength: 3 }))
  .map(([lists, pods]) => pods.map((p) => ({ ...p, ports: lists[p.ports % lists.length]! })));

test('property: samePodFacts(a, b) only when podFacts(a) and podFacts(b) agree, and for every copy of a list', () => {
  let same = 0;
  fc.assert(
    fc.property(podList, podList, fc.boolean(), (a, b, copy) => {
      // A copy: equal pods, no object shared with a (the other snapshot's parse).
      const other = copy ? a.map((p) => ({ ...p, ips: [...p.ips], ports: p.ports.map((q) => ({ ...q })) })) : b;
      const shared = new Map<unknown, unknown>();
      const other2 = copy ? other.map((p, i) => ({ ...p, ports: (shared.get(a[i]!.ports) ?? (shared.set(a[i]!.ports, p.ports), p.ports)) as typeof p.ports })) : other;
      const fast = samePodFacts(a as never, other2 as never);
      if (copy) assert.ok(fast, 'a copy has the same facts');
      if (fast) (same++, assert.deepEqual(podFacts(a as never), podFacts(other2 as never)));
    }),
    { numRuns: 2000 },
  );
  assert.ok(same > 500, `enough equal lists (${same})`);
});
