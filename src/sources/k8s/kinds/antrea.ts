/** Antrea (crd.antrea.io): its policies name the pods they apply to in `appliedTo`, at the policy or the rule. */
import { isObj, type Obj } from '../fields.js';
import { NOTHING, podsMatching, readLabelSelector, union } from './select.js';
import type { KindEntry, SelectContext, Selection } from './types.js';

function appliedTo(ctx: SelectContext, peer: Obj, clusterwide: boolean): Selection {
  const known = new Set(['podSelector', 'namespaceSelector']);
  if (Object.keys(peer).some((k) => !known.has(k))) return 'unknown'; // groups, service accounts, services, nodes
  const pod = readLabelSelector(peer['podSelector']);
  const ns = readLabelSelector(peer['namespaceSelector']);
  if (pod === undefined || ns === undefined) return 'unknown';
  if (!clusterwide) return podsMatching(ctx, { ...(ctx.namespace !== undefined ? { ns: ctx.namespace } : {}), podSel: pod ?? { matchLabels: {}, matchExpressions: [] } });
  return podsMatching(ctx, { nsSel: ns, podSel: pod });
}

function antreaPolicy(clusterwide: boolean) {
  return (ctx: SelectContext): Selection => {
    const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : undefined;
    if (!spec) return 'unknown';
    const lists: unknown[] = [];
    if (Array.isArray(spec['appliedTo'])) lists.push(...spec['appliedTo']);
    else for (const dir of ['ingress', 'egress']) for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) if (isObj(rule) && Array.isArray(rule['appliedTo'])) lists.push(...rule['appliedTo']);
    if (lists.length === 0) return 'unknown';
    return union(lists.map((p) => (isObj(p) ? appliedTo(ctx, p, clusterwide) : 'unknown')));
  };
}

const GROUPS = ['crd.antrea.io'];
const POLICY = 'may drop, reject, allow or pass traffic (an Antrea policy, in tiers ahead of NetworkPolicy)';

export const ANTREA_KINDS: readonly KindEntry[] = [
  { kind: 'NetworkPolicy', groups: GROUPS, role: 'unmodelled', product: 'Antrea', namespaced: true, effect: POLICY, selects: antreaPolicy(false) },
  { kind: 'ClusterNetworkPolicy', groups: GROUPS, role: 'unmodelled', product: 'Antrea', namespaced: false, effect: POLICY, selects: antreaPolicy(true) },
  { kind: 'Tier', groups: GROUPS, role: 'unmodelled', product: 'Antrea', namespaced: false, effect: 'orders Antrea policies (selects no pod itself)', selects: NOTHING },
  { kind: 'ClusterGroup', groups: GROUPS, role: 'unmodelled', product: 'Antrea', namespaced: false, effect: 'defines a group of endpoints Antrea policies name (selects no pod itself)', selects: NOTHING },
  { kind: 'Group', groups: GROUPS, role: 'unmodelled', product: 'Antrea', namespaced: true, effect: 'defines a group of endpoints Antrea policies name (selects no pod itself)', selects: NOTHING },
];
