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
import { routeText } from '../../engine/cross/services.js';
import { CrossJoin, JOIN_ASSUMPTIONS, kubernetesTraffic, type ServiceVerdict } from './join.js';
import { SharedAnswers } from './shared-answers.js';

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

type Acc = { conns: TrafficSet; responseBlocked: TrafficSet; kubernetes: TrafficSet; aws: TrafficSet; via: readonly CrossVia[] };
const EMPTY: Acc = { conns: TrafficSet.EMPTY, responseBlocked: TrafficSet.EMPTY, kubernetes: TrafficSet.EMPTY, aws: TrafficSet.EMPTY, via: [] };
/** What Kubernetes decides in a cross-layer answer when it allows everything. */
export const ALL_K8S = kubernetesTraffic(PortSet.ALL);

function add(a: Acc, v: { conns: TrafficSet; responseBlocked: TrafficSet; kubernetes: TrafficSet; aws: { conns: TrafficSet; responseBlocked: TrafficSet } }): Acc {
  return { conns: a.conns.union(v.conns), responseBlocked: a.responseBlocked.union(v.responseBlocked), kubernetes: a.kubernetes.union(v.kubernetes), aws: a.aws.union(v.aws.conns).union(v.aws.responseBlocked), via: a.via };
}

/** Adds one Service path (its traffic is the nodePort the client sends to), kept by route when either layer opens it. */
function addService(a: Acc, v: ServiceVerdict): Acc {
  const aws = v.awsTraffic.union(v.awsReplyBlocked);
  const via = aws.isEmpty() && v.kubernetes.isEmpty() ? [] : [{ route: routeText(v.route), conns: v.conns, kubernetes: v.kubernetes, aws }];
  return joinAcc(a, { conns: v.conns, responseBlocked: v.responseBlocked, kubernetes: v.kubernetes, aws, via });
}

/** Two answers joined (of two pods, or two kinds of hosts): what either gives, Service paths by route. */
function joinAcc(a: Acc, b: Acc): Acc {
  if (a === EMPTY) return b;
  if (b === EMPTY) return a;
  const via = new Map(a.via.map((x) => [x.route, x]));
  for (const x of b.via) {
    const old = via.get(x.route);
    via.set(x.route, old ? { route: x.route, conns: old.conns.union(x.conns), kubernetes: old.kubernetes.union(x.kubernetes), aws: old.aws.union(x.aws) } : x);
  }
  return {
    conns: a.conns.union(b.conns), responseBlocked: a.responseBlocked.union(b.responseBlocked), kubernetes: a.kubernetes.union(b.kubernetes), aws: a.aws.union(b.aws),
    via: [...via.values()].sort((x, y) => lex(x.route, y.route)),
  };
}

/** Listed when something passes both layers, or one layer opens what the other closes. */
function worthListing(a: Acc): boolean {
  if (!a.conns.isEmpty() || !a.responseBlocked.isEmpty()) return true;
  const awsOpens = !a.aws.intersect(ALL_K8S).isEmpty();
  const k8sRestricted = !a.kubernetes.isEmpty() && !a.kubernetes.equals(ALL_K8S);
  return awsOpens || k8sRestricted;
}

function narrow(a: Acc, t: TrafficSet | undefined): Acc {
  if (!t) return a;
  const via = a.via.map((x) => ({ route: x.route, conns: x.conns.intersect(t), kubernetes: x.kubernetes.intersect(t), aws: x.aws.intersect(t) })).filter((x) => !x.aws.isEmpty() || !x.kubernetes.isEmpty());
  return { conns: a.conns.intersect(t), responseBlocked: a.responseBlocked.intersect(t), kubernetes: a.kubernetes.intersect(t), aws: a.aws.intersect(t), via };
}

function awsJson(e: NetworkInterface): AwsEndpointJSON {
  return { id: interfaceEndpointId(e), kind: 'NetworkInterface', ...(e.tags['Name'] ? { name: e.tags['Name'] } : {}), account: e.account, region: e.region, addresses: e.addresses, vpc: e.vpc, subnet: e.subnet, securityGroups: e.securityGroups, tags: e.tags };
}

/** Cross-layer reach of a mixed run. */
export function crossReach(j: CrossJoin, opts: CrossReachOptions = {}): CrossReach {
  const pl = j.placement;
  const diagnostics = [...pl.diagnostics];
  const v6only = j.aws.inventory.interfaces.filter((e) => e.addresses.length === 0).length;
  const assumptions = [...pl.assumptions, ...JOIN_ASSUMPTIONS, ...j.services.assumptions, ...(v6only > 0 ? [`${v6only} IPv6-only interface(s) (no private IPv4) are not joined: the layers meet over IPv4 here`] : []),
    // The pods' addresses are IPv4: a pair is joined over IPv4 (an interface's IPv6 path is not a pod's), and IPv6 outside ranges are not listed.
    ...(hasIpv6(j) ? ['pods have IPv4 addresses (VPC CNI in IPv4 mode): pairs are joined over IPv4, IPv6 outside ranges and interfaces\' IPv6 paths are left out; explain answers a pod with an IPv6 address or an IPv6-only interface (denied unless hostNetwork, over the node\'s IPv6 address)'] : [])];
  const names = new Map<string, string>();
  if (pl.hosts.length === 0) return { joined: false, placement: pl, connections: [], outside: [], names, assumptions: [], diagnostics };

  const level = opts.level ?? 'workload';
  const cluster = clusterEndpoints(j.k8s, level);
  const enis = j.aws.inventory.interfaces.filter((e) => !pl.hostEnis.has(e) && e.addresses.length > 0).sort((a, b) => lex(interfaceEndpointId(a), interfaceEndpointId(b)));
  const pieces = outsidePieces(j);
  const universe = j.aws.streamReach().view.externals.flatMap((x) => x.ranges);
  const traffic = opts.ports ? trafficOfPorts(opts.ports) : undefined;

  const clusterMatch = (spec: string | undefined): ((e: Endpoint) => boolean) => (spec === undefined ? () => true : endpointMatcher(spec));
  const awsMatch = (spec: string | undefined): ((e: AwsEndpointJSON) => boolean) => {
    if (spec === undefined) return () => true;
    const m = awsEndpointMatcher(spec);
    const g = spec.includes('*') ? compileGlob(spec) : undefined;
    return (e) => m(e) || (g !== undefined && g(e.id));
  };
  const fromK = clusterMatch(opts.from), toK = clusterMatch(opts.to), fromA = awsMatch(opts.from), toA = awsMatch(opts.to);

  for (const e of enis) names.set(interfaceEndpointId(e), `${interfaceEndpointId(e)}${e.tags['Name'] ? `[${e.tags['Name']}]` : ''}`);
  const connections: CrossConnection[] = [];
  const outsideGroups = new Map<string, { ranges: IpRange[] }>();
  const outsideId = (ranges: readonly IpRange[]): string => {
    const id = ranges.map((r) => `${formatIp(4, r.lo)}-${formatIp(4, r.hi)}`).join(',');
    if (!outsideGroups.has(id)) outsideGroups.set(id, { ranges: [...ranges] });
    return id;
  };
  const outsideJson = (ranges: readonly IpRange[]): AwsEndpointJSON => ({ id: '', kind: 'External', cidrs: ranges.flatMap(rangeToCidrs) });

  const placed = (c: ResolvedEndpoint) => c.pods.map((id) => pl.pods.get(id)!).filter((x) => x !== undefined);
  const push = (src: string, dst: string, a: Acc): void => {
    const n = narrow(a, traffic);
    if (worthListing(n) && (!traffic || !n.aws.isEmpty() || !n.kubernetes.isEmpty())) connections.push({ src, dst, ...n });
  };

  // One pod over the hosts it may be on (one of each kind): its own path, and for ingress the Service nodePorts to it.
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
  }, opts.literal);
  const enisJson = new Map(enis.map((e) => [e, awsJson(e)]));
  const accKeys = new WeakMap<Acc, string>();
  const accKey = (acc: Acc): string => {
    let k = accKeys.get(acc);
    if (k === undefined) accKeys.set(acc, (k = `${acc.conns.key()}/${acc.responseBlocked.key()}/${acc.kubernetes.key()}/${acc.aws.key()}/${acc.via.map((x) => `${x.route}=${x.conns.key()}|${x.kubernetes.key()}|${x.aws.key()}`).join(',')}`));
    return k;
  };
  for (const c of cluster) {
    // The endpoint's pods that answer differently, one each: replicas and workloads alike share answers.
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
  const outside: CrossOutside[] = [];
  for (const [id, g] of outsideGroups) {
    // Named against the estate's outside (as the AWS section names it), or against all of IPv4 when that is shorter.
    const a = outsideName(g.ranges, universe);
    const b = outsideName(g.ranges, [{ family: 4, lo: 0n, hi: (1n << 32n) - 1n }]);
    const n = b.name.length < a.name.length ? b : a;
    names.set(id, n.name);
    outside.push({ id, name: n.name, cidrs: n.cidrs });
  }
  const shown = (id: string): string => names.get(id) ?? id;
  connections.sort((a, b) => lex(shown(a.src), shown(b.src)) || lex(shown(a.dst), shown(b.dst)));
  outside.sort((a, b) => lex(a.id, b.id));
  return { joined: true, placement: pl, connections, outside, names, assumptions, diagnostics };
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
