import { NIST_SC_7_5, PCI_1_2_5, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { blameReport, describePairs, groupByBlame } from './util.js';

export default defineCheck({
  meta: {
    id: 'intent-overbroad',
    category: 'drift',
    severity: 'warning',
    requiresIntent: true,
    title: 'Path open on more ports than its flow allows',
    docs: 'docs/checks.md#intent-overbroad',
    controls: [PCI_1_2_5, PCI_1_3_1, SOC2_CC6_6, NIST_SC_7_5],
    remediation: 'List only the flow\'s ports in the rule named (a rule without `ports` opens every port), or widen the flow in the intent file if the extra ports are meant.',
    messages: {
      wider: '{{from}} => {{to}} is open on {{extra}} beyond flow #{{flow}} ({{intended}}): {{paths}}; opened by {{why}}',
    },
  },
  check(ctx) {
    const d = ctx.drift!;
    for (const g of groupByBlame(ctx.analysis, d.overbroad, (b) => `${b.srcSegment}>${b.dstSegment}`, ctx.evidenceLimit)) {
      const b = g.bundles[0]!;
      ctx.report({
        messageId: 'wider',
        data: {
          from: b.srcSegment,
          to: b.dstSegment,
          extra: g.ports.toString(),
          flow: b.flows.map((f) => f.index).join(', #'),
          intended: b.intended.toString(),
          paths: describePairs(g),
          why: g.blame.why,
        },
        ...blameReport(g.blame, g),
        key: `${b.srcSegment}>${b.dstSegment}`,
        related: b.flows.map((f) => ({ message: `flow #${f.index}: ${f.from.join(', ')} => ${f.to.join(', ')} on ${f.ports.toString()}`, location: f.source })),
      });
    }
  },
});
