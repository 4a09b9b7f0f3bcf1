import { PCI_1_2_1, PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { adminPolicyRef, adminRuleName } from './admin-util.js';
import type { CompiledAdminRule } from '../engine/tiers/k8s-admin/index.js';

/**
 * An intended flow that an admin-tier Deny (or a baseline Deny) blocks: NetworkPolicy cannot reopen it,
 * since the admin tier decides first. Names the rule to change, which intent-broken-flow cannot.
 */
export default defineCheck({
  meta: {
    id: 'admin-deny-breaks-flow',
    category: 'drift',
    severity: 'error',
    requiresIntent: true,
    title: 'Admin Deny blocks an intended flow',
    docs: 'docs/checks.md#admin-deny-breaks-flow',
    controls: [PCI_1_2_1, PCI_1_2_7],
    remediation: 'Add an Allow (or Pass) rule for the flow above the Deny in the admin policy, or with a lower priority number in another one; a NetworkPolicy cannot allow what the admin tier denies.',
    messages: {
      denied: 'flow #{{flow}} {{from}} => {{to}} on {{missing}} is denied by {{rule}} ({{src}} => {{dst}}): no NetworkPolicy can allow it',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const tiers = a.tiers;
    if (!tiers) return;
    for (const b of ctx.drift!.broken) {
      if (b.reason !== 'blocked' || !b.pair) continue;
      const { src, dst } = b.pair;
      const found: { rule: CompiledAdminRule; ports: string }[] = [];
      const look = (dir: 'egress' | 'ingress'): void => {
        const self = dir === 'egress' ? src.target : dst.target;
        const other = dir === 'egress' ? dst.target : src.target;
        if (self.kind !== 'class') return;
        const isolated = a.layer.isolated(dir, self.index);
        for (const t of [tiers.admin, tiers.baseline]) {
          if (t === tiers.baseline && isolated) continue;
          for (const st of t.decide(dir, self.index, other).steps) {
            const hit = st.ports.intersect(b.missing);
            if (st.rule.rule.action === 'deny' && !hit.isEmpty()) found.push({ rule: st.rule, ports: hit.toString() });
          }
        }
      };
      look('egress');
      look('ingress');
      for (const f of found) {
        ctx.report({
          messageId: 'denied',
          data: { flow: b.flow.index, from: b.from, to: b.to, missing: f.ports, rule: adminRuleName(f.rule), src: src.id, dst: dst.id },
          resource: adminPolicyRef(f.rule),
          location: f.rule.rule.source,
          key: `${b.flow.index}:${b.from}>${b.to}:${f.rule.direction}${f.rule.rule.index}`,
          related: [{ message: `flow #${b.flow.index} in the intent`, location: b.flow.source }],
        });
      }
    }
  },
});
