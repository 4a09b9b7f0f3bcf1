import { isEmptySelector } from '../inventory/selector.js';
import { CIS_NETPOL_ALL_NAMESPACES, HIPAA_TRANSMISSION, NIST_SC_7_5, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { namespaceLocation, namespacesWithPods, objectsByNamespace, sideAllowsAll } from './util.js';

export default defineCheck({
  meta: {
    id: 'missing-default-deny-ingress',
    category: 'hygiene',
    severity: 'warning',
    title: 'Namespace without default-deny ingress',
    docs: 'docs/checks.md#missing-default-deny-ingress',
    controls: [CIS_NETPOL_ALL_NAMESPACES, PCI_1_3_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7_5],
    remediation: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` to the namespace, then allow each needed flow explicitly.',
    messages: {
      missing: 'namespace {{namespace}} has no default-deny ingress policy: {{open}} of {{total}} workload(s) accept connections from anywhere',
      future: 'namespace {{namespace}} has no default-deny ingress policy: each of its {{total}} workload(s) is isolated by a policy of its own, but a workload added to it would accept connections from anywhere',
    },
  },
  check(ctx) {
    const { analysis: a } = ctx;
    for (const ns of namespacesWithPods(a)) {
      const objects = objectsByNamespace(a).get(ns);
      const covered = objects?.policies.some((p) => p.isolates.ingress && isEmptySelector(p.podSelector));
      if (covered) continue;
      const ws = (objects?.workloads ?? []).filter((w) => a.podsOf(w.id).some((p) => !p.hostNetwork));
      // Counted from what the rules allow, not from isolation alone: a pod isolated by an allow-all policy is open.
      const open = ws.filter((w) => a.classesOf(w.id).some((c) => sideAllowsAll(a, 'ingress', c))).length;
      const loc = namespaceLocation(a, ns);
      ctx.report({
        messageId: open > 0 ? 'missing' : 'future',
        data: { namespace: ns, open, total: ws.length },
        ...(open > 0 ? {} : { severity: 'info' as const }),
        resource: { kind: 'Namespace', name: ns },
        ...(loc ? { location: loc } : {}),
        namespaces: [ns],
      });
    }
  },
});
