import { HIPAA_TRANSMISSION, NIST_SC_7, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { blameReport, describePairs, groupByBlame } from './util.js';

export default defineCheck({
  meta: {
    id: 'intent-isolated',
    category: 'invariant',
    severity: 'error',
    requiresIntent: true,
    title: 'Isolated groups reach each other',
    docs: 'docs/checks.md#intent-isolated',
    controls: [PCI_1_3_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7],
    remediation: 'Restrict the rule named to its own group (add the isolation label to its peers\' selectors, or a namespaceSelector for the group\'s namespaces).',
    messages: {
      label: '{{key}}={{a}} reaches {{key}}={{b}}, which the isolation invariant forbids: {{paths}}; opened by {{why}}',
      segments: 'segment {{a}} reaches segment {{b}}, which the isolation invariant forbids: {{paths}}; opened by {{why}}',
    },
  },
  check(ctx) {
    const breaches = ctx.drift!.breaches.filter((b) => b.invariant.kind === 'isolated');
    for (const g of groupByBlame(ctx.analysis, breaches, (b) => `${b.invariant.source.line}:${b.values?.join('>')}`, ctx.evidenceLimit)) {
      const b = g.bundles[0]!;
      const inv = b.invariant;
      if (inv.kind !== 'isolated') continue;
      const [x, y] = b.values ?? ['', ''];
      ctx.report({
        messageId: inv.segments ? 'segments' : 'label',
        data: { key: inv.label ?? '', a: x, b: y, paths: describePairs(g), why: g.blame.why },
        ...blameReport(g.blame, g),
        key: `isolated:${inv.label ?? inv.segments?.join(',')}:${x}>${y}`,
        related: [{ message: 'the invariant', location: inv.source }],
      });
    }
  },
});
