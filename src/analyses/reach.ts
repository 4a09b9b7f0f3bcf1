/** Reachability listing: which endpoint reaches which, on which ports, at workload or pod level. */
import type { Analysis } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import { clusterEndpoints, endpointMatcher, externalEndpoint, type Endpoint, type Level, type ResolvedEndpoint } from './endpoints.js';

export interface Connection {
  readonly src: string;
  readonly dst: string;
  readonly conns: PortSet;
}

export interface ReachResult {
  readonly level: Level;
  readonly endpoints: readonly Endpoint[];
  readonly connections: readonly Connection[];
}

export interface ReachOptions {
  readonly level?: Level;
  readonly from?: string;
  readonly to?: string;
  /** Only these ports (intersected with what is allowed). */
  readonly ports?: PortSet;
}

function lex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Union of what every target of `src` may open to every target of `dst`. */
export function endpointConns(a: Analysis, src: ResolvedEndpoint, dst: ResolvedEndpoint): PortSet {
  let s = PortSet.NONE;
  for (const t1 of src.targets) {
    for (const t2 of dst.targets) {
      if (t1.kind === 'address' && t2.kind === 'address') continue;
      s = s.union(a.allowed(t1, t2));
      if (s.isAll()) return s;
    }
  }
  return s;
}

/** Computes the connection list; deterministic and sorted by source then destination id. */
export function computeReach(a: Analysis, opts: ReachOptions = {}): ReachResult {
  const level = opts.level ?? 'workload';
  const cluster = clusterEndpoints(a, level);
  const externals = a.externals().map(externalEndpoint);
  const fromOk = opts.from ? endpointMatcher(opts.from) : () => true;
  const toOk = opts.to ? endpointMatcher(opts.to) : () => true;
  const all = [...cluster, ...externals];
  const srcs = all.filter((e) => fromOk(e.endpoint));
  const dsts = all.filter((e) => toOk(e.endpoint));
  const connections: Connection[] = [];
  for (const s of srcs) {
    for (const d of dsts) {
      if (s === d || (s.endpoint.kind === 'External' && d.endpoint.kind === 'External')) continue;
      let conns = endpointConns(a, s, d);
      if (opts.ports) conns = conns.intersect(opts.ports);
      if (!conns.isEmpty()) connections.push({ src: s.endpoint.id, dst: d.endpoint.id, conns });
    }
  }
  connections.sort((x, y) => lex(x.src, y.src) || lex(x.dst, y.dst));
  const used = new Set(connections.flatMap((c) => [c.src, c.dst]));
  const endpoints = [...cluster.map((e) => e.endpoint), ...externals.map((e) => e.endpoint).filter((e) => used.has(e.id))];
  return { level, endpoints, connections };
}
