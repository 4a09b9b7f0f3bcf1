// Exposure beyond the input: selector peers that can match pods or namespaces the input does not show,
// and pods open to the whole cluster, in reach --exposure, explain and diff; none for a whole-cluster input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../src/engine/index.js';
import { computeReach } from '../src/analyses/reach.js';
import { computeExposure, exposurePeerText } from '../src/analyses/exposure.js';
import { explain } from '../src/analyses/explain.js';
import { diffAnalyses } from '../src/analyses/diff.js';
import { REACH_FORMATS } from '../src/reports/reach/index.js';
import { explainText } from '../src/reports/explain/text.js';
import { diffText } from '../src/reports/diff/text.js';
import { diffJson } from '../src/reports/diff/json.js';
import { PortSet } from '../src/model/port-set.js';
import { runCli } from './helpers/run-cli.js';

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: app}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: frontend}}}]
    ports: [{port: 8080}]
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 9090}]
  egress:
  - to: [{namespaceSelector: {}, podSelector: {}}]
    ports: [{port: 53, protocol: UDP}]
`;

/** The same, and api no longer open to the whole cluster: only web and outside addresses may connect to it. */
const CLOSED = `${APP}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 0.0.0.0/0}}]
`;

function load(text: string): Analysis {
  return analyze(loadFromTexts([{ path: 'c.yaml', text }]).inventory);
}

function lines(a: Analysis, wholeCluster = false): string[] {
  return computeExposure(a, { wholeCluster }).map((x) => `${x.endpoint} ${x.direction === 'ingress' ? '<=' : '=>'} ${exposurePeerText(x.peer)} : ${x.conns}`);
}

test('exposure: a namespaceSelector the input has no namespace for, {} for the entire cluster, unisolated pods', () => {
  const a = load(APP);
  assert.deepEqual(lines(a), [
    'app/api[Deployment] => entire-cluster : All Connections',
    'app/web[Deployment] => entire-cluster : UDP 53',
    'app/api[Deployment] <= entire-cluster : All Connections',
    'app/web[Deployment] <= [namespace with {team=frontend}]/[all pods] : TCP 8080',
  ]);
  // The api peer is api itself (exact labels of a workload of the input): a connection, not an exposure.
  assert.ok(computeReach(a, {}).connections.some((c) => c.src === 'app/api[Deployment]' && c.dst === 'app/web[Deployment]'));
  assert.deepEqual(lines(a, true), [], 'a whole-cluster input has nothing beyond it');
});

test('reach --exposure: text in netpol-analyzer\'s layout, JSON beside the connections', () => {
  const a = load(APP);
  const r = { ...computeReach(a, {}), exposure: { wholeCluster: false, items: computeExposure(a, {}) } };
  const text = REACH_FORMATS.text(r);
  assert.match(text, /\nExposure Analysis Result:\nEgress Exposure:\napp\/api\[Deployment\] \t=> \tentire-cluster : All Connections\n/);
  assert.match(text, /^app\/web\[Deployment\] \t<= \t\[namespace with \{team=frontend\}\]\/\[all pods\] : TCP 8080$/m);
  const doc = JSON.parse(REACH_FORMATS.json(r));
  const web = doc.exposure.find((x: { dst: unknown; direction: string }) => x.dst === 'app/web[Deployment]' && x.direction === 'ingress');
  assert.deepEqual(web.src.namespaceSelector, { matchLabels: { team: 'frontend' }, matchExpressions: [] });
  assert.deepEqual(web.conns, { TCP: [[8080, 8080]] });
  assert.deepEqual(web.rules, ['app/web ingress rule #1']);
  assert.equal(doc.exposure.find((x: { src: unknown; direction: string }) => x.src === 'app/web[Deployment]').dst, 'entire-cluster');
  assert.equal(JSON.parse(REACH_FORMATS.json(computeReach(a, {}))).exposure, undefined, 'only with --exposure');
});

test('explain: says the destination is also open beyond the input', () => {
  const a = load(APP);
  const e = explain(a, 'app/api', 'app/web');
  assert.deepEqual(
    e.exposure.map((x) => [x.endpoint, x.direction, exposurePeerText(x.peer), x.conns.toString()]),
    [
      ['app/web[Deployment]', 'ingress', '[namespace with {team=frontend}]/[all pods]', 'TCP 8080'],
      ['app/api[Deployment]', 'egress', 'entire-cluster', 'All Connections'],
    ],
  );
  assert.match(explainText(e), /Also open beyond the input.*\n {2}app\/web\[Deployment\] <= \[namespace with \{team=frontend\}\]\/\[all pods\] : TCP 8080 \(app\/web ingress rule #1\)/);
  assert.deepEqual(explain(a, 'app/api', 'app/web', PortSet.of('TCP', 9090)).exposure.map((x) => x.endpoint), ['app/api[Deployment]'], 'within the queried ports');
  assert.deepEqual(explain(a, 'app/api', 'app/web', PortSet.ALL, { wholeCluster: true }).exposure, []);
});

test('diff: closing a workload to the whole cluster is reported, though no connection of the input changes', () => {
  const d = diffAnalyses(load(APP), load(CLOSED));
  assert.equal(d.changes.length, 0, 'web already reached api, and still does');
  assert.deepEqual(
    d.exposure.map((x) => [x.kind, x.endpoint, x.direction, exposurePeerText(x.peer), x.closed.toString()]),
    [
      ['closed', 'app/api[Deployment]', 'ingress', 'entire-cluster', 'All Connections'],
    ],
  );
  const text = diffText(d);
  assert.match(text, /No connectivity change within the input \(1 exposure change beyond it, below\)/);
  assert.match(text, /^ {2}app\/api\[Deployment\] <= entire-cluster : closed All Connections$/m);
  assert.equal(JSON.parse(diffJson(d)).exposure[0].kind, 'closed');
  assert.deepEqual(diffAnalyses(load(APP), load(CLOSED), { wholeCluster: true }).exposure, []);
});

test('diff: narrowing namespaceSelector: {} to the one peer the input has closes the exposure to the whole cluster', () => {
  const api = (from: string): string => `${APP}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [${from}, {ipBlock: {cidr: 0.0.0.0/0}}]
`;
  const d = diffAnalyses(load(api('{namespaceSelector: {}}')), load(api('{podSelector: {matchLabels: {app: web}}}')));
  assert.equal(d.changes.length, 0, 'inside the input, only web connects to api, before and after');
  assert.deepEqual(
    d.exposure.map((x) => [x.kind, x.endpoint, x.direction, exposurePeerText(x.peer)]),
    [['closed', 'app/api[Deployment]', 'ingress', 'entire-cluster']],
  );
});

test('CLI: reach --exposure, and wholeCluster in the settings says there is nothing beyond', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-exposure-'));
  writeFileSync(join(dir, 'c.yaml'), APP);
  const r = runCli(['reach', dir, '--exposure', '-q', '--no-settings']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /<= \t\[namespace with \{team=frontend\}\]\/\[all pods\] : TCP 8080/);
  writeFileSync(join(dir, 'bulkhead.settings.yaml'), 'input: {wholeCluster: true}\n');
  const w = runCli(['reach', dir, '--exposure', '-q']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /none beyond the input: the settings say it is the whole cluster/);
  assert.equal(runCli(['reach', dir, '--exposure', '-o', 'csv', '-q']).code, 2);
});
