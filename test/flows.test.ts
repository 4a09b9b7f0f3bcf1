/** Observed flows: VPC Flow Logs formats, Hubble JSON, and matching them to the model. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../src/inventory/types.js';
import { parseFlows, parseHubble, parseVpcFlowLogs } from '../src/sources/flows/index.js';
import { matchFlows } from '../src/analyses/flows/match.js';
import { analyze } from '../src/engine/index.js';
import { loadFromPaths } from '../src/sources/k8s/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { REPO_ROOT } from './helpers/run-cli.js';

test('VPC flow logs: the default v2 format without a header', () => {
  const d: Diagnostic[] = [];
  const f = parseVpcFlowLogs('f.log', '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK\n', d);
  assert.equal(f.length, 2);
  assert.deepEqual({ src: f[0]!.src.ip, dst: f[0]!.dst.ip, p: f[0]!.protocol, sp: f[0]!.srcPort, dp: f[0]!.dstPort, v: f[0]!.verdict, start: f[0]!.start, line: f[0]!.source.line }, { src: '172.31.16.139', dst: '172.31.16.21', p: 'TCP', sp: 20641, dp: 22, v: 'allowed', start: '2014-12-14T04:06:50.000Z', line: 1 });
  assert.equal(f[1]!.verdict, 'denied');
  assert.deepEqual(d, []);
});

test('VPC flow logs: a header line in any order, pkt-srcaddr preferred, unknown fields tolerated, replies and NODATA dropped', () => {
  const d: Diagnostic[] = [];
  const text = [
    'action dstport srcaddr dstaddr pkt-srcaddr pkt-dstaddr protocol start end some-future-field tcp-flags srcport log-status',
    'ACCEPT 443 10.0.0.5 203.0.113.9 10.1.1.50 203.0.113.9 6 1700000000 1700000060 x 2 40000 OK',
    'ACCEPT 40000 203.0.113.9 10.0.0.5 203.0.113.9 10.1.1.50 6 1700000000 1700000060 x 18 443 OK',
    'ACCEPT - 10.0.0.5 10.0.0.6 - - - 1700000000 1700000060 - - - NODATA',
    'ACCEPT 443 too few',
  ].join('\n');
  const f = parseVpcFlowLogs('g.log', text, d);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.src.ip, '10.1.1.50');
  assert.equal(f[0]!.dstPort, 443);
  assert.deepEqual(d.map((x) => [x.severity, x.source?.line, x.code]), [['warning', 5, 'flow-record'], ['info', 1, 'flow-unknown-field']]);
  assert.match(d[1]!.message, /some-future-field/);
});

test('VPC flow logs: a given ${field} format string; SKIPDATA is a warning that flows may be missing', () => {
  const d: Diagnostic[] = [];
  const f = parseVpcFlowLogs('h.log', '10.0.0.1 10.0.0.2 17 53 1700000000 ACCEPT OK\n- - - - 1700000000 - SKIPDATA\n', d, '${srcaddr} ${dstaddr} ${protocol} ${dstport} ${start} ${action} ${log-status}');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.protocol, 'UDP');
  assert.equal(f[0]!.end, f[0]!.start);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.code, 'flow-skipdata');
});

test('Hubble: flows with and without the {"flow": ...} wrapper, camelCase or proto names; replies, AUDIT and bad lines handled', () => {
  const d: Diagnostic[] = [];
  const text = [
    '{"flow":{"time":"2026-01-01T00:00:00Z","verdict":"DROPPED","drop_reason_desc":"POLICY_DENIED","IP":{"source":"10.0.0.1","destination":"10.0.0.2"},"l4":{"TCP":{"source_port":1000,"destination_port":80}},"source":{"namespace":"a","pod_name":"web-1"},"destination":{"namespace":"b","pod_name":"db-0"},"is_reply":false}}',
    '{"time":"2026-01-01T00:00:01Z","verdict":"FORWARDED","IP":{"source":"10.0.0.2","destination":"10.0.0.1"},"l4":{"UDP":{"sourcePort":53,"destinationPort":1000}},"isReply":false,"source":{"namespace":"b","podName":"db-0"}}',
    '{"flow":{"time":"2026-01-01T00:00:02Z","verdict":"FORWARDED","IP":{"source":"10.0.0.2","destination":"10.0.0.1"},"l4":{"TCP":{"source_port":80,"destination_port":1000}},"is_reply":true}}',
    '{"flow":{"time":"2026-01-01T00:00:03Z","verdict":"AUDIT","IP":{"source":"10.0.0.2","destination":"10.0.0.1"},"l4":{"TCP":{"source_port":80,"destination_port":1000}}}}',
    'not json',
  ].join('\n');
  const f = parseFlows('h.json', text, d);
  assert.equal(f.length, 2);
  assert.deepEqual([f[0]!.verdict, f[0]!.reason, f[0]!.src.pod, f[0]!.dst.namespace, f[0]!.dstPort], ['denied', 'POLICY_DENIED', 'web-1', 'b', 80]);
  assert.deepEqual([f[1]!.protocol, f[1]!.dstPort, f[1]!.src.pod], ['UDP', 1000, 'db-0']);
  assert.deepEqual(d.map((x) => [x.code, x.source?.line]), [['flow-record', 5], ['flow-verdict', 1]]);
  assert.equal(parseHubble('e.json', '', []).length, 0);
});

test('matching: the example flows against the shop: rules named, unexpected, broken and never-used found', async () => {
  const { inventory } = await loadFromPaths([join(REPO_ROOT, 'examples/shop')]);
  const intent = loadIntent(join(REPO_ROOT, 'examples/shop/bulkhead.yaml'));
  const d: Diagnostic[] = [];
  const flows = ['hubble.jsonl', 'vpc-flow-logs.log'].flatMap((n) => parseFlows(n, readFileSync(join(REPO_ROOT, 'examples/shop/flows', n), 'utf8'), d));
  const a = analyze(inventory);
  const m = matchFlows(a, flows, intent);
  assert.equal(m.unresolved, 0);
  const line = (g: (typeof m.groups)[number]): string => `${g.src} ${g.dst} ${g.protocol}/${g.port} ${g.verdict}`;
  // The VPC record from the internet is resolved through Hubble's address of the frontend pod.
  const fe = m.groups.find((g) => g.src === '198.51.100.7')!;
  assert.deepEqual([fe.dst, fe.model, fe.intent, fe.rules], ['shop-prod/frontend[Deployment]', 'allowed', 'allowed', ['shop-prod/frontend ingress rule #1']]);
  assert.deepEqual(m.unexpected.map(line), ['shop-dev/api[Deployment] shop-prod/postgres[StatefulSet] TCP/5432 allowed']);
  assert.deepEqual(m.broken.map(line), ['payments/vault[StatefulSet] kube-system/coredns[Deployment] UDP/53 denied']);
  assert.deepEqual(m.mismatch, []);
  assert.ok(m.unusedRules.some((r) => r.key === 'shop-prod/redis ingress rule #2'));
  assert.ok(!m.unusedRules.some((r) => r.key === 'shop-prod/api ingress rule #1'));
  assert.ok(m.unobserved.some((u) => u.src === 'shop-dev/frontend[Deployment]' && u.dst === 'shop-prod/postgres[StatefulSet]'));
  assert.ok(!m.unobserved.some((u) => u.src === 'shop-prod/frontend[Deployment]' && u.dst === 'shop-prod/api[Deployment]'));
});

test('matching: a VPC record and its reverse are one connection, the lower destination port being the service', async () => {
  const { inventory } = await loadFromPaths([join(REPO_ROOT, 'examples/shop')]);
  const text = '2 1 eni-1 198.51.100.7 203.0.113.1 51234 8080 6 1 1 1700000000 1700000060 ACCEPT OK\n2 1 eni-1 203.0.113.1 198.51.100.7 8080 51234 6 1 1 1700000000 1700000060 ACCEPT OK\n';
  const m = matchFlows(analyze(inventory), parseVpcFlowLogs('r.log', text, []));
  assert.equal(m.replies, 1);
  assert.equal(m.unresolved, 1);
});
