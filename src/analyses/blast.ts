/**
 * Blast radius: from a compromised endpoint, everything it reaches directly and by lateral movement
 * (an attacker who takes each reached workload uses its connectivity in turn), hop by hop, with the
 * rules that open each hop; or, without a starting point, every workload ranked by how far it spreads.
 *
 * Everything is computed on the behaviour graph (src/analyses/blast/graph.ts), then mapped to endpoints.
 * Outside addresses are reached (exfiltration, callbacks) but never pivoted through: what runs there is unknown.
 */
import type { Analysis, Target } from '../engine/index.js';
import { explainSide, type SideExplanation } from '../engine/k8s/explain-side.js';
import type { NodeRelation } from '../engine/k8s/node-rule.js';
import type { SourceRef } from '../inventory/types.js';
import { formatRange, parseCidr, parseIp, rangesOverlap, type IpRange } from '../model/address.js';
import { BitSet } from '../model/bitset.js';
import type { PortSet } from '../model/port-set.js';
import { UserError } from '../util/errors.js';
import { NONE_ID } from '../engine/port-table.js';
import { buildClassGraph, closureWithOutside, hopSearch, type ClassGraph, type HopSearch } from './blast/graph.js';
import { clusterEndpoints, endpointMatcher, externalEndpoint, resolveOne, type Endpoint, type Level, type ResolvedEndpoint } from './endpoints.js';
import { lex } from '../util/compare.js';
import { outsideName } from './outside.js';

/** The counts of a blast from one endpoint, the same for every layer. */
export interface BlastFromSummary {
  readonly reached: number;
  readonly direct: number;
  readonly external: number;
  readonly maxHop: number;
  readonly sensitiveReached: number;
  readonly maxBoundaries: number;
}

/** What blast needs from an intent file: segment membership and which segments are sensitive. */
export interface SegmentView {
  /** Segments an endpoint belongs to, sorted (empty when unmapped). */
  segmentsOf(e: Endpoint): readonly string[];
  /** Segments whose compromise matters most (databases, payments, secrets). */
  readonly sensitive: ReadonlySet<string>;
  readonly names: readonly string[];
}

export interface BlastOptions {
  readonly level?: Level;
  /** Workload, pod, address, CIDR, glob, or a segment name when `segments` is given. */
  readonly from?: string;
  /** Stop after this many hops (1 = direct reach only). */
  readonly hops?: number;
  readonly segments?: SegmentView;
  /** More sensitive targets: segment names, or endpoint specs (ids, globs, addresses). */
  readonly targets?: readonly string[];
  /**
   * Pivots to leave out (infrastructure such as cluster DNS): ids, globs or segment names. They are still
   * reached, but an attacker does not move on from them, and the ranking does not rank them.
   */
  readonly exclude?: readonly string[];
}

/** What --exclude left out: the endpoints no path goes through, and those sharing a pod class with others (kept). */
export interface Excluded {
  readonly specs: readonly string[];
  readonly endpoints: readonly string[];
}

/** One side of a hop: the rules that open it, or why nothing restricts it. */
export interface HopSide {
  /** False when no NetworkPolicy restricts this side (or none can apply). */
  readonly restricted: boolean;
  readonly rules: ReadonlyArray<{ readonly policy: string; readonly rule: number; readonly source: SourceRef }>;
  readonly note: string;
  /** Set when the node rule opens the hop: the destination admits its own node (a hostNetwork source). */
  readonly nodeRule?: NodeRelation;
}

export interface Hop {
  readonly from: string;
  readonly to: string;
  readonly conns: PortSet;
  readonly egress: HopSide;
  readonly ingress: HopSide;
  /** True when the hop crosses a segment (or namespace) boundary. */
  readonly crossesBoundary: boolean;
  /** 'same-node': possible only if the hostNetwork source runs on the destination's node (not known from the input). */
  readonly condition?: 'same-node';
}

export interface ReachedEndpoint {
  readonly endpoint: Endpoint;
  /** 1: reached directly from the starting point. */
  readonly hop: number;
  /** A shortest path, one hop per step. */
  readonly path: readonly Hop[];
  /** Segment (or namespace) boundaries the path crosses. */
  readonly boundaries: number;
  readonly segments: readonly string[];
  /** Sensitive segments or --target specs this endpoint falls in. */
  readonly sensitive: readonly string[];
}

export interface BlastFromResult {
  readonly mode: 'from';
  readonly level: Level;
  readonly from: string;
  readonly start: readonly Endpoint[];
  /** What a boundary is: a segment of the intent, or a namespace. */
  readonly boundary: 'segment' | 'namespace';
  readonly hops?: number;
  readonly reached: readonly ReachedEndpoint[];
  /** Each sensitive segment or target with the reached endpoints in it. */
  readonly sensitive: ReadonlyArray<{ readonly name: string; readonly reached: readonly string[] }>;
  /** Pivots left out: reached, but no path goes on from them. */
  readonly excluded?: Excluded;
  readonly summary: BlastFromSummary;
}

export interface RankingEntry {
  readonly endpoint: Endpoint;
  /** In-cluster endpoints reachable in any number of hops. */
  readonly reached: number;
  /** In-cluster endpoints reachable in one hop. */
  readonly direct: number;
  /** Outside address blocks reachable (as the analysis cuts the outside space: other policies change it). */
  readonly external: number;
  /** The outside addresses reachable, named as reach names them (`internet except 10.0.0.0/8`); '' when none. */
  readonly outside: string;
  /** Reached endpoints that are sensitive. */
  readonly sensitive: number;
}

export interface BlastRankingResult {
  readonly mode: 'ranking';
  readonly level: Level;
  readonly hops?: number;
  readonly endpoints: number;
  readonly sensitiveNames: readonly string[];
  /** Riskiest first: most reached, then most sensitive reached, then most direct, then id. */
  readonly ranking: readonly RankingEntry[];
  /** What --exclude (or infrastructure segments) left out of the ranking and of every path. */
  readonly excluded?: Excluded;
}

export type BlastResult = BlastFromResult | BlastRankingResult;

/** Endpoints at a level and, per class, which of them have pods in it. */
interface Nodes {
  readonly cluster: readonly ResolvedEndpoint[];
  readonly byClass: readonly number[][];
  readonly classesOf: readonly number[][];
}

/** The graph with the endpoints on its nodes: which endpoints have pods in each node, and the nodes of each endpoint. */
interface OnGraph {
  readonly g: ClassGraph;
  readonly byNode: readonly number[][];
  readonly nodesOf: readonly number[][];
}

function onGraph(g: ClassGraph, n: Nodes): OnGraph {
  const byNode: number[][] = Array.from({ length: g.n }, () => []);
  const nodesOf = n.classesOf.map((cs, i) => {
    const vs = [...new Set(cs.map((c) => g.nodeOf[c]!))].sort((x, y) => x - y);
    for (const v of vs) byNode[v]!.push(i);
    return vs;
  });
  return { g, byNode, nodesOf };
}

function nodes(a: Analysis, level: Level): Nodes {
  const cluster = clusterEndpoints(a, level);
  const byClass: number[][] = a.layer.classes.map(() => []);
  const classesOf = cluster.map((e, i) => {
    const cs = [...new Set(e.targets.flatMap((t) => (t.kind === 'class' ? [t.index] : [])))].sort((x, y) => x - y);
    for (const c of cs) byClass[c]!.push(i);
    return cs;
  });
  return { cluster, byClass, classesOf };
}

/** The endpoints matched by the exclude specs, and the graph in which their classes lead nowhere. */
function pruned(a: Analysis, n: Nodes, opts: BlastOptions, keep: ReadonlySet<number> = new Set()): { on: OnGraph; excluded?: Excluded; isExcluded: (i: number) => boolean } {
  const specs = opts.exclude ?? [];
  if (specs.length === 0) return { on: onGraph(buildClassGraph(a), n), isExcluded: () => false };
  const seg = opts.segments;
  const hit = new Set<number>();
  for (const spec of specs) {
    const bySegment = seg?.names.includes(spec);
    const m = bySegment ? undefined : endpointMatcher(spec);
    let any = false;
    n.cluster.forEach((e, i) => {
      if (bySegment ? seg!.segmentsOf(e.endpoint).includes(spec) : m!(e.endpoint)) (hit.add(i), (any = true));
    });
    if (!any) throw new UserError(`--exclude "${spec}" matches no endpoint${seg ? ' and names no segment' : ''}`, 'give a workload, glob (kube-system/*) or a segment of the intent');
  }
  // A class stops being a pivot only when every endpoint in it is excluded: the others still move on.
  const dead = new Set<number>();
  n.byClass.forEach((js, c) => {
    if (js.length > 0 && js.every((j) => hit.has(j)) && !keep.has(c)) dead.add(c);
  });
  return {
    on: onGraph(buildClassGraph(a, (c) => dead.has(c)), n),
    excluded: { specs: [...specs], endpoints: [...hit].map((i) => n.cluster[i]!.endpoint.id).sort(lex) },
    isExcluded: (i) => hit.has(i),
  };
}

/** Which endpoints are sensitive, and under which names. */
function sensitivity(cluster: readonly ResolvedEndpoint[], externals: readonly ResolvedEndpoint[], opts: BlastOptions): { names: string[]; of: (e: Endpoint) => string[] } {
  const seg = opts.segments;
  const names = new Set<string>(seg ? [...seg.sensitive] : []);
  const matchers: Array<[string, (e: Endpoint) => boolean]> = [];
  for (const t of opts.targets ?? []) {
    if (seg?.names.includes(t)) names.add(t);
    else {
      const m = endpointMatcher(t);
      if (![...cluster, ...externals].some((e) => m(e.endpoint))) throw new UserError(`--target "${t}" matches no endpoint${seg ? ' and names no segment' : ''}`, 'give a workload, glob (prod/*), address, or a segment of the intent');
      matchers.push([t, m]);
    }
  }
  const segNames = [...names].sort(lex);
  const of = (e: Endpoint): string[] => {
    const hits = seg ? seg.segmentsOf(e).filter((s) => names.has(s)) : [];
    for (const [t, m] of matchers) if (m(e)) hits.push(t);
    return hits;
  };
  return { names: [...segNames, ...matchers.map(([t]) => t)], of };
}

/** Breadth-first search over graph nodes from held nodes and outside starting addresses. */
function search(a: Analysis, g: ClassGraph, startNodes: readonly number[], startAddrs: readonly IpRange[], hops: number | undefined): HopSearch {
  // Each node is seeded by the first starting address that opens something to it (its classes behave alike).
  function* seeds(): Generator<{ node: number; parent: number }> {
    const taken = new Uint8Array(g.n);
    for (const [i, range] of startAddrs.entries()) {
      for (let c = 0; c < g.n; c++) {
        if (taken[c] || g.members[c]!.length === 0 || a.allowed({ kind: 'address', range }, { kind: 'class', index: g.members[c]![0]! }).isEmpty()) continue;
        taken[c] = 1;
        yield { node: c, parent: -2 - i };
      }
    }
  }
  return hopSearch(g, startNodes, seeds(), hops);
}

function sideOf(e: SideExplanation, conns: PortSet): HopSide {
  if (!e.applies) return { restricted: false, rules: [], note: e.reason };
  if (!e.isolated) return { restricted: false, rules: [], note: `no policy: unrestricted ${e.direction}` };
  const rules = e.rules.filter((r) => !r.ports.intersect(conns).isEmpty()).map((r) => ({ policy: r.policy, rule: r.rule, source: r.source }));
  return { restricted: true, rules, note: rules.map((r) => `${r.policy} ${e.direction} rule #${r.rule}`).join(', ') };
}

/** A hop's side through the tiers: the admin and baseline rules that accept some of its ports, then NetworkPolicy's. */
function tierSideOf(a: Analysis, dir: 'ingress' | 'egress', self: Target, other: Target, np: SideExplanation, conns: PortSet): HopSide {
  const tiers = a.tiers;
  const base = sideOf(np, conns);
  if (!tiers || self.kind !== 'class' || !tiers.touches(dir, self.index)) return base;
  const rules: HopSide['rules'][number][] = [];
  for (const t of [tiers.admin, tiers.baseline]) {
    if (t === tiers.baseline && np.isolated) continue;
    for (const st of t.decide(dir, self.index, other).steps) {
      if (st.rule.rule.action !== 'accept' || st.ports.intersect(conns).isEmpty()) continue;
      rules.push({ policy: st.rule.policy.id, rule: st.rule.rule.index + 1, source: st.rule.rule.source });
    }
  }
  const all = [...rules, ...(base.restricted ? base.rules : [])];
  const note = all.length ? all.map((r) => `${r.policy} ${dir} rule #${r.rule}`).join(', ') : `admin and baseline tiers pass: ${base.note}`;
  return { restricted: true, rules: all, note };
}

/** Per graph node (memoized per behaviour), the outside blocks it opens connections to. */
function externalOut(a: Analysis, g: ClassGraph, externals: readonly ResolvedEndpoint[]): (v: number) => BitSet {
  const memo = new Map<number, BitSet>();
  const all = BitSet.full(externals.length);
  const m = a.matrix;
  const none = new BitSet(externals.length);
  return (v) => {
    const c = g.members[v]![0];
    if (c === undefined) return none;
    const beh = m.behaviourOf[c]!;
    let b = memo.get(beh);
    if (!b) {
      // A class nothing restricts on egress reaches every outside block: no need to ask the engine per block.
      if (a.openSide('egress', c)) b = all;
      else {
        // externals are the matrix's blocks, in order.
        b = new BitSet(externals.length);
        for (let k = 0; k < externals.length; k++) if (m.toBlock(beh, k) !== NONE_ID) b.add(k);
      }
      memo.set(beh, b);
    }
    return b;
  };
}

/** Resolves --from into starting endpoints (cluster) and starting address ranges (outside). */
function resolveStart(a: Analysis, n: Nodes, level: Level, spec: string, seg?: SegmentView): { start: number[]; addrs: IpRange[]; endpoints: Endpoint[] } {
  const s = spec.trim();
  const externals = a.externals();
  const byId = new Map(n.cluster.map((e, i) => [e.endpoint.id, i]));
  if (seg?.names.includes(s)) {
    const start = n.cluster.flatMap((e, i) => (seg.segmentsOf(e.endpoint).includes(s) ? [i] : []));
    const ext = externals.map(externalEndpoint).filter((e) => seg.segmentsOf(e.endpoint).includes(s));
    if (start.length === 0 && ext.length === 0) throw new UserError(`segment "${s}" has no endpoint in this input`, 'check the segment definition in the intent file');
    return { start, addrs: ext.map((e) => (e.targets[0] as { range: IpRange }).range), endpoints: [...start.map((i) => n.cluster[i]!.endpoint), ...ext.map((e) => e.endpoint)] };
  }
  const cidr = s.includes('/') ? parseCidr(s) : undefined;
  if (cidr) {
    // A CIDR may span blocks that policies treat differently: start from each piece.
    const addrs = externals
      .filter((b) => rangesOverlap(b.range, cidr.range))
      .map((b) => ({ family: b.range.family, lo: b.range.lo > cidr.range.lo ? b.range.lo : cidr.range.lo, hi: b.range.hi < cidr.range.hi ? b.range.hi : cidr.range.hi }));
    // A family no policy or pod mentions is not cut into blocks: policies treat all of it alike.
    if (addrs.length === 0) addrs.push(cidr.range);
    return { start: [], addrs, endpoints: [{ id: s, kind: 'External', cidrs: [s] }] };
  }
  if (s.includes('*') || (s.endsWith('/') && !parseIp(s))) {
    const m = endpointMatcher(s);
    const start = n.cluster.flatMap((e, i) => (m(e.endpoint) ? [i] : []));
    if (start.length === 0) throw new UserError(`no ${level} matches "${s}"`, 'use namespace/name, a glob such as prod/*, an IP address or a CIDR');
    return { start, addrs: [], endpoints: start.map((i) => n.cluster[i]!.endpoint) };
  }
  const r = resolveOne(a, s);
  if (r.endpoint.kind === 'External') {
    const range = (r.targets[0] as { range: IpRange }).range;
    return { start: [], addrs: [range], endpoints: [r.endpoint] };
  }
  // resolveOne answers with a pod for a pod address or pod id; at workload level the attacker holds its workload.
  const id = level === 'workload' && r.endpoint.kind === 'Pod' && r.pods.length === 1 && !byId.has(r.endpoint.id) ? a.pod(r.pods[0]!)?.workload ?? r.endpoint.id : r.endpoint.id;
  const i = byId.get(id);
  if (i === undefined && level === 'pod' && r.pods.length > 0) {
    const ids = r.pods.map((p) => byId.get(p)!).filter((x) => x !== undefined);
    return { start: ids, addrs: [], endpoints: ids.map((x) => n.cluster[x]!.endpoint) };
  }
  if (i === undefined) throw new UserError(`"${s}" is not a ${level} of this input`, level === 'pod' ? 'name a pod (namespace/pod)' : 'name a workload');
  return { start: [i], addrs: [], endpoints: [n.cluster[i]!.endpoint] };
}

/** Outside addresses as one endpoint, named as reach names them (see outsideName). */
function outsideEndpoint(ranges: readonly IpRange[], universe: readonly IpRange[]): Endpoint {
  const n = outsideName(ranges, universe);
  return { id: n.name, kind: 'External', cidrs: n.cidrs, ...(n.except ? { except: n.except } : {}) };
}

/** Blast radius of one starting point (see BlastOptions.from). */
export function blastFrom(a: Analysis, opts: BlastOptions & { from: string }): BlastFromResult {
  const level = opts.level ?? 'workload';
  if (opts.hops !== undefined && (!Number.isInteger(opts.hops) || opts.hops < 1)) throw new UserError(`bad --hops ${opts.hops}`, 'give a whole number of hops, 1 or more');
  const n = nodes(a, level);
  const externals = a.externals().map(externalEndpoint);
  const seg = opts.segments;
  const sens = sensitivity(n.cluster, externals, opts);
  const st = resolveStart(a, n, level, opts.from, seg);
  const startSet = new Set(st.start);
  const startClasses = [...new Set(st.start.flatMap((i) => n.classesOf[i]!))];
  const cut = pruned(a, n, opts, new Set(startClasses));
  const { g, byNode, nodesOf } = cut.on;
  const startNodes = [...new Set(startClasses.map((c) => g.nodeOf[c]!))];
  const { held, reach, parent } = search(a, g, startNodes, st.addrs, opts.hops);

  const domain = (e: Endpoint): string => {
    if (seg) return seg.segmentsOf(e).join('+') || '(unmapped)';
    return e.namespace ?? '(outside)';
  };
  // The endpoint shown for a node in the middle of a path: the start endpoint holding it, else the smallest id.
  const startOfNode = new Map<number, number>();
  for (const i of st.start) for (const v of nodesOf[i]!) if (!startOfNode.has(v)) startOfNode.set(v, i);
  const nameOf = (v: number): Endpoint => n.cluster[startOfNode.get(v) ?? byNode[v]![0]!]!.endpoint;
  // The class a node's hops are explained on: its classes behave alike (one behaviour).
  const classOfNode = (v: number): Target => ({ kind: 'class', index: g.members[v]![0]! });
  // Every outside address the analysis models: what `internet` stands for in names.
  const universe = a.externals().map((b) => b.range);
  const addrEndpoint = (i: number): Endpoint => (st.addrs.length === 1 && st.start.length === 0 ? st.endpoints[0]! : outsideEndpoint([st.addrs[i]!], universe));

  const sideCache = new Map<string, { e: SideExplanation; i: SideExplanation }>();
  const hop = (src: Target, dst: Target, se: Endpoint, de: Endpoint, conns: PortSet): Hop => {
    const h = policyHop(src, dst, se, de, conns);
    if (src.kind !== 'class' || dst.kind !== 'class' || !a.layer.classes[src.index]!.hostNetwork) return h;
    const rel = a.podNodeRelation(a.layer.classes[src.index]!.pods[0]!.id, a.layer.classes[dst.index]!.pods[0]!.id);
    if ((rel !== 'same-node' && rel !== 'possibly-same-node') || a.allowed(src, dst).isAll()) return h;
    const ingress: HopSide = { restricted: true, rules: [], note: `the node rule: ${de.id} admits its own node${rel === 'same-node' ? '' : ', if it runs there'}`, nodeRule: rel };
    return { ...h, ingress, ...(rel === 'possibly-same-node' ? { condition: 'same-node' as const } : {}) };
  };
  const policyHop = (src: Target, dst: Target, se: Endpoint, de: Endpoint, conns: PortSet): Hop => {
    const key = `${src.kind === 'class' ? src.index : formatRange(src.range)}>${dst.kind === 'class' ? dst.index : formatRange(dst.range)}`;
    let sides = sideCache.get(key);
    if (!sides) {
      sides = { e: explainSide(a.layer, 'egress', src, dst, se.id, de.id), i: explainSide(a.layer, 'ingress', dst, src, de.id, se.id) };
      sideCache.set(key, sides);
    }
    return { from: se.id, to: de.id, conns, egress: tierSideOf(a, 'egress', src, dst, sides.e, conns), ingress: tierSideOf(a, 'ingress', dst, src, sides.i, conns), crossesBoundary: domain(se) !== domain(de) };
  };
  /** The hop into node c from its parent on the search tree (the start, an outside address, or a node), ending at `to`. */
  const hopInto = (c: number, to: Endpoint): Hop => {
    const v = parent[c]!;
    let prevT: Target;
    let prevE: Endpoint;
    if (v >= 0) {
      prevT = classOfNode(v);
      prevE = nameOf(v);
    } else {
      const ai = -2 - v;
      prevT = { kind: 'address', range: st.addrs[ai]! };
      prevE = addrEndpoint(ai);
    }
    const t = classOfNode(c);
    return hop(prevT, t, prevE, to, v >= 0 ? g.ports(v, c) : a.allowed(prevT, t));
  };
  // Per node held after some hops: the path to it, each step ending at the node's name. Shared by every
  // endpoint reached through it (20,000 endpoints at 100k pods, over a few hundred pivots).
  const prefixes = new Map<number, readonly Hop[]>();
  const prefixTo = (x: number): readonly Hop[] => {
    const open: number[] = [];
    let v = x;
    while (v >= 0 && held[v]! > 0 && !prefixes.has(v)) {
      open.push(v);
      v = parent[v]!;
    }
    let before: readonly Hop[] = v >= 0 && held[v]! > 0 ? prefixes.get(v)! : [];
    for (let k = open.length - 1; k >= 0; k--) {
      const y = open[k]!;
      before = [...before, hopInto(y, nameOf(y))];
      prefixes.set(y, before);
    }
    return prefixes.get(x)!;
  };
  /** Hops from the start to node c (c reached by an edge), the last one ending at `last`. */
  const pathTo = (c: number, last: Endpoint): Hop[] => {
    const v = parent[c]!;
    return [...(v >= 0 && held[v]! > 0 ? prefixTo(v) : []), hopInto(c, last)];
  };

  const reached: ReachedEndpoint[] = [];
  n.cluster.forEach((e, i) => {
    if (startSet.has(i)) return;
    let best = -1;
    for (const c of nodesOf[i]!) if (reach[c]! > 0 && (best === -1 || reach[c]! < reach[best]!)) best = c;
    if (best === -1) return;
    const path = pathTo(best, e.endpoint);
    reached.push({
      endpoint: e.endpoint,
      hop: reach[best]!,
      path,
      boundaries: path.filter((h) => h.crossesBoundary).length,
      segments: seg ? seg.segmentsOf(e.endpoint) : [],
      sensitive: sens.of(e.endpoint),
    });
  });
  // Outside blocks: reached from any held class within the hop limit. Blocks reached the same way (same
  // pivot, ports, rules, segments and sensitivity) are one endpoint, named as reach names it (`internet`,
  // `internet except 10.0.0.0/8`, or its CIDRs): how other policies cut the outside space changes nothing
  // for the attacker, so it must not change the listing either.
  const heldOrder = [...held.keys()].filter((c) => held[c]! >= 0 && (opts.hops === undefined || held[c]! < opts.hops)).sort((x, y) => held[x]! - held[y]! || x - y);
  const groups = new Map<string, { ranges: IpRange[]; via: number; last: Hop; first: Endpoint }>();
  const outside = externalOut(a, g, externals);
  const pivots = heldOrder.filter((c) => !g.dead(c) && g.members[c]!.length > 0);
  externals.forEach((ext, k) => {
    const t = ext.targets[0]!;
    const range = (t as { range: IpRange }).range;
    const via = pivots.find((c) => outside(c).has(k));
    if (via === undefined) return;
    const last = hop(classOfNode(via), t, nameOf(via), ext.endpoint, a.allowed(classOfNode(via), t));
    const key = [via, last.conns.key(), JSON.stringify(last.egress), seg ? seg.segmentsOf(ext.endpoint).join() : '', sens.of(ext.endpoint).join()].join('|');
    const g = groups.get(key);
    if (g) g.ranges.push(range);
    else groups.set(key, { ranges: [range], via, last, first: ext.endpoint });
  });
  for (const { ranges, via, last, first } of groups.values()) {
    const endpoint = outsideEndpoint(ranges, universe);
    const path = held[via] === 0 ? [] : pathTo(via, nameOf(via));
    // The merged endpoint, not the first block it was built from, is what no policy restricts.
    const ingress = { ...last.ingress, note: `${endpoint.id} is outside the cluster: no NetworkPolicy applies to its ingress` };
    path.push({ ...last, to: endpoint.id, ingress, crossesBoundary: domain(nameOf(via)) !== domain(first) });
    reached.push({
      endpoint,
      hop: held[via]! + 1,
      path,
      boundaries: path.filter((h) => h.crossesBoundary).length,
      segments: seg ? seg.segmentsOf(first) : [],
      sensitive: sens.of(first),
    });
  }
  reached.sort((x, y) => x.hop - y.hop || Number(x.endpoint.kind === 'External') - Number(y.endpoint.kind === 'External') || lex(x.endpoint.id, y.endpoint.id));
  const sensitive = sens.names.map((name) => ({ name, reached: reached.filter((r) => r.sensitive.includes(name)).map((r) => r.endpoint.id) }));
  const inCluster = reached.filter((r) => r.endpoint.kind !== 'External');
  return {
    mode: 'from',
    level,
    from: opts.from,
    start: st.endpoints,
    boundary: seg ? 'segment' : 'namespace',
    ...(opts.hops !== undefined ? { hops: opts.hops } : {}),
    reached,
    sensitive,
    ...(cut.excluded ? { excluded: cut.excluded } : {}),
    summary: {
      reached: inCluster.length,
      direct: inCluster.filter((r) => r.hop === 1).length,
      external: reached.length - inCluster.length,
      maxHop: reached.reduce((m, r) => Math.max(m, r.hop), 0),
      sensitiveReached: reached.filter((r) => r.sensitive.length > 0).length,
      maxBoundaries: reached.reduce((m, r) => Math.max(m, r.boundaries), 0),
    },
  };
}

/** Σ weights[v] over the members of a set, read a word at a time. */
function weightOf(set: BitSet, weights: Int32Array | Float64Array): number {
  let n = 0;
  const words = set.words;
  for (let wi = 0; wi < words.length; wi++) {
    let w = words[wi]!;
    while (w !== 0) {
      const t = w & -w;
      n += weights[(wi << 5) + 31 - Math.clz32(t)]!;
      w ^= t;
    }
  }
  return n;
}

/** Every endpoint ranked by the size of its blast radius, riskiest first. */
export function blastRanking(a: Analysis, opts: BlastOptions = {}): BlastRankingResult {
  const level = opts.level ?? 'workload';
  if (opts.hops !== undefined && (!Number.isInteger(opts.hops) || opts.hops < 1)) throw new UserError(`bad --hops ${opts.hops}`, 'give a whole number of hops, 1 or more');
  const n = nodes(a, level);
  const externals = a.externals().map(externalEndpoint);
  const cut = pruned(a, n, opts);
  const { g, byNode, nodesOf } = cut.on;
  const sens = sensitivity(n.cluster, externals, opts);
  const isSensitive = n.cluster.map((e) => sens.of(e.endpoint).length > 0);
  const outside = externalOut(a, g, externals);
  // Excluded nodes are reached but open nothing further.
  const live = (v: number): BitSet | undefined => (g.dead(v) ? undefined : outside(v));
  const universe = a.externals().map((b) => b.range);
  // Many endpoints reach the same outside blocks (often all of them): name each set of blocks once.
  const outsideNames = new Map<string, string>();
  const outsideOf = (ext: BitSet): string => {
    const k = ext.key();
    let name = outsideNames.get(k);
    if (name === undefined) {
      const ranges = [...ext].map((i) => (externals[i]!.targets[0] as { range: IpRange }).range);
      outsideNames.set(k, (name = ranges.length ? outsideName(ranges, universe).name : ''));
    }
    return name;
  };
  const closure = opts.hops === undefined ? closureWithOutside(g, { of: live, width: externals.length }) : undefined;
  const stamp = new Int32Array(n.cluster.length).fill(-1);
  // Always true at pod level; at workload level when no workload spans two nodes.
  const partition = nodesOf.every((vs) => vs.length === 1);
  const weight = Int32Array.from(byNode, (js) => js.length);
  const sensitiveWeight = Int32Array.from(byNode, (js) => js.filter((j) => isSensitive[j]).length);
  // Endpoints with the same nodes (every endpoint of a node, in the partition case) share everything but themselves.
  interface FromNodes {
    readonly r: BitSet;
    readonly direct: BitSet;
    readonly external: number;
    readonly outside: string;
    /** Partition case: sums over r and direct, before taking out the endpoint itself. */
    readonly sums?: { readonly reached: number; readonly sensitive: number; readonly direct: number };
  }
  const memo = new Map<string, FromNodes>();
  // Nodes of one strongly connected component share their closure: its sums are computed once.
  const sumsOf = new Map<BitSet, { reached: number; sensitive: number }>();
  const fromNodes = (own: readonly number[]): FromNodes => {
    const key = own.join(',');
    let m = memo.get(key);
    if (m) return m;
    const direct = new BitSet(g.n);
    for (const c of own) for (const d of g.succ[c]!) direct.add(d);
    let r: BitSet;
    if (closure && own.length === 1) r = closure.reach[own[0]!]!;
    else {
      r = new BitSet(g.n);
      if (closure) for (const c of own) r.orWith(closure.reach[c]!);
      else {
        const s = search(a, g, own, [], opts.hops);
        for (let c = 0; c < g.n; c++) if (s.reach[c]! > 0) r.add(c);
      }
    }
    const ext = new BitSet(externals.length);
    for (const c of own) ext.orWith(outside(c));
    if (closure) for (const c of own) ext.orWith(closure.outside[c]!);
    else if (opts.hops! > 1) {
      // Nodes reached at the last hop cannot open anything further.
      const s = search(a, g, own, [], opts.hops! - 1);
      for (let c = 0; c < g.n; c++) if (s.held[c]! > 0 && !g.dead(c)) ext.orWith(outside(c));
    }
    let sums: FromNodes['sums'];
    if (partition) {
      let rs = sumsOf.get(r);
      if (!rs) {
        rs = { reached: weightOf(r, weight), sensitive: weightOf(r, sensitiveWeight) };
        if (closure && own.length === 1) sumsOf.set(r, rs);
      }
      let d = 0;
      for (const c of own) for (const x of g.succ[c]!) d += weight[x]!;
      sums = { reached: rs.reached, sensitive: rs.sensitive, direct: d };
    }
    m = { r, direct, external: ext.count(), outside: outsideOf(ext), ...(sums ? { sums } : {}) };
    memo.set(key, m);
    return m;
  };
  const ranking: RankingEntry[] = n.cluster.flatMap((e, i) => (cut.isExcluded(i) ? [] : [rank(e, i)]));
  function rank(e: ResolvedEndpoint, i: number): RankingEntry {
    const own = nodesOf[i]!;
    const m = fromNodes(own);
    if (m.sums) {
      // Each endpoint lies in exactly one node: take the endpoint itself out of its node's count.
      const selfR = m.r.has(own[0]!) ? 1 : 0;
      const selfD = m.direct.has(own[0]!) ? 1 : 0;
      return { endpoint: e.endpoint, reached: m.sums.reached - selfR, direct: m.sums.direct - selfD, external: m.external, outside: m.outside, sensitive: m.sums.sensitive - (selfR && isSensitive[i] ? 1 : 0) };
    }
    const count = (set: BitSet, tag: number): [number, number] => {
      let c = 0;
      let sensitive = 0;
      for (const k of set) {
        for (const j of byNode[k]!) {
          if (j === i || stamp[j] === tag) continue;
          stamp[j] = tag;
          c++;
          if (isSensitive[j]) sensitive++;
        }
      }
      return [c, sensitive];
    };
    const [reached, sensitive] = count(m.r, 2 * i);
    const [direct] = count(m.direct, 2 * i + 1);
    return { endpoint: e.endpoint, reached, direct, external: m.external, outside: m.outside, sensitive };
  }
  ranking.sort((x, y) => y.reached - x.reached || y.sensitive - x.sensitive || y.direct - x.direct || lex(x.endpoint.id, y.endpoint.id));
  return { mode: 'ranking', level, ...(opts.hops !== undefined ? { hops: opts.hops } : {}), endpoints: ranking.length, sensitiveNames: sens.names, ranking, ...(cut.excluded ? { excluded: cut.excluded } : {}) };
}

/** Blast radius: from `opts.from` when given, else the ranking of every endpoint. */
export function blast(a: Analysis, opts: BlastOptions = {}): BlastResult {
  return opts.from !== undefined ? blastFrom(a, { ...opts, from: opts.from }) : blastRanking(a, opts);
}
