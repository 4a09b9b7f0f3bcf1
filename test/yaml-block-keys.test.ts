// The hand reader keeps the keys it has checked (knownKey/rememberKey in yaml-block.ts) and takes them
// from there when they come again: the keys read must stay those of the text, and what it must refuse
// (duplicates, keys go-yaml turns into another string, `__proto__`) must stay refused once others are known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineMap } from '../src/sources/k8s/yaml-documents.js';
import { NotSimple, parseBlockDocument } from '../src/sources/k8s/yaml-block.js';

const read = (text: string): unknown => parseBlockDocument(text, 1, new LineMap('k.yaml'));

test('known keys: keys alike in length and first letter read as written, past a full bucket', () => {
  // Twelve keys of length 4 starting with "n": more than a bucket holds, read twice each.
  const keys = ['name', 'nbme', 'ncme', 'node', 'nope', 'nest', 'nine', 'noun', 'nuts', 'n-00', 'n.ab', 'n_cd'];
  for (let round = 0; round < 2; round++) {
    for (const k of keys) assert.deepEqual(read(`${k}: v\nother: w\n`), { [k]: 'v', other: 'w' });
    assert.deepEqual(read(keys.map((k, i) => `${k}: ${i}`).join('\n')), Object.fromEntries(keys.map((k, i) => [k, i])));
  }
  assert.deepEqual(read('nam: 1\nnames: 2\n'), { nam: 1, names: 2 });
});

test('known keys: duplicates, go-yaml-special keys and __proto__ are refused after others are known', () => {
  read('name: a\nkind: b\non_: c\nyes_: d\n');
  for (const text of ['name: a\nname: b\n', 'kind: a\nspec: {}\nkind: b\n', 'on: a\n', 'yes: a\n', 'y: a\n', '__proto__: a\n', 'null: a\n', '1e3: a\n']) {
    assert.throws(() => read(text), NotSimple, text);
    assert.throws(() => read(text), NotSimple, `${text} (again)`);
  }
});
