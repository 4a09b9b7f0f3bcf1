import type { Target } from '../engine/index.js';
import type { CompiledAdminRule } from '../engine/tiers/k8s-admin/index.js';
import { NIST_SC_7, PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { adminPolicyRef, adminRuleName } from './admin-util.js';

/**
 * An admin or baseline rule that never decides anything: for every pod it applies to and every peer it
 * matches, rules evaluated before it (higher priority, or earlier in the list) already decided its ports.
 */
export default defineCheck({
  meta: {
    id: 'admin-shadowed-rule',
    category: 'hygiene',
    severity: 'warning',
    title: 'Admin or baseline rule never reached',
    docs: 'docs/checks.md#admin-shadowed-rule',
    controls: [PCI_1_2_7, NIST_SC_7],
    remediation: 'Remove the rule, or move it (lower priority number, or earlier in the list) above the rules that decide its traffic first; admin rules are evaluated by priority, then in written order, and the first match wins.',
    messages: {
      shadowed: '{{rule}} ({{action}}) is never reached: for every pod and peer it matches, {{by}} decide(s) its ports first',
    },
  },
  check(ctx) {
    const tiers = ctx.analysis.tiers;
    if (!tiers) return;
    const blocks = ctx.analysis.externals();
    for (const model of [tiers.admin, tiers.baseline]) {
      for (const r of model.rules) {
        const subjects = model.subjects.get(r.policy) ?? [];
        const peers: Target[] = r.peerList.map((index) => ({ kind: 'class' as const, index }));
        for (const b of blocks) if (model.matches(r, { kind: 'address', range: b.range })) peers.push({ kind: 'address', range: b.range });
        if (subjects.length === 0 || peers.length === 0) continue;
        const by = new Map<CompiledAdminRule, true>();
        let reached = false;
        const seen = new Set<string>();
        outer: for (const s of subjects) {
          // Classes with the same rule list answer alike: one of them speaks for all.
          const key = model.classRules[r.direction][s]!.map((x) => x.order).join(',');
          if (seen.has(key)) continue;
          seen.add(key);
          for (const p of peers) {
            const steps = model.decide(r.direction, s, p).steps;
            if (steps.some((x) => x.rule === r)) {
              reached = true;
              break outer;
            }
            // Named ports resolve on the destination: the subject for ingress, the peer for egress.
            const dst = r.direction === 'ingress' ? s : p.kind === 'class' ? p.index : undefined;
            const mine = model.rulePorts(r, dst);
            for (const x of steps) if (x.rule.order < r.order && !x.ports.intersect(mine).isEmpty()) by.set(x.rule, true);
          }
        }
        if (reached) continue;
        const blamed = [...by.keys()].sort((a, b) => a.order - b.order);
        ctx.report({
          messageId: 'shadowed',
          data: { rule: adminRuleName(r), action: r.rule.action, by: blamed.length ? blamed.map(adminRuleName).join(', ') : 'earlier rules' },
          resource: adminPolicyRef(r),
          location: r.rule.source,
          key: `${r.direction}${r.rule.index}`,
          related: blamed.map((x) => ({ message: adminRuleName(x), location: x.rule.source })),
        });
      }
    }
  },
});
