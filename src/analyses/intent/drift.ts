/**
 * Drift: the documented architecture (intent) against what the deployed rules allow.
 * Endpoints are grouped by (segments, behaviour class); connections are computed once per group pair and
 * reported as bundles ("every member of these to every member of those is open on these ports").
 */
import type { Analysis, Target } from '../../engine/index.js';
import type { Labels, Workload } from '../../inventory/types.js';
import { atomize, formatRange, type IpRange } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { behaviours, type Behaviours } from './behaviour.js';
import { clusterSegments, homeOf, intentRanges, namespaceLabels, rangeSegments, segmentIndex } from './membership.js';
import { WORLD, type EgressInvariant, type Flow, type Intent, type Invariant, type IsolatedInvariant, type NeverInvariant, type Segment } from './types.js';
import { lex } from '../../util/compare.js';
import { flowTable, pairTester, type Allowed } from './judge-tables.js';
import { health } from './health.js';

/** What the judging needs of traffic: the cluster's PortSet and the cloud's TrafficSet both are one. */
export interface TrafficLike<T> {
  union(o: T): T;
  intersect(o: T): T;
  subtract(o: T): T;
  isEmpty(): boolean;
  equals(o: T): boolean;
  toString(): string;
}

/** What the judging needs of an end: its id, its segments (declared first), and its range when outside. */
export interface EndLike {
  readonly id: string;
  /** `external` for an outside address range. */
  readonly kind: string;
  readonly segments: readonly string[];
  readonly range?: IpRange;
}

/** One end of a path: an in-cluster workload (pods of one class) or an outside address range. */
export interface PathEnd {
  /** Workload id (`ns/name[Kind]`) or outside range (`a.b.c.d-e.f.g.h`). */
  readonly id: string;
  readonly kind: 'workload' | 'external';
  /** Every segment it belongs to, declaration order; [0] is its home. */
  readonly segments: readonly string[];
  readonly target: Target;
  readonly namespace?: string;
  readonly labels?: Labels;
  readonly range?: IpRange;
}

/** Every `src` reaches every `dst` (but itself) on `open`; `ports` are the offending ones. */
export interface PathBundle<E extends EndLike = PathEnd, T = PortSet> {
  readonly src: readonly E[];
  readonly dst: readonly E[];
  readonly srcSegment: string;
  readonly dstSegment: string;
  readonly open: T;
  readonly ports: T;
}

/** Open paths between different home segments beyond what flows allow. */
export interface Violation<E extends EndLike = PathEnd, T = PortSet> extends PathBundle<E, T> {
  /** What flows allow between them (empty: no flow at all, a violation; otherwise over-broad). */
  readonly intended: T;
  readonly flows: readonly Flow[];
}

export interface BrokenFlow<E extends EndLike = PathEnd, T = PortSet> {
  readonly flow: Flow;
  /** One segment of the flow's `from` and one of its `to`: each pair is checked on its own. */
  readonly from: string;
  readonly to: string;
  /** Ports of the flow no member pair gets. */
  readonly missing: T;
  /** `blocked`: members exist but the rules deny; `no-source`/`no-destination`: a side has no member. */
  readonly reason: 'blocked' | 'no-source' | 'no-destination';
  /** `blocked`: one member pair of the two segments (what a check explains the block on). */
  readonly pair?: { readonly src: E; readonly dst: E };
}

export interface InvariantBreach<E extends EndLike = PathEnd, T = PortSet> extends PathBundle<E, T> {
  readonly invariant: Invariant;
  /** For `isolated` by label: the two label values. */
  readonly values?: readonly [string, string];
}

export interface Unmapped {
  readonly workload: Workload;
  readonly pods: number;
}

export interface SegmentHealth {
  readonly segment: Segment;
  /** In-cluster workloads (network interfaces, for an AWS estate) in the segment. */
  readonly members: number;
  /** In-cluster workloads outside it. */
  readonly others: number;
  /** Of those, how many a member can reach on some port. */
  readonly reaches: number;
  /** reaches / others (0 when there are no others). */
  readonly share: number;
  /** Of the others, how many can reach a member. */
  readonly reachedBy: number;
  readonly reachesSegments: readonly string[];
  readonly reachedBySegments: readonly string[];
  readonly reachesOutside: boolean;
  readonly reachedFromOutside: boolean;
  readonly flat: boolean;
}

export interface DriftResult {
  readonly intent: Intent;
  readonly violations: readonly Violation[];
  readonly overbroad: readonly Violation[];
  readonly broken: readonly BrokenFlow[];
  readonly unmapped: readonly Unmapped[];
  readonly emptySegments: readonly Segment[];
  readonly breaches: readonly InvariantBreach[];
  readonly health: readonly SegmentHealth[];
}

/** Endpoints alike for the judging: the same segments and the same behaviour. */
export interface ModelGroup<E extends EndLike = PathEnd> {
  readonly index: number;
  readonly segments: readonly string[];
  /** The home segment (the first declared one); undefined when unmapped. */
  readonly home: string | undefined;
  readonly segKey: string;
  /** A small integer per distinct segment list (segKey), for cheap pair keys. */
  readonly segId: number;
  readonly external: boolean;
  /** Behaviour class (in-cluster) or outside block index. */
  readonly b: number;
  readonly ends: E[];
  /** A representative address target (external groups of the cluster model). */
  readonly addr?: Target & { kind: 'address' };
}
type Group = ModelGroup;
/** A successor list and, in its order, the connections to each. */
type Successors = { readonly groups: Group[]; readonly conns: PortSet[] };

/** The groups of a model and the function that finds or makes one: by side, behaviour or block, and segment list. */
export function groupMaker<E extends EndLike>(intent: Intent): { groups: ModelGroup<E>[]; group: (segments: string[], external: boolean, b: number, addr?: Target & { kind: 'address' }) => ModelGroup<E> } {
  const groups: ModelGroup<E>[] = [];
  const byKey = new Map<string, ModelGroup<E>>();
  const segIds = new Map<string, number>();
  const group = (segments: string[], external: boolean, b: number, addr?: Target & { kind: 'address' }): ModelGroup<E> => {
    const segKey = segments.join('\u0000');
    const key = `${external ? 'x' : 'c'}${b}|${segKey}`;
    let g = byKey.get(key);
    if (!g) {
      let segId = segIds.get(segKey);
      if (segId === undefined) segIds.set(segKey, (segId = segIds.size));
      g = { index: groups.length, segments, home: homeOf(intent, segments), segKey, segId, external, b, ends: [], ...(addr ? { addr } : {}) };
      byKey.set(key, g);
      groups.push(g);
    }
    return g;
  };
  return { groups, group };
}

/** The atoms (sorted, adjoining, cut at `r`'s bounds) lying within `r`, found by bisection. */
export function piecesWithin(atoms: readonly IpRange[], r: IpRange): IpRange[] {
  let lo = 0;
  let hi = atoms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (atoms[mid]!.lo < r.lo) lo = mid + 1;
    else hi = mid;
  }
  const out: IpRange[] = [];
  for (let k = lo; k < atoms.length && atoms[k]!.hi <= r.hi; k++) out.push(atoms[k]!);
  return out;
}

/** What the judging of an intent needs of a model, whatever the layer: groups, their connections, the flows' traffic. */
export interface DriftModel<E extends EndLike, T extends TrafficLike<T>> {
  readonly groups: readonly ModelGroup<E>[];
  conns(g1: ModelGroup<E>, g2: ModelGroup<E>): T;
  /** Groups `g` may reach (a superset of those with conns non-empty), so loops skip the empty pairs. */
  successors(g: ModelGroup<E>): readonly ModelGroup<E>[];
  /** When given: conns(g, x) for each x of successors(g), in its order (so the judging computes no pair twice). */
  successorConns?(g: ModelGroup<E>): readonly T[];
  /** No traffic. */
  readonly none: T;
  /** What a flow allows, in this model's traffic. */
  flowTraffic(f: Flow): T;
  /** The value an `isolated` invariant keyed by a label compares (undefined: the end is not compared). */
  labelValue(e: E, inv: IsolatedInvariant): string | undefined;
}

/** Everything drift, invariants and health need of the cluster, computed once per (analysis, intent). */
export interface IntentModel extends DriftModel<PathEnd, PortSet> {
  readonly groups: readonly Group[];
  readonly unmapped: Unmapped[];
}

/** Groups endpoints by segments and behaviour; cuts outside blocks where segment membership changes. */
export function buildModel(a: Analysis, intent: Intent): IntentModel {
  const beh: Behaviours = behaviours(a);
  const nsl = namespaceLabels(a);
  const { groups, group } = groupMaker<PathEnd>(intent);

  // In-cluster: one end per (workload, pod class).
  const seen = new Map<string, string[]>();
  const unmappedPods = new Map<string, number>();
  const candidates = segmentIndex(intent);
  // The last workload met in each class and its segments: a replica after its sibling (most pods) needs no
  // key string and no look-up; `seen` holds every (workload, class) met, for classes shared by workloads.
  const lastWorkload = new Array<string | undefined>(a.layer.classes.length);
  const lastSegments = new Array<string[]>(a.layer.classes.length);
  const lastMapped = new Uint8Array(a.layer.classes.length);
  for (const pod of a.inventory.pods) {
    const cls = a.classOf(pod.id);
    let segments: string[] | undefined;
    let fresh = false;
    if (lastWorkload[cls] === pod.workload) segments = lastSegments[cls]!;
    else {
      const key = `${pod.workload}\u0000${cls}`;
      segments = seen.get(key);
      if (!segments) {
        fresh = true;
        const c = a.layer.classes[cls]!;
        segments = clusterSegments(intent, { namespace: c.namespace, namespaceLabels: nsl.get(c.namespace) ?? {}, labels: c.labels, workload: pod.workload }, candidates(c.namespace, pod.workload));
        seen.set(key, segments);
      }
      lastWorkload[cls] = pod.workload;
      lastSegments[cls] = segments;
      lastMapped[cls] = homeOf(intent, segments) === undefined ? 0 : 1;
    }
    if (!lastMapped[cls]) unmappedPods.set(pod.workload, (unmappedPods.get(pod.workload) ?? 0) + 1);
    if (!fresh) continue;
    const c = a.layer.classes[cls]!;
    group(segments, false, beh.of[cls]!).ends.push({ id: pod.workload, kind: 'workload', segments, target: { kind: 'class', index: cls }, namespace: c.namespace, labels: c.labels });
  }

  // Outside: the engine's blocks cut at every intent CIDR boundary, consecutive pieces merged when alike.
  const cuts = intentRanges(intent);
  const externals = a.externals();
  // The intent's cuts and every block's bounds atomized once per family, not once per block (318 blocks by
  // 310 CIDR segments in an init intent): the atoms inside a block are the block cut at every boundary in it.
  const atomsOf = new Map<number, IpRange[]>();
  externals.forEach((block, bi) => {
    const family = block.range.family;
    let atoms = atomsOf.get(family);
    if (!atoms) atomsOf.set(family, (atoms = atomize(family, [...cuts, ...externals.map((x) => x.range)])));
    const pieces = piecesWithin(atoms, block.range);
    let prev: { range: IpRange; segs: string[] } | undefined;
    const flush = (): void => {
      if (!prev) return;
      const target: Target & { kind: 'address' } = { kind: 'address', range: prev.range };
      group(prev.segs, true, bi, target).ends.push({ id: formatRange(prev.range), kind: 'external', segments: prev.segs, target, range: prev.range });
    };
    for (const p of pieces) {
      const segs = rangeSegments(intent, p);
      if (prev && prev.segs.join('\u0000') === segs.join('\u0000')) prev.range = { family: p.family, lo: prev.range.lo, hi: p.hi };
      else {
        flush();
        prev = { range: p, segs };
      }
    }
    flush();
  });

  const blockTargets = a.externals().map((x): Target & { kind: 'address' } => ({ kind: 'address', range: x.range }));
  const unmapped = [...unmappedPods.entries()]
    .sort((x, y) => lex(x[0], y[0]))
    .map(([id, pods]) => ({ workload: a.workload(id)!, pods }))
    .filter((u) => u.workload !== undefined);
  // Groups by behaviour (in-cluster) and by outside block: a group's successors are those of the
  // behaviours and blocks its row reaches, not every group.
  // Arrays by behaviour and by block, not maps: read once per candidate, a million times for an init intent.
  const clusterByB = new Array<Group[] | undefined>(a.matrix.size);
  const externalByBlock = new Array<Group[] | undefined>(blockTargets.length);
  for (const g of groups) {
    const by = g.external ? externalByBlock : clusterByB;
    let l = by[g.b];
    if (!l) by[g.b] = l = [];
    l.push(g);
  }
  // Per behaviour (in-cluster) and per block (outside), not per group: the groups of one behaviour (an init
  // intent has a segment per workload, so one behaviour in many groups) share one list.
  const clusterSucc = new Array<Successors | undefined>(a.matrix.size);
  const externalSucc = new Array<Successors | undefined>(blockTargets.length);
  // Scratch: the connections of each group added to the list being built, by group index (carried through the sort).
  const connOf = new Array<PortSet>(groups.length);
  const successorsOf = (g: Group): Successors => {
    const succ = g.external ? externalSucc : clusterSucc;
    let r = succ[g.b];
    if (!r) {
      // Loops, not flatMap and spread: an open behaviour reaches every group.
      const l: Group[] = [];
      const add = (gs: readonly Group[] | undefined, c: PortSet): void => {
        if (gs) for (const x of gs) {
          l.push(x);
          connOf[x.index] = c;
        }
      };
      if (g.external) {
        const to = beh.blockTargets(g.b);
        const cs = beh.blockTargetConns(g.b);
        for (let k = 0; k < to.length; k++) add(clusterByB[to[k]!], cs[k]!);
      } else {
        const to = beh.candidates(g.b);
        const cs = beh.candidateConns(g.b);
        for (let k = 0; k < to.length; k++) add(clusterByB[to[k]!], cs[k]!);
        const xs = beh.blocksFrom(g.b);
        const xcs = beh.blocksFromConns(g.b);
        for (let k = 0; k < xs.length; k++) add(externalByBlock[xs[k]!], xcs[k]!);
      }
      let ascending = true;
      for (let k = 1; k < l.length && ascending; k++) if (l[k - 1]!.index > l[k]!.index) ascending = false;
      const conns = new Array<PortSet>(l.length);
      if (ascending) for (let k = 0; k < l.length; k++) conns[k] = connOf[l[k]!.index]!;
      else {
        // Sorted as numbers in a typed array (no comparator calls): an open behaviour's list is every group.
        const order = new Int32Array(l.length);
        for (let k = 0; k < l.length; k++) order[k] = l[k]!.index;
        order.sort();
        for (let k = 0; k < order.length; k++) {
          l[k] = groups[order[k]!]!;
          conns[k] = connOf[order[k]!]!;
        }
      }
      succ[g.b] = r = { groups: l, conns };
    }
    return r;
  };
  return {
    groups,
    unmapped,
    none: PortSet.NONE,
    flowTraffic: (f) => f.ports,
    labelValue(e, inv) {
      if (e.kind === 'external') return undefined;
      const key = inv.label!;
      const pod = e.labels?.[key];
      const ns = nsl.get(e.namespace ?? '')?.[key];
      return inv.on === 'pod' ? pod : inv.on === 'namespace' ? ns : (pod ?? ns);
    },
    successors(g) {
      return successorsOf(g).groups;
    },
    successorConns(g) {
      return successorsOf(g).conns;
    },
    conns(g1, g2) {
      if (g1.external && g2.external) return PortSet.NONE;
      if (g2.external) return beh.toAddress(g1.b, blockTargets[g2.b]!, g2.b);
      if (g1.external) return beh.fromAddress(blockTargets[g1.b]!, g2.b, g1.b);
      return beh.conns(g1.b, g2.b);
    },
  };
}

const has = (segs: readonly string[], names: readonly string[]): boolean => segs.some((s) => names.includes(s));

/** Flows from any of a segment list (declaration order), through an index of flows by source segment. */
function flowsFrom(intent: Intent): (s1: readonly string[]) => Flow[] {
  const byFrom = new Map<string, Flow[]>();
  for (const f of intent.flows) {
    for (const n of f.from) {
      let l = byFrom.get(n);
      if (!l) byFrom.set(n, (l = []));
      if (l[l.length - 1] !== f) l.push(f);
    }
  }
  return (s1) => {
    const out = new Set<Flow>();
    for (const n of s1) for (const f of byFrom.get(n) ?? []) out.add(f);
    return [...out].sort((x, y) => x.index - y.index);
  };
}

function bundle<E extends EndLike, T>(g1: ModelGroup<E>, g2: ModelGroup<E>, open: T, ports: T): PathBundle<E, T> {
  return { src: g1.ends, dst: g2.ends, srcSegment: g1.home ?? g1.segments[0] ?? '', dstSegment: g2.home ?? g2.segments[0] ?? '', open, ports };
}


/** `op(a, b)`, remembered by the identity of both (a model's traffic values are few and shared, the flows' too). */
function remembered<T>(op: (a: T, b: T) => T): (a: T, b: T) => T {
  const memo = new Map<T, Map<T, T>>();
  return (a, b) => {
    let byA = memo.get(b);
    if (!byA) memo.set(b, (byA = new Map()));
    let r = byA.get(a);
    if (r === undefined) byA.set(a, (r = op(a, b)));
    return r;
  };
}

/** `a - b`, remembered (see remembered). */
function subtractor<T extends TrafficLike<T>>(): (a: T, b: T) => T {
  return remembered<T>((a, b) => a.subtract(b));
}

/**
 * Paths between different home segments beyond the flows. Work per source segment list: the flows leaving
 * it are marked once, so a pair of groups costs a look at the few flows naming the destination's segments
 * (flowTable); nothing is kept per pair of groups or of segment lists.
 */
function driftPaths<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, intent: Intent, hasPair: (g1: ModelGroup<E>, g2: ModelGroup<E>) => boolean): { violations: Violation<E, T>[]; overbroad: Violation<E, T>[] } {
  const found: { at: number; v: Violation<E, T>; over: boolean }[] = [];
  const from = flowsFrom(intent);
  const minus = subtractor<T>();
  const table = flowTable<T>(intent, m.groups, m.none, m.flowTraffic);
  const G = m.groups.length;
  const bySegId = new Map<number, ModelGroup<E>[]>();
  for (const g of m.groups) {
    if (g.home === undefined) continue;
    let l = bySegId.get(g.segId);
    if (!l) bySegId.set(g.segId, (l = []));
    l.push(g);
  }
  for (const gs of bySegId.values()) {
    table.source(from(gs[0]!.segments));
    for (const g1 of gs) {
      const succ = m.successors(g1);
      const sc = m.successorConns?.(g1);
      for (let k = 0; k < succ.length; k++) {
        const g2 = succ[k]!;
        if (g2.home === undefined || g1.home === g2.home || !hasPair(g1, g2)) continue;
        const open = sc ? sc[k]! : m.conns(g1, g2);
        if (open.isEmpty()) continue;
        const f = table.allowed(g2);
        const excess = minus(open, f.ports);
        if (excess.isEmpty()) continue;
        // Written out, not spread from bundle(): a hand-shaped intent of 100k pods has 100,000 of these.
        const v: Violation<E, T> = { src: g1.ends, dst: g2.ends, srcSegment: g1.home ?? g1.segments[0] ?? '', dstSegment: g2.home ?? g2.segments[0] ?? '', open, ports: excess, intended: f.ports, flows: f.flows };
        found.push({ at: g1.index * G + g2.index, v, over: f.flows.length > 0 });
      }
    }
  }
  // In group order, source then destination, as a walk over every pair would list them.
  found.sort((x, y) => x.at - y.at);
  return { violations: found.filter((x) => !x.over).map((x) => x.v), overbroad: found.filter((x) => x.over).map((x) => x.v) };
}

function brokenFlows<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, intent: Intent, judged: (segment: string) => boolean, hasPair: (g1: ModelGroup<E>, g2: ModelGroup<E>) => boolean): BrokenFlow<E, T>[] {
  const out: BrokenFlow<E, T>[] = [];
  // An init intent of a 150k-pod cluster has 450,000 (from, to) pairs, each reading a pair of groups or two:
  // the traffic sums are remembered, not made afresh per pair (the values are few, and immutable).
  const minus = subtractor<T>();
  const meet = remembered<T>((a, b) => a.intersect(b));
  const join = remembered<T>((a, b) => a.union(b));
  const bySegment = new Map<string, ModelGroup<E>[]>();
  // Segments by number, each group's as a list of numbers: "is g2 in the flow's `to`" without a set per (flow, to).
  const segNo = new Map<string, number>();
  const segsOf: Int32Array[] = [];
  for (const g of m.groups) {
    const nos = new Int32Array(g.segments.length);
    g.segments.forEach((s, i) => {
      let l = bySegment.get(s);
      if (!l) {
        bySegment.set(s, (l = []));
        segNo.set(s, segNo.size);
      }
      l.push(g);
      nos[i] = segNo.get(s)!;
    });
    segsOf[g.index] = nos;
  }
  const noGroups: ModelGroup<E>[] = [];
  for (const flow of intent.flows) {
    const ports = m.flowTraffic(flow);
    // Looked up once per flow, not per (from, to): an init intent's namespace flows name hundreds on each side.
    const toGroups = flow.to.map((t) => bySegment.get(t) ?? noGroups);
    const toJudged = flow.to.map(judged);
    for (const from of flow.from) {
      if (!judged(from)) continue;
      const srcs = bySegment.get(from) ?? noGroups;
      for (let ti = 0; ti < flow.to.length; ti++) {
        const to = flow.to[ti]!;
        // A flow between segments of another layer (cluster, cloud) is judged by that layer's model.
        if (!toJudged[ti]) continue;
        const dsts = toGroups[ti]!;
        if (srcs.length === 0 || dsts.length === 0) {
          out.push({ flow, from, to, missing: ports, reason: srcs.length === 0 ? 'no-source' : 'no-destination' });
          continue;
        }
        // A segment to itself with one workload has no pair to check (paths inside a segment are not
        // checked either): `from: [a, b], to: [a, b]` means a to b and b to a.
        if (from === to && new Set(srcs.flatMap((g) => g.ends.map((e) => e.id))).size < 2) continue;
        let reached = m.none;
        let full = false;
        const toNo = segNo.get(to) ?? -1;
        // The first pair of groups walked; its pair of ends is made only when the flow is found broken.
        let p1: ModelGroup<E> | undefined;
        let p2: ModelGroup<E> | undefined;
        outer: for (const g1 of srcs) {
          // Walk whichever is shorter: the destination's groups or what the source can reach.
          const succ = m.successors(g1);
          const walk = dsts.length <= succ.length ? dsts : succ;
          const sc = walk === succ ? m.successorConns?.(g1) : undefined;
          for (let k = 0; k < walk.length; k++) {
            const g2 = walk[k]!;
            if ((walk === succ && !segsOf[g2.index]!.includes(toNo)) || !hasPair(g1, g2)) continue;
            if (!p1) {
              p1 = g1;
              p2 = g2;
            }
            reached = join(reached, meet(sc ? sc[k]! : m.conns(g1, g2), ports));
            if (reached.equals(ports)) {
              full = true;
              break outer;
            }
          }
        }
        // Every port reached: nothing is missing (with or without named ports).
        if (full) continue;
        const missing = flow.anyPort ? (reached.isEmpty() ? ports : m.none) : minus(ports, reached);
        if (missing.isEmpty()) continue;
        // A blocked pair may never have been walked (nothing reaches): take the first pair there is.
        for (const g1 of srcs) {
          if (p1) break;
          const g2 = dsts.find((g) => hasPair(g1, g));
          if (g2) {
            p1 = g1;
            p2 = g2;
          }
        }
        const pair = p1 ? { src: p1.ends[0]!, dst: p2!.ends.find((e) => e.id !== p1.ends[0]!.id) ?? p2!.ends[0]! } : undefined;
        out.push({ flow, from, to, missing, reason: 'blocked', ...(pair ? { pair } : {}) });
      }
    }
  }
  return out;
}

function neverBreaches<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, inv: NeverInvariant, hasPair: (g1: ModelGroup<E>, g2: ModelGroup<E>) => boolean): InvariantBreach<E, T>[] {
  const out: InvariantBreach<E, T>[] = [];
  for (const g1 of m.groups) {
    if (!has(g1.segments, inv.from)) continue;
    const succ = m.successors(g1);
    const sc = m.successorConns?.(g1);
    for (let k = 0; k < succ.length; k++) {
      const g2 = succ[k]!;
      if (!has(g2.segments, inv.to) || !hasPair(g1, g2)) continue;
      const open = sc ? sc[k]! : m.conns(g1, g2);
      if (!open.isEmpty()) out.push({ ...bundle(g1, g2, open, open), invariant: inv });
    }
  }
  return out;
}

function isolatedBreaches<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, inv: IsolatedInvariant): InvariantBreach<E, T>[] {
  const out: InvariantBreach<E, T>[] = [];
  // Sub-groups keyed by the isolation value, so ends of one group with different values are compared.
  const valueOf = (e: E): string | undefined => {
    if (inv.segments) {
      const own = e.segments.filter((s) => inv.segments!.includes(s));
      return own.length > 0 ? own.join(',') : undefined;
    }
    return m.labelValue(e, inv);
  };
  type Part = { g: ModelGroup<E>; value: string; ends: E[] };
  const parts: Part[] = [];
  const partsOf = new Map<ModelGroup<E>, Part[]>();
  for (const g of m.groups) {
    if (inv.within && !has(g.segments, inv.within)) continue;
    const byValue = new Map<string, E[]>();
    for (const e of g.ends) {
      const v = valueOf(e);
      if (v === undefined) continue;
      let l = byValue.get(v);
      if (!l) byValue.set(v, (l = []));
      l.push(e);
    }
    for (const [value, ends] of byValue) {
      const p = { g, value, ends };
      parts.push(p);
      let l = partsOf.get(g);
      if (!l) partsOf.set(g, (l = []));
      l.push(p);
    }
  }
  // Each part against the parts of the groups its group may reach (successors are in group order, and so
  // are parts): the same pairs, in the same order, as every part against every other.
  let last: { g: ModelGroup<E>; parts: Part[]; conns: T[] | undefined } | undefined;
  for (const p1 of parts) {
    if (last?.g !== p1.g) {
      const reachable: Part[] = [];
      const succ = m.successors(p1.g);
      const sc = m.successorConns?.(p1.g);
      const conns: T[] | undefined = sc ? [] : undefined;
      for (let k = 0; k < succ.length; k++) {
        for (const p of partsOf.get(succ[k]!) ?? []) {
          reachable.push(p);
          conns?.push(sc![k]!);
        }
      }
      last = { g: p1.g, parts: reachable, conns };
    }
    const reachable = last.parts;
    for (let k = 0; k < reachable.length; k++) {
      const p2 = reachable[k]!;
      if (p1.value === p2.value) continue;
      if (inv.segments && p1.value.split(',').some((s) => p2.value.split(',').includes(s))) continue;
      const open = last.conns ? last.conns[k]! : m.conns(p1.g, p2.g);
      if (open.isEmpty()) continue;
      out.push({
        src: p1.ends,
        dst: p2.ends,
        srcSegment: p1.g.home ?? p1.g.segments[0] ?? '',
        dstSegment: p2.g.home ?? p2.g.segments[0] ?? '',
        open,
        ports: open,
        invariant: inv,
        values: [p1.value, p2.value],
      });
    }
  }
  return out;
}

function egressBreaches<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, inv: EgressInvariant): InvariantBreach<E, T>[] {
  const out: InvariantBreach<E, T>[] = [];
  for (const g1 of m.groups) {
    if (g1.external || !has(g1.segments, inv.from)) continue;
    for (const g2 of m.groups) {
      if (!g2.external || has(g2.segments, inv.allowSegments)) continue;
      const ends = g2.ends.filter((e) => !inv.allowCidrs.some((c) => e.range && c.cidr.range.family === e.range.family && c.cidr.range.lo <= e.range.lo && e.range.hi <= c.cidr.range.hi));
      if (ends.length === 0) continue;
      const open = m.conns(g1, g2);
      if (!open.isEmpty()) out.push({ src: g1.ends, dst: ends, srcSegment: g1.home ?? g1.segments[0] ?? '', dstSegment: g2.home ?? g2.segments[0] ?? WORLD, open, ports: open, invariant: inv });
    }
  }
  return out;
}


const modelCache = new WeakMap<Analysis, WeakMap<Intent, IntentModel>>();
/** The grouped model of an (analysis, intent) pair, computed once. */
export function intentModel(a: Analysis, intent: Intent): IntentModel {
  let byIntent = modelCache.get(a);
  if (!byIntent) modelCache.set(a, (byIntent = new WeakMap()));
  let m = byIntent.get(intent);
  if (!m) byIntent.set(intent, (m = buildModel(a, intent)));
  return m;
}

/** What judging an intent finds in any model: paths beyond the flows, broken flows, invariant breaches, health. */
export interface Judgement<E extends EndLike, T> {
  readonly violations: readonly Violation<E, T>[];
  readonly overbroad: readonly Violation<E, T>[];
  readonly broken: readonly BrokenFlow<E, T>[];
  readonly breaches: readonly InvariantBreach<E, T>[];
  readonly health: readonly SegmentHealth[];
}

/**
 * Judges a model against an intent, whatever the layer. `judged` says which segments this model can hold
 * members of (a flow or a health row of the other layer's segments is left to that layer's model).
 */
export function judge<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, intent: Intent, judged: (segment: string) => boolean = () => true): Judgement<E, T> {
  const hasPair = pairTester(m.groups);
  const { violations, overbroad } = driftPaths(m, intent, hasPair);
  const breaches: InvariantBreach<E, T>[] = [];
  for (const inv of intent.invariants) {
    // A loop, not push(...list): an invariant over a big open namespace breaks on more bundles than a call takes arguments.
    const found = inv.kind === 'never' ? neverBreaches(m, inv, hasPair) : inv.kind === 'isolated' ? isolatedBreaches(m, inv) : inv.kind === 'egress' ? egressBreaches(m, inv) : [];
    for (const x of found) breaches.push(x);
  }
  return { violations, overbroad, broken: brokenFlows(m, intent, judged, hasPair), breaches, health: health(m, intent, judged) };
}

/** Segments whose every matcher selects AWS network interfaces: the cluster has no member of them to judge. */
export function awsOnly(intent: Intent): (segment: string) => boolean {
  const names = new Set([...intent.segments, ...(intent.inline ?? [])].filter((s) => s.matchers.length > 0 && s.matchers.every((x) => x.aws)).map((s) => s.name));
  return (s) => names.has(s);
}

/** Compares the deployed rules with the intent: violations, over-broad paths, broken flows, unmapped endpoints, invariant breaches, segment health. */
export function drift(a: Analysis, intent: Intent): DriftResult {
  const m = intentModel(a, intent);
  const aws = awsOnly(intent);
  const j = judge(m, intent, (s) => !aws(s));
  const used = new Set(m.groups.flatMap((g) => g.segments));
  return {
    intent,
    ...j,
    unmapped: m.unmapped,
    emptySegments: intent.segments.filter((s) => !used.has(s.name) && !aws(s.name)),
  };
}

/** Every (src, dst) pair of a bundle, skipping an endpoint to itself. */
export function* pairsOf<E extends EndLike, T>(b: PathBundle<E, T>): Generator<[E, E]> {
  for (const s of b.src) for (const d of b.dst) if (s.id !== d.id) yield [s, d];
}

/** How many (src, dst) pairs a bundle stands for. */
export function pairCount<E extends EndLike, T>(b: PathBundle<E, T>): number {
  let n = 0;
  for (const _ of pairsOf(b)) n++;
  return n;
}
