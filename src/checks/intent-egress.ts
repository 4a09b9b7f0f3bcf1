import { HIPAA_TRANSMISSION, NIST_SC_7, PCI_1_3_2, PCI_1_4_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { blameReport, describePairs, groupByBlame } from './util.js';

export default defineCheck({
  meta: {
    id: 'intent-egress',
    category: 'invariant',
    severity: 'error',
    requiresIntent: true,
    title: 'Egress outside the allowlist',
    docs: 'docs/checks.md#intent-egress',
    controls: [PCI_1_3_2, PCI_1_4_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7],
    remediation: 'Isolate the segment\'s egress and allow only the listed destinations (ipBlock rules for the allowed CIDRs, plus DNS).',
    messages: {
      egress: '{{from}} may reach outside the cluster only {{allow}}, yet these paths are open: {{paths}}; opened by {{why}}',
    },
  },
  check(ctx) {
    const breaches = ctx.drift!.breaches.filter((b) => b.invariant.kind === 'egress');
    for (const g of groupByBlame(ctx.analysis, breaches, (b) => `${b.invariant.source.line}`, ctx.evidenceLimit)) {
      const inv = g.bundles[0]!.invariant;
      if (inv.kind !== 'egress') continue;
      const allow = [...inv.allowSegments, ...inv.allowCidrs.map((c) => c.text)];
      ctx.report({
        messageId: 'egress',
        data: { from: inv.from.join(', '), allow: allow.length ? allow.join(', ') : 'nothing', paths: describePairs(g), why: g.blame.why },
        ...blameReport(g.blame, g),
        key: `egress:${inv.from.join(',')}`,
        related: [{ message: 'the invariant', location: inv.source }],
      });
    }
  },
});
