/** The notable facts of a reachability result: exposure to and from outside, unprotected workloads, crossings. */
import type { Analysis } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import type { ReachResult } from './reach.js';
import { lex } from '../util/compare.js';

export interface ReachSummary {
  readonly endpoints: number;
  readonly connections: number;
  /** Endpoints reachable from outside the cluster, with the union of ports. */
  readonly exposedToExternal: ReadonlyArray<{ id: string; conns: PortSet }>;
  /** Endpoints that can open connections to outside the cluster. */
  readonly reachesExternal: ReadonlyArray<{ id: string; conns: PortSet }>;
  /** Workloads whose pods no policy isolates, per direction. */
  readonly unprotected: Readonly<Record<'ingress' | 'egress', readonly string[]>>;
  /** Connections between different namespaces. */
  readonly crossNamespace: number;
}

function unionBy(pairs: ReadonlyArray<{ key: string; conns: PortSet }>): Array<{ id: string; conns: PortSet }> {
  const m = new Map<string, PortSet>();
  for (const p of pairs) m.set(p.key, (m.get(p.key) ?? PortSet.NONE).union(p.conns));
  return [...m].sort(([a], [b]) => lex(a, b)).map(([id, conns]) => ({ id, conns }));
}

/** Summarizes a reach result computed from `a`. */
export function summarizeReach(a: Analysis, r: ReachResult): ReachSummary {
  const kind = new Map(r.endpoints.map((e) => [e.id, e]));
  const isExt = (id: string): boolean => kind.get(id)?.kind === 'External';
  const unprotected = { ingress: [] as string[], egress: [] as string[] };
  for (const w of a.inventory.workloads) {
    const classes = a.classesOf(w.id);
    if (classes.length === 0) continue;
    for (const dir of ['ingress', 'egress'] as const) {
      if (classes.some((c) => !a.layer.isolated(dir, c))) unprotected[dir].push(w.id);
    }
  }
  let crossNamespace = 0;
  for (const c of r.connections) {
    const s = kind.get(c.src);
    const d = kind.get(c.dst);
    if (s?.namespace !== undefined && d?.namespace !== undefined && s.namespace !== d.namespace) crossNamespace++;
  }
  return {
    endpoints: r.endpoints.filter((e) => e.kind !== 'External').length,
    connections: r.connections.length,
    exposedToExternal: unionBy(r.connections.filter((c) => isExt(c.src) && !isExt(c.dst)).map((c) => ({ key: c.dst, conns: c.conns }))),
    reachesExternal: unionBy(r.connections.filter((c) => isExt(c.dst) && !isExt(c.src)).map((c) => ({ key: c.src, conns: c.conns }))),
    unprotected,
    crossNamespace,
  };
}
