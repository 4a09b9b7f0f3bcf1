/**
 * The connectivity map behind the pictures (dot, html): the reach listing folded into nodes and edges a
 * person can look at. Every outside block becomes the one `internet` node; endpoints that take part in no
 * connection are left out; past a few dozen nodes, endpoints are folded into their group (namespace, or
 * the home segment when an intent is given), each edge the union of its members' connections.
 */
import type { Connection } from './reach.js';
import type { Endpoint } from './endpoints.js';
import type { ReachLevel } from './reach.js';
import { PortSet } from '../model/port-set.js';
import { lex } from '../util/compare.js';
import { formatIp, parseCidr } from '../model/address.js';

/** The node that stands for every address outside the cluster. */
export const INTERNET = 'internet';

/** Past this many in-cluster nodes, a map is folded into groups. */
export const MAP_NODE_THRESHOLD = 40;

export interface MapNode {
  readonly id: string;
  /** The short label: the name within its group, the group itself, or `internet`. */
  readonly label: string;
  readonly kind: 'endpoint' | 'group' | 'internet';
  /** The group (namespace or segment) it is drawn in; absent for groups and the internet. */
  readonly group?: string;
  /** Endpoints folded into it (1 for an endpoint). */
  readonly members: number;
  /** The internet node: the outside CIDRs some connection names. */
  readonly cidrs?: readonly string[];
  /** Endpoint kind (Deployment, Pod...), for endpoints. */
  readonly endpointKind?: string;
}

export interface MapEdge {
  readonly src: string;
  readonly dst: string;
  /** Union of the ports of every unconditional connection folded into the edge. */
  readonly conns: PortSet;
  /** Union of what is allowed only if a hostNetwork source runs on the destination's node (empty: none). */
  readonly sameNode: PortSet;
  /** How many listed connections it stands for. */
  readonly pairs: number;
  /** Every folded connection is only possible from the same node. */
  readonly sameNodeOnly: boolean;
  /** The first folded connection (sorted order): the pair an explanation is given for. */
  readonly sample: { readonly src: string; readonly dst: string };
}

export interface ConnectivityMap {
  readonly level: ReachLevel;
  /** Folded into groups (past the threshold). */
  readonly folded: boolean;
  /** What the groups are. */
  readonly groupBy: 'namespace' | 'segment';
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  /** In-cluster endpoints left out because they take part in no connection. */
  readonly isolated: number;
  /** Connections within one group, not drawn when folded. */
  readonly withinGroups: number;
}

export interface MapOptions {
  readonly threshold?: number;
  /** The group of an in-cluster endpoint (default: its namespace). */
  readonly groupOf?: (e: Endpoint) => string;
  readonly groupBy?: 'namespace' | 'segment';
}

interface EdgeAcc {
  readonly src: string;
  readonly dst: string;
  readonly sets: Set<PortSet>;
  readonly condSets: Set<PortSet>;
  /** Edges to or from the internet: the in-cluster endpoints (many outside blocks are one pair). */
  readonly ends?: Set<string>;
  pairs: number;
  sameNodeOnly: boolean;
  readonly sample: { src: string; dst: string };
}

function add(map: Map<string, EdgeAcc>, src: string, dst: string, c: Connection, sampleOf: (id: string) => string): void {
  const key = `${src}\u0000${dst}`;
  let e = map.get(key);
  if (!e) map.set(key, (e = { src, dst, sets: new Set(), condSets: new Set(), ...(src === INTERNET || dst === INTERNET ? { ends: new Set<string>() } : {}), pairs: 0, sameNodeOnly: true, sample: { src: sampleOf(c.src), dst: sampleOf(c.dst) } }));
  if (c.condition) e.condSets.add(c.conns);
  else {
    e.sets.add(c.conns);
    e.sameNodeOnly = false;
    if (e.ends) e.ends.add(src === INTERNET ? c.dst : c.src);
    else e.pairs++;
  }
}

function finish(map: Map<string, EdgeAcc>): MapEdge[] {
  return [...map.values()]
    .map((e) => {
      const conns = [...e.sets].reduce((a, b) => a.union(b), PortSet.NONE);
      const cond = [...e.condSets].reduce((a, b) => a.union(b), PortSet.NONE);
      return { src: e.src, dst: e.dst, conns, sameNode: cond.subtract(conns), pairs: Math.max(1, e.ends ? e.ends.size : e.pairs), sameNodeOnly: e.sameNodeOnly, sample: e.sample };
    })
    .sort((a, b) => lex(a.src, b.src) || lex(a.dst, b.dst));
}

/**
 * How a map edge's sample names an end: an outside end as one of its addresses (explain answers it, and it
 * reads the same however the blocks are named), any other by its id.
 */
export function sampleEnd(e: Endpoint | undefined, id: string): string {
  const c = e?.kind === 'External' ? parseCidr(e.cidrs?.[0] ?? '') : undefined;
  return c ? formatIp(c.range.family, c.range.lo) : id;
}

/** Folds a reach listing (one pass over `connections`) into a map; memory grows with nodes, not pairs. */
export function buildMap(level: ReachLevel, endpoints: readonly Endpoint[], connections: Iterable<Connection>, opts: MapOptions = {}): ConnectivityMap {
  const threshold = opts.threshold ?? MAP_NODE_THRESHOLD;
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const groupOf = (e: Endpoint): string => (opts.groupOf ? opts.groupOf(e) : (e.namespace ?? ''));
  const external = (id: string): boolean => byId.get(id)?.kind === 'External';
  const sampleOf = (id: string): string => sampleEnd(byId.get(id), id);
  const fine = new Map<string, EdgeAcc>();
  const coarse = new Map<string, EdgeAcc>();
  const used = new Set<string>();
  const cidrs = new Set<string>();
  let fineOk = true;
  let within = 0;
  const groupCache = new Map<string, string>();
  const node = (id: string): string => {
    if (external(id)) {
      for (const c of byId.get(id)!.cidrs ?? [id]) cidrs.add(c);
      return INTERNET;
    }
    return id;
  };
  const group = (id: string): string => {
    if (id === INTERNET) return INTERNET;
    let g = groupCache.get(id);
    if (g === undefined) groupCache.set(id, (g = `${groupOf(byId.get(id) ?? { id, kind: 'Pod' })}/`));
    return g;
  };
  for (const c of connections) {
    const s = node(c.src);
    const d = node(c.dst);
    if (s !== INTERNET) used.add(s);
    if (d !== INTERNET) used.add(d);
    if (fineOk && used.size > threshold) {
      fineOk = false;
      fine.clear();
    }
    if (fineOk && s !== d) add(fine, s, d, c, sampleOf);
    const gs = group(s);
    const gd = group(d);
    if (gs === gd) within++;
    else add(coarse, gs, gd, c, sampleOf);
  }
  const internetNode: MapNode[] = cidrs.size ? [{ id: INTERNET, label: INTERNET, kind: 'internet', members: cidrs.size, cidrs: [...cidrs] }] : [];
  const clusterCount = endpoints.filter((e) => e.kind !== 'External').length;
  if (fineOk) {
    const nodes: MapNode[] = [...used].sort(lex).map((id) => {
      const e = byId.get(id);
      const g = e ? groupOf(e) : '';
      const label = e?.namespace !== undefined && id.startsWith(`${e.namespace}/`) ? id.slice(e.namespace.length + 1) : id;
      return { id, label, kind: 'endpoint', group: g, members: 1, ...(e ? { endpointKind: e.kind } : {}) };
    });
    return { level, folded: false, groupBy: opts.groupBy ?? 'namespace', nodes: [...nodes, ...internetNode], edges: finish(fine), isolated: clusterCount - used.size, withinGroups: 0 };
  }
  const members = new Map<string, number>();
  for (const id of used) members.set(group(id), (members.get(group(id)) ?? 0) + 1);
  const nodes: MapNode[] = [...members].sort(([a], [b]) => lex(a, b)).map(([g, n]) => ({ id: g, label: g.slice(0, -1) || '(none)', kind: 'group', members: n }));
  return { level, folded: true, groupBy: opts.groupBy ?? 'namespace', nodes: [...nodes, ...internetNode], edges: finish(coarse), isolated: clusterCount - used.size, withinGroups: within };
}
