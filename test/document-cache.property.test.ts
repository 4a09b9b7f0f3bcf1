/**
 * The document cache (diff parses the second side with the first side's documents): loading with it gives
 * the inventory and diagnostics of a fresh load, every source at the file and line of the file read, on
 * random edits that move, drop, repeat, break and add documents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { loadFromTexts, DocumentCache } from '../src/sources/k8s/index.js';
import { parseDocuments } from '../src/sources/k8s/yaml-documents.js';
import type { InputText } from '../src/sources/input-files.js';
import { clusterArb, clusterYaml } from './oracle/generate.js';
import { sameLines } from './helpers/same-lines.js';

/** One edit of a list of documents (texts without their `---`). */
type Edit = { op: 'drop' | 'repeat' | 'comment' | 'blank' | 'flow' | 'broken' | 'swap' | 'label'; at: number; to: number };

const editArb: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('drop', 'repeat', 'comment', 'blank', 'flow', 'broken', 'swap', 'label'),
  at: fc.nat(),
  to: fc.nat(),
});

function apply(docs: string[], e: Edit): string[] {
  if (docs.length === 0) return docs;
  const i = e.at % docs.length;
  const j = e.to % docs.length;
  const out = [...docs];
  switch (e.op) {
    case 'drop':
      out.splice(i, 1);
      break;
    case 'repeat':
      out.splice(j, 0, docs[i]!);
      break;
    case 'comment':
      // Moves every later document down a line (or several).
      out[i] = `${'# moved\n'.repeat(1 + (e.to % 3))}${docs[i]}`;
      break;
    case 'blank':
      out[i] = `${docs[i]}\n\n`;
      break;
    case 'flow':
      // The same object on one line: read by the js-yaml path, not the hand reader.
      try {
        out[i] = `${JSON.stringify(parse(docs[i]!))}\n`;
      } catch {
        // A broken document stays as it is.
      }
      break;
    case 'broken':
      // A document with a diagnostic (never cached): the one after it keeps its own lines.
      out.splice(i, 0, 'kind: [unclosed\n');
      break;
    case 'swap':
      [out[i], out[j]] = [docs[j]!, docs[i]!];
      break;
    case 'label':
      out[i] = docs[i]!.replace(/app: (\S+)/, 'app: $1x');
      break;
  }
  return out;
}

/** Documents split into one or two files. */
function files(prefix: string, docs: readonly string[], cut: number): InputText[] {
  const k = docs.length === 0 ? 0 : cut % (docs.length + 1);
  const join = (ds: readonly string[]): string => ds.join('---\n');
  return k === 0 ? [{ path: `${prefix}.yaml`, text: join(docs) }] : [{ path: `${prefix}-a.yaml`, text: join(docs.slice(0, k)) }, { path: `${prefix}-b.yaml`, text: join(docs.slice(k)) }];
}

test('property: loading with the document cache gives the inventory, diagnostics and lines of a fresh load', () => {
  let hits = 0;
  let moved = 0;
  // The counts come from random inputs: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || hits <= 100 || moved <= 20); batch++) fc.assert(
    fc.property(clusterArb, fc.array(editArb, { maxLength: 6 }), fc.nat(), fc.nat(), (c, edits, cutOld, cutNew) => {
      const docs = clusterYaml(c).split(/^---\n/m);
      const after = edits.reduce(apply, docs);
      const oldFiles = files('old', docs, cutOld);
      const newFiles = files('new', after, cutNew);
      const cache = new DocumentCache();
      const o = loadFromTexts(oldFiles, {}, [], cache);
      const n = loadFromTexts(newFiles, {}, [], cache);
      assert.deepStrictEqual(o, loadFromTexts(oldFiles), 'the first side');
      assert.deepStrictEqual(n, loadFromTexts(newFiles), 'the second side');
      // And the lines of every value and key, as the readers see them.
      const again = new DocumentCache();
      for (const f of oldFiles) parseDocuments(f.path, f.text, [], again);
      for (const f of newFiles) {
        const before = again.hits;
        const cached = parseDocuments(f.path, f.text, [], again);
        const fresh = parseDocuments(f.path, f.text, []);
        assert.deepStrictEqual(cached.docs, fresh.docs);
        const problems: string[] = [];
        cached.docs.forEach((d, i) => sameLines(d.value, cached.lines, fresh.docs[i]!.value, fresh.lines, `${f.path}#${i}`, problems));
        assert.deepEqual(problems, []);
        hits += again.hits - before;
      }
      if (edits.some((e) => e.op === 'comment' || e.op === 'drop' || e.op === 'broken')) moved++;
    }),
    { numRuns: 150 },
  );
  // The cache was used, also for documents that moved.
  assert.ok(hits > 100 && moved > 20, `${hits} documents reused, ${moved} runs with moved documents`);
});

test('document cache: a document met again further down is reused with its new lines, in the new file', () => {
  const doc = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    x: "1"\n';
  const cache = new DocumentCache();
  const old = parseDocuments('old.yaml', `${doc}---\n`, [], cache);
  const neu = parseDocuments('new.yaml', `---\n---\n${doc}---\n${doc}---\n`, [], cache);
  assert.equal(cache.hits, 1, 'the first copy is reused; the second is parsed again (one value has one set of lines per file)');
  assert.equal(neu.docs[0]!.value, old.docs[0]!.value);
  const meta = (v: unknown): object => (v as { metadata: object }).metadata;
  assert.deepEqual(neu.lines.at(meta(neu.docs[0]!.value), 'labels'), { file: 'new.yaml', line: 7 });
  assert.deepEqual(neu.lines.at(meta(neu.docs[1]!.value), 'labels'), { file: 'new.yaml', line: 14 });
  assert.deepEqual(old.lines.at(meta(old.docs[0]!.value), 'labels'), { file: 'old.yaml', line: 5 });
});
