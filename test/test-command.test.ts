// `bulkhead test` without a kernel: the intent's tests: section, the checks generated from the intent,
// the model runner's verdicts and deciding rules, the judge, the nftables compiler's text, and the reports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadFromPaths, loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { IntentError, loadIntent, parseIntent } from '../src/analyses/intent/index.js';
import { buildChecks, highPort, pickAddress } from '../src/analyses/test/cases.js';
import { modelVerdict } from '../src/analyses/test/model.js';
import { judge, runChecks, satisfyGroups } from '../src/analyses/test/run.js';
import type { Check, Observation, Runner } from '../src/analyses/test/types.js';
import { NetworkPolicyTier, nftSet } from '../src/lab/nft-network-policy.js';
import { compileRules, observation, planHosts } from '../src/lab/runner.js';
import { hostRuleset, type LabHost } from '../src/lab/tier.js';
import { parseCidr } from '../src/model/address.js';
import { testJunit, xml } from '../src/reports/test/junit.js';
import { testTap } from '../src/reports/test/tap.js';
import { testJson } from '../src/reports/test/json.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const SHOP = join(REPO_ROOT, 'examples/shop');
const shopFiles = readdirSync(SHOP).filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml').map((f) => join(SHOP, f));
const shopIntentText = readFileSync(join(SHOP, 'bulkhead.yaml'), 'utf8');

async function shop(): Promise<{ a: ReturnType<typeof analyze>; intent: ReturnType<typeof loadIntent> }> {
  const { inventory } = await loadFromPaths(shopFiles);
  return { a: analyze(inventory), intent: loadIntent('examples/shop/bulkhead.yaml', shopIntentText) };
}

const SEGS = 'segments:\n  web: {namespace: prod, labels: {tier: web}}\n  api: {namespace: prod, labels: {tier: api}}\n';

test('intent tests: each end is a segment, a workload or an address; one port; allow or deny', () => {
  const i = parseIntent(`${SEGS}tests:\n  - {from: web, to: api, port: TCP/8080, expect: allow}\n  - {from: prod/web, to: 10.0.0.0/8, port: 53, expect: deny, description: x}\n  - {from: 203.0.113.9, to: api, port: UDP/53, expect: deny}\n`);
  assert.equal(i.tests!.length, 3);
  assert.deepEqual(i.tests![0]!.from, { kind: 'segment', name: 'web' });
  assert.equal(i.tests![0]!.port, 8080);
  assert.deepEqual(i.tests![1]!.from, { kind: 'workload', spec: 'prod/web' });
  assert.equal(i.tests![1]!.to.kind, 'address');
  assert.equal(i.tests![1]!.protocol, 'TCP');
  assert.equal(i.tests![2]!.protocol, 'UDP');
  assert.equal(i.tests![2]!.source.line, 7);
  assert.equal(parseIntent(SEGS).tests, undefined);
});

test('intent tests: bad entries name their line and what was expected', () => {
  const bad: Array<[string, number, string]> = [
    ['  - {from: web, to: api, port: TCP/80-90, expect: allow}', 6, 'a test probes one port'],
    ['  - {from: web, to: api, port: TCP, expect: allow}', 6, 'a test probes one port'],
    ['  - {from: webb, to: api, port: 80, expect: allow}', 6, 'did you mean "web"'],
    ['  - {from: web, to: api, port: 80, expect: allowed}', 6, 'expected allow or deny'],
    ['  - {from: web, to: api, port: 80, expct: allow}', 6, 'unknown key "expct"'],
    ['  - {from: 10.0.0.1, to: 10.0.0.2, port: 80, expect: deny}', 6, 'both ends are addresses'],
  ];
  for (const [line, at, says] of bad) {
    let err: unknown;
    try {
      parseIntent(`${SEGS}tests:\n  - {from: web, to: api, port: 80, expect: allow}\n${line}\n`);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof IntentError, line);
    const p = err.problems.find((x) => x.message.includes(says));
    assert.ok(p, `${line}: ${err.message}`);
    assert.equal(p.source.line, at, line);
  }
});

test('generated checks: every flow, the never invariant, segment pairs; deterministic; --sample bounds them', async () => {
  const { a, intent } = await shop();
  const { checks } = buildChecks(a, intent);
  const origins = new Set(checks.map((c) => c.origin.label));
  for (const f of intent.flows) assert.ok([...origins].some((o) => o.startsWith(`flow #${f.index} `)), `flow #${f.index} has checks`);
  assert.ok([...origins].some((o) => o.startsWith('never #1')));
  assert.ok(checks.some((c) => c.origin.kind === 'segment-pair' && c.expect === 'deny'));
  assert.ok(checks.filter((c) => c.origin.kind === 'flow').every((c) => c.expect === 'allow'));
  // A flow's allow checks never contradict an invariant, and segment-pair denials avoid intended ports.
  for (const c of checks.filter((x) => x.origin.kind === 'segment-pair')) {
    assert.ok(!(c.from.segment === 'web' && c.to.segment === 'api' && c.protocol === 'TCP' && c.port === 9000), 'web → api TCP/9000 is intended');
  }
  assert.deepEqual(buildChecks(a, intent).checks, checks, 'same input, same checks');
  const ids = checks.map((c) => c.id);
  assert.deepEqual(ids, ids.map((_, i) => i + 1));
  const written = checks.filter((c) => c.origin.kind === 'test').length;
  const sampled = buildChecks(a, intent, { sample: 20 });
  assert.equal(sampled.checks.length, written + 20);
  assert.ok(sampled.notes.some((n) => n.includes('--sample 20')));
  // Round-robin: the sample still covers many origins, not only the first flow.
  assert.ok(new Set(sampled.checks.map((c) => c.origin.label)).size >= 10);
  assert.equal(buildChecks(a, intent, { generate: false }).checks.length, written);
});

test('model verdicts: a wrong expectation fails and names the rule that decides', async () => {
  const { a } = await shop();
  const intent = loadIntent('t.yaml', `${shopIntentText.split('\ntests:')[0]}\ntests:\n  - {from: dev, to: web, port: TCP/8080, expect: deny}\n  - {from: web, to: api, port: TCP/9000, expect: allow}\n  - {from: dev, to: payments, port: TCP/8443, expect: allow}\n`);
  const { checks } = buildChecks(a, intent, { generate: false });
  const run = await runChecks(a, checks, undefined);
  const wrong = run.results.filter((r) => r.check.origin.label.startsWith('tests[0]'));
  assert.ok(wrong.length > 0 && wrong.every((r) => r.status === 'fail' && r.model.verdict === 'allow'));
  assert.match(wrong[0]!.model.rule, /shop-prod\/frontend ingress rule #1 \(examples\/shop\/prod-policies\.yaml:39\)/);
  assert.equal(wrong[0]!.model.ruleSource?.line, 39);
  const right = run.results.filter((r) => r.check.origin.label.startsWith('tests[1]'));
  assert.ok(right.length > 0 && right.every((r) => r.status === 'pass'));
  const denied = run.results.filter((r) => r.check.origin.label.startsWith('tests[2]'));
  assert.ok(denied.every((r) => r.status === 'fail' && r.model.verdict === 'deny'));
  assert.match(denied[0]!.model.rule, /^denied: ingress of payments\/payments-api-0 isolated by payments\/default-deny \(examples\/shop\/payments\.yaml:\d+\)/);
});

test('judge: a runner that disagrees with the model is a failure and a disagreement; skipped falls back to the model', () => {
  const c: Check = { id: 1, origin: { kind: 'test', label: 't' }, from: { id: 'a/x', pod: 'a/x' }, to: { id: 'a/y', pod: 'a/y' }, protocol: 'TCP', port: 80, expect: 'allow' };
  const m = { verdict: 'allow' as const, rule: 'r' };
  assert.equal(judge(c, m, undefined).status, 'pass');
  const d = judge(c, m, { verdict: 'deny' }, 'lab');
  assert.equal(d.status, 'fail');
  assert.ok(d.disagreement);
  assert.ok(d.reasons.some((r) => r.includes('a defect of the model or of the lab')));
  assert.equal(judge(c, m, { verdict: 'skipped', detail: 'SCTP' }, 'lab').status, 'pass');
  assert.equal(judge(c, { verdict: 'deny', rule: 'r' }, { verdict: 'skipped' }, 'lab').status, 'fail');
  assert.equal(judge(c, m, { verdict: 'error', detail: 'x' }, 'lab').status, 'fail');
  assert.equal(observation({ r: 'refused', ms: 1 }).verdict, 'error', 'a refusal means no listener: a lab defect, not a verdict');
  assert.equal(observation({ r: 'blocked', ms: 1 }).verdict, 'deny');
  assert.equal(observation({ r: 'timeout', ms: 1 }).verdict, 'deny');
  assert.equal(observation({ r: 'open', ms: 1 }).verdict, 'allow');
});

test('a runner plugs in: the run counts probes and skips, and reports disagreements', async () => {
  const { a, intent } = await shop();
  const { checks } = buildChecks(a, intent, { sample: 10 });
  const flip: Runner = {
    name: 'fake',
    async observe(cs) {
      const m = new Map<number, Observation>();
      for (const c of cs) m.set(c.id, c.id === 1 ? { verdict: 'skipped', detail: 'x' } : { verdict: modelVerdict(a, c).verdict === 'allow' ? 'deny' : 'allow' });
      return m;
    },
  };
  const run = await runChecks(a, checks, flip);
  assert.equal(run.runner, 'fake');
  assert.equal(run.summary.skipped, 1);
  assert.equal(run.summary.probes, checks.length - 1);
  assert.equal(run.summary.disagreements, checks.length - 1);
});

const NP = `
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: x}}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: a, labels: {app: db}}
spec: {containers: [{name: c, ports: [{name: pg, containerPort: 5432}, {name: dns, containerPort: 53, protocol: UDP}]}]}
status: {podIP: 10.1.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: a, labels: {app: web}}
spec: {hostNetwork: true, containers: [{name: c}]}
status: {podIP: 10.9.9.9}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: a}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: pg}, {port: 6000, endPort: 6010}]
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.2.0.0/16]}}]
    ports: [{protocol: UDP}]
  egress:
  - to: [{podSelector: {}}]
    ports: [{port: http}]
`;

test('the NetworkPolicy tier compiles the policies literally: selectors to addresses, named ports, endPort, ipBlock excepts', () => {
  const { inventory } = loadFromTexts([{ path: 'np.yaml', text: NP }]);
  const pod = (id: string) => inventory.pods.find((p) => p.id === id)!;
  const hosts: LabHost[] = [
    { key: 'a/db', address: '10.1.0.5', pod: pod('a/db'), assigned: false },
    { key: 'a/web', address: '10.244.0.2', pod: pod('a/web'), assigned: true },
    { key: 'a/node-agent', address: '10.9.9.9', pod: pod('a/node-agent'), assigned: false },
    { key: '10.3.0.1', address: '10.3.0.1', assigned: false },
  ];
  const rules = compileRules(inventory, hosts);
  const db = rules.get('a/db')!;
  // web is selected by podSelector; the hostNetwork pod, with the same labels, is not.
  assert.match(db, /ip saddr \{ 10\.244\.0\.2 \} meta l4proto tcp th dport 5432 accept comment "a\/db ingress rule #1"/);
  assert.match(db, /ip saddr \{ 10\.244\.0\.2 \} meta l4proto tcp th dport 6000-6010 accept/);
  assert.ok(!db.includes('10.9.9.9 }'), 'a hostNetwork pod is selected by no podSelector');
  // ipBlock: the CIDR minus its except and minus the address the lab made up for web.
  assert.match(db, /ip saddr \{ 10\.0\.0\.0-10\.255\.255\.255 \} ip saddr != \{ 10\.2\.0\.0-10\.2\.255\.255, 10\.244\.0\.2 \} meta l4proto udp accept/);
  // Egress named port: resolved against each destination pod (web's http = 8080); no other host has it.
  assert.match(db, /ip daddr 10\.244\.0\.2 meta l4proto tcp th dport 8080 accept comment "a\/db egress rule #1"/);
  assert.equal((db.match(/egress rule #1/g) ?? []).length, 1);
  assert.match(db, /chain networkpolicy_ingress \{[\s\S]*reject with icmpx type admin-prohibited/);
  assert.match(db, /ct state established,related accept/);
  // web and the node agent are selected by no policy: no rules at all; an outside host has none either.
  assert.equal(rules.get('a/web'), undefined);
  assert.equal(rules.get('a/node-agent'), undefined);
  assert.equal(rules.get('10.3.0.1'), undefined);
  // A tier that passes contributes nothing; one that denies gets the reject at the end of its chain.
  const world = { inventory, hosts, namespaceLabels: new Map(inventory.namespaces.map((n) => [n.name, n.labels])) };
  assert.deepEqual(new NetworkPolicyTier().compile(hosts[1]!, 'ingress', world), { rules: [], end: 'pass' });
  const allow = { name: 'admin', compile: () => ({ rules: ['ip saddr 10.3.0.1 accept'], end: 'pass' as const }) };
  const two = hostRuleset(hosts[0]!, [allow, new NetworkPolicyTier()], world)!;
  assert.ok(two.indexOf('jump admin_ingress') < two.indexOf('jump networkpolicy_ingress'), 'tiers run in order');
});

test('nft sets merge ranges; outside hosts avoid reserved and pod addresses; high ports are stable', () => {
  const r = (c: string) => parseCidr(c)!.range;
  assert.equal(nftSet([r('10.0.0.2/32'), r('10.0.0.0/31'), r('10.0.1.0/24')]), '{ 10.0.0.0-10.0.0.2, 10.0.1.0-10.0.1.255 }');
  assert.equal(pickAddress(r('0.0.0.0/0'), []), '1.0.0.0');
  assert.equal(pickAddress(r('203.0.113.0/24'), [r('203.0.113.1/32')]), '203.0.113.2');
  assert.equal(pickAddress(r('127.0.0.0/8'), []), undefined);
  assert.equal(highPort('a', 'b'), highPort('a', 'b'));
  assert.ok(highPort('a', 'b') >= 20000 && highPort('a', 'b') < 60000);
});

test('lab hosts: input addresses kept, the pool skips them, SCTP and IPv6-only pods are not probed', () => {
  const { inventory } = loadFromTexts([
    {
      path: 'p.yaml',
      text: `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.244.0.2}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: ns}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: ns}\nspec: {containers: [{name: c}]}\nstatus: {podIP: "fd00::1"}\n`,
    },
  ]);
  const end = (id: string) => ({ id, pod: id });
  const checks: Check[] = [
    { id: 1, origin: { kind: 'test', label: 't' }, from: end('ns/b'), to: end('ns/a'), protocol: 'TCP', port: 1, expect: 'allow' },
    { id: 2, origin: { kind: 'test', label: 't' }, from: end('ns/a'), to: end('ns/b'), protocol: 'SCTP', port: 1, expect: 'allow' },
    { id: 3, origin: { kind: 'test', label: 't' }, from: end('ns/c'), to: end('ns/b'), protocol: 'TCP', port: 1, expect: 'allow' },
  ];
  const { hosts, skipped } = planHosts(inventory, checks);
  const by = new Map(hosts.map((h) => [h.key, h]));
  assert.equal(by.get('ns/a')!.address, '10.244.0.2');
  assert.equal(by.get('ns/a')!.assigned, false);
  assert.equal(by.get('ns/b')!.address, '10.244.0.3', 'the pool skips an address the input gave');
  assert.equal(by.get('ns/b')!.assigned, true);
  assert.match(skipped.get(2)!, /SCTP/);
  assert.match(skipped.get(3)!, /IPv4 only/);
  assert.ok(!skipped.has(1));
});

test('reports: JUnit is well-formed XML without forbidden characters; TAP has its plan; JSON its schema', async () => {
  assert.equal(xml('a\u0001b<&>"\'\uD800c'), 'ab&lt;&amp;&gt;&quot;&apos;c');
  const { a, intent } = await shop();
  const { checks } = buildChecks(a, intent, { sample: 30 });
  const bad = checks.map((c, i) => (i === 0 ? { ...c, origin: { ...c.origin, label: 'evil <label> & "\u0007" # x' } } : c));
  const run = await runChecks(a, bad, undefined);
  const j = testJunit(run);
  assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(j));
  assert.ok(j.includes('evil &lt;label&gt; &amp; &quot;'));
  // Tags balance: every opened element is closed.
  const stack: string[] = [];
  for (const m of j.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2]);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
  // One case per check, plus the input suite's case (no notes here: one passing case).
  assert.equal((j.match(/<testcase /g) ?? []).length, run.results.length + 1);
  assert.equal((j.match(/<failure /g) ?? []).length, run.summary.failed);
  const t = testTap(run).split('\n');
  assert.equal(t[0], 'TAP version 14');
  assert.equal(t[1], `1..${run.results.length}`);
  assert.equal(t.filter((l) => /^(not )?ok \d+ - /.test(l)).length, run.results.length);
  assert.ok(!t.find((l) => l.startsWith('ok 1 ') || l.startsWith('not ok 1 '))!.includes('# x'), 'a "#" in a description would start a directive');
  const doc = JSON.parse(testJson(run));
  assert.equal(doc.schema, 'bulkhead.test/v1');
  assert.equal(doc.results.length, run.results.length);
  assert.ok(Array.isArray(doc.diagnostics));
});

test('CLI: bulkhead test exits 1 on a failing check and 0 when all pass; a missing intent is exit 2', () => {
  const r = runCli(['test', 'examples/shop', '-q']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /FAIL tests\[2\] dev => data TCP\/5432 deny/);
  assert.match(r.stdout, /#\d+ shop-dev\/api-0 => shop-prod\/postgres-0 TCP\/5432/);
  assert.match(r.stdout, /rule: allowed: ingress by shop-prod\/postgres ingress rule #1 \(examples\/shop\/prod-policies\.yaml:89\)/);
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-test-'));
  const intent = join(dir, 'ok.yaml');
  writeFileSync(intent, `${shopIntentText.split('\ntests:')[0]}\ntests:\n  - {from: web, to: api, port: TCP/9000, expect: allow}\n`);
  const ok = runCli(['test', 'examples/shop', '--intent', intent, '--no-generate', '-q', '-o', 'tap']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ok 1 - /m);
  const none = runCli(['test', join(SHOP, 'prod-workloads.yaml'), '--intent', join(dir, 'missing.yaml')]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /cannot read intent file/);
  // A written test whose end matches nothing checks nothing: a warning with its line, not silence.
  const typo = join(dir, 'typo.yaml');
  writeFileSync(typo, `${shopIntentText.split('\ntests:')[0]}\ntests:\n  - {from: web, to: api, port: TCP/9000, expect: allow}\n  - {from: shop-prod/apii, to: api, port: TCP/9000, expect: allow}\n`);
  const t = runCli(['test', 'examples/shop', '--intent', typo, '--no-generate', '-o', 'json']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, new RegExp(`warning: ${typo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: tests\\[1\\]: "shop-prod/apii" matches no endpoint`));
  assert.ok(JSON.parse(t.stdout).diagnostics.some((d: { code: string; line: number }) => d.code === 'test-matches-nothing' && d.line > 30));
  const badRunner = runCli(['test', 'examples/shop', '--runner', 'cluster']);
  assert.equal(badRunner.code, 2);
});

test('the lab fixture\'s written tests hold in the model (hostNetwork, excepts, named ports, endPort)', () => {
  const r = runCli(['test', 'test/fixtures/lab', '--no-generate', '-q', '-o', 'json']);
  assert.equal(r.code, 0, r.stdout);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.summary.checks, 8);
});

test('CLI: --runner lab without ip and nft says which packages to install, exit 2', () => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), 'test', 'examples/shop', '--runner', 'lab', '-q'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: join(tmpdir(), 'bulkhead-no-such-dir') },
  });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot run the lab: (the lab needs root|the lab needs `ip` \(Debian package iproute2\))/);
  assert.equal(r.stdout, '');
});

test('flows read as audit reads them: one member pair that gets a flow port satisfies its group', () => {
  const mk = (id: number, group?: string): Check => ({ id, origin: { kind: 'flow', label: 'f' }, from: { id: 'a/x', pod: 'a/x' }, to: { id: 'a/y', pod: 'a/y' }, protocol: 'TCP', port: 80, expect: 'allow', ...(group ? { group } : {}) });
  const allow = { verdict: 'allow' as const, rule: 'r' };
  const deny = { verdict: 'deny' as const, rule: 'r' };
  const rs = satisfyGroups([judge(mk(1, 'g'), deny, undefined), judge(mk(2, 'g'), allow, undefined), judge(mk(3, 'h'), deny, undefined), judge(mk(4), deny, undefined)]);
  assert.equal(rs[0]!.status, 'pass');
  assert.equal(rs[0]!.satisfiedBy, 2);
  assert.equal(rs[2]!.status, 'fail', 'a group nobody gets through is a broken flow');
  assert.equal(rs[3]!.status, 'fail', 'checks without a group stand alone');
  // A disagreement is never excused by another pair.
  const d = satisfyGroups([judge(mk(1, 'g'), allow, { verdict: 'deny' }, 'lab'), judge(mk(2, 'g'), allow, { verdict: 'allow' }, 'lab')]);
  assert.equal(d[0]!.status, 'fail');
});

test('the intent bulkhead init writes passes bulkhead test, as it passes audit (also when sampled)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-init-'));
  const file = join(dir, 'init.yaml');
  assert.equal(runCli(['init', 'examples/shop', '--output-file', file, '-q']).code, 0);
  for (const extra of [[], ['--sample', '40']]) {
    const r = runCli(['test', 'examples/shop', '--intent', file, '-q', '-o', 'json', ...extra]);
    assert.equal(r.code, 0, r.stdout.slice(0, 2000));
    assert.ok(JSON.parse(r.stdout).summary.checks > (extra.length ? 20 : 300));
  }
});

test('docs/testing.md shows real output of the model runner', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/testing.md'), 'utf8');
  const block = /```text\n\$ bulkhead test examples\/shop --no-generate\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'the example block is there');
  const r = runCli(['test', 'examples/shop', '--no-generate', '-q']);
  assert.equal(r.stdout, block[1]);
});
