import { CIS_NETPOL_ALL_NAMESPACES, NIST_SC_7_5, PCI_1_3_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { selectableWorkloads, workloadRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'unselected-pods',
    category: 'hygiene',
    severity: 'warning',
    title: 'Pods no policy selects',
    docs: 'docs/checks.md#unselected-pods',
    controls: [CIS_NETPOL_ALL_NAMESPACES, PCI_1_3_1, SOC2_CC6_6, NIST_SC_7_5],
    remediation: 'Select the workload\'s pods with a NetworkPolicy (a namespace default-deny selects them all), so that only the connections it needs are allowed.',
    messages: {
      unselected: '{{workload}} is selected by no NetworkPolicy: all ingress and egress allowed',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    for (const { workload, classes } of selectableWorkloads(a)) {
      if (classes.some((c) => a.layer.isolated('ingress', c) || a.layer.isolated('egress', c))) continue;
      // Admin or baseline rules apply to it: not "everything allowed" (admin-pass-to-baseline covers Passes).
      if (classes.some((c) => a.tiers?.touches('ingress', c) || a.tiers?.touches('egress', c))) continue;
      ctx.report({ messageId: 'unselected', data: { workload: workload.id }, resource: workloadRef(workload), ...(workload.source ? { location: workload.source } : {}) });
    }
  },
});
