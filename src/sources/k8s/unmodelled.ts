/** Objects that may change traffic and are not evaluated: whom they select, as a caveat and a warning. */
import type { Diagnostic, Namespace, Pod, SourceRef, UnmodelledObject } from '../../inventory/types.js';
import { lex } from '../../util/compare.js';
import { isObj, type Obj } from './fields.js';
import type { KindEntry, SelectContext } from './kinds/index.js';
import { createHash } from 'node:crypto';

export interface PendingObject {
  readonly entry: KindEntry;
  readonly group: string;
  readonly apiVersion: string;
  readonly obj: Obj;
  readonly namespace?: string;
  readonly name: string;
  readonly source: SourceRef;
}

/** A hash of an object's apiVersion, kind, labels and spec (not its status or bookkeeping metadata). */
export function objectDigest(obj: Obj): string {
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : isObj(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v;
  const body = { apiVersion: obj['apiVersion'], kind: obj['kind'], labels: meta['labels'], spec: obj['spec'], rules: obj['rules'] };
  return createHash('sha256').update(JSON.stringify(canon(body))).digest('hex').slice(0, 16);
}

const MAX_NAMED = 8;

/** "prod/web[Deployment] (3 pods), prod/db-0": whole workloads by id, the rest by pod. */
export function describePods(selected: readonly Pod[], all: readonly Pod[]): string {
  const byWorkload = new Map<string, Pod[]>();
  for (const p of all) {
    const l = byWorkload.get(p.workload);
    if (l) l.push(p);
    else byWorkload.set(p.workload, [p]);
  }
  const ids = new Set(selected.map((p) => p.id));
  const names: string[] = [];
  const done = new Set<string>();
  for (const p of selected) {
    if (done.has(p.workload)) continue;
    const mine = byWorkload.get(p.workload) ?? [p];
    if (mine.length > 1 && mine.every((q) => ids.has(q.id))) {
      names.push(`${p.workload} (${mine.length} pods)`);
      done.add(p.workload);
    } else names.push(p.id);
  }
  const shown = names.slice(0, MAX_NAMED).join(', ');
  return names.length > MAX_NAMED ? `${shown} and ${names.length - MAX_NAMED} more` : shown;
}

/** Evaluates each object's selector over the pods; one warning each, naming what it affects. */
export function resolveUnmodelled(
  pending: readonly PendingObject[],
  pods: readonly Pod[],
  namespaces: ReadonlyMap<string, Namespace>,
  diags: Diagnostic[],
): UnmodelledObject[] {
  const find = (group: string, kind: string, ns: string | undefined, name: string): Obj | undefined =>
    pending.find((p) => p.group === group && p.entry.kind === kind && p.namespace === ns && p.name === name)?.obj;
  const out: UnmodelledObject[] = [];
  for (const p of pending) {
    const ctx: SelectContext = { obj: p.obj, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}), pods, namespaces, find };
    let selected: readonly Pod[] | 'unknown';
    try {
      selected = p.entry.selects ? p.entry.selects(ctx) : 'unknown';
    } catch {
      selected = 'unknown'; // a shape the reader did not expect is a selector we do not understand
    }
    const selects = selected === 'unknown' ? 'unknown' : selected.map((x) => x.id).sort(lex);
    const id = p.namespace !== undefined ? `${p.namespace}/${p.name}` : p.name;
    const scope = p.namespace !== undefined ? `any pod in namespace ${p.namespace}` : 'any pod in the cluster';
    const whom =
      selected === 'unknown'
        ? `its selector is not understood: it may apply to ${scope}`
        : selected.length === 0
          ? 'it selects no pod of the input'
          : `it applies to ${describePods(selected, pods)}`;
    diags.push({
      severity: 'warning',
      code: 'unmodelled-kind',
      message: `${p.entry.kind} ${id} (${p.apiVersion}) is not evaluated: it ${p.entry.effect}; ${whom}; the connectivity shown ignores it`,
      source: p.source,
    });
    out.push({ kind: p.entry.kind, apiVersion: p.apiVersion, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}), name: p.name, effect: p.entry.effect ?? 'may change traffic', selects, digest: objectDigest(p.obj), source: p.source });
  }
  return out.sort((a, b) => lex(a.source.file, b.source.file) || a.source.line - b.source.line);
}
