import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/run-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'bulkhead-cli-'));
const NO_WORKLOADS = join(TMP, 'config');
mkdirSync(NO_WORKLOADS);
writeFileSync(join(NO_WORKLOADS, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
const EMPTY_DIR = join(TMP, 'empty');
mkdirSync(EMPTY_DIR);

const SHOP = 'examples/shop';

test('reach json follows the bulkhead.reach/v1 contract', () => {
  const r = runCli(['reach', SHOP, '-o', 'json', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, 'bulkhead.reach/v1');
  const ids = new Set(doc.endpoints.map((e: { id: string }) => e.id));
  assert.ok(ids.has('shop-prod/api[Deployment]'));
  const ext = doc.endpoints.filter((e: { kind: string }) => e.kind === 'External');
  assert.ok(ext.length > 0);
  for (const e of ext) assert.ok(Array.isArray(e.cidrs) && e.cidrs.length > 0);
  for (const c of doc.connections) {
    assert.ok(ids.has(c.src) && ids.has(c.dst), `${c.src} -> ${c.dst} endpoints listed`);
    assert.notEqual(c.src, c.dst);
    for (const [proto, ranges] of Object.entries(c.conns as Record<string, number[][]>)) {
      assert.ok(['TCP', 'UDP', 'SCTP'].includes(proto));
      for (let i = 0; i < ranges.length; i++) {
        assert.ok(ranges[i]![0]! <= ranges[i]![1]!);
        if (i > 0) assert.ok(ranges[i]![0]! > ranges[i - 1]![1]! + 1, 'ranges merged and sorted');
      }
    }
  }
  const fe = doc.connections.find((c: { src: string; dst: string }) => c.src === 'shop-prod/frontend[Deployment]' && c.dst === 'shop-prod/api[Deployment]');
  assert.deepEqual(fe.conns, { TCP: [[9000, 9000]] }, 'named port http resolves on the destination (api: 9000)');
  // Deterministic: byte-identical on a second run.
  assert.equal(runCli(['reach', SHOP, '-o', 'json', '-q']).stdout, r.stdout);
});

test('reach filters by source, destination and port', () => {
  const r = runCli(['reach', SHOP, '--from', 'shop-dev/*', '--to', 'shop-prod/postgres', '--port', 'TCP/5432', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 5);
  for (const l of lines) assert.match(l, /^shop-dev\/\S+ => shop-prod\/postgres\[StatefulSet\] : TCP 5432$/);
  const ext = runCli(['reach', SHOP, '--from', 'shop-prod/report-export', '--to', '10.1.2.3', '-q']);
  assert.equal(ext.stdout, 'No connections allowed.\n', 'the except clause keeps 10.0.0.0/8 out');
});

test('reach formats: csv, md, dot, pod level', () => {
  const csv = runCli(['reach', SHOP, '-o', 'csv', '-q']).stdout.split('\n');
  assert.equal(csv[0], 'src,dst,conn');
  assert.ok(csv.includes('shop-prod/api[Deployment],payments/payments-api[Deployment],TCP 8443'));
  const md = runCli(['reach', SHOP, '-o', 'md', '-q']).stdout;
  // The PR format: a heading, the summary, the table folded.
  assert.match(md, /^### Bulkhead: what can reach what\n\n\*\*85\*\* allowed connections \(workload level\)\.\n\n<details><summary>Connections<\/summary>\n\n\| src \| dst \| conn \|\n\|---\|---\|---\|\n/);
  assert.match(md, /\n<\/details>\n$/);
  const dot = runCli(['reach', SHOP, '-o', 'dot', '-q']).stdout;
  assert.match(dot, /^digraph bulkhead \{/);
  assert.match(dot, /"shop-prod\/api\[Deployment\]" -> "payments\/payments-api\[Deployment\]" \[label="TCP 8443"\]/);
  const pods = runCli(['reach', SHOP, '--level', 'pod', '--from', 'shop-prod/frontend-0', '-q']).stdout;
  assert.match(pods, /^shop-prod\/frontend-0 => shop-prod\/api-0 : TCP 9000$/m);
  assert.match(pods, /^shop-prod\/frontend-0 => shop-prod\/api-1 : TCP 9000$/m);
});

test('explain names the policies and rules with file:line, in text and json', () => {
  const t = runCli(['explain', SHOP, '--from', 'shop-dev/api', '--to', 'shop-prod/postgres', '-q']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /ALLOWED \(TCP 5432\)/);
  assert.match(t.stdout, /shop-prod\/postgres ingress rule #1 \(examples\/shop\/prod-policies\.yaml:89\) admits TCP 5432 via peer #1 "all pods in all namespaces" \(examples\/shop\/prod-policies\.yaml:90\)/);
  const j = JSON.parse(runCli(['explain', SHOP, '--from', 'shop-prod/frontend', '--to', 'shop-prod/redis', '--port', 'TCP/6379', '-o', 'json', '-q']).stdout);
  assert.equal(j.schema, 'bulkhead.explain/v1');
  assert.equal(j.verdict, 'denied');
  const [egress, ingress] = j.layers;
  assert.equal(egress.direction, 'egress');
  assert.equal(egress.verdict, 'denied');
  assert.deepEqual(egress.selectedBy.map((s: { policy: string }) => s.policy).sort(), ['shop-prod/allow-dns', 'shop-prod/default-deny', 'shop-prod/frontend']);
  assert.equal(ingress.verdict, 'denied');
  assert.match(ingress.reason, /no ingress rule matches shop-prod\/frontend/);
  const ip = JSON.parse(runCli(['explain', SHOP, '--from', 'payments/payments-api', '--to', '203.0.113.7', '-o', 'json', '-q']).stdout);
  assert.deepEqual(ip.conns, { TCP: [[443, 443]] });
  assert.equal(ip.layers[1].applies, false);
});

test('usage errors and unreadable input exit 2 with a clear message', () => {
  const cases: Array<[string[], RegExp]> = [
    [['reach', 'no/such/dir'], /cannot read no\/such\/dir/],
    [['reach', SHOP, '-o', 'xml'], /unknown format "xml"/],
    [['reach', SHOP, '--level', 'node'], /unknown level "node"/],
    [['reach', SHOP, '--port', 'TCP/99999'], /bad --port "TCP\/99999"/],
    [['explain', SHOP, '--from', 'shop-prod/nope', '--to', 'shop-prod/api'], /no workload, pod or address matches "shop-prod\/nope"/],
    [['explain', SHOP, '--from', 'shop-prod/api'], /required option '--to <dst>' not specified/],
    [['reach', NO_WORKLOADS], /nothing to analyse in .*: no workloads or pods found/],
    [['reach', EMPTY_DIR], /directory holds no \.yaml, \.yml or \.json file/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, re] of cases) {
    const r = runCli([...args, '-q']);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
});

test('stdin input and partial input: warnings name file and line, analysis continues', () => {
  // Not `namespace: n`: YAML 1.1 (kubectl) reads a bare n as false.
  const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns, labels: {app: a}}\nspec: {containers: [{name: c}]}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: ns}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 300.0.0.0/8}\n`;
  const r = runCli(['reach', '-'], text);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /error: <stdin>:13: NetworkPolicy ns\/bad: CIDR error: invalid CIDR address: 300\.0\.0\.0\/8/);
  assert.match(r.stdout, /^ns\/a\[Pod\] => internet : All Connections$/m);
});

test('help lists every command', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['reach', 'explain', 'audit', 'init', 'blast', 'diff']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
});
