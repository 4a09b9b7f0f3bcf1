/**
 * Every question in every format carries what its answer does not reflect: a planted object the engine does
 * not evaluate (a CiliumNetworkPolicy) and a planted input error (a document that does not parse). A new
 * format or command fails here until it renders them. stderr is silenced with -q: the report must say it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'bulkhead-caveats-'));
const OLD = join(DIR, 'old');
const NEW = join(DIR, 'new');
mkdirSync(OLD);
mkdirSync(NEW);
const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: deathstar, namespace: empire}
spec:
  selector: {matchLabels: {class: deathstar}}
  template:
    metadata: {labels: {class: deathstar, org: empire}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: xwing, namespace: alliance}
spec:
  selector: {matchLabels: {class: xwing}}
  template:
    metadata: {labels: {class: xwing, org: alliance}}
    spec: {containers: [{name: c, image: x}]}
`;
const CILIUM = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: rule1, namespace: empire}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
    - fromEndpoints: [{matchLabels: {org: empire}}]
`;
const BROKEN = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: empire
spec: {podSelector: {}}
`;
for (const d of [OLD, NEW]) writeFileSync(join(d, 'app.yaml'), APP);
writeFileSync(join(NEW, 'cilium.yaml'), CILIUM);
writeFileSync(join(NEW, 'broken.yaml'), BROKEN);

writeFileSync(
  join(DIR, 'intent.yaml'),
  'segments:\n  empire: {namespace: empire}\n  alliance: {namespace: alliance}\ntests:\n  - {from: alliance, to: empire, port: TCP/80, expect: allow}\n',
);
const INTENT = join(DIR, 'intent.yaml');
const KIND = 'CiliumNetworkPolicy';
const BROKEN_FILE = 'broken.yaml';

interface Case {
  readonly args: readonly string[];
  /** What to look for: both planted problems, in the format's own place for them. */
  readonly check: (stdout: string) => void;
}

const both = (out: string): void => {
  assert.ok(out.includes(KIND), 'the object not evaluated is named');
  assert.ok(out.includes(BROKEN_FILE), 'the file that does not parse is named');
};
const json = (out: string): void => {
  const doc = JSON.parse(out);
  assert.equal(doc.bound, 'unknown');
  assert.ok(doc.diagnostics.some((d: { severity: string; file: string; line: number }) => d.severity === 'error' && d.file.endsWith(BROKEN_FILE) && d.line >= 1), 'the syntax error with its file and line');
  assert.ok(doc.caveats.some((c: { kind: string }) => c.kind === KIND), 'the object not evaluated, as data');
};
const before = (marker: string) => (out: string): void => {
  both(out);
  const at = out.indexOf(marker);
  assert.ok(at >= 0, `results marker "${marker}" present`);
  assert.ok(out.indexOf(KIND) < at && out.indexOf(BROKEN_FILE) < at, 'caveats come before the results');
};

const CASES: Record<string, Case> = {
  'reach text': { args: ['reach', NEW], check: before('=>') },
  'reach text --summary': { args: ['reach', NEW, '--summary'], check: before('=>') },
  'reach json': { args: ['reach', NEW, '-o', 'json'], check: json },
  'reach json (pod level, streamed)': { args: ['reach', NEW, '-o', 'json', '--level', 'pod'], check: json },
  'reach md': { args: ['reach', NEW, '-o', 'md'], check: before('| src') },
  'reach dot': { args: ['reach', NEW, '-o', 'dot'], check: both },
  'reach html': { args: ['reach', NEW, '-o', 'html'], check: before('<h2>') },
  ...Object.fromEntries(
    (['namespace', 'segment'] as const).flatMap((level) => {
      const args = ['reach', NEW, '--level', level, '--intent', INTENT];
      return [
        [`reach text --level ${level}`, { args, check: before('=>') }],
        [`reach json --level ${level}`, { args: [...args, '-o', 'json'], check: json }],
        [`reach md --level ${level}`, { args: [...args, '-o', 'md'], check: before('| src') }],
        [`reach dot --level ${level}`, { args: [...args, '-o', 'dot'], check: both }],
        [`reach html --level ${level}`, { args: [...args, '-o', 'html'], check: before('<h2>') }],
      ] as Array<[string, Case]>;
    }),
  ),
  'audit html': { args: ['audit', NEW, '--no-intent', '-o', 'html'], check: before('<h2>') },
  'blast html': { args: ['blast', NEW, '--from', 'alliance/xwing', '-o', 'html'], check: before('<h2>') },
  'blast html (ranking)': { args: ['blast', NEW, '-o', 'html'], check: before('<h2>') },
  'explain text': { args: ['explain', NEW, '--from', 'alliance/xwing', '--to', 'empire/deathstar'], check: before('Port ranges') },
  'explain json': { args: ['explain', NEW, '--from', 'alliance/xwing', '--to', 'empire/deathstar', '-o', 'json'], check: json },
  'blast text': { args: ['blast', NEW], check: both },
  'blast json': { args: ['blast', NEW, '-o', 'json'], check: json },
  'blast md': { args: ['blast', NEW, '--from', 'alliance/xwing', '-o', 'md'], check: before('### Blast') },
  'blast dot': { args: ['blast', NEW, '--from', 'alliance/xwing', '-o', 'dot'], check: both },
  'diff text': { args: ['diff', OLD, NEW], check: both },
  'diff json': { args: ['diff', OLD, NEW, '-o', 'json'], check: json },
  'diff md': { args: ['diff', OLD, NEW, '-o', 'md'], check: both },
  'audit text': { args: ['audit', NEW, '--no-intent'], check: both },
  'audit json': { args: ['audit', NEW, '--no-intent', '-o', 'json'], check: json },
  'audit md': { args: ['audit', NEW, '--no-intent', '-o', 'md'], check: before('<details') },
  'test text': { args: ['test', NEW, '--intent', INTENT, '--no-generate'], check: before('check(s):') },
  'test json': {
    args: ['test', NEW, '--intent', INTENT, '--no-generate', '-o', 'json'],
    check: (out) => {
      const doc = JSON.parse(out);
      assert.equal(doc.bound, 'unknown');
      assert.ok(doc.caveats.some((c: { kind: string }) => c.kind === KIND));
      assert.ok(doc.diagnostics.some((d: { severity: string; file: string }) => d.severity === 'error' && d.file.endsWith(BROKEN_FILE)));
    },
  },
  'test junit': { args: ['test', NEW, '--intent', INTENT, '--no-generate', '-o', 'junit'], check: (out) => (both(out), assert.match(out, /<testsuite name="bulkhead\.input"/)) },
  'test tap': { args: ['test', NEW, '--intent', INTENT, '--no-generate', '-o', 'tap'], check: both },
  'audit junit': {
    args: ['audit', NEW, '--no-intent', '-o', 'junit'],
    check: (out) => {
      both(out);
      assert.match(out, /<testsuite name="bulkhead\.input" tests="\d+" failures="[1-9]/);
    },
  },
  'audit sarif': {
    args: ['audit', NEW, '--no-intent', '-o', 'sarif'],
    check: (out) => {
      const run = JSON.parse(out).runs[0];
      assert.equal(run.invocations[0].executionSuccessful, false, 'not successful: part of the input was skipped');
      const notes = run.invocations[0].toolExecutionNotifications as Array<{ level: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      assert.ok(notes.some((n) => n.level === 'error' && n.locations?.[0]?.physicalLocation.artifactLocation.uri.endsWith(BROKEN_FILE)));
      const results = run.results as Array<{ ruleId: string; level: string; message: { text: string } }>;
      assert.ok(results.some((r) => r.ruleId === 'unmodelled-object' && r.level === 'error' && r.message.text.includes(KIND)));
      assert.ok(results.some((r) => r.ruleId === 'input-error' && r.level === 'error'));
    },
  },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`caveats in every report: ${name}`, () => {
    const r = runCli([...c.args, '-q']);
    assert.ok(r.code === 0, `exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stderr, '', '-q silences stderr, never the report');
    c.check(r.stdout);
  });
}

test('caveats: init writes them into the drafted intent file', () => {
  const out = join(DIR, 'bulkhead.yaml');
  const r = runCli(['init', NEW, '--output-file', out, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^# CAVEAT: these flows are not exact/m);
  both(text);
});

test('caveats: audit --fail-on error gates on an object not evaluated and on an input error', () => {
  const r = runCli(['audit', NEW, '--no-intent', '--fail-on', 'error', '-q', '-o', 'json']);
  assert.equal(r.code, 1);
  const findings = JSON.parse(r.stdout).findings as Array<{ check: string; severity: string }>;
  assert.ok(findings.some((f) => f.check === 'unmodelled-object' && f.severity === 'error'));
  assert.ok(findings.some((f) => f.check === 'input-error' && f.severity === 'error'));
  assert.equal(runCli(['audit', OLD, '--no-intent', '--fail-on', 'error', '-q']).code, 0, 'the clean input passes the same gate');
});

test('caveats: diff of a change that adds an object not evaluated does not say "No connectivity change"', () => {
  const r = runCli(['diff', OLD, NEW, '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /^No connectivity change\.$/m);
  assert.match(r.stdout, /NOT known to be safe/);
  assert.match(r.stdout, /CiliumNetworkPolicy empire\/rule1 \(cilium\.io\/v2\) added/);
  const md = runCli(['diff', OLD, NEW, '-q', '-o', 'md']).stdout;
  assert.match(md, /:x: \*\*No change in the connectivity Bulkhead evaluates, but the change is NOT known to be safe/);
});

test('caveats: explain names the object that selects an end of the pair', () => {
  const r = runCli(['explain', NEW, '--from', 'alliance/xwing', '--to', 'empire/deathstar', '-q']);
  assert.match(r.stdout, /note: CiliumNetworkPolicy empire\/rule1 \(cilium\.io\/v2, .*cilium\.yaml:1\) (selects|may apply to) the destination empire\/deathstar\[Deployment\]/);
});

test('diff: a policy whose file stops parsing is not "removed": it is carried over and named unreadable', () => {
  const before = join(DIR, 'before');
  const after = join(DIR, 'after');
  mkdirSync(before);
  mkdirSync(after);
  const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: empire}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;
  for (const d of [before, after]) writeFileSync(join(d, 'app.yaml'), APP);
  writeFileSync(join(before, 'policy.yaml'), deny);
  writeFileSync(join(after, 'policy.yaml'), `${deny}  ingress: [{from: [{podSelector: {}}]\n`);
  const r = runCli(['diff', before, after, '-q', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.changes, [], 'no path opened by a "removal" that is a syntax error');
  assert.deepEqual(doc.objects.filter((o: { change: string }) => o.change === 'removed'), []);
  assert.equal(doc.unreadable.length, 1);
  assert.equal(doc.unreadable[0].key, 'NetworkPolicy empire/deny-all');
  assert.match(doc.unreadable[0].file, /policy\.yaml$/);
  const md = runCli(['diff', before, after, '-q', '-o', 'md']).stdout;
  assert.doesNotMatch(md, /deny-all removed|Closed:/);
  assert.match(md, /:x: \*\*No change in the connectivity Bulkhead evaluates, but the change is NOT known to be safe/);
  assert.match(md, /NetworkPolicy empire\/deny-all: .*policy\.yaml:\d+ could not be read in the new version/);
  const gate = runCli(['diff', before, after, '-q', '--intent', join(DIR, 'none.yaml')]);
  assert.equal(gate.code, 2, 'a missing intent file is a usage error');
});
