/** Cilium (cilium.io): its policies select endpoints with k8s label selectors whose keys may carry a source prefix. */
import type { Labels, Pod } from '../../../inventory/types.js';
import { matchesSelector } from '../../../inventory/selector.js';
import { isObj, type Obj } from '../fields.js';
import { NOTHING, namespaceLabels, readLabelSelector, selectable, union } from './select.js';
import type { KindEntry, SelectContext, Selection } from './types.js';

const GROUPS = ['cilium.io'];
const NS_LABEL = 'io.kubernetes.pod.namespace';
const NS_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** `k8s:app` and `any:app` are the pod label app; other sources (reserved:, cidr:, fqdn:) are not pods' labels. */
function ciliumKey(k: string): string | undefined {
  const colon = k.indexOf(':');
  const source = colon >= 0 ? k.slice(0, colon) : 'any';
  const key = colon >= 0 ? k.slice(colon + 1) : k;
  if (source !== 'k8s' && source !== 'any') return undefined;
  // Service accounts and cluster names are not in the inventory.
  if (key.startsWith('io.cilium.k8s.policy.')) return undefined;
  return key;
}

/** What Cilium derives for a pod: its labels, its namespace and its namespace's labels. */
function endpointLabels(ctx: SelectContext, p: Pod): Labels {
  const out: Record<string, string> = { ...p.labels, [NS_LABEL]: p.namespace };
  for (const [k, v] of Object.entries(namespaceLabels(ctx, p.namespace))) out[`${NS_LABELS_PREFIX}${k}`] = v;
  return out;
}

function rules(o: Obj): Obj[] {
  const out: Obj[] = [];
  if (isObj(o['spec'])) out.push(o['spec']);
  if (Array.isArray(o['specs'])) out.push(...o['specs'].filter(isObj));
  return out;
}

function ciliumPolicy(clusterwide: boolean) {
  return (ctx: SelectContext): Selection => {
    const parts = rules(ctx.obj).map((rule): Selection => {
      if (rule['nodeSelector'] !== undefined) return ctx.pods.filter((p) => p.hostNetwork); // a host policy: the nodes
      const sel = readLabelSelector(rule['endpointSelector'], ciliumKey);
      if (!sel) return 'unknown';
      return selectable(ctx).filter((p) => (clusterwide || p.namespace === ctx.namespace) && matchesSelector(sel, endpointLabels(ctx, p)));
    });
    return parts.length === 0 ? 'unknown' : union(parts);
  };
}

const POLICY = 'may deny or allow traffic (a Cilium policy: deny rules win over any allow, L7 rules)';

export const CILIUM_KINDS: readonly KindEntry[] = [
  { kind: 'CiliumNetworkPolicy', groups: GROUPS, role: 'unmodelled', product: 'Cilium', namespaced: true, effect: POLICY, selects: ciliumPolicy(false) },
  { kind: 'CiliumClusterwideNetworkPolicy', groups: GROUPS, role: 'unmodelled', product: 'Cilium', namespaced: false, effect: POLICY, selects: ciliumPolicy(true) },
  { kind: 'CiliumCIDRGroup', groups: GROUPS, role: 'unmodelled', product: 'Cilium', namespaced: false, effect: 'names addresses that Cilium policies allow or deny (selects no pod itself)', selects: NOTHING },
  {
    kind: 'CiliumEgressGatewayPolicy', groups: GROUPS, role: 'unmodelled', product: 'Cilium', namespaced: false,
    effect: 'sends the egress of the pods it selects through a gateway node, with that node\'s address',
    selects: (ctx) => {
      const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : {};
      const sels = Array.isArray(spec['selectors']) ? spec['selectors'].filter(isObj) : [];
      if (sels.length === 0) return 'unknown';
      return union(sels.map((s): Selection => {
        const pod = readLabelSelector(s['podSelector'], ciliumKey);
        const ns = readLabelSelector(s['namespaceSelector'], ciliumKey);
        if (pod === undefined || ns === undefined) return 'unknown';
        return selectable(ctx).filter((p) => (!pod || matchesSelector(pod, endpointLabels(ctx, p))) && (!ns || matchesSelector(ns, namespaceLabels(ctx, p.namespace))));
      }));
    },
  },
  ...['CiliumEndpoint', 'CiliumEndpointSlice', 'CiliumIdentity', 'CiliumNode', 'CiliumExternalWorkload', 'CiliumLoadBalancerIPPool',
    'CiliumBGPPeeringPolicy', 'CiliumBGPClusterConfig', 'CiliumBGPPeerConfig', 'CiliumBGPAdvertisement', 'CiliumNodeConfig', 'CiliumL2AnnouncementPolicy', 'CiliumPodIPPool'].map(
    (kind): KindEntry => ({ kind, groups: GROUPS, role: 'irrelevant', product: 'Cilium', namespaced: false, why: 'agent state, addressing and routing' }),
  ),
];
