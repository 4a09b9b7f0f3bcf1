// The admin and baseline tiers seen through the commands a user runs (examples/tiers): explain's chain as
// text and as data, reach, blast hops, diff causes and the audit summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const TIERS = join(REPO_ROOT, 'examples', 'tiers');

interface Step {
  stage: string;
  direction: string;
  decision: string;
  rule?: { policy: string; kind: string; priority: number; rule: number; action: string; source: { file: string; line: number } };
  policies?: string[];
}

test('explain -o json: the chain per port range as data, and the admin sides in layers', () => {
  const r = runCli(['explain', TIERS, '--from', 'prod/api', '--to', 'prod/db', '-o', 'json', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { verdict: string; ranges: Array<{ protocol: string; ports: [number, number]; verdict: string; chain: { egress: Step[]; ingress: Step[] } }>; layers: Array<{ layer: string; direction: string; rules?: Array<{ policy: string; action: string; line: number }> }> };
  assert.equal(doc.verdict, 'allowed');
  const pg = doc.ranges.find((x) => x.protocol === 'TCP' && x.ports[0] === 5432)!;
  assert.equal(pg.verdict, 'allowed');
  assert.deepEqual(pg.chain.ingress.map((s) => `${s.stage}:${s.decision}`), ['k8s-admin:pass', 'k8s-networkpolicy:accept']);
  assert.equal(pg.chain.ingress[0]!.rule!.policy, 'prod-decides');
  assert.equal(pg.chain.ingress[0]!.rule!.priority, 20);
  assert.equal(pg.chain.ingress[0]!.rule!.source.line, 32);
  assert.deepEqual(pg.chain.ingress[1]!.policies, ['prod/api-to-db ingress rule #1']);
  // Other TCP ports: the Pass reaches the namespace's default deny, and the baseline is never consulted.
  const other = doc.ranges.find((x) => x.protocol === 'TCP' && x.ports[0] === 1)!;
  assert.equal(other.verdict, 'denied');
  assert.deepEqual(other.chain.ingress.map((s) => `${s.stage}:${s.decision}`), ['k8s-admin:pass', 'k8s-networkpolicy:deny']);
  const admin = doc.layers.find((l) => l.layer === 'kubernetes-admin' && l.direction === 'ingress')!;
  assert.deepEqual(admin.rules!.map((x) => `${x.policy}:${x.action}:${x.line}`), ['prod-decides:pass:32']);
});

test('explain text: an admin Deny decides before any NetworkPolicy, with file and line', () => {
  const r = runCli(['explain', TIERS, '--from', 'dev/web', '--to', 'prod/db', '--port', 'tcp/5432', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /DENIED/);
  assert.match(r.stdout, /ingress: ANP dev-not-in-prod \(priority 10\) ingress rule #1 deny-dev: Deny \(.*admin-policies\.yaml:21\)/);
  assert.match(r.stdout, /baseline tier at the ingress of prod\/db\[StatefulSet\] \(not consulted: a NetworkPolicy isolates this direction\)/);
});

test('reach: the tiers decide what is listed (monitoring scrapes prod on 9090 only; dev never reaches prod)', () => {
  const r = runCli(['reach', TIERS, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.includes('monitoring/prometheus[Deployment] => prod/api[Deployment] : TCP 9090'));
  assert.ok(lines.includes('prod/api[Deployment] => prod/db[StatefulSet] : TCP 5432'));
  assert.ok(!lines.some((l) => l.startsWith('dev/web[Deployment] => prod/')), r.stdout);
});

test('blast: a hop opened by an admin rule names it', () => {
  const r = runCli(['blast', TIERS, '--from', 'monitoring/prometheus', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ingress: AdminNetworkPolicy\/allow-monitoring ingress rule #1 \(.*admin-policies\.yaml:9\)/);
});

test('diff: an admin rule whose action changes opens paths, and is named as their cause', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bh-tiers-'));
  cpSync(TIERS, dir, { recursive: true });
  const f = join(dir, 'admin-policies.yaml');
  writeFileSync(f, readFileSync(f, 'utf8').replace('    - name: deny-dev\n      action: Deny', '    - name: deny-dev\n      action: Allow'));
  const r = runCli(['diff', TIERS, dir, '-q', '--no-intent']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 pairs opened/);
  assert.match(r.stdout, /dev\/web\[Deployment\] => prod\/db\[StatefulSet\] : All Connections\n\s+because: AdminNetworkPolicy dev-not-in-prod/);
  assert.match(r.stdout, /AdminNetworkPolicy dev-not-in-prod changed: ingress rule #1 action deny → accept/);
});

test('audit: the summary counts the admin and baseline policies', () => {
  const r = runCli(['audit', TIERS, '-q', '--no-intent']);
  assert.match(r.stdout, /on 4 workload\(s\) and 2 policies \(and 4 admin\/baseline\)/);
});

test('reach --exposure: beyond the input, each entry of an endpoint the tiers apply to names the policies not applied (text and JSON)', () => {
  const text = runCli(['reach', TIERS, '--exposure', '-q']);
  assert.match(text.stdout, /dev\/web\[Deployment\]\s+<= \tentire-cluster : All Connections \(NetworkPolicy only: AdminNetworkPolicy\/allow-monitoring, BaselineAdminNetworkPolicy\/default not applied beyond the input\)/);
  const doc = JSON.parse(runCli(['reach', TIERS, '--exposure', '-o', 'json', '-q']).stdout) as { exposure: { items?: Array<{ dst?: unknown; unappliedTiers?: string[] }> } | Array<{ dst?: unknown; unappliedTiers?: string[] }> };
  const items = Array.isArray(doc.exposure) ? doc.exposure : (doc.exposure.items ?? []);
  const web = items.find((x) => x.dst === 'dev/web[Deployment]');
  assert.deepEqual(web?.unappliedTiers, ['AdminNetworkPolicy/allow-monitoring', 'BaselineAdminNetworkPolicy/default']);
});
