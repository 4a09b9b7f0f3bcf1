/** Shared pieces of the selector readers: lenient label selectors and pod scopes. */
import type { LabelSelector, Labels, Pod, SelectorOperator, SelectorRequirement } from '../../../inventory/types.js';
import { matchesSelector } from '../../../inventory/selector.js';
import { isObj, type Obj } from '../fields.js';
import type { SelectContext, Selection } from './types.js';

const OPERATORS = new Set<string>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * A metav1.LabelSelector from a third-party object, without the strict checks NetworkPolicy gets:
 * null when absent, undefined when it cannot be read (then the caller says 'unknown').
 * `mapKey` rewrites keys (Cilium's `k8s:app`); returning undefined makes the selector unreadable.
 */
export function readLabelSelector(v: unknown, mapKey: (k: string) => string | undefined = (k) => k): LabelSelector | null | undefined {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) return undefined;
  const matchLabels: Record<string, string> = {};
  const ml = v['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isObj(ml)) return undefined;
    for (const [k, val] of Object.entries(ml)) {
      const key = mapKey(k);
      if (key === undefined || typeof val !== 'string') return undefined;
      matchLabels[key] = val;
    }
  }
  const matchExpressions: SelectorRequirement[] = [];
  const me = v['matchExpressions'];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return undefined;
    for (const e of me) {
      if (!isObj(e) || typeof e['key'] !== 'string' || typeof e['operator'] !== 'string' || !OPERATORS.has(e['operator'])) return undefined;
      const key = mapKey(e['key']);
      const values = e['values'] ?? [];
      if (key === undefined || !Array.isArray(values) || !values.every((x) => typeof x === 'string')) return undefined;
      matchExpressions.push({ key, operator: e['operator'] as SelectorOperator, values: values as string[] });
    }
  }
  return { matchLabels, matchExpressions };
}

/** A plain label map used as a selector (Istio `selector.matchLabels`, `workloadSelector.labels`). */
export function readLabelMap(v: unknown): LabelSelector | null | undefined {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) return undefined;
  const matchLabels: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') return undefined;
    matchLabels[k] = val;
  }
  return { matchLabels, matchExpressions: [] };
}

/** Pods that other layers can select: host-network pods are the node's, not a workload endpoint's. */
export function selectable(ctx: SelectContext): readonly Pod[] {
  return ctx.pods.filter((p) => !p.hostNetwork);
}

/** The labels of a pod's namespace (always with kubernetes.io/metadata.name). */
export function namespaceLabels(ctx: SelectContext, ns: string): Labels {
  return ctx.namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns };
}

/** Pods matching a namespace selector and a pod selector (null: no constraint); `ns` limits to one namespace. */
export function podsMatching(ctx: SelectContext, o: { ns?: string; nsSel?: LabelSelector | null; podSel?: LabelSelector | null }): Selection {
  return selectable(ctx).filter(
    (p) =>
      (o.ns === undefined || p.namespace === o.ns) &&
      (!o.nsSel || matchesSelector(o.nsSel, namespaceLabels(ctx, p.namespace))) &&
      (!o.podSel || matchesSelector(o.podSel, p.labels)),
  );
}

/** Every pod of one namespace (an Istio policy without selector, an EgressFirewall). */
export function podsOfNamespace(ctx: SelectContext): Selection {
  return ctx.namespace === undefined ? 'unknown' : selectable(ctx).filter((p) => p.namespace === ctx.namespace);
}

/** The union of several selections; 'unknown' wins. */
export function union(parts: readonly Selection[]): Selection {
  if (parts.some((p) => p === 'unknown')) return 'unknown';
  const seen = new Map<string, Pod>();
  for (const part of parts) for (const p of part as readonly Pod[]) seen.set(p.id, p);
  return [...seen.values()];
}

/** `spec` of an object when it is a mapping. */
export function specOf(o: Obj): Obj | undefined {
  return isObj(o['spec']) ? o['spec'] : undefined;
}

/** Selects nothing by itself (a set of addresses or an ordering object that policies refer to). */
export const NOTHING = (): Selection => [];
