/**
 * Reach over endpoint classes: one answer per pair of classes (and per class and outside range), from the
 * same stages as analysePath but factored by what each stage depends on. Between two classes the route is
 * joined from two halves (route-halves.ts) each keyed by one end's subnet and the other end's address atom
 * and VPC, the NACL crossings likewise (source subnet and destination atom; destination subnet and source
 * atom), and each security group answer by (group set, the other end's atom and group membership), from a
 * CIDR part by atom and a reference part by membership. Every cache between classes is a typed table
 * indexed by small ids, so a pair costs a few array reads. Outside addresses take the whole-path route.
 * test/aws checks it against analysePath pair by pair, and the halves against routeFromEni.
 */
import type { NetworkAcl, NetworkInterface, TgwAttachment } from '../../inventory/aws/types.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { inRange, keyFamily, type Estate } from './estate.js';
import { AddressAtoms, endpointClasses, estateCuts, estateHasIpv6, membershipIndex, type EndpointClass } from './classes.js';
import { aclTraffic } from './network-acls.js';
import { DEFAULT_EPHEMERAL, replyPairs, type PathOptions } from './path.js';
import { backHalf, forwardHalf, halfKey, joinHalves, type BackHalf, type ForwardHalf } from './route-halves.js';
import { routeFromEni, routeFromInternet, withoutExplanations, type Endpoint, type RouteOutcome } from './routing.js';
import { RuleMasks, securityGroupTraffic } from './security-groups.js';

export interface PairTraffic {
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
}

/** A class's side of a path: who represents it and the ids its caches are keyed by. */
interface Side {
  readonly eni?: NetworkInterface;
  readonly address: bigint;
  /** Route class: subnet, atom and public address (ENIs) or atom (outside); keys whole-path routes. */
  readonly route: number;
  /** Address key: atom and group membership (what the other end's security groups see). */
  readonly addr: number;
  /** Security group set (-1 outside). */
  readonly sgs: number;
  /** What routing and NACLs see of the subnet (subnetRouteKey) and the VPC, for the halves with their NACL (-1 outside). */
  readonly subnetKey: number;
  /** What routing alone sees of them (routeKey), for the route halves (-1 outside). */
  readonly routeKey: number;
  /** Atom and VPC (what the other end's route half sees of this address). */
  readonly atomVpc: number;
  /** Subnet id, interned (-1 outside): within one subnet no NACL applies. */
  readonly subnet: number;
  /** Its subnet's zone, interned (-1 outside). */
  readonly zone: number;
  /** (attachment, other end's zone) -> its TgwTerms id, filled on first use (transit gateway paths only). */
  terms?: Int32Array;
  /** Transit gateway -> its VPC's attachment to it (interned), filled on first use. */
  xin?: Int32Array;
  /**
   * True when no attachment subnet's NACL of its VPC filters its address and its own subnet's NACL applies
   * or admits everything: its TGW paths are then the halves' plain join (most estates; filled on first use).
   */
  tgwPlain?: boolean;
}

/**
 * What one end's own address meets at a transit gateway attachment of its VPC, for a path whose other end is
 * in a given zone: the entry attachment subnet's inbound NACL (its requests, and the replies it sends), the
 * exit attachment subnets' outbound NACLs toward it (requests and replies it receives), and whether its own
 * subnet's NACL still applies to what it receives (not when it is in the only exit subnet).
 */
interface TgwTerms {
  readonly entry: TrafficSet;
  readonly entryReplyBlocked: TrafficSet;
  readonly exit: TrafficSet;
  readonly exitReplyBlocked: TrafficSet;
  readonly own: boolean;
}

/** A joined transit gateway route: its halves and the attachments it enters and leaves by (interned). */
interface TgwJoin {
  readonly f: number;
  readonly b: number;
  /** The transit gateway (interned). */
  readonly tgw: number;
  readonly xout: number;
  /** The route entry of the two halves' NACLs alone (what plain ends get). */
  readonly plain: number;
}

interface RouteEntry {
  readonly ok: boolean;
  /** Interned id of this entry's (forward, replyBlocked). */
  readonly id: number;
  /** What the route steps and the forward NACL crossings let through. */
  readonly forward: TrafficSet;
  /** Requests whose replies some NACL on the way back drops on a client port. */
  readonly replyBlocked: TrafficSet;
}

/** A route half with what its end's NACL lets through and the requests whose replies it drops. */
interface HalfEntry {
  readonly half: ForwardHalf | BackHalf;
  readonly acl: TrafficSet;
  readonly replyBlocked: TrafficSet;
}

const FAILED: RouteEntry = { ok: false, id: -1, forward: TrafficSet.EMPTY, replyBlocked: TrafficSet.EMPTY };
/** The interned id of all traffic (interned first). */
const ALL_ID = 0;
/** The forward half that reaches nothing (interned first). */
const FAIL_HALF = 0;
/** Not computed yet, in the typed tables. */
const UNKNOWN = -1;
/** A join of halves that makes no route. */
const NO_ROUTE = -2;
/** Joins at or below this are transit gateway joins (TGW_JOIN - k: the k-th), finished per pair by each end's TgwTerms. */
const TGW_JOIN = -3;
export const NOTHING: PairTraffic = { conns: TrafficSet.EMPTY, responseBlocked: TrafficSet.EMPTY };

/** Interns strings to small integers. */
class Interner {
  private readonly m = new Map<string, number>();
  id(s: string): number {
    let v = this.m.get(s);
    if (v === undefined) this.m.set(s, (v = this.m.size));
    return v;
  }
  get size(): number {
    return this.m.size;
  }
}

/** A table of small integers over rows x a fixed number of columns, rows allocated on first use, UNKNOWN until set. */
class IntTable {
  private readonly rows: Array<Int32Array | undefined> = [];
  constructor(private readonly cols: number) {}
  row(r: number): Int32Array {
    let x = this.rows[r];
    if (!x) this.rows[r] = x = new Int32Array(this.cols).fill(UNKNOWN);
    return x;
  }
}

/** True when a NACL's inbound entries admit all traffic of a family from everywhere (first match), or there is no NACL. */
function admitsAll(acl: NetworkAcl | undefined, family: 4 | 6): boolean {
  if (!acl) return true;
  for (const e of acl.inbound) {
    if (e.cidr.range.family !== family) continue;
    if (e.action === 'deny') return false;
    if (e.cidr.prefix === 0 && e.traffic.equals(TrafficSet.ALL)) return true;
  }
  return false;
}

export class ClassReach {
  readonly atoms: AddressAtoms;
  readonly classes: readonly EndpointClass[];
  /** Per class, its IPv4 side (its primary private IPv4), undefined for IPv6-only interfaces. */
  private readonly sides: Array<Side | undefined> = [];
  /** Per class, its IPv6 side (its first IPv6 address), when its members have one. */
  private readonly sides6: Array<Side | undefined> = [];
  /** Answers of both families joined: IPv4 answer -> IPv6 answer -> their union. */
  private readonly dual = new Map<PairTraffic, Map<PairTraffic, PairTraffic>>();
  private readonly routeIds = new Interner();
  private readonly addrIds = new Interner();
  private readonly sgIds = new Interner();
  private readonly subnetKeyIds = new Interner();
  private readonly routeKeyIds = new Interner();
  private readonly atomVpcIds = new Interner();
  private readonly subnetIds = new Interner();
  /** Per address key: its atom and the groups its address is a member of. */
  private readonly addrInfo: Array<{ atom: number; groups: readonly string[]; address: bigint }> = [];
  /** Group -> the class address keys whose address is a member of it. */
  private readonly keysOfGroup = new Map<string, number[]>();
  /** Per security group set: the groups. */
  private readonly sgSets: Array<readonly string[]> = [];
  /** Whole-path routes (outside ends): route class -> (other route class, same subnet) -> entry. */
  private readonly routes: Array<Map<number, RouteEntry>> = [];
  /** Traffic sets interned by value, so that a pair's answer is memoised on three small ids. */
  private readonly traffic: TrafficSet[] = [];
  private readonly trafficIds = new Map<string, number>();
  private readonly entries: RouteEntry[] = [];
  private readonly entryIds = new Interner();
  /** Pair answers: route entry -> egress traffic id -> ingress traffic id -> answer. */
  private readonly answers: PairTraffic[][][] = [];
  private readonly subnetKeys = new Map<string, { route: string; subnet: string }>();
  private readonly pairs: ReturnType<typeof replyPairs>;
  private readonly replyTraffic: TrafficSet;
  /** (NACL, direction, reply) x the peer's atom -> traffic id of what the NACL lets through. */
  private readonly aclTable: IntTable;
  /** NACLs by index (undefined: none in the snapshot), and per subnet id its NACL's index. */
  private readonly aclIndex = new Map<NetworkAcl | undefined, number>();
  private readonly aclOfSubnet: number[] = [];
  /** (NACL, direction, reply) -> mask of the entries covering the peer -> traffic id. */
  private readonly aclByMask: Array<Map<number, number>> = [];
  /** Reply traffic id -> the id of the requests whose replies it does not let back. */
  private readonly blockedOf: number[] = [];
  private readonly memberOf: Map<bigint, string>;
  private natSubnets?: Set<string>;
  private attachmentsOfVpc?: Map<string, TgwAttachment[]>;
  // Between classes (ids fixed at construction, so typed tables):
  /** (source subnet key) x (destination atom and VPC) -> forward half id (with its NACL). */
  private readonly fwd: IntTable;
  /** (destination subnet key) x (source atom and VPC) -> back half id (with its NACL). */
  private readonly back: IntTable;
  private readonly fwdHalves: HalfEntry[] = [];
  private readonly backHalves: HalfEntry[] = [];
  /** Route half id -> NACL traffic id -> reply-blocked id -> half id. */
  private readonly fwdIds: number[][][] = [];
  private readonly backIds: number[][][] = [];
  /** (route key) x (other end's atom and VPC) -> route half id (0: fails), and the halves by id. */
  private readonly fwdRoute: IntTable;
  private readonly backRoute: IntTable;
  private readonly fwdRouteIds = new Interner();
  private readonly backRouteIds = new Interner();
  private readonly fwdRoutes: ForwardHalf[] = [];
  private readonly backRoutes: BackHalf[] = [];
  /** (forward half) -> (back half, same subnet) -> route entry id, NO_ROUTE, or a transit gateway join. */
  private readonly joins: number[][] = [];
  private readonly tgwJoins: TgwJoin[] = [];
  /** Transit gateway join -> source TgwTerms id -> destination TgwTerms id -> route entry id. */
  private readonly tgwEntries: number[][][] = [];
  private readonly tgwTerms: TgwTerms[] = [];
  private readonly tgwTermIds = new Interner();
  /** Zones and attachments, interned at construction (the TgwTerms rows are attachment x zone). */
  private readonly zoneIds = new Interner();
  private readonly zoneNames: Array<string | undefined> = [];
  private readonly attIds = new Interner();
  private readonly attList: TgwAttachment[] = [];
  private readonly tgwIds = new Interner();
  private readonly tgwList: string[] = [];
  /** (group set, direction) -> (other end's class address key) -> traffic id, each row filled at once. */
  private readonly sgRows: Int32Array[] = [];
  private readonly classAddrKeys: number;
  /** Class address key -> its atom. */
  private readonly addrAtom: Int32Array;
  /** Whole-path security group answers (outside ends): (group set, direction) -> address key -> traffic id. */
  private readonly sgOutside: Array<Map<number, number>> = [];
  private readonly masks: Array<RuleMasks | null | undefined> = [];
  /** (group set, direction) x atom -> mask of the rules whose CIDR or prefix-list peer covers it. */
  private readonly atomMasks: IntTable;
  private readonly trafficOfMask: Array<Map<number, number>> = [];
  /** (group set, direction) x atom -> traffic id, for other ends that are members of no group the rules reference. */
  private readonly atomTraffic: IntTable;

  constructor(private readonly est: Estate, enis: readonly NetworkInterface[], opts: PathOptions = {}) {
    const cuts = estateCuts(est.inv);
    this.atoms = new AddressAtoms(cuts, estateHasIpv6(est.inv, cuts));
    this.memberOf = membershipIndex(est);
    this.classes = endpointClasses(est, enis, this.atoms, this.memberOf);
    this.pairs = replyPairs(opts.ephemeral ?? DEFAULT_EPHEMERAL);
    this.replyTraffic = this.pairs.reduce((acc, p) => acc.union(p.reply), TrafficSet.EMPTY);
    this.intern(TrafficSet.ALL);
    this.zoneIds.id('');
    this.zoneNames.push(undefined);
    for (const s of est.subnets.values()) if (this.zoneIds.id(s.availabilityZone) === this.zoneNames.length) this.zoneNames.push(s.availabilityZone);
    for (const x of est.attachments.values()) if (this.attIds.id(x.id) === this.attList.length) this.attList.push(x);
    for (const t of est.tgws.keys()) if (this.tgwIds.id(t) === this.tgwList.length) this.tgwList.push(t);
    // Half 0 fails, either way; so does route half 0.
    for (const [halves, routes, ids] of [[this.fwdHalves, this.fwdRoutes, this.fwdRouteIds], [this.backHalves, this.backRoutes, this.backRouteIds]] as const) {
      halves.push({ half: { kind: 'fail' }, acl: TrafficSet.EMPTY, replyBlocked: TrafficSet.EMPTY });
      routes.push({ kind: 'fail' });
      ids.id('fail');
    }
    for (const c of this.classes) {
      this.sides.push(est.primary4(c.rep) === undefined ? undefined : this.sideOf(c.rep));
      const a6 = est.primary6(c.rep);
      this.sides6.push(a6 === undefined ? undefined : this.sideOf(c.rep, a6));
    }
    this.fwd = new IntTable(this.atomVpcIds.size);
    this.back = new IntTable(this.atomVpcIds.size);
    this.fwdRoute = new IntTable(this.atomVpcIds.size);
    this.backRoute = new IntTable(this.atomVpcIds.size);
    this.classAddrKeys = this.addrIds.size;
    this.addrAtom = Int32Array.from(this.addrInfo, (x) => x.atom);
    this.addrInfo.forEach((info, k) => {
      for (const g of info.groups) {
        const l = this.keysOfGroup.get(g);
        if (l) l.push(k);
        else this.keysOfGroup.set(g, [k]);
      }
    });
    this.atomMasks = new IntTable(this.atoms.atoms.length);
    this.atomTraffic = new IntTable(this.atoms.atoms.length);
    this.aclTable = new IntTable(this.atoms.atoms.length);
  }

  /** A class's side for its primary IPv4 address, or for its IPv6 address `v6`. */
  private sideOf(eni: NetworkInterface, v6?: bigint): Side {
    const a = v6 ?? this.est.primary(eni);
    const atom = this.atoms.of(a);
    const keys = this.subnetRouteKey(eni.subnet);
    const membership = this.memberOf.get(a) ?? '';
    return {
      eni,
      address: a,
      // IPv6 needs no public address: the route class of an IPv6 side is its subnet and atom alone.
      route: this.routeIds.id(`${keys.subnet}|${eni.vpc}|${atom}|${v6 !== undefined ? '6' : eni.publicIp ? 'p' : ''}`),
      addr: this.addrKey(atom, membership, a),
      sgs: this.sgSet(eni.securityGroups),
      // The interface's own VPC too: the halves read it (the subnet's VPC, in the key, is the same in any consistent snapshot).
      subnetKey: this.subnetKeyIds.id(`${keys.subnet}|${eni.vpc}`),
      routeKey: this.routeKeyIds.id(`${keys.route}|${eni.vpc}`),
      atomVpc: this.atomVpcIds.id(`${atom}|${eni.vpc}`),
      subnet: this.subnetIds.id(eni.subnet),
      zone: this.zoneIds.id(this.est.zoneOf(eni.subnet) ?? ''),
    };
  }

  private addrKey(atom: number, membership: string, address: bigint): number {
    const id = this.addrIds.id(`${atom}|${membership}`);
    if (id === this.addrInfo.length) this.addrInfo.push({ atom, groups: membership === '' ? [] : membership.split(','), address });
    return id;
  }

  private sgSet(groups: readonly string[]): number {
    const id = this.sgIds.id(groups.join(','));
    if (id === this.sgSets.length) this.sgSets.push(groups);
    return id;
  }

  /** An outside address as one end of a path. */
  externalSide(address: bigint): Side {
    const atom = this.atoms.of(address);
    return { address, route: this.routeIds.id(`x|${atom}`), addr: this.addrKey(atom, '', address), sgs: -1, subnetKey: -1, routeKey: -1, atomVpc: -1, subnet: -1, zone: -1 };
  }

  /** The traffic between two classes (the same class: two of its members; undefined when it has one). */
  classPair(i: number, j: number): PairTraffic | undefined {
    // Members of a class differ in nothing any stage looks at: the class's own side stands for its second member.
    if (i === j && this.classes[i]!.members.length < 2) return undefined;
    const s4 = this.sides[i];
    const d4 = s4 && this.sides[j];
    const v4 = s4 && d4 ? this.sidePair(s4, d4) : NOTHING;
    const s6 = this.sides6[i];
    const d6 = s6 && this.sides6[j];
    if (!s6 || !d6) return v4;
    // Dual-stack at both ends: what either family lets through (analysePath's union).
    const v6 = this.sidePair(s6, d6);
    if (v6 === NOTHING) return v4;
    if (v4 === NOTHING) return v6;
    const byV6 = this.dual.get(v4) ?? this.dual.set(v4, new Map()).get(v4)!;
    let t = byV6.get(v6);
    if (!t) {
      const conns = v4.conns.union(v6.conns);
      byV6.set(v6, (t = { conns, responseBlocked: v4.responseBlocked.union(v6.responseBlocked).subtract(conns) }));
    }
    return t;
  }

  /** The traffic between two sides of classes (of one family). */
  private sidePair(s: Side, d: Side): PairTraffic {
    const r = this.pairRoute(s, d);
    if (r === NO_ROUTE) return NOTHING;
    const e = (this.sgRows[s.sgs * 2] ?? this.sgRow(s.sgs * 2))[d.addr]!;
    const n = (this.sgRows[d.sgs * 2 + 1] ?? this.sgRow(d.sgs * 2 + 1))[s.addr]!;
    return this.answer(this.entries[r]!, e, n);
  }

  /** The route part of classPair (routed or not, what the NACL crossings let through, the requests whose replies they drop); for tests. */
  classRoute(i: number, j: number): { readonly ok: boolean; readonly forward: TrafficSet; readonly replyBlocked: TrafficSet } {
    const s = this.sides[i];
    const d = this.sides[j];
    if (!s || !d) return FAILED;
    const r = this.pairRoute(s, d);
    return r === NO_ROUTE ? FAILED : this.entries[r]!;
  }

  /** The security group part of classPair: what class i's groups let out to j, and j's let in from i; for tests. */
  classGroups(i: number, j: number): { readonly egress: TrafficSet; readonly ingress: TrafficSet } {
    const s = this.sides[i];
    const d = this.sides[j];
    if (!s || !d) return { egress: TrafficSet.EMPTY, ingress: TrafficSet.EMPTY };
    return { egress: this.traffic[(this.sgRows[s.sgs * 2] ?? this.sgRow(s.sgs * 2))[d.addr]!]!, ingress: this.traffic[(this.sgRows[d.sgs * 2 + 1] ?? this.sgRow(d.sgs * 2 + 1))[s.addr]!]! };
  }

  /** The route entry between two classes, or NO_ROUTE: the halves' join, finished by the ends' own terms through a transit gateway. */
  private pairRoute(s: Side, d: Side): number {
    const r = this.routeId(s, d);
    if (r > TGW_JOIN) return r;
    const k = TGW_JOIN - r;
    const j = this.tgwJoins[k]!;
    if ((s.tgwPlain ??= this.plainAtTgw(s)) && (d.tgwPlain ??= this.plainAtTgw(d))) return j.plain;
    const st = this.termsOf(s, this.xinOf(s, j.tgw), d.zone);
    const dt = this.termsOf(d, j.xout, s.zone);
    const byS = ((this.tgwEntries[k] ??= [])[st] ??= []);
    let e = byS[dt];
    if (e === undefined) byS[dt] = e = this.tgwEntry(j, this.tgwTerms[st]!, this.tgwTerms[dt]!);
    return e;
  }

  /**
   * A transit gateway route entry: the source subnet's outbound and the destination subnet's inbound NACLs
   * (the halves'; the latter not when the destination is in its only exit subnet), the attachment subnets'
   * that each end's terms hold, and the same for the replies.
   */
  private tgwEntry(j: TgwJoin, s: TgwTerms, d: TgwTerms): number {
    const fh = this.fwdHalves[j.f]!;
    const bh = this.backHalves[j.b]!;
    let forward = fh.acl.intersect(s.entry).intersect(d.exit);
    if (d.own) forward = forward.intersect(bh.acl);
    let replyBlocked = bh.replyBlocked.union(d.entryReplyBlocked).union(s.exitReplyBlocked);
    if (s.own) replyBlocked = replyBlocked.union(fh.replyBlocked);
    return this.entry(forward, replyBlocked).id;
  }

  /** Whether a side's TgwTerms are neutral for every attachment of its VPC and every zone (see Side.tgwPlain). */
  private plainAtTgw(side: Side): boolean {
    const eni = side.eni!;
    let ownAdmitsAll: boolean | undefined;
    for (const x of this.est.vpcAttachmentsOf(eni.vpc)) {
      const att = this.attIds.id(x.id);
      for (let z = 0; z < this.zoneNames.length; z++) {
        const t = this.tgwTerms[this.termsOf(side, att, z)]!;
        if (!t.entry.equals(TrafficSet.ALL) || !t.exit.equals(TrafficSet.ALL) || !t.entryReplyBlocked.isEmpty() || !t.exitReplyBlocked.isEmpty()) return false;
        if (!t.own && !(ownAdmitsAll ??= admitsAll(this.est.aclOf(eni.subnet), keyFamily(side.address)))) return false;
      }
    }
    return true;
  }

  /** The attachment (interned) a side's VPC has to a transit gateway (the join exists only when it has one). */
  private xinOf(side: Side, tgw: number): number {
    const row = (side.xin ??= new Int32Array(this.tgwList.length).fill(UNKNOWN));
    let x = row[tgw]!;
    if (x === UNKNOWN) row[tgw] = x = this.attIds.id(this.est.vpcAttachment(this.tgwList[tgw]!, side.eni!.vpc)!.id);
    return x;
  }

  /** A side's TgwTerms id for attachment `att` of its VPC and the other end's zone. */
  private termsOf(side: Side, att: number, zone: number): number {
    const zones = this.zoneNames.length;
    const row = (side.terms ??= new Int32Array(this.attList.length * zones).fill(UNKNOWN));
    let t = row[att * zones + zone]!;
    if (t === UNKNOWN) row[att * zones + zone] = t = this.computeTerms(side, this.attList[att]!, this.zoneNames[zone]);
    return t;
  }

  private computeTerms(side: Side, x: TgwAttachment, otherZone: string | undefined): number {
    const subnet = side.eni!.subnet;
    const a = side.address;
    const entrySubnet = this.est.attachmentEntry(x, this.est.zoneOf(subnet));
    const entry = entrySubnet === undefined ? ALL_ID : this.aclId(entrySubnet, 'inbound', a, false);
    const entryRb = entrySubnet === undefined ? this.intern(TrafficSet.EMPTY) : this.blockedId(this.aclId(entrySubnet, 'inbound', a, true));
    const ex = this.est.attachmentExit(x, otherZone);
    const others = ex ? ex.subnets.filter((s) => s !== subnet) : [];
    let exit = TrafficSet.ALL;
    let exitRb = TrafficSet.EMPTY;
    for (const c of others) {
      exit = exit.intersect(this.aclCached(c, 'outbound', a, false));
      exitRb = exitRb.union(this.traffic[this.blockedId(this.aclId(c, 'outbound', a, true))]!);
    }
    // Unknown attachment subnets: no attachment NACL, the own subnet's as for any path.
    const own = !ex || others.length > 0;
    const key = `${entry},${entryRb},${this.intern(exit)},${this.intern(exitRb)},${own ? 1 : 0}`;
    const id = this.tgwTermIds.id(key);
    if (id === this.tgwTerms.length) this.tgwTerms.push({ entry: this.traffic[entry]!, entryReplyBlocked: this.traffic[entryRb]!, exit, exitReplyBlocked: exitRb, own });
    return id;
  }

  /** The route entry between two classes joined from its halves, NO_ROUTE, or a transit gateway join. */
  private routeId(s: Side, d: Side): number {
    const fr = this.fwd.row(s.subnetKey);
    let f = fr[d.atomVpc]!;
    if (f === UNKNOWN) fr[d.atomVpc] = f = this.forwardOf(s, d);
    if (f === FAIL_HALF) return NO_ROUTE;
    const br = this.back.row(d.subnetKey);
    let b = br[s.atomVpc]!;
    if (b === UNKNOWN) br[s.atomVpc] = b = this.backOf(d, s);
    const jr = (this.joins[f] ??= []);
    const jk = b * 2 + (s.subnet === d.subnet ? 1 : 0);
    let r = jr[jk];
    if (r === undefined) jr[jk] = r = this.join(f, b, s.subnet === d.subnet);
    return r;
  }

  /** Class `i` to an outside address, and back. */
  withExternal(i: number, x: Side): { out: PairTraffic; in: PairTraffic } {
    const s = keyFamily(x.address) === 6 ? this.sides6[i] : this.sides[i];
    if (!s) return { out: NOTHING, in: NOTHING };
    return { out: this.between(s, x), in: this.between(x, s) };
  }

  private intern(t: TrafficSet): number {
    const k = t.key();
    let id = this.trafficIds.get(k);
    if (id === undefined) {
      this.trafficIds.set(k, (id = this.traffic.length));
      this.traffic.push(t);
    }
    return id;
  }

  /** A route entry by value: the same (forward, replyBlocked) always has the same id. */
  private entry(forward: TrafficSet, replyBlocked: TrafficSet): RouteEntry {
    const id = this.entryIds.id(`${this.intern(forward)},${this.intern(replyBlocked)}`);
    return (this.entries[id] ??= { ok: true, id, forward, replyBlocked });
  }

  /** The requests (TCP, UDP, ICMP echo) whose replies `replyAllowed` does not let back whole. */
  private blocked(replyAllowed: TrafficSet): TrafficSet {
    let b = TrafficSet.EMPTY;
    for (const p of this.pairs) if (!p.reply.isSubsetOf(replyAllowed)) b = b.union(p.request);
    return b;
  }

  /** One end's NACL for a path between classes: what it lets through toward or from `peer`, and the requests whose replies it drops. */
  /** The requests whose replies a NACL's reply traffic (an id) does not let back, as an id. */
  private blockedId(reply: number): number {
    let b = this.blockedOf[reply];
    if (b === undefined) this.blockedOf[reply] = b = this.intern(this.blocked(this.traffic[reply]!));
    return b;
  }

  /** A half with its end's NACL crossing, by value: route half `h`, what the NACL lets through, and toward the replies. */
  private halfId(ids: number[][][], halves: HalfEntry[], half: ForwardHalf | BackHalf, h: number, subnet: string, direction: 'inbound' | 'outbound', peer: bigint): number {
    const acl = this.aclId(subnet, direction, peer, false);
    // Replies cross the same subnet boundary the other way (the NACL's other direction, the same peer).
    const replyBlocked = this.blockedId(this.aclId(subnet, direction === 'inbound' ? 'outbound' : 'inbound', peer, true));
    const byRb = ((ids[h] ??= [])[acl] ??= []);
    let id = byRb[replyBlocked];
    if (id === undefined) {
      byRb[replyBlocked] = id = halves.length;
      halves.push({ half, acl: this.traffic[acl]!, replyBlocked: this.traffic[replyBlocked]! });
    }
    return id;
  }

  private forwardOf(s: Side, d: Side): number {
    const rr = this.fwdRoute.row(s.routeKey);
    let h = rr[d.atomVpc]!;
    if (h === UNKNOWN) {
      const half = forwardHalf(this.est, s.eni!, d.address, d.eni!.vpc);
      rr[d.atomVpc] = h = this.fwdRouteIds.id(halfKey(half));
      this.fwdRoutes[h] ??= half;
    }
    if (h === FAIL_HALF) return FAIL_HALF;
    // Leaving the source subnet: its NACL outbound toward the destination.
    return this.halfId(this.fwdIds, this.fwdHalves, this.fwdRoutes[h]!, h, s.eni!.subnet, 'outbound', d.address);
  }

  private backOf(d: Side, s: Side): number {
    const rr = this.backRoute.row(d.routeKey);
    let h = rr[s.atomVpc]!;
    if (h === UNKNOWN) {
      const half = backHalf(this.est, d.eni!, s.address, s.eni!.vpc);
      rr[s.atomVpc] = h = this.backRouteIds.id(halfKey(half));
      this.backRoutes[h] ??= half;
    }
    if (h === FAIL_HALF) return FAIL_HALF;
    // Entering the destination subnet: its NACL inbound from the source.
    return this.halfId(this.backIds, this.backHalves, this.backRoutes[h]!, h, d.eni!.subnet, 'inbound', s.address);
  }

  private join(f: number, b: number, sameSubnet: boolean): number {
    const fh = this.fwdHalves[f]!;
    const bh = this.backHalves[b]!;
    if (!joinHalves(fh.half as ForwardHalf, bh.half as BackHalf)) return NO_ROUTE;
    const fwdHalf = fh.half as ForwardHalf;
    if (fwdHalf.kind === 'tgw') {
      // The attachment subnets' NACLs depend on each end's own address and zone: finished per pair (pairRoute).
      // Halves of sources in other VPCs share this one: the entry attachment is the source side's (xinOf).
      const plain = this.entry(fh.acl.intersect(bh.acl), fh.replyBlocked.union(bh.replyBlocked)).id;
      this.tgwJoins.push({ f, b, tgw: this.tgwIds.id(fwdHalf.tgw), xout: this.attIds.id(fwdHalf.xout), plain });
      return TGW_JOIN - (this.tgwJoins.length - 1);
    }
    // A local route within one subnet crosses no NACL; any other route crosses both subnets' (even into the same subnet over a TGW).
    if (sameSubnet && fh.half.kind === 'local') return this.entry(TrafficSet.ALL, TrafficSet.EMPTY).id;
    return this.entry(fh.acl.intersect(bh.acl), fh.replyBlocked.union(bh.replyBlocked)).id;
  }

  /** A pair's answer from its route entry and its two security group answers, memoised on the three ids. */
  private answer(r: RouteEntry, e: number, i: number): PairTraffic {
    const byE = (this.answers[r.id] ??= []);
    const byI = (byE[e] ??= []);
    let a = byI[i];
    if (a) return a;
    let request = r.forward.intersect(this.traffic[e]!).intersect(this.traffic[i]!);
    if (request.isEmpty()) a = NOTHING;
    else {
      const responseBlocked = request.intersect(r.replyBlocked);
      if (!responseBlocked.isEmpty()) request = request.subtract(responseBlocked);
      a = { conns: request, responseBlocked };
    }
    byI[i] = a;
    return a;
  }

  /** A path with an outside end: the whole-path route, the outside end's security groups all open. */
  private between(s: Side, d: Side): PairTraffic {
    const r = this.route(s, d);
    if (!r.ok) return NOTHING;
    // Every path to an ENI delivers the source's own address except from the internet, where it is the outside one.
    const e = s.eni ? this.sgOutsideAnswer(s.sgs * 2, d) : ALL_ID;
    const i = d.eni ? this.sgOutsideAnswer(d.sgs * 2 + 1, s) : ALL_ID;
    return this.answer(r, e, i);
  }

  private sgOutsideAnswer(hd: number, other: Side): number {
    const row = (this.sgOutside[hd] ??= new Map());
    let t = row.get(other.addr);
    if (t === undefined) row.set(other.addr, (t = this.sgAnswer(hd, other.addr)));
    return t;
  }

  private masksOf(hd: number): RuleMasks | null {
    let m = this.masks[hd];
    if (m === undefined) this.masks[hd] = m = RuleMasks.of(this.est, this.sgSets[hd >> 1]!, hd & 1 ? 'ingress' : 'egress') ?? null;
    return m;
  }

  /**
   * What a group set (`hd`: set * 2, + 1 for ingress) allows toward or from an address key, as a traffic id:
   * the rules matched by its atom and by its group membership, memoised on the mask.
   */
  private sgAnswer(hd: number, key: number): number {
    const m = this.masksOf(hd);
    const info = this.addrInfo[key]!;
    if (m === null) return this.intern(securityGroupTraffic(this.est, this.sgSets[hd >> 1]!, hd & 1 ? 'ingress' : 'egress', info.address));
    const ar = this.atomMasks.row(hd);
    let mask = ar[info.atom]!;
    // Any address of the atom: CIDR and prefix-list peers do not tell them apart.
    if (mask === UNKNOWN) ar[info.atom] = mask = m.addressMask(this.atoms.lo(info.atom));
    mask |= m.memberMask(info.groups);
    const byMask = (this.trafficOfMask[hd] ??= new Map());
    let t = byMask.get(mask);
    if (t === undefined) byMask.set(mask, (t = this.intern(m.traffic(mask))));
    return t;
  }

  /**
   * The row of a group set over every class address key. Keys whose address is a member of no group the
   * rules reference are decided by their atom alone (one answer per atom); only the members of referenced
   * groups are evaluated one by one.
   */
  private sgRow(hd: number): Int32Array {
    const row = new Int32Array(this.classAddrKeys);
    const m = this.masksOf(hd);
    if (m === null) {
      for (let k = 0; k < row.length; k++) row[k] = this.sgAnswer(hd, k);
    } else {
      const byAtom = this.atomTraffic.row(hd);
      const atoms = this.addrAtom;
      for (let k = 0; k < row.length; k++) {
        const atom = atoms[k]!;
        let t = byAtom[atom]!;
        if (t === UNKNOWN) {
          const mask = m.addressMask(this.atoms.lo(atom));
          const byMask = (this.trafficOfMask[hd] ??= new Map());
          const known = byMask.get(mask);
          t = known ?? this.intern(m.traffic(mask));
          if (known === undefined) byMask.set(mask, t);
          byAtom[atom] = t;
        }
        row[k] = t;
      }
      for (const g of m.referencedGroups()) for (const k of this.keysOfGroup.get(g) ?? []) row[k] = this.sgAnswer(hd, k);
    }
    this.sgRows[hd] = row;
    return row;
  }

  /** What a subnet's NACL lets through in one direction for a peer (within the reply traffic for replies), as a traffic id. */
  private aclId(subnet: string, direction: 'inbound' | 'outbound', peer: bigint, reply: boolean): number {
    const sid = this.subnetIds.id(subnet);
    let ai = this.aclOfSubnet[sid];
    if (ai === undefined) {
      const acl = this.est.aclOf(subnet);
      const known = this.aclIndex.get(acl);
      ai = known ?? this.aclIndex.size;
      if (known === undefined) this.aclIndex.set(acl, ai);
      this.aclOfSubnet[sid] = ai;
    }
    const rowId = (ai * 2 + (direction === 'inbound' ? 1 : 0)) * 2 + (reply ? 1 : 0);
    const row = this.aclTable.row(rowId);
    const atom = this.atoms.of(peer);
    let t = row[atom]!;
    if (t !== UNKNOWN) return t;
    const acl = this.est.aclOf(subnet);
    const within = reply ? this.replyTraffic : TrafficSet.ALL;
    const list = acl ? (direction === 'inbound' ? acl.inbound : acl.outbound) : [];
    if (list.length > 30) t = this.intern(aclTraffic(acl, direction, peer, within));
    else {
      // First match wins among the entries covering the peer: the answer depends on which entries those are.
      let mask = 0;
      for (let n = 0; n < list.length; n++) if (inRange(list[n]!.cidr.range, peer)) mask |= 1 << n;
      const byMask = (this.aclByMask[rowId] ??= new Map());
      const known = byMask.get(mask);
      t = known ?? this.intern(aclTraffic(acl, direction, peer, within));
      if (known === undefined) byMask.set(mask, t);
    }
    row[atom] = t;
    return t;
  }

  private aclCached(subnet: string, direction: 'inbound' | 'outbound', peer: bigint, reply: boolean): TrafficSet {
    return this.traffic[this.aclId(subnet, direction, peer, reply)]!;
  }

  /**
   * What routing sees of a subnet: its route table and VPC and which of its VPC's transit gateway attachments
   * its zone reaches (`route`, all the route halves read); with its NACL, and its own id when a NAT gateway
   * sits in it (a NAT in the source's own subnet crosses no boundary), what whole paths read (`subnet`).
   * Subnets alike in these share answers.
   */
  private subnetRouteKey(subnet: string): { route: string; subnet: string } {
    let k = this.subnetKeys.get(subnet);
    if (k !== undefined) return k;
    if (!this.natSubnets) {
      this.natSubnets = new Set([...this.est.nats.values()].map((n) => n.subnet));
      this.attachmentsOfVpc = new Map();
      for (const x of this.est.attachments.values()) {
        if (x.resourceType !== 'vpc') continue;
        const l = this.attachmentsOfVpc.get(x.resourceId);
        if (l) l.push(x);
        else this.attachmentsOfVpc.set(x.resourceId, [x]);
      }
    }
    const sn = this.est.subnets.get(subnet);
    const az = sn?.availabilityZone;
    const zones = (sn ? this.attachmentsOfVpc!.get(sn.vpc) ?? [] : [])
      .map((x) => `${x.id}:${!x.subnets || x.subnets.some((id) => this.est.subnets.get(id)?.availabilityZone === az) ? 1 : 0}`);
    const route = `${this.est.routeTableOf(subnet)?.id ?? ''}|${sn?.vpc ?? subnet}|${zones.join(',')}|${sn ? '' : subnet}`;
    k = { route, subnet: `${route}|${this.est.aclOf(subnet)?.id ?? ''}|${this.natSubnets.has(subnet) ? subnet : ''}` };
    this.subnetKeys.set(subnet, k);
    return k;
  }

  /** The whole-path route between a class and an outside address (either way), cached by route class. */
  private route(s: Side, d: Side): RouteEntry {
    const k = d.route * 2 + (s.subnet !== -1 && s.subnet === d.subnet ? 1 : 0);
    const row = (this.routes[s.route] ??= new Map());
    let r = row.get(k);
    if (r) return r;
    const dst: Endpoint = d.eni ? { kind: 'eni', eni: d.eni } : { kind: 'external', address: d.address };
    const out: RouteOutcome = withoutExplanations(() => (s.eni ? routeFromEni(this.est, s.eni, dst) : routeFromInternet(this.est, s.address, d.eni!)));
    if (!out.ok) r = FAILED;
    else {
      let forward = TrafficSet.ALL;
      for (const st of out.steps) forward = forward.intersect(st.traffic);
      for (const c of out.crossings) forward = forward.intersect(this.aclCached(c.subnet, c.direction, c.peer, false));
      let replyAllowed = this.replyTraffic;
      for (const c of out.crossings) replyAllowed = replyAllowed.intersect(this.aclCached(c.subnet, c.direction === 'inbound' ? 'outbound' : 'inbound', c.peer, true));
      r = this.entry(forward, this.blocked(replyAllowed));
    }
    row.set(k, r);
    return r;
  }
}
