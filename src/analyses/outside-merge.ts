/**
 * Outside addresses that behave alike for a pair are one endpoint. The analysis cuts the outside address
 * space into blocks wherever any rule anywhere cuts it, so one `0.0.0.0/0 except 10.0.0.0/8` rule would
 * list as several blocks, one line each, when an unrelated policy names 203.0.113.0/24. Here, per cluster
 * endpoint and direction, the blocks with the same ports (and condition) become one endpoint named by
 * `outsideName`: `internet`, `internet except 10.0.0.0/8`, or its CIDRs. Every report reads the merged
 * listing, so every format names the outside alike. Nothing is lost or added: each merged connection
 * stands for exactly the (block, peer, ports) triples it replaces.
 *
 * Order: connections stay sorted by source, then destination; outside endpoints sort after cluster ones
 * (by name), both as source and as destination.
 */
import type { Endpoint } from './endpoints.js';
import { unpacked, type Connection, type PackedListing, type PairRun, type ReachResult, type ReachStream } from './reach.js';
import { cidrRanges, outsideName } from './outside.js';
import { fullRange, parseCidr, type Family, type IpRange } from '../model/address.js';
import { lex } from '../util/compare.js';

/** Names outside address sets, each name once: the endpoints a merged listing names. */
class OutsideNames {
  private readonly byName = new Map<string, Endpoint>();
  private readonly byKey = new Map<string, Endpoint>();

  constructor(private readonly universe: readonly IpRange[]) {}

  /** The endpoint for the union of some outside endpoints (their ids joined make the cache key). */
  of(parts: readonly Endpoint[]): Endpoint {
    const key = parts.map((p) => p.id).join('\n');
    let e = this.byKey.get(key);
    if (e) return e;
    const n = outsideName(parts.flatMap((p) => cidrRanges(p.cidrs ?? [])), this.universe);
    e = this.byName.get(n.name) ?? { id: n.name, kind: 'External', cidrs: n.cidrs, ...(n.except ? { except: n.except } : {}) };
    this.byName.set(n.name, e);
    this.byKey.set(key, e);
    return e;
  }

  /** Every outside endpoint named so far, sorted by name. */
  all(): Endpoint[] {
    return [...this.byName.values()].sort((a, b) => lex(a.id, b.id));
  }
}

/** What `internet` stands for: the listing's outside space, else the whole of each family its blocks are in. */
function universeOf(space: readonly string[] | undefined, endpoints: readonly Endpoint[]): IpRange[] {
  if (space) return cidrRanges(space);
  const families = new Set<Family>();
  for (const e of endpoints) if (e.kind === 'External') for (const c of e.cidrs ?? []) families.add(parseCidr(c)?.range.family ?? 4);
  return [...families].sort().map(fullRange);
}

/**
 * A key for what a connection allows: the same key, the same line once merged. Keyed per ports object
 * first, since the engine hands out one object per distinct set and making the key is most of the merge.
 */
function connKeys(): (c: Connection) => string {
  const byConns = new Map<Connection['conns'], string>();
  return (c) => {
    let k = byConns.get(c.conns);
    if (k === undefined) byConns.set(c.conns, (k = c.conns.key()));
    return c.condition ? `${k}|${c.condition}` : `${k}|`;
  };
}

/** Groups outside ends with equal ports, in first-seen order of their ports. */
function groups<T, K>(items: readonly T[], key: (t: T) => K): T[][] {
  const by = new Map<K, T[]>();
  for (const t of items) {
    const k = key(t);
    const l = by.get(k);
    if (l) l.push(t);
    else by.set(k, [t]);
  }
  return [...by.values()];
}

/** One cluster endpoint's connections with outside ends (`end`), merged per ports: one per ports and condition. */
function mergeEnds(list: readonly Connection[], end: 'src' | 'dst', names: OutsideNames, outside: ReadonlyMap<string, Endpoint>, connKey: (c: Connection) => string): Connection[] {
  return groups(list, connKey).map((g) => ({ ...g[0]!, [end]: names.of(g.map((c) => outside.get(c[end])!)).id }));
}

/**
 * Merging piece by piece, as mergeOutside merges a whole listing: `merge` takes one cluster endpoint's
 * connections with outside ends in one direction; `endpoints` are the outside endpoints named so far.
 */
export function outsideMerger(space: readonly string[] | undefined, endpoints: readonly Endpoint[]): { merge(list: readonly Connection[], end: 'src' | 'dst'): Connection[]; endpoints(): Endpoint[] } {
  const names = new OutsideNames(universeOf(space, endpoints));
  const outside = new Map(endpoints.filter((e) => e.kind === 'External').map((e) => [e.id, e]));
  const key = connKeys();
  return { merge: (list, end) => mergeEnds(list, end, names, outside, key), endpoints: () => names.all() };
}

/** The merged connections of a sorted listing (see the module comment); `names` collects the outside endpoints. */
function* mergedConnections(connections: Iterable<Connection>, endpoints: readonly Endpoint[], names: OutsideNames): Generator<Connection> {
  const outside = new Map(endpoints.filter((e) => e.kind === 'External').map((e) => [e.id, e]));
  const key = connKeys();
  // Connections from outside, per destination: written at the end, by name.
  const inbound = new Map<string, Connection[]>();
  let run: Connection[] = [];
  function* flush(): Generator<Connection> {
    const toOutside: Connection[] = [];
    for (const c of run) {
      if (outside.has(c.dst)) toOutside.push(c);
      else yield c;
    }
    yield* mergeEnds(toOutside, 'dst', names, outside, key).sort((a, b) => lex(a.dst, b.dst));
    run = [];
  }
  for (const c of connections) {
    if (outside.has(c.src)) {
      const l = inbound.get(c.dst);
      if (l) l.push(c);
      else inbound.set(c.dst, [c]);
      continue;
    }
    if (run.length > 0 && run[0]!.src !== c.src) yield* flush();
    run.push(c);
  }
  yield* flush();
  const fromOutside: Connection[] = [];
  for (const list of inbound.values()) fromOutside.push(...mergeEnds(list, 'src', names, outside, key));
  yield* fromOutside.sort((a, b) => lex(a.src, b.src) || lex(a.dst, b.dst));
}

/**
 * A map keyed by lists of integers, compared by content: hashing a list costs less than joining it into
 * a string key (a destination reached from hundreds of outside blocks, for every destination).
 */
export class ListMap<V> {
  private readonly by = new Map<number, { key: ArrayLike<number>; value: V }[]>();

  /** `hash`: of a list's first n numbers (tests give one that collides). */
  constructor(private readonly hash: (a: ArrayLike<number>, n: number) => number = hashOf) {}

  /** The value kept for the first `n` numbers of `key`. */
  get(key: ArrayLike<number>, n: number): V | undefined {
    for (const e of this.by.get(this.hash(key, n)) ?? []) if (sameList(e.key, key, n)) return e.value;
    return undefined;
  }

  /** Keeps `value` for the first `n` numbers of `key` (copied when `copy`: a reused buffer). */
  set(key: ArrayLike<number>, n: number, value: V, copy: boolean): void {
    const h = this.hash(key, n);
    const kept = copy ? Array.from({ length: n }, (_, k) => key[k]!) : key;
    const l = this.by.get(h);
    if (l) l.push({ key: kept, value });
    else this.by.set(h, [{ key: kept, value }]);
  }
}

function hashOf(a: ArrayLike<number>, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let k = 0; k < n; k++) h = Math.imul(h ^ a[k]!, 0x01000193);
  return h;
}

function sameList(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  if (a.length !== n) return false;
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** A merged connection from outside: its source's name, destination position and port id, same-node flag. */
interface FromOutside {
  readonly src: string;
  readonly dst: number;
  readonly conn: number;
  readonly same: number;
}

/**
 * mergedConnections on a packed listing: the same connections in the same order, packed. A run of a
 * cluster source keeps its cluster ends and gets its outside ends merged, sorted by name, at its end;
 * the runs from outside come last. Merged names are added to `ends` as they are met, and to `names`.
 * `inboundRuns`: where the runs from outside, once merged, are kept (when it has none) or read from (when
 * it has them: then `p` need not list outside sources, and its runs of outside sources are ignored).
 */
function mergedPacked(p: PackedListing, endpoints: readonly Endpoint[], universe: readonly IpRange[], given?: OutsideNames, inboundRuns?: { value?: FromOutside[] }): PackedListing {
  const outside = new Map(endpoints.filter((e) => e.kind === 'External').map((e) => [e.id, e]));
  const ends = [...p.ends];
  const base = p.ends.length;
  const isOutside = Uint8Array.from(p.ends, (id) => (outside.has(id) ? 1 : 0));
  function* runs(): Generator<PairRun> {
    const names = given ?? new OutsideNames(universe);
    const positions = new Map<string, number>();
    /** The position of a merged outside name in `ends`. */
    const positionOf = (id: string): number => {
      let k = positions.get(id);
      if (k === undefined) {
        k = ends.indexOf(id, base);
        if (k < 0) k = ends.push(id) - 1;
        positions.set(id, k);
      }
      return k;
    };
    // Many sources (destinations) have the same outside ends with the same ports: merged once per
    // distinct list of (end, ports key) in order, written as flat triples (end, port id, same-node flag).
    const toCache = new ListMap<number[]>();
    // Runs of one shape (PairRun.shape) come out the same: merged once, then copied.
    const byShape = new Map<number, { n: number; dst: Int32Array; conn: Uint32Array; sameNode: Uint8Array }>();
    const fromCache = new ListMap<{ src: string; conn: number; same: number }[]>();
    // A run's outside ends as (end, ports key) pairs: the key of toCache.
    let sig = new Int32Array(0);
    let cap = 0;
    let out = { src: '', n: 0, dst: new Int32Array(0), conn: new Uint32Array(0), sameNode: new Uint8Array(0) };
    // Connections from outside, per destination position, as flat (source, port id, flag) triples:
    // written at the end, by name.
    const fromIds: string[] = [];
    const inbound = new Map<number, number[]>();
    const known = inboundRuns?.value;
    for (const r of p.runs()) {
      if (outside.has(r.src)) {
        if (known) continue;
        const i = fromIds.push(r.src) - 1;
        for (let k = 0; k < r.n; k++) {
          const d = r.dst[k]!;
          const l = inbound.get(d);
          if (l) l.push(i, r.conn[k]!, r.sameNode[k]!);
          else inbound.set(d, [i, r.conn[k]!, r.sameNode[k]!]);
        }
        continue;
      }
      if (r.n > cap) {
        cap = Math.max(r.n, 2 * cap);
        out = { src: '', n: 0, dst: new Int32Array(cap), conn: new Uint32Array(cap), sameNode: new Uint8Array(cap) };
        sig = new Int32Array(2 * cap);
      }
      const done = r.shape === undefined ? undefined : byShape.get(r.shape);
      if (done) {
        out.dst.set(done.dst);
        out.conn.set(done.conn);
        out.sameNode.set(done.sameNode);
        ((out.src = r.src), (out.n = done.n));
        yield out;
        continue;
      }
      let n = 0;
      let m = 0;
      for (let k = 0; k < r.n; k++) {
        if (isOutside[r.dst[k]!]) ((sig[m++] = r.dst[k]!), (sig[m++] = r.conn[k]! * 2 + r.sameNode[k]!));
        else ((out.dst[n] = r.dst[k]!), (out.conn[n] = r.conn[k]!), (out.sameNode[n++] = r.sameNode[k]!));
      }
      if (m > 0) {
        let merged = toCache.get(sig, m);
        if (!merged) {
          const ks: number[] = [];
          for (let k = 0; k < r.n; k++) if (isOutside[r.dst[k]!]) ks.push(k);
          const named = groups(ks, (k) => r.conn[k]! * 2 + r.sameNode[k]!)
            .map((g) => ({ k: g[0]!, dst: names.of(g.map((k) => outside.get(p.ends[r.dst[k]!]!)!)).id }))
            .sort((x, y) => lex(x.dst, y.dst));
          toCache.set(sig, m, (merged = named.flatMap((g) => [positionOf(g.dst), r.conn[g.k]!, r.sameNode[g.k]!])), true);
        }
        for (let j = 0; j < merged.length; j += 3) ((out.dst[n] = merged[j]!), (out.conn[n] = merged[j + 1]!), (out.sameNode[n++] = merged[j + 2]!));
      }
      if (r.shape !== undefined) byShape.set(r.shape, { n, dst: out.dst.slice(0, n), conn: out.conn.slice(0, n), sameNode: out.sameNode.slice(0, n) });
      out.src = r.src;
      out.n = n;
      yield out;
    }
    const fromOutside: FromOutside[] = known ?? [];
    if (!known) {
      for (const [d, list] of inbound) {
        let merged = fromCache.get(list, list.length);
        if (!merged) {
          const ks = Array.from({ length: list.length / 3 }, (_, j) => 3 * j);
          merged = groups(ks, (j) => list[j + 1]! * 2 + list[j + 2]!).map((g) => ({ src: names.of(g.map((j) => outside.get(fromIds[list[j]!]!)!)).id, conn: list[g[0]! + 1]!, same: list[g[0]! + 2]! }));
          fromCache.set(list, list.length, merged, false);
        }
        for (const m of merged) fromOutside.push({ ...m, dst: d });
      }
      fromOutside.sort((x, y) => lex(x.src, y.src) || lex(ends[x.dst]!, ends[y.dst]!));
      if (inboundRuns) inboundRuns.value = fromOutside;
    }
    // One run per outside source name.
    for (let i = 0; i < fromOutside.length; ) {
      let j = i;
      while (j < fromOutside.length && fromOutside[j]!.src === fromOutside[i]!.src) j++;
      const run = { src: fromOutside[i]!.src, n: j - i, dst: new Int32Array(j - i), conn: new Uint32Array(j - i), sameNode: new Uint8Array(j - i) };
      for (let k = i; k < j; k++) ((run.dst[k - i] = fromOutside[k]!.dst), (run.conn[k - i] = fromOutside[k]!.conn), (run.sameNode[k - i] = fromOutside[k]!.same));
      yield run;
      i = j;
    }
  }
  return { ends, ports: (id) => p.ports(id), runs };
}

/** Cluster endpoints as listed, then the outside endpoints the merged connections name. */
function endpointsOf(endpoints: readonly Endpoint[], names: OutsideNames): Endpoint[] {
  return [...endpoints.filter((e) => e.kind !== 'External'), ...names.all()];
}

/** A whole reach result with its outside blocks merged per pair. */
export function mergeOutside(r: ReachResult): ReachResult {
  if (r.outsideMerged) return r;
  const names = new OutsideNames(universeOf(r.outsideSpace, r.endpoints));
  const connections = [...mergedConnections(r.connections, r.endpoints, names)];
  return { ...r, endpoints: endpointsOf(r.endpoints, names), connections };
}

/**
 * A streamed listing with its outside blocks merged per pair. The outside endpoints are known only once
 * the connections with an outside end have been read: `endpoints` and `count()` read them once, when
 * first asked (text and csv never ask), through `outsideConnections` when the listing has it. The count of
 * the listing before the merge is taken only when `count()` is asked (JSON asks for the endpoints alone,
 * and counting every pair of a large cluster costs a pass over the matrix).
 */
export function mergeOutsideStream(s: ReachStream): ReachStream {
  if (s.outsideMerged) return s;
  const universe = universeOf(s.outsideSpace, s.endpoints);
  let endpoints: Endpoint[] | undefined;
  // What the merge adds to the count of the listing (negative: it joins lines), once scanned.
  let delta: number | undefined;
  let count: number | undefined;
  // The runs from outside as the scan merged them: the whole listing reuses them rather than list every
  // outside source's row again (they come out the same: the same pairs, merged by the same rules).
  const inbound: { value?: FromOutside[] } = {};
  const packed = s.packed
    ? (outsideOnly?: boolean): PackedListing => (!outsideOnly && inbound.value ? mergedPacked(s.packed!(false, true), s.endpoints, universe, undefined, inbound) : mergedPacked(s.packed!(outsideOnly), s.endpoints, universe))
    : undefined;
  const scan = (): void => {
    const names = new OutsideNames(universe);
    if (s.packed) {
      // Through the packed merge, on the pairs with an outside end only.
      let before = 0;
      let after = 0;
      const few = s.packed(true);
      const counted: PackedListing = {
        ...few,
        *runs() {
          for (const r of few.runs()) ((before += r.n), yield r);
        },
      };
      for (const r of mergedPacked(counted, s.endpoints, universe, names, inbound).runs()) after += r.n;
      delta = after - before;
    } else if (s.outsideConnections) {
      let before = 0;
      const counted = function* (cs: Iterable<Connection>): Generator<Connection> {
        for (const c of cs) {
          before++;
          yield c;
        }
      };
      let after = 0;
      for (const _ of mergedConnections(counted(s.outsideConnections()), s.endpoints, names)) after++;
      delta = after - before;
    } else {
      count = 0;
      for (const _ of mergedConnections(s.connections(), s.endpoints, names)) count++;
    }
    endpoints = endpointsOf(s.endpoints, names);
  };
  return {
    level: s.level,
    get endpoints(): readonly Endpoint[] {
      if (!endpoints) scan();
      return endpoints!;
    },
    ...(s.outsideSpace ? { outsideSpace: s.outsideSpace } : {}),
    ...(packed ? { packed } : {}),
    connections: () => (packed ? unpacked(packed()) : mergedConnections(s.connections(), s.endpoints, new OutsideNames(universe))),
    ...(s.outsideConnections ? { outsideConnections: () => (packed ? unpacked(packed(true)) : mergedConnections(s.outsideConnections!(), s.endpoints, new OutsideNames(universe))) } : {}),
    count() {
      if (count === undefined && delta === undefined) scan();
      if (count === undefined) count = s.count() + delta!;
      return count;
    },
  };
}
