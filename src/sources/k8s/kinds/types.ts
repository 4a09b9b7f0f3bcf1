/** What the loader knows about one Kubernetes kind: its API groups, what Bulkhead does with it, whom it selects. */
import type { Namespace, Pod } from '../../../inventory/types.js';
import type { Obj } from '../fields.js';

/**
 * - model: read into the inventory and evaluated;
 * - unmodelled: may allow or deny traffic, not evaluated yet: a warning and a caveat naming the pods it selects;
 * - irrelevant: cannot change which connections are allowed: skipped quietly (info).
 */
export type KindRole = 'model' | 'unmodelled' | 'irrelevant';

/** How the loader reads a modelled kind. */
export type ModelReader = 'namespace' | 'network-policy' | 'workload' | 'operator' | 'admin-policy' | 'node';

/** What a selector reader sees: the object, where it is, and the pods and namespaces of the input. */
export interface SelectContext {
  readonly obj: Obj;
  /** The object's namespace (namespaced kinds only). */
  readonly namespace?: string;
  readonly pods: readonly Pod[];
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Another object of the input, by group, kind, namespace and name (a Linkerd AuthorizationPolicy's Server). */
  readonly find: (group: string, kind: string, namespace: string | undefined, name: string) => Obj | undefined;
}

/** The pods an object applies to, or 'unknown' when its selector cannot be read (then: any pod of its scope). */
export type Selection = readonly Pod[] | 'unknown';

export interface KindEntry {
  readonly kind: string;
  /** API groups serving it; '' is the core group (apiVersion `v1`). */
  readonly groups: readonly string[];
  readonly role: KindRole;
  /** Who defines it, for the docs table: Kubernetes, Calico, Cilium... */
  readonly product: string;
  readonly namespaced: boolean;
  /** model only: which reader builds it. */
  readonly model?: ModelReader;
  /** model only: versions the API serves; others are rejected ("no matches for kind"). Undefined: any. */
  readonly versions?: readonly string[];
  /** model only: versions the API no longer serves whose schema is the current one's: read with a warning. */
  readonly oldVersions?: readonly string[];
  /** unmodelled: what it may change, e.g. "may deny or allow traffic (Calico policy)". */
  readonly effect?: string;
  /** unmodelled: the pods it applies to. */
  readonly selects?: (ctx: SelectContext) => Selection;
  /** irrelevant: why it cannot change traffic (docs). */
  readonly why?: string;
}
