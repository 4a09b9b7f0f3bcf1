/** The fast parser (js-yaml) and the full parser (yaml) must give the same values and the same lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocuments, parseDocumentsStrict } from '../src/sources/k8s/yaml-documents.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { sameLines } from './helpers/same-lines.js';

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ya?ml|json)$/.test(e)) out.push(p);
  }
  return out;
}

// The shared corpus sits beside the checkout (or beside the worktrees' folder).
const CORPUS = [join(REPO_ROOT, '..', 'shared'), join(REPO_ROOT, '..', '..', 'shared')].map((d) => join(d, 'corpus', 'netpol-analyzer', 'tests')).find((d) => existsSync(d)) ?? '';
const inputs = [...files(join(REPO_ROOT, 'examples')), ...(CORPUS ? files(CORPUS) : [])];

test('fast and full parsers agree on values and lines for every example and corpus manifest', () => {
  assert.ok(inputs.length > 10);
  const problems: string[] = [];
  for (const f of inputs) {
    const text = readFileSync(f, 'utf8');
    const d1: unknown[] = [];
    const d2: unknown[] = [];
    const fast = parseDocuments(f, text, d1 as never[]);
    const full = parseDocumentsStrict(f, text, d2 as never[]);
    if (d2.length > 0) continue; // files with syntax errors: the fast path hands those documents to the full parser anyway
    // Empty documents (a trailing `---`) carry nothing; the loader ignores them either way.
    const fullDocs = full.docs.filter((d) => d.value !== null);
    assert.equal(fast.docs.length, fullDocs.length, f);
    fast.docs.forEach((doc, i) => {
      assert.deepEqual(doc.value, fullDocs[i]!.value, `${f} document ${i + 1}`);
      assert.equal(doc.source.line, fullDocs[i]!.source.line, `${f} document ${i + 1} start line`);
      sameLines(doc.value, fast.lines, fullDocs[i]!.value, full.lines, `${f}#${i + 1}`, problems);
    });
  }
  assert.deepEqual(problems.slice(0, 20), []);
});

test('documents the fast parser rejects go to the full parser, with its message and line', () => {
  const text = 'a: 1\n---\nkey: [unclosed\n---\nb: 2\n';
  const diags: Array<{ code: string; source?: { line: number } }> = [];
  const r = parseDocuments('t.yaml', text, diags as never[]);
  assert.deepEqual(r.docs.map((d) => d.value), [{ a: 1 }, { b: 2 }]);
  assert.equal(diags.length, 1);
  assert.equal(diags[0]!.code, 'yaml-syntax');
  assert.equal(diags[0]!.source?.line, 3);
  assert.deepEqual(r.docs.map((d) => d.source.line), [1, 5]);
});
