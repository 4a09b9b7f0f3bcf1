#!/usr/bin/env node
// Transcribes the upstream Kubernetes e2e NetworkPolicy truth tables
// (k8s-e2e-cases.md: cluster model, then cases E01..E39 with policies, probes and 9x9 matrices)
// into test/fixtures/e2e/cases.json, the data behind test/e2e-truth-tables.test.ts.
//
// Usage: node scripts/transcribe-e2e.mjs [path/to/k8s-e2e-cases.md] [path/to/cases.json]
//   defaults: ../shared/cases/k8s-e2e-cases.md (relative to the repo root) and
//   test/fixtures/e2e/cases.json. Add --check to compare with the committed JSON instead of writing it.
//
// Output: an array of
//   {id, title, notes: string[], model: {ports, protocols}, podIPs: {"x/a": "10.244.0.11", ...},
//    steps: [{name, namespaceLabels?, podLabels?, policiesYaml,
//             probes: [{port, protocol, matrix: {src: {dst: true|false|null}}}]}]}
// matrix rows are sources, columns destinations; null = self pair, not asserted upstream.
// namespaceLabels / podLabels are EXTRA labels merged over the default ones for that step
// (namespaces: kubernetes.io/metadata.name=<ns>; pods: pod=<name>), e.g. {"y": {"ns2": "updated"}}
// and {"x/b": {"pod2": "updated"}}.
//
// Any part of the document that does not parse the expected way aborts with a message naming the
// line: the file is hand-written markdown, and a silently skipped probe would be a silently weaker test.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const positional = args.filter((a) => a !== '--check');
const inPath = resolve(positional[0] ?? resolve(repoRoot, '../shared/cases/k8s-e2e-cases.md'));
const outPath = resolve(positional[1] ?? resolve(repoRoot, 'test/fixtures/e2e/cases.json'));

const PODS = ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c'];
const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

class TranscribeError extends Error {}
process.on('uncaughtException', (e) => {
  console.error(e instanceof TranscribeError ? `transcribe-e2e: ${e.message}` : e);
  process.exit(1);
});
function fail(lineNo, msg) {
  throw new TranscribeError(`${inPath}:${lineNo}: ${msg}`);
}

const text = readFileSync(inPath, 'utf8');
const lines = text.split('\n');

// ---------------------------------------------------------------------------------------------
// Document-level facts to check the transcription against.

const podIPs = parsePodIPs();
const expected = expectedCounts();

function parsePodIPs() {
  const idx = lines.findIndex((l) => l.includes('for the ipBlock cases this file fixes:'));
  if (idx < 0) fail(0, 'cluster model: pod IP line ("for the ipBlock cases this file fixes:") not found');
  const after = lines[idx].split('this file fixes:')[1];
  const ips = {};
  for (const m of after.matchAll(/([xyz]\/[abc])=(\d+\.\d+\.\d+\.\d+)/g)) ips[m[1]] = m[2];
  for (const p of PODS) if (!ips[p]) fail(idx + 1, `cluster model: no IP for pod ${p}`);
  if (Object.keys(ips).length !== PODS.length) fail(idx + 1, 'cluster model: unexpected pod IPs');
  if (new Set(Object.values(ips)).size !== PODS.length) fail(idx + 1, 'cluster model: duplicate pod IPs');
  const ordered = {};
  for (const p of PODS) ordered[p] = ips[p];
  return ordered;
}

function expectedCounts() {
  // "... (39/39 cases, all probes, ...)" in the preamble, "## Core cases (25)" as a section heading,
  // and independent line counts of the things the parser must find.
  const m = text.match(/\((\d+)\/(\d+) cases/);
  if (!m) fail(0, 'preamble: "(N/N cases" statement not found');
  const core = text.match(/^## Core cases \((\d+)\)$/m);
  if (!core) fail(0, '"## Core cases (N)" heading not found');
  return {
    cases: Number(m[2]),
    coreCases: Number(core[1]),
    caseHeadings: lines.filter((l) => /^### E\d+/.test(l)).length,
    probeLines: lines.filter((l) => /^probe /.test(l)).length,
    tableHeaders: lines.filter((l) => /^\| from \\ to \|/.test(l)).length,
    yamlFences: lines.filter((l) => l === '```yaml').length,
  };
}

// ---------------------------------------------------------------------------------------------
// Case parsing: a small line-driven state machine over the "## ..." sections.

const cases = [];
let section = null; // 'core' | 'additional' | null (preamble / legend)
const sectionCounts = { core: 0, additional: 0 };
let cur = null; // current case
let step = null; // current step of the current case

for (let i = 0; i < lines.length; i++) {
  const line = lines[i];
  const lineNo = i + 1;

  if (line.startsWith('## ')) {
    finishCase();
    if (/^## Core cases/.test(line)) section = 'core';
    else if (/^## Additional cases/.test(line)) section = 'additional';
    else if (section !== null) fail(lineNo, `unexpected section after the cases began: ${line}`);
    continue;
  }
  if (section === null) continue;

  if (line.startsWith('### ')) {
    finishCase();
    const m = line.match(/^### (E\d{2}) — (.+)$/);
    if (!m) fail(lineNo, `case heading not of the form "### Enn — title": ${line}`);
    cur = { id: m[1], title: m[2].trim(), notes: [], model: null, steps: [], line: lineNo, section };
    sectionCounts[section]++;
    step = null;
    continue;
  }
  if (!cur) {
    if (line.trim() !== '') fail(lineNo, `text outside any case: ${line}`);
    continue;
  }

  if (line.startsWith('- model:')) {
    if (cur.model) fail(lineNo, `${cur.id}: second model line`);
    cur.model = parseModel(line, lineNo);
    continue;
  }
  if (line.startsWith('- note:')) {
    cur.notes.push(line.slice('- note:'.length).trim());
    continue;
  }
  const stepHead = line.match(/^\*\*(step \d+(?::.*)?)\*\*$/);
  if (stepHead) {
    if (cur.steps.length > 0 && cur.steps[0].implicit) fail(lineNo, `${cur.id}: step heading after content that had no step heading`);
    step = newStep(stepHead[1].trim(), lineNo);
    const expectedNo = cur.steps.length + 1;
    const no = Number(stepHead[1].match(/^step (\d+)/)[1]);
    if (no !== expectedNo) fail(lineNo, `${cur.id}: step ${no} found where step ${expectedNo} was expected`);
    cur.steps.push(step);
    continue;
  }
  const extra = line.match(/^- extra (namespace|pod) labels: `(.*)`$/);
  if (extra) {
    if (!step || step.implicit) fail(lineNo, `${cur.id}: label change outside an explicit step`);
    const key = extra[1] === 'namespace' ? 'namespaceLabels' : 'podLabels';
    if (step[key]) fail(lineNo, `${cur.id}: two ${key} lines in one step`);
    step[key] = parseLabelOverride(extra[2], extra[1], lineNo);
    continue;
  }
  if (line.startsWith('- ')) fail(lineNo, `${cur.id}: unrecognised bullet: ${line}`);

  if (line === '```yaml') {
    ensureStep(lineNo);
    if (step.policiesYaml !== null) fail(lineNo, `${cur.id}: second yaml block in ${step.name}`);
    const end = lines.indexOf('```', i + 1);
    if (end < 0) fail(lineNo, `${cur.id}: unterminated yaml block`);
    step.policiesYaml = lines.slice(i + 1, end).join('\n') + '\n';
    step.policyNames = checkPolicies(step.policiesYaml, lineNo);
    i = end;
    continue;
  }
  if (line.startsWith('```')) fail(lineNo, `${cur.id}: unexpected code fence: ${line}`);

  if (line.startsWith('probe ')) {
    ensureStep(lineNo);
    const probe = parseProbe(i);
    step.probes.push(probe.probe);
    i = probe.lastLine;
    continue;
  }
  if (line.startsWith('|')) fail(lineNo, `${cur.id}: table row without a probe line before it`);
  if (line.trim() !== '') fail(lineNo, `${cur.id}: unrecognised line: ${line}`);
}
finishCase();

function newStep(name, lineNo) {
  return { name, implicit: false, line: lineNo, policiesYaml: null, policyNames: null, probes: [] };
}

function ensureStep(lineNo) {
  if (step) return;
  if (cur.steps.length > 0) fail(lineNo, `${cur.id}: content after the steps ended`);
  step = newStep('only step', lineNo);
  step.implicit = true;
  cur.steps.push(step);
}

function parseModel(line, lineNo) {
  const m = line.match(/^- model: ports \[([\d, ]+)\] × protocols \[([^\]]+)\] → containers (.+)$/);
  if (!m) fail(lineNo, `${cur.id}: model line not understood: ${line}`);
  const ports = m[1].split(',').map((s) => Number(s.trim()));
  const protocols = m[2].split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) fail(lineNo, `${cur.id}: bad port ${p}`);
  for (const p of protocols) if (!PROTOCOLS.has(p)) fail(lineNo, `${cur.id}: bad protocol ${p}`);
  // The listed container port names must be exactly serve-<port>-<proto> for every combination.
  const listed = [...m[3].matchAll(/`([^`]+)`/g)].map((x) => x[1]);
  const want = ports.flatMap((port) => protocols.map((proto) => `serve-${port}-${proto.toLowerCase()}`));
  if (listed.join(',') !== want.join(',')) {
    fail(lineNo, `${cur.id}: containers ${listed.join(',')} do not match ports × protocols (${want.join(',')})`);
  }
  return { ports, protocols };
}

function parseLabelOverride(src, what, lineNo) {
  // Written as a Python dict literal: {'y': {'ns2': 'updated'}}. Only plain quoted strings appear.
  if (!/^[{}\s'a-zA-Z0-9_./:,-]*$/.test(src)) fail(lineNo, `${cur.id}: label override has unexpected characters: ${src}`);
  let obj;
  try {
    obj = JSON.parse(src.replace(/'/g, '"'));
  } catch (e) {
    fail(lineNo, `${cur.id}: label override not parseable: ${src} (${e.message})`);
  }
  const okKeys = what === 'namespace' ? ['x', 'y', 'z'] : PODS;
  for (const [k, v] of Object.entries(obj)) {
    if (!okKeys.includes(k)) fail(lineNo, `${cur.id}: label override for unknown ${what} ${k}`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(lineNo, `${cur.id}: labels of ${k} are not a map`);
    for (const [lk, lv] of Object.entries(v)) {
      if (typeof lv !== 'string') fail(lineNo, `${cur.id}: label ${lk} of ${k} is not a string`);
      if (lk === 'kubernetes.io/metadata.name') fail(lineNo, `${cur.id}: the immutable namespace name label cannot change`);
    }
  }
  return obj;
}

function checkPolicies(yamlText, lineNo) {
  const docs = parseAllDocuments(yamlText);
  const names = [];
  for (const doc of docs) {
    if (doc.errors.length) fail(lineNo, `${cur.id}: YAML error: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (!obj || obj.kind !== 'NetworkPolicy' || obj.apiVersion !== 'networking.k8s.io/v1') {
      fail(lineNo, `${cur.id}: YAML document is not a networking.k8s.io/v1 NetworkPolicy`);
    }
    const ns = obj.metadata?.namespace;
    if (!['x', 'y', 'z'].includes(ns)) fail(lineNo, `${cur.id}: policy ${obj.metadata?.name} in unknown namespace ${ns}`);
    const key = `${ns}/${obj.metadata.name}`;
    if (names.includes(key)) fail(lineNo, `${cur.id}: policy ${key} appears twice in one step`);
    names.push(key);
  }
  if (names.length === 0) fail(lineNo, `${cur.id}: empty yaml block`);
  return names;
}

function parseProbe(i) {
  const lineNo = i + 1;
  const head = lines[i].match(/^probe \*\*(\d+)\/(TCP|UDP|SCTP)\*\* — denied \(non-self\) pairs: (.+)$/);
  if (!head) fail(lineNo, `${cur.id}: probe line not understood: ${lines[i]}`);
  const port = Number(head[1]);
  const protocol = head[2];
  if (!cur.model) fail(lineNo, `${cur.id}: probe before the model line`);
  if (!cur.model.ports.includes(port) || !cur.model.protocols.includes(protocol)) {
    fail(lineNo, `${cur.id}: probe ${port}/${protocol} is not served by the case's model`);
  }
  if (step.probes.some((p) => p.port === port && p.protocol === protocol)) {
    fail(lineNo, `${cur.id}: probe ${port}/${protocol} twice in ${step.name}`);
  }

  // The denied-pairs summary, cross-checked against the matrix below.
  let denied;
  if (head[3] === '(none)') denied = [];
  else {
    denied = head[3].split(', ').map((pair) => {
      const pm = pair.match(/^([xyz]\/[abc])→([xyz]\/[abc])$/);
      if (!pm) fail(lineNo, `${cur.id}: denied pair not understood: "${pair}"`);
      return `${pm[1]}→${pm[2]}`;
    });
  }

  // Skip blank lines, then the table: header, separator, 9 rows.
  let j = i + 1;
  while (j < lines.length && lines[j].trim() === '') j++;
  const header = splitRow(lines[j], j + 1);
  if (header[0] !== 'from \\ to' || header.slice(1).join(',') !== PODS.join(',')) {
    fail(j + 1, `${cur.id}: matrix header not "| from \\ to | x/a | ... | z/c |"`);
  }
  j++;
  if (!/^\|(---\|)+$/.test(lines[j]) || splitRow(lines[j], j + 1).length !== 10) fail(j + 1, `${cur.id}: matrix separator row expected`);
  const matrix = {};
  const zeros = [];
  for (let r = 0; r < PODS.length; r++) {
    j++;
    const row = splitRow(lines[j] ?? '', j + 1);
    const src = PODS[r];
    if (row.length !== 10 || row[0] !== `**${src}**`) fail(j + 1, `${cur.id}: matrix row for ${src} expected, got: ${lines[j]}`);
    matrix[src] = {};
    for (let c = 0; c < PODS.length; c++) {
      const dst = PODS[c];
      const cell = row[c + 1];
      if (src === dst) {
        if (cell !== '-') fail(j + 1, `${cur.id}: self cell ${src}→${dst} is "${cell}", expected "-"`);
        matrix[src][dst] = null;
      } else if (cell === '1') matrix[src][dst] = true;
      else if (cell === '0') {
        matrix[src][dst] = false;
        zeros.push(`${src}→${dst}`);
      } else fail(j + 1, `${cur.id}: cell ${src}→${dst} is "${cell}", expected 0 or 1`);
    }
  }
  if (j + 1 < lines.length && lines[j + 1].startsWith('|')) fail(j + 2, `${cur.id}: matrix has more than 9 rows`);
  if (zeros.join(', ') !== denied.join(', ')) {
    fail(lineNo, `${cur.id}: ${port}/${protocol}: the denied-pairs list disagrees with the matrix\n  list:   ${denied.join(', ')}\n  matrix: ${zeros.join(', ')}`);
  }
  return { probe: { port, protocol, matrix }, lastLine: j };
}

function splitRow(line, lineNo) {
  if (!line.startsWith('|') || !line.endsWith('|')) fail(lineNo, `${cur.id}: table row expected, got: ${line}`);
  return line.slice(1, -1).split('|').map((s) => s.trim());
}

function finishCase() {
  if (!cur) return;
  const c = cur;
  cur = null;
  step = null;
  if (!c.model) fail(c.line, `${c.id}: no model line`);
  if (c.steps.length === 0) fail(c.line, `${c.id}: no policies or probes`);
  for (const s of c.steps) {
    if (s.policiesYaml === null) fail(s.line, `${c.id} ${s.name}: no yaml block`);
    if (s.probes.length === 0) fail(s.line, `${c.id} ${s.name}: no probes`);
  }
  if (c.steps.length > 1 && c.steps.some((s) => s.implicit)) fail(c.line, `${c.id}: mixes implicit and explicit steps`);
  cases.push(c);
}

// ---------------------------------------------------------------------------------------------
// Whole-document checks: nothing found twice, nothing missed.

const problems = [];
const ids = cases.map((c) => c.id);
if (new Set(ids).size !== ids.length) problems.push(`duplicate case ids: ${ids.filter((x, k) => ids.indexOf(x) !== k).join(', ')}`);
for (let n = 1; n <= expected.cases; n++) {
  const id = `E${String(n).padStart(2, '0')}`;
  if (!ids.includes(id)) problems.push(`case ${id} missing`);
}
if (cases.length !== expected.cases) problems.push(`parsed ${cases.length} cases, the document states ${expected.cases}`);
if (cases.length !== expected.caseHeadings) problems.push(`parsed ${cases.length} cases, the document has ${expected.caseHeadings} "### E" headings`);
if (sectionCounts.core !== expected.coreCases) problems.push(`parsed ${sectionCounts.core} core cases, the heading says ${expected.coreCases}`);
const nProbes = cases.reduce((a, c) => a + c.steps.reduce((b, s) => b + s.probes.length, 0), 0);
if (nProbes !== expected.probeLines) problems.push(`parsed ${nProbes} probes, the document has ${expected.probeLines} probe lines`);
if (nProbes !== expected.tableHeaders) problems.push(`parsed ${nProbes} probes, the document has ${expected.tableHeaders} matrices`);
const nSteps = cases.reduce((a, c) => a + c.steps.length, 0);
if (nSteps !== expected.yamlFences) problems.push(`parsed ${nSteps} steps, the document has ${expected.yamlFences} yaml blocks`);
// Multi-step cases list the full policy set per step; label changes persist (they are never undone).
for (const c of cases) {
  for (let k = 1; k < c.steps.length; k++) {
    for (const key of ['namespaceLabels', 'podLabels']) {
      const prev = c.steps[k - 1][key];
      if (!prev) continue;
      for (const [obj, labels] of Object.entries(prev)) {
        const now = c.steps[k][key]?.[obj] ?? {};
        for (const [lk, lv] of Object.entries(labels)) {
          if (now[lk] !== lv) problems.push(`${c.id}: ${key} ${obj} ${lk}=${lv} of ${c.steps[k - 1].name} is gone in ${c.steps[k].name}`);
        }
      }
    }
  }
}
if (problems.length) {
  console.error(`transcribe-e2e: ${inPath} did not transcribe cleanly:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Output (sorted by id; stable key order; 2-space JSON).

cases.sort((a, b) => a.id.localeCompare(b.id));
const out = cases.map((c) => ({
  id: c.id,
  title: c.title,
  group: c.section,
  notes: c.notes,
  model: c.model,
  podIPs,
  steps: c.steps.map((s) => ({
    name: s.name,
    ...(s.namespaceLabels ? { namespaceLabels: s.namespaceLabels } : {}),
    ...(s.podLabels ? { podLabels: s.podLabels } : {}),
    policies: s.policyNames,
    policiesYaml: s.policiesYaml,
    probes: s.probes,
  })),
}));
const json = JSON.stringify(out, null, 2) + '\n';

let cells = 0;
for (const c of out) for (const s of c.steps) for (const p of s.probes) for (const r of Object.values(p.matrix)) for (const v of Object.values(r)) if (v !== null) cells++;
const summary = `${out.length} cases, ${nSteps} steps, ${nProbes} probes, ${cells} asserted cells`;

if (check) {
  let old = '';
  try {
    old = readFileSync(outPath, 'utf8');
  } catch {
    /* missing: reported below */
  }
  if (old !== json) {
    console.error(`transcribe-e2e: ${outPath} is out of date with ${inPath}; rerun scripts/transcribe-e2e.mjs`);
    process.exit(1);
  }
  console.log(`transcribe-e2e: ${outPath} is up to date (${summary})`);
} else {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, json);
  console.log(`transcribe-e2e: wrote ${outPath} (${summary})`);
}
