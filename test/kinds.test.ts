/** Kinds by API group: what is modelled, what is recorded as not evaluated (with whom it selects), what is skipped. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { KINDS, kindsTable, lookupKind } from '../src/sources/k8s/kinds/index.js';
import { parseCalicoSelector } from '../src/sources/k8s/kinds/calico-selector.js';
import { BUILTIN_OPERATORS } from '../src/sources/k8s/operators.js';
import { parseSettings } from '../src/settings/index.js';
import type { BuildOptions } from '../src/sources/k8s/index.js';
import { auditOf } from './fixtures/audit/builders.js';

const load = (text: string, opts: BuildOptions = {}) => loadFromTexts([{ path: 'in.yaml', text }], opts);

/** Pods in two namespaces: web and db in prod (labelled env=prod), web in dev. */
const PODS = [
  ['prod', 'web', 'app: web'],
  ['prod', 'db', 'app: db'],
  ['dev', 'web', 'app: web'],
]
  .map(([ns, name, labels]) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {${labels}}}\nspec: {containers: [{name: c}]}\n`)
  .join('---\n') + '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: prod}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: dev, labels: {env: dev}}\n';

function selects(obj: string): readonly string[] | 'unknown' {
  const r = load(`${PODS}---\n${obj}`);
  assert.equal(r.inventory.unmodelled.length, 1, `one unmodelled object expected; diagnostics: ${r.diagnostics.map((d) => d.code).join(',')}`);
  assert.equal(r.inventory.policies.length, 0, 'never read as a Kubernetes NetworkPolicy');
  return r.inventory.unmodelled[0]!.selects;
}

test('a Calico, Antrea or extensions/v1beta1 NetworkPolicy is never read as a Kubernetes one', () => {
  for (const apiVersion of ['projectcalico.org/v3', 'crd.projectcalico.org/v1', 'crd.antrea.io/v1beta1', 'extensions/v1beta1']) {
    const r = load(`${PODS}---\napiVersion: ${apiVersion}\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: prod}\nspec: {podSelector: {}, selector: all(), appliedTo: [{podSelector: {}}], ingress: [{action: Deny}]}\n`);
    assert.equal(r.inventory.policies.length, 0, apiVersion);
    const u = r.inventory.unmodelled;
    assert.deepEqual(u.map((x) => [x.kind, x.apiVersion, x.namespace, x.name]), [['NetworkPolicy', apiVersion, 'prod', 'deny']]);
    assert.deepEqual(u[0]!.selects, ['prod/db', 'prod/web'], apiVersion);
    const d = r.diagnostics.find((x) => x.code === 'unmodelled-kind')!;
    assert.equal(d.severity, 'warning');
    assert.equal(d.source?.line, 24);
    assert.match(d.message, /^NetworkPolicy prod\/deny \(.+\) is not evaluated: it .*; it applies to prod\/db, prod\/web; the connectivity shown ignores it$/);
  }
});

test('Calico selectors: namespaced policies in their namespace, global ones everywhere, with namespaceSelector', () => {
  const calico = (kind: string, spec: string, ns = 'prod') => `apiVersion: projectcalico.org/v3\nkind: ${kind}\nmetadata: {name: p${kind === 'NetworkPolicy' ? `, namespace: ${ns}` : ''}}\nspec: ${spec}\n`;
  assert.deepEqual(selects(calico('NetworkPolicy', `{selector: "app == 'web'"}`)), ['prod/web']);
  assert.deepEqual(selects(calico('NetworkPolicy', '{}')), ['prod/db', 'prod/web']);
  assert.deepEqual(selects(calico('GlobalNetworkPolicy', `{selector: "app == 'web'"}`)), ['dev/web', 'prod/web']);
  assert.deepEqual(selects(calico('GlobalNetworkPolicy', `{selector: "has(app)", namespaceSelector: "env == 'dev'"}`)), ['dev/web']);
  assert.deepEqual(selects(calico('GlobalNetworkPolicy', `{selector: "projectcalico.org/namespace == 'prod' && app != 'web'"}`)), ['prod/db']);
  assert.equal(selects(calico('GlobalNetworkPolicy', `{selector: "app ~= 'x'"}`)), 'unknown');
  assert.equal(selects(calico('NetworkPolicy', `{selector: all(), serviceAccountSelector: "role == 'x'"}`)), 'unknown');
  const r = load(`${PODS}---\n${calico('NetworkPolicy', `{selector: "app = 'x'"}`)}`);
  assert.match(r.diagnostics.find((d) => d.code === 'unmodelled-kind')!.message, /its selector is not understood: it may apply to any pod in namespace prod/);
  const g = load(`${PODS}---\n${calico('GlobalNetworkPolicy', `{selector: "app = 'x'"}`)}`);
  assert.match(g.diagnostics.find((d) => d.code === 'unmodelled-kind')!.message, /any pod in the cluster/);
});

test('the Calico selector language', () => {
  const l = { app: 'web', tier: 'front', 'k8s.io/zone': 'eu-west' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['all()', true],
    ["app == 'web'", true],
    ['app == "db"', false],
    ["app != 'db'", true],
    ["missing != 'x'", true],
    ['has(tier)', true],
    ['!has(tier)', false],
    ["app in {'db', 'web'}", true],
    ["app not in {'db', 'web'}", false],
    ["missing not in {'a'}", true],
    ["app == 'db' || tier == 'front'", true],
    ["app == 'web' && !(tier == 'front')", false],
    ["k8s.io/zone starts with 'eu-'", true],
    ["k8s.io/zone ends with 'east'", false],
    ["app contains 'e'", true],
  ];
  for (const [text, want] of cases) assert.equal(parseCalicoSelector(text)?.(l), want, text);
  for (const bad of ["app == web", "app in 'a'", 'has(app', "app == 'a' &&", 'app'] as const) assert.equal(parseCalicoSelector(bad), undefined, bad);
});

test('Calico == and != partition pods; && and || are the boolean operators (property)', () => {
  const value = fc.constantFrom('a', 'b', 'c');
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom('x', 'y'), value), value, value, (labels, v, w) => {
      const eq = parseCalicoSelector(`x == '${v}'`)!(labels);
      assert.equal(parseCalicoSelector(`x != '${v}'`)!(labels), !eq);
      assert.equal(parseCalicoSelector(`!x == '${v}'`)!(labels), !eq);
      const other = parseCalicoSelector(`y == '${w}'`)!(labels);
      assert.equal(parseCalicoSelector(`x == '${v}' && y == '${w}'`)!(labels), eq && other);
      assert.equal(parseCalicoSelector(`x == '${v}' || y == '${w}'`)!(labels), eq || other);
      assert.equal(parseCalicoSelector(`x in {'${v}', '${w}'}`)!(labels), labels.x === v || labels.x === w);
    }),
  );
});

test('Cilium: endpointSelector keys with k8s:/any: prefixes, namespace labels, clusterwide policies', () => {
  const cnp = (spec: string, ns = 'prod') => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: ${ns}}\nspec: ${spec}\n`;
  assert.deepEqual(selects(cnp('{endpointSelector: {matchLabels: {"k8s:app": web}}}')), ['prod/web']);
  assert.deepEqual(selects(cnp('{endpointSelector: {matchLabels: {"any:app": db}}}')), ['prod/db']);
  assert.deepEqual(selects(cnp('{endpointSelector: {}}')), ['prod/db', 'prod/web']);
  assert.equal(selects(cnp('{endpointSelector: {matchLabels: {"reserved:host": ""}}}')), 'unknown');
  const ccnp = (spec: string) => `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: p}\nspec: ${spec}\n`;
  assert.deepEqual(selects(ccnp('{endpointSelector: {matchLabels: {app: web}}}')), ['dev/web', 'prod/web']);
  assert.deepEqual(selects(ccnp('{endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": dev}}}')), ['dev/web']);
  assert.deepEqual(selects(ccnp('{endpointSelector: {matchExpressions: [{key: "k8s:io.cilium.k8s.namespace.labels.env", operator: In, values: [prod]}]}}')), ['prod/db', 'prod/web']);
  // The message names the pods: "deathstar: a CiliumNetworkPolicy selects it".
  const r = load(`${PODS}---\n${cnp('{endpointSelector: {matchLabels: {app: web}}}')}`);
  assert.match(r.diagnostics.find((d) => d.code === 'unmodelled-kind')!.message, /^CiliumNetworkPolicy prod\/p \(cilium\.io\/v2\) is not evaluated: it may deny or allow traffic .*; it applies to prod\/web; the connectivity shown ignores it$/);
});

test('AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy are modelled: read as admin policies, never a caveat', () => {
  const objs = `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: p}\nspec: {priority: 10, subject: {namespaces: {matchLabels: {env: dev}}}}\n---\n` +
    `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec: {subject: {namespaces: {}}}\n---\n` +
    `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: c}\nspec: {tier: Baseline, priority: 1, subject: {namespaces: {}}}\n`;
  const r = load(`${PODS}---\n${objs}`);
  assert.deepEqual(r.inventory.unmodelled, []);
  assert.ok(!r.diagnostics.some((d) => d.code === 'unmodelled-kind'));
  assert.deepEqual(r.inventory.adminPolicies!.map((p) => p.id), ['AdminNetworkPolicy/p', 'BaselineAdminNetworkPolicy/default', 'ClusterNetworkPolicy/c']);
  for (const k of ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']) assert.equal(lookupKind('policy.networking.k8s.io', k)?.model, 'admin-policy');
  assert.equal(lookupKind('', 'Node')?.model, 'node');
});

test('Istio: no selector is the namespace, the root namespace is the mesh; PeerAuthentication selectors in the root are ignored', () => {
  const ap = (ns: string, spec: string, kind = 'AuthorizationPolicy') => `apiVersion: security.istio.io/v1\nkind: ${kind}\nmetadata: {name: p, namespace: ${ns}}\nspec: ${spec}\n`;
  assert.deepEqual(selects(ap('prod', '{action: DENY}')), ['prod/db', 'prod/web']);
  assert.deepEqual(selects(ap('prod', '{selector: {matchLabels: {app: web}}}')), ['prod/web']);
  assert.deepEqual(selects(ap('istio-system', '{}')), ['dev/web', 'prod/db', 'prod/web']);
  assert.deepEqual(selects(ap('istio-system', '{selector: {matchLabels: {app: web}}}')), ['dev/web', 'prod/web']);
  assert.deepEqual(selects(ap('istio-system', '{selector: {matchLabels: {app: web}}, mtls: {mode: STRICT}}', 'PeerAuthentication')), []);
  assert.deepEqual(selects(ap('dev', '{mtls: {mode: STRICT}}', 'PeerAuthentication')), ['dev/web']);
  assert.equal(selects(ap('prod', '{targetRefs: [{kind: Gateway, name: g}]}')), 'unknown');
  const sidecar = `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: s, namespace: prod}\nspec: {workloadSelector: {labels: {app: db}}, egress: [{hosts: ["./*"]}]}\n`;
  assert.deepEqual(selects(sidecar), ['prod/db']);
});

test('Linkerd: a Server selects pods, an AuthorizationPolicy its target Server; Antrea appliedTo; OVN per namespace', () => {
  const server = `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: web-http, namespace: prod}\nspec: {podSelector: {matchLabels: {app: web}}, port: http}\n`;
  const authz = `apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: prod}\nspec: {targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}, requiredAuthenticationRefs: []}\n`;
  const r = load(`${PODS}---\n${server}---\n${authz}`);
  assert.deepEqual(r.inventory.unmodelled.map((u) => [u.kind, u.selects]), [['Server', ['prod/web']], ['AuthorizationPolicy', ['prod/web']]]);
  const acnp = `apiVersion: crd.antrea.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: p}\nspec: {appliedTo: [{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: db}}}, {podSelector: {matchLabels: {app: web}}}]}\n`;
  assert.deepEqual(selects(acnp), ['dev/web', 'prod/db', 'prod/web']);
  const efw = `apiVersion: k8s.ovn.org/v1\nkind: EgressFirewall\nmetadata: {name: default, namespace: dev}\nspec: {egress: [{type: Deny, to: {cidrSelector: 0.0.0.0/0}}]}\n`;
  assert.deepEqual(selects(efw), ['dev/web']);
});

test('kinds that cannot change traffic are info; unknown custom resources are remembered; kinds are looked up by group', () => {
  const r = load(`${PODS}---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v, namespace: prod}\n---\napiVersion: example.com/v1\nkind: RedisCluster\nmetadata: {name: cache, namespace: prod}\n---\napiVersion: example.com/v1\nkind: NetworkPolicy\nmetadata: {name: other, namespace: prod}\n`);
  const skipped = r.diagnostics.find((d) => d.code === 'skipped-kind')!;
  assert.equal(skipped.severity, 'info');
  assert.deepEqual(r.inventory.customResources.map((c) => [c.kind, c.apiVersion, c.namespace, c.name]), [
    ['RedisCluster', 'example.com/v1', 'prod', 'cache'],
    ['NetworkPolicy', 'example.com/v1', 'prod', 'other'],
  ]);
  assert.equal(r.inventory.policies.length, 0, 'a NetworkPolicy of an unknown group is not a Kubernetes NetworkPolicy');
  assert.equal(lookupKind('networking.k8s.io', 'NetworkPolicy')?.role, 'model');
  assert.equal(lookupKind('projectcalico.org', 'NetworkPolicy')?.role, 'unmodelled');
  assert.equal(lookupKind('', 'NetworkPolicy'), undefined);
});

test('a NetworkPolicy without apiVersion is read as networking.k8s.io/v1 with a warning naming the other groups', () => {
  const r = load(`${PODS}---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: prod}\nspec: {podSelector: {}}\n`);
  assert.equal(r.inventory.policies.length, 1);
  const d = r.diagnostics.find((x) => x.code === 'no-api-version')!;
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /read as networking\.k8s\.io\/v1, although .*projectcalico\.org.* also define a NetworkPolicy/);
});

test('every unmodelled kind has an effect and a selector reader; every entry names its product', () => {
  for (const e of KINDS) {
    assert.ok(e.product.length > 0 && e.groups.length > 0, e.kind);
    if (e.role === 'unmodelled') assert.ok(e.effect && e.selects, `${e.groups[0]}/${e.kind}`);
    if (e.role === 'irrelevant') assert.ok(e.why, `${e.groups[0]}/${e.kind}`);
    if (e.role === 'model') assert.ok(e.model, e.kind);
  }
  const keys = KINDS.flatMap((e) => e.groups.map((g) => `${g}/${e.kind}`));
  assert.equal(new Set(keys).size, keys.length, 'a group/kind is registered twice');
});

test('docs/inputs.md holds the registry table as generated', () => {
  const doc = readFileSync(new URL('../../docs/inputs.md', import.meta.url), 'utf8');
  const table = kindsTable(BUILTIN_OPERATORS);
  assert.ok(doc.includes(table), 'docs/inputs.md is out of date: paste kindsTable(BUILTIN_OPERATORS) (node scripts/kinds-table.mjs) into it');
});

/** kube-prometheus, reduced: the operator's custom resources, and the policies it ships for their pods. */
const KUBE_PROMETHEUS = `apiVersion: v1
kind: Namespace
metadata: {name: monitoring}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
  podMetadata:
    labels: {app.kubernetes.io/component: prometheus, app.kubernetes.io/part-of: kube-prometheus}
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec: {replicas: 3}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/component: prometheus, app.kubernetes.io/name: prometheus, app.kubernetes.io/part-of: kube-prometheus}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: alertmanager}}}]
    ports: [{port: web}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: alertmanager-main, namespace: monitoring}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: alertmanager, alertmanager: main}
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: alertmanager}}}]
    ports: [{port: 9094, protocol: UDP}]
`;

test('Prometheus operator kinds become the StatefulSets and pods the operator creates', () => {
  const r = load(KUBE_PROMETHEUS);
  assert.deepEqual(r.inventory.workloads.map((w) => w.id), ['monitoring/alertmanager-main[StatefulSet]', 'monitoring/prometheus-k8s[StatefulSet]']);
  assert.deepEqual(r.inventory.pods.map((p) => p.id), [
    'monitoring/alertmanager-main-0', 'monitoring/alertmanager-main-1', 'monitoring/alertmanager-main-2',
    'monitoring/prometheus-k8s-0', 'monitoring/prometheus-k8s-1',
  ]);
  const prom = r.inventory.pods.find((p) => p.id === 'monitoring/prometheus-k8s-0')!;
  assert.equal(prom.labels['app.kubernetes.io/name'], 'prometheus');
  assert.equal(prom.labels['prometheus'], 'k8s');
  assert.equal(prom.labels['app.kubernetes.io/part-of'], 'kube-prometheus', 'spec.podMetadata.labels');
  assert.ok(prom.ports.some((p) => p.name === 'web' && p.port === 9090));
  const am = r.inventory.pods.find((p) => p.id === 'monitoring/alertmanager-main-0')!;
  assert.deepEqual(am.ports.filter((p) => p.port === 9094).map((p) => p.protocol).sort(), ['TCP', 'UDP']);
  const info = r.diagnostics.filter((d) => d.code === 'operator-pods');
  assert.equal(info.length, 2);
  assert.ok(info.every((d) => d.severity === 'info' && /labels the prometheus-operator documents/.test(d.message)));
  const findings = auditOf(KUBE_PROMETHEUS).findings.filter((f) => f.check === 'policy-selects-nothing');
  assert.deepEqual(findings.map((f) => f.message), [], 'the policies select the synthesized pods');
});

test('a StatefulSet of the input wins over the synthesized one', () => {
  const sts = `---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: prometheus-k8s, namespace: monitoring}\nspec: {replicas: 1, template: {metadata: {labels: {app.kubernetes.io/name: prometheus, real: "yes"}}, spec: {containers: [{name: c}]}}}\n`;
  const r = load(KUBE_PROMETHEUS + sts);
  assert.deepEqual(r.inventory.pods.filter((p) => p.workload === 'monitoring/prometheus-k8s[StatefulSet]').map((p) => [p.id, p.labels['real']]), [['monitoring/prometheus-k8s-0', 'yes']]);
});

test('settings declare other operator kinds; unknown custom resources make policy-selects-nothing say so', () => {
  const cr = `apiVersion: example.com/v1\nkind: RedisCluster\nmetadata: {name: cache, namespace: shop}\nspec: {replicas: 2}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: redis, namespace: shop}\nspec: {podSelector: {matchLabels: {app: redis}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {containers: [{name: c}]}\n`;
  const before = auditOf(cr).findings.filter((f) => f.check === 'policy-selects-nothing');
  assert.equal(before.length, 1);
  assert.match(before[0]!.message, /may select pods created by RedisCluster \(example\.com\/v1\) objects/);
  const settings = parseSettings('operators:\n  - apiVersion: example.com/v1\n    kind: RedisCluster\n    podLabels: {app: redis, redis-cluster: "{{name}}"}\n    ports: [TCP/6379]\n', 's.yaml');
  const r = load(cr, { settings });
  assert.deepEqual(r.inventory.pods.map((p) => [p.id, p.labels['redis-cluster']]), [['shop/cache-0', 'cache'], ['shop/cache-1', 'cache'], ['shop/web', undefined]]);
  assert.deepEqual(r.inventory.customResources, []);
  assert.match(r.diagnostics.find((d) => d.code === 'operator-pods')!.message, /declared in s\.yaml:2/);
});
