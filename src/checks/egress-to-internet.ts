import { NIST_SC_7, PCI_1_3_2, PCI_1_4_1, SOC2_CC6_6 } from './controls.js';
import { describePorts } from './allow-all-ingress.js';
import { defineCheck } from './types.js';
import { policyRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'egress-to-internet',
    category: 'hygiene',
    severity: 'warning',
    title: 'Egress to 0.0.0.0/0',
    docs: 'docs/checks.md#egress-to-internet',
    controls: [PCI_1_3_2, PCI_1_4_1, SOC2_CC6_6, NIST_SC_7],
    remediation: 'Allow only the addresses the workload needs (the partner\'s CIDR, an egress gateway or proxy) instead of the whole internet.',
    messages: {
      block: 'egress rule #{{rule}} of {{policy}} allows {{cidr}}{{except}} on {{ports}}: the selected pods may reach any address on the internet',
      any: 'egress rule #{{rule}} of {{policy}} has no `to`: the selected pods may reach any address on {{ports}}',
    },
  },
  check(ctx) {
    for (const r of ctx.analysis.layer.rules) {
      if (r.direction !== 'egress') continue;
      const ports = describePorts(r.rule.ports);
      const base = { rule: r.rule.index + 1, policy: r.policy.id, ports };
      if (r.allPeers) {
        // A rule with neither `to` nor `ports` is allow-all-egress's finding.
        if (r.rule.ports !== null) ctx.report({ messageId: 'any', data: base, resource: policyRef(r.policy), location: r.rule.source, key: `egress${r.rule.index}` });
        continue;
      }
      r.ipBlocks.forEach((b, i) => {
        if (b.cidr.prefix !== 0) return;
        ctx.report({
          messageId: 'block',
          data: { ...base, cidr: b.cidrText, except: b.exceptText.length ? ` (except ${b.exceptText.join(', ')})` : '' },
          resource: policyRef(r.policy),
          location: b.source,
          key: `egress${r.rule.index}.${i}`,
        });
      });
    }
  },
});
