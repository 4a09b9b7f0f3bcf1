/**
 * Reach over endpoint classes: one answer per pair of classes (and per class and outside range), from the
 * same stages as analysePath but cached by what each stage depends on: the route and its NACL crossings by
 * (source subnet and address atom, destination subnet and address atom), the security groups by (group set,
 * the other end's atom and group membership). VPCs that no peering or transit gateway joins are skipped whole.
 * test/aws checks it against analysePath pair by pair.
 */
import type { NetworkInterface, SecurityGroup, SgRule } from '../../inventory/aws/types.js';
import { TrafficSet } from '../../model/traffic-set.js';
import type { Estate } from './estate.js';
import { AddressAtoms, endpointClasses, estateCuts, membershipIndex, type EndpointClass } from './classes.js';
import { aclTraffic } from './network-acls.js';
import { DEFAULT_EPHEMERAL, replyPairs, type PathOptions } from './path.js';
import { routeFromEni, routeFromInternet, withoutExplanations, type Endpoint, type RouteOutcome } from './routing.js';
import { peerMatches, securityGroupTraffic } from './security-groups.js';

export interface PairTraffic {
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
}

/** A class's side of a path: who represents it and the ids its caches are keyed by. */
interface Side {
  readonly eni?: NetworkInterface;
  readonly address: bigint;
  /** Route class: subnet, atom and public address (ENIs) or atom (outside). */
  readonly route: number;
  /** Address key: atom and group membership. */
  readonly addr: number;
  /** Security group set. */
  readonly sgs: number;
  /** VPC index (-1 outside). */
  readonly vpc: number;
  readonly subnet: string;
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

const FAILED: RouteEntry = { ok: false, id: -1, forward: TrafficSet.EMPTY, replyBlocked: TrafficSet.EMPTY };
/** The interned id of all traffic (interned first). */
const ALL_ID = 0;
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

export class ClassReach {
  readonly atoms: AddressAtoms;
  readonly classes: readonly EndpointClass[];
  private readonly sides: Side[] = [];
  private readonly routeIds = new Interner();
  private readonly addrIds = new Interner();
  private readonly sgIds = new Interner();
  private readonly routes: Array<Map<number, RouteEntry>> = [];
  /** Security group answers, interned: (set, direction, other end) -> traffic id. */
  private readonly sg: Array<Map<number, number>> = [];
  /** Traffic sets interned by value, so that a pair's answer is memoised on three small ids. */
  private readonly traffic: TrafficSet[] = [];
  private readonly trafficIds = new Map<string, number>();
  private readonly answers: Array<Map<number, PairTraffic>> = [];
  private readonly entryIds = new Interner();
  private readonly linked = new Map<number, boolean>();
  private readonly vpcIds = new Interner();
  private readonly subnetKeys = new Map<string, string>();
  private readonly sgRules = new Map<number, Array<{ g: SecurityGroup; rule: SgRule }>>();
  private readonly sgByMask: Array<Map<number, number>> = [];
  private readonly pairs: ReturnType<typeof replyPairs>;
  private readonly replyTraffic: TrafficSet;
  private readonly acl = new Map<number, TrafficSet>();
  private readonly subnetIds = new Interner();
  private readonly memberOf: Map<bigint, string>;

  constructor(private readonly est: Estate, enis: readonly NetworkInterface[], private readonly opts: PathOptions = {}) {
    this.atoms = new AddressAtoms(estateCuts(est.inv));
    this.memberOf = membershipIndex(est);
    this.classes = endpointClasses(est, enis, this.atoms, this.memberOf);
    this.pairs = replyPairs(opts.ephemeral ?? DEFAULT_EPHEMERAL);
    this.replyTraffic = this.pairs.reduce((acc, p) => acc.union(p.reply), TrafficSet.EMPTY);
    this.intern(TrafficSet.ALL);
    for (const c of this.classes) this.sides.push(this.sideOf(c.rep));
  }

  private sideOf(eni: NetworkInterface): Side {
    const a = this.est.primary(eni);
    const atom = this.atoms.of(a);
    return {
      eni,
      address: a,
      route: this.routeIds.id(`${this.subnetRouteKey(eni.subnet)}|${atom}|${eni.publicIp ? 'p' : ''}`),
      subnet: eni.subnet,
      addr: this.addrIds.id(`${atom}|${this.memberOf.get(a) ?? ''}`),
      sgs: this.sgIds.id(eni.securityGroups.join(',')),
      vpc: this.vpcIds.id(eni.vpc),
    };
  }

  /** An outside address as one end of a path. */
  externalSide(address: bigint): Side {
    const atom = this.atoms.of(address);
    return { address, route: this.routeIds.id(`x|${atom}`), addr: this.addrIds.id(`${atom}|`), sgs: -1, vpc: -1, subnet: '' };
  }

  /** The traffic between two classes (the same class: two of its members; undefined when it has one). */
  classPair(i: number, j: number): PairTraffic | undefined {
    const ci = this.classes[i]!;
    let dst = this.sides[j]!;
    if (i === j) {
      if (ci.members.length < 2) return undefined;
      dst = this.sideOf(ci.members[1]!);
    }
    return this.between(this.sides[i]!, dst);
  }

  /** Class `i` to an outside address, and back. */
  withExternal(i: number, x: Side): { out: PairTraffic; in: PairTraffic } {
    const s = this.sides[i]!;
    return { out: this.between(s, x), in: this.between(x, s) };
  }

  private vpcsLinked(ai: number, bi: number, a: string, b: string): boolean {
    if (ai === bi) return true;
    const k = ai * 1048576 + bi;
    let v = this.linked.get(k);
    if (v === undefined) {
      v = false;
      for (const p of this.est.peerings.values()) if (this.est.peerOf(p, a) === b) v = true;
      if (!v) {
        const tgwOf = (vpc: string): Set<string> => new Set([...this.est.attachments.values()].filter((x) => x.resourceType === 'vpc' && x.resourceId === vpc).map((x) => x.tgw));
        const ta = tgwOf(a);
        for (const t of tgwOf(b)) if (ta.has(t)) v = true;
      }
      this.linked.set(k, v);
    }
    return v;
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

  private between(s: Side, d: Side): PairTraffic {
    if (s.eni && d.eni && !this.vpcsLinked(s.vpc, d.vpc, s.eni.vpc, d.eni.vpc)) return NOTHING;
    const r = this.route(s, d);
    if (!r.ok) return NOTHING;
    // Every path to an ENI delivers the source's own address except from the internet, where it is the outside one.
    const e = s.eni ? this.sgTraffic(s, 'egress', d) : ALL_ID;
    const i = d.eni ? this.sgTraffic(d, 'ingress', s) : ALL_ID;
    // Small integer keys (route entry, then the two traffic ids): exact, and cheap to hash.
    const row = (this.answers[r.id] ??= new Map());
    const k = e * 65536 + i;
    let a = e < 32768 && i < 65536 ? row.get(k) : undefined;
    if (a) return a;
    let request = r.forward.intersect(this.traffic[e]!).intersect(this.traffic[i]!);
    if (request.isEmpty()) a = NOTHING;
    else {
      const responseBlocked = request.intersect(r.replyBlocked);
      if (!responseBlocked.isEmpty()) request = request.subtract(responseBlocked);
      a = { conns: request, responseBlocked };
    }
    if (e < 32768 && i < 65536) row.set(k, a);
    return a;
  }

  private sgTraffic(holder: Side, direction: 'ingress' | 'egress', other: Side): number {
    const hd = holder.sgs * 2 + (direction === 'ingress' ? 1 : 0);
    const row = (this.sg[hd] ??= new Map());
    let t = row.get(other.addr);
    if (t !== undefined) return t;
    // The answer depends only on which rules match: memoised on that (most addresses match the same few).
    let rules = this.sgRules.get(hd);
    if (!rules) {
      rules = [];
      for (const gid of holder.eni!.securityGroups) {
        const g = this.est.groups.get(gid);
        if (g) for (const rule of direction === 'ingress' ? g.ingress : g.egress) rules.push({ g, rule });
      }
      this.sgRules.set(hd, rules);
    }
    if (rules.length <= 30) {
      let mask = 0;
      for (let n = 0; n < rules.length; n++) if (peerMatches(this.est, rules[n]!.g, rules[n]!.rule, other.address)) mask |= 1 << n;
      const masks = (this.sgByMask[hd] ??= new Map());
      t = masks.get(mask);
      if (t === undefined) {
        let traffic = TrafficSet.EMPTY;
        for (let n = 0; n < rules.length; n++) if (mask & (1 << n)) traffic = traffic.union(rules[n]!.rule.traffic);
        masks.set(mask, (t = this.intern(traffic)));
      }
    } else {
      t = this.intern(securityGroupTraffic(this.est, holder.eni!.securityGroups, direction, other.address));
    }
    row.set(other.addr, t);
    return t;
  }

  private aclCached(subnet: string, direction: 'inbound' | 'outbound', peer: bigint, reply: boolean): TrafficSet {
    const k = ((this.subnetIds.id(subnet) * 2 + (direction === 'inbound' ? 1 : 0)) * 2 + (reply ? 1 : 0)) * 4194304 + this.atoms.of(peer);
    let t = this.acl.get(k);
    if (!t) this.acl.set(k, (t = aclTraffic(this.est.aclOf(subnet), direction, peer, reply ? this.replyTraffic : TrafficSet.ALL)));
    return t;
  }

  /**
   * What routing sees of a subnet: its route table, NACL and VPC, which of its VPC's transit gateway
   * attachments its zone reaches, and its own id only when a NAT gateway sits in it (a NAT in the source's
   * own subnet crosses no boundary). Subnets alike in these share route answers.
   */
  private subnetRouteKey(subnet: string): string {
    let k = this.subnetKeys.get(subnet);
    if (k !== undefined) return k;
    const sn = this.est.subnets.get(subnet);
    const az = sn?.availabilityZone;
    const zones = [...this.est.attachments.values()]
      .filter((x) => sn && x.resourceType === 'vpc' && x.resourceId === sn.vpc)
      .map((x) => `${x.id}:${!x.subnets || x.subnets.some((id) => this.est.subnets.get(id)?.availabilityZone === az) ? 1 : 0}`);
    const hostsNat = [...this.est.nats.values()].some((n) => n.subnet === subnet);
    k = `${this.est.routeTableOf(subnet)?.id ?? ''}|${this.est.aclOf(subnet)?.id ?? ''}|${sn?.vpc ?? subnet}|${zones.join(',')}|${hostsNat || !sn ? subnet : ''}`;
    this.subnetKeys.set(subnet, k);
    return k;
  }

  private route(s: Side, d: Side): RouteEntry {
    // Within one subnet no NACL applies: the same route classes in one subnet or two answer differently.
    const k = d.route * 2 + (s.subnet !== '' && s.subnet === d.subnet ? 1 : 0);
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
      let replyBlocked = TrafficSet.EMPTY;
      for (const p of this.pairs) if (!p.reply.isSubsetOf(replyAllowed)) replyBlocked = replyBlocked.union(p.request);
      r = { ok: true, id: this.entryIds.id(`${this.intern(forward)},${this.intern(replyBlocked)}`), forward, replyBlocked };
    }
    row.set(k, r);
    return r;
  }
}
