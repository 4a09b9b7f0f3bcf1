import { NIST_SC_7, PCI_1_3_1, PCI_1_4_2, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { policyRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'allow-all-ingress',
    category: 'hygiene',
    severity: 'warning',
    title: 'Ingress rule admits every source',
    docs: 'docs/checks.md#allow-all-ingress',
    controls: [PCI_1_3_1, PCI_1_4_2, SOC2_CC6_6, NIST_SC_7],
    remediation: 'Name the sources in `from` (podSelector, namespaceSelector, or ipBlock for the load balancer\'s range); a rule without `from` admits every pod and every address.',
    messages: {
      all: 'ingress rule #{{rule}} of {{policy}} has no `from` and no `ports`: it admits every connection from anywhere, in and outside the cluster',
      ports: 'ingress rule #{{rule}} of {{policy}} has no `from`: it admits {{ports}} from anywhere, in and outside the cluster',
    },
  },
  check(ctx) {
    for (const r of ctx.analysis.layer.rules) {
      if (r.direction !== 'ingress' || !r.allPeers) continue;
      const all = r.rule.ports === null;
      ctx.report({
        messageId: all ? 'all' : 'ports',
        data: { rule: r.rule.index + 1, policy: r.policy.id, ports: describePorts(r.rule.ports) },
        resource: policyRef(r.policy),
        location: r.rule.source,
        key: `ingress${r.rule.index}`,
        ...(all ? {} : { severity: 'info' as const }),
      });
    }
  },
});

/** "TCP 443, TCP http" as written. */
export function describePorts(ports: readonly { protocol: string; port?: number | string; endPort?: number }[] | null): string {
  if (ports === null) return 'every port';
  return ports.map((p) => `${p.protocol} ${p.port === undefined ? 'all ports' : `${p.port}${p.endPort ? `-${p.endPort}` : ''}`}`).join(', ');
}
