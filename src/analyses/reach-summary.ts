/** The notable facts of a reachability result: exposure to and from outside, unprotected workloads, crossings. */
import type { Analysis } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import type { Connection, ReachResult } from './reach.js';
import type { Endpoint } from './endpoints.js';
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

/**
 * Builds a summary from connections fed one at a time (a listing being streamed out), holding one
 * entry per endpoint, never the pairs: 16 million connections cost no more memory than 16.
 */
export class ReachSummaryBuilder {
  private readonly kind: Map<string, Endpoint>;
  private readonly exposed = new Map<string, PortSet>();
  private readonly reaches = new Map<string, PortSet>();
  private connections = 0;
  private crossNamespace = 0;

  constructor(
    private readonly a: Analysis,
    private readonly endpoints: readonly Endpoint[],
  ) {
    this.kind = new Map(endpoints.map((e) => [e.id, e]));
  }

  /** Counts one allowed connection. */
  add(c: Connection): void {
    this.connections++;
    const s = this.kind.get(c.src);
    const d = this.kind.get(c.dst);
    // An id the endpoints do not list is outside addresses as the listing merged them (outside-merge.ts).
    const sExt = s === undefined || s.kind === 'External';
    const dExt = d === undefined || d.kind === 'External';
    if (s?.namespace !== undefined && d?.namespace !== undefined && s.namespace !== d.namespace) this.crossNamespace++;
    if (sExt && !dExt) this.exposed.set(c.dst, (this.exposed.get(c.dst) ?? PortSet.NONE).union(c.conns));
    if (dExt && !sExt) this.reaches.set(c.src, (this.reaches.get(c.src) ?? PortSet.NONE).union(c.conns));
  }

  /** The summary of every connection added so far. */
  result(): ReachSummary {
    const a = this.a;
    const unprotected = { ingress: [] as string[], egress: [] as string[] };
    for (const w of a.inventory.workloads) {
      const classes = a.classesOf(w.id);
      if (classes.length === 0) continue;
      for (const dir of ['ingress', 'egress'] as const) {
        if (classes.some((c) => a.openSide(dir, c))) unprotected[dir].push(w.id);
      }
    }
    const sorted = (m: Map<string, PortSet>): Array<{ id: string; conns: PortSet }> => [...m].sort(([x], [y]) => lex(x, y)).map(([id, conns]) => ({ id, conns }));
    return {
      endpoints: this.endpoints.filter((e) => e.kind !== 'External').length,
      connections: this.connections,
      exposedToExternal: sorted(this.exposed),
      reachesExternal: sorted(this.reaches),
      unprotected,
      crossNamespace: this.crossNamespace,
    };
  }
}

/** Summarizes a reach result computed from `a`. */
export function summarizeReach(a: Analysis, r: ReachResult): ReachSummary {
  const b = new ReachSummaryBuilder(a, r.endpoints);
  for (const c of r.connections) b.add(c);
  return b.result();
}
