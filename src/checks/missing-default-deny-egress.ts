import { isEmptySelector } from '../inventory/selector.js';
import { CIS_NETPOL_ALL_NAMESPACES, HIPAA_TRANSMISSION, NIST_SC_7_5, PCI_1_3_2, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { namespaceLocation, namespacesWithPods, objectsByNamespace, sideAllowsAll } from './util.js';

export default defineCheck({
  meta: {
    id: 'missing-default-deny-egress',
    category: 'hygiene',
    severity: 'info',
    title: 'Namespace without default-deny egress',
    docs: 'docs/checks.md#missing-default-deny-egress',
    controls: [CIS_NETPOL_ALL_NAMESPACES, PCI_1_3_2, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7_5],
    remediation: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]` to the namespace, then allow each needed flow explicitly.',
    messages: {
      missing: 'namespace {{namespace}} has no default-deny egress policy: {{open}} of {{total}} workload(s) may connect anywhere',
      future: 'namespace {{namespace}} has no default-deny egress policy: each of its {{total}} workload(s) is isolated by a policy of its own, but a workload added to it would connect anywhere',
    },
  },
  check(ctx) {
    const { analysis: a } = ctx;
    for (const ns of namespacesWithPods(a)) {
      const objects = objectsByNamespace(a).get(ns);
      const covered = objects?.policies.some((p) => p.isolates.egress && isEmptySelector(p.podSelector));
      if (covered) continue;
      const ws = (objects?.workloads ?? []).filter((w) => a.podsOf(w.id).some((p) => !p.hostNetwork));
      // Counted from what the rules allow, not from isolation alone: a pod isolated by an allow-all policy is open.
      const open = ws.filter((w) => a.classesOf(w.id).some((c) => sideAllowsAll(a, 'egress', c))).length;
      const loc = namespaceLocation(a, ns);
      ctx.report({
        messageId: open > 0 ? 'missing' : 'future',
        data: { namespace: ns, open, total: ws.length },
        resource: { kind: 'Namespace', name: ns },
        ...(loc ? { location: loc } : {}),
        namespaces: [ns],
      });
    }
  },
});
