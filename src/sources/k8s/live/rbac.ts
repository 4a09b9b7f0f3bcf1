/**
 * The ClusterRole the live source needs, generated from what it reads (docs/live.md shows it and a test
 * keeps the two equal): get, list and watch only; Kubernetes' own groups by resource (never secrets or
 * configmaps), the groups of the layers Bulkhead warns about by group.
 */
import { KINDS, KUBERNETES_GROUPS } from '../kinds/index.js';
import { BUILTIN_OPERATORS } from '../operators.js';

/** Kubernetes' own resources the source reads, per group. */
const KUBERNETES_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  '': ['namespaces', 'nodes', 'pods', 'replicationcontrollers', 'services'],
  apps: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  batch: ['cronjobs', 'jobs'],
  'networking.k8s.io': ['networkpolicies'],
  extensions: ['networkpolicies'],
};

/** The ClusterRole as YAML. */
export function clusterRoleYaml(name = 'bulkhead-reader'): string {
  const other = new Set<string>();
  for (const e of KINDS) if (e.role !== 'irrelevant') for (const g of e.groups) if (!KUBERNETES_GROUPS.has(g)) other.add(g);
  for (const o of BUILTIN_OPERATORS) if (o.group) other.add(o.group);
  const rules = [
    ...Object.entries(KUBERNETES_RESOURCES).map(([g, rs]) => `  - apiGroups: ["${g}"]\n    resources: [${rs.map((r) => `"${r}"`).join(', ')}]\n    verbs: ["get", "list", "watch"]`),
    `  # Policy layers Bulkhead reads and warns about (AdminNetworkPolicy, Calico, Cilium, Antrea, Istio, Linkerd,\n  # OVN-Kubernetes, Multus) and the Prometheus operator: absent groups are simply not found.\n  - apiGroups:\n${[...other].sort().map((g) => `      - ${g}`).join('\n')}\n    resources: ["*"]\n    verbs: ["get", "list", "watch"]`,
  ];
  return ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata:', `  name: ${name}`, 'rules:', ...rules].join('\n') + '\n';
}
