import { HIPAA_TRANSMISSION, NIST_SC_7, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { blameReport, describePairs, groupByBlame } from './util.js';

export default defineCheck({
  meta: {
    id: 'intent-never',
    category: 'invariant',
    severity: 'error',
    requiresIntent: true,
    title: 'Path that an invariant forbids',
    docs: 'docs/checks.md#intent-never',
    controls: [PCI_1_3_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7],
    remediation: 'Close the path at the rule named: a `never` invariant holds whatever the flows say (typically dev never reaches prod).',
    messages: {
      never: '{{from}} must never reach {{to}}, yet these paths are open: {{paths}}; opened by {{why}}',
    },
  },
  check(ctx) {
    const breaches = ctx.drift!.breaches.filter((b) => b.invariant.kind === 'never');
    for (const g of groupByBlame(ctx.analysis, breaches, (b) => `${b.invariant.source.line}`, ctx.evidenceLimit)) {
      const inv = g.bundles[0]!.invariant;
      if (inv.kind !== 'never') continue;
      ctx.report({
        messageId: 'never',
        data: { from: inv.from.join(', '), to: inv.to.join(', '), paths: describePairs(g), why: g.blame.why },
        ...blameReport(g.blame, g),
        key: `never:${inv.from.join(',')}>${inv.to.join(',')}`,
        related: [{ message: 'the invariant', location: inv.source }],
      });
    }
  },
});
