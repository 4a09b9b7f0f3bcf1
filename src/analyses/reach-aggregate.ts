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
 * Tallies of connections, `n` of them in typed arrays (one per group pair): per tally the pairs with a
 * connection, those without, and the distinct port ids with their counts (the first inline, as most have one).
 */
class Tallies {
  readonly pairs: Float64Array;
  readonly none: Float64Array;
  private readonly first: Int32Array;
  private readonly firstCount: Float64Array;
  private readonly others = new Map<number, Map<number, number>>();

  constructor(n: number) {
    this.pairs = new Float64Array(n);
    this.none = new Float64Array(n);
    this.first = new Int32Array(n).fill(-1);
    this.firstCount = new Float64Array(n);
  }

  /** Counts `w` pairs of port id `id` in tally i. */
  add(i: number, id: number, w: number): void {
    // A negative w takes back pairs counted before (a row's column that differs from the base row).
    if (w === 0) return;
    if (id === NONE_ID) {
      this.none[i] += w;
      return;
    }
    this.pairs[i] += w;
    const f = this.first[i]!;
    if (f === -1 || f === id) {
      this.first[i] = id;
      this.firstCount[i] += w;
      return;
    }
    let o = this.others.get(i);
    if (!o) this.others.set(i, (o = new Map()));
    o.set(id, (o.get(id) ?? 0) + w);
  }

  /** Adds tally j of `o` to tally i, less one pair of port id `minus` (a workload and itself) when given. */
  addFrom(i: number, o: Tallies, j: number, minus?: number): void {
    this.none[i] += o.none[j]! - (minus === NONE_ID ? 1 : 0);
    if (o.pairs[j] === 0) return;
    const f = o.first[j]!;
    if (f !== -1) this.add(i, f, o.firstCount[j]! - (minus === f ? 1 : 0));
    const more = o.others.get(j);
    if (more) for (const [id, w] of more) this.add(i, id, w - (minus === id ? 1 : 0));
  }

  /** The port ids with a pair in tally i. */
  ids(i: number): number[] {
    const out = this.first[i] !== -1 && this.firstCount[i]! > 0 ? [this.first[i]!] : [];
    for (const [id, w] of this.others.get(i) ?? []) if (w > 0) out.push(id);
    return out;
  }

  /** Empties tally i. */
  clear(i: number): void {
    this.pairs[i] = 0;
    this.none[i] = 0;
    this.first[i] = -1;
    this.firstCount[i] = 0;
    this.others.delete(i);
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
  const names: string[] = [];
  const index = new Map<string, number>();
  const groupIndex = (g: string): number => {
    let i = index.get(g);
    if (i === undefined) index.set(g, (i = names.push(g) - 1));
    return i;
  };
  const groupsOfNode = new Map<ReachNode, number[]>();
  const kept = new Map<ReachNode, boolean>();
  for (const n of plan.nodes) {
    if (n.external) continue;
    const gs = opts.groupsOf(n.e.endpoint);
    groupsOfNode.set(n, (gs.length ? gs : [UNMAPPED]).map(groupIndex));
    kept.set(n, keep(n.e.endpoint));
  }
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

  // Per (source group, destination group): dense, as there are far fewer groups than workloads.
  const acc = new Tallies(G * G);
  const cond = new Tallies(G * G);
  const space = plan.blocks.flatMap((b) => rangeToCidrs(b.range));
  const merger = outsideMerger(space, plan.nodes.filter((n) => n.external).map((n) => n.e.endpoint));
  const outAcc = new Map<string, Tallies>();
  const outTally = (key: string): Tallies => {
    let x = outAcc.get(key);
    if (!x) outAcc.set(key, (x = new Tallies(1)));
    return x;
  };
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
    for (const c of merger.merge(list, 'dst')) for (const s of ks) for (const g of gsOf(s)) outTally(`${g}\n>${c.dst}`).add(0, idOf.get(c.conns)!, 1);
  };

  const width = plan.width;
  const row = new Uint32Array(width);
  const tmp = new Uint32Array(width);
  const S = 2 * G;
  // The row's tallies per destination slot (group, and kept or not), and the slots it touched.
  const slotTally = new Tallies(S);
  const usedMark = new Uint8Array(S);
  const used: number[] = [];
  const use = (slot: number): void => {
    if (!usedMark[slot]) {
      usedMark[slot] = 1;
      used.push(slot);
    }
  };
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
  // A row differs from the ingress base (or from nothing) only at the columns rowInto names: the tallies
  // of the base per slot, computed once, are corrected there (O(rules) a source, not O(workloads)).
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
  const baseTally = new Tallies(S);
  const slotW = new Float64Array(S);
  for (let u = 0; u < colArr.length; u++) {
    baseTally.add(slotArr[u]!, f(base[colArr[u]!]!), wArr[u]!);
    slotW[slotArr[u]!] += wArr[u]!;
  }
  const slotsWithUnits = [...slotW.keys()].filter((k) => slotW[k]! > 0);
  const sparse = !plan.nodes.some((n) => n.unmodelled);
  for (const members of buckets.values()) {
    const rep = members[0]!;
    if (sparse && rep.cols.length === 1) {
      const { fromBase, touched } = m.rowInto(rep.cols[0]!, row);
      for (const slot of slotsWithUnits) {
        use(slot);
        if (fromBase) slotTally.addFrom(slot, baseTally, slot);
        else slotTally.add(slot, NONE_ID, slotW[slot]!);
      }
      for (const d of touched) {
        if (d >= B) continue;
        const was = fromBase ? f(base[d]!) : NONE_ID;
        const now = f(row[d]!);
        if (was === now) continue;
        for (let k = byCol[d]!; k < byCol[d + 1]!; k++) {
          const u = unitsAt[k]!;
          slotTally.add(slotArr[u]!, was, -wArr[u]!);
          slotTally.add(slotArr[u]!, now, wArr[u]!);
        }
      }
    } else {
      plan.rowOf(rep, row, tmp);
      for (let u = 0; u < colArr.length; u++) {
        const slot = slotArr[u]!;
        use(slot);
        slotTally.add(slot, f(row[colArr[u]!]!), wArr[u]!);
      }
    }
    for (const { node, slots } of multi) {
      const id = plan.cellOf(row, node);
      for (const slot of slots) {
        use(slot);
        slotTally.add(slot, id, 1);
      }
    }
    for (const s of members) {
      const self = isDst.has(s) ? plan.cellOf(row, s) : undefined;
      const selfSlots = self === undefined ? [] : gsOf(s).map((h) => h * 2 + (kept.get(s) ? 1 : 0));
      const sKept = kept.get(s)!;
      for (const g of gsOf(s)) {
        for (const slot of used) {
          // A pair is about the scope when either end is kept.
          if (!sKept && slot % 2 === 0) continue;
          acc.addFrom(g * G + (slot >> 1), slotTally, slot, selfSlots.includes(slot) ? self : undefined);
        }
      }
    }
    outgoing(members, row);
    for (const slot of used) {
      slotTally.clear(slot);
      usedMark[slot] = 0;
    }
    used.length = 0;
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
          acc.add(g * G + h, id, 1);
          if (rel === 'possibly-same-node' && id !== all) cond.add(g * G + h, all, 1);
        }
      }
    }
    outgoing([s], row);
  }
  // From outside: per destination workload, the outside sources merged (the same for the same columns).
  const inAcc = new Map<string, Tallies>();
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
      for (const c of merged) {
        for (const h of gsOf(d)) {
          const key2 = `${c.src}\n${h}`;
          let x = inAcc.get(key2);
          if (!x) inAcc.set(key2, (x = new Tallies(1)));
          x.add(0, idOf.get(c.conns)!, 1);
        }
      }
    });
  }

  // Lines, in listing order: per source group its cluster destinations (a conditional line after its
  // unconditional one), then its outside ones; then the lines from outside.
  const keptSrcs = new Array<number>(G).fill(0);
  for (const s of plan.srcs) if (!s.external && kept.get(s)) for (const g of gsOf(s)) keptSrcs[g]!++;
  const keptDsts = new Array<number>(G).fill(0);
  for (const d of clusterDsts) if (kept.get(d)) for (const h of gsOf(d)) keptDsts[h]!++;
  const line = (src: string, dst: string, x: Tallies, i: number, of: number, condition?: 'same-node'): Connection => {
    const ids = x.ids(i);
    const aggregate: Aggregate = { pairs: x.pairs[i]!, of, coverage: ids.length === 1 && x.pairs[i] === of ? 'all' : 'some' };
    return { src, dst, conns: t.get(ids.reduce((u, id) => t.union(u, id), NONE_ID)), ...(condition ? { condition } : {}), aggregate };
  };
  const order = names.map((_, i) => i).sort((p, q) => lex(names[p]!, names[q]!));
  const lines: Connection[] = [];
  const outByGroup = new Map<number, Array<[string, Tallies]>>();
  for (const [k, x] of outAcc) {
    const at = k.indexOf('\n>');
    const g = Number(k.slice(0, at));
    const l = outByGroup.get(g) ?? [];
    l.push([k.slice(at + 2), x]);
    outByGroup.set(g, l);
  }
  for (const g of order) {
    for (const h of order) {
      const i = g * G + h;
      const of = acc.pairs[i]! + acc.none[i]!;
      if (acc.pairs[i]! > 0) lines.push(line(names[g]!, names[h]!, acc, i, of));
      if (cond.pairs[i]! > 0) lines.push(line(names[g]!, names[h]!, cond, i, of, 'same-node'));
    }
    for (const [dst, x] of (outByGroup.get(g) ?? []).sort((p, q) => lex(p[0], q[0]))) lines.push(line(names[g]!, dst, x, 0, keptSrcs[g]!));
  }
  const inbound = [...inAcc].map(([k, x]) => {
    const at = k.lastIndexOf('\n');
    return { src: k.slice(0, at), h: Number(k.slice(at + 1)), x };
  });
  inbound.sort((p, q) => lex(p.src, q.src) || lex(names[p.h]!, names[q.h]!));
  for (const { src, h, x } of inbound) lines.push(line(src, names[h]!, x, 0, keptDsts[h]!));

  const named = new Set(lines.flatMap((c) => [c.src, c.dst]));
  const keptGroups = new Set<number>();
  for (const n of plan.nodes) if (!n.external && kept.get(n)) for (const g of gsOf(n)) keptGroups.add(g);
  const groupEndpoints: Endpoint[] = order
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
