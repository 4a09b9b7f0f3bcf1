/**
 * Reach across the cluster and the estate: every workload (or pod) with every AWS endpoint that carries no
 * pod (interfaces, and outside ranges), both ways, each pair the conjunction of the two layers (join.ts).
 * A workload's answer is the union over its pods and the nodes each may run on. Pairs where one layer lets
 * something through and the other blocks all of it are listed too, with `nothing`, since that is what a
 * reader of two disjoint sections would get wrong.
 */
import type { Analysis } from '../../engine/index.js';
import type { Endpoint as AwsEnd } from '../../engine/cloud/routing.js';
import { placePods, type Placement, type PlacementOptions } from '../../engine/cross/placement.js';
import { interfaceEndpointId, type NetworkInterface } from '../../inventory/aws/types.js';
import type { Diagnostic, Inventory } from '../../inventory/types.js';
import { formatIp, rangeToCidrs, type IpRange } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { lex } from '../../util/compare.js';
import { compileGlob } from '../../util/glob.js';
import { outsideName } from '../outside.js';
import type { Notes } from '../notes.js';
import { joinNotes } from '../aws/notes.js';
import type { AwsAnalysis, AwsEndpointJSON } from '../aws/reach.js';
import { awsEndpointMatcher, trafficOfPorts } from '../aws/select.js';
import { clusterEndpoints, endpointMatcher, type Endpoint, type Level, type ResolvedEndpoint } from '../endpoints.js';
import { CrossJoin, JOIN_ASSUMPTIONS } from './join.js';
import { SharedAnswers, type Direction } from './shared-answers.js';
import { add, addService, EMPTY, joinAcc, narrow, worthListing, type Acc } from './acc.js';
import { FactoredAnswers } from './factored.js';

export { ALL_K8S } from './acc.js';

export interface CrossConnection {
  readonly src: string;
  readonly dst: string;
  /** Allowed through both layers, replies included. */
  readonly conns: TrafficSet;
  /** Requests both layers pass whose replies a NACL drops. */
  readonly responseBlocked: TrafficSet;
  /** Each layer on its own: Kubernetes (TCP and UDP) and the AWS path. */
  readonly kubernetes: TrafficSet;
  readonly aws: TrafficSet;
  /** The Service nodePorts one layer or both open for the pair (by `routeText`), each with what it gives; empty when none. */
  readonly via: readonly CrossVia[];
}

/** One Service nodePort path of a pair: its traffic is the nodePort the client sends to. */
export interface CrossVia {
  readonly route: string;
  readonly conns: TrafficSet;
  readonly kubernetes: TrafficSet;
  readonly aws: TrafficSet;
}

/** An outside range group of the cross listing (its id is `lo-hi[,lo-hi...]`). */
export interface CrossOutside {
  readonly id: string;
  readonly name: string;
  readonly cidrs: readonly string[];
}

export interface CrossReach {
  /** False when no node of the cluster was found in the estate: nothing is joined. */
  readonly joined: boolean;
  readonly placement: Placement;
  readonly connections: readonly CrossConnection[];
  readonly outside: readonly CrossOutside[];
  /** Display names: cluster ids as they are, interfaces `<id>[Name]`, outside ranges by name. */
  readonly names: ReadonlyMap<string, string>;
  readonly assumptions: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface CrossReachOptions extends PlacementOptions {
  readonly level?: Level;
  readonly from?: string;
  readonly to?: string;
  readonly ports?: PortSet;
  /** Ask every pod, host and far end on its own instead of sharing answers among alike ones (for tests). */
  readonly literal?: boolean;
}

/** The notes of a mixed answer: both inputs' and the join's own (no node found, unknown node names). */
export function crossNotes(k8s: Notes, aws: Notes, join: readonly Diagnostic[]): Notes {
  const both = joinNotes(k8s, aws);
  return { ...both, diagnostics: [...both.diagnostics, ...join] };
}

/** True when the estate has IPv6 (an interface with an IPv6 address). */
function hasIpv6(j: CrossJoin): boolean {
  return j.aws.inventory.interfaces.some((e) => (e.ipv6Addresses?.length ?? 0) > 0);
}

/** The joined analysis of a mixed run: placement and the pair evaluator. */
export function crossJoin(k8s: Analysis, aws: AwsAnalysis, opts: PlacementOptions = {}): CrossJoin {
  return new CrossJoin(k8s, aws, placePods(k8s.inventory as Inventory, aws.inventory, opts));
}

/** The outside address space of the estate, cut where either layer may answer differently. */
function outsidePieces(j: CrossJoin): IpRange[] {
  const ext = j.aws.streamReach().view.externals.flatMap((x) => x.ranges).filter((r) => r.family === 4).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const cuts = j.k8s.externals().filter((b) => b.range.family === 4).map((b) => b.range);
  const out: IpRange[] = [];
  for (const r of ext) {
    let lo = r.lo;
    for (const c of cuts) {
      if (c.hi < lo || c.lo > r.hi) continue;
      const hi = c.hi < r.hi ? c.hi : r.hi;
      if (c.lo > lo) out.push({ family: 4, lo, hi: c.lo - 1n });
      out.push({ family: 4, lo: c.lo > lo ? c.lo : lo, hi });
      lo = hi + 1n;
      if (lo > r.hi) break;
    }
    if (lo <= r.hi) out.push({ family: 4, lo, hi: r.hi });
  }
  return out;
}

function awsJson(e: NetworkInterface): AwsEndpointJSON {
  return { id: interfaceEndpointId(e), kind: 'NetworkInterface', ...(e.tags['Name'] ? { name: e.tags['Name'] } : {}), account: e.account, region: e.region, addresses: e.addresses, vpc: e.vpc, subnet: e.subnet, securityGroups: e.securityGroups, tags: e.tags };
}

/** One pair of the listing: its ends' ids and what goes between them (shared among pairs that answer alike). */
export interface CrossPair {
  readonly src: string;
  readonly dst: string;
  readonly answer: CrossAnswer;
}

/** A pair's answer: a CrossConnection without its ends. */
export type CrossAnswer = Omit<CrossConnection, 'src' | 'dst'>;

/** CrossReach whose connections are produced a source at a time, in the listing's order. */
export interface CrossReachStream extends Omit<CrossReach, 'connections'> {
  /** The pairs in order (src then dst by display name), each pass computed again: keep none. */
  pairs(): Iterable<CrossPair>;
}

/** What both walks need: the ends, the filters and how the section is named. */
interface Walk {
  readonly j: CrossJoin;
  readonly cluster: readonly ResolvedEndpoint[];
  readonly enis: readonly NetworkInterface[];
  readonly pieces: readonly IpRange[];
  readonly universe: readonly IpRange[];
  readonly traffic: TrafficSet | undefined;
  readonly fromK: (e: Endpoint) => boolean;
  readonly toK: (e: Endpoint) => boolean;
  readonly fromA: (e: AwsEndpointJSON) => boolean;
  readonly toA: (e: AwsEndpointJSON) => boolean;
  readonly enisJson: ReadonlyMap<NetworkInterface, AwsEndpointJSON>;
  readonly names: Map<string, string>;
  readonly head: Omit<CrossReach, 'connections' | 'outside' | 'names'>;
}

/** The head of the section (placement, assumptions, diagnostics) and the ends, or undefined when nothing is joined. */
function walkOf(j: CrossJoin, opts: CrossReachOptions): Walk | CrossReach {
  const pl = j.placement;
  const diagnostics = [...pl.diagnostics];
  const v6only = j.aws.inventory.interfaces.filter((e) => e.addresses.length === 0).length;
  const assumptions = [...pl.assumptions, ...JOIN_ASSUMPTIONS, ...j.services.assumptions, ...(v6only > 0 ? [`${v6only} IPv6-only interface(s) (no private IPv4) are not joined: the layers meet over IPv4 here`] : []),
    // The pods' addresses are IPv4: a pair is joined over IPv4 (an interface's IPv6 path is not a pod's), and IPv6 outside ranges are not listed.
    ...(hasIpv6(j) ? ['pods have IPv4 addresses (VPC CNI in IPv4 mode): pairs are joined over IPv4, IPv6 outside ranges and interfaces\' IPv6 paths are left out; explain answers a pod with an IPv6 address or an IPv6-only interface (denied unless hostNetwork, over the node\'s IPv6 address)'] : [])];
  const names = new Map<string, string>();
  if (pl.hosts.length === 0) return { joined: false, placement: pl, connections: [], outside: [], names, assumptions: [], diagnostics };

  const enis = j.aws.inventory.interfaces.filter((e) => !pl.hostEnis.has(e) && e.addresses.length > 0).sort((a, b) => lex(interfaceEndpointId(a), interfaceEndpointId(b)));
  const clusterMatch = (spec: string | undefined): ((e: Endpoint) => boolean) => (spec === undefined ? () => true : endpointMatcher(spec));
  const awsMatch = (spec: string | undefined): ((e: AwsEndpointJSON) => boolean) => {
    if (spec === undefined) return () => true;
    const m = awsEndpointMatcher(spec);
    const g = spec.includes('*') ? compileGlob(spec) : undefined;
    return (e) => m(e) || (g !== undefined && g(e.id));
  };
  for (const e of enis) names.set(interfaceEndpointId(e), `${interfaceEndpointId(e)}${e.tags['Name'] ? `[${e.tags['Name']}]` : ''}`);
  return {
    j, enis, names,
    cluster: clusterEndpoints(j.k8s, opts.level ?? 'workload'),
    pieces: outsidePieces(j),
    universe: j.aws.streamReach().view.externals.flatMap((x) => x.ranges),
    traffic: opts.ports ? trafficOfPorts(opts.ports) : undefined,
    fromK: clusterMatch(opts.from), toK: clusterMatch(opts.to), fromA: awsMatch(opts.from), toA: awsMatch(opts.to),
    enisJson: new Map(enis.map((e) => [e, awsJson(e)])),
    head: { joined: true, placement: pl, assumptions, diagnostics },
  };
}

const outsideJson = (ranges: readonly IpRange[]): AwsEndpointJSON => ({ id: '', kind: 'External', cidrs: ranges.flatMap(rangeToCidrs) });

/** The outside ranges named (against the estate's outside as the AWS section names it, or all of IPv4 when shorter), sorted by id. */
function namedOutside(groups: ReadonlyMap<string, { ranges: readonly IpRange[] }>, universe: readonly IpRange[], names: Map<string, string>): CrossOutside[] {
  const outside: CrossOutside[] = [];
  for (const [id, g] of groups) {
    const a = outsideName(g.ranges, universe);
    const b = outsideName(g.ranges, [{ family: 4, lo: 0n, hi: (1n << 32n) - 1n }]);
    const n = b.name.length < a.name.length ? b : a;
    names.set(id, n.name);
    outside.push({ id, name: n.name, cidrs: n.cidrs });
  }
  return outside.sort((a, b) => lex(a.id, b.id));
}

/** An outside group's id: its ranges as `lo-hi[,lo-hi...]`. */
function outsideIdOf(ranges: readonly IpRange[]): string {
  return ranges.map((r) => `${formatIp(4, r.lo)}-${formatIp(4, r.hi)}`).join(',');
}

/** A canonical string per answer (answers equal by value group outside pieces together), made once per answer object. */
function accKeys(): (acc: Acc) => string {
  const keys = new WeakMap<Acc, string>();
  return (acc) => {
    let k = keys.get(acc);
    if (k === undefined) keys.set(acc, (k = `${acc.conns.key()}/${acc.responseBlocked.key()}/${acc.kubernetes.key()}/${acc.aws.key()}/${acc.via.map((x) => `${x.route}=${x.conns.key()}|${x.kubernetes.key()}|${x.aws.key()}`).join(',')}`));
    return k;
  };
}

/**
 * Cross-layer reach of a mixed run, whole. `literal` walks every pod, host and far end on its own and sorts
 * the pairs at the end: the reference that the streamed listing (crossReachStream) is tested against.
 */
export function crossReach(j: CrossJoin, opts: CrossReachOptions = {}): CrossReach {
  if (opts.literal) return literalReach(j, opts);
  const s = crossReachStream(j, opts);
  const connections: CrossConnection[] = [];
  for (const p of s.pairs()) connections.push({ src: p.src, dst: p.dst, ...p.answer });
  const { pairs: _p, ...rest } = s;
  return { ...rest, connections };
}

function literalReach(j: CrossJoin, opts: CrossReachOptions): CrossReach {
  const w = walkOf(j, opts);
  if (!('j' in w)) return w;
  const { cluster, enis, pieces, traffic, fromK, toK, fromA, toA, enisJson, names } = w;
  const pl = j.placement;
  const connections: CrossConnection[] = [];
  const outsideGroups = new Map<string, { ranges: IpRange[] }>();
  const outsideId = (ranges: readonly IpRange[]): string => {
    const id = outsideIdOf(ranges);
    if (!outsideGroups.has(id)) outsideGroups.set(id, { ranges: [...ranges] });
    return id;
  };

  const placed = (c: ResolvedEndpoint) => c.pods.map((id) => pl.pods.get(id)!).filter((x) => x !== undefined);
  const push = (src: string, dst: string, a: Acc): void => {
    const n = narrow(a, traffic);
    if (listed(n, traffic)) connections.push({ src, dst, ...n });
  };

  // One pod over the hosts it may be on: its own path, and for ingress the Service nodePorts to it.
  const shared = new SharedAnswers<Acc>(j, {
    one: (p, hosts, dir, end) => {
      let acc = EMPTY;
      if (dir === 'egress') for (const h of hosts) acc = add(acc, j.egress(p, h, end));
      else {
        for (const h of hosts) acc = add(acc, j.ingress(p, h, end));
        for (const v of j.serviceIngress(p, end)) acc = addService(acc, v);
      }
      return acc;
    },
    union: joinAcc,
    empty: EMPTY,
  }, true);
  const accKey = accKeys();
  for (const c of cluster) {
    const { reps, sig } = shared.representatives(placed(c));
    const egress = (dst: AwsEnd): Acc => (reps.length ? shared.answer(reps, sig, 'egress', dst) : EMPTY);
    const ingress = (src: AwsEnd): Acc => (reps.length ? shared.answer(reps, sig, 'ingress', src) : EMPTY);
    // Outside pieces with the same answer are one endpoint, named as reports name outside ranges.
    const grouped = (f: (x: AwsEnd) => Acc): Array<{ ranges: IpRange[]; acc: Acc }> => {
      const groups = new Map<string, { ranges: IpRange[]; acc: Acc }>();
      for (const r of pieces) {
        const acc = f({ kind: 'external', address: r.lo });
        const key = accKey(acc);
        const g = groups.get(key);
        if (g) g.ranges.push(r);
        else groups.set(key, { ranges: [r], acc });
      }
      return [...groups.values()].map((g) => ({ ranges: mergeRanges(g.ranges), acc: g.acc }));
    };
    if (fromK(c.endpoint)) {
      for (const e of enis) if (toA(enisJson.get(e)!)) push(c.endpoint.id, interfaceEndpointId(e), egress({ kind: 'eni', eni: e }));
      for (const g of grouped(egress)) if (toA(outsideJson(g.ranges))) push(c.endpoint.id, outsideId(g.ranges), g.acc);
    }
    if (toK(c.endpoint)) {
      for (const e of enis) if (fromA(enisJson.get(e)!)) push(interfaceEndpointId(e), c.endpoint.id, ingress({ kind: 'eni', eni: e }));
      for (const g of grouped(ingress)) if (fromA(outsideJson(g.ranges))) push(outsideId(g.ranges), c.endpoint.id, g.acc);
    }
  }
  const outside = namedOutside(outsideGroups, w.universe, names);
  const shown = (id: string): string => names.get(id) ?? id;
  connections.sort((a, b) => lex(shown(a.src), shown(b.src)) || lex(shown(a.dst), shown(b.dst)));
  return { ...w.head, connections, outside, names };
}

/** Whether a (narrowed) answer is listed: something passes or one layer opens what the other closes, and with --port something of it. */
function listed(n: Acc, traffic: TrafficSet | undefined): boolean {
  return worthListing(n) && (!traffic || !n.aws.isEmpty() || !n.kubernetes.isEmpty());
}

/**
 * Cross-layer reach of a mixed run, streamed. The outside groups of every workload are found first (the
 * section names them before its connections); then each source's pairs are answered and handed out in the
 * listing's order, so the listing is never held whole. Answers come from FactoredAnswers (the AWS side per
 * kind of host and far end, the Kubernetes side per class and outside block), shared among alike pods.
 */
export function crossReachStream(j: CrossJoin, opts: CrossReachOptions = {}): CrossReachStream {
  const w = walkOf(j, opts);
  if (!('j' in w)) return { ...w, pairs: () => [] };
  const { cluster, enis, pieces, traffic, fromK, toK, fromA, toA, enisJson, names } = w;
  const pl = j.placement;
  const answers = new FactoredAnswers(j, enis, pieces);
  const reps = cluster.map((c) => answers.representatives(c.pods.map((id) => pl.pods.get(id)!).filter((x) => x !== undefined)));
  const accKey = accKeys();

  // Outside groups, per workload and direction, in the order the literal walk meets them.
  interface Group { readonly id: string; readonly ranges: readonly IpRange[]; to?: boolean; from?: boolean }
  const groups = new Map<string, Group>();
  const outsideGroups = new Map<string, { ranges: readonly IpRange[] }>();
  const groupOf = (idx: readonly number[]): Group => {
    const key = idx.join(',');
    let g = groups.get(key);
    if (!g) {
      const ranges = mergeRanges(idx.map((i) => pieces[i]!));
      groups.set(key, (g = { id: outsideIdOf(ranges), ranges }));
    }
    return g;
  };
  const grouped = (ci: number, dir: Direction): Array<{ g: Group; acc: Acc }> => {
    const byKey = new Map<string, { idx: number[]; acc: Acc }>();
    for (let i = 0; i < pieces.length; i++) {
      const acc = answers.answer(reps[ci]!, dir, enis.length + i);
      const key = accKey(acc);
      const e = byKey.get(key);
      if (e) e.idx.push(i);
      else byKey.set(key, { idx: [i], acc });
    }
    const out: Array<{ g: Group; acc: Acc }> = [];
    for (const { idx, acc } of byKey.values()) {
      const g = groupOf(idx);
      const pass = dir === 'egress' ? (g.to ??= toA(outsideJson(g.ranges))) : (g.from ??= fromA(outsideJson(g.ranges)));
      if (!pass) continue;
      if (!outsideGroups.has(g.id)) outsideGroups.set(g.id, { ranges: g.ranges });
      out.push({ g, acc });
    }
    return out;
  };
  const egressGroups: Array<Array<{ g: Group; acc: Acc }>> = [];
  // Per outside group id, the workloads it reaches and the place of the group among theirs.
  const ingressOf = new Map<string, Array<{ ci: number; k: number; acc: Acc }>>();
  cluster.forEach((c, ci) => {
    egressGroups.push(fromK(c.endpoint) ? grouped(ci, 'egress') : []);
    if (!toK(c.endpoint)) return;
    grouped(ci, 'ingress').forEach(({ g, acc }, k) => {
      let l = ingressOf.get(g.id);
      if (!l) ingressOf.set(g.id, (l = []));
      l.push({ ci, k, acc });
    });
  });
  const outside = namedOutside(outsideGroups, w.universe, names);
  const shown = (id: string): string => names.get(id) ?? id;

  // Every end as a source of rows: the listing is sorted by source then destination display name, ties in
  // the order the literal walk pushes them (workload, egress before ingress, interfaces before outside groups).
  type Source = { readonly kind: 'cluster'; readonly ci: number } | { readonly kind: 'eni'; readonly ei: number } | { readonly kind: 'outside'; readonly id: string };
  const sources: Array<{ id: string; src: Source }> = [];
  cluster.forEach((c, ci) => {
    if (fromK(c.endpoint)) sources.push({ id: c.endpoint.id, src: { kind: 'cluster', ci } });
  });
  enis.forEach((e, ei) => {
    if (fromA(enisJson.get(e)!)) sources.push({ id: interfaceEndpointId(e), src: { kind: 'eni', ei } });
  });
  for (const id of ingressOf.keys()) sources.push({ id, src: { kind: 'outside', id } });
  const display = sources.map((s) => shown(s.id));
  const order = sources.map((_, i) => i).sort((a, b) => lex(display[a]!, display[b]!) || a - b);
  const rank = ranks([...display, ...cluster.map((c) => shown(c.endpoint.id)), ...enis.map((e) => shown(interfaceEndpointId(e))), ...outside.map((o) => shown(o.id))]);
  const clusterRank = cluster.map((c) => rank.get(shown(c.endpoint.id))!);
  // Made once: an id made afresh per pair would be hashed afresh by every look-up of it.
  const eniIds = enis.map(interfaceEndpointId);
  const eniRank = eniIds.map((id) => rank.get(shown(id))!);
  const toEnis = enis.map((e) => toA(enisJson.get(e)!));
  const toCluster = cluster.map((c) => toK(c.endpoint));

  /**
   * A candidate pair: its destination's rank and its place in the literal walk (workload, direction, kind:
   * 0 an interface, `k` its index, answered when written; 1 an outside group, `k` its place, answered already).
   */
  interface Candidate { readonly dst: string; readonly rank: number; readonly ci: number; readonly dir: number; readonly kind: number; readonly k: number; readonly src: string; readonly acc?: Acc }
  const candidates = (s: { id: string; src: Source }): Candidate[] => {
    const out: Candidate[] = [];
    const src = s.src;
    if (src.kind === 'cluster') {
      const ci = src.ci;
      eniIds.forEach((_, ei) => {
        if (toEnis[ei]) out.push({ src: s.id, dst: eniIds[ei]!, rank: eniRank[ei]!, ci, dir: 0, kind: 0, k: ei });
      });
      egressGroups[ci]!.forEach(({ g, acc }, k) => out.push({ src: s.id, dst: g.id, rank: rank.get(shown(g.id))!, ci, dir: 0, kind: 1, k, acc }));
    } else if (src.kind === 'eni') {
      const ei = src.ei;
      cluster.forEach((c, ci) => {
        if (toCluster[ci]) out.push({ src: s.id, dst: c.endpoint.id, rank: clusterRank[ci]!, ci, dir: 1, kind: 0, k: ei });
      });
    } else {
      for (const { ci, k, acc } of ingressOf.get(src.id)!) out.push({ src: s.id, dst: cluster[ci]!.endpoint.id, rank: clusterRank[ci]!, ci, dir: 1, kind: 1, k, acc });
    }
    return out;
  };
  const byPlace = (a: Candidate, b: Candidate): number => a.rank - b.rank || a.ci - b.ci || a.dir - b.dir || a.kind - b.kind || a.k - b.k;
  const narrowed = new WeakMap<Acc, Acc | null>();

  function* pairs(): Generator<CrossPair> {
    for (let i = 0; i < order.length; ) {
      // Sources shown alike (never in practice, but the sort allows it) are one row.
      let row = candidates(sources[order[i]!]!);
      let n = i + 1;
      for (; n < order.length && display[order[n]!] === display[order[i]!]; n++) row = row.concat(candidates(sources[order[n]!]!));
      i = n;
      row.sort(byPlace);
      for (const c of row) {
        const acc = c.acc ?? answers.answer(reps[c.ci]!, c.dir ? 'ingress' : 'egress', c.k);
        let a = narrowed.get(acc);
        if (a === undefined) {
          const x = narrow(acc, traffic);
          narrowed.set(acc, (a = listed(x, traffic) ? x : null));
        }
        if (a) yield { src: c.src, dst: c.dst, answer: a };
      }
    }
  }
  return { ...w.head, outside, names, pairs };
}

/** Each distinct string's place in lex order (equal strings share it). */
function ranks(xs: readonly string[]): Map<string, number> {
  const u = [...new Set(xs)].sort(lex);
  return new Map(u.map((x, i) => [x, i]));
}

function mergeRanges(rs: IpRange[]): IpRange[] {
  const s = [...rs].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: IpRange[] = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && last.hi + 1n >= r.lo) out[out.length - 1] = { ...last, hi: last.hi > r.hi ? last.hi : r.hi };
    else out.push({ ...r });
  }
  return out;
}
