import { NIST_SC_7, PCI_1_2_1 } from './controls.js';
import { defineCheck } from './types.js';
import { adminPolicyRef, adminRuleName } from './admin-util.js';

/**
 * An admin Pass hands the decision to NetworkPolicy; for pods no NetworkPolicy isolates in that direction it
 * falls through to the baseline tier and then to the default, allow: the Pass then means allow.
 */
export default defineCheck({
  meta: {
    id: 'admin-pass-to-baseline',
    category: 'hygiene',
    severity: 'warning',
    title: 'Admin Pass with no NetworkPolicy below it',
    docs: 'docs/checks.md#admin-pass-to-baseline',
    controls: [PCI_1_2_1, NIST_SC_7],
    remediation: 'Give the namespaces a NetworkPolicy that isolates that direction (a default deny plus the flows they need), or make the admin rule Allow or Deny if that is what is meant; a Pass decides nothing by itself.',
    messages: {
      pass: '{{rule}} passes to NetworkPolicy, but no NetworkPolicy isolates the {{direction}} of {{count}} workload(s) it applies to ({{workloads}}): their traffic falls to {{below}}',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const tiers = a.tiers;
    if (!tiers) return;
    for (const r of tiers.admin.rules) {
      if (r.rule.action !== 'pass') continue;
      const open = (tiers.admin.subjects.get(r.policy) ?? []).filter((c) => !a.layer.isolated(r.direction, c));
      if (open.length === 0) continue;
      const workloads = [...new Set(open.flatMap((c) => a.layer.classes[c]!.pods.map((p) => p.workload)))].sort();
      const baseline = tiers.baseline.rules.some((b) => b.direction === r.direction && open.some((c) => tiers.baseline.classRules[r.direction][c]!.includes(b)));
      ctx.report({
        messageId: 'pass',
        data: {
          rule: adminRuleName(r),
          direction: r.direction,
          count: workloads.length,
          workloads: workloads.slice(0, 3).join(', ') + (workloads.length > 3 ? ` and ${workloads.length - 3} more` : ''),
          below: baseline ? 'the baseline tier, then the default (allow)' : 'the default (allow)',
        },
        resource: adminPolicyRef(r),
        location: r.rule.source,
        key: `${r.direction}${r.rule.index}`,
      });
    }
  },
});
