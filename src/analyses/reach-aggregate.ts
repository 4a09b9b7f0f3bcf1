/**
 * `reach --level namespace|segment`: the workload listing summed by group, computed on the matrix's
 * behaviours rather than by listing workload pairs (a 100k-pod cluster has hundreds of millions of them).
 *
 * Definition (test/reach-aggregate.property.test.ts holds the code to it): take the workload-level listing
 * as reports print it (outside ends merged per pair, -n/-l and --from/--to/--port applied); a line
 * `G => H : ports` stands for its connections from a workload of group G to a workload of group H (an
 * outside end is its own group, named as reach names it), with the same condition; its ports are their
 * union, `pairs` their number, `of` the number of workload pairs the listing is about between G and H, and
 * `coverage` is `all` when every one of those pairs has every port of the line. A workload in several
 * segments counts in each.
 */
import type { Analysis } from '../engine/index.js';
import { ALL_ID, NONE_ID } from '../engine/port-table.js';
import type { PortSet } from '../model/port-set.js';
import { rangeToCidrs } from '../model/address.js';
import { lex } from '../util/compare.js';
import { UserError } from '../util/errors.js';
import type { Endpoint } from './endpoints.js';
import { outsideMerger } from './outside-merge.js';
import { segmentsOf, type Intent } from './intent/index.js';
import { planReach, type Aggregate, type Connection, type ReachNode, type ReachOptions, type ReachStream } from './reach.js';

export type AggregateLevel = 'namespace' | 'segment';

export interface AggregateOptions extends Omit<ReachOptions, 'level'> {
  readonly level: AggregateLevel;
  /** The groups of a workload (its namespace; its segments, or `(unmapped)`). */
  readonly groupsOf: (e: Endpoint) => readonly string[];
  /** -n/-l: pairs with an end it keeps (undefined: every pair). */
  readonly keep?: (e: Endpoint) => boolean;
}

/**
 * Tallies of connections by key (a group pair, a destination slot, a group and an outside name): per key
 * the distinct port ids with their pair counts (the first inline, as most keys have one). Sparse, and only
 * of pairs with a connection: an init intent has a segment per workload, and 20,000 groups make 400
 * million group pairs, few of them connected (pairs without one are counted from the group sizes).
 */
class Tallies<K> {
  private readonly cells = new Map<K, { id: number; w: number; more?: Map<number, number> }>();

  /** Counts `w` pairs of port id `id` at `key`. */
  add(key: K, id: number, w: number): void {
    // A negative w takes back pairs counted before (a row's column that differs from the base row).
    if (w === 0 || id === NONE_ID) return;
    const c = this.cells.get(key);
    if (!c) this.cells.set(key, { id, w });
    else if (c.id === id) c.w += w;
    else {
      const more = (c.more ??= new Map());
      more.set(id, (more.get(id) ?? 0) + w);
    }
  }

  /** The keys counted at (some may have come back to no pair). */
  keys(): IterableIterator<K> {
    return this.cells.keys();
  }

  /** The port ids with a pair at `key`, with their counts. */
  counts(key: K): Array<[number, number]> {
    const c = this.cells.get(key);
    if (!c) return [];
    const out: Array<[number, number]> = c.w > 0 ? [[c.id, c.w]] : [];
    for (const [id, w] of c.more ?? []) if (w > 0) out.push([id, w]);
    return out;
  }
}

/** Tallies per group pair: a row of destination groups per source group, so keys stay small integers. */
class PairTallies {
  private readonly rows: Array<Tallies<number> | undefined>;

  constructor(groups: number) {
    this.rows = new Array<Tallies<number> | undefined>(groups);
  }

  /** Counts `w` pairs of port id `id` from group g to group h. */
  add(g: number, h: number, id: number, w: number): void {
    if (w !== 0 && id !== NONE_ID) (this.rows[g] ??= new Tallies<number>()).add(h, id, w);
  }

  /** The destination groups of source group g, as tallies. */
  row(g: number): Tallies<number> | undefined {
    return this.rows[g];
  }
}

const UNMAPPED = '(unmapped)';

/** The groups of a level: a workload's namespace, or its segments in the intent (which segment level needs). */
export function groupsFor(a: Analysis, level: AggregateLevel, intent: Intent | undefined): (e: Endpoint) => readonly string[] {
  if (level === 'namespace') return (e) => [e.namespace ?? ''];
  if (!intent) throw noIntent();
  return (e) => segmentsOf(a, intent, e);
}

/** The error of segment level without an intent. */
export function noIntent(): UserError {
  return new UserError('--level segment needs an intent: its segments are the groups', 'give --intent FILE, or put bulkhead.yaml beside the inputs (bulkhead init drafts one)');
}

/** The group endpoints and the aggregate connections, sorted as every reach listing is (see outside-merge.ts). */
export function aggregateReach(a: Analysis, opts: AggregateOptions): ReachStream {
  const plan = planReach(a, { ...opts, level: 'workload' });
  const t = a.ports;
  const noFilter = plan.filtered(ALL_ID) === ALL_ID;
  const keep = opts.keep ?? (() => true);
  const groupNames = new Map<ReachNode, readonly string[]>();
  const kept = new Map<ReachNode, boolean>();
  for (const n of plan.nodes) {
    if (n.external) continue;
    const gs = opts.groupsOf(n.e.endpoint);
    groupNames.set(n, gs.length ? gs : [UNMAPPED]);
    kept.set(n, keep(n.e.endpoint));
  }
  // Groups are numbered in listing order, so that numeric order is the order of the lines.
  const names = [...new Set([...groupNames.values()].flat())].sort(lex);
  const index = new Map(names.map((g, i) => [g, i]));
  const groupsOfNode = new Map([...groupNames].map(([n, gs]) => [n, gs.map((g) => index.get(g)!)]));
  const G = names.length;
  const gsOf = (n: ReachNode): number[] => groupsOfNode.get(n)!;

  // Destinations by column: how many workloads of each group (and kept or not) each single-column one holds.
  const clusterDsts = plan.dsts.filter((d) => !d.external);
  const outsideDsts = plan.dsts.filter((d) => d.external);
  const isDst = new Set(clusterDsts);
  const unitKey = new Map<number, number>();
  const uCol: number[] = [];
  const uSlot: number[] = [];
  const uW: number[] = [];
  const multi: Array<{ node: ReachNode; slots: number[] }> = [];
  for (const d of clusterDsts) {
    const slots = gsOf(d).map((h) => h * 2 + (kept.get(d) ? 1 : 0));
    if (d.cols.length !== 1) {
      multi.push({ node: d, slots });
      continue;
    }
    for (const slot of slots) {
      const key = d.cols[0]! * 2 * G + slot;
      const u = unitKey.get(key);
      if (u !== undefined) uW[u]!++;
      else {
        unitKey.set(key, uCol.length);
        uCol.push(d.cols[0]!);
        uSlot.push(slot);
        uW.push(1);
      }
    }
  }
  const colArr = Int32Array.from(uCol);
  const slotArr = Int32Array.from(uSlot);
  const wArr = Float64Array.from(uW);

  // Per (source group, destination group).
  const acc = new PairTallies(G);
  const cond = new PairTallies(G);
  const space = plan.blocks.flatMap((b) => rangeToCidrs(b.range));
  const merger = outsideMerger(space, plan.nodes.filter((n) => n.external).map((n) => n.e.endpoint));
  // Per (source group, outside destination), keyed `g\n>name`.
  const outAcc = new Tallies<string>();
  const idOf = new Map<PortSet, number>();
  const conn = (src: string, dst: string, id: number): Connection => {
    const conns = t.get(id);
    idOf.set(conns, id);
    return { src, dst, conns };
  };
  /** Per kept source workload: its outside destinations merged, summed into (group, outside name). */
  const outgoing = (members: readonly ReachNode[], row: Uint32Array): void => {
    const ks = members.filter((s) => kept.get(s));
    if (ks.length === 0 || outsideDsts.length === 0) return;
    const list: Connection[] = [];
    for (const x of outsideDsts) {
      const id = plan.cellOf(row, x);
      if (id !== NONE_ID) list.push(conn('', x.e.endpoint.id, id));
    }
    for (const c of merger.merge(list, 'dst')) for (const s of ks) for (const g of gsOf(s)) outAcc.add(`${g}\n>${c.dst}`, idOf.get(c.conns)!, 1);
  };

  const width = plan.width;
  const row = new Uint32Array(width);
  const tmp = new Uint32Array(width);
  // A destination slot is (group, kept or not): h * 2 + 1 when kept.
  const S = 2 * G;
  // Sources with the same columns have the same row: one pass per distinct set of columns.
  const buckets = new Map<string, ReachNode[]>();
  const hosts: ReachNode[] = [];
  for (const s of plan.srcs) {
    if (s.external) continue;
    if (plan.hostSource(s)) {
      hosts.push(s);
      continue;
    }
    const k = s.cols.join(',');
    const b = buckets.get(k);
    if (b) b.push(s);
    else buckets.set(k, [s]);
  }
  // A row differs from the ingress base (or from nothing) only at the columns rowInto names. The base's
  // tallies per slot are summed once per source group at the end, scaled by how many of its sources start
  // from the base; a row adds only its changes there, so the work is O(rules) a source, never O(groups).
  const m = a.matrix;
  const B = m.size;
  const base = m.ingressBase;
  const f = (id: number): number => (noFilter ? id : plan.filtered(id));
  const byCol = new Int32Array(B + 1);
  for (let u = 0; u < colArr.length; u++) byCol[colArr[u]! + 1]!++;
  for (let c = 0; c < B; c++) byCol[c + 1]! += byCol[c]!;
  const unitsAt = new Int32Array(colArr.length);
  const fill = byCol.slice(0, B);
  for (let u = 0; u < colArr.length; u++) unitsAt[fill[colArr[u]!]!++] = u;
  const baseTally = new Tallies<number>();
  for (let u = 0; u < colArr.length; u++) baseTally.add(slotArr[u]!, f(base[colArr[u]!]!), wArr[u]!);
  const baseSlots = [...baseTally.keys()].map((slot) => ({ slot, counts: baseTally.counts(slot) })).filter((b) => b.counts.length > 0);
  // Per (source group, kept or not), as slots are: its sources whose row is the base but for its changes.
  const fromBaseSrcs = new Float64Array(S);
  const sparse = !plan.nodes.some((n) => n.unmodelled);
  // The current row's changes from where it starts, as (slot, port id, pairs): NONE left out.
  const eSlot: number[] = [];
  const eId: number[] = [];
  const eW: number[] = [];
  const change = (slot: number, id: number, w: number): void => {
    if (id === NONE_ID) return;
    eSlot.push(slot);
    eId.push(id);
    eW.push(w);
  };
  for (const members of buckets.values()) {
    const rep = members[0]!;
    eSlot.length = eId.length = eW.length = 0;
    let fromBase = false;
    if (sparse && rep.cols.length === 1) {
      const into = m.rowInto(rep.cols[0]!, row);
      fromBase = into.fromBase;
      for (const d of into.touched) {
        if (d >= B) continue;
        const was = fromBase ? f(base[d]!) : NONE_ID;
        const now = f(row[d]!);
        if (was === now) continue;
        for (let k = byCol[d]!; k < byCol[d + 1]!; k++) {
          const u = unitsAt[k]!;
          change(slotArr[u]!, was, -wArr[u]!);
          change(slotArr[u]!, now, wArr[u]!);
        }
      }
    } else {
      plan.rowOf(rep, row, tmp);
      for (let u = 0; u < colArr.length; u++) change(slotArr[u]!, f(row[colArr[u]!]!), wArr[u]!);
    }
    for (const { node, slots } of multi) {
      const id = plan.cellOf(row, node);
      for (const slot of slots) change(slot, id, 1);
    }
    for (const s of members) {
      const sKept = kept.get(s)!;
      const gs = gsOf(s);
      for (const g of gs) {
        if (fromBase) fromBaseSrcs[g * 2 + (sKept ? 1 : 0)]++;
        for (let k = 0; k < eSlot.length; k++) {
          // A pair is about the scope when either end is kept.
          if (!sKept && (eSlot[k]! & 1) === 0) continue;
          acc.add(g, eSlot[k]! >> 1, eId[k]!, eW[k]!);
        }
      }
      // A workload and itself is no pair: take back the one its row counted.
      if (sKept && isDst.has(s)) {
        const self = plan.cellOf(row, s);
        for (const g of gs) for (const h of gs) acc.add(g, h, self, -1);
      }
    }
    outgoing(members, row);
  }
  for (let gk = 0; gk < S; gk++) {
    const n = fromBaseSrcs[gk]!;
    if (n === 0) continue;
    for (const { slot, counts } of baseSlots) {
      if ((gk & 1) === 0 && (slot & 1) === 0) continue;
      for (const [id, w] of counts) acc.add(gk >> 1, slot >> 1, id, n * w);
    }
  }
  // Sources with hostNetwork pods under the node rule: pair by pair (they are few), as streamReach lists them.
  const all = plan.filtered(ALL_ID);
  for (const s of hosts) {
    plan.rowOf(s, row, tmp);
    for (const d of clusterDsts) {
      if (d === s || (!kept.get(s) && !kept.get(d))) continue;
      let id = plan.cellOf(row, d);
      const rel = a.nodeGrant(s.e.pods, d.e.pods);
      if (rel === 'same-node') id = all;
      for (const g of gsOf(s)) {
        for (const h of gsOf(d)) {
          acc.add(g, h, id, 1);
          if (rel === 'possibly-same-node' && id !== all) cond.add(g, h, all, 1);
        }
      }
    }
    outgoing([s], row);
  }
  // From outside: per destination workload, the outside sources merged (the same for the same columns).
  // Per (outside source, destination group), keyed `name\nh`.
  const inAcc = new Tallies<string>();
  const outsideSrcs = plan.srcs.filter((s) => s.external);
  if (outsideSrcs.length > 0) {
    const cells = outsideSrcs.map((x) => {
      plan.rowOf(x, row, tmp);
      return clusterDsts.map((d) => plan.cellOf(row, d));
    });
    const mergedFor = new Map<string, Connection[]>();
    clusterDsts.forEach((d, k) => {
      if (!kept.get(d)) return;
      const key = d.cols.join(',');
      let merged = mergedFor.get(key);
      if (!merged) {
        const list: Connection[] = [];
        outsideSrcs.forEach((x, i) => {
          if (cells[i]![k] !== NONE_ID) list.push(conn(x.e.endpoint.id, '', cells[i]![k]!));
        });
        mergedFor.set(key, (merged = merger.merge(list, 'src')));
      }
      for (const c of merged) for (const h of gsOf(d)) inAcc.add(`${c.src}\n${h}`, idOf.get(c.conns)!, 1);
    });
  }

  // Lines, in listing order: per source group its cluster destinations (a conditional line after its
  // unconditional one), then its outside ones; then the lines from outside.
  const keptSrcs = new Array<number>(G).fill(0);
  for (const s of plan.srcs) if (!s.external && kept.get(s)) for (const g of gsOf(s)) keptSrcs[g]!++;
  const keptDsts = new Array<number>(G).fill(0);
  for (const d of clusterDsts) if (kept.get(d)) for (const h of gsOf(d)) keptDsts[h]!++;
  // The pairs a cluster line is about, from the group sizes: sources (kept or not) by destinations where
  // either end is kept, less each kept workload and itself.
  const srcsIn = new Float64Array(S);
  const dstsIn = new Float64Array(S);
  const selfPairs = new Array<Map<number, number> | undefined>(G);
  for (const s of plan.srcs) {
    if (s.external) continue;
    for (const g of gsOf(s)) srcsIn[g * 2 + (kept.get(s) ? 1 : 0)]++;
    if (!isDst.has(s) || !kept.get(s)) continue;
    for (const g of gsOf(s)) {
      const selfs = (selfPairs[g] ??= new Map());
      for (const h of gsOf(s)) selfs.set(h, (selfs.get(h) ?? 0) + 1);
    }
  }
  for (const d of clusterDsts) for (const h of gsOf(d)) dstsIn[h * 2 + (kept.get(d) ? 1 : 0)]++;
  const about = (g: number, h: number): number => srcsIn[g * 2 + 1]! * (dstsIn[h * 2]! + dstsIn[h * 2 + 1]!) + srcsIn[g * 2]! * dstsIn[h * 2 + 1]! - (selfPairs[g]?.get(h) ?? 0);
  /** The line of the pairs at `key`, or undefined when it has none with a connection. */
  const line = <K>(src: string, dst: string, x: Tallies<K>, key: K, of: number, condition?: 'same-node'): Connection | undefined => {
    const counts = x.counts(key);
    if (counts.length === 0) return undefined;
    // The counts left are the pairs with a connection: what a row took back came to zero, never below.
    let pairs = 0;
    let union = NONE_ID;
    for (const [id, w] of counts) {
      pairs += w;
      union = t.union(union, id);
    }
    const aggregate: Aggregate = { pairs, of, coverage: counts.length === 1 && pairs === of ? 'all' : 'some' };
    const conns = t.get(union);
    return condition ? { src, dst, conns, condition, aggregate } : { src, dst, conns, aggregate };
  };
  const lines: Connection[] = [];
  const push = (c: Connection | undefined): void => {
    if (c) lines.push(c);
  };
  const outByGroup = new Map<number, string[]>();
  for (const k of outAcc.keys()) {
    const g = Number(k.slice(0, k.indexOf('\n>')));
    const l = outByGroup.get(g) ?? [];
    l.push(k);
    outByGroup.set(g, l);
  }
  for (let g = 0; g < G; g++) {
    const ra = acc.row(g);
    const rc = cond.row(g);
    const hs = Float64Array.from(rc ? new Set([...(ra?.keys() ?? []), ...rc.keys()]) : (ra?.keys() ?? [])).sort();
    for (const h of hs) {
      const of = about(g, h);
      if (ra) push(line(names[g]!, names[h]!, ra, h, of));
      if (rc) push(line(names[g]!, names[h]!, rc, h, of, 'same-node'));
    }
    const outs = (outByGroup.get(g) ?? []).map((k) => ({ k, dst: k.slice(k.indexOf('\n>') + 2) }));
    for (const { k, dst } of outs.sort((p, q) => lex(p.dst, q.dst))) push(line(names[g]!, dst, outAcc, k, keptSrcs[g]!));
  }
  const inbound = [...inAcc.keys()].map((k) => {
    const at = k.lastIndexOf('\n');
    return { k, src: k.slice(0, at), h: Number(k.slice(at + 1)) };
  });
  inbound.sort((p, q) => lex(p.src, q.src) || p.h - q.h);
  for (const { k, src, h } of inbound) push(line(src, names[h]!, inAcc, k, keptDsts[h]!));

  const named = new Set<string>();
  for (const c of lines) named.add(c.src).add(c.dst);
  const keptGroups = new Set<number>();
  for (const n of plan.nodes) if (!n.external && kept.get(n)) for (const g of gsOf(n)) keptGroups.add(g);
  const groupEndpoints: Endpoint[] = names
    .map((_, g) => g)
    .filter((g) => named.has(names[g]!) || keptGroups.has(g))
    .map((g) => (opts.level === 'namespace' ? { id: names[g]!, kind: 'Namespace' as const, namespace: names[g]!, name: names[g]! } : { id: names[g]!, kind: 'Segment' as const, name: names[g]! }));
  const endpoints = [...groupEndpoints, ...merger.endpoints().filter((e) => named.has(e.id))];
  return {
    level: opts.level,
    endpoints,
    outsideSpace: space,
    outsideMerged: true,
    connections: () => lines.values(),
    count: () => lines.length,
  };
}
