/** Calico (projectcalico.org/v3 through the Calico API server, crd.projectcalico.org/v1 as stored). */
import type { Labels, Pod } from '../../../inventory/types.js';
import { parseCalicoSelector } from './calico-selector.js';
import { NOTHING, namespaceLabels, selectable, specOf } from './select.js';
import type { KindEntry, SelectContext, Selection } from './types.js';

const GROUPS = ['projectcalico.org', 'crd.projectcalico.org'];
const POLICY = 'may deny or allow traffic (a Calico policy: ordered tiers, Deny and Pass actions)';

/** The labels Calico sees on a pod's endpoint: its own, plus the namespace and orchestrator it adds. */
function endpointLabels(ctx: SelectContext, p: Pod): Labels {
  const ns: Record<string, string> = {};
  for (const [k, v] of Object.entries(namespaceLabels(ctx, p.namespace))) ns[`pcns.${k}`] = v;
  return { ...ns, ...p.labels, 'projectcalico.org/namespace': p.namespace, 'projectcalico.org/orchestrator': 'k8s' };
}

/** Service-account labels are not in the inventory: a selector naming them is not understood. */
const knowable = (k: string): boolean => !k.startsWith('pcsa.') && k !== 'projectcalico.org/serviceaccount';

function calicoPolicy(global: boolean) {
  return (ctx: SelectContext): Selection => {
    const spec = specOf(ctx.obj) ?? {};
    if (spec['serviceAccountSelector'] !== undefined && spec['serviceAccountSelector'] !== '') return 'unknown';
    const selText = spec['selector'] ?? '';
    const nsText = spec['namespaceSelector'] ?? '';
    if (typeof selText !== 'string' || typeof nsText !== 'string') return 'unknown';
    const sel = parseCalicoSelector(selText, knowable);
    const nsSel = global ? parseCalicoSelector(nsText, knowable) : () => true;
    if (!sel || !nsSel) return 'unknown';
    return selectable(ctx).filter(
      (p) =>
        (global || p.namespace === ctx.namespace) &&
        sel(endpointLabels(ctx, p)) &&
        nsSel({ ...namespaceLabels(ctx, p.namespace), 'projectcalico.org/name': p.namespace }),
    );
  };
}

const entry = (kind: string, namespaced: boolean, effect: string, selects: KindEntry['selects']): KindEntry => ({
  kind, groups: GROUPS, role: 'unmodelled', product: 'Calico', namespaced, effect, ...(selects ? { selects } : {}),
});

export const CALICO_KINDS: readonly KindEntry[] = [
  entry('NetworkPolicy', true, POLICY, calicoPolicy(false)),
  entry('GlobalNetworkPolicy', false, POLICY, calicoPolicy(true)),
  entry('NetworkSet', true, 'names addresses that Calico policies allow or deny (selects no pod itself)', NOTHING),
  entry('GlobalNetworkSet', false, 'names addresses that Calico policies allow or deny (selects no pod itself)', NOTHING),
  entry('Tier', false, 'orders Calico policies and sets what happens when none of a tier acts (selects no pod itself)', NOTHING),
  entry('HostEndpoint', false, 'applies Calico policies to a node interface: traffic of host-network pods', (ctx) => ctx.pods.filter((p) => p.hostNetwork)),
  ...['StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy'].map(
    (kind): KindEntry => ({ kind, groups: GROUPS, role: 'irrelevant', product: 'Calico', namespaced: true, why: 'staged: previews a policy without enforcing it' }),
  ),
  ...['IPPool', 'IPReservation', 'BGPConfiguration', 'BGPPeer', 'BGPFilter', 'FelixConfiguration', 'KubeControllersConfiguration',
    'ClusterInformation', 'IPAMBlock', 'IPAMHandle', 'IPAMConfig', 'BlockAffinity', 'CalicoNodeStatus'].map(
    (kind): KindEntry => ({ kind, groups: GROUPS, role: 'irrelevant', product: 'Calico', namespaced: false, why: 'address management, routing and agent configuration' }),
  ),
];
