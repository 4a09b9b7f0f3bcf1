/**
 * The normalized model every source produces and every engine layer reads.
 * Nothing downstream of sources/ sees raw YAML; every object keeps where it came from.
 */
import type { ParsedCidr } from '../model/address.js';
import type { Protocol } from '../model/port-set.js';

/**
 * Where an object or a field came from: a file and 1-based line, or a live API object. A live object has
 * line 0 and its reference `cluster/namespace/kind/name@resourceVersion` as `file` (see isLiveSource).
 */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

/** True for an object read from a cluster's API (no file, no line: `file` is its live reference). */
export function isLiveSource(s: SourceRef): boolean {
  return s.line === 0;
}

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A Kubernetes label selector; the empty selector matches everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export interface Namespace {
  readonly name: string;
  /** Always includes kubernetes.io/metadata.name. */
  readonly labels: Labels;
  /** False when the namespace was only referenced, not declared in the input. */
  readonly declared: boolean;
  readonly source?: SourceRef;
  /** String-valued metadata.annotations (e.g. bulkhead.io/ignore), when any. */
  readonly annotations?: Labels;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Pod',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** A group of pods reported together at --level workload: `namespace/name[Kind]`. */
export interface Workload {
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Pod template labels (for a bare pod, its own labels). */
  readonly labels: Labels;
  readonly source?: SourceRef;
  /** String-valued metadata.annotations (e.g. bulkhead.io/ignore), when any. */
  readonly annotations?: Labels;
  /** The declared replica count, present only when it exceeds the template pods synthesized (MAX_SYNTHETIC_REPLICAS). */
  readonly replicas?: number;
}

export interface Pod {
  /** `namespace/name` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** Known pod IPs (status.podIP/podIPs), as written. */
  readonly ips: readonly string[];
  /** hostNetwork pods are invisible to pod and namespace selectors. */
  readonly hostNetwork: boolean;
  /** spec.nodeName when set (a scheduled pod, or a template pinned to one node): decides the node rule. */
  readonly nodeName?: string;
  /** The owning workload's id. */
  readonly workload: string;
  /** True when the pod was generated from a workload template, not read as a Pod. */
  readonly synthetic: boolean;
  readonly source?: SourceRef;
}

export interface PodPeer {
  readonly type: 'pods';
  /** null: the policy's own namespace. */
  readonly namespaceSelector: LabelSelector | null;
  /** null: every pod of the selected namespaces (same as the empty selector). */
  readonly podSelector: LabelSelector | null;
  readonly source: SourceRef;
}

export interface IpBlockPeer {
  readonly type: 'ipBlock';
  readonly cidr: ParsedCidr;
  readonly cidrText: string;
  readonly except: readonly ParsedCidr[];
  readonly exceptText: readonly string[];
  readonly source: SourceRef;
}

export type Peer = PodPeer | IpBlockPeer;

export interface PortRule {
  readonly protocol: Protocol;
  /** undefined: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
  readonly source: SourceRef;
}

export interface PolicyRule {
  /** 0-based index within the policy's ingress or egress list. */
  readonly index: number;
  /** null: `from`/`to` absent or empty, every source or destination including external ones. */
  readonly peers: readonly Peer[] | null;
  /** null: `ports` absent or empty, every port of every protocol. */
  readonly ports: readonly PortRule[] | null;
  readonly source: SourceRef;
}

export type Direction = 'ingress' | 'egress';

/** A networking.k8s.io/v1 NetworkPolicy, defaults applied. */
export interface NetworkPolicy {
  /** `namespace/name` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Effective policyTypes after defaulting. */
  readonly isolates: Readonly<Record<Direction, boolean>>;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly source: SourceRef;
  /** String-valued metadata.annotations (e.g. bulkhead.io/ignore), when any. */
  readonly annotations?: Labels;
}

/** A Node object: its labels and addresses, which AdminNetworkPolicy `nodes` peers select. */
export interface ClusterNode {
  readonly name: string;
  readonly labels: Labels;
  /** status.addresses (InternalIP, ExternalIP), as written. */
  readonly addresses: readonly string[];
  /** spec.providerID, as written (`aws:///<az>/<instance-id>` on EKS): which cloud machine the node is. */
  readonly providerID?: string;
  readonly source?: SourceRef;
}

/** Where a cluster-scoped policy sits: before NetworkPolicy (admin) or after it (baseline). */
export type AdminTier = 'admin' | 'baseline';

/** An admin rule's action; ANP's `Allow` is read as `accept` (ClusterNetworkPolicy's name for it). */
export type AdminAction = 'accept' | 'deny' | 'pass';

/** Whom a cluster-scoped policy applies to; host-network pods never. */
export type AdminSubject =
  | { readonly type: 'namespaces'; readonly namespaceSelector: LabelSelector }
  | { readonly type: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector };

/** A peer of an admin rule. */
export type AdminPeer =
  | { readonly type: 'namespaces'; readonly namespaceSelector: LabelSelector; readonly source: SourceRef }
  | { readonly type: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector; readonly source: SourceRef }
  /** Node objects by label: their addresses, and the host-network pods running on them. */
  | { readonly type: 'nodes'; readonly nodeSelector: LabelSelector; readonly source: SourceRef }
  /** CIDRs; they match pod addresses too. */
  | { readonly type: 'networks'; readonly cidrs: readonly ParsedCidr[]; readonly cidrTexts: readonly string[]; readonly source: SourceRef }
  /** FQDNs (egress, accept only): addresses DNS gives them, unknown offline. */
  | { readonly type: 'domainNames'; readonly names: readonly string[]; readonly source: SourceRef };

/** A destination port of an admin rule: a number, a range, or a container port's name (any protocol). */
export type AdminPort =
  | { readonly type: 'range'; readonly protocol: Protocol; readonly start: number; readonly end: number; readonly source: SourceRef }
  | { readonly type: 'named'; readonly name: string; readonly source: SourceRef };

export interface AdminRule {
  /** 0-based index within the policy's ingress or egress list (the order rules are evaluated in). */
  readonly index: number;
  readonly name?: string;
  readonly action: AdminAction;
  readonly peers: readonly AdminPeer[];
  /** null: every port of every protocol. */
  readonly ports: readonly AdminPort[] | null;
  readonly source: SourceRef;
}

/** An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy, defaults applied. */
export interface AdminPolicy {
  /** `Kind/name` (cluster-scoped). */
  readonly id: string;
  readonly kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
  readonly apiVersion: string;
  readonly name: string;
  readonly tier: AdminTier;
  /** 0-1000, lower first; a BaselineAdminNetworkPolicy (at most one, named default) has 0. */
  readonly priority: number;
  readonly subject: AdminSubject;
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
  readonly source: SourceRef;
  readonly annotations?: Labels;
}

/** One port of a Service: `targetPort` is a number or the name of a container port. */
export interface ServicePort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly targetPort: number | string;
  /** Set on NodePort and LoadBalancer Services when the input gives it (the API server allocates it otherwise). */
  readonly nodePort?: number;
}

/** A core/v1 Service, read for the cross-layer answer (nodePorts forward AWS traffic to pods). */
export interface ClusterService {
  /** `namespace/name` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** undefined: no selector (endpoints are managed by hand and not in the input). */
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly loadBalancerSourceRanges: readonly string[];
  readonly externalIPs: readonly string[];
  readonly source: SourceRef;
}

export interface Inventory {
  /** Sorted by name. */
  readonly namespaces: readonly Namespace[];
  /** Sorted by id. */
  readonly workloads: readonly Workload[];
  /** Sorted by id. */
  readonly pods: readonly Pod[];
  /** Sorted by id. */
  readonly policies: readonly NetworkPolicy[];
  /** Cluster-scoped policies of the admin and baseline tiers, in evaluation order (tier, priority, name). */
  readonly adminPolicies?: readonly AdminPolicy[];
  /** Node objects, when the input has them (AdminNetworkPolicy `nodes` peers need them). */
  readonly nodes?: readonly ClusterNode[];
  /** Objects that may change traffic but that the engine does not evaluate; sorted by source. */
  readonly unmodelled: readonly UnmodelledObject[];
  /**
   * Objects of kinds no one told Bulkhead about, in API groups other than Kubernetes' own (custom resources);
   * an operator may create pods for them that are not in the input. Sorted by source.
   */
  readonly customResources: readonly CustomResourceRef[];
  /** Services, when the input has any (only the cross-layer answer reads them); sorted by id. */
  readonly services?: readonly ClusterService[];
}

/** An object of an unknown custom resource kind (`unknown-kind`). */
export interface CustomResourceRef {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace?: string;
  readonly name: string;
  readonly source: SourceRef;
}

/**
 * An object in the input that may allow or deny traffic and that the engine does not evaluate
 * (a Calico or Cilium policy, an AdminNetworkPolicy before its tier exists, a mesh authorization...).
 * Every report carries it as a caveat: the connectivity shown may be wrong for the pods it selects.
 */
export interface UnmodelledObject {
  readonly kind: string;
  readonly apiVersion: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
  /** What it would change, e.g. "may deny or allow traffic (Calico network policy)". */
  readonly effect: string;
  /**
   * Pod ids (sorted) the object applies to, as far as its selector can be read;
   * 'unknown' when its selector is not understood (then it may apply to any pod in its scope).
   */
  readonly selects: readonly string[] | 'unknown';
  /** A hash of the object's content without metadata noise, so `diff` sees edits to it. */
  readonly digest: string;
  readonly source: SourceRef;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem found in the input: never thrown, always collected and reported with its location. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable machine-readable code, e.g. `yaml-syntax`, `unknown-kind`, `bad-cidr`. */
  readonly code: string;
  readonly message: string;
  readonly source?: SourceRef;
}

/** "file:line", or the live reference of an object read from a cluster. */
export function formatSource(s: SourceRef | undefined): string {
  if (!s) return '';
  return isLiveSource(s) ? s.file : `${s.file}:${s.line}`;
}
