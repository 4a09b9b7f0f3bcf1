import { NIST_SC_7, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';

export default defineCheck({
  meta: {
    id: 'intent-flat-segment',
    category: 'health',
    severity: 'warning',
    requiresIntent: true,
    title: 'Segment reaches almost everything',
    docs: 'docs/checks.md#intent-flat-segment',
    controls: [PCI_1_3_1, SOC2_CC6_6, NIST_SC_7],
    remediation: 'Give the segment a default-deny egress policy and allow only its flows; a segment that reaches almost every other workload is a flat network that calls itself segmented.',
    messages: {
      flat: 'segment {{segment}} reaches {{reaches}} of the {{others}} workloads outside it ({{share}}%, threshold {{threshold}}%): a flat network that calls itself segmented',
    },
  },
  check(ctx) {
    const d = ctx.drift!;
    for (const h of d.health) {
      if (!h.flat) continue;
      ctx.report({
        messageId: 'flat',
        data: { segment: h.segment.name, reaches: h.reaches, others: h.others, share: Math.round(h.share * 100), threshold: Math.round(d.intent.settings.flatThreshold * 100) },
        resource: { kind: 'Segment', name: h.segment.name },
        location: h.segment.source,
      });
    }
  },
});
