/** The loader's validation and kind handling as a user sees them through the CLI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/run-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'bulkhead-inputs-'));

function dir(name: string, files: Record<string, string>): string {
  const d = join(TMP, name);
  mkdirSync(d);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, ports: [{containerPort: 5432}]}]}
`;

test('cli: a misspelt rule field is an error with file, line and suggestion; the policy is left out', () => {
  const d = dir('typo', {
    'pods.yaml': PODS,
    'np.yaml': `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - form: [{podSelector: {matchLabels: {app: web}}}]\n`,
  });
  const r = runCli(['reach', d, '--no-settings']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(`error: ${join(d, 'np.yaml')}:7: NetworkPolicy shop/db: spec.ingress[0].form: unknown field "form" (did you mean "from"?): the API server rejects the object`), r.stderr);
  assert.match(r.stderr, /NetworkPolicy shop\/db is invalid \(the API server would reject it\): skipped, so its rules are not in the results/);
});

test('cli: a Cilium policy is reported with the pods it selects, and never read as a NetworkPolicy', () => {
  const d = dir('cilium', {
    'pods.yaml': PODS,
    'cnp.yaml': `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: db-deny, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {"k8s:app": db}}\n  ingressDeny: [{fromEndpoints: [{}]}]\n`,
  });
  const r = runCli(['reach', d, '--no-settings', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*cnp\.yaml:1: CiliumNetworkPolicy shop\/db-deny \(cilium\.io\/v2\) is not evaluated: .*; it applies to shop\/db; the connectivity shown ignores it/);
});

test('cli: kube-prometheus custom resources give the pods its policies select; a settings file declares more', () => {
  const d = dir('monitoring', {
    'prometheus.yaml': `apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\nspec: {replicas: 2}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: prometheus-k8s, namespace: monitoring}\nspec:\n  podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}\n  ingress: [{ports: [{port: web}]}]\n`,
    'cache.yaml': `apiVersion: example.com/v1\nkind: Cache\nmetadata: {name: c1, namespace: monitoring}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cache, namespace: monitoring}\nspec: {podSelector: {matchLabels: {app: cache}}}\n`,
  });
  const audit = runCli(['audit', d, '--no-settings', '--no-intent', '-o', 'json']);
  const findings = (JSON.parse(audit.stdout) as { findings: Array<{ check: string; message: string }> }).findings.filter((f) => f.check === 'policy-selects-nothing');
  assert.equal(findings.length, 1, JSON.stringify(findings));
  assert.match(findings[0]!.message, /NetworkPolicy monitoring\/cache .*may select pods created by Cache \(example\.com\/v1\) objects/);
  const settings = join(d, 'bulkhead.settings.yaml');
  writeFileSync(settings, 'operators:\n  - apiVersion: example.com/v1\n    kind: Cache\n    podLabels: {app: cache}\n');
  const withSettings = runCli(['audit', d, '--settings', settings, '--no-intent', '-o', 'json']);
  const after = (JSON.parse(withSettings.stdout) as { findings: Array<{ check: string }> }).findings.filter((f) => f.check === 'policy-selects-nothing');
  assert.deepEqual(after, []);
  const reach = runCli(['reach', d, '--settings', settings, '--to', 'monitoring/prometheus-k8s', '-q']);
  assert.match(reach.stdout, /=> monitoring\/prometheus-k8s\[StatefulSet\] : TCP 9090/);
});
