/**
 * Flows in few lines, for `bulkhead init` (cluster and AWS): the open connections between segments merged
 * into stars and lists. Works on numbers throughout (segment positions and port ids, edges in typed
 * arrays, sorted by counting): a 150,000-pod cluster has close to a million part-to-part edges.
 */
import type { DraftFlow } from './init.js';

/** Edges between segments: positions in the segment list (its length stands for `world`) and port ids (equal ids, equal port lists). */
export interface EdgeList {
  readonly length: number;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly port: Int32Array;
}

/** How a list of segment positions is written with groups (positions of group segments). */
export interface Grouping {
  /** The list with groups standing for the parts they hold; `center` (the other end of a star) may be counted in for free; ties go to namespaces unless `preferCluster`. */
  compact(list: readonly number[], center?: number, preferCluster?: boolean): number[];
  /** Does the list (with `center` for free) hold every in-cluster part? */
  coversCluster(list: readonly number[], center: number): boolean;
}

/** No groups: every list as it is. */
export const NO_GROUPS: Grouping = { compact: (list) => [...list], coversCluster: () => false };

/** Edge indices by (from, to, index): two stable counting sorts, by `to` then by `from` (positions are below n). */
function sortedEdges(e: EdgeList, n: number): Int32Array {
  const N = e.length;
  const pass = (order: Int32Array | undefined, key: Int32Array): Int32Array => {
    const start = new Int32Array(n + 1);
    for (let i = 0; i < N; i++) start[key[i]! + 1]!++;
    for (let k = 0; k < n; k++) start[k + 1]! += start[k]!;
    const out = new Int32Array(N);
    for (let k = 0; k < N; k++) {
      const i = order ? order[k]! : k;
      out[start[key[i]!]!++] = i;
    }
    return out;
  };
  return pass(pass(undefined, e.to), e.from);
}

/** A map key for a list of positions with a port id (lists of numbers, so the join is unambiguous). */
function listKey(list: readonly number[], port: number): string {
  return `${list.join(',')}|${port}`;
}

/**
 * Flows in few lines. First the stars into a destination that the whole cluster reaches on the same
 * ports (a namespace open to everything is one flow from the cluster and the outside), merged per source
 * list and port set; then, for the other connections, per source and port set the destinations, then per
 * destination list and port set the sources. Each list is written with its groups. Exact either way: a
 * flow allows its ports from each source to each destination it lists, and a group names exactly the
 * parts it replaces. `names` and `ports` give each position's name and each port id's list.
 */
export function mergeEdgeFlows(e: EdgeList, names: readonly string[], ports: ReadonlyArray<readonly string[] | null>, g: Grouping = NO_GROUPS): DraftFlow[] {
  const N = e.length;
  const P = ports.length + 1;
  const sorted = sortedEdges(e, names.length);
  const nameList = (l: readonly number[]): string[] => l.map((x) => names[x]!);

  const destIndex = new Map<number, number>();
  const dests: Array<{ to: number; port: number; from: number[] }> = [];
  for (let k = 0; k < N; k++) {
    const i = sorted[k]!;
    const key = e.to[i]! * P + e.port[i]!;
    const d = destIndex.get(key);
    if (d !== undefined) dests[d]!.from.push(e.from[i]!);
    else {
      destIndex.set(key, dests.length);
      dests.push({ to: e.to[i]!, port: e.port[i]!, from: [e.from[i]!] });
    }
  }
  const starred = new Set<number>();
  const stars = new Map<string, { from: number[]; to: number[]; port: number }>();
  for (const f of dests) {
    if (!g.coversCluster(f.from, f.to)) continue;
    starred.add(f.to * P + f.port);
    const from = g.compact(f.from, f.to, true);
    const sk = listKey(from, f.port);
    const st = stars.get(sk);
    if (st) st.to.push(f.to);
    else stars.set(sk, { from, to: [f.to], port: f.port });
  }

  const sourceIndex = new Map<number, number>();
  const sources: Array<{ from: number; port: number; to: number[] }> = [];
  for (let k = 0; k < N; k++) {
    const i = sorted[k]!;
    if (starred.size > 0 && starred.has(e.to[i]! * P + e.port[i]!)) continue;
    const key = e.from[i]! * P + e.port[i]!;
    const s = sourceIndex.get(key);
    if (s !== undefined) sources[s]!.to.push(e.to[i]!);
    else {
      sourceIndex.set(key, sources.length);
      sources.push({ from: e.from[i]!, port: e.port[i]!, to: [e.to[i]!] });
    }
  }
  const byTargets = new Map<string, { from: number[]; to: number[]; port: number }>();
  for (const f of sources) {
    const to = g.compact(f.to, f.from);
    const k = listKey(to, f.port);
    const t = byTargets.get(k);
    if (t) t.from.push(f.from);
    else byTargets.set(k, { from: [f.from], to, port: f.port });
  }
  const flows: DraftFlow[] = [];
  for (const f of stars.values()) flows.push({ from: nameList(f.from), to: nameList(g.compact(f.to)), ports: ports[f.port]! as string[] | null });
  for (const f of byTargets.values()) flows.push({ from: nameList(g.compact(f.from)), to: nameList(f.to), ports: ports[f.port]! as string[] | null });
  return flows;
}
