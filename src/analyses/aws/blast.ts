/**
 * Blast radius on an AWS estate: from a compromised network interface (or the internet), everything it reaches
 * directly and by lateral movement over the estate's effective reach (security groups, NACLs with their
 * replies, routes, peering, Transit Gateway), hop by hop with the settings that open each hop; or, without a
 * starting point, every interface ranked by how far it spreads. The same semantics as the cluster's blast
 * (src/analyses/blast.ts), on the same graph searches (src/analyses/blast/graph.ts), over endpoint classes.
 *
 * A hop needs the connection itself, replies included: requests a NACL lets through but whose replies it drops
 * set up no TCP session, so they are not a hop. Outside ranges are reached but never pivoted through.
 */
import type { BlastFromSummary } from '../blast.js';
import type { NetworkInterface } from '../../inventory/aws/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import { atomize, formatIp, parseCidr, parseIp, rangeToCidrs, type IpRange } from '../../model/address.js';
import { addressKey, formatKey, keyFamily } from '../../engine/cloud/estate.js';
import { BitSet } from '../../model/bitset.js';
import { TrafficSet } from '../../model/traffic-set.js';
import type { StageId, StepRule } from '../../engine/cloud/steps.js';
import type { Endpoint } from '../../engine/cloud/routing.js';
import { UserError } from '../../util/errors.js';
import { lex } from '../../util/compare.js';
import { hopSearch, transitiveClosure, type Digraph } from '../blast/graph.js';
import { awsSegments } from '../intent/aws-membership.js';
import { intentRanges, rangeSegments } from '../intent/membership.js';
import type { Intent } from '../intent/types.js';
import { awsOutsideName, cidrRanges } from '../outside.js';
import { awsSubjectOf } from './intent.js';
import type { AwsAnalysis, AwsEndpointJSON } from './reach.js';
import { awsEndpointMatcher } from './select.js';

export interface AwsBlastOptions {
  /** An endpoint spec as reach's --from takes it (src/analyses/aws/select.ts), an instance id, or a segment of `intent`. */
  readonly from?: string;
  /** Stop after this many hops (1 = direct reach only). */
  readonly hops?: number;
  /** Segments (boundaries, --from/--exclude/--target by name), sensitive and infrastructure segments. */
  readonly intent?: Intent;
  /** More sensitive targets: segment names or endpoint specs. */
  readonly targets?: readonly string[];
  /** Pivots to leave out: reached, but not moved on from, and not ranked. Specs or segment names. */
  readonly exclude?: readonly string[];
}

/** An endpoint of the answer: an interface or outside range, with the name reports print. */
export type AwsBlastEndpoint = AwsEndpointJSON & {
  /** `id[Name]` for an interface; `internet`, `internet except ...` or CIDRs for outside ranges. */
  readonly label: string;
  /** What the interface belongs to: `instance i-...`, or its interface type (`network_load_balancer`, `vpc_endpoint`, ...). */
  readonly role?: string;
};

/** One stage of a hop's path with the settings that let the hop's traffic through it. */
export interface AwsHopStage {
  readonly stage: StageId;
  readonly resource: string;
  readonly message: string;
  readonly rules: readonly StepRule[];
}

export interface AwsHop {
  readonly from: string;
  readonly to: string;
  /** What the hop opens, replies included. */
  readonly conns: TrafficSet;
  /** The path's stages in hop order (as explain gives them), each with the settings that allow this traffic. */
  readonly stages: readonly AwsHopStage[];
  /** True when the hop crosses a segment boundary (with an intent) or a VPC boundary. */
  readonly crossesBoundary: boolean;
  /** The outside block at one end of the hop: its verdict and its settings hold for every address of it. */
  readonly outside?: AwsBlastEndpoint;
}

export interface AwsReached {
  readonly endpoint: AwsBlastEndpoint;
  /** 1: reached directly from the start. */
  readonly hop: number;
  /** A shortest path, one hop per step. */
  readonly path: readonly AwsHop[];
  readonly boundaries: number;
  readonly segments: readonly string[];
  /** Sensitive segments or --target specs this endpoint falls in. */
  readonly sensitive: readonly string[];
}

export interface AwsExcluded {
  readonly specs: readonly string[];
  readonly endpoints: readonly string[];
}

export interface AwsBlastFromResult {
  readonly mode: 'from';
  readonly layer: 'aws';
  readonly from: string;
  readonly start: readonly AwsBlastEndpoint[];
  readonly boundary: 'segment' | 'vpc';
  readonly hops?: number;
  readonly reached: readonly AwsReached[];
  readonly sensitive: ReadonlyArray<{ readonly name: string; readonly reached: readonly string[] }>;
  readonly excluded?: AwsExcluded;
  readonly summary: BlastFromSummary;
}

export interface AwsRankingEntry {
  readonly endpoint: AwsBlastEndpoint;
  /** Interfaces reachable in any number of hops (within --hops). */
  readonly reached: number;
  /** Interfaces reachable in one hop. */
  readonly direct: number;
  /** Outside ranges reachable. */
  readonly external: number;
  readonly sensitive: number;
}

export interface AwsBlastRankingResult {
  readonly mode: 'ranking';
  readonly layer: 'aws';
  readonly hops?: number;
  readonly endpoints: number;
  readonly classes: number;
  readonly sensitiveNames: readonly string[];
  /** Riskiest first: most reached, then most sensitive reached, then most direct, then id. */
  readonly ranking: readonly AwsRankingEntry[];
  readonly excluded?: AwsExcluded;
}

export type AwsBlastResult = AwsBlastFromResult | AwsBlastRankingResult;

/** An outside endpoint: part of one behaviour group of the reach view, cut where the intent's segments change. */
interface Outside {
  readonly group: number;
  readonly ranges: readonly IpRange[];
  /** The ranges cut at every CIDR the estate names: within one, every setting treats the addresses alike. */
  readonly atoms: readonly IpRange[];
  readonly segments: readonly string[];
  readonly endpoint: AwsBlastEndpoint;
}

/** The estate as blast sees it: interfaces in classes, the class graph, outside ranges. */
interface Model {
  readonly a: AwsAnalysis;
  readonly enis: readonly NetworkInterface[];
  readonly endpoints: readonly AwsBlastEndpoint[];
  readonly classOf: Int32Array;
  /** Interfaces of each class, by id. */
  readonly byClass: readonly number[][];
  readonly g: Digraph;
  readonly conns: (i: number, j: number) => TrafficSet;
  readonly outside: readonly Outside[];
  readonly segmentsOf: (i: number) => readonly string[];
  /** Every outside address of the estate (what `internet` names). */
  readonly universe: readonly IpRange[];
}

/** Ranges sorted and joined where they touch. */
function mergeRanges(rs: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const r of [...rs].sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last && last.hi + 1n >= r.lo) out[out.length - 1] = { ...last, hi: r.hi > last.hi ? r.hi : last.hi };
    else out.push(r);
  }
  return out;
}

/** The id of outside ranges as the reach view writes it: `lo-hi` per range, joined by commas. */
function rangesId(ranges: readonly IpRange[]): string {
  return ranges.map((r) => `${formatIp(r.family, r.lo)}-${formatIp(r.family, r.hi)}`).join(',');
}

/** The probed outside address in a stage's message, as a whole token (not part of a longer address). */
function addressToken(address: bigint): RegExp {
  // An IPv6 address is not followed by more hex digits or a colon and a hex digit (a message may put a colon after it).
  if (keyFamily(address) === 6) return new RegExp(`(?<![\\da-f:])${formatKey(address)}(?![\\da-f]|:[\\da-f])`, 'g');
  return new RegExp(`(?<![\\d.])${formatKey(address).replace(/\./g, '\\.')}(?![\\d]|\\.\\d)`, 'g');
}

/** What makes two explanations of a hop the same, the probed outside address left out of the messages. */
function stagesKey(stages: readonly AwsHopStage[], address: bigint | undefined): string {
  const token = address !== undefined ? addressToken(address) : undefined;
  return stages.map((st) => `${st.stage}:${st.resource}:${token ? st.message.replace(token, '\u0000') : st.message}:${st.rules.map((r) => `${r.id}=${r.traffic?.key() ?? ''}`).join(',')}`).join('|');
}

/** The stages with the probed outside address named as the whole block the hop claims them for. */
function relabel(stages: readonly AwsHopStage[], address: bigint | undefined, label: string): AwsHopStage[] {
  if (address === undefined) return [...stages];
  const token = addressToken(address);
  return stages.map((st) => ({ ...st, message: st.message.replace(token, label) }));
}

function roleOf(e: NetworkInterface): string | undefined {
  if (e.instanceId) return `instance ${e.instanceId}`;
  return e.interfaceType && e.interfaceType !== 'interface' ? e.interfaceType : undefined;
}

function model(a: AwsAnalysis, intent: Intent | undefined): Model {
  const stream = a.streamReach();
  const view = stream.view;
  const json = new Map(stream.endpoints.map((e) => [e.id, e]));
  const enis = view.classes.flatMap((c) => c.members).sort((x, y) => lex(interfaceEndpointId(x), interfaceEndpointId(y)));
  const index = new Map(enis.map((e, i) => [e, i]));
  const classOf = new Int32Array(enis.length);
  const byClass = view.classes.map((c, k) => c.members.map((m) => {
    const i = index.get(m)!;
    classOf[i] = k;
    return i;
  }).sort((x, y) => x - y));
  const endpoints = enis.map((e): AwsBlastEndpoint => {
    const id = interfaceEndpointId(e);
    const role = roleOf(e);
    return { ...json.get(id)!, label: `${id}${e.tags['Name'] ? `[${e.tags['Name']}]` : ''}`, ...(role ? { role } : {}) };
  });
  const rows = view.classes.map((_, i) => new Map(view.row(i).map((r) => [r.j, r.conns])));
  const succ = view.classes.map((_, i) => Int32Array.from(view.row(i).map((r) => r.j)).sort());
  // Every outside address of the estate is in some group: their union is what `internet` means.
  const universe = view.externals.flatMap((x) => x.ranges);
  const cuts = intent ? intentRanges(intent) : [];
  const outside: Outside[] = [];
  view.externals.forEach((x, k) => {
    const bySegs = new Map<string, { ranges: IpRange[]; atoms: IpRange[]; segments: string[] }>();
    for (const range of x.atoms) {
      const pieces = intent ? atomize(range.family, [...cuts, range]).filter((p) => p.lo >= range.lo && p.hi <= range.hi) : [range];
      for (const p of pieces) {
        const segments = intent ? rangeSegments(intent, p) : [];
        const key = segments.join('\u0000');
        const o = bySegs.get(key) ?? bySegs.set(key, { ranges: [], atoms: [], segments }).get(key)!;
        o.atoms.push(p);
        const last = o.ranges[o.ranges.length - 1];
        if (last && last.family === p.family && last.hi + 1n === p.lo) o.ranges[o.ranges.length - 1] = { ...last, hi: p.hi };
        else o.ranges.push(p);
      }
    }
    for (const { ranges, atoms, segments } of bySegs.values()) {
      const cidrs = ranges.flatMap(rangeToCidrs);
      const id = rangesId(ranges);
      outside.push({ group: k, ranges, atoms, segments, endpoint: { id, kind: 'External', cidrs, label: awsOutsideName(cidrRanges(cidrs), universe).name } });
    }
  });
  const segs = intent ? enis.map((e) => awsSegments(intent, awsSubjectOf(a, e))) : [];
  return {
    a,
    enis,
    endpoints,
    classOf,
    byClass,
    g: { n: view.classes.length, succ },
    conns: (i, j) => rows[i]!.get(j) ?? TrafficSet.EMPTY,
    outside,
    segmentsOf: (i) => segs[i] ?? [],
    universe,
  };
}

/**
 * The options with the intent kept only when one of its segments has aws criteria: an intent written for the
 * cluster (read beside manifests in the same run) places no interface, so boundaries stay VPCs.
 */
function withEstateIntent<T extends AwsBlastOptions>(opts: T): T {
  if (!opts.intent || opts.intent.segments.some((s) => s.matchers.some((m) => m.aws))) return opts;
  const { intent: _, ...rest } = opts;
  return rest as T;
}

function checkHops(hops: number | undefined): void {
  if (hops !== undefined && (!Number.isInteger(hops) || hops < 1)) throw new UserError(`bad --hops ${hops}`, 'give a whole number of hops, 1 or more');
}

const SPEC_HINT = 'give an ENI, endpoint or instance id, a Name tag, a VPC, subnet, security group or account id, tag:KEY=VALUE, a glob over ids, an IPv4 address or CIDR, internet, or a segment of the intent';

/** Which interfaces and outside endpoints a spec names (a segment name first, then the endpoint matcher, then an instance id). */
function named(m: Model, spec: string, intent: Intent | undefined): { enis: number[]; outside: number[] } {
  const s = spec.trim();
  if (intent?.segments.some((x) => x.name === s)) {
    return { enis: m.enis.flatMap((_, i) => (m.segmentsOf(i).includes(s) ? [i] : [])), outside: m.outside.flatMap((o, k) => (o.segments.includes(s) ? [k] : [])) };
  }
  const match = awsEndpointMatcher(s);
  const enis = m.endpoints.flatMap((e, i) => (match(e) ? [i] : []));
  const outside = m.outside.flatMap((o, k) => (match(o.endpoint) ? [k] : []));
  if (enis.length === 0 && outside.length === 0) {
    const e = m.a.endpointOf(s);
    if (e?.kind === 'eni') return { enis: [m.enis.indexOf(e.eni)].filter((i) => i >= 0), outside: [] };
  }
  return { enis, outside };
}

/** Whether a spec names something of this estate (for runs over Kubernetes and AWS input together). */
export function awsSpecMatches(a: AwsAnalysis, spec: string, intent?: Intent): boolean {
  const used = withEstateIntent({ ...(intent ? { intent } : {}) }).intent;
  const n = named(model(a, used), spec, used);
  return n.enis.length > 0 || n.outside.length > 0;
}

/** The excluded interfaces, and the classes no path moves on from (every member excluded, none a start). */
function pruned(m: Model, opts: AwsBlastOptions, keep: ReadonlySet<number> = new Set()): { g: Digraph; hit: ReadonlySet<number>; dead: ReadonlySet<number>; excluded?: AwsExcluded } {
  // Infrastructure segments of the intent are left out too; one without an interface here is no mistake.
  const infrastructure = (opts.intent?.segments.filter((s) => s.infrastructure).map((s) => s.name) ?? []).filter((s) => !opts.exclude?.includes(s));
  const specs = [...infrastructure, ...(opts.exclude ?? [])];
  const hit = new Set<number>();
  for (const spec of specs) {
    const n = named(m, spec, opts.intent);
    if (n.enis.length === 0 && !infrastructure.includes(spec)) throw new UserError(`--exclude "${spec}" matches no network interface of the AWS input`, SPEC_HINT);
    for (const i of n.enis) hit.add(i);
  }
  if (hit.size === 0) return { g: m.g, hit, dead: new Set() };
  const dead = new Set<number>();
  m.byClass.forEach((js, c) => {
    if (js.length > 0 && js.every((j) => hit.has(j)) && !keep.has(c)) dead.add(c);
  });
  const empty = new Int32Array(0);
  return {
    g: { n: m.g.n, succ: m.g.succ.map((s, c) => (dead.has(c) ? empty : s)) },
    hit,
    dead,
    excluded: { specs, endpoints: [...hit].map((i) => m.endpoints[i]!.id).sort(lex) },
  };
}

/** Which endpoints are sensitive, and under which names: the intent's sensitive segments, then --target specs. */
function sensitivity(m: Model, opts: AwsBlastOptions): { names: string[]; eni: (i: number) => string[]; outside: (k: number) => string[] } {
  const intent = opts.intent;
  const segNames = new Set<string>(intent ? [...intent.sensitive] : []);
  const specs: Array<[string, { enis: Set<number>; outside: Set<number> }]> = [];
  for (const t of opts.targets ?? []) {
    if (intent?.segments.some((s) => s.name === t)) {
      segNames.add(t);
      continue;
    }
    const n = named(m, t, undefined);
    if (n.enis.length === 0 && n.outside.length === 0) throw new UserError(`--target "${t}" matches no endpoint of the AWS input`, SPEC_HINT);
    specs.push([t, { enis: new Set(n.enis), outside: new Set(n.outside) }]);
  }
  const sorted = [...segNames].sort(lex);
  return {
    names: [...sorted, ...specs.map(([t]) => t)],
    eni: (i) => [...m.segmentsOf(i).filter((s) => segNames.has(s)), ...specs.filter(([, x]) => x.enis.has(i)).map(([t]) => t)],
    outside: (k) => [...m.outside[k]!.segments.filter((s) => segNames.has(s)), ...specs.filter(([, x]) => x.outside.has(k)).map(([t]) => t)],
  };
}

/** Per class, the outside endpoints it opens connections to. */
function outsideOf(m: Model): (c: number) => BitSet {
  const view = m.a.streamReach().view;
  const memo = new Map<number, BitSet>();
  return (c) => {
    let b = memo.get(c);
    if (!b) {
      b = new BitSet(m.outside.length);
      m.outside.forEach((o, k) => {
        if (!view.externals[o.group]!.out(c).isEmpty()) b!.add(k);
      });
      memo.set(c, b);
    }
    return b;
  };
}

/** Where explain probes a path's end: an interface, or one outside address. */
type Probe = { readonly eni: number } | { readonly address: bigint };

/** A hop's end: an interface, or an outside block probed at one address (its explanation holds for all of it). */
type End = { readonly eni: number } | { readonly address: bigint; readonly endpoint: AwsBlastEndpoint; readonly segments: readonly string[] };

/** Blast radius of one starting point. */
export function awsBlastFrom(a: AwsAnalysis, given: AwsBlastOptions & { from: string }): AwsBlastFromResult {
  const opts = withEstateIntent(given);
  checkHops(opts.hops);
  const m = model(a, opts.intent);
  const view = a.streamReach().view;
  const sens = sensitivity(m, opts);
  const spec = opts.from.trim();
  const st = named(m, spec, opts.intent);
  if (st.enis.length === 0 && st.outside.length === 0) {
    throw new UserError(`--from "${spec}" matches no network interface or outside range of the AWS input (tried ids, Name tags, VPC, subnet, security group and account ids, tags, addresses${opts.intent ? ', the segments of the intent' : ''} and instance ids)`, SPEC_HINT);
  }
  // An address or CIDR that names only outside addresses starts from exactly those addresses.
  const ip = parseIp(spec);
  const cidr = parseCidr(spec) ?? (ip ? parseCidr(`${spec}/${ip.family === 4 ? 32 : 128}`) : undefined);
  const asAddress = cidr && st.enis.length === 0 ? cidr.range : undefined;
  // Each start keeps the atoms it names (within the address or CIDR given): a hop is claimed for a part of them.
  const startOutside: Array<{ k: number; atoms: IpRange[]; endpoint: AwsBlastEndpoint }> = st.outside.map((k) => {
    const o = m.outside[k]!;
    const atoms = asAddress
      ? o.atoms.filter((r) => r.family === asAddress.family && r.lo <= asAddress.hi && asAddress.lo <= r.hi).map((r) => ({ ...r, lo: r.lo > asAddress.lo ? r.lo : asAddress.lo, hi: r.hi < asAddress.hi ? r.hi : asAddress.hi }))
      : [...o.atoms];
    return { k, atoms, endpoint: o.endpoint };
  });
  const startEnis = new Set(st.enis);
  const startClasses = [...new Set(st.enis.map((i) => m.classOf[i]!))];
  const cut = pruned(m, opts, new Set(startClasses));
  const g = cut.g;
  const seeds: Array<{ node: number; parent: number }> = [];
  startOutside.forEach((s, si) => {
    for (let c = 0; c < g.n; c++) if (!view.externals[m.outside[s.k]!.group]!.in(c).isEmpty()) seeds.push({ node: c, parent: -2 - si });
  });
  const { held, reach, parent } = hopSearch(g, startClasses, seeds, opts.hops);

  const domain = (e: End): string => {
    if ('eni' in e) return opts.intent ? m.segmentsOf(e.eni).join('+') || '(unmapped)' : m.enis[e.eni]!.vpc;
    return opts.intent ? e.segments.join('+') : '(outside)';
  };
  // The interface shown for a class in the middle of a path: a start interface in it, else its first.
  const startOfClass = new Map<number, number>();
  for (const i of st.enis) if (!startOfClass.has(m.classOf[i]!)) startOfClass.set(m.classOf[i]!, i);
  const nameOf = (c: number): number => startOfClass.get(c) ?? m.byClass[c]![0]!;
  const blockEndpoint = (atoms: readonly IpRange[]): AwsBlastEndpoint => {
    const ranges = mergeRanges(atoms);
    return { id: rangesId(ranges), kind: 'External', cidrs: ranges.flatMap(rangeToCidrs), label: awsOutsideName(ranges, m.universe).name };
  };
  // A start from an address or CIDR is what it names (its part of each outside endpoint when it spans several).
  const startEndpoint = (si: number): AwsBlastEndpoint => {
    const s = startOutside[si]!;
    if (!asAddress) return s.endpoint;
    return startOutside.length === 1 ? { id: spec, kind: 'External', cidrs: rangeToCidrs(asAddress), label: spec } : blockEndpoint(s.atoms);
  };

  // Every address of an atom is treated alike; the probe avoids the estate's public addresses, which messages
  // name in their own right (a gateway's translation), so that naming the probe as the block is unambiguous.
  const published = new Set([...a.inventory.interfaces.map((e) => e.publicIp), ...a.inventory.natGateways.map((n) => n.publicIp)].flatMap((x) => (x && parseIp(x)?.family === 4 ? [parseIp(x)!.value] : [])));
  const probeIn = (r: IpRange): bigint => addressKey(r.family, [r.lo, r.lo + 1n, r.hi].find((x) => x <= r.hi && (r.family === 6 || !published.has(x))) ?? r.lo);
  const explained = new Map<string, AwsHopStage[]>();
  const probe = (e: Probe): string => ('eni' in e ? m.endpoints[e.eni]!.id : formatKey(e.address));
  const idOf = (e: End): string => ('eni' in e ? m.endpoints[e.eni]!.id : e.endpoint.id);
  /** What explain says of the path between two probes, each stage with the settings that let `conns` through. */
  const stagesAt = (src: Probe, dst: Probe, conns: TrafficSet): AwsHopStage[] => {
    // The ends fix the traffic (their classes, or the outside group an address is in): the probes are the key.
    const key = `${probe(src)}>${probe(dst)}`;
    let stages = explained.get(key);
    if (!stages) {
      const end = (e: Probe): Endpoint => ('eni' in e ? { kind: 'eni', eni: m.enis[e.eni]! } : { kind: 'external', address: e.address });
      stages = a.explainPath(end(src), end(dst)).steps.map((x) => ({
        stage: x.stage,
        resource: x.resource,
        message: x.message,
        rules: x.rules.filter((r) => r.action === 'allow' && (!r.traffic || x.stage === 'nacl-reply' || !r.traffic.intersect(conns).isEmpty())),
      }));
      explained.set(key, stages);
    }
    return stages;
  };
  /** A hop with its stages; at an outside end, the probed address is named as the block the hop holds for. */
  const hopOf = (src: End, dst: End, conns: TrafficSet, stages: readonly AwsHopStage[]): AwsHop => {
    const out = 'eni' in src ? ('eni' in dst ? undefined : dst) : src;
    return {
      from: idOf(src),
      to: idOf(dst),
      conns,
      stages: out ? relabel(stages, out.address, out.endpoint.label) : [...stages],
      crossesBoundary: domain(src) !== domain(dst),
      ...(out ? { outside: out.endpoint } : {}),
    };
  };
  /**
   * Outside atoms in parts that a hop with interface `eni` explains alike (the same settings and messages at
   * every address of a part), first part first; `inbound`: the outside end is the source.
   */
  const partsOf = (atoms: readonly IpRange[], eni: number, inbound: boolean, conns: TrafficSet): Array<{ atoms: IpRange[]; address: bigint; stages: AwsHopStage[]; key: string }> => {
    const parts = new Map<string, { atoms: IpRange[]; address: bigint; stages: AwsHopStage[]; key: string }>();
    for (const r of atoms) {
      const address = probeIn(r);
      const stages = inbound ? stagesAt({ address }, { eni }, conns) : stagesAt({ eni }, { address }, conns);
      const key = stagesKey(stages, address);
      const p = parts.get(key);
      if (p) p.atoms.push(r);
      else parts.set(key, { atoms: [r], address, stages, key });
    }
    return [...parts.values()];
  };
  const inner = new Map<string, AwsHop>();
  /** The hop between two interfaces (of classes c and d), shared by every path through it. */
  const innerHop = (i: number, c: number, j: number, d: number): AwsHop => {
    const key = `${i}>${j}`;
    let h = inner.get(key);
    if (!h) {
      const conns = m.conns(c, d);
      h = hopOf({ eni: i }, { eni: j }, conns, stagesAt({ eni: i }, { eni: j }, conns));
      inner.set(key, h);
    }
    return h;
  };
  // The first hop from an outside start into an interface: from the part of the start explained alike.
  // Members of a class are treated alike by every setting: the parts are cut once per class, on the one shown.
  const startParts = new Map<string, { atoms: IpRange[]; address: bigint; whole: boolean }>();
  const firstHops = new Map<string, AwsHop>();
  const firstHop = (si: number, eni: number, c: number, conns: TrafficSet): AwsHop => {
    const key = `${si}>${eni}`;
    let h = firstHops.get(key);
    if (!h) {
      const s = startOutside[si]!;
      let p = startParts.get(`${si}>${c}`);
      if (!p) {
        const parts = partsOf(s.atoms, nameOf(c), true, conns);
        p = { atoms: parts[0]!.atoms, address: parts[0]!.address, whole: parts.length === 1 };
        startParts.set(`${si}>${c}`, p);
      }
      const endpoint = p.whole ? startEndpoint(si) : blockEndpoint(p.atoms);
      h = hopOf({ address: p.address, endpoint, segments: m.outside[s.k]!.segments }, { eni }, conns, stagesAt({ address: p.address }, { eni }, conns));
      firstHops.set(key, h);
    }
    return h;
  };
  /** Hops from the start to class c (reached by an edge), the last one ending at `last` (an interface). */
  const pathTo = (c: number, last: { eni: number }): AwsHop[] => {
    const chain: number[] = [c];
    let v = parent[c]!;
    while (v >= 0 && held[v]! > 0) {
      chain.push(v);
      v = parent[v]!;
    }
    chain.reverse();
    let prev: End | undefined = v >= 0 ? { eni: nameOf(v) } : undefined;
    let prevClass: number | undefined = v >= 0 ? v : undefined;
    const out: AwsHop[] = [];
    chain.forEach((x, k) => {
      const e = k === chain.length - 1 ? last : { eni: nameOf(x) };
      if (prev === undefined || prevClass === undefined) {
        const si = -2 - v;
        const conns = view.externals[m.outside[startOutside[si]!.k]!.group]!.in(x);
        out.push(firstHop(si, e.eni, x, conns));
      } else out.push(innerHop((prev as { eni: number }).eni, prevClass, e.eni, x));
      prev = e;
      prevClass = x;
    });
    return out;
  };

  const reached: AwsReached[] = [];
  const boundariesOf = (p: readonly AwsHop[]): number => p.filter((h) => h.crossesBoundary).length;
  m.enis.forEach((_, i) => {
    if (startEnis.has(i)) return;
    const c = m.classOf[i]!;
    if (reach[c]! <= 0) return;
    const path = pathTo(c, { eni: i });
    reached.push({ endpoint: m.endpoints[i]!, hop: reach[c]!, path, boundaries: boundariesOf(path), segments: m.segmentsOf(i), sensitive: sens.eni(i) });
  });
  // Outside ranges: reached from the shallowest held class that opens something to them, within the hop limit.
  const heldOrder = [...held.keys()].filter((c) => held[c]! >= 0 && !cut.dead.has(c) && (opts.hops === undefined || held[c]! < opts.hops)).sort((x, y) => held[x]! - held[y]! || x - y);
  const outOf = outsideOf(m);
  // Outside atoms reached the same way (same pivot, traffic, segments and settings, so the same explanation)
  // are one endpoint: an attacker sees no difference, and the hop's explanation holds for each of its addresses.
  const merged = new Map<string, { via: number; ranges: IpRange[]; segments: readonly string[]; sensitive: string[]; conns: TrafficSet; address: bigint; stages: AwsHopStage[] }>();
  m.outside.forEach((o, k) => {
    const via = heldOrder.find((c) => outOf(c).has(k));
    if (via === undefined) return;
    const conns = view.externals[o.group]!.out(via);
    const sensitive = sens.outside(k);
    for (const part of partsOf(o.atoms, nameOf(via), false, conns)) {
      const key = [via, conns.key(), o.segments.join('+'), sensitive.join('+'), part.key].join('|');
      const x = merged.get(key);
      if (x) x.ranges.push(...part.atoms);
      else merged.set(key, { via, ranges: [...part.atoms], segments: o.segments, sensitive, conns, address: part.address, stages: part.stages });
    }
  });
  for (const x of merged.values()) {
    const endpoint = blockEndpoint(x.ranges);
    const from = nameOf(x.via);
    const path = held[x.via] === 0 ? [] : pathTo(x.via, { eni: from });
    path.push(hopOf({ eni: from }, { address: x.address, endpoint, segments: x.segments }, x.conns, x.stages));
    reached.push({ endpoint, hop: held[x.via]! + 1, path, boundaries: boundariesOf(path), segments: x.segments, sensitive: x.sensitive });
  }
  reached.sort((x, y) => x.hop - y.hop || Number(x.endpoint.kind === 'External') - Number(y.endpoint.kind === 'External') || lex(x.endpoint.id, y.endpoint.id));
  const inside = reached.filter((r) => r.endpoint.kind !== 'External');
  const start = [...st.enis.map((i) => m.endpoints[i]!), ...startOutside.map((_, si) => startEndpoint(si))];
  return {
    mode: 'from',
    layer: 'aws',
    from: opts.from,
    start: start.filter((e, i) => start.findIndex((x) => x.id === e.id) === i),
    boundary: opts.intent ? 'segment' : 'vpc',
    ...(opts.hops !== undefined ? { hops: opts.hops } : {}),
    reached,
    sensitive: sens.names.map((name) => ({ name, reached: reached.filter((r) => r.sensitive.includes(name)).map((r) => r.endpoint.id) })),
    ...(cut.excluded ? { excluded: cut.excluded } : {}),
    summary: {
      reached: inside.length,
      direct: inside.filter((r) => r.hop === 1).length,
      external: reached.length - inside.length,
      maxHop: reached.reduce((x, r) => Math.max(x, r.hop), 0),
      sensitiveReached: reached.filter((r) => r.sensitive.length > 0).length,
      maxBoundaries: reached.reduce((x, r) => Math.max(x, r.boundaries), 0),
    },
  };
}

/** Every network interface ranked by the size of its blast radius, riskiest first. */
export function awsBlastRanking(a: AwsAnalysis, given: AwsBlastOptions = {}): AwsBlastRankingResult {
  const opts = withEstateIntent(given);
  checkHops(opts.hops);
  const m = model(a, opts.intent);
  const cut = pruned(m, opts);
  const g = cut.g;
  const sens = sensitivity(m, opts);
  const isSensitive = m.enis.map((_, i) => sens.eni(i).length > 0);
  const sensitivePerClass = m.byClass.map((js) => js.filter((j) => isSensitive[j]).length);
  const outOf = outsideOf(m);
  const closure = opts.hops === undefined ? transitiveClosure(g) : undefined;
  // Every interface lies in exactly one class: members of a class share everything but themselves.
  const memo = new Map<number, { r: BitSet; reached: number; sensitive: number; direct: number; self: boolean; selfDirect: boolean; external: number }>();
  const ofClass = (c: number) => {
    let x = memo.get(c);
    if (x) return x;
    const r = new BitSet(g.n);
    const ext = outOf(c).clone();
    if (closure) {
      r.orWith(closure[c]!);
      for (const d of r) if (!cut.dead.has(d)) ext.orWith(outOf(d));
    } else {
      const s = hopSearch(g, [c], [], opts.hops);
      for (let d = 0; d < g.n; d++) {
        if (s.reach[d]! > 0) r.add(d);
        // Classes reached at the last hop open nothing further.
        if (s.held[d]! > 0 && s.held[d]! < opts.hops! && !cut.dead.has(d)) ext.orWith(outOf(d));
      }
    }
    let reached = 0;
    let sensitive = 0;
    for (const d of r) (reached += m.byClass[d]!.length), (sensitive += sensitivePerClass[d]!);
    let direct = 0;
    for (const d of g.succ[c]!) direct += m.byClass[d]!.length;
    x = { r, reached, sensitive, direct, self: r.has(c), selfDirect: g.succ[c]!.includes(c), external: ext.count() };
    memo.set(c, x);
    return x;
  };
  const ranking: AwsRankingEntry[] = m.enis.flatMap((_, i) => {
    if (cut.hit.has(i)) return [];
    const x = ofClass(m.classOf[i]!);
    return [{ endpoint: m.endpoints[i]!, reached: x.reached - (x.self ? 1 : 0), direct: x.direct - (x.selfDirect ? 1 : 0), external: x.external, sensitive: x.sensitive - (x.self && isSensitive[i] ? 1 : 0) }];
  });
  ranking.sort((x, y) => y.reached - x.reached || y.sensitive - x.sensitive || y.direct - x.direct || lex(x.endpoint.id, y.endpoint.id));
  return { mode: 'ranking', layer: 'aws', ...(opts.hops !== undefined ? { hops: opts.hops } : {}), endpoints: ranking.length, classes: g.n, sensitiveNames: sens.names, ranking, ...(cut.excluded ? { excluded: cut.excluded } : {}) };
}

/** Blast radius on an AWS estate: from `opts.from` when given, else the ranking of every interface. */
export function awsBlast(a: AwsAnalysis, opts: AwsBlastOptions = {}): AwsBlastResult {
  return opts.from !== undefined ? awsBlastFrom(a, { ...opts, from: opts.from }) : awsBlastRanking(a, opts);
}
