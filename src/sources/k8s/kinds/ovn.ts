/** OVN-Kubernetes, OpenShift SDN and Multus: egress firewalls, user-defined networks, secondary networks. */
import { isObj } from '../fields.js';
import { podsMatching, podsOfNamespace, readLabelSelector } from './select.js';
import type { KindEntry, SelectContext, Selection } from './types.js';

function cudnNamespaces(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : undefined;
  const ns = spec ? readLabelSelector(spec['namespaceSelector']) : undefined;
  return ns ? podsMatching(ctx, { nsSel: ns }) : 'unknown';
}

function egressIp(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : undefined;
  if (!spec) return 'unknown';
  const ns = readLabelSelector(spec['namespaceSelector']);
  const pod = readLabelSelector(spec['podSelector']);
  return ns === undefined || pod === undefined ? 'unknown' : podsMatching(ctx, { nsSel: ns, podSel: pod });
}

function multiNetworkPolicy(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : undefined;
  const sel = spec ? readLabelSelector(spec['podSelector']) : undefined;
  return sel === undefined ? 'unknown' : podsMatching(ctx, { ...(ctx.namespace !== undefined ? { ns: ctx.namespace } : {}), podSel: sel });
}

const OVN = ['k8s.ovn.org'];

export const OVN_KINDS: readonly KindEntry[] = [
  { kind: 'EgressFirewall', groups: OVN, role: 'unmodelled', product: 'OVN-Kubernetes', namespaced: true, effect: 'may deny egress to addresses outside the cluster for every pod of its namespace', selects: podsOfNamespace },
  { kind: 'EgressNetworkPolicy', groups: ['network.openshift.io'], role: 'unmodelled', product: 'OpenShift SDN', namespaced: true, effect: 'may deny egress to addresses outside the cluster for every pod of its namespace', selects: podsOfNamespace },
  { kind: 'UserDefinedNetwork', groups: OVN, role: 'unmodelled', product: 'OVN-Kubernetes', namespaced: true, effect: 'puts the pods of its namespace on their own network, isolated from others', selects: podsOfNamespace },
  { kind: 'ClusterUserDefinedNetwork', groups: OVN, role: 'unmodelled', product: 'OVN-Kubernetes', namespaced: false, effect: 'puts the pods of the namespaces it selects on their own network, isolated from others', selects: cudnNamespaces },
  { kind: 'EgressIP', groups: OVN, role: 'unmodelled', product: 'OVN-Kubernetes', namespaced: false, effect: 'changes the source address of egress from the pods it selects (ipBlock rules elsewhere see that address)', selects: egressIp },
  { kind: 'AdminPolicyBasedExternalRoute', groups: OVN, role: 'unmodelled', product: 'OVN-Kubernetes', namespaced: false, effect: 'routes egress of pods through external gateways', selects: () => 'unknown' },
  { kind: 'NetworkAttachmentDefinition', groups: ['k8s.cni.cncf.io'], role: 'unmodelled', product: 'Multus', namespaced: true, effect: 'defines a secondary network that pods naming it join (NetworkPolicy does not apply on it)', selects: () => 'unknown' },
  { kind: 'MultiNetworkPolicy', groups: ['k8s.cni.cncf.io'], role: 'unmodelled', product: 'Multus', namespaced: true, effect: 'may deny or allow traffic on secondary networks', selects: multiNetworkPolicy },
  ...['EgressQoS', 'EgressService', 'NetworkQoS', 'RouteAdvertisements'].map(
    (kind): KindEntry => ({ kind, groups: OVN, role: 'irrelevant', product: 'OVN-Kubernetes', namespaced: true, why: 'quality of service and routing, not admission' }),
  ),
  { kind: 'Route', groups: ['route.openshift.io'], role: 'irrelevant', product: 'OpenShift', namespaced: true, why: 'routes traffic to Services; NetworkPolicy still decides what reaches the pods' },
];
