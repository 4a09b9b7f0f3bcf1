/**
 * Bulkhead reads YAML to the same JSON as kubectl: every example, corpus and fixture file, and the pinned
 * snippets, go through test/reference/yaml2json (sigs.k8s.io/yaml on go-yaml v2, as kubectl does) and
 * through parseDocuments, and must come out the same. Skipped, with the reason, where Go or Debian's
 * golang-k8s-sigs-yaml-dev is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocuments } from '../src/sources/k8s/yaml-documents.js';
import type { Diagnostic } from '../src/inventory/types.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { DOCUMENTS, SCALARS } from './helpers/yaml-cases.js';

const GOPATH = '/usr/share/gocode';
const SOURCE = join(REPO_ROOT, 'test', 'reference', 'yaml2json');

function files(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ya?ml|json)$/.test(e)) out.push(p);
  }
  return out;
}

/** Builds the converter offline (GOPATH mode on Debian's packaged modules); a reason when it cannot. */
function build(dir: string): { bin: string } | { skip: string } {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return { skip: 'Go is not installed (apt-get install golang-go golang-k8s-sigs-yaml-dev)' };
  if (!existsSync(join(GOPATH, 'src', 'sigs.k8s.io', 'yaml'))) return { skip: `sigs.k8s.io/yaml is not in ${GOPATH} (apt-get install golang-k8s-sigs-yaml-dev)` };
  const bin = join(dir, 'yaml2json');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(dir, 'cache'), GOFLAGS: '', CGO_ENABLED: '0' };
  const r = spawnSync('go', ['build', '-o', bin, '.'], { cwd: SOURCE, env, encoding: 'utf8' });
  if (r.status !== 0) return { skip: `the reference converter did not build: ${r.stderr.trim().split('\n')[0]}` };
  return { bin };
}

interface GoDoc {
  readonly json?: unknown;
  readonly error?: string;
}

function runGo(bin: string, paths: readonly string[], strict: boolean): Map<string, GoDoc[]> {
  const r = spawnSync(bin, [...(strict ? ['-strict'] : []), ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, GoDoc[]>();
  for (const l of r.stdout.trim().split('\n')) {
    const o = JSON.parse(l) as { file: string; docs: GoDoc[] };
    out.set(o.file, o.docs);
  }
  return out;
}

/** JSON with sorted keys (Go's encoder sorts them; key order means nothing to Kubernetes). */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));
}

/** Differences between our reading and kubectl's for each file, as readable lines. */
function compare(paths: readonly string[], plain: Map<string, GoDoc[]>, strict: Map<string, GoDoc[]>, show: (p: string) => string): string[] {
  const problems: string[] = [];
  for (const p of paths) {
    const diags: Diagnostic[] = [];
    const ours = parseDocuments(p, readFileSync(p, 'utf8'), diags);
    // Where kubectl would stop reading a file that starts with "{" we read on, with a json-stream warning.
    const errors = diags.filter((d) => d.severity === 'error' || d.code === 'json-stream');
    // A duplicate key: kubectl apply keeps the later silently, the API server's strict decoding refuses it; we refuse it.
    const go = diags.some((d) => d.code === 'yaml-duplicate-key') ? strict.get(p)! : plain.get(p)!;
    const stream = diags.some((d) => d.code === 'json-stream');
    const want = go.filter((d) => d.json !== undefined).map((d) => d.json);
    if (stream) {
      // kubectl stopped at the "---": the documents it did read must be ours too.
      const head = ours.docs.slice(0, want.length).map((d) => d.value);
      if (canon(head) !== canon(want)) problems.push(`${show(p)}: the JSON stream kubectl reads differs from ours`);
      if (!go.some((d) => d.error !== undefined)) problems.push(`${show(p)}: json-stream warning but kubectl reads it all`);
      continue;
    }
    if (canon(ours.docs.map((d) => d.value)) !== canon(want)) problems.push(`${show(p)}: ours ${canon(ours.docs.map((d) => d.value)).slice(0, 300)}\n    kubectl ${canon(want).slice(0, 300)}`);
    // A JSON file with a trailing "---": kubectl reads the object and then complains; nothing is lost.
    const trailing = /^\s*\{/.test(readFileSync(p, 'utf8')) && canon(ours.docs.map((d) => d.value)) === canon(want);
    const goErrors = trailing ? 0 : go.filter((d) => d.error !== undefined).length;
    if ((goErrors > 0) !== (errors.length > 0)) problems.push(`${show(p)}: kubectl errors [${go.filter((d) => d.error).map((d) => d.error).join('; ')}], ours [${errors.map((d) => d.message).join('; ')}]`);
  }
  return problems;
}

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-yaml-ref-'));
const built = build(dir);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const skip = 'skip' in built ? built.skip : false;

test('every example, corpus and fixture file reads to the same JSON as kubectl (sigs.k8s.io/yaml)', { skip }, () => {
  const bin = (built as { bin: string }).bin;
  // The shared corpus sits beside the checkout (or beside the worktrees' folder).
  const corpus = [join(REPO_ROOT, '..', 'shared', 'corpus'), join(REPO_ROOT, '..', '..', 'shared', 'corpus')].find((d) => existsSync(d)) ?? '';
  const inputs = [...files(join(REPO_ROOT, 'examples')), ...files(join(REPO_ROOT, 'test', 'fixtures')), ...files(corpus)];
  assert.ok(inputs.length > 50, `only ${inputs.length} inputs`);
  const problems = compare(inputs, runGo(bin, inputs, false), runGo(bin, inputs, true), (p) => p.slice(REPO_ROOT.length));
  assert.deepEqual(problems.slice(0, 10), []);
});

test('the pinned YAML 1.1 snippets read to the same JSON as kubectl', { skip }, () => {
  const bin = (built as { bin: string }).bin;
  const texts = [...SCALARS.map(([s]) => `v: ${s}\n`), ...DOCUMENTS];
  const paths = texts.map((t, i) => {
    const p = join(dir, `snippet-${i}.yaml`);
    writeFileSync(p, t);
    return p;
  });
  const problems = compare(paths, runGo(bin, paths, false), runGo(bin, paths, true), (p) => JSON.stringify(texts[paths.indexOf(p)]));
  assert.deepEqual(problems, []);
});
