/** sig-network-policy-api: AdminNetworkPolicy, BaselineAdminNetworkPolicy and their successor ClusterNetworkPolicy (modelled: the admin and baseline tiers). */
import type { KindEntry } from './types.js';

const GROUPS = ['policy.networking.k8s.io'];
const entry = (kind: string, versions: string[]): KindEntry => ({
  kind, groups: GROUPS, role: 'model', product: 'Kubernetes network-policy-api', namespaced: false, model: 'admin-policy', versions,
});

export const POLICY_API_KINDS: readonly KindEntry[] = [
  entry('AdminNetworkPolicy', ['v1alpha1']),
  entry('BaselineAdminNetworkPolicy', ['v1alpha1']),
  entry('ClusterNetworkPolicy', ['v1alpha2', 'v1beta1']),
];
