/** The audit end to end: stable finding ids, suppression (disable, annotation, baseline), every output format, the CLI's exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { audit, baselineFrom, IGNORE_ANNOTATION, type AuditResult } from '../src/analyses/audit.js';
import { CHECKS } from '../src/checks/index.js';
import { auditJson, auditJunit, auditMarkdown, auditSarif, auditText } from '../src/reports/audit/index.js';
import { auditOf, defaultDeny, ns, pod, policy, yaml } from './fixtures/audit/builders.js';
import { notesOf } from '../src/analyses/notes.js';

const ROOT = new URL('../../', import.meta.url);
const CLI = new URL('dist/src/cli/main.js', ROOT).pathname;
const SHOP = new URL('examples/shop/', ROOT).pathname;

function shopTexts(prefix = ''): { path: string; text: string }[] {
  return readdirSync(SHOP)
    .filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml')
    .sort()
    .map((f) => ({ path: `examples/shop/${f}`, text: prefix + readFileSync(join(SHOP, f), 'utf8') }));
}

function shopAudit(prefix = ''): AuditResult {
  const intent = loadIntent('examples/shop/bulkhead.yaml', readFileSync(join(SHOP, 'bulkhead.yaml'), 'utf8'));
  return audit(analyze(loadFromTexts(shopTexts(prefix)).inventory), { intent });
}

test('the shop example shows drift, invariant, health and hygiene findings, each complete and located', () => {
  const r = shopAudit();
  for (const cat of ['drift', 'invariant', 'health', 'hygiene'] as const) assert.ok(r.summary.byCategory[cat] > 0, `no ${cat} finding on the example`);
  const ids = new Set<string>();
  for (const f of r.findings) {
    assert.match(f.id, /^[0-9a-f]{16}$/);
    assert.ok(!ids.has(f.id), `duplicate id ${f.id}`);
    ids.add(f.id);
    assert.ok(f.check && f.title && f.message && f.resource && f.remediation && f.controls.length > 0, JSON.stringify(f));
    assert.ok(f.location && f.location.line >= 1 && existsSync(new URL(f.location.file, ROOT)), `${f.check}: location ${JSON.stringify(f.location)}`);
  }
  assert.equal(r.summary.total, r.findings.length);
  assert.deepEqual(r.checks.map((c) => c.id), CHECKS.map((c) => c.meta.id));
});

test('finding ids survive line moves; the text does not change between runs', () => {
  const a = shopAudit();
  const b = shopAudit('# a comment that moves every line\n\n');
  assert.deepEqual(b.findings.map((f) => f.id).sort(), a.findings.map((f) => f.id).sort());
  const lineOf = new Map(a.findings.map((f) => [f.id, f.location!]));
  for (const f of b.findings) {
    const before = lineOf.get(f.id)!;
    assert.equal(f.location!.line, before.file.endsWith('bulkhead.yaml') ? before.line : before.line + 2, `${f.check} ${f.resource}`);
  }
  assert.equal(auditJson(shopAudit()), auditJson(a), 'byte-identical JSON for the same input');
});

test('a baseline suppresses exactly the accepted findings', () => {
  const first = auditOf([pod('shop', 'a', { app: 'a' })]);
  assert.ok(first.findings.length > 0);
  const baseline = baselineFrom(JSON.parse(auditJson(first)))!;
  const again = auditOf([pod('shop', 'a', { app: 'a' }), pod('shop', 'b', { app: 'b' })], undefined, { baseline });
  assert.equal(again.summary.suppressed.baseline, first.findings.length);
  assert.deepEqual(again.findings.map((f) => f.resource), ['Pod shop/b'], 'only the new workload is reported');
});

test('checks can be disabled per run, per resource and per namespace', () => {
  const cluster = [pod('shop', 'a', { app: 'a' }), pod('ops', 'b', { app: 'b' })];
  const all = auditOf(cluster);
  assert.ok(all.findings.some((f) => f.check === 'unselected-pods'));
  assert.ok(!auditOf(cluster, undefined, { disable: ['unselected-pods'] }).findings.some((f) => f.check === 'unselected-pods'));
  const annotated = auditOf([pod('shop', 'a', { app: 'a' }, [], { [IGNORE_ANNOTATION]: 'unselected-pods' }), pod('ops', 'b', { app: 'b' })]);
  assert.deepEqual(annotated.findings.filter((f) => f.check === 'unselected-pods').map((f) => f.resource), ['Pod ops/b']);
  assert.equal(annotated.summary.suppressed.annotation, 1);
  const nsWide = auditOf([ns('ops', {}, { [IGNORE_ANNOTATION]: '*' }), ...cluster]);
  assert.ok(nsWide.findings.every((f) => !f.resource.includes('ops')), 'a namespace annotation silences everything in it');
  const onPolicy = auditOf([pod('shop', 'db', { app: 'db' }), policy('shop', 'db', { podSelector: {}, ingress: [{}] }, { [IGNORE_ANNOTATION]: 'allow-all-ingress, shadowed-rule' })]);
  assert.ok(!onPolicy.findings.some((f) => f.check === 'allow-all-ingress'));
});

test('SARIF output validates against the SARIF 2.1.0 schema and locates every result', () => {
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv-draft-04') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const addFormats = require('ajv-formats') as (a: unknown) => void;
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The published schema's language-tag pattern is not valid as a unicode regular expression.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const r = shopAudit();
  const log = JSON.parse(auditSarif(r));
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
  assert.ok(!validate({ version: '2.1.0', runs: [{ results: [] }] }), 'the validator rejects a run without a tool');
  const run = log.runs[0];
  assert.equal(run.results.length, r.findings.length);
  assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), r.checks.map((c) => c.id));
  run.results.forEach((res: { ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }, i: number) => {
    const f = r.findings[i]!;
    assert.equal(res.ruleId, f.check);
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, f.check);
    assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uri, f.location!.file);
    assert.equal(res.locations[0]!.physicalLocation.region.startLine, f.location!.line);
  });
  // With input errors and objects not evaluated (tool execution notifications), still valid.
  const bad = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: x}\nspec: {endpointSelector: {}}\n---\nkind: NetworkPolicy\nmetadata: {name: [\n`;
  const loaded = loadFromTexts([{ path: 'bad.yaml', text: `${yaml([pod('x', 'a', { app: 'a' })])}---\n${bad}` }]);
  const noted = JSON.parse(auditSarif(audit(analyze(loaded.inventory), { diagnostics: loaded.diagnostics }), undefined, notesOf(loaded.inventory, loaded.diagnostics)));
  assert.ok(noted.runs[0].invocations[0].toolExecutionNotifications.length >= 2);
  assert.ok(validate(noted), JSON.stringify(validate.errors, null, 1));
  // An empty audit is valid SARIF too.
  assert.ok(validate(JSON.parse(auditSarif(auditOf([pod('x', 'a', { app: 'a' }), defaultDeny('x')], undefined, { disable: CHECKS.map((c) => c.meta.id) })))));
});

test('JUnit XML: a suite per check, a failure per warning or error, text escaped', () => {
  const r = shopAudit();
  const xml = auditJunit(r);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  // One suite per check, and one for the input (input errors and objects not evaluated).
  assert.equal((xml.match(/<testsuite /g) ?? []).length, r.checks.length + 1);
  assert.equal((xml.match(/<failure /g) ?? []).length, r.findings.filter((f) => f.severity !== 'info').length);
  assert.ok(xml.includes(`failures="${r.findings.filter((f) => f.severity !== 'info').length}"`));
  const tricky: AuditResult = { ...r, findings: [{ ...r.findings[0]!, message: 'a <b> & "c"\u0001' }], checks: r.checks.filter((c) => c.id === r.findings[0]!.check) };
  const x2 = auditJunit(tricky);
  assert.ok(x2.includes('a &lt;b&gt; &amp; &quot;c&quot;') && !x2.includes('\u0001') && !x2.includes('<b>'));
});

test('JSON is bulkhead.audit/v1; markdown and text carry every finding', () => {
  const r = shopAudit();
  const j = JSON.parse(auditJson(r));
  assert.equal(j.schema, 'bulkhead.audit/v1');
  for (const f of j.findings) for (const k of ['id', 'check', 'severity', 'title', 'message', 'resource', 'location', 'controls', 'remediation']) assert.ok(k in f, k);
  assert.ok(j.health.length > 0 && 'summary' in j);
  const md = auditMarkdown(r);
  assert.ok(md.includes('| Severity | Check | Resource | Location | Message |'));
  for (const f of r.findings) assert.ok(md.includes(`\`${f.location!.file}:${f.location!.line}\``));
  const plain = auditText(r);
  assert.ok(!plain.includes('\u001b['), 'no colour unless asked');
  assert.ok(auditText(r, { color: true }).includes('\u001b['));
  for (const f of r.findings) assert.ok(plain.includes(f.id));
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const p = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT.pathname, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: p.status ?? -1, out: p.stdout, err: p.stderr };
}

test('CLI: exit 0 by default, 1 with --fail-on at or below the worst severity, 2 for bad usage', () => {
  const ok = cli(['audit', 'examples/shop', '-q']);
  assert.equal(ok.code, 0, ok.err);
  assert.ok(ok.out.includes('Segment health') && !ok.out.includes('\u001b['));
  assert.equal(cli(['audit', 'examples/shop', '-q', '--fail-on', 'error']).code, 1);
  assert.equal(cli(['audit', 'examples/shop', '-q', '--no-intent', '--fail-on', 'error']).code, 0, 'hygiene findings on the example are warnings at most');
  assert.equal(cli(['audit', 'examples/shop', '-q', '--fail-on', 'fatal']).code, 2);
  assert.equal(cli(['audit', 'examples/shop', '-q', '--disable', 'no-such-check']).code, 2);
  assert.equal(cli(['audit', 'examples/shop', '-q', '--format', 'xml']).code, 2);
  const sarif = cli(['audit', 'examples/shop', '-q', '-o', 'sarif']);
  assert.equal(JSON.parse(sarif.out).version, '2.1.0');
});

test('CLI: a bad intent file is exit 2 with file:line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-audit-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'segments:\n  web: {namespace: shop-prod}\nflows:\n  - {from: web, to: nowhere}\n');
  const r = cli(['audit', 'examples/shop', '--intent', bad]);
  assert.equal(r.code, 2);
  assert.ok(r.err.includes(`${bad}:4:`) && r.err.includes('unknown segment "nowhere"'), r.err);
});

test('CLI: baselines round-trip, and init writes an intent that audit accepts with no drift', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-audit-'));
  const base = join(dir, 'baseline.json');
  assert.equal(cli(['audit', 'examples/shop', '-q', '--write-baseline', base]).code, 0);
  const after = cli(['audit', 'examples/shop', '-q', '--baseline', base, '--fail-on', 'info', '-o', 'json']);
  assert.equal(after.code, 0, 'every finding is in the baseline');
  assert.equal(JSON.parse(after.out).findings.length, 0);
  const intent = join(dir, 'bulkhead.yaml');
  assert.equal(cli(['init', 'examples/shop', '--output-file', intent, '-q']).code, 0);
  assert.equal(cli(['init', 'examples/shop', '--output-file', intent, '-q']).code, 2, 'init does not overwrite without --force');
  const j = JSON.parse(cli(['audit', 'examples/shop', '-q', '--intent', intent, '-o', 'json']).out);
  assert.deepEqual(j.findings.filter((f: { category: string; check: string }) => f.category === 'drift' || f.category === 'invariant').map((f: { message: string }) => f.message), []);
  assert.ok(j.intent.segments > 5);
  const text = execFileSync(process.execPath, [CLI, 'init', 'examples/shop', '--output-file', '-', '-q'], { cwd: ROOT.pathname, encoding: 'utf8' });
  assert.equal(text, readFileSync(intent, 'utf8'), 'init is deterministic');
});

function sarifValidator(): ((d: unknown) => boolean) & { errors?: unknown } {
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv-draft-04') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const addFormats = require('ajv-formats') as (a: unknown) => void;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
}

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
  message?: { text: string };
}

test('SARIF: URIs relative to the root with %SRCROOT%, manifests and the intent file alike; outside the root absolute', () => {
  const validate = sarifValidator();
  const root = '/repo';
  const intent = loadIntent('/repo/examples/shop/bulkhead.yaml', readFileSync(join(SHOP, 'bulkhead.yaml'), 'utf8'));
  const r = audit(analyze(loadFromTexts(shopTexts().map((t) => ({ ...t, path: `/repo/${t.path}` }))).inventory), { intent });
  const outside = { ...r, findings: r.findings.map((f, i) => (i === 0 && f.location ? { ...f, location: { ...f.location, file: '/elsewhere/x.yaml' } } : f)) };
  const log = JSON.parse(auditSarif(outside, { root, cwd: '/repo/sub' }));
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
  const run = log.runs[0];
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///repo/' } });
  const locs: SarifLocation[] = run.results.flatMap((x: { locations?: SarifLocation[]; relatedLocations?: SarifLocation[] }) => [...(x.locations ?? []), ...(x.relatedLocations ?? [])]);
  assert.equal(locs[0]!.physicalLocation.artifactLocation.uri, 'file:///elsewhere/x.yaml', 'outside the root: absolute, no base');
  assert.equal(locs[0]!.physicalLocation.artifactLocation.uriBaseId, undefined);
  const rest = locs.slice(1);
  assert.ok(rest.every((l) => l.physicalLocation.artifactLocation.uriBaseId === '%SRCROOT%' && !l.physicalLocation.artifactLocation.uri.startsWith('file:') && !l.physicalLocation.artifactLocation.uri.startsWith('/')));
  assert.ok(rest.some((l) => l.physicalLocation.artifactLocation.uri === 'examples/shop/bulkhead.yaml'), 'intent locations are relative too');
  // A relative path is resolved against the working directory first.
  const rel = JSON.parse(auditSarif(shopAudit(), { root: '/repo', cwd: '/repo/sub' }));
  assert.equal(rel.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri.split('/')[0], 'sub');
});

test('SARIF: helpUri per rule and informationUri for the tool are URLs; security-severity on rules and results', () => {
  const log = JSON.parse(auditSarif(shopAudit()));
  const driver = log.runs[0].tool.driver;
  assert.match(driver.informationUri, /^https:\/\//);
  for (const rule of driver.rules) {
    assert.match(rule.helpUri, new RegExp(`^https://.+/docs/checks\\.md#${rule.id}$`));
    assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
  }
  for (const res of log.runs[0].results) assert.match(res.properties['security-severity'], /^\d+\.\d$/);
});

test('findings carry every offending pair as data: JSON evidence and SARIF related locations, not "... and N more"', () => {
  const r = shopAudit();
  const never = r.findings.filter((f) => f.check === 'intent-never');
  assert.ok(never.length > 0);
  const json = JSON.parse(auditJson(r));
  const sarif = JSON.parse(auditSarif(r)).runs[0];
  for (const f of never) {
    const m = /and (\d+) more/.exec(f.message);
    const listed = (f.message.match(/ => /g) ?? []).length;
    assert.ok(f.evidence && f.evidence.length === listed + (m ? Number(m[1]) : 0), `${f.evidence?.length} pairs as data for "${f.message}"`);
    const j = json.findings.find((x: { id: string }) => x.id === f.id);
    assert.equal(j.evidence.length, f.evidence.length);
    for (const e of j.evidence) {
      assert.ok(e.src && e.dst && e.rule && e.location.line > 0);
      assert.ok(Object.keys(e.ports).length > 0);
    }
    const s = sarif.results.find((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['bulkheadFindingId/v1'] === f.id);
    const pairs = (s.relatedLocations as SarifLocation[]).filter((l) => / => /.test(l.message!.text));
    assert.equal(pairs.length, f.evidence.length, 'one related location per pair');
    assert.equal(s.properties.evidence.length, f.evidence.length);
  }
});

test('CLI: SARIF paths are relative to the git work tree, run from a subdirectory', () => {
  const p = spawnSync(process.execPath, [CLI, 'audit', '.', '-q', '-f', 'sarif'], { cwd: join(ROOT.pathname, 'examples/shop'), encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  const run = JSON.parse(p.stdout).runs[0];
  const git = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: join(ROOT.pathname, 'examples/shop'), encoding: 'utf8' });
  const inGit = git.status === 0;
  const uri: string = run.results[0].locations[0].physicalLocation.artifactLocation.uri;
  if (inGit) assert.match(uri, /^examples\/shop\/[\w-]+\.yaml$/);
  else assert.match(uri, /^[\w-]+\.yaml$/);
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
});

test('audit md fits a pull-request comment: long messages cut, the whole under 65,536 characters, the rest counted', () => {
  const r = shopAudit();
  const long = { ...r, findings: Array.from({ length: 400 }, (_, i) => ({ ...r.findings[0]!, id: `f${i}`, message: `${'x'.repeat(2_000)} ${i}` })) };
  const md = auditMarkdown(long);
  assert.ok(md.length < 65_536, `${md.length} characters`);
  const rows = md.split('\n').filter((l) => l.startsWith('| 🔴'));
  assert.ok(rows.length > 0 && rows.every((l) => l.length < 600), 'message cells are cut');
  assert.match(md, new RegExp(`_${400 - rows.length} more finding\\(s\\) not shown`));
});
