/** audit -n/-l: the findings that involve an endpoint or object in scope, counts and gate following them, the filter named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { audit, countFindings, type AuditResult, type Finding } from '../src/analyses/audit.js';
import { scopeAudit } from '../src/analyses/audit-scope.js';
import { endpointScope, type EndpointScope } from '../src/analyses/endpoint-filter.js';
import { auditMarkdown, auditSarif, auditText } from '../src/reports/audit/index.js';
import { auditHeadline } from '../src/reports/audit/html.js';
import { deployment, ns, policy, yaml } from './fixtures/audit/builders.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const SHOP = join(REPO_ROOT, 'examples/shop');
const texts = readdirSync(SHOP)
  .filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml')
  .sort()
  .map((f) => ({ path: `examples/shop/${f}`, text: readFileSync(join(SHOP, f), 'utf8') }));
const intent = loadIntent('examples/shop/bulkhead.yaml', readFileSync(join(SHOP, 'bulkhead.yaml'), 'utf8'));
const analysis = analyze(loadFromTexts(texts).inventory);
const full = audit(analysis, { intent });
const namespaces = [...new Set(analysis.inventory.workloads.map((w) => w.namespace))].sort();

function scoped(spec: Parameters<typeof endpointScope>[0]): { scope: EndpointScope; r: AuditResult } {
  const scope = endpointScope(spec)!;
  return { scope, r: scopeAudit(analysis, full, scope, intent) };
}

/** The namespaces a finding names: of its resource and of every endpoint of its evidence. */
function namespacesNamed(f: Finding): Set<string> {
  const out = new Set<string>();
  if (f.ref.kind === 'Namespace') out.add(f.ref.name);
  if (f.ref.namespace) out.add(f.ref.namespace);
  for (const e of f.evidence ?? []) for (const id of [e.src, e.dst]) if (id.includes('/')) out.add(id.slice(0, id.indexOf('/')));
  return out;
}

test('audit -n NS keeps exactly the findings that name the namespace (or a segment with a member in it), in order, with counts that follow', () => {
  assert.ok(namespaces.length >= 4);
  for (const n of namespaces) {
    const { r } = scoped({ namespaces: [n] });
    const kept = new Set(r.findings.map((f) => f.id));
    assert.deepEqual(r.findings, full.findings.filter((f) => kept.has(f.id)), 'a subset, in the same order');
    assert.deepEqual({ total: r.summary.total, bySeverity: r.summary.bySeverity, byCategory: r.summary.byCategory }, countFindings(r.findings));
    assert.deepEqual(r.scope, { filter: `-n ${n}`, total: full.findings.length });
    for (const f of full.findings) {
      if (f.ref.kind === 'Segment' || f.ref.kind === 'Flow' || f.category === 'input') continue;
      assert.equal(kept.has(f.id), namespacesNamed(f).has(n), `${n}: ${f.check} on ${f.resource}`);
    }
  }
  // Every non-intent finding names some namespace, so the namespaces together cover the audit.
  const union = new Set(namespaces.flatMap((n) => scoped({ namespaces: [n] }).r.findings.map((f) => f.id)));
  assert.deepEqual(full.findings.filter((f) => !union.has(f.id)).map((f) => f.resource), []);
});

test('audit -n takes several namespaces, comma-separated: the union of each alone', () => {
  const [a, b] = [namespaces[0]!, namespaces[1]!];
  const both = new Set(scoped({ namespaces: [`${a},${b}`] }).r.findings.map((f) => f.id));
  const each = new Set([...scoped({ namespaces: [a] }).r.findings, ...scoped({ namespaces: [b] }).r.findings].map((f) => f.id));
  assert.deepEqual([...both].sort(), [...each].sort());
});

test('audit -l: a policy is in scope through the pods it selects; a policy that selects nothing only by -n', () => {
  const has = (r: AuditResult, check: string, resource: string): boolean => r.findings.some((f) => f.check === check && f.resource === resource);
  // shadowed-rule carries no evidence: it is kept for the postgres pods its policy selects.
  assert.ok(has(full, 'shadowed-rule', 'NetworkPolicy shop-prod/postgres'));
  assert.ok(has(scoped({ selector: 'app=postgres' }).r, 'shadowed-rule', 'NetworkPolicy shop-prod/postgres'));
  assert.ok(!has(scoped({ selector: 'app=frontend' }).r, 'shadowed-rule', 'NetworkPolicy shop-prod/postgres'));
  assert.ok(!has(scoped({ namespaces: ['shop-prod'], selector: 'app=api' }).r, 'shadowed-rule', 'NetworkPolicy shop-prod/postgres'));
  // legacy-search selects no pod: in its namespace's scope, in no label's.
  assert.ok(has(scoped({ namespaces: ['shop-dev'] }).r, 'policy-selects-nothing', 'NetworkPolicy shop-dev/legacy-search'));
  assert.ok(!has(scoped({ namespaces: ['shop-prod'] }).r, 'policy-selects-nothing', 'NetworkPolicy shop-dev/legacy-search'));
  assert.ok(!has(scoped({ selector: 'app=legacy-search' }).r, 'policy-selects-nothing', 'NetworkPolicy shop-dev/legacy-search'));
  // A segment finding follows its members: the flat monitoring segment is prometheus.
  assert.ok(has(scoped({ selector: 'app=prometheus' }).r, 'intent-flat-segment', 'Segment monitoring'));
  assert.ok(!has(scoped({ selector: 'app=postgres' }).r, 'intent-flat-segment', 'Segment monitoring'));
});

test('audit -n: segment health keeps the segments with a member in scope', () => {
  const { r } = scoped({ namespaces: ['payments'] });
  assert.deepEqual(r.health?.map((h) => h.segment.name).sort(), ['payments', 'vault']);
});

test('audit -n: findings about input that was not read stay whatever the scope (it may open paths into it)', () => {
  const text = `${yaml([ns('a'), ns('b'), deployment('a', 'web', { app: 'web' }), deployment('b', 'db', { app: 'db' }), policy('b', 'p', { podSelector: {}, policyTypes: ['Ingress'] })])}---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: broken, namespace: b}\nspec: {podSelector: 7}\n`;
  const loaded = loadFromTexts([{ path: 'm.yaml', text }]);
  const a = analyze(loaded.inventory);
  const r = audit(a, { diagnostics: loaded.diagnostics });
  const inputs = r.findings.filter((f) => f.category === 'input');
  assert.ok(inputs.length > 0, 'the broken policy is an input finding');
  const s = scopeAudit(a, r, endpointScope({ namespaces: ['a'] })!);
  for (const f of inputs) assert.ok(s.findings.includes(f), f.message);
});

test('audit text leads with the verdict and names the filter', () => {
  const { r } = scoped({ namespaces: ['payments'] });
  const lines = auditText(r).split('\n');
  assert.match(lines[0]!, /^WARN: 0 errors, \d+ warnings?, \d+ info; first warning at \S+:\d+: /);
  assert.equal(lines[1], `filter -n payments: ${full.findings.length - r.findings.length} of ${full.findings.length} findings left out (they involve no endpoint or object in scope); the checks ran on the whole input`);
  assert.match(auditText(r, { failOn: 'warning' }).split('\n')[0]!, /^FAIL \(--fail-on warning\): /);
  assert.match(auditText(r, { failOn: 'error' }).split('\n')[0]!, /^PASS \(--fail-on error\): /);
  // Every format says so: md, SARIF's run properties, the HTML headline.
  assert.ok(auditMarkdown(r).includes(`Filter \`-n payments\`: ${r.findings.length} of ${full.findings.length} findings`));
  const sarif = JSON.parse(auditSarif(r)) as { runs: { properties: { scope?: unknown } }[] };
  assert.deepEqual(sarif.runs[0]!.properties.scope, { filter: '-n payments', total: full.findings.length, shown: r.findings.length });
  assert.ok(auditHeadline(r).includes(`(filter -n payments: ${r.findings.length} of ${full.findings.length} findings)`));
  assert.ok(!auditHeadline(full).includes('filter'));
});

test('audit CLI: -n/-l without --cluster, the gate judges the filtered findings, JSON names the scope', () => {
  const whole = runCli(['audit', 'examples/shop', '-q', '--fail-on', 'error', '-o', 'json']);
  assert.equal(whole.code, 1, whole.stderr);
  const pay = runCli(['audit', 'examples/shop', '-q', '--fail-on', 'error', '-o', 'json', '-n', 'payments']);
  assert.equal(pay.code, 0, pay.stderr);
  const doc = JSON.parse(pay.stdout) as { scope: { filter: string; total: number; shown: number }; findings: unknown[]; summary: { total: number } };
  assert.deepEqual(doc.scope, { filter: '-n payments', total: (JSON.parse(whole.stdout) as { findings: unknown[] }).findings.length, shown: doc.findings.length });
  assert.equal(doc.summary.total, doc.findings.length);
  const dev = runCli(['audit', 'examples/shop', '-q', '--fail-on', 'error', '-l', 'app=postgres']);
  assert.equal(dev.code, 1);
  assert.match(dev.stdout.split('\n')[0]!, /^FAIL \(--fail-on error\): \d+ errors/);
  const bad = runCli(['audit', 'examples/shop', '-q', '-l', 'app in (a']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad label selector/);
});
