import { isEmptySelector } from '../inventory/selector.js';
import { CIS_NETPOL_ALL_NAMESPACES, NIST_SC_7_5, PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';

/** The namespace annotation of the NetworkPolicy beta (Kubernetes 1.3-1.6); the API server has ignored it since 1.7. */
export const BETA_ISOLATION_ANNOTATION = 'net.beta.kubernetes.io/network-policy';

export default defineCheck({
  meta: {
    id: 'obsolete-isolation-annotation',
    category: 'hygiene',
    severity: 'warning',
    title: 'Obsolete DefaultDeny namespace annotation',
    docs: 'docs/checks.md#obsolete-isolation-annotation',
    controls: [CIS_NETPOL_ALL_NAMESPACES, PCI_1_2_7, NIST_SC_7_5],
    remediation:
      'Delete the annotation and add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` to the namespace: since Kubernetes 1.7 only policies isolate pods.',
    messages: {
      ignored: 'namespace {{namespace}} has the annotation {{annotation}} ({{value}}), which Kubernetes ignores since 1.7: it isolates nothing, and no policy of the namespace denies ingress by default',
      redundant: 'namespace {{namespace}} has the annotation {{annotation}} ({{value}}), which Kubernetes ignores since 1.7; {{policy}} is what denies ingress by default',
    },
  },
  check(ctx) {
    for (const ns of ctx.inventory.namespaces) {
      const value = ns.annotations?.[BETA_ISOLATION_ANNOTATION];
      if (value === undefined) continue;
      const deny = ctx.inventory.policies.find((p) => p.namespace === ns.name && p.isolates.ingress && isEmptySelector(p.podSelector));
      ctx.report({
        messageId: deny ? 'redundant' : 'ignored',
        data: { namespace: ns.name, annotation: BETA_ISOLATION_ANNOTATION, value: value.length > 60 ? `${value.slice(0, 57)}...` : value, policy: deny?.id ?? '' },
        resource: { kind: 'Namespace', name: ns.name },
        ...(ns.source ? { location: ns.source } : {}),
        ...(deny ? { severity: 'info' as const } : {}),
      });
    }
  },
});
