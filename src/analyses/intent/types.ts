/**
 * The documented architecture, normalized: named segments of endpoints, the flows allowed between them,
 * and invariants that hold whatever the flows say. Every object keeps its line in the intent file.
 */
import type { LabelSelector, SourceRef } from '../../inventory/types.js';
import type { ParsedCidr } from '../../model/address.js';
import type { PortSet, Protocol } from '../../model/port-set.js';
import type { TrafficSet } from '../../model/traffic-set.js';

/** AWS criteria of a matcher: every one given must hold of a network interface. Ids and names take `*` globs. */
export interface AwsCriteria {
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** VPC ids or `Name` tags. */
  readonly vpcs?: readonly string[];
  /** Subnet ids or `Name` tags. */
  readonly subnets?: readonly string[];
  /** Security group ids or group names: the interface is in at least one. */
  readonly securityGroups?: readonly string[];
  /** Network interfaces by ENI id, endpoint id or `Name` tag. */
  readonly interfaces?: readonly string[];
  /** The interface's tags (a list value means "any of"). */
  readonly tags?: LabelSelector;
  /** The interface's primary private address lies in one of these. */
  readonly cidrs?: readonly { readonly text: string; readonly cidr: ParsedCidr }[];
}

/** One way to be a member of a segment: every criterion given must hold. */
export interface SegmentMatcher {
  /** Namespace names (globs with `*`). */
  readonly namespaces?: readonly string[];
  readonly namespaceLabels?: LabelSelector;
  /** Pod (template) labels. */
  readonly labels?: LabelSelector;
  /** Workloads as `namespace/name` or `namespace/name[Kind]`, globs with `*`. */
  readonly workloads?: readonly string[];
  /** Addresses outside the cluster; a matcher with cidrs has no other criterion. */
  readonly cidrs?: readonly { readonly text: string; readonly cidr: ParsedCidr }[];
  /** Network interfaces of an AWS estate; a matcher with aws criteria has no other criterion. */
  readonly aws?: AwsCriteria;
  readonly source: SourceRef;
}

export interface Segment {
  readonly name: string;
  /** Alternatives: an endpoint is a member when any matcher matches. */
  readonly matchers: readonly SegmentMatcher[];
  readonly sensitive: boolean;
  /** Shared infrastructure (cluster DNS, ingress controllers): blast does not move on through it. */
  readonly infrastructure?: boolean;
  readonly description?: string;
  readonly source: SourceRef;
}

/** An allowed crossing between segments. */
export interface Flow {
  /** 1-based position in the file, as people count. */
  readonly index: number;
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** The ports the flow allows; PortSet.ALL when the flow names none. */
  readonly ports: PortSet;
  /** The same as cloud traffic (ICMP and other IP protocols too); TrafficSet.ALL when the flow names no ports. */
  readonly traffic: TrafficSet;
  readonly anyPort: boolean;
  readonly description?: string;
  readonly source: SourceRef;
}

export interface NeverInvariant {
  readonly kind: 'never';
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly source: SourceRef;
}

/** Endpoints with different values of a label (or in different listed segments) never reach each other. */
export interface IsolatedInvariant {
  readonly kind: 'isolated';
  /** Key on pod labels, falling back to namespace labels when `on` is `any`. */
  readonly label?: string;
  readonly on: 'pod' | 'namespace' | 'any';
  readonly segments?: readonly string[];
  /** Only endpoints of these segments are compared (all when absent). */
  readonly within?: readonly string[];
  readonly source: SourceRef;
}

/** Members of `from` reach outside the cluster only to these addresses or external segments. */
export interface EgressInvariant {
  readonly kind: 'egress';
  readonly from: readonly string[];
  readonly allowCidrs: readonly { readonly text: string; readonly cidr: ParsedCidr }[];
  readonly allowSegments: readonly string[];
  readonly source: SourceRef;
}

export interface SensitiveInvariant {
  readonly kind: 'sensitive';
  readonly segments: readonly string[];
  readonly source: SourceRef;
}

export type Invariant = NeverInvariant | IsolatedInvariant | EgressInvariant | SensitiveInvariant;

export interface IntentSettings {
  /** A segment reaching at least this share of the other in-cluster endpoints is flat. */
  readonly flatThreshold: number;
}

export interface Intent {
  readonly file: string;
  /** In declaration order: an endpoint's home segment is the first that matches it. */
  readonly segments: readonly Segment[];
  readonly flows: readonly Flow[];
  readonly invariants: readonly Invariant[];
  readonly settings: IntentSettings;
  /**
   * Segments written in place in a flow's or a `never`'s from/to (`{from: {tags: {env: dev}}, ...}`), named by
   * their text. Never an endpoint's home: an endpoint's segments list the declared ones first, then these.
   */
  readonly inline?: readonly Segment[];
  /** Names of sensitive segments (segment flag or `sensitive` invariant). */
  readonly sensitive: ReadonlySet<string>;
  /** Written segmentation tests (`tests:`), in file order; absent when the file has none. */
  readonly tests?: readonly IntentTest[];
  readonly source: SourceRef;
}

/** One end of a written test: a segment name, a workload or pod (`namespace/name[Kind]`, globs), or an address or CIDR. */
export type TestEnd =
  | { readonly kind: 'segment'; readonly name: string }
  | { readonly kind: 'workload'; readonly spec: string }
  | { readonly kind: 'address'; readonly text: string; readonly cidr: ParsedCidr };

/** A written expectation (`tests:`): from reaches (or never reaches) to on one port. */
export interface IntentTest {
  /** 1-based position in the file. */
  readonly index: number;
  readonly from: TestEnd;
  readonly to: TestEnd;
  readonly protocol: Protocol;
  readonly port: number;
  readonly expect: 'allow' | 'deny';
  readonly description?: string;
  readonly source: SourceRef;
}

/** The built-in segment of outside addresses that no `cidrs` segment claims. */
export const WORLD = 'world';
