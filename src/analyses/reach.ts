/** Reachability listing: which endpoint reaches which, on which ports, at workload or pod level. */
import type { Analysis } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import { ALL_ID, NONE_ID } from '../engine/port-table.js';
import { clusterEndpoints, endpointMatcher, externalEndpoint, type Endpoint, type Level, type ResolvedEndpoint } from './endpoints.js';
import { lex } from '../util/compare.js';

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

/** A reach result whose connections are produced on demand, sorted, never all held in memory. */
export interface ReachStream {
  readonly level: Level;
  /** Cluster endpoints, then the external blocks that appear in some connection (as in ReachResult). */
  readonly endpoints: readonly Endpoint[];
  /** The connections, sorted by source then destination id; each call starts over. */
  connections(): IterableIterator<Connection>;
  /** How many connections there are, without building them. */
  count(): number;
}

interface Node {
  readonly e: ResolvedEndpoint;
  /** Matrix columns: behaviour ids, or size + block index for external blocks. */
  readonly cols: Int32Array;
  readonly external: boolean;
}

/** Prepares the streamed reach listing: endpoints resolved to matrix columns, filters applied. */
export function streamReach(a: Analysis, opts: ReachOptions = {}): ReachStream {
  const level = opts.level ?? 'workload';
  const m = a.matrix;
  const t = a.ports;
  const B = m.size;
  const cluster = clusterEndpoints(a, level);
  const blocks = a.externals();
  const externals = blocks.map(externalEndpoint);
  const fromOk = opts.from ? endpointMatcher(opts.from) : () => true;
  const toOk = opts.to ? endpointMatcher(opts.to) : () => true;
  const filterId = opts.ports ? t.id(opts.ports) : ALL_ID;
  const nodes: Node[] = [];
  for (const e of cluster) {
    const cols = [...new Set(e.targets.map((x) => (x.kind === 'class' ? m.behaviourOf[x.index]! : -1)))].sort((p, q) => p - q);
    nodes.push({ e, cols: Int32Array.from(cols), external: false });
  }
  externals.forEach((e, x) => nodes.push({ e, cols: Int32Array.of(B + x), external: true }));
  const order = nodes.slice().sort((x, y) => lex(x.e.endpoint.id, y.e.endpoint.id));
  const srcs = order.filter((x) => fromOk(x.e.endpoint));
  const dsts = order.filter((x) => toOk(x.e.endpoint));
  // Outside blocks only pair with cluster endpoints: their rows never look at other blocks.
  const clusterDsts = dsts.filter((x) => !x.external);
  const width = B + blocks.length;

  /** The row of port ids from a source node to every column (for a block: to every behaviour only). */
  const rowOf = (s: Node, row: Uint32Array, tmp: Uint32Array): void => {
    if (s.external) {
      m.blockRowInto(s.cols[0]! - B, row);
      return;
    }
    m.rowInto(s.cols[0]!, row);
    for (let k = 1; k < s.cols.length; k++) {
      m.rowInto(s.cols[k]!, tmp);
      for (let j = 0; j < width; j++) row[j] = t.union(row[j]!, tmp[j]!);
    }
  };
  const cellOf = (row: Uint32Array, d: Node): number => {
    let id = row[d.cols[0]!]!;
    for (let k = 1; k < d.cols.length; k++) id = t.union(id, row[d.cols[k]!]!);
    return filterId === ALL_ID ? id : t.meet(id, filterId);
  };

  /** Yields every allowed pair, sorted by source then destination id. */
  function* pairs(): Generator<[Node, Node, number]> {
    const row = new Uint32Array(width);
    const tmp = new Uint32Array(width);
    let rowFor: Int32Array | undefined;
    for (const s of srcs) {
      if (!rowFor || rowFor.length !== s.cols.length || rowFor.some((c, k) => c !== s.cols[k])) {
        rowOf(s, row, tmp);
        rowFor = s.cols;
      }
      for (const d of s.external ? clusterDsts : dsts) {
        if (d === s) continue;
        const id = cellOf(row, d);
        if (id !== NONE_ID) yield [s, d, id];
      }
    }
  }

  // External blocks are listed only when some connection names them.
  const used = new Set<Node>();
  const row = new Uint32Array(width);
  const tmp = new Uint32Array(width);
  for (const s of srcs) {
    if (s.external) {
      rowOf(s, row, tmp);
      if (clusterDsts.some((d) => cellOf(row, d) !== NONE_ID)) used.add(s);
    }
  }
  const extDsts = dsts.filter((d) => d.external && !used.has(d));
  if (extDsts.length > 0) {
    let rowFor: Int32Array | undefined;
    for (const s of srcs) {
      if (s.external) continue;
      if (!rowFor || rowFor.length !== s.cols.length || rowFor.some((c, k) => c !== s.cols[k])) {
        rowOf(s, row, tmp);
        rowFor = s.cols;
      }
      for (const d of extDsts) if (!used.has(d) && cellOf(row, d) !== NONE_ID) used.add(d);
    }
  }
  const endpoints = [...cluster.map((e) => e.endpoint), ...nodes.filter((x) => x.external && used.has(x)).map((x) => x.e.endpoint)];

  return {
    level,
    endpoints,
    *connections() {
      for (const [s, d, id] of pairs()) yield { src: s.e.endpoint.id, dst: d.e.endpoint.id, conns: t.get(id) };
    },
    count() {
      const tm0 = new Uint32Array(width);
      // Typed arrays only in the inner loop: at workload level this visits every pair.
      const nd = dsts.length;
      const col = new Int32Array(nd);
      const single = new Uint8Array(nd);
      dsts.forEach((d, k) => {
        col[k] = d.cols[0]!;
        single[k] = d.cols.length === 1 && filterId === ALL_ID ? 1 : 0;
      });
      const inDsts = new Set(dsts);
      // Destinations with one column are counted per column through the matrix's sparse rows, once per
      // source behaviour; only endpoints spanning several behaviours are visited pair by pair.
      const weights = new Float64Array(width);
      const multi: number[] = [];
      for (let k = 0; k < nd; k++) {
        if (single[k]) weights[col[k]!]! += 1;
        else multi.push(k);
      }
      const clusterMulti = multi.filter((k) => !dsts[k]!.external);
      if (filterId === ALL_ID) {
        const baseW = m.baseWeight(weights);
        const perBehaviour = new Map<number, number>();
        const selfOk = new Map<number, boolean>();
        const r1 = new Uint32Array(width);
        let n = 0;
        for (const s of srcs) {
          let c: number;
          if (s.external) {
            // A block's row covers behaviours only; it pairs with no block, itself included.
            rowOf(s, r1, r1);
            c = 0;
            for (let b = 0; b < B; b++) if (r1[b] !== NONE_ID) c += weights[b]!;
            for (const k of clusterMulti) if (cellOf(r1, dsts[k]!) !== NONE_ID) c++;
            n += c;
            continue;
          } else if (s.cols.length === 1) {
            const b = s.cols[0]!;
            let cached = perBehaviour.get(b);
            if (cached === undefined) {
              cached = m.rowWeight(b, weights, baseW, r1);
              perBehaviour.set(b, cached);
              // Whether a single-column endpoint reaches itself (the pair never listed) is this cell.
              selfOk.set(b, r1[b] !== NONE_ID);
            } else if (multi.length > 0) m.rowInto(b, r1);
            c = cached;
            for (const k of multi) if (cellOf(r1, dsts[k]!) !== NONE_ID) c++;
            if (inDsts.has(s) && selfOk.get(b)) c--;
            n += c;
            continue;
          } else {
            rowOf(s, r1, tm0);
            c = 0;
            for (let k = 0; k < nd; k++) if (single[k] && r1[col[k]!] !== NONE_ID) c++;
          }
          for (const k of multi) if (cellOf(r1, dsts[k]!) !== NONE_ID) c++;
          if (inDsts.has(s) && cellOf(r1, s) !== NONE_ID) c--;
          n += c;
        }
        return n;
      }
      let n = 0;
      const r = new Uint32Array(width);
      const tm = new Uint32Array(width);
      let rowFor: Int32Array | undefined;
      for (const s of srcs) {
        if (!rowFor || rowFor.length !== s.cols.length || rowFor.some((c, k) => c !== s.cols[k])) {
          rowOf(s, r, tm);
          rowFor = s.cols;
        }
        let c = 0;
        if (s.external) {
          for (const d of clusterDsts) if (cellOf(r, d) !== NONE_ID) c++;
          n += c;
          continue;
        }
        for (let k = 0; k < nd; k++) {
          if (single[k]) {
            if (r[col[k]!] !== NONE_ID) c++;
          } else if (cellOf(r, dsts[k]!) !== NONE_ID) c++;
        }
        if (inDsts.has(s) && cellOf(r, s) !== NONE_ID) c--;
        n += c;
      }
      return n;
    },
  };
}

/** Computes the connection list; deterministic and sorted by source then destination id. */
export function computeReach(a: Analysis, opts: ReachOptions = {}): ReachResult {
  const s = streamReach(a, opts);
  return { level: s.level, endpoints: s.endpoints, connections: [...s.connections()] };
}

/**
 * The number of allowed pod-level connections (pod pairs, and pod/external-block pairs), computed on
 * behaviour classes without listing a single pair: 10^10 pod pairs cost one matrix pass.
 */
export function podConnectionCount(a: Analysis): number {
  const m = a.matrix;
  const B = m.size;
  const X = m.blocks.length;
  const w = new Float64Array(B + X);
  for (const c of a.layer.classes) w[m.behaviourOf[c.index]!] += c.pods.length;
  const pods = w.slice(0, B);
  w.fill(1, B);
  const base = m.baseWeight(w);
  const row = new Uint32Array(B + X);
  let n = 0;
  for (let s = 0; s < B; s++) {
    if (pods[s] === 0) continue;
    let reach = m.rowWeight(s, w, base, row);
    if (row[s] !== NONE_ID) reach -= 1; // a pod never lists itself
    n += pods[s]! * reach;
  }
  for (let x = 0; x < X; x++) {
    m.blockRowInto(x, row);
    for (let d = 0; d < B; d++) if (row[d] !== NONE_ID) n += pods[d]!;
  }
  return n;
}
