/**
 * YAML read as kubectl reads it (sigs.k8s.io/yaml on go-yaml v2, apimachinery's document splitting).
 * The expected values were checked with test/reference/yaml2json; test/yaml-reference.test.ts re-checks
 * them against it wherever Go is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocuments, parseDocumentsStrict } from '../src/sources/k8s/yaml-documents.js';
import { formatFloat32 } from '../src/sources/k8s/go-yaml-scalars.js';
import type { Diagnostic } from '../src/inventory/types.js';
import { SCALARS } from './helpers/yaml-cases.js';

/** Both parsers on one text: they must agree, and the result is returned. */
function read(text: string): { values: unknown[]; diags: Diagnostic[] } {
  const d1: Diagnostic[] = [];
  const d2: Diagnostic[] = [];
  const fast = parseDocuments('t.yaml', text, d1);
  const full = parseDocumentsStrict('t.yaml', text, d2);
  const values = fast.docs.map((d) => d.value);
  assert.deepEqual(values, full.docs.map((d) => d.value), 'fast and full parsers agree');
  assert.deepEqual(d1, d2, 'fast and full parsers report the same');
  return { values, diags: d1 };
}

function one(text: string): unknown {
  const r = read(text);
  assert.deepEqual(r.diags, []);
  assert.equal(r.values.length, 1);
  return r.values[0];
}


test('YAML 1.1 scalars read as go-yaml v2 reads them: yes/no/on/off booleans, octal 0700, 5_432, 0b101', () => {
  for (const [src, want] of SCALARS) assert.deepEqual(one(`v: ${src}\n`), { v: want }, src);
});

test('keys become JSON keys as sigs.k8s.io/yaml makes them: on is "true", 1.5 stays, 1e6 as a float32', () => {
  assert.deepEqual(one('on: 1\n'), { true: 1 });
  assert.deepEqual(one('n: 1\n'), { false: 1 });
  assert.deepEqual(one('1.5: a\n10: b\n0x10: c\n1e3: d\n'), { '1.5': 'a', '10': 'b', '16': 'c', '1000': 'd' });
  assert.equal(formatFloat32(1e6), '1e+06');
  assert.equal(formatFloat32(123456789), '1.2345679e+08');
  assert.equal(formatFloat32(0.0001), '0.0001');
  assert.equal(formatFloat32(0.00001), '1e-05');
});

test('merge keys are resolved as go-yaml v2 does: a merge overrides keys before it, keys after it override the merge', () => {
  assert.deepEqual(one('x: &x {a: 1, b: 2}\nout:\n  a: 0\n  <<: *x\n  b: 9\n'), { x: { a: 1, b: 2 }, out: { a: 1, b: 9 } });
  // A list: earlier mappings win.
  assert.deepEqual(one('x: &x {a: 1}\nz: &z {a: 2, c: 3}\nout:\n  <<: [*x, *z]\n'), { x: { a: 1 }, z: { a: 2, c: 3 }, out: { a: 1, c: 3 } });
  // A quoted "<<" is an ordinary key.
  assert.deepEqual(one('out:\n  "<<": {a: 1}\n'), { out: { '<<': { a: 1 } } });
  const bad = read('out:\n  <<: 5\n');
  assert.deepEqual(bad.values, []);
  assert.equal(bad.diags[0]!.code, 'yaml-merge');
});

test('a NetworkPolicy whose peer is an undefined alias is an error with file and line, not "all namespaces"', () => {
  const text = [
    'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: p}', 'spec:', '  podSelector: {}',
    '  ingress:', '  - from:', '    - namespaceSelector:', '        <<: *prod', '', ''].join('\n');
  const r = read(text);
  assert.deepEqual(r.values, []);
  assert.equal(r.diags.length, 1);
  assert.equal(r.diags[0]!.severity, 'error');
  assert.equal(r.diags[0]!.code, 'yaml-alias');
  assert.deepEqual(r.diags[0]!.source, { file: 't.yaml', line: 9 });
  assert.match(r.diags[0]!.message, /unknown alias \*prod/);
  const plain = read('a: *nowhere\n');
  assert.equal(plain.diags[0]!.code, 'yaml-alias');
});

test('a duplicate key is an error naming both lines (kubectl apply would keep the later silently)', () => {
  const r = read('---\nmetadata:\n  labels:\n    app: a\n    tier: x\n    app: b\n');
  assert.deepEqual(r.values, []);
  assert.equal(r.diags[0]!.code, 'yaml-duplicate-key');
  assert.equal(r.diags[0]!.source?.line, 6);
  assert.match(r.diags[0]!.message, /"app" is given twice in one mapping \(lines 4 and 6\)/);
  // on and true are the same key once resolved.
  assert.equal(read('on: 1\ntrue: 2\n').diags[0]!.code, 'yaml-duplicate-key');
});

test('tab indentation is an error that says kubectl rejects it; tabs inside flow collections and quotes are fine', () => {
  for (const text of ['a:\n\tb: 1\n', 'a:\n  - x\n\t- y\n', 'a: 1\n\t# c\n', 'a: |\n  foo\n\tbar\n']) {
    const r = read(text);
    assert.deepEqual(r.values, [], text);
    assert.equal(r.diags.length, 1, text);
    assert.equal(r.diags[0]!.code, 'yaml-tabs', text);
    assert.match(r.diags[0]!.message, /kubectl rejects it/);
    assert.doesNotMatch(r.diags[0]!.message, /as kubectl does|kubectl accepts/);
  }
  assert.deepEqual(one('a: [\n\t"x",\n  "y"]\n'), { a: ['x', 'y'] });
  assert.deepEqual(one('a: "foo\n\tbar"\n'), { a: 'foo bar' });
  assert.deepEqual(one('a:\tb\n'), { a: 'b' });
});

test('an alias bomb is refused quickly with go-yaml\'s limit, even in a ConfigMap', () => {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let prev = 'a';
  for (const c of 'bcdefghi') {
    lines.push(`  ${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]`);
    prev = c;
  }
  const t0 = performance.now();
  const r = read(lines.join('\n') + '\n---\nkind: Pod\n');
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.deepEqual(r.values, [{ kind: 'Pod' }]);
  assert.equal(r.diags.length, 1);
  assert.equal(r.diags[0]!.code, 'yaml-alias-limit');
  assert.equal(r.diags[0]!.source?.line, 5);
  // Anchors that contain themselves are refused too (js-yaml would build a cycle).
  assert.equal(read('a: &a [*a]\n').diags[0]!.code, 'yaml-alias');
  assert.equal(read('a: &a {b: {c: *a}}\n').diags[0]!.code, 'yaml-alias');
  // Aliases that expand a little are fine.
  assert.deepEqual(one('a: &a {x: 1}\nb: *a\n'), { a: { x: 1 }, b: { x: 1 } });
});

test('documents split as kubectl splits them: "--- # c" separates, "--- x" stops the file, content after "..." is ignored', () => {
  assert.deepEqual(read('a: 1\n--- # c\nb: 2\n').values, [{ a: 1 }, { b: 2 }]);
  const stop = read('a: 1\n--- !!map\nb: 2\n---\nc: 3\n');
  assert.deepEqual(stop.values, [{ a: 1 }]);
  assert.equal(stop.diags[0]!.code, 'yaml-separator');
  assert.equal(stop.diags[0]!.source?.line, 2);
  const end = read('a: 1\n...\nb: 2\n---\nc: 3\n');
  assert.deepEqual(end.values, [{ a: 1 }, { c: 3 }]);
  assert.equal(end.diags[0]!.code, 'yaml-ignored');
  assert.equal(end.diags[0]!.severity, 'warning');
  assert.equal(end.diags[0]!.source?.line, 3);
  assert.deepEqual(read('a: 1\r\n---\r\nb: 2\r\n').values, [{ a: 1 }, { b: 2 }]);
});

test('values with no JSON form are errors as in kubectl: .inf, .nan, null keys, collection keys, bad tagged scalars', () => {
  for (const [text, code] of [['a: .inf\n', 'yaml-value'], ['a: -.Inf\n', 'yaml-value'], ['a: .nan\n', 'yaml-value'], ['~: 1\n', 'yaml-value'], ['? [1, 2]\n: d\n', 'yaml-value'], ['a: !!int foo\n', 'yaml-value']] as const) {
    const r = read(text);
    assert.deepEqual(r.values, [], text);
    assert.equal(r.diags[0]!.code, code, text);
    assert.equal(r.diags[0]!.severity, 'error', text);
  }
});

test('a .yaml file starting with "{" and going on with YAML warns that kubectl reads only its first JSON object', () => {
  const r = read('{"kind": "Namespace", "metadata": {"name": "a"}}\n---\nkind: Namespace\nmetadata: {name: b}\n');
  assert.equal(r.values.length, 2);
  assert.equal(r.diags.length, 1);
  assert.equal(r.diags[0]!.code, 'json-stream');
  assert.equal(r.diags[0]!.source?.line, 2);
  assert.deepEqual(read('{"kind": "Namespace"}\n').diags, []);
});
