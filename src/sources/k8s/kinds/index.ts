/** The kind registry: every kind the loader knows, looked up by API group and kind, never by kind alone. */
import { closest } from '../../../util/suggest.js';
import { ANTREA_KINDS } from './antrea.js';
import { CALICO_KINDS } from './calico.js';
import { CILIUM_KINDS } from './cilium.js';
import { KUBERNETES_GROUPS, KUBERNETES_KINDS } from './kubernetes.js';
import { MESH_KINDS } from './mesh.js';
import { OTHER_KINDS } from './other.js';
import { OVN_KINDS } from './ovn.js';
import { POLICY_API_KINDS } from './policy-api.js';
import type { KindEntry } from './types.js';

export type { KindEntry, KindRole, SelectContext, Selection } from './types.js';
export { KUBERNETES_GROUPS } from './kubernetes.js';

/** Every known kind, in the order of the docs table. */
export const KINDS: readonly KindEntry[] = [
  ...KUBERNETES_KINDS, ...POLICY_API_KINDS, ...CALICO_KINDS, ...CILIUM_KINDS, ...ANTREA_KINDS, ...MESH_KINDS, ...OVN_KINDS, ...OTHER_KINDS,
];

const byKey = new Map<string, KindEntry>();
for (const e of KINDS) for (const g of e.groups) byKey.set(`${g}/${e.kind}`, e);

/** `networking.k8s.io/v1` -> {group: networking.k8s.io, version: v1}; `v1` -> the core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The entry for a group and kind. */
export function lookupKind(group: string, kind: string): KindEntry | undefined {
  return byKey.get(`${group}/${kind}`);
}

/** Entries of a kind name in any group (to resolve an object without apiVersion). */
export function entriesNamed(kind: string): KindEntry[] {
  return KINDS.filter((e) => e.kind === kind);
}

/** The known kind of a group nearest to a misspelt one (`Deploymnet`). */
export function suggestKind(group: string, kind: string): string | undefined {
  return closest(kind, [...new Set(KINDS.filter((e) => e.groups.includes(group)).map((e) => e.kind))]);
}

/** True when the group is one Kubernetes itself serves. */
export function isKubernetesGroup(group: string): boolean {
  return KUBERNETES_GROUPS.has(group);
}

/** The docs table of every kind (docs/inputs.md holds it; a test keeps the two equal). Alike neighbours share a row. */
export function kindsTable(operatorKinds: ReadonlyArray<{ group?: string; kind: string }>): string {
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const groups = (gs: readonly string[]): string => gs.map((g) => `\`${g === '' ? 'v1' : g}\``).join(', ');
  const what = (e: KindEntry): string =>
    e.role === 'model' ? 'modelled' : e.role === 'unmodelled' ? `**not evaluated**: ${e.effect}` : `skipped: ${e.why}`;
  const rows: Array<{ kinds: string[]; rest: string[] }> = [];
  for (const e of KINDS) {
    const rest = [groups(e.groups), e.product, what(e)];
    const last = rows[rows.length - 1];
    if (last && e.role !== 'unmodelled' && last.rest.join('|') === rest.join('|')) last.kinds.push(e.kind);
    else rows.push({ kinds: [e.kind], rest });
  }
  for (const o of operatorKinds) rows.push({ kinds: [o.kind], rest: [groups([o.group ?? '']), 'Prometheus operator', 'modelled: the pods its operator creates'] });
  return [row(['Kinds', 'API groups', 'Product', 'Bulkhead']), row(['---', '---', '---', '---']), ...rows.map((r) => row([r.kinds.join(', '), ...r.rest]))].join('\n');
}
