import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import type { Diagnostic } from '../src/inventory/types.js';

const load = (text: string, path = 'in.yaml') => loadFromTexts([{ path, text }]);
const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}@${d.source?.line ?? '-'}`);

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: x, labels: {app: web}}
spec:
  containers: [{name: c, ports: [{containerPort: 80, name: http}]}]
`;

function policy(spec: string, name = 'p'): string {
  return `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: x}\nspec:\n${spec}`;
}

test('every bad policy is rejected with the file and line of the offending field, the rest is analysed', () => {
  const cases: Array<[string, string, number]> = [
    ['  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/40}\n', 'bad-cidr', 14],
    ['  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}\n', 'bad-cidr', 14],
    ['  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 90, endPort: 80}\n', 'bad-port', 14],
    ['  podSelector: {}\n  ingress:\n  - ports:\n    - {port: http, endPort: 90}\n', 'bad-port', 14],
    ['  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 80, protocol: ICMP}\n', 'bad-port', 14],
    ['  podSelector:\n    matchExpressions: [{key: app, operator: Equals, values: [a]}]\n', 'bad-selector', 12],
    ['  podSelector:\n    matchExpressions: [{key: app, operator: In, values: []}]\n', 'bad-selector', 12],
    ['  podSelector:\n    matchLabels: {"bad key!": x}\n', 'bad-selector', 12],
    ['  podSelector: {}\n  ingress:\n  - from:\n    - {}\n', 'bad-peer', 14],
    ['  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n', 'bad-peer', 14],
    ['  podSelector: {}\n  policyTypes: [Sideways]\n', 'bad-field', 12],
  ];
  for (const [spec, code, line] of cases) {
    const r = load(POD + policy(spec));
    const problem = r.diagnostics.find((d) => d.code === code);
    assert.ok(problem, `${code} expected for:\n${spec}\ngot ${codes(r.diagnostics)}`);
    assert.equal(problem.severity, 'error');
    assert.equal(problem.source?.line, line, `${code}: ${problem.message}`);
    assert.equal(problem.source?.file, 'in.yaml');
    assert.ok(r.diagnostics.some((d) => d.code === 'invalid-policy'), 'the policy is reported as skipped');
    assert.equal(r.inventory.policies.length, 0);
    assert.equal(r.inventory.pods.length, 1, 'the valid pod is still analysed');
  }
});

test('policyTypes defaulting and ignored rules', () => {
  const egressOnly = load(POD + policy('  podSelector: {}\n  egress:\n  - {}\n'));
  assert.deepEqual(egressOnly.inventory.policies[0]!.isolates, { ingress: true, egress: true });
  const emptyEgress = load(POD + policy('  podSelector: {}\n  egress: []\n'));
  assert.deepEqual(emptyEgress.inventory.policies[0]!.isolates, { ingress: true, egress: false });
  const ignored = load(POD + policy('  podSelector: {}\n  policyTypes: [Egress]\n  ingress:\n  - {}\n'));
  assert.equal(ignored.inventory.policies[0]!.ingress.length, 0);
  assert.ok(ignored.diagnostics.some((d) => d.code === 'ignored-rules' && d.severity === 'warning'));
});

test('YAML and JSON syntax errors name the line; other documents and files still load', () => {
  const r = loadFromTexts([
    { path: 'a.yaml', text: `${POD}---\nkey: [unclosed\n` },
    { path: 'b.json', text: '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"' },
    { path: 'c.json', text: '{\n  "kind": "Pod",\n  "metadata": {"name": "r"}}\n  }\n' },
  ]);
  assert.deepEqual(r.inventory.pods.map((p) => p.id), ['x/web']);
  const y = r.diagnostics.find((d) => d.code === 'yaml-syntax')!;
  assert.equal(y.source?.file, 'a.yaml');
  assert.equal(y.source?.line, 8); // where the parser finds the sequence unclosed
  const j = r.diagnostics.filter((d) => d.code === 'json-syntax');
  assert.equal(j.length, 2);
  assert.match(j[0]!.message, /truncated/);
  assert.equal(j[1]!.source?.line, 4);
});

test('documents without kind, unknown and unsupported kinds are reported, irrelevant kinds are quiet', () => {
  const r = load(`${POD}---\nmetadata: {name: nokind}\n---\napiVersion: foo/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\nkind: AdminNetworkPolicy\nmetadata: {name: anp}\n`);
  const by = (c: string) => r.diagnostics.find((d) => d.code === c);
  assert.equal(by('no-kind')?.severity, 'error');
  assert.equal(by('no-kind')?.source?.line, 7);
  assert.equal(by('unknown-kind')?.severity, 'warning');
  assert.equal(by('skipped-kind')?.severity, 'info');
  assert.equal(by('unmodelled-kind')?.severity, 'warning');
  assert.match(by('unmodelled-kind')!.message, /AdminNetworkPolicy anp .*is not evaluated.*the connectivity shown ignores it/);
  assert.deepEqual(r.inventory.unmodelled.map((u) => [u.kind, u.name, u.selects]), [['AdminNetworkPolicy', 'anp', 'unknown']]);
  assert.deepEqual(r.inventory.customResources.map((c) => [c.kind, c.apiVersion, c.name]), [['Widget', 'foo/v1', 'w']]);
});

test('kubectl get -o yaml lists, owner references and status IPs', () => {
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-7d4b9
    namespace: prod
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]
  spec:
    replicas: 2
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: c}]}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-7d4b9-abcde
    namespace: prod
    labels: {app: web, pod-template-hash: 7d4b9}
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9, controller: true}]
  spec: {containers: [{name: c, ports: [{containerPort: 8080, name: http}]}]}
  status: {podIP: 10.1.2.3, podIPs: [{ip: 10.1.2.3}, {ip: "fd00::3"}]}
- apiVersion: v1
  kind: Pod
  metadata:
    name: orphan-rs-pod
    namespace: prod
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone-5f6, controller: true}]
  spec: {containers: [{name: c}]}
`;
  const r = load(text);
  assert.deepEqual(r.inventory.workloads.map((w) => w.id), ['prod/gone-5f6[ReplicaSet]', 'prod/web[Deployment]']);
  const pod = r.inventory.pods.find((p) => p.name === 'web-7d4b9-abcde')!;
  assert.equal(pod.workload, 'prod/web[Deployment]');
  assert.deepEqual(pod.ips, ['10.1.2.3', 'fd00::3']);
  assert.equal(pod.source?.line, 15);
  // The ReplicaSet's replicas are not invented on top of the real pod.
  assert.equal(r.inventory.pods.length, 2);
});

test('workload kinds: pod templates, replicas, CronJob job templates, sidecar ports', () => {
  const text = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: d}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: db}}
    spec:
      initContainers: [{name: proxy, restartPolicy: Always, ports: [{containerPort: 15001, name: proxy}]}, {name: init, ports: [{containerPort: 9}]}]
      containers: [{name: pg, ports: [{containerPort: 5432, name: pg}, {containerPort: 53, protocol: UDP, name: dns}]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: job, namespace: d}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: job}}
        spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: zero, namespace: d}
spec:
  replicas: 0
  template:
    metadata: {labels: {app: zero}}
    spec: {containers: [{name: c}]}
`;
  const r = load(text);
  const pods = r.inventory.pods;
  assert.deepEqual(pods.filter((p) => p.workload === 'd/db[StatefulSet]').map((p) => p.name), ['db-0', 'db-1', 'db-2']);
  assert.deepEqual(pods.find((p) => p.name === 'db-0')!.ports, [
    { name: 'pg', port: 5432, protocol: 'TCP' },
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'proxy', port: 15001, protocol: 'TCP' },
  ]);
  assert.deepEqual(pods.find((p) => p.workload === 'd/job[CronJob]')!.labels, { app: 'job' });
  assert.equal(pods.filter((p) => p.workload === 'd/zero[Deployment]').length, 1);
  assert.ok(r.diagnostics.some((d) => d.code === 'zero-replicas'));
});

test('namespaces: automatic name label, undeclared namespaces warned, default namespace option', () => {
  const r = loadFromTexts(
    [{ path: 'n.yaml', text: `apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {env: prod}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n` }],
    { defaultNamespace: 'team' },
  );
  assert.deepEqual(r.inventory.namespaces.map((n) => [n.name, n.labels, n.declared]), [
    ['a', { env: 'prod', 'kubernetes.io/metadata.name': 'a' }, true],
    ['team', { 'kubernetes.io/metadata.name': 'team' }, false],
  ]);
  assert.ok(r.diagnostics.some((d) => d.code === 'undeclared-namespace' && d.message.includes('team')));
});

test('helm template and kustomize build output (comments, leading separators, empty documents)', () => {
  const helm = `---\n# Source: shop/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: release-web\n  labels: {helm.sh/chart: shop-1.0.0}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c}]}\n---\n# Source: shop/templates/empty.yaml\n---\n# Source: shop/templates/np.yaml\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {podSelector: {}}\n`;
  const r = load(helm);
  assert.deepEqual(r.inventory.workloads.map((w) => w.id), ['default/release-web[Deployment]']);
  assert.equal(r.inventory.policies[0]!.source.line, 16);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
});

test('duplicates: the later definition wins, with a warning', () => {
  const r = load(POD + policy('  podSelector: {}\n', 'dup') + policy('  podSelector: {}\n  policyTypes: [Egress]\n', 'dup'));
  assert.equal(r.inventory.policies.length, 1);
  assert.deepEqual(r.inventory.policies[0]!.isolates, { ingress: false, egress: true });
  assert.ok(r.diagnostics.some((d) => d.code === 'duplicate'));
});
