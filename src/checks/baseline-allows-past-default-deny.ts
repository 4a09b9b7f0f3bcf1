import type { Direction, NetworkPolicy } from '../inventory/types.js';
import { isEmptySelector } from '../inventory/selector.js';
import { CIS_NETPOL_ALL_NAMESPACES, PCI_1_2_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { adminPolicyRef, adminRuleName } from './admin-util.js';
import type { CompiledAdminRule } from '../engine/tiers/k8s-admin/index.js';

function isDefaultDeny(p: NetworkPolicy, d: Direction): boolean {
  return isEmptySelector(p.podSelector) && p.isolates[d] && p[d].length === 0;
}

/**
 * A namespace closed by a default deny in one direction only: the other direction is decided by the baseline
 * tier, whose Allow then opens what the namespace's owners meant to close (a NetworkPolicy that isolates the
 * direction would take the decision away from the baseline).
 */
export default defineCheck({
  meta: {
    id: 'baseline-allows-past-default-deny',
    category: 'hygiene',
    severity: 'warning',
    title: 'Baseline Allow opens a default-deny namespace',
    docs: 'docs/checks.md#baseline-allows-past-default-deny',
    controls: [CIS_NETPOL_ALL_NAMESPACES, PCI_1_2_1, SOC2_CC6_6],
    remediation: 'Add the default deny for the other direction too (policyTypes: [Ingress, Egress]), so NetworkPolicy decides both and the baseline no longer applies; or narrow the baseline rule.',
    messages: {
      opens: 'namespace {{namespace}} has a default deny for {{closed}} only ({{policy}}); its {{direction}} is left to the baseline tier, where {{rule}} allows it for {{count}} workload(s) ({{workloads}})',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const t = a.tiers?.baseline;
    if (!t || t.empty) return;
    const byNs = new Map<string, number[]>();
    for (const c of a.layer.classes) if (!c.hostNetwork) byNs.set(c.namespace, [...(byNs.get(c.namespace) ?? []), c.index]);
    for (const [ns, classes] of byNs) {
      const policies = ctx.inventory.policies.filter((p) => p.namespace === ns);
      for (const direction of ['ingress', 'egress'] as const) {
        const other: Direction = direction === 'ingress' ? 'egress' : 'ingress';
        const deny = policies.find((p) => isDefaultDeny(p, other));
        if (!deny || policies.some((p) => isDefaultDeny(p, direction))) continue;
        const byRule = new Map<CompiledAdminRule, Set<string>>();
        for (const c of classes) {
          if (a.layer.isolated(direction, c)) continue;
          for (const r of t.classRules[direction][c]!) {
            if (r.rule.action !== 'accept') continue;
            let s = byRule.get(r);
            if (!s) byRule.set(r, (s = new Set()));
            for (const p of a.layer.classes[c]!.pods) s.add(p.workload);
          }
        }
        for (const [r, ws] of byRule) {
          const workloads = [...ws].sort();
          ctx.report({
            messageId: 'opens',
            data: { namespace: ns, closed: other, policy: deny.id, direction, rule: adminRuleName(r), count: workloads.length, workloads: workloads.slice(0, 3).join(', ') + (workloads.length > 3 ? ` and ${workloads.length - 3} more` : '') },
            resource: adminPolicyRef(r),
            location: r.rule.source,
            key: `${ns}#${direction}${r.rule.index}`,
            namespaces: [ns],
            related: [{ message: `default deny ${deny.id}`, location: deny.source }],
          });
        }
      }
    }
  },
});
