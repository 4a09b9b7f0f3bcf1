/**
 * The AWS analysis: a snapshot to per-pair reach (network interfaces, and the outside address space split
 * into the fewest ranges that behave alike) and an explanation for any pair. Reach is computed per endpoint
 * class (src/engine/cloud/reach-matrix.ts) and expanded to interfaces only when listed.
 */
import type { AwsInventory, NetworkInterface } from '../../inventory/aws/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import type { Diagnostic } from '../../inventory/types.js';
import { formatIp, parseCidr, rangeToCidrs, type Family, type IpRange } from '../../model/address.js';
import type { TrafficSet } from '../../model/traffic-set.js';
import { addressKey, Estate, ipKey, V6_BASE } from '../../engine/cloud/estate.js';
import { analyseFamily, analysePath, type PathAnswer, type PathOptions } from '../../engine/cloud/path.js';
import type { Endpoint } from '../../engine/cloud/routing.js';
import { ClassReach, NOTHING, type PairTraffic } from '../../engine/cloud/reach-matrix.js';
import { lex } from '../../util/compare.js';
import { readAwsSnapshot } from '../../sources/aws/snapshot.js';

export interface AwsEndpointJSON {
  readonly id: string;
  readonly kind: 'NetworkInterface' | 'External';
  readonly name?: string;
  /** The interface endpoint an ENI belongs to (`vpce-...`). */
  readonly vpcEndpoint?: string;
  readonly account?: string;
  readonly region?: string;
  readonly addresses?: readonly string[];
  readonly ipv6Addresses?: readonly string[];
  readonly publicIp?: string;
  readonly vpc?: string;
  readonly subnet?: string;
  readonly securityGroups?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly cidrs?: readonly string[];
}

export interface AwsConnection {
  readonly src: string;
  readonly dst: string;
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
}

export interface AwsReach {
  readonly schema: 'bulkhead.reach/v1';
  readonly endpoints: readonly AwsEndpointJSON[];
  readonly connections: ReadonlyArray<{ src: string; dst: string; conns: Record<string, Array<[number, number]>>; responseBlocked?: Record<string, Array<[number, number]>> }>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reach as classes, expanded on demand: endpoints, then connections in (src, dst) order. */
export interface AwsReachStream {
  readonly endpoints: readonly AwsEndpointJSON[];
  /** Endpoint classes (ENIs that every stage treats alike) and outside ranges. */
  readonly classes: number;
  /** Connections between interfaces and with outside ranges, without listing them. */
  count(): number;
  connections(): Iterable<AwsConnection>;
  /** Each interface with each outside range: what the range may open to it (`in`) and it to the range (`out`). */
  outside(): Iterable<{ readonly range: AwsEndpointJSON; readonly eni: NetworkInterface; readonly in: PairTraffic; readonly out: PairTraffic }>;
  /** The class-level reach itself, for analyses that judge it without listing pairs (intent, blast). */
  readonly view: ClassView;
}

/** Reach between endpoint classes: what every member of one class opens to every member of another. */
export interface ClassView {
  readonly classes: ReadonlyArray<{ readonly members: readonly NetworkInterface[] }>;
  /** Destination classes class `i` opens something to (allowed with replies), with the traffic. */
  row(i: number): ReadonlyArray<{ readonly j: number; readonly conns: TrafficSet }>;
  /**
   * Outside ranges grouped by behaviour: what each opens to a class (`in`) and a class to it (`out`); `atoms`
   * are the ranges cut at every CIDR the estate names, within which every setting treats addresses alike.
   */
  readonly externals: ReadonlyArray<{ readonly id: string; readonly ranges: readonly IpRange[]; readonly atoms: readonly IpRange[]; in(i: number): TrafficSet; out(i: number): TrafficSet }>;
}

export interface AwsAnalysis {
  readonly inventory: AwsInventory;
  readonly estate: Estate;
  /** Reach between every pair of endpoints (a pair appears only when something is allowed or response-blocked). */
  reach(): AwsReach;
  /** The same, streamed: nothing is expanded to interface pairs until listed. */
  streamReach(): AwsReachStream;
  /** The path answer between two endpoints (see `endpointOf`); undefined when either is unknown. */
  explain(from: string, to: string): PathAnswer | undefined;
  /** An endpoint named by ENI id, endpoint id, instance id, Name tag, private or IPv6 address, or an outside address. */
  endpointOf(s: string): Endpoint | undefined;
  /** The path answer between two endpoints already resolved (with the analysis's path options). */
  explainPath(src: Endpoint, dst: Endpoint): PathAnswer;
  /** The path of one family alone (an outside end's address decides it; between interfaces, `family`). */
  explainFamilyPath(src: Endpoint, dst: Endpoint, family: Family): PathAnswer;
}

/** The outside address space cut at every CIDR the estate names, VPC ranges removed. */
function externalAtoms(est: ClassReach, inv: AwsInventory): IpRange[] {
  const vpcRanges = inv.vpcs.flatMap((v) => v.cidrs.map((c) => c.range));
  return est.atoms.atoms.filter((r) => !vpcRanges.some((v) => v.family === r.family && v.lo <= r.lo && r.hi <= v.hi));
}

/** Reads a snapshot directory and prepares the analysis. */
export async function analyseAwsSnapshot(dir: string, opts: PathOptions = {}): Promise<AwsAnalysis> {
  return analyseAwsInventory(await readAwsSnapshot(dir), opts);
}

/** An interface's name: its `Name` tag, else for an interface endpoint's ENI the service it serves. */
function interfaceName(e: NetworkInterface): string | undefined {
  return e.tags['Name'] ?? (e.vpcEndpoint ? e.vpcEndpoint.service || e.vpcEndpoint.id : undefined);
}

function endpointJson(e: NetworkInterface): AwsEndpointJSON {
  const name = interfaceName(e);
  return {
    id: interfaceEndpointId(e), kind: 'NetworkInterface', ...(name ? { name } : {}), ...(e.vpcEndpoint ? { vpcEndpoint: e.vpcEndpoint.id } : {}), account: e.account, region: e.region,
    addresses: e.addresses, ...(e.ipv6Addresses?.length ? { ipv6Addresses: e.ipv6Addresses } : {}), ...(e.publicIp ? { publicIp: e.publicIp } : {}), vpc: e.vpc, subnet: e.subnet, securityGroups: e.securityGroups, tags: e.tags,
  };
}

// Most class pairs share the interned NOTHING: one comparison instead of two emptiness tests.
const some = (t: PairTraffic): boolean => t !== NOTHING && (!t.conns.isEmpty() || !t.responseBlocked.isEmpty());

/** The analysis of an already-read inventory. */
export function analyseAwsInventory(inventory: AwsInventory, opts: PathOptions = {}): AwsAnalysis {
  const est = new Estate(inventory);
  const enis = [...inventory.interfaces].sort((a, b) => lex(interfaceEndpointId(a), interfaceEndpointId(b)));
  // An interface by one of its IPv6 addresses, however the text writes it.
  const enisOfIpv6 = (s: string): NetworkInterface | undefined => {
    const k = ipKey(s.replace(/\/128$/, ''));
    return k >= V6_BASE ? enis.find((x) => (x.ipv6Addresses ?? []).some((a) => ipKey(a) === k)) : undefined;
  };
  const endpointOf = (s: string): Endpoint | undefined => {
    const e = enis.find((x) => x.id === s || interfaceEndpointId(x) === s || x.instanceId === s)
      ?? enis.find((x) => x.tags['Name'] === s)
      ?? enis.find((x) => x.vpcEndpoint && (x.vpcEndpoint.id === s || x.vpcEndpoint.service === s))
      ?? enis.find((x) => x.addresses.includes(s.replace(/\/32$/, '')))
      ?? enisOfIpv6(s);
    if (e) return { kind: 'eni', eni: e };
    const c = parseCidr(s);
    if (c && c.range.lo === c.range.hi) return { kind: 'external', address: addressKey(c.range.family, c.range.lo) };
    const a = ipKey(s);
    return a >= 0n ? { kind: 'external', address: a } : undefined;
  };
  let cached: AwsReachStream | undefined;
  const streamReach = (): AwsReachStream => {
    if (cached) return cached;
    const cr = new ClassReach(est, enis, opts);
    const n = cr.classes.length;
    // Class-level answers: per source class, the destination classes with something allowed.
    const out: Array<Array<{ j: number; t: PairTraffic }>> = [];
    for (let i = 0; i < n; i++) {
      const row: Array<{ j: number; t: PairTraffic }> = [];
      for (let j = 0; j < n; j++) {
        const t = cr.classPair(i, j);
        if (t && some(t)) row.push({ j, t });
      }
      out.push(row);
    }
    // Outside ranges: adjacent atoms with the same answers toward every class are one endpoint.
    // A service a gateway endpoint reaches (S3, DynamoDB) is an outside endpoint of its own, named by the service.
    const services = est.gatewayServices;
    const groups: Array<{ ranges: IpRange[]; atoms: IpRange[]; key: string; service?: string; answers: Array<{ out: PairTraffic; in: PairTraffic }> }> = [];
    for (const atom of externalAtoms(cr, inventory)) {
      const x = cr.externalSide(addressKey(atom.family, atom.lo));
      const answers = cr.classes.map((c) => cr.withExternal(c.index, x));
      const service = services.find((v) => v.ranges.some((r) => r.family === atom.family && r.lo <= atom.lo && atom.hi <= r.hi))?.service;
      const key = `${service ?? ''}|${answers.map((a) => `${a.out.conns.key()}/${a.out.responseBlocked.key()}/${a.in.conns.key()}/${a.in.responseBlocked.key()}`).join(';')}`;
      const same = groups.find((g) => g.key === key);
      if (!same) {
        groups.push({ ranges: [atom], atoms: [atom], key, ...(service ? { service } : {}), answers });
        continue;
      }
      same.atoms.push(atom);
      const last = same.ranges[same.ranges.length - 1]!;
      if (last.family === atom.family && last.hi + 1n === atom.lo) same.ranges[same.ranges.length - 1] = { ...same.ranges[same.ranges.length - 1]!, hi: atom.hi };
      else same.ranges.push(atom);
    }
    const externals = groups.map((g) => ({ id: g.ranges.map((r) => `${formatIp(r.family, r.lo)}-${formatIp(r.family, r.hi)}`).join(','), ranges: g.ranges, atoms: g.atoms, cidrs: g.ranges.flatMap(rangeToCidrs), service: g.service, answers: g.answers }));
    const shared = (service: string): boolean => externals.filter((x) => x.service === service).length > 1;
    const endpoints: AwsEndpointJSON[] = [
      ...enis.map(endpointJson),
      ...externals.map((x) => ({ id: x.id, kind: 'External' as const, ...(x.service ? { name: shared(x.service) ? `${x.service} (${x.cidrs.join(', ')})` : x.service } : {}), cidrs: x.cidrs })),
    ];
    const classOf = new Map<NetworkInterface, number>();
    for (const c of cr.classes) for (const m of c.members) classOf.set(m, c.index);

    /** Per source class: every destination (interfaces and outside ranges) with its traffic, sorted by id. */
    const rowsOf = new Map<number, Array<{ id: string; eni?: NetworkInterface; t: PairTraffic }>>();
    const rowOf = (i: number): Array<{ id: string; eni?: NetworkInterface; t: PairTraffic }> => {
      let r = rowsOf.get(i);
      if (r) return r;
      r = [];
      for (const { j, t } of out[i]!) for (const m of cr.classes[j]!.members) r.push({ id: interfaceEndpointId(m), eni: m, t });
      for (const x of externals) if (some(x.answers[i]!.out)) r.push({ id: x.id, t: x.answers[i]!.out });
      r.sort((a, b) => lex(a.id, b.id));
      // Rows are reused by every member of the class; only the last few are kept.
      if (rowsOf.size > 64) rowsOf.clear();
      rowsOf.set(i, r);
      return r;
    };
    const sources: Array<{ id: string; eni?: NetworkInterface; ext?: (typeof externals)[number] }> = [
      ...enis.map((e) => ({ id: interfaceEndpointId(e), eni: e })),
      ...externals.map((x) => ({ id: x.id, ext: x })),
    ].sort((a, b) => lex(a.id, b.id));
    const rows = out.map((r) => r.filter((x) => !x.t.conns.isEmpty()).map((x) => ({ j: x.j, conns: x.t.conns })));
    const view: ClassView = {
      classes: cr.classes,
      row: (i) => rows[i]!,
      externals: externals.map((x) => ({ id: x.id, ranges: x.ranges, atoms: x.atoms, in: (i: number) => x.answers[i]!.in.conns, out: (i: number) => x.answers[i]!.out.conns })),
    };
    cached = {
      endpoints,
      view,
      classes: n + externals.length,
      count() {
        let total = 0;
        for (let i = 0; i < n; i++) {
          const size = cr.classes[i]!.members.length;
          for (const { j } of out[i]!) total += i === j ? size * (size - 1) : size * cr.classes[j]!.members.length;
          for (const x of externals) {
            if (some(x.answers[i]!.out)) total += size;
            if (some(x.answers[i]!.in)) total += size;
          }
        }
        return total;
      },
      *outside() {
        for (const [k, x] of externals.entries()) {
          const range = endpoints[enis.length + k]!;
          for (const e of enis) yield { range, eni: e, ...x.answers[classOf.get(e)!]! };
        }
      },
      *connections() {
        for (const s of sources) {
          if (s.eni) {
            for (const d of rowOf(classOf.get(s.eni)!)) if (d.eni !== s.eni) yield { src: s.id, dst: d.id, conns: d.t.conns, responseBlocked: d.t.responseBlocked };
          } else {
            for (const e of enis) {
              const t = s.ext!.answers[classOf.get(e)!]!.in;
              if (some(t)) yield { src: s.id, dst: interfaceEndpointId(e), conns: t.conns, responseBlocked: t.responseBlocked };
            }
          }
        }
      },
    };
    return cached;
  };
  return {
    inventory,
    estate: est,
    endpointOf,
    explain(from, to) {
      const s = endpointOf(from);
      const d = endpointOf(to);
      if (!s || !d || (s.kind === 'external' && d.kind === 'external')) return undefined;
      return analysePath(est, s, d, opts);
    },
    explainPath: (s, d) => analysePath(est, s, d, opts),
    explainFamilyPath: (s, d, f) => analyseFamily(est, s, d, f, opts),
    streamReach,
    reach() {
      const r = streamReach();
      const connections = [...r.connections()].map((c) => ({ src: c.src, dst: c.dst, conns: c.conns.toJSON(), ...(c.responseBlocked.isEmpty() ? {} : { responseBlocked: c.responseBlocked.toJSON() }) }));
      return { schema: 'bulkhead.reach/v1', endpoints: r.endpoints, connections, diagnostics: inventory.diagnostics };
    },
  };
}
