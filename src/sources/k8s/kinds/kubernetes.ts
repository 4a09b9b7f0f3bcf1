/** Kubernetes' own kinds: what is modelled, the old NetworkPolicy group, and what cannot change traffic. */
import { podsMatching, readLabelSelector, specOf } from './select.js';
import type { KindEntry } from './types.js';

const K = 'Kubernetes';

const model = (kind: string, groups: string[], model: KindEntry['model'], versions: string[], oldVersions: string[] = []): KindEntry => ({
  kind, groups, role: 'model', product: K, namespaced: kind !== 'Namespace' && kind !== 'Node', model, versions, oldVersions,
});

const irrelevant = (groups: string[], why: string, ...kinds: string[]): KindEntry[] =>
  kinds.map((kind) => ({ kind, groups, role: 'irrelevant', product: K, namespaced: true, why }));

export const KUBERNETES_KINDS: readonly KindEntry[] = [
  model('Namespace', [''], 'namespace', ['v1']),
  model('NetworkPolicy', ['networking.k8s.io'], 'network-policy', ['v1']),
  model('Node', [''], 'node', ['v1']),
  model('Pod', [''], 'workload', ['v1']),
  model('ReplicationController', [''], 'workload', ['v1']),
  model('Deployment', ['apps', 'extensions'], 'workload', ['v1'], ['v1beta1', 'v1beta2']),
  model('StatefulSet', ['apps'], 'workload', ['v1'], ['v1beta1', 'v1beta2']),
  model('DaemonSet', ['apps', 'extensions'], 'workload', ['v1'], ['v1beta2', 'v1beta1']),
  model('ReplicaSet', ['apps', 'extensions'], 'workload', ['v1'], ['v1beta2', 'v1beta1']),
  model('Job', ['batch'], 'workload', ['v1']),
  model('CronJob', ['batch'], 'workload', ['v1'], ['v1beta1', 'v2alpha1']),
  {
    kind: 'NetworkPolicy',
    groups: ['extensions'],
    role: 'unmodelled',
    product: K,
    namespaced: true,
    effect: 'is a NetworkPolicy in extensions/v1beta1, which the API server no longer serves (Kubernetes 1.16+): it is not applied as written; change apiVersion to networking.k8s.io/v1',
    selects: (ctx) => {
      const spec = specOf(ctx.obj);
      const sel = spec ? readLabelSelector(spec['podSelector']) : null;
      return sel === undefined ? 'unknown' : podsMatching(ctx, { ...(ctx.namespace !== undefined ? { ns: ctx.namespace } : {}), podSel: sel });
    },
  },
  ...irrelevant([''], 'service discovery, configuration and storage do not allow or deny connections',
    'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'PersistentVolumeClaim', 'PersistentVolume',
    'LimitRange', 'ResourceQuota', 'Event', 'PodTemplate', 'ComponentStatus', 'Binding'),
  ...irrelevant(['discovery.k8s.io'], 'service discovery', 'EndpointSlice'),
  ...irrelevant(['networking.k8s.io', 'extensions'], 'routes traffic to Services; NetworkPolicy still decides what reaches the pods', 'Ingress', 'IngressClass'),
  ...irrelevant(['networking.k8s.io'], 'address management', 'IPAddress', 'ServiceCIDR'),
  ...irrelevant(['rbac.authorization.k8s.io'], 'API access control, not network traffic', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'),
  ...irrelevant(['apps'], 'revision history of a workload', 'ControllerRevision'),
  ...irrelevant(['autoscaling', 'autoscaling.k8s.io'], 'scaling: pods are analysed by template', 'HorizontalPodAutoscaler', 'VerticalPodAutoscaler'),
  ...irrelevant(['policy'], 'disruption budgets and admission', 'PodDisruptionBudget', 'PodSecurityPolicy'),
  ...irrelevant(['storage.k8s.io'], 'storage', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'CSIStorageCapacity', 'VolumeAttributesClass'),
  ...irrelevant(['apiextensions.k8s.io'], 'defines a kind; its objects are read on their own', 'CustomResourceDefinition'),
  ...irrelevant(['scheduling.k8s.io'], 'scheduling', 'PriorityClass'),
  ...irrelevant(['node.k8s.io'], 'container runtime selection', 'RuntimeClass'),
  ...irrelevant(['admissionregistration.k8s.io'], 'admission control of API requests',
    'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'),
  ...irrelevant(['apiregistration.k8s.io'], 'API aggregation', 'APIService'),
  ...irrelevant(['coordination.k8s.io'], 'leader election', 'Lease'),
  ...irrelevant(['events.k8s.io'], 'events', 'Event'),
  ...irrelevant(['certificates.k8s.io'], 'certificates', 'CertificateSigningRequest', 'ClusterTrustBundle'),
  ...irrelevant(['flowcontrol.apiserver.k8s.io'], 'API server fairness', 'FlowSchema', 'PriorityLevelConfiguration'),
  ...irrelevant(['resource.k8s.io'], 'device allocation', 'ResourceClaim', 'ResourceClaimTemplate', 'DeviceClass', 'ResourceSlice'),
  ...irrelevant(['gateway.networking.k8s.io'], 'routes traffic to Services; NetworkPolicy still decides what reaches the pods',
    'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute', 'ReferenceGrant', 'BackendTLSPolicy'),
  ...irrelevant(['kustomize.config.k8s.io', 'kustomize.toolkit.fluxcd.io'], 'build configuration', 'Kustomization', 'Component'),
];

/** The API groups Kubernetes itself serves: an unknown kind there is a typo, not a custom resource. */
export const KUBERNETES_GROUPS: ReadonlySet<string> = new Set([
  '', 'apps', 'batch', 'extensions', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'autoscaling', 'discovery.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'node.k8s.io',
  'admissionregistration.k8s.io', 'apiregistration.k8s.io', 'coordination.k8s.io', 'events.k8s.io',
  'certificates.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io',
]);

