import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';

export default defineCheck({
  meta: {
    id: 'intent-empty-segment',
    category: 'drift',
    severity: 'info',
    requiresIntent: true,
    title: 'Segment matches nothing',
    docs: 'docs/checks.md#intent-empty-segment',
    controls: [PCI_1_2_7],
    remediation: 'Check the segment\'s namespace, labels and workload names against the manifests (a typo makes every flow and invariant naming it vacuous), or remove it.',
    messages: {
      empty: 'segment {{segment}} matches no workload and no outside address: flows and invariants naming it check nothing',
    },
  },
  check(ctx) {
    for (const s of ctx.drift!.emptySegments) {
      ctx.report({ messageId: 'empty', data: { segment: s.name }, resource: { kind: 'Segment', name: s.name }, location: s.source });
    }
  },
});
