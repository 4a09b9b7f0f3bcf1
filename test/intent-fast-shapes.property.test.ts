/**
 * The intent reader's shape checks without zod (src/analyses/intent/fast-shapes.ts) against zod's schemas:
 * whatever they accept, zod accepts with the same content, so the reader's result is the same; whatever they
 * refuse goes to zod, whose messages are then those of before (checked on bad files below).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intentSchemas, AWS_DIRECT_KEYS } from '../src/analyses/intent/schema.js';
import { fastFile, fastFlow, fastIsolated, fastNever, fastSegment } from '../src/analyses/intent/fast-shapes.js';
import { IntentError } from '../src/analyses/intent/index.js';
import { parseIntentWith } from '../src/analyses/intent/load.js';
import { PortSet } from '../src/model/port-set.js';
import { TrafficSet } from '../src/model/traffic-set.js';
import { intentArb } from './oracle/intent-arb.js';

const S = intentSchemas();

/** Values near the shapes: good ones, and every kind of wrong one. */
const leaf = fc.oneof(
  fc.constantFrom('', 'a', 'web', 'TCP/443', 'x/y', '*'),
  fc.constantFrom(0, 1, 0.5, 2, -1, 443, Number.NaN, Number.POSITIVE_INFINITY, 1.5),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), tie('o')),
  o: fc.oneof(
    fc.dictionary(fc.constantFrom('a', 'tier', 'env', 'app'), tie('v'), { maxKeys: 3 }),
    fc.dictionary(fc.constantFrom('a', 'tier'), fc.string(), { maxKeys: 2 }).map((d) => Object.assign(Object.create(null) as object, d)),
  ),
})).v;

/** An object of keys from `keys` (and a stray one now and then) with near values. */
function shaped(keys: readonly string[]): fc.Arbitrary<unknown> {
  const k = fc.constantFrom(...keys, 'nmespace', 'extra');
  const good = fc.oneof(fc.constantFrom('a', 'web'), fc.array(fc.constantFrom('a', 'b', ''), { minLength: 0, maxLength: 3 }), fc.dictionary(fc.constantFrom('tier', 'app'), fc.oneof(fc.constantFrom('web', ''), fc.array(fc.constantFrom('db', 'x'), { maxLength: 2 }))), fc.boolean());
  return fc.oneof(fc.dictionary(k, fc.oneof(good, value), { maxKeys: 5 }), value);
}

const MATCHER_KEYS = ['namespace', 'namespaces', 'namespaceLabels', 'labels', 'workload', 'workloads', 'cidr', 'cidrs', 'sensitive', 'infrastructure', 'description', 'anyOf', 'vpc', 'tags', 'aws'];

function agrees(fast: (v: unknown) => unknown, schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, v: unknown): void {
  const f = fast(v);
  if (f === undefined) return;
  const z = schema.safeParse(v);
  assert.ok(z.success, `fast accepted what zod refuses: ${JSON.stringify(v)}`);
  assert.deepEqual(plain(f), plain(z.data), JSON.stringify(v));
}

/** A value as the reader reads it: keys (sorted: the reader looks keys up), lists and leaves; prototypes aside. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, plain((v as Record<string, unknown>)[k])]));
  return v;
}

test('fast segment, flow, never and file checks accept only what zod accepts, with the same content', () => {
  fc.assert(
    fc.property(shaped(MATCHER_KEYS), shaped(['from', 'to', 'ports', 'description']), shaped(['version', 'settings', 'segments', 'flows', 'invariants', 'tests']), (seg, flow, file) => {
      agrees(fastSegment, S.segmentSchema, seg);
      agrees(fastFlow, S.flowSchema, flow);
      agrees(fastNever, S.neverSchema, flow);
      agrees(fastFile, S.fileSchema, file);
    }),
    { seed: 717171, numRuns: 3000 },
  );
});

test('the fast isolated check accepts only what zod accepts, with the same content', () => {
  fc.assert(
    fc.property(shaped(['label', 'namespaceLabel', 'segments', 'within']), (inv) => agrees(fastIsolated, S.isolatedSchema, inv)),
    { seed: 727272, numRuns: 3000 },
  );
  assert.ok(fastIsolated({ namespaceLabel: 'team' }));
  assert.ok(fastIsolated('team'));
  assert.ok(fastIsolated({ segments: ['a', 'b'], within: 'c' }));
  assert.equal(fastIsolated({ segments: ['a'] }), undefined);
  assert.equal(fastIsolated(''), undefined);
});

test('fast checks take the common forms (so zod is not needed for them)', () => {
  assert.ok(fastSegment({ namespace: 'a', workloads: ['a/b'], labels: { tier: ['db', 'cache'] }, sensitive: true, description: 'x' }));
  assert.ok(fastFlow({ from: ['a', { namespace: 'b' }], to: 'c', ports: ['TCP/443', 53] }));
  assert.ok(fastNever({ from: 'a', to: [{ namespaceLabels: { env: 'prod' } }] }));
  assert.ok(fastFile({ version: 1, settings: { flatThreshold: 0.5 }, segments: {}, flows: [], invariants: [] }));
  assert.equal(fastSegment({ vpc: 'x' }), undefined);
  assert.equal(fastSegment({ anyOf: [{ namespace: 'a' }] }), undefined);
});

test('the AWS direct keys without zod are the schema\'s', () => {
  assert.deepEqual([...AWS_DIRECT_KEYS], S.AWS_KEYS);
});

/** An intent, or its problems, as text (sets listed, port sets by key). */
function readWith(t: string, fast: boolean): string {
  try {
    return JSON.stringify(parseIntentWith(t, 'f.yaml', fast), (_k, v: unknown) => (v instanceof Set ? [...v] : v instanceof PortSet || v instanceof TrafficSet ? v.toString() : typeof v === "bigint" ? String(v) : v));
  } catch (e) {
    if (e instanceof IntentError) return `error: ${e.message}`;
    throw e;
  }
}

test('random intent files and broken variants read the same with the fast checks as with zod alone: the intent, or every problem and its words', () => {
  const breakers: ((t: string) => string)[] = [
    (t) => t,
    (t) => t.replace('namespace:', 'nmespace:'),
    (t) => t.replace(/ports: \[[^\]]*\]/, 'ports: [TCP/99999, .nan]'),
    (t) => t.replace('from:', 'from: ""\n    x:'),
    (t) => t.replace(/labels: \{/, 'labels: {"": '),
    (t) => t.replace('segments:', 'segments:\n  bad name: {namespace: a}\n  e: {}\n  f: {namespace: []}\n  g: {labels: {a: []}}\n  h: {sensitive: "yes"}'),
    (t) => t.replace(/to: ([^,}\]]+)/, 'to: []'),
    (t) => t.replace(/from: ([^,}\]]+)/, 'from: [a, 3, {}]'),
    (t) => `${t}\nextra: 1\n`,
    (t) => `${t}\nsettings: {flatThreshold: 0}\n`,
    (t) => t.replace(/^version: 1$/m, 'version: 2'),
  ];
  fc.assert(
    fc.property(intentArb, fc.nat(breakers.length - 1), (text, i) => {
      const t = breakers[i]!(text);
      assert.equal(readWith(t, true), readWith(t, false), t);
    }),
    { seed: 727272, numRuns: 400 },
  );
});

test('bad files: the same problems, word for word, with and without the fast checks', () => {
  const bad = [
    'segments: {a: {namespace: ""}}',
    'segments: {a: {namespace: x, labels: {tier: []}}}',
    'segments: {a: {namespace: x}}\nflows: [{from: a, to: a, ports: [TCP/80], extra: 1}]',
    'segments: {a: {namespace: x}}\nflows: [{from: a}]',
    'segments: {a: {namespace: x}}\nflows: [{from: [], to: a}]',
    'segments: {a: {namespace: x}}\ninvariants: [{never: {from: a, to: b}}]',
    'segments: {a: {namespace: x}}\ninvariants: [{never: {from: a}}]',
    'segments: {a: {nmespace: x}}',
    'segments: []',
    'segmnts: {a: {namespace: x}}',
    'settings: {flatThreshold: 2}\nsegments: {a: {namespace: x}}',
  ];
  for (const t of bad) {
    const fast = readWith(t, true);
    assert.ok(fast.startsWith('error: '), t);
    assert.equal(fast, readWith(t, false), t);
  }
});
