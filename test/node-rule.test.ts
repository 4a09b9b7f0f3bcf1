// The node rule through every command: an ingress-isolated pod admits its own node, and a hostNetwork pod is
// its node. A hostNetwork DaemonSet reaches every pod; another hostNetwork pod reaches the pods on its node
// (spec.nodeName), and where the input does not say, the connection is listed "only from the same node".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../src/engine/index.js';
import { computeReach } from '../src/analyses/reach.js';
import { explain } from '../src/analyses/explain.js';
import { blastFrom } from '../src/analyses/blast.js';
import { REACH_FORMATS } from '../src/reports/reach/index.js';
import { explainText } from '../src/reports/explain/text.js';
import { PortSet } from '../src/model/port-set.js';

const CLUSTER = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: mon}
spec:
  selector: {matchLabels: {app: ne}}
  template:
    metadata: {labels: {app: ne}}
    spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: ops}
spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: 80}]
`;

/** A live dump: two pods of one app on two nodes, a hostNetwork agent on node n1. */
const PLACED = `
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: a, labels: {app: web}}
spec: {nodeName: n1, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, namespace: a, labels: {app: web}}
spec: {nodeName: n2, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: ops}
spec: {nodeName: n1, hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: a}
spec: {podSelector: {}}
`;

function load(text: string): Analysis {
  return analyze(loadFromTexts([{ path: 'c.yaml', text }]).inventory);
}

test('reach: a hostNetwork DaemonSet reaches isolated pods on every port; an unplaced hostNetwork pod only from the same node', () => {
  const a = load(CLUSTER);
  const r = computeReach(a, { to: 'a/web' });
  const line = (src: string) => r.connections.filter((c) => c.src === src);
  assert.deepEqual(line('mon/node-exporter[DaemonSet]').map((c) => [c.conns.isAll(), c.condition]), [[true, undefined]]);
  assert.deepEqual(line('ops/agent[Pod]').map((c) => [c.conns.isAll(), c.condition]), [[true, 'same-node']]);
  assert.match(REACH_FORMATS.text(r), /^ops\/agent\[Pod\] => a\/web\[Deployment\] : All Connections \(only from the same node\)$/m);
  const doc = JSON.parse(REACH_FORMATS.json(r));
  assert.equal(doc.connections.find((c: { src: string }) => c.src === 'ops/agent[Pod]').condition, 'same-node');
  assert.equal(doc.connections.find((c: { src: string }) => c.src === 'mon/node-exporter[DaemonSet]').condition, undefined);
  assert.match(REACH_FORMATS.csv(r), /^ops\/agent\[Pod\],a\/web\[Deployment\],All Connections \(only from the same node\)$/m);
});

test('reach: spec.nodeName decides, pod by pod; the workload is their union', () => {
  const a = load(PLACED);
  const pods = computeReach(a, { level: 'pod', from: 'ops/agent' }).connections.filter((c) => c.dst.startsWith('a/'));
  assert.deepEqual(
    pods.map((c) => [c.dst, c.conns.isAll(), c.condition]),
    [['a/web-1', true, undefined]],
    'web-2 runs on n2: denied',
  );
  // Pods listed as a workload each: still one connection, to web-1.
  assert.equal(a.sameNodePorts('ops/agent', 'a/web-2').isEmpty(), true);
  assert.ok(a.allowedPorts('ops/agent', 'a/web-1').isAll());
});

test('explain: says the node rule decided, or what the same node would allow', () => {
  const a = load(CLUSTER);
  const sure = explain(a, 'mon/node-exporter', 'a/web');
  assert.equal(sure.verdict, 'allowed');
  assert.ok(sure.conns.isAll());
  assert.equal(sure.layers[1]!.nodeRule, 'same-node');
  assert.match(explainText(sure), /the node rule: the source uses hostNetwork on this pod's node/);
  const maybe = explain(a, 'ops/agent', 'a/web', PortSet.of('TCP', 1, 100));
  assert.equal(maybe.verdict, 'denied', 'namespaceSelector {} does not see hostNetwork pods');
  assert.ok(maybe.conns.isEmpty());
  assert.ok(maybe.sameNode?.equals(PortSet.of('TCP', 1, 100)));
  assert.match(explainText(maybe), /^only from the same node: TCP 1-100$/m);
  assert.equal(explain(a, 'a/web', 'mon/node-exporter').sameNode, undefined, 'the rule is about ingress into isolated pods');
});

test('blast: node-rule hops count as possible, marked when only from the same node', () => {
  const a = load(CLUSTER);
  const r = blastFrom(a, { from: 'ops/agent' });
  const web = r.reached.find((x) => x.endpoint.id === 'a/web[Deployment]');
  assert.ok(web, 'the attacker may be on the node of a web pod');
  assert.equal(web.path[0]!.condition, 'same-node');
  assert.equal(web.path[0]!.ingress.nodeRule, 'possibly-same-node');
  const ne = blastFrom(a, { from: 'mon/node-exporter' }).reached.find((x) => x.endpoint.id === 'a/web[Deployment]');
  assert.equal(ne?.path[0]!.condition, undefined);
  assert.equal(ne?.path[0]!.ingress.nodeRule, 'same-node');
  const placed = blastFrom(load(PLACED), { from: 'ops/agent', level: 'pod' });
  assert.deepEqual(placed.reached.filter((x) => x.endpoint.kind !== 'External').map((x) => x.endpoint.id), ['a/web-1']);
});

test('loader: spec.nodeName is read from pods and templates', () => {
  const inv = loadFromTexts([{ path: 'c.yaml', text: PLACED }]).inventory;
  assert.deepEqual(inv.pods.map((p) => [p.id, p.nodeName]), [['a/web-1', 'n1'], ['a/web-2', 'n2'], ['ops/agent', 'n1']]);
  assert.equal(loadFromTexts([{ path: 'c.yaml', text: CLUSTER }]).inventory.pods.every((p) => p.nodeName === undefined), true);
});
