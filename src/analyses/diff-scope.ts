/**
 * A diff narrowed by `-n`/`-l` (the filter reach and blast take): the changed connections with an endpoint
 * in scope, the drift and exposure changes of those endpoints, and the object changes behind them. What
 * cannot be judged (unmodelled, unreadable objects) stays: it may change traffic into the scope too.
 */
import type { DiffChange, DiffObject, DiffResult } from './diff.js';
import { deltaOf } from './diff/drift-delta.js';
import type { EndpointScope } from './endpoint-filter.js';
import { clusterEndpoints, type Endpoint } from './endpoints.js';
import type { Analysis } from '../engine/index.js';

/** True when an object change is itself in scope: a workload kept, or (-n alone) an object of a namespace of -n. */
function objectInScope(o: DiffObject, scope: EndpointScope, endpointOf: (id: string) => Endpoint | undefined): boolean {
  if (o.kind === 'Workload') {
    const e = endpointOf(o.id);
    return e !== undefined && scope.keep(e);
  }
  if (scope.selector || !scope.namespaces) return false;
  const ns = o.kind === 'Namespace' ? o.id : o.id.includes('/') ? o.id.slice(0, o.id.indexOf('/')) : undefined;
  return ns !== undefined && scope.namespaces.has(ns);
}

/**
 * The diff narrowed to the scope; counts follow. `endpointOf` finds an endpoint by id on either side
 * (drift items name workloads even in a pod-level diff).
 */
export function scopeDiff(r: DiffResult, scope: EndpointScope, endpointOf: (id: string) => Endpoint | undefined = (id) => r.endpoints.get(id)): DiffResult {
  const kept = (id: string): boolean => {
    const e = r.endpoints.get(id) ?? endpointOf(id);
    return e !== undefined && scope.keep(e);
  };
  const changes: DiffChange[] = r.changes.filter((c) => kept(c.src) || kept(c.dst));
  const count = new Map<string, number>();
  for (const c of changes) for (const k of c.causes) count.set(k, (count.get(k) ?? 0) + 1);
  const objects = r.objects.map((o) => ({ ...o, explains: count.get(o.key) ?? 0 })).filter((o) => o.explains > 0 || objectInScope(o, scope, endpointOf));
  const d = r.drift;
  const drift = d ? deltaOf(d.intentFile, d.introduced.filter((x) => kept(x.src) || kept(x.dst)), d.fixed.filter((x) => kept(x.src) || kept(x.dst))) : undefined;
  return {
    ...r,
    changes,
    objects,
    summary: {
      added: changes.filter((c) => c.kind === 'added').length,
      removed: changes.filter((c) => c.kind === 'removed').length,
      changed: changes.filter((c) => c.kind === 'changed').length,
      objects: objects.length,
      unexplained: changes.filter((c) => c.causes.length === 0).length,
    },
    ...(drift ? { drift } : {}),
    exposure: r.exposure.filter((x) => kept(x.endpoint)),
    scope: { filter: scope.text, total: r.changes.length },
  };
}

/** Workload endpoints of either side by id (the new side's wins), for drift items of a pod-level diff. */
export function workloadLookup(oldA: Analysis, newA: Analysis): (id: string) => Endpoint | undefined {
  const m = new Map<string, Endpoint>();
  for (const a of [oldA, newA]) for (const r of clusterEndpoints(a, 'workload')) m.set(r.endpoint.id, r.endpoint);
  return (id) => m.get(id);
}
