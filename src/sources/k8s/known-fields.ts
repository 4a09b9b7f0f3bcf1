/**
 * The field names Kubernetes (1.34) accepts at each level Bulkhead reads. The API server's strict field
 * validation (kubectl's default) rejects an object with any other field, so an unknown or misspelt one
 * (`ingres:`, `form:`, `matchLabel:`) is an error: the object is rejected, not silently read differently.
 */

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

/** Every object: TypeMeta, ObjectMeta, spec and status. */
export const OBJECT = set('apiVersion', 'kind', 'metadata', 'spec', 'status');

/** metav1.ObjectMeta, including what `kubectl get -o yaml` adds. */
export const OBJECT_META = set(
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields', 'clusterName',
);

export const LABEL_SELECTOR = set('matchLabels', 'matchExpressions');
export const SELECTOR_REQUIREMENT = set('key', 'operator', 'values');

// networking.k8s.io/v1 NetworkPolicy
export const NETWORK_POLICY_SPEC = set('podSelector', 'policyTypes', 'ingress', 'egress');
export const INGRESS_RULE = set('from', 'ports');
export const EGRESS_RULE = set('to', 'ports');
export const POLICY_PEER = set('podSelector', 'namespaceSelector', 'ipBlock');
export const IP_BLOCK = set('cidr', 'except');
export const POLICY_PORT = set('protocol', 'port', 'endPort');

export const NAMESPACE_SPEC = set('finalizers');

// policy.networking.k8s.io: AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1),
// ClusterNetworkPolicy (v1alpha2, v1beta1). Peers and ports are one-of objects (exactly one field).
export const ANP_SPEC = set('priority', 'subject', 'ingress', 'egress');
export const BANP_SPEC = set('subject', 'ingress', 'egress');
export const CNP_SPEC = set('tier', 'priority', 'subject', 'ingress', 'egress');
export const ADMIN_SUBJECT = set('namespaces', 'pods');
export const NAMESPACED_POD = set('namespaceSelector', 'podSelector');
export const ANP_INGRESS_RULE = set('name', 'action', 'from', 'ports');
export const ANP_EGRESS_RULE = set('name', 'action', 'to', 'ports');
export const CNP_INGRESS_RULE = set('name', 'action', 'from', 'protocols');
export const CNP_EGRESS_RULE = set('name', 'action', 'to', 'protocols');
export const ADMIN_INGRESS_PEER = set('namespaces', 'pods');
export const ANP_EGRESS_PEER = set('namespaces', 'pods', 'nodes', 'networks', 'domainNames');
export const BANP_EGRESS_PEER = set('namespaces', 'pods', 'nodes', 'networks');
export const CNP_EGRESS_PEER = set('namespaces', 'pods', 'nodes', 'networks', 'domainNames');
export const ANP_PORT = set('portNumber', 'namedPort', 'portRange');
export const ANP_PORT_NUMBER = set('protocol', 'port');
export const ANP_PORT_RANGE = set('protocol', 'start', 'end');
export const CNP_PROTOCOL = set('tcp', 'udp', 'sctp', 'destinationNamedPort');
export const CNP_PROTOCOL_PORT = set('destinationPort');
export const CNP_PORT = set('number', 'range');
export const CNP_PORT_RANGE = set('start', 'end');

/** core/v1 Node: its spec, and the addresses of its status (the rest of status is not read). */
export const NODE_SPEC = set('podCIDR', 'podCIDRs', 'providerID', 'unschedulable', 'taints', 'configSource', 'externalID');
export const NODE_ADDRESS = set('type', 'address');

// Workloads: each kind's spec, the pod template, the pod spec, containers and their ports.
const REPLICATED = ['replicas', 'selector', 'template', 'minReadySeconds'];
export const WORKLOAD_SPEC: Readonly<Record<string, ReadonlySet<string>>> = {
  Deployment: set(...REPLICATED, 'strategy', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds', 'rollbackTo'),
  StatefulSet: set(
    ...REPLICATED, 'serviceName', 'volumeClaimTemplates', 'podManagementPolicy', 'updateStrategy', 'revisionHistoryLimit',
    'persistentVolumeClaimRetentionPolicy', 'ordinals',
  ),
  DaemonSet: set('selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit', 'templateGeneration'),
  ReplicaSet: set(...REPLICATED),
  ReplicationController: set(...REPLICATED),
  Job: set(
    'parallelism', 'completions', 'activeDeadlineSeconds', 'podFailurePolicy', 'successPolicy', 'backoffLimit',
    'backoffLimitPerIndex', 'maxFailedIndexes', 'selector', 'manualSelector', 'template', 'ttlSecondsAfterFinished',
    'completionMode', 'suspend', 'podReplacementPolicy', 'managedBy',
  ),
  CronJob: set(
    'schedule', 'timeZone', 'startingDeadlineSeconds', 'concurrencyPolicy', 'suspend', 'jobTemplate',
    'successfulJobsHistoryLimit', 'failedJobsHistoryLimit',
  ),
};
export const JOB_TEMPLATE = set('metadata', 'spec');
export const POD_TEMPLATE = set('metadata', 'spec');

/** core/v1 PodSpec. */
export const POD_SPEC = set(
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount',
  'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace',
  'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations',
  'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName',
  'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os',
  'hostUsers', 'schedulingGates', 'resourceClaims', 'resources', 'hostnameOverride',
);

/** core/v1 Container (and the fields ephemeral containers add). */
export const CONTAINER = set(
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy',
  'restartPolicy', 'restartPolicyRules', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe',
  'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy',
  'securityContext', 'stdin', 'stdinOnce', 'tty', 'targetContainerName',
);

export const CONTAINER_PORT = set('name', 'hostPort', 'containerPort', 'protocol', 'hostIP');
