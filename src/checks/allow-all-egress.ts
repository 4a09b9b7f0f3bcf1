import { NIST_SC_7, PCI_1_3_2, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { policyRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'allow-all-egress',
    category: 'hygiene',
    severity: 'warning',
    title: 'Egress rule allows everything',
    docs: 'docs/checks.md#allow-all-egress',
    controls: [PCI_1_3_2, SOC2_CC6_6, NIST_SC_7],
    remediation: 'List the destinations in `to` and the ports in `ports`; an egress rule with neither undoes the egress isolation of every pod the policy selects.',
    messages: {
      all: 'egress rule #{{rule}} of {{policy}} has no `to` and no `ports`: the pods it selects may connect anywhere',
    },
  },
  check(ctx) {
    for (const r of ctx.analysis.layer.rules) {
      if (r.direction !== 'egress' || !r.allPeers || r.rule.ports !== null) continue;
      ctx.report({ messageId: 'all', data: { rule: r.rule.index + 1, policy: r.policy.id }, resource: policyRef(r.policy), location: r.rule.source, key: `egress${r.rule.index}` });
    }
  },
});
