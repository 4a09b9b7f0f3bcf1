/**
 * Drift: the documented architecture (intent) against what the deployed rules allow.
 * Endpoints are grouped by (segments, behaviour class); connections are computed once per group pair and
 * reported as bundles ("every member of these to every member of those is open on these ports").
 */
import type { Analysis, Target } from '../../engine/index.js';
import type { Labels, Workload } from '../../inventory/types.js';
import { atomize, formatRange, type IpRange } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { BitSet } from '../../model/bitset.js';
import { behaviours, type Behaviours } from './behaviour.js';
import { clusterSegments, intentRanges, namespaceLabels, rangeSegments, segmentIndex } from './membership.js';
import { WORLD, type EgressInvariant, type Flow, type Intent, type Invariant, type IsolatedInvariant, type NeverInvariant, type Segment } from './types.js';
import { lex } from '../../util/compare.js';

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
export interface PathBundle {
  readonly src: readonly PathEnd[];
  readonly dst: readonly PathEnd[];
  readonly srcSegment: string;
  readonly dstSegment: string;
  readonly open: PortSet;
  readonly ports: PortSet;
}

/** Open paths between different home segments beyond what flows allow. */
export interface Violation extends PathBundle {
  /** What flows allow between them (empty: no flow at all, a violation; otherwise over-broad). */
  readonly intended: PortSet;
  readonly flows: readonly Flow[];
}

export interface BrokenFlow {
  readonly flow: Flow;
  /** One segment of the flow's `from` and one of its `to`: each pair is checked on its own. */
  readonly from: string;
  readonly to: string;
  /** Ports of the flow no member pair gets. */
  readonly missing: PortSet;
  /** `blocked`: members exist but the rules deny; `no-source`/`no-destination`: a side has no member. */
  readonly reason: 'blocked' | 'no-source' | 'no-destination';
  /** `blocked`: one member pair of the two segments (what a check explains the block on). */
  readonly pair?: { readonly src: PathEnd; readonly dst: PathEnd };
}

export interface InvariantBreach extends PathBundle {
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
  /** In-cluster workloads in the segment. */
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

interface Group {
  readonly index: number;
  readonly segments: readonly string[];
  readonly segKey: string;
  /** A small integer per distinct segment list (segKey), for cheap pair keys. */
  readonly segId: number;
  readonly external: boolean;
  /** Behaviour class (in-cluster) or outside block index. */
  readonly b: number;
  readonly ends: PathEnd[];
  /** A representative address target (external groups). */
  readonly addr?: Target & { kind: 'address' };
}

/** Everything drift, invariants and health need, computed once per (analysis, intent). */
export interface IntentModel {
  readonly groups: readonly Group[];
  conns(g1: Group, g2: Group): PortSet;
  /** Groups `g` may reach (a superset of those with conns non-empty), so loops skip the empty pairs. */
  successors(g: Group): readonly Group[];
  readonly unmapped: Unmapped[];
}

/** Groups endpoints by segments and behaviour; cuts outside blocks where segment membership changes. */
export function buildModel(a: Analysis, intent: Intent): IntentModel {
  const beh: Behaviours = behaviours(a);
  const nsl = namespaceLabels(a);
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  const segIds = new Map<string, number>();
  const group = (segments: string[], external: boolean, b: number, addr?: Target & { kind: 'address' }): Group => {
    const segKey = segments.join('\u0000');
    const key = `${external ? 'x' : 'c'}${b}|${segKey}`;
    let g = byKey.get(key);
    if (!g) {
      let segId = segIds.get(segKey);
      if (segId === undefined) segIds.set(segKey, (segId = segIds.size));
      g = { index: groups.length, segments, segKey, segId, external, b, ends: [], ...(addr ? { addr } : {}) };
      byKey.set(key, g);
      groups.push(g);
    }
    return g;
  };

  // In-cluster: one end per (workload, pod class).
  const seen = new Map<string, string[]>();
  const unmappedPods = new Map<string, number>();
  const candidates = segmentIndex(intent);
  for (const pod of a.inventory.pods) {
    const cls = a.classOf(pod.id);
    const key = `${pod.workload}\u0000${cls}`;
    let segments = seen.get(key);
    const fresh = segments === undefined;
    if (!segments) {
      const c = a.layer.classes[cls]!;
      segments = clusterSegments(intent, { namespace: c.namespace, namespaceLabels: nsl.get(c.namespace) ?? {}, labels: c.labels, workload: pod.workload }, candidates(c.namespace));
      seen.set(key, segments);
    }
    if (segments.length === 0) unmappedPods.set(pod.workload, (unmappedPods.get(pod.workload) ?? 0) + 1);
    if (!fresh) continue;
    const c = a.layer.classes[cls]!;
    group(segments, false, beh.of[cls]!).ends.push({ id: pod.workload, kind: 'workload', segments, target: { kind: 'class', index: cls }, namespace: c.namespace, labels: c.labels });
  }

  // Outside: the engine's blocks cut at every intent CIDR boundary, consecutive pieces merged when alike.
  const cuts = intentRanges(intent);
  a.externals().forEach((block, bi) => {
    const pieces = atomize(block.range.family, [...cuts, block.range]).filter((p) => p.lo >= block.range.lo && p.hi <= block.range.hi);
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
  const clusterByB = new Map<number, Group[]>();
  const externalGroups: Group[] = [];
  const clusterGroups: Group[] = [];
  for (const g of groups) {
    if (g.external) {
      externalGroups.push(g);
      continue;
    }
    clusterGroups.push(g);
    let l = clusterByB.get(g.b);
    if (!l) clusterByB.set(g.b, (l = []));
    l.push(g);
  }
  const succ = new Map<Group, Group[]>();
  return {
    groups,
    unmapped,
    successors(g) {
      let l = succ.get(g);
      if (!l) {
        l = g.external ? clusterGroups : [...beh.candidates(g.b).flatMap((b) => clusterByB.get(b) ?? []), ...externalGroups];
        l.sort((x, y) => x.index - y.index);
        succ.set(g, l);
      }
      return l;
    },
    conns(g1, g2) {
      if (g1.external && g2.external) return PortSet.NONE;
      if (g2.external) return beh.toAddress(g1.b, blockTargets[g2.b]!, g2.b);
      if (g1.external) return beh.fromAddress(blockTargets[g1.b]!, g2.b, g1.b);
      return beh.conns(g1.b, g2.b);
    },
  };
}

/** True when a pair of groups has at least one pair of distinct endpoints. */
function hasPair(g1: Group, g2: Group): boolean {
  if (g1 !== g2) return g1.ends.length > 0 && g2.ends.length > 0 && !(g1.ends.length === 1 && g2.ends.length === 1 && g1.ends[0]!.id === g2.ends[0]!.id);
  return new Set(g1.ends.map((e) => e.id)).size > 1;
}

const has = (segs: readonly string[], names: readonly string[]): boolean => segs.some((s) => names.includes(s));

/** Flows from any of s1 to any of s2 (declaration order), through an index of flows by source segment. */
function flowIndex(intent: Intent): (s1: readonly string[], s2: readonly string[]) => Flow[] {
  const byFrom = new Map<string, Flow[]>();
  for (const f of intent.flows) {
    for (const n of f.from) {
      let l = byFrom.get(n);
      if (!l) byFrom.set(n, (l = []));
      if (l[l.length - 1] !== f) l.push(f);
    }
  }
  // Long `to` lists (init writes some) are looked up, not scanned.
  const toSets = new Map(intent.flows.map((f) => [f, new Set(f.to)]));
  return (s1, s2) => {
    const out = new Set<Flow>();
    for (const n of s1) for (const f of byFrom.get(n) ?? []) if (s2.some((x) => toSets.get(f)!.has(x))) out.add(f);
    return [...out].sort((x, y) => x.index - y.index);
  };
}

function bundle(g1: Group, g2: Group, open: PortSet, ports: PortSet): PathBundle {
  return { src: g1.ends, dst: g2.ends, srcSegment: g1.segments[0] ?? '', dstSegment: g2.segments[0] ?? '', open, ports };
}

function driftPaths(m: IntentModel, intent: Intent): { violations: Violation[]; overbroad: Violation[] } {
  const violations: Violation[] = [];
  const overbroad: Violation[] = [];
  const flowCache = new Map<number, { flows: Flow[]; ports: PortSet }>();
  const S = m.groups.reduce((n, g) => Math.max(n, g.segId + 1), 0);
  const flowsBetween = flowIndex(intent);
  for (const g1 of m.groups) {
    if (g1.segments.length === 0) continue;
    for (const g2 of m.successors(g1)) {
      if (g2.segments.length === 0 || g1.segments[0] === g2.segments[0] || !hasPair(g1, g2)) continue;
      const open = m.conns(g1, g2);
      if (open.isEmpty()) continue;
      const key = g1.segId * S + g2.segId;
      let f = flowCache.get(key);
      if (!f) {
        const flows = flowsBetween(g1.segments, g2.segments);
        f = { flows, ports: flows.reduce((s, x) => s.union(x.ports), PortSet.NONE) };
        flowCache.set(key, f);
      }
      const excess = open.subtract(f.ports);
      if (excess.isEmpty()) continue;
      const v: Violation = { ...bundle(g1, g2, open, excess), intended: f.ports, flows: f.flows };
      (f.flows.length > 0 ? overbroad : violations).push(v);
    }
  }
  return { violations, overbroad };
}

function brokenFlows(m: IntentModel, intent: Intent): BrokenFlow[] {
  const out: BrokenFlow[] = [];
  const bySegment = new Map<string, Group[]>();
  for (const g of m.groups) {
    for (const s of g.segments) {
      let l = bySegment.get(s);
      if (!l) bySegment.set(s, (l = []));
      l.push(g);
    }
  }
  for (const flow of intent.flows) {
    for (const from of flow.from) {
      for (const to of flow.to) {
        const srcs = bySegment.get(from) ?? [];
        const dsts = bySegment.get(to) ?? [];
        if (srcs.length === 0 || dsts.length === 0) {
          out.push({ flow, from, to, missing: flow.ports, reason: srcs.length === 0 ? 'no-source' : 'no-destination' });
          continue;
        }
        // A segment to itself with one workload has no pair to check (paths inside a segment are not
        // checked either): `from: [a, b], to: [a, b]` means a to b and b to a.
        if (from === to && new Set(srcs.flatMap((g) => g.ends.map((e) => e.id))).size < 2) continue;
        let reached = PortSet.NONE;
        let dstSet: Set<Group> | undefined;
        let pair: BrokenFlow['pair'];
        outer: for (const g1 of srcs) {
          // Walk whichever is shorter: the destination's groups or what the source can reach.
          const succ = m.successors(g1);
          const walk = dsts.length <= succ.length ? dsts : succ;
          if (walk === succ) dstSet ??= new Set(dsts);
          for (const g2 of walk) {
            if ((walk === succ && !dstSet!.has(g2)) || !hasPair(g1, g2)) continue;
            pair ??= { src: g1.ends[0]!, dst: g2.ends.find((e) => e.id !== g1.ends[0]!.id) ?? g2.ends[0]! };
            reached = reached.union(m.conns(g1, g2).intersect(flow.ports));
            if (reached.equals(flow.ports)) break outer;
          }
        }
        const missing = flow.anyPort ? (reached.isEmpty() ? flow.ports : PortSet.NONE) : flow.ports.subtract(reached);
        if (missing.isEmpty()) continue;
        // A blocked pair may never have been walked (nothing reaches): take the first pair there is.
        for (const g1 of srcs) {
          if (pair) break;
          const g2 = dsts.find((g) => hasPair(g1, g));
          if (g2) pair = { src: g1.ends[0]!, dst: g2.ends.find((e) => e.id !== g1.ends[0]!.id) ?? g2.ends[0]! };
        }
        out.push({ flow, from, to, missing, reason: 'blocked', ...(pair ? { pair } : {}) });
      }
    }
  }
  return out;
}

function neverBreaches(m: IntentModel, inv: NeverInvariant): InvariantBreach[] {
  const out: InvariantBreach[] = [];
  for (const g1 of m.groups) {
    if (!has(g1.segments, inv.from)) continue;
    for (const g2 of m.successors(g1)) {
      if (!has(g2.segments, inv.to) || !hasPair(g1, g2)) continue;
      const open = m.conns(g1, g2);
      if (!open.isEmpty()) out.push({ ...bundle(g1, g2, open, open), invariant: inv });
    }
  }
  return out;
}

function isolatedBreaches(a: Analysis, m: IntentModel, inv: IsolatedInvariant): InvariantBreach[] {
  const nsl = namespaceLabels(a);
  const out: InvariantBreach[] = [];
  // Sub-groups keyed by the isolation value, so ends of one group with different values are compared.
  const valueOf = (e: PathEnd): string | undefined => {
    if (inv.segments) {
      const own = e.segments.filter((s) => inv.segments!.includes(s));
      return own.length > 0 ? own.join(',') : undefined;
    }
    if (e.kind === 'external') return undefined;
    const key = inv.label!;
    const pod = e.labels?.[key];
    const ns = nsl.get(e.namespace ?? '')?.[key];
    return inv.on === 'pod' ? pod : inv.on === 'namespace' ? ns : (pod ?? ns);
  };
  const parts: { g: Group; value: string; ends: PathEnd[] }[] = [];
  for (const g of m.groups) {
    if (inv.within && !has(g.segments, inv.within)) continue;
    const byValue = new Map<string, PathEnd[]>();
    for (const e of g.ends) {
      const v = valueOf(e);
      if (v === undefined) continue;
      let l = byValue.get(v);
      if (!l) byValue.set(v, (l = []));
      l.push(e);
    }
    for (const [value, ends] of byValue) parts.push({ g, value, ends });
  }
  for (const p1 of parts) {
    for (const p2 of parts) {
      if (p1.value === p2.value) continue;
      if (inv.segments && p1.value.split(',').some((s) => p2.value.split(',').includes(s))) continue;
      const open = m.conns(p1.g, p2.g);
      if (open.isEmpty()) continue;
      out.push({
        src: p1.ends,
        dst: p2.ends,
        srcSegment: p1.g.segments[0] ?? '',
        dstSegment: p2.g.segments[0] ?? '',
        open,
        ports: open,
        invariant: inv,
        values: [p1.value, p2.value],
      });
    }
  }
  return out;
}

function egressBreaches(m: IntentModel, inv: EgressInvariant): InvariantBreach[] {
  const out: InvariantBreach[] = [];
  for (const g1 of m.groups) {
    if (g1.external || !has(g1.segments, inv.from)) continue;
    for (const g2 of m.groups) {
      if (!g2.external || has(g2.segments, inv.allowSegments)) continue;
      const ends = g2.ends.filter((e) => !inv.allowCidrs.some((c) => e.range && c.cidr.range.family === e.range.family && c.cidr.range.lo <= e.range.lo && e.range.hi <= c.cidr.range.hi));
      if (ends.length === 0) continue;
      const open = m.conns(g1, g2);
      if (!open.isEmpty()) out.push({ src: g1.ends, dst: ends, srcSegment: g1.segments[0] ?? '', dstSegment: g2.segments[0] ?? WORLD, open, ports: open, invariant: inv });
    }
  }
  return out;
}

function health(m: IntentModel, intent: Intent): SegmentHealth[] {
  const n = m.groups.length;
  const out: BitSet[] = m.groups.map(() => new BitSet(n));
  const inn: BitSet[] = m.groups.map(() => new BitSet(n));
  for (const g1 of m.groups) {
    for (const g2 of m.successors(g1)) {
      if (g1 === g2 || (g1.external && g2.external)) continue;
      if (!m.conns(g1, g2).isEmpty()) {
        out[g1.index]!.add(g2.index);
        inn[g2.index]!.add(g1.index);
      }
    }
  }
  const cluster = m.groups.filter((g) => !g.external);
  // Workloads and home segments by number, marks by stamp: per segment the work is its reached groups, not
  // every workload or a set of strings (an init intent of a 100k-pod cluster has 20,000 segments).
  const wIndex = new Map<string, number>();
  const idsOf: Int32Array[] = m.groups.map((g) => {
    if (g.external) return new Int32Array(0);
    const ids = new Set<number>();
    for (const e of g.ends) {
      let w = wIndex.get(e.id);
      if (w === undefined) wIndex.set(e.id, (w = wIndex.size));
      ids.add(w);
    }
    return Int32Array.from(ids);
  });
  const homeNames = [...new Set(m.groups.map((g) => g.segments[0]).filter((x): x is string => x !== undefined))].sort(lex);
  const homeRank = new Map(homeNames.map((x, i) => [x, i]));
  const homeOf = m.groups.map((g) => (g.segments[0] === undefined ? -1 : homeRank.get(g.segments[0])!));
  const member = new Int32Array(wIndex.size).fill(-1);
  const seenW = new Int32Array(wIndex.size).fill(-1);
  const seenSeg = new Int32Array(homeNames.length).fill(-1);
  let stamp = 0;
  const result: SegmentHealth[] = [];
  const clusterBySegment = new Map<string, Group[]>();
  for (const g of cluster) {
    for (const s of g.segments) {
      let l = clusterBySegment.get(s);
      if (!l) clusterBySegment.set(s, (l = []));
      l.push(g);
    }
  }
  intent.segments.forEach((seg, si) => {
    const mine = clusterBySegment.get(seg.name) ?? [];
    if (mine.length === 0) return;
    let members = 0;
    for (const g of mine) {
      for (const w of idsOf[g.index]!) {
        if (member[w] !== si) {
          member[w] = si;
          members++;
        }
      }
    }
    const others = wIndex.size - members;
    const reach = new BitSet(n);
    const reachedBy = new BitSet(n);
    for (const g of mine) {
      reach.orWith(out[g.index]!);
      reachedBy.orWith(inn[g.index]!);
    }
    const own = homeRank.get(seg.name) ?? -1;
    const count = (bits: BitSet): { n: number; segs: string[]; outside: boolean } => {
      const cur = ++stamp;
      let count = 0;
      const segs: number[] = [];
      let outside = false;
      for (const i of bits) {
        const g = m.groups[i]!;
        let outsider = false;
        if (g.external) {
          outside = true;
          outsider = g.ends.length > 0;
        } else {
          for (const w of idsOf[i]!) {
            if (member[w] === si) continue;
            outsider = true;
            if (seenW[w] !== cur) {
              seenW[w] = cur;
              count++;
            }
          }
        }
        const h = homeOf[i]!;
        if (outsider && h >= 0 && h !== own && seenSeg[h] !== cur) {
          seenSeg[h] = cur;
          segs.push(h);
        }
      }
      return { n: count, segs: segs.sort((x, y) => x - y).map((h) => homeNames[h]!), outside };
    };
    const r = count(reach);
    const b = count(reachedBy);
    const share = others === 0 ? 0 : r.n / others;
    result.push({
      segment: seg,
      members,
      others,
      reaches: r.n,
      share,
      reachedBy: b.n,
      reachesSegments: r.segs,
      reachedBySegments: b.segs,
      reachesOutside: r.outside,
      reachedFromOutside: b.outside,
      flat: others >= 3 && share >= intent.settings.flatThreshold,
    });
  });
  return result;
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

/** Compares the deployed rules with the intent: violations, over-broad paths, broken flows, unmapped endpoints, invariant breaches, segment health. */
export function drift(a: Analysis, intent: Intent): DriftResult {
  const m = intentModel(a, intent);
  const { violations, overbroad } = driftPaths(m, intent);
  const breaches: InvariantBreach[] = [];
  for (const inv of intent.invariants) {
    if (inv.kind === 'never') breaches.push(...neverBreaches(m, inv));
    else if (inv.kind === 'isolated') breaches.push(...isolatedBreaches(a, m, inv));
    else if (inv.kind === 'egress') breaches.push(...egressBreaches(m, inv));
  }
  const used = new Set(m.groups.flatMap((g) => g.segments));
  return {
    intent,
    violations,
    overbroad,
    broken: brokenFlows(m, intent),
    unmapped: m.unmapped,
    emptySegments: intent.segments.filter((s) => !used.has(s.name)),
    breaches,
    health: health(m, intent),
  };
}

/** Every (src, dst) pair of a bundle, skipping an endpoint to itself. */
export function* pairsOf(b: PathBundle): Generator<[PathEnd, PathEnd]> {
  for (const s of b.src) for (const d of b.dst) if (s.id !== d.id) yield [s, d];
}

/** How many (src, dst) pairs a bundle stands for. */
export function pairCount(b: PathBundle): number {
  let n = 0;
  for (const _ of pairsOf(b)) n++;
  return n;
}
