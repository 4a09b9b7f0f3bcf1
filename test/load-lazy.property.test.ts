// loadFromTexts parses each document as buildInventory reads it (parseDocumentsLazily). The reference
// parses every file first and builds after, as it was done before: same inventory, same diagnostics in
// the same order, on random streams of good, bad and odd documents spread over a few files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { buildInventory } from '../src/sources/k8s/build-inventory.js';
import { parseDocumentsStrict } from '../src/sources/k8s/yaml-documents.js';
import type { Diagnostic } from '../src/inventory/types.js';
import type { InputText } from '../src/sources/input-files.js';

/**
 * The former loadFromTexts: all files parsed (by the full parser alone, which reads every document to the
 * same values and lines, so none of the lazy path is shared), then one build, then diagnostics in reading order.
 */
function eagerLoad(files: readonly InputText[]): { inventory: unknown; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parsed = files.map((f) => {
    diagnostics.push(...(f.diagnostics ?? []));
    return parseDocumentsStrict(f.path, f.text, diagnostics);
  });
  const inventory = buildInventory(parsed, diagnostics);
  const order = new Map(files.map((f, i) => [f.path, i]));
  const keyed = diagnostics.map((d, i) => ({ d, i, f: d.source ? order.get(d.source.file) ?? -1 : Infinity, l: d.source?.line ?? 0 }));
  keyed.sort((a, b) => a.f - b.f || a.l - b.l || a.i - b.i);
  return { inventory, diagnostics: keyed.map((k) => k.d) };
}

const DOCS = [
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    team: x\n',
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: a\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n        ports:\n        - containerPort: 80\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: b\nspec:\n  replicas: 0\n  template:\n    metadata:\n      labels: {app: web, v: 1.10}\n    spec:\n      containers: [{name: c}]\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: a, labels: {app: web}}\nspec:\n  containers: [{name: c, ports: [{containerPort: 8080, name: http}]}]\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: c}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/40}\n',
  'apiVersion: v1\nkind: List\nitems:\n- 3\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: q, namespace: a}\n',
  '{"kind": "List", "apiVersion": "v1", "items": [1, {"kind": "Pod", "metadata": {}}]}\n',
  'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tab\n',
  'kind: Pod\nmetadata: {name: x, namespace: a}\nspec: {containers: [{name: c}]}\nspec: {}\n',
  '- just\n- a list\n',
  'plain scalar\n',
  'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: a}\n',
  'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n',
  'segments: []\n',
  'a: &x [1, 2]\nb: *x\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: "Bad_Name", namespace: a}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: d}\nspec: {hostNetwork: true, containers: [{name: c}]}\n',
  'key: "unterminated\n',
];

const fileArb = fc.array(fc.constantFrom(...DOCS), { maxLength: 8 }).map((docs) => docs.join('---\n'));
const filesArb = fc.array(fileArb, { minLength: 1, maxLength: 3 });

test('loadFromTexts, parsing as it builds, equals parsing every file first (random files)', () => {
  fc.assert(
    fc.property(filesArb, (texts) => {
      const files: InputText[] = texts.map((text, i) => ({ path: `f${i}.yaml`, text }));
      const lazy = loadFromTexts(files);
      const eager = eagerLoad(files);
      assert.deepEqual(lazy.inventory, eager.inventory);
      assert.deepEqual(lazy.diagnostics, eager.diagnostics);
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 515151), numRuns: Math.max(1, Math.round(300 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
