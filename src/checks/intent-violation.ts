import { HIPAA_TRANSMISSION, NIST_SC_7, NIST_SC_7_5, PCI_1_2_5, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { blameReport, describePairs, groupByBlame } from './util.js';

export default defineCheck({
  meta: {
    id: 'intent-violation',
    category: 'drift',
    severity: 'warning',
    requiresIntent: true,
    title: 'Open path that no flow allows',
    docs: 'docs/checks.md#intent-violation',
    controls: [PCI_1_2_5, PCI_1_3_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7, NIST_SC_7_5],
    remediation:
      'Close the path at the rule named (narrow its peers or ports), or add a default-deny policy where none isolates; if the path is meant, add a flow for it to the intent file.',
    messages: {
      open: '{{from}} => {{to}} is open, but no flow allows it: {{paths}}; opened by {{why}}',
    },
  },
  check(ctx) {
    const d = ctx.drift!;
    for (const g of groupByBlame(ctx.analysis, d.violations, (b) => `${b.srcSegment}>${b.dstSegment}`, ctx.evidenceLimit)) {
      const b = g.bundles[0]!;
      ctx.report({
        messageId: 'open',
        data: { from: b.srcSegment, to: b.dstSegment, paths: describePairs(g), why: g.blame.why },
        ...blameReport(g.blame, g),
        key: `${b.srcSegment}>${b.dstSegment}`,
        ...(d.intent.sensitive.has(b.dstSegment) ? { severity: 'error' as const } : {}),
      });
    }
  },
});
