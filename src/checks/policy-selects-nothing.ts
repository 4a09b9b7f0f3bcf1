import { matchesSelector, formatSelector } from '../inventory/selector.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { classesByNamespace, policyRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'policy-selects-nothing',
    category: 'hygiene',
    severity: 'warning',
    title: 'Policy selects no pod',
    docs: 'docs/checks.md#policy-selects-nothing',
    controls: [PCI_1_2_7],
    remediation: 'Fix the podSelector (a label typo makes the policy protect nothing) or delete the stale policy.',
    messages: {
      nothing: 'NetworkPolicy {{policy}} selects no pod: its podSelector ({{selector}}) matches nothing in namespace {{namespace}}',
    },
  },
  check(ctx) {
    const layer = ctx.analysis.layer;
    const byNs = classesByNamespace(ctx.analysis);
    for (const p of ctx.inventory.policies) {
      const any = (byNs.get(p.namespace) ?? []).some((c) => matchesSelector(p.podSelector, layer.classes[c]!.labels));
      if (any) continue;
      ctx.report({ messageId: 'nothing', data: { policy: p.id, selector: formatSelector(p.podSelector), namespace: p.namespace }, resource: policyRef(p), location: p.source });
    }
  },
});
