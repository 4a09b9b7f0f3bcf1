// SelectorIndex's inverted indexes against plain filtering: namespacesMatching, classesMatching and
// classesAcross give exactly what matchesSelector over every namespace and class gives, in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SelectorIndex } from '../src/engine/k8s/selector-index.js';
import type { PodClass } from '../src/engine/k8s/pod-classes.js';
import type { LabelSelector, Labels, Namespace } from '../src/inventory/types.js';
import { matchesSelector } from '../src/inventory/selector.js';

const KEYS = ['a', 'b', 'c'];
const VALUES = ['1', '2', '3'];
const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  matchExpressions: fc.array(
    fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist') as fc.Arbitrary<'In'>, values: fc.uniqueArray(fc.constantFrom(...VALUES), { maxLength: 3 }) }),
    { maxLength: 2 },
  ),
});
const NS = ['n0', 'n1', 'n2', 'n3', 'n4'];

const caseArb = fc.record({
  nsLabels: fc.array(labelsArb, { minLength: NS.length, maxLength: NS.length }),
  declared: fc.array(fc.boolean(), { minLength: NS.length, maxLength: NS.length }),
  classes: fc.array(fc.record({ ns: fc.constantFrom(...NS), labels: labelsArb, hostNetwork: fc.boolean() }), { maxLength: 12 }),
  selectors: fc.array(fc.tuple(selectorArb, fc.option(selectorArb)), { minLength: 1, maxLength: 4 }),
});

test('SelectorIndex look-ups equal filtering every namespace and class', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const namespaces: Namespace[] = NS.flatMap((name, i) => (c.declared[i] ? [{ name, labels: c.nsLabels[i]!, declared: true }] : []));
      const classes = c.classes.map((x, index) => ({ index, namespace: x.ns, labels: x.labels, ports: [], hostNetwork: x.hostNetwork, ipBlocks: [], pods: [] }) as PodClass);
      const ix = new SelectorIndex(classes, namespaces);
      const nsLabels = (ns: string): Labels => namespaces.find((n) => n.name === ns)?.labels ?? {};
      // Namespaces in the order their first selectable class comes.
      const withClasses = [...new Set(classes.filter((k) => !k.hostNetwork).map((k) => k.namespace))];
      // Twice: the second time from the caches.
      for (let round = 0; round < 2; round++) {
        for (const [nsSel, podSel] of c.selectors) {
          const nss = withClasses.filter((ns) => matchesSelector(nsSel, nsLabels(ns)));
          assert.deepEqual(ix.namespacesMatching(nsSel), nss);
          const inNs = (ns: string): number[] => classes.filter((k) => !k.hostNetwork && k.namespace === ns && (podSel === null || matchesSelector(podSel, k.labels))).map((k) => k.index);
          for (const ns of NS) assert.deepEqual([...ix.classesMatching(ns, podSel)], inNs(ns));
          assert.deepEqual([...ix.classesAcross(nsSel, podSel)], nss.flatMap(inNs).sort((a, b) => a - b));
        }
      }
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 424242), numRuns: Math.max(1, Math.round(1500 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
