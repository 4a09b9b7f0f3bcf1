/** Reachability listing: which endpoint reaches which, on which ports, at workload or pod level. */
import type { Analysis } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import { ALL_ID, NONE_ID } from '../engine/port-table.js';
import type { ExternalBlock } from '../engine/index.js';
import { addressRange, clusterEndpoints, endpointMatcher, externalEndpoint, noMatch, type Endpoint, type Level, type ResolvedEndpoint } from './endpoints.js';
import type { Exposure } from './exposure.js';
import { fullRange, rangeToCidrs, type Family, type IpRange } from '../model/address.js';
import { lex } from '../util/compare.js';

export interface Connection {
  readonly src: string;
  readonly dst: string;
  readonly conns: PortSet;
  /**
   * 'same-node': allowed only if the (hostNetwork) source runs on the destination's node, which the input
   * does not say (the node rule). Then `conns` is everything allowed in that case; a connection without a
   * condition for the same pair, listed just before, is what is allowed regardless.
   */
  readonly condition?: 'same-node';
  /** At namespace or segment level (reach-aggregate.ts): the workload pairs behind the line. */
  readonly aggregate?: Aggregate;
}

/**
 * What an aggregate line stands for: `pairs` workload pairs (an outside end counts as one) of the `of` in
 * the two groups have a connection; `all` when every one of them has every port of the line.
 */
export interface Aggregate {
  readonly pairs: number;
  readonly of: number;
  readonly coverage: 'all' | 'some';
}

/** The levels of a listing: endpoints as they are, or summed by namespace or intent segment. */
export type ReachLevel = Level | 'namespace' | 'segment';

export interface ReachResult {
  readonly level: ReachLevel;
  readonly endpoints: readonly Endpoint[];
  readonly connections: readonly Connection[];
  /** Every outside address the analysis models, as CIDRs (what `internet` stands for; see outside-merge.ts). */
  readonly outsideSpace?: readonly string[];
  /** With --exposure: potential connections with endpoints beyond the input (see exposure.ts). */
  readonly exposure?: { readonly wholeCluster: boolean; readonly items: readonly Exposure[] };
  /** Outside ends already named as reports name them (an aggregate: merging again would lose its counts). */
  readonly outsideMerged?: boolean;
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
  readonly level: ReachLevel;
  /** Cluster endpoints, then the external blocks that appear in some connection (as in ReachResult). */
  readonly endpoints: readonly Endpoint[];
  /** Every outside address the analysis models, as CIDRs (as in ReachResult). */
  readonly outsideSpace?: readonly string[];
  /** The connections, sorted by source then destination id; each call starts over. */
  connections(): IterableIterator<Connection>;
  /** How many connections there are, without building them. */
  count(): number;
  /** Only the connections with an outside block at one end, in the same order: a few rows, not every pair. */
  outsideConnections?(): IterableIterator<Connection>;
  /** As in ReachResult. */
  readonly outsideMerged?: boolean;
  /**
   * The same connections packed source by source, for writers that render each end and port set once;
   * with `outsideOnly`, those of outsideConnections; with `clusterSources`, without the runs of outside sources.
   */
  packed?(outsideOnly?: boolean, clusterSources?: boolean): PackedListing;
}

/** One source's connections (see PackedListing): the first `n` entries of the arrays, reused from run to run. */
export interface PairRun {
  readonly src: string;
  readonly n: number;
  /** Destinations, as positions in the listing's `ends`. */
  readonly dst: Int32Array;
  /** Port ids (the listing's `ports` turns one into its PortSet). */
  readonly conn: Uint32Array;
  /** 1 where the connection holds only from the same node (Connection.condition). */
  readonly sameNode: Uint8Array;
  /**
   * Within one pass of runs(): runs with the same shape have the same n, dst, conn and sameNode (their
   * sources differ), so a consumer may work a shape out once (outside-merge.ts). Undefined: no such promise.
   */
  readonly shape?: number | undefined;
}

/**
 * A listing as runs of one source each, in listing order: no object per connection. `ends` names the
 * destinations by position; it may grow while the runs are read (outside-merge.ts adds merged names).
 */
export interface PackedListing {
  readonly ends: readonly string[];
  ports(id: number): PortSet;
  /** The runs; each call starts over, and a run is valid until the next one is asked for. */
  runs(): Iterator<PairRun> & Iterable<PairRun>;
}

/** A packed listing's connections, one object each. */
export function* unpacked(p: PackedListing): Generator<Connection> {
  for (const r of p.runs()) {
    for (let k = 0; k < r.n; k++) {
      const c = { src: r.src, dst: p.ends[r.dst[k]!]!, conns: p.ports(r.conn[k]!) };
      yield r.sameNode[k] ? { ...c, condition: 'same-node' as const } : c;
    }
  }
}

/** One end of the listing as the matrix sees it. */
export interface ReachNode {
  readonly e: ResolvedEndpoint;
  /** Matrix columns: behaviour ids, or size + block index for external blocks. */
  readonly cols: Int32Array;
  readonly external: boolean;
  /** An address family no policy or pod mentions (hence not in the matrix), asked for by --from/--to. */
  readonly unmodelled?: IpRange;
}

/**
 * The listing before any pair: its ends resolved to matrix columns with --from/--to applied, and how to
 * read a source's row and a cell of it. streamReach lists pairs from it; reach-aggregate.ts sums it by group.
 */
export interface ReachPlan {
  readonly level: Level;
  readonly cluster: readonly ResolvedEndpoint[];
  readonly blocks: readonly ExternalBlock[];
  readonly nodes: readonly ReachNode[];
  readonly srcs: readonly ReachNode[];
  readonly dsts: readonly ReachNode[];
  /** Length of a row: behaviours, blocks, unmodelled families. */
  readonly width: number;
  /** Fills `row` with the port ids from `s` to every column (`tmp` is scratch of the same length). */
  rowOf(s: ReachNode, row: Uint32Array, tmp: Uint32Array): void;
  /** rowOf where only the outside columns are filled right (the others are left as they were). */
  outsideRowOf(s: ReachNode, row: Uint32Array, tmp: Uint32Array): void;
  /** The port id from a row's source to `d`, --port applied. */
  cellOf(row: Uint32Array, d: ReachNode): number;
  /** --port applied to a port id. */
  filtered(id: number): number;
  /** True when some source has hostNetwork pods that the node rule lets in where policies select them. */
  readonly nodeRuled: boolean;
  /** True for a source with hostNetwork pods under the node rule: its pairs depend on nodes, not classes. */
  hostSource(s: ReachNode): boolean;
}

/** Prepares the streamed reach listing: endpoints resolved to matrix columns, filters applied. */
export function streamReach(a: Analysis, opts: ReachOptions = {}): ReachStream {
  return streamOf(a, planReach(a, opts));
}

/** Resolves the listing's ends to matrix columns and applies --from/--to (see ReachPlan). */
export function planReach(a: Analysis, opts: ReachOptions = {}): ReachPlan {
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
  const nodes: ReachNode[] = [];
  for (const e of cluster) {
    const cols = [...new Set(e.targets.map((x) => (x.kind === 'class' ? m.behaviourOf[x.index]! : -1)))].sort((p, q) => p - q);
    nodes.push({ e, cols: Int32Array.from(cols), external: false });
  }
  externals.forEach((e, x) => nodes.push({ e, cols: Int32Array.of(B + x), external: true }));
  // An IPv6 --from/--to in an input that never mentions IPv6: that whole family is one block no rule cuts,
  // answered by the engine directly (as explain and blast answer it) rather than matching nothing.
  const families = new Set(blocks.map((b) => b.range.family));
  const unmodelled: IpRange[] = [];
  for (const spec of [opts.from, opts.to]) {
    const r = spec === undefined ? undefined : addressRange(spec);
    if (r && !families.has(r.family) && !unmodelled.some((u) => u.family === r.family)) unmodelled.push(fullRange(r.family as Family));
  }
  const width = B + blocks.length + unmodelled.length;
  unmodelled.forEach((range, v) => nodes.push({ e: externalEndpoint({ range }), cols: Int32Array.of(B + blocks.length + v), external: true, unmodelled: range }));
  const order = nodes.slice().sort((x, y) => lex(x.e.endpoint.id, y.e.endpoint.id));
  const srcs = order.filter((x) => fromOk(x.e.endpoint));
  const dsts = order.filter((x) => toOk(x.e.endpoint));
  if (opts.from !== undefined && srcs.length === 0) throw noMatch(a, opts.from);
  if (opts.to !== undefined && dsts.length === 0) throw noMatch(a, opts.to);

  /** The row of port ids from a source node to every column (for a block: to every behaviour only). */
  const rowOf = (s: ReachNode, row: Uint32Array, tmp: Uint32Array): void => {
    if (s.unmodelled) {
      for (let d = 0; d < B; d++) row[d] = a.allowedId({ kind: 'address', range: s.unmodelled }, { kind: 'class', index: m.repClass[d]! });
      return;
    }
    if (s.external) {
      m.blockRowInto(s.cols[0]! - B, row);
      return;
    }
    m.rowInto(s.cols[0]!, row);
    for (let k = 1; k < s.cols.length; k++) {
      m.rowInto(s.cols[k]!, tmp);
      for (let j = 0; j < width; j++) row[j] = t.union(row[j]!, tmp[j]!);
    }
    unmodelled.forEach((range, v) => {
      let id = NONE_ID;
      for (const b of s.cols) id = t.union(id, a.allowedId({ kind: 'class', index: m.repClass[b]! }, { kind: 'address', range }));
      row[B + blocks.length + v] = id;
    });
  };
  /** rowOf at the outside columns only (blocks, unmodelled families), for a cluster source. */
  const outsideRowOf = (s: ReachNode, row: Uint32Array, tmp: Uint32Array): void => {
    if (s.external) {
      rowOf(s, row, tmp);
      return;
    }
    m.blocksInto(s.cols[0]!, row);
    for (let k = 1; k < s.cols.length; k++) {
      m.blocksInto(s.cols[k]!, tmp);
      for (let j = B; j < B + blocks.length; j++) row[j] = t.union(row[j]!, tmp[j]!);
    }
    unmodelled.forEach((range, v) => {
      let id = NONE_ID;
      for (const b of s.cols) id = t.union(id, a.allowedId({ kind: 'class', index: m.repClass[b]! }, { kind: 'address', range }));
      row[B + blocks.length + v] = id;
    });
  };
  const cellOf = (row: Uint32Array, d: ReachNode): number => {
    let id = row[d.cols[0]!]!;
    for (let k = 1; k < d.cols.length; k++) id = t.union(id, row[d.cols[k]!]!);
    return filterId === ALL_ID ? id : t.meet(id, filterId);
  };

  // The node rule: a hostNetwork source is admitted by ingress-isolated pods on its node, on every port.
  const nodeRuled = a.nodeRule.active && srcs.some((s) => !s.external && s.e.pods.some((id) => a.pod(id)?.hostNetwork));
  const filtered = (id: number): number => (filterId === ALL_ID ? id : t.meet(id, filterId));
  const hostSource = (s: ReachNode): boolean => nodeRuled && !s.external && s.e.pods.some((id) => a.pod(id)?.hostNetwork);
  return { level, cluster, blocks, nodes, srcs, dsts, width, rowOf, outsideRowOf, cellOf, filtered, nodeRuled, hostSource };
}

/** The listing of a plan: pairs produced on demand, counted on behaviours. */
function streamOf(a: Analysis, plan: ReachPlan): ReachStream {
  const { level, cluster, blocks, nodes, srcs, dsts, width, rowOf, outsideRowOf, cellOf, filtered, nodeRuled } = plan;
  const m = a.matrix;
  const B = m.size;
  const t = a.ports;
  const filterId = filtered(ALL_ID);
  const unmodelled = nodes.filter((x) => x.unmodelled);
  const clusterDsts = dsts.filter((x) => !x.external);

  const outsideDsts = dsts.filter((x) => x.external);
  const outsidePos = dsts.flatMap((x, k) => (x.external ? [k] : []));

  const ends = dsts.map((d) => d.e.endpoint.id);
  const dstPos = new Map(dsts.map((d, k) => [d, k]));
  // Per destination position: its first column, and 1 where that column alone is its cell (see cellOf).
  const col0 = Int32Array.from(dsts, (d) => d.cols[0]!);
  const plain = Uint8Array.from(dsts, (d) => (d.cols.length === 1 && filterId === ALL_ID ? 1 : 0));
  const allPos = dsts.map((_, k) => k);
  const clusterPos = allPos.filter((k) => !dsts[k]!.external);

  /**
   * Yields every allowed pair, source by source (sorted by source then destination id), packed in one
   * reused run; a pair allowed only from the same node is flagged. With `outsideOnly`, only the pairs with
   * an outside block (a few rows' worth).
   */
  function* runs(outsideOnly = false, clusterSources = false): Generator<PairRun> {
    const row = new Uint32Array(width);
    const tmp = new Uint32Array(width);
    // A destination at most twice: what is allowed regardless, then what only from the same node.
    const run = { src: '', n: 0, dst: new Int32Array(2 * dsts.length), conn: new Uint32Array(2 * dsts.length), sameNode: new Uint8Array(2 * dsts.length), shape: undefined as number | undefined };
    let rowFor: Int32Array | undefined;
    let cand: Int32Array | undefined;
    // Outside ends only: a one-column cluster source's run is a function of its behaviour's block profile
    // (the same for every behaviour of the profile, ReachMatrix.blockProfile), so it is made once per profile
    // and copied, its shape the profile. Not with an unmodelled family, whose cells are per behaviour.
    const shapes = outsideOnly && unmodelled.length === 0 ? new Map<number, { n: number; dst: Int32Array; conn: Uint32Array; sameNode: Uint8Array }>() : undefined;
    for (const s of srcs) {
      if ((outsideOnly && !s.external && outsideDsts.length === 0) || (clusterSources && s.external)) continue;
      const shape = shapes && !s.external && s.cols.length === 1 ? m.blockProfile('egress', s.cols[0]!) : undefined;
      const saved = shape === undefined ? undefined : shapes!.get(shape);
      if (saved) {
        if (saved.n === 0) continue;
        run.dst.set(saved.dst);
        run.conn.set(saved.conn);
        run.sameNode.set(saved.sameNode);
        ((run.src = s.e.endpoint.id), (run.n = saved.n), (run.shape = shape));
        yield run;
        continue;
      }
      const hostSrc = plan.hostSource(s);
      // A cluster source (no node rule) visits only the destinations its row can allow: see `candidates`.
      const sparse = !s.external && !hostSrc && !outsideOnly;
      if (!rowFor || rowFor.length !== s.cols.length || rowFor.some((c, k) => c !== s.cols[k]) || (sparse && !cand)) {
        if (sparse) cand = candidates(s, row, tmp);
        else {
          // Outside ends only: a cluster source's row is read at its outside columns alone.
          (outsideOnly ? outsideRowOf : rowOf)(s, row, tmp);
          cand = undefined;
        }
        rowFor = s.cols;
      }
      let n = 0;
      if (sparse) {
        // cellOf, read from flat arrays for a one-column destination without --port (most of them).
        const self = dstPos.get(s) ?? -1;
        for (let k = 0; k < cand!.length; k++) {
          const p = cand![k]!;
          if (p === self) continue;
          const id = plain[p] ? row[col0[p]!]! : cellOf(row, dsts[p]!);
          if (id !== NONE_ID) ((run.dst[n] = p), (run.conn[n] = id), (run.sameNode[n++] = 0));
        }
      } else if (!hostSrc) {
        // Without the node rule, cellOf alone decides (read from flat arrays, as above): the rows of
        // outside sources, and the outside ends of cluster sources.
        const self = dstPos.get(s) ?? -1;
        for (const p of s.external ? clusterPos : outsideOnly ? outsidePos : allPos) {
          if (p === self) continue;
          const id = plain[p] ? row[col0[p]!]! : cellOf(row, dsts[p]!);
          if (id !== NONE_ID) ((run.dst[n] = p), (run.conn[n] = id), (run.sameNode[n++] = 0));
        }
      } else {
        for (const p of s.external ? clusterPos : outsideOnly ? outsidePos : allPos) {
          const d = dsts[p]!;
          if (d === s) continue;
          let id = cellOf(row, d);
          const rel = hostSrc && !d.external ? a.nodeGrant(s.e.pods, d.e.pods) : undefined;
          if (rel === 'same-node') id = filtered(ALL_ID);
          if (id !== NONE_ID) ((run.dst[n] = p), (run.conn[n] = id), (run.sameNode[n++] = 0));
          if (rel === 'possibly-same-node' && id !== filtered(ALL_ID)) ((run.dst[n] = p), (run.conn[n] = filtered(ALL_ID)), (run.sameNode[n++] = 1));
        }
      }
      if (shape !== undefined) shapes!.set(shape, { n, dst: run.dst.slice(0, n), conn: run.conn.slice(0, n), sameNode: run.sameNode.slice(0, n) });
      if (n === 0) continue;
      run.src = s.e.endpoint.id;
      run.n = n;
      run.shape = shape;
      yield run;
    }
  }

  // Sparse rows: a matrix row equals its default (the ingress base when fromBase, else nothing) but where
  // it is touched. So a cluster source lists, in order, the destinations whose default allows something
  // (fromBase), those holding a touched behaviour, and the outside ones: O(output + touched), not O(dsts).
  const invDst: number[][] = Array.from({ length: B }, () => []);
  const baseCand: number[] = [];
  const baseRow = m.ingressBase;
  dsts.forEach((d, k) => {
    if (d.external) {
      baseCand.push(k);
      return;
    }
    let v = NONE_ID;
    for (const b of d.cols) {
      invDst[b]!.push(k);
      v = t.union(v, baseRow[b]!);
    }
    if (filtered(v) !== NONE_ID) baseCand.push(k);
  });
  const mark = new Uint8Array(dsts.length);
  /** Fills `row` for a cluster source and returns the positions in `dsts` it must visit, increasing. */
  function candidates(s: ReachNode, row: Uint32Array, tmp: Uint32Array): Int32Array {
    const first = m.rowInto(s.cols[0]!, row);
    let fromBase = first.fromBase;
    const touched = first.touched;
    const more: number[] = [];
    for (let k = 1; k < s.cols.length; k++) {
      const r = m.rowInto(s.cols[k]!, tmp);
      fromBase ||= r.fromBase;
      for (const d of r.touched) more.push(d);
      for (let j = 0; j < width; j++) row[j] = t.union(row[j]!, tmp[j]!);
    }
    unmodelled.forEach((u, v) => {
      let id = NONE_ID;
      for (const b of s.cols) id = t.union(id, a.allowedId({ kind: 'class', index: m.repClass[b]! }, { kind: 'address', range: u.unmodelled! }));
      row[B + blocks.length + v] = id;
    });
    const hit: number[] = [];
    for (const list of [touched, more]) {
      for (const b of list) {
        if (b >= B) continue;
        for (const k of invDst[b]!) if (!mark[k]) ((mark[k] = 1), hit.push(k));
      }
    }
    for (const k of hit) mark[k] = 0;
    const extra = Int32Array.from(hit).sort();
    const start = fromBase ? baseCand : outsidePos;
    const out = new Int32Array(start.length + extra.length);
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < start.length || j < extra.length) {
      const x = i < start.length ? start[i]! : Infinity;
      const y = j < extra.length ? extra[j]! : Infinity;
      if (x <= y) {
        out[n++] = x;
        i++;
        if (x === y) j++;
      } else {
        out[n++] = y;
        j++;
      }
    }
    return out.subarray(0, n);
  }

  /** The listing packed (see ReachStream.packed). */
  function packed(outsideOnly = false, clusterSources = false): PackedListing {
    return { ends, ports: (id) => t.get(id), runs: () => runs(outsideOnly, clusterSources) };
  }

  // External blocks are listed only when some connection names them.
  const used = new Set<ReachNode>();
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
        outsideRowOf(s, row, tmp);
        rowFor = s.cols;
      }
      for (const d of extDsts) if (!used.has(d) && cellOf(row, d) !== NONE_ID) used.add(d);
    }
  }
  const endpoints = [...cluster.map((e) => e.endpoint), ...nodes.filter((x) => x.external && used.has(x)).map((x) => x.e.endpoint)];

  return {
    level,
    endpoints,
    outsideSpace: blocks.flatMap((b) => rangeToCidrs(b.range)),
    connections: () => unpacked(packed()),
    outsideConnections: () => unpacked(packed(true)),
    packed,
    count() {
      if (unmodelled.length > 0) {
        let k = 0;
        for (const r of runs()) k += r.n;
        return k;
      }
      return policyCount() + nodeRuleDelta();
    },
  };

  /** What the node rule adds to the policy-only count: from the (few) sources with hostNetwork pods only. */
  function nodeRuleDelta(): number {
    if (!nodeRuled) return 0;
    let n = 0;
    const row = new Uint32Array(width);
    const tmp = new Uint32Array(width);
    for (const s of srcs) {
      if (s.external || !s.e.pods.some((id) => a.pod(id)?.hostNetwork)) continue;
      rowOf(s, row, tmp);
      for (const d of dsts) {
        if (d === s || d.external) continue;
        const rel = a.nodeGrant(s.e.pods, d.e.pods);
        if (rel !== 'same-node' && rel !== 'possibly-same-node') continue;
        const id = cellOf(row, d);
        const before = id !== NONE_ID ? 1 : 0;
        const withRule = rel === 'same-node' ? filtered(ALL_ID) : id;
        const after = (withRule !== NONE_ID ? 1 : 0) + (rel === 'possibly-same-node' && withRule !== filtered(ALL_ID) ? 1 : 0);
        n += after - before;
      }
    }
    return n;
  }

  /** The number of connections the policies alone allow, counted on behaviours. */
  function policyCount(): number {
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
  }
}

/** Computes the connection list; deterministic and sorted by source then destination id. */
export function computeReach(a: Analysis, opts: ReachOptions = {}): ReachResult {
  const s = streamReach(a, opts);
  return { level: s.level, endpoints: s.endpoints, ...(s.outsideSpace ? { outsideSpace: s.outsideSpace } : {}), connections: [...s.connections()] };
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
  // The node rule, pair by pair from the (few) hostNetwork pods: pairs it opens, and pairs listed again
  // with the condition "only from the same node".
  if (a.nodeRule.active) {
    for (const s of a.inventory.pods) {
      if (!s.hostNetwork) continue;
      for (const d of a.inventory.pods) {
        if (d === s) continue;
        const rel = a.podNodeRelation(s.id, d.id);
        if (rel === undefined || rel === 'other-node') continue;
        const policy = a.allowed({ kind: 'class', index: a.classOf(s.id) }, { kind: 'class', index: a.classOf(d.id) });
        if (rel === 'same-node' && policy.isEmpty()) n++;
        if (rel === 'possibly-same-node' && !policy.isAll()) n++;
      }
    }
  }
  return n;
}
