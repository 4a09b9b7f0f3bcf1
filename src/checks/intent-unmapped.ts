import { PCI_1_2_1, PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { workloadRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'intent-unmapped',
    category: 'drift',
    severity: 'warning',
    requiresIntent: true,
    title: 'Workload in no segment',
    docs: 'docs/checks.md#intent-unmapped',
    controls: [PCI_1_2_1, PCI_1_2_7],
    remediation: 'Add the workload to a segment in the intent file (by namespace, labels or workload name); until then none of its paths are checked against the flows.',
    messages: {
      unmapped: '{{workload}} belongs to no segment of the intent: its paths are not checked against any flow',
    },
  },
  check(ctx) {
    for (const u of ctx.drift!.unmapped) {
      ctx.report({ messageId: 'unmapped', data: { workload: u.workload.id }, resource: workloadRef(u.workload), ...(u.workload.source ? { location: u.workload.source } : {}) });
    }
  },
});
