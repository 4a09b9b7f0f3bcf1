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
  const r = load(`${POD}---\nmetadata: {name: nokind}\n---\napiVersion: foo/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\nkind: CiliumNetworkPolicy\nmetadata: {name: cnp}\n`);
  const by = (c: string) => r.diagnostics.find((d) => d.code === c);
  assert.equal(by('no-kind')?.severity, 'error');
  assert.equal(by('no-kind')?.source?.line, 7);
  assert.equal(by('unknown-kind')?.severity, 'warning');
  assert.equal(by('skipped-kind')?.severity, 'info');
  assert.equal(by('unmodelled-kind')?.severity, 'warning');
  assert.match(by('unmodelled-kind')!.message, /CiliumNetworkPolicy .*cnp .*is not evaluated.*the connectivity shown ignores it/);
  assert.deepEqual(r.inventory.unmodelled.map((u) => [u.kind, u.name, u.selects]), [['CiliumNetworkPolicy', 'cnp', 'unknown']]);
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

const errorsOf = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');

test('an unknown or misspelt field is an error naming the field, its line and the nearest known field; the object is skipped', () => {
  const cases: Array<[string, string, number, string | undefined]> = [
    ['  podSelector: {}\n  ingres:\n  - {}\n', 'spec.ingres', 12, 'ingress'],
    ['  podselector: {}\n', 'spec.podselector', 11, 'podSelector'],
    ['  podSelector: {}\n  ingress:\n  - form:\n    - podSelector: {}\n', 'spec.ingress[0].form', 13, 'from'],
    ['  podSelector: {}\n  ingress:\n  - port:\n    - port: 80\n', 'spec.ingress[0].port', 13, 'ports'],
    ['  podSelector:\n    matchLabel: {app: web}\n', 'spec.podSelector.matchLabel', 12, 'matchLabels'],
    ['  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, excepts: [10.1.0.0/16]}\n', 'spec.egress[0].to[0].ipBlock.excepts', 14, 'except'],
    ['  podSelector: {}\n  egress:\n  - to:\n    - podSelector: {}\n      namespace: {}\n', 'spec.egress[0].to[0].namespace', 15, undefined],
    ['  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 80, protocl: TCP}\n', 'spec.ingress[0].ports[0].protocl', 14, 'protocol'],
    ['  podSelector:\n    matchExpressions: [{key: app, operater: In, values: [a]}]\n', 'spec.podSelector.matchExpressions[0].operater', 12, 'operator'],
  ];
  for (const [spec, path, line, hint] of cases) {
    const r = load(POD + policy(spec));
    const d = r.diagnostics.find((x) => x.code === 'unknown-field');
    assert.ok(d, `unknown-field expected for ${path}; got ${codes(r.diagnostics)}`);
    assert.equal(d.severity, 'error');
    assert.equal(d.source?.line, line, d.message);
    assert.ok(d.message.includes(`${path}: unknown field`), d.message);
    if (hint) assert.ok(d.message.includes(`did you mean "${hint}"`), d.message);
    else assert.ok(!d.message.includes('did you mean'), d.message);
    assert.equal(r.inventory.policies.length, 0, 'the API rejects the policy: its rules are not silently allow-all');
    assert.ok(r.diagnostics.some((x) => x.code === 'invalid-policy'));
  }
  // The top level and metadata too.
  const top = load(POD + `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x, label: {a: b}}\nspc: {podSelector: {}}\n`);
  assert.deepEqual(top.diagnostics.filter((x) => x.code === 'unknown-field').map((x) => [x.source?.line, /did you mean "(\w+)"/.exec(x.message)?.[1]]), [[9, 'labels'], [10, 'spec']]);
});

test('workloads: unknown fields where Bulkhead reads are errors and the workload is skipped; real fields are accepted', () => {
  const dep = (body: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: x}\nspec:\n${body}`;
  const ok = load(dep(`  replicas: 2\n  strategy: {type: Recreate}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}, annotations: {a: b}}\n    spec:\n      serviceAccountName: web\n      securityContext: {runAsNonRoot: true}\n      containers:\n      - name: c\n        image: nginx\n        resources: {limits: {cpu: 1}}\n        ports: [{containerPort: 80, name: http, protocol: TCP, hostPort: 8080}]\n`));
  assert.deepEqual(errorsOf(ok.diagnostics), []);
  assert.equal(ok.inventory.pods.length, 2);
  const cases: Array<[string, string, string | undefined]> = [
    ['  replica: 2\n  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}\n', 'spec.replica', 'replicas'],
    ['  template:\n    metadata: {lables: {app: web}}\n    spec: {containers: [{name: c}]}\n', 'spec.template.metadata.lables', 'labels'],
    ['  template:\n    metadata: {labels: {app: web}}\n    spec: {hostnetwork: true, containers: [{name: c}]}\n', 'spec.template.spec.hostnetwork', 'hostNetwork'],
    ['  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, port: [{containerPort: 80}]}]}\n', 'spec.template.spec.containers[0].port', 'ports'],
    ['  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, ports: [{containerPort: 80, protocl: UDP}]}]}\n', 'spec.template.spec.containers[0].ports[0].protocl', 'protocol'],
  ];
  for (const [body, path, hint] of cases) {
    const r = load(POD + '---\n' + dep(body));
    const d = r.diagnostics.find((x) => x.code === 'unknown-field');
    assert.ok(d, `unknown-field expected for ${path}; got ${codes(r.diagnostics)}`);
    assert.ok(d.message.includes(`${path}: unknown field`) && d.message.includes(`did you mean "${hint}"`), d.message);
    assert.ok(r.diagnostics.some((x) => x.code === 'invalid-workload' && x.severity === 'error'));
    assert.deepEqual(r.inventory.workloads.map((w) => w.id), ['x/web[Pod]'], 'the rejected Deployment has no pods');
  }
});

test('a boolean or number where the API requires a string is an error, not a different selector', () => {
  // `app: yes` (a YAML 1.1 boolean) would otherwise become the label value "true".
  const sel = load(POD + policy('  podSelector:\n    matchLabels: {app: true}\n'));
  const d = sel.diagnostics.find((x) => x.code === 'bad-label')!;
  assert.equal(d.severity, 'error');
  assert.equal(d.source?.line, 12);
  assert.match(d.message, /spec\.podSelector\.matchLabels\.app: expected a string but got boolean true; the API server rejects it \(quote it: "true"\)/);
  assert.equal(sel.inventory.policies.length, 0);
  const expr = load(POD + policy('  podSelector:\n    matchExpressions: [{key: app, operator: In, values: [web, 1]}]\n'));
  assert.ok(expr.diagnostics.some((x) => x.code === 'bad-selector' && x.severity === 'error' && /values\[1\]: expected a string but got number 1/.test(x.message)));
  assert.equal(expr.inventory.policies.length, 0);
  const podLabel = load(`apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: x, labels: {tier: 1}}\nspec: {containers: [{name: c}]}\n`);
  assert.ok(podLabel.diagnostics.some((x) => x.code === 'bad-label' && x.severity === 'error' && x.source?.line === 3));
  assert.equal(podLabel.inventory.pods.length, 0);
  const ns = load(`apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {env: false}}\n---\n${POD}`);
  assert.ok(ns.diagnostics.some((x) => x.code === 'invalid-namespace'));
  assert.equal(ns.inventory.namespaces.find((n) => n.name === 'a'), undefined);
});

test('namespaceSelector: null is absent (the policy\'s own namespace); a peer of only nulls is rejected', () => {
  for (const spelling of ['namespaceSelector: null', 'namespaceSelector:']) {
    const r = load(POD + policy(`  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: web}}\n      ${spelling}\n`));
    assert.deepEqual(errorsOf(r.diagnostics), []);
    const peer = r.inventory.policies[0]!.ingress[0]!.peers![0]!;
    assert.equal(peer.type, 'pods');
    assert.equal(peer.type === 'pods' && peer.namespaceSelector, null, `${spelling}: own namespace, not all namespaces`);
  }
  const nulls = load(POD + policy('  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: null\n      namespaceSelector: null\n'));
  const d = nulls.diagnostics.find((x) => x.code === 'bad-peer')!;
  assert.equal(d.severity, 'error');
  assert.equal(d.source?.line, 14);
  assert.match(d.message, /podSelector and namespaceSelector null is the same as absent/);
  assert.equal(nulls.inventory.policies.length, 0);
});

test('names and namespaces are checked as the API does, so ids never collide', () => {
  const cases: Array<[string, number, RegExp]> = [
    [`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a/b, namespace: x}\nspec: {podSelector: {}}\n`, 3, /metadata\.name "a\/b": must be lower-case/],
    [`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: 42}\nspec: {podSelector: {}}\n`, 3, /metadata\.namespace: expected a string but got number 42/],
    [`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Web, namespace: x}\nspec: {template: {spec: {containers: [{name: c}]}}}\n`, 3, /metadata\.name "Web"/],
    [`apiVersion: v1\nkind: Pod\nmetadata:\n  name: true\nspec: {containers: [{name: c}]}\n`, 4, /metadata\.name: expected a string but got boolean true/],
    [`apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n`, 3, /metadata\.name "a\.b": .*DNS-1123 label/],
    [`apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: Prod}\nspec: {containers: [{name: c}]}\n`, 3, /metadata\.namespace "Prod"/],
    [`apiVersion: v1\nkind: Pod\nmetadata: {name: "${'a'.repeat(254)}"}\nspec: {containers: [{name: c}]}\n`, 3, /at most 253 characters/],
  ];
  for (const [text, line, re] of cases) {
    const r = load(`${POD}---\n${text}`);
    const d = r.diagnostics.find((x) => x.code === 'bad-name');
    assert.ok(d, `bad-name expected; got ${codes(r.diagnostics)}`);
    assert.equal(d.severity, 'error');
    assert.equal(d.source?.line, line + 6, d.message);
    assert.match(d.message, re);
    assert.deepEqual(r.inventory.pods.map((p) => p.id), ['x/web'], 'the bad object is not analysed');
    assert.equal(r.inventory.policies.length, 0);
  }
});

test('kind: List items that are not objects are errors; the other items load', () => {
  const r = load(`apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: x}\n  spec: {containers: [{name: c}]}\n- just a string\n- 42\n`);
  assert.deepEqual(r.inventory.pods.map((p) => p.id), ['x/a']);
  const bad = r.diagnostics.filter((d) => d.code === 'bad-list-item');
  assert.equal(bad.length, 2);
  assert.ok(bad.every((d) => d.severity === 'error'));
  assert.match(bad[0]!.message, /items\[1\]: expected an object but got string "just a string"/);
});

test('apiVersion: unserved versions of modelled kinds are rejected, removed ones are read with a warning', () => {
  const v1beta1 = load(POD + `---\napiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: {podSelector: {}}\n`);
  assert.ok(v1beta1.diagnostics.some((d) => d.code === 'api-version' && d.severity === 'error' && d.source?.line === 7));
  assert.equal(v1beta1.inventory.policies.length, 0);
  const old = load(`apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: w, namespace: x}\nspec: {template: {spec: {containers: [{name: c}]}}}\n`);
  assert.ok(old.diagnostics.some((d) => d.code === 'api-version' && d.severity === 'warning'));
  assert.equal(old.inventory.pods.length, 1);
  const typo = load(`${POD}---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: w, namespace: x}\n`);
  const d = typo.diagnostics.find((x) => x.code === 'unknown-kind')!;
  assert.match(d.message, /did you mean Deployment\?/);
  assert.deepEqual(typo.inventory.customResources, [], 'a typo in a Kubernetes group is not a custom resource');
});

test('metadata labels and annotations must be strings on every object, also where Bulkhead does not read them', () => {
  const r = load(POD + `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: x\n  annotations: {owner: 7}\nspec: {podSelector: {}}\n`);
  const d = r.diagnostics.find((x) => x.code === 'bad-label')!;
  assert.equal(d.severity, 'error');
  assert.equal(d.source?.line, 12);
  assert.match(d.message, /metadata\.annotations\.owner: expected a string but got number 7/);
  assert.equal(r.inventory.policies.length, 0);
  const pod = load(`apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {on: true}}\nspec: {containers: [{name: c}]}\n`);
  assert.equal(pod.diagnostics.filter((x) => x.code === 'bad-label').length, 1, 'reported once');
});

test('property: any misspelling of any NetworkPolicy field is rejected, never read as a different policy', async () => {
  const fc = (await import('fast-check')).default;
  // Each template has one field name marked %; the property misspells it.
  const templates = [
    '  %podSelector: {}\n',
    '  podSelector: {}\n  %policyTypes: [Ingress]\n',
    '  podSelector: {}\n  %ingress: [{}]\n',
    '  podSelector: {}\n  %egress: [{}]\n',
    '  podSelector: {}\n  ingress:\n  - %from: [{podSelector: {}}]\n',
    '  podSelector: {}\n  ingress:\n  - %ports: [{port: 80}]\n',
    '  podSelector: {}\n  egress:\n  - %to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n',
    '  podSelector: {}\n  egress:\n  - to: [{%ipBlock: {cidr: 10.0.0.0/8}}]\n',
    '  podSelector: {}\n  egress:\n  - to: [{ipBlock: {%cidr: 10.0.0.0/8}}]\n',
    '  podSelector: {}\n  egress:\n  - to: [{%namespaceSelector: {}}]\n',
    '  podSelector: {}\n  ingress:\n  - ports: [{%port: 80, protocol: TCP}]\n',
    '  podSelector: {}\n  ingress:\n  - ports: [{port: 80, %protocol: TCP}]\n',
    '  podSelector: {}\n  ingress:\n  - ports: [{port: 80, %endPort: 90}]\n',
    '  podSelector: {%matchLabels: {app: web}}\n',
    '  podSelector: {%matchExpressions: [{key: app, operator: Exists}]}\n',
    '  podSelector: {matchExpressions: [{%key: app, operator: Exists}]}\n',
  ];
  const edit = fc.oneof(
    fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('add' as const), at: fc.nat(), ch: fc.constantFrom('s', 'e', 'x', 'S', '_') }),
    fc.record({ op: fc.constant('swap' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('case' as const), at: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.constantFrom(...templates), edit, (tpl, e) => {
      const name = /%(\w+)/.exec(tpl)![1]!;
      const i = e.at % name.length;
      const typo =
        e.op === 'drop' ? name.slice(0, i) + name.slice(i + 1)
        : e.op === 'add' ? name.slice(0, i) + e.ch + name.slice(i)
        : e.op === 'swap' ? (i + 1 < name.length ? name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2) : name)
        : name.slice(0, i) + (name[i] === name[i]!.toUpperCase() ? name[i]!.toLowerCase() : name[i]!.toUpperCase()) + name.slice(i + 1);
      if (typo === name || typo === '') return;
      const r = load(POD + policy(tpl.replace(`%${name}`, typo)));
      assert.equal(r.inventory.policies.length, 0, `${name} -> ${typo} was accepted`);
      assert.ok(r.diagnostics.some((d) => d.severity === 'error'), `${name} -> ${typo}: no error`);
    }),
    { numRuns: 300 },
  );
});
