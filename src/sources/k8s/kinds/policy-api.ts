/** sig-network-policy-api: AdminNetworkPolicy, BaselineAdminNetworkPolicy and their successor ClusterNetworkPolicy. */
import { isObj } from '../fields.js';
import { podsMatching, readLabelSelector } from './select.js';
import type { KindEntry, SelectContext, Selection } from './types.js';

/** `spec.subject`: `namespaces` (a namespace selector) or `pods` (namespaceSelector and podSelector). */
function subject(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : undefined;
  const s = spec && isObj(spec['subject']) ? spec['subject'] : undefined;
  if (!s) return 'unknown';
  if (s['namespaces'] !== undefined) {
    const ns = readLabelSelector(s['namespaces']);
    return ns ? podsMatching(ctx, { nsSel: ns }) : 'unknown';
  }
  if (isObj(s['pods'])) {
    const ns = readLabelSelector(s['pods']['namespaceSelector']);
    const pod = readLabelSelector(s['pods']['podSelector']);
    return ns && pod ? podsMatching(ctx, { nsSel: ns, podSel: pod }) : 'unknown';
  }
  return 'unknown';
}

const GROUPS = ['policy.networking.k8s.io'];
const entry = (kind: string, effect: string): KindEntry => ({
  kind, groups: GROUPS, role: 'unmodelled', product: 'Kubernetes network-policy-api', namespaced: false, effect, selects: subject,
});

export const POLICY_API_KINDS: readonly KindEntry[] = [
  entry('AdminNetworkPolicy', 'may deny, allow or pass traffic before any NetworkPolicy (admin tier)'),
  entry('BaselineAdminNetworkPolicy', 'may deny or allow traffic that no NetworkPolicy decides (baseline tier)'),
  entry('ClusterNetworkPolicy', 'may deny, accept or pass traffic in the Admin or Baseline tier around NetworkPolicy'),
];
