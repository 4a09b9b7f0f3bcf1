import type { NetworkPolicy } from '../inventory/types.js';
import { isEmptySelector } from '../inventory/selector.js';
import { CIS_NETPOL_ALL_NAMESPACES, NIST_SC_7_5, PCI_1_2_1, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { classesByNamespace, policyRef, sideAllowsAll } from './util.js';

/** A namespace-wide policy that isolates a direction and allows nothing in it: a default deny. */
function isDefaultDeny(p: NetworkPolicy, direction: 'ingress' | 'egress'): boolean {
  return isEmptySelector(p.podSelector) && p.isolates[direction] && p[direction].length === 0;
}

/**
 * Policies are additive: a default deny is undone, for every pod some other policy selects, by a rule that
 * allows everything (`ingress: [{}]`, or every namespace plus 0.0.0.0/0 on every port).
 */
export default defineCheck({
  meta: {
    id: 'voided-default-deny',
    category: 'hygiene',
    severity: 'warning',
    title: 'Default deny undone by an allow-all policy',
    docs: 'docs/checks.md#voided-default-deny',
    controls: [CIS_NETPOL_ALL_NAMESPACES, PCI_1_2_1, SOC2_CC6_6, NIST_SC_7_5],
    remediation:
      'Replace the allow-all rule with the sources (or destinations) and ports the pods need; NetworkPolicies add up, so one rule that allows everything cancels the default deny for every pod it selects.',
    messages: {
      ingress: 'default-deny ingress policy {{policy}} is void for {{voided}} of {{total}} workload(s) ({{workloads}}): through {{by}}, every connection from anywhere reaches them',
      egress: 'default-deny egress policy {{policy}} is void for {{voided}} of {{total}} workload(s) ({{workloads}}): through {{by}}, they may connect anywhere',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const byNs = classesByNamespace(a);
    for (const deny of ctx.inventory.policies) {
      for (const direction of ['ingress', 'egress'] as const) {
        if (!isDefaultDeny(deny, direction)) continue;
        const classes = byNs.get(deny.namespace) ?? [];
        const voided = new Set(classes.filter((c) => sideAllowsAll(a, direction, c)));
        if (voided.size === 0) continue;
        const workloads = new Map<string, boolean>();
        for (const c of classes) for (const p of a.layer.classes[c]!.pods) workloads.set(p.workload, (workloads.get(p.workload) ?? false) || voided.has(c));
        const hit = [...workloads].filter(([, v]) => v).map(([w]) => w).sort();
        // Blame the policies with an allow-all rule; when the rules only add up to everything, every policy that allows something.
        const rules = [...voided].flatMap((c) => a.layer.classRules[direction][c]!);
        const allAll = rules.filter((r) => r.allPeers && r.fixedPorts.isAll());
        const blamed = allAll.length > 0 ? allAll : rules;
        const by = [...new Set(blamed.map((r) => r.policy.id))].sort();
        ctx.report({
          messageId: direction,
          data: { policy: deny.id, voided: hit.length, total: workloads.size, workloads: hit.slice(0, 3).join(', ') + (hit.length > 3 ? ` and ${hit.length - 3} more` : ''), by: by.join(', ') },
          resource: policyRef(deny),
          location: deny.source,
          key: direction,
          related: [...new Map(blamed.map((r) => [r.rule.source, r])).values()].map((r) => ({ message: `${direction} rule #${r.rule.index + 1} of ${r.policy.id}`, location: r.rule.source })),
        });
      }
    }
  },
});
