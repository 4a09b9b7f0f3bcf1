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
