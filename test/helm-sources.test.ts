/** `helm template | bulkhead audit -`: each document is attributed to the template named by its `# Source:` comment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitHelmSources } from '../src/sources/helm-sources.js';
import { runCli } from './helpers/run-cli.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
`;
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow, namespace: app}
spec:
  podSelector: {}
  ingress:
    - from: [{podSelector: {}}, {podSelector: {}}]
`;
const HELM = `---\n# Source: shop/templates/deploy.yaml\n${DEPLOY}---\n# Source: shop/templates/policy.yaml\n${POLICY}`;

test('helm sources: split per template, lines as in helm template --show-only, no comment no split', () => {
  const parts = splitHelmSources('<stdin>', HELM);
  assert.deepEqual(parts.map((p) => p.path), ['shop/templates/deploy.yaml', 'shop/templates/policy.yaml']);
  assert.equal(parts[1]!.text.split('\n')[0], '---');
  assert.equal(parts[1]!.text.split('\n')[1], '# Source: shop/templates/policy.yaml');
  assert.deepEqual(splitHelmSources('<stdin>', DEPLOY), [{ path: '<stdin>', text: DEPLOY }]);
  // A document before the first comment stays on stdin; a template rendered twice is one text.
  const mixed = splitHelmSources('<stdin>', `${POLICY}---\n# Source: a.yaml\n${DEPLOY}---\n# Source: b.yaml\n${POLICY}---\n# Source: a.yaml\n${POLICY}`);
  assert.deepEqual(mixed.map((p) => p.path), ['<stdin>', 'a.yaml', 'b.yaml']);
  assert.equal((mixed[1]!.text.match(/^---$/gm) ?? []).length, 2);
  // "# Source:" in the middle of a document is a comment, not a split.
  assert.equal(splitHelmSources('<stdin>', `${DEPLOY}# Source: x.yaml\n`).length, 1);
});

test('helm sources: audit of stdin points at the template, in text, JSON and SARIF', () => {
  const text = runCli(['audit', '-', '--no-intent', '-q'], HELM);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /shop\/templates\/policy\.yaml:9 {2}NetworkPolicy app\/allow/);
  const json = JSON.parse(runCli(['audit', '-', '--no-intent', '-q', '-f', 'json'], HELM).stdout);
  const shadowed = json.findings.find((f: { check: string }) => f.check === 'shadowed-rule');
  assert.deepEqual(shadowed.location, { file: 'shop/templates/policy.yaml', line: 9 });
  const sarif = JSON.parse(runCli(['audit', '-', '--no-intent', '-q', '-f', 'sarif'], HELM).stdout);
  const uris = new Set(sarif.runs[0].results.flatMap((r: { locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => (r.locations ?? []).map((l) => l.physicalLocation.artifactLocation.uri)));
  assert.ok(uris.has('shop/templates/policy.yaml'), [...uris].join(', '));
  assert.ok(![...uris].some((u) => String(u).includes('stdin')));
});
