/**
 * A file that fails to parse in the new snapshot must not read as "every object in it was removed": that
 * turns a syntax error into "policy removed, 7 violating paths closed". Objects of the old snapshot whose
 * file has errors in the new one, and that the new one lacks, are carried over unchanged and reported as
 * unreadable, so the comparison covers only what both sides say.
 */
import type { Diagnostic, Inventory, UnmodelledObject } from '../../inventory/types.js';
import { lex } from '../../util/compare.js';

/** An object that the new snapshot may still hold, but in a file that could not be read. */
export interface UnreadableObject {
  /** "NetworkPolicy prod/db", "Workload prod/web[Deployment]", "Namespace prod". */
  readonly key: string;
  /** The file in the new snapshot, as named there. */
  readonly file: string;
  /** The first error in that file. */
  readonly error: string;
  readonly line: number;
}

/** The path of an input file below its side's root, so the two sides' names of one file compare equal. */
export function pathBelow(file: string, spec: string): string {
  let f = file;
  let root = spec;
  if (root.startsWith('git:')) {
    // git:REF:path -> files are named REF:<path from the repository root>.
    root = root.slice(4).split(':').slice(1).join(':');
    f = f.slice(f.indexOf(':') + 1);
  }
  root = root.replace(/\/+$/, '').replace(/^\.\//, '');
  if (root === '' || root === '.') return f;
  const at = f === root ? -1 : f.lastIndexOf(`${root}/`);
  if (at >= 0) return f.slice(at + root.length + 1);
  // A single file named outright: its own name.
  return f.slice(f.lastIndexOf('/') + 1);
}

/** The new inventory with the unreadable objects of the old one carried over, and what was carried. */
export function carryOverUnreadable(
  old: Inventory,
  neu: Inventory,
  newDiagnostics: readonly Diagnostic[],
  names: { readonly old: string; readonly new: string },
): { inventory: Inventory; unreadable: UnreadableObject[] } {
  const broken = new Map<string, { file: string; error: string; line: number }>();
  for (const d of newDiagnostics) {
    if (d.severity !== 'error' || !d.source) continue;
    const rel = pathBelow(d.source.file, names.new);
    if (!broken.has(rel)) broken.set(rel, { file: d.source.file, error: d.message, line: d.source.line });
  }
  if (broken.size === 0) return { inventory: neu, unreadable: [] };
  const brokenAt = (file: string | undefined): { file: string; error: string; line: number } | undefined => (file === undefined ? undefined : broken.get(pathBelow(file, names.old)));
  const unreadable: UnreadableObject[] = [];
  const carry = <T extends { readonly source?: { readonly file: string } }>(oldList: readonly T[], newList: readonly T[], id: (x: T) => string, key: (x: T) => string): T[] => {
    const have = new Set(newList.map(id));
    const out = [...newList];
    for (const x of oldList) {
      if (have.has(id(x))) continue;
      const b = brokenAt(x.source?.file);
      if (!b) continue;
      out.push(x);
      unreadable.push({ key: key(x), file: b.file, error: b.error, line: b.line });
    }
    return out;
  };
  const policies = carry(old.policies, neu.policies, (p) => p.id, (p) => `NetworkPolicy ${p.id}`).sort((a, b) => lex(a.id, b.id));
  const workloads = carry(old.workloads, neu.workloads, (w) => w.id, (w) => `Workload ${w.id}`).sort((a, b) => lex(a.id, b.id));
  const carriedWorkloads = new Set(workloads.map((w) => w.id));
  const newPodIds = new Set(neu.pods.map((p) => p.id));
  // Pods follow their workload: a carried workload brings its pods.
  const pods = [...neu.pods, ...old.pods.filter((p) => !newPodIds.has(p.id) && carriedWorkloads.has(p.workload) && !neu.workloads.some((w) => w.id === p.workload))].sort((a, b) => lex(a.id, b.id));
  const namespaces = carry(old.namespaces.filter((n) => n.declared), neu.namespaces.filter((n) => n.declared), (n) => n.name, (n) => `Namespace ${n.name}`);
  const declared = new Set(namespaces.map((n) => n.name));
  const allNamespaces = [...namespaces, ...neu.namespaces.filter((n) => !n.declared && !declared.has(n.name))];
  for (const p of pods) {
    if (!allNamespaces.some((n) => n.name === p.namespace)) allNamespaces.push(old.namespaces.find((n) => n.name === p.namespace)!);
  }
  const adminPolicies = carry(old.adminPolicies ?? [], neu.adminPolicies ?? [], (p) => p.id, (p) => `${p.kind} ${p.name}`);
  const uKey = (u: UnmodelledObject): string => `${u.kind}/${u.namespace ?? ''}/${u.name}`;
  const unmodelled = carry(old.unmodelled, neu.unmodelled, uKey, (u) => `${u.kind} ${u.namespace ? `${u.namespace}/` : ''}${u.name}`);
  unreadable.sort((a, b) => lex(a.key, b.key));
  return {
    inventory: { ...neu, namespaces: allNamespaces.sort((a, b) => lex(a.name, b.name)), workloads, pods, policies, unmodelled, ...(adminPolicies.length > 0 ? { adminPolicies } : {}) },
    unreadable,
  };
}
