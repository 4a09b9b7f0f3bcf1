/**
 * The AWS reference evaluator: aws-semantics.md written out literally, one packet at a time, with no index
 * and no set algebra (it scans the inventory for everything). Slow and obviously right; the property tests
 * keep src/engine/cloud equal to it. Addresses carry their family: a packet is IPv4 or IPv6 end to end and a
 * CIDR of one family never matches an address of the other. Between two interfaces the verdict is the best
 * of the IPv4 path (primary private addresses) and, when both have one, the IPv6 path (first IPv6 addresses);
 * an IPv6-only interface (no private IPv4) has no IPv4 path at all.
 */
import type { AwsInventory, NetworkInterface, Route, SecurityGroup, SgRule, TgwAttachment, TgwRoute } from '../../../src/inventory/aws/types.js';
import { parseIp } from '../../../src/model/address.js';
import { icmpValue, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../../../src/model/traffic-set.js';

export type OEnd = { kind: 'eni'; eni: NetworkInterface } | { kind: 'external'; address: bigint };
export interface Packet {
  readonly protocol: number;
  /** Destination port (TCP, UDP), type*256+code (ICMP), unused otherwise. */
  readonly value: number;
}
export type Verdict = 'allowed' | 'responseBlocked' | 'denied';

/** An address and its family. */
interface A { readonly f: 4 | 6; readonly v: bigint }
const addr = (s: string): A => {
  const p = parseIp(s)!;
  return { f: p.family, v: p.value };
};
/** The engine's outside address keys put IPv6 at 2^128 + value (src/engine/cloud/estate.ts); read them back. */
const fromKey = (k: bigint): A => (k >= 1n << 128n ? { f: 6, v: k - (1n << 128n) } : { f: 4, v: k });
const same = (a: A, b: A): boolean => a.f === b.f && a.v === b.v;
const inCidr = (c: { range: { family: number; lo: bigint; hi: bigint } }, a: A): boolean => c.range.family === a.f && c.range.lo <= a.v && a.v <= c.range.hi;
/** The interface's address of a family: its primary private IPv4 (none when IPv6-only), or its first IPv6 address. */
function addrOf(e: NetworkInterface, f: 4 | 6): A | undefined {
  if (f === 4) return e.addresses[0] === undefined ? undefined : addr(e.addresses[0]);
  const first = e.ipv6Addresses?.[0];
  const p = first ? parseIp(first) : undefined;
  return p && p.family === 6 ? { f: 6, v: p.value } : undefined;
}
/** Every address of an interface (private IPv4 and IPv6). */
function addrsOf(e: NetworkInterface): A[] {
  return [...e.addresses, ...(e.ipv6Addresses ?? [])].flatMap((s) => {
    const p = parseIp(s);
    return p ? [{ f: p.family, v: p.value }] : [];
  });
}

/** A packet crossing a subnet boundary: the ACL of `subnet` sees it going `dir`. */
interface Check { subnet: string; dir: 'in' | 'out'; src: A; dst: A }

function aclOf(inv: AwsInventory, subnet: string) {
  const explicit = inv.networkAcls.find((a) => a.subnets.includes(subnet));
  if (explicit) return explicit;
  const s = inv.subnets.find((x) => x.id === subnet);
  return inv.networkAcls.find((a) => a.isDefault && a.vpc === s?.vpc);
}

/** Lowest rule number first; the first entry that matches decides; nothing matching is denied. */
function aclPasses(inv: AwsInventory, c: Check, p: Packet): boolean {
  const acl = aclOf(inv, c.subnet);
  if (!acl) return true;
  const entries = [...(c.dir === 'in' ? acl.inbound : acl.outbound)].sort((x, y) => x.ruleNumber - y.ruleNumber);
  const other = c.dir === 'in' ? c.src : c.dst;
  for (const e of entries) {
    if (inCidr(e.cidr, other) && e.traffic.has(p.protocol, p.value)) return e.action === 'allow';
  }
  return false;
}

function tableOf(inv: AwsInventory, subnet: string) {
  const explicit = inv.routeTables.find((t) => t.subnets.includes(subnet));
  if (explicit) return explicit;
  const s = inv.subnets.find((x) => x.id === subnet);
  return inv.routeTables.find((t) => t.main && t.vpc === s?.vpc);
}

/** Longest prefix; at equal length a static CIDR route, then a static prefix-list route, then a propagated one. */
function pick<R extends Route | TgwRoute>(inv: AwsInventory, routes: readonly R[], a: A): R | undefined {
  const scored: Array<{ r: R; len: number; pref: number; i: number }> = [];
  routes.forEach((r, i) => {
    const lens = r.destination.kind === 'cidr'
      ? [r.destination.cidr].filter((c) => inCidr(c, a)).map((c) => c.prefix)
      : (inv.prefixLists.find((l) => l.id === (r.destination as { id: string }).id)?.entries ?? []).filter((c) => inCidr(c, a)).map((c) => c.prefix);
    if (lens.length === 0) return;
    const pref = r.origin === 'propagated' ? 3 : r.destination.kind === 'prefix-list' ? 2 : 1;
    scored.push({ r, len: Math.max(...lens), pref, i });
  });
  scored.sort((x, y) => y.len - x.len || x.pref - y.pref || x.i - y.i);
  return scored[0]?.r;
}

function routeFor(inv: AwsInventory, subnet: string, a: A): Route | undefined {
  const t = tableOf(inv, subnet);
  return t ? pick(inv, t.routes, a) : undefined;
}

function eniIn(inv: AwsInventory, vpc: string, a: A): NetworkInterface | undefined {
  return inv.interfaces.find((e) => e.vpc === vpc && addrsOf(e).some((x) => same(x, a)));
}

function vpcHas(inv: AwsInventory, vpc: string, a: A): boolean {
  return !!inv.vpcs.find((v) => v.id === vpc)?.cidrs.some((c) => inCidr(c, a));
}

function activePeer(inv: AwsInventory, pcx: string, vpc: string): { other: string; sameRegion: boolean } | undefined {
  const p = inv.peerings.find((x) => x.id === pcx && x.status === 'active');
  if (!p) return undefined;
  const sameRegion = p.requester.region === p.accepter.region;
  if (p.requester.vpc === vpc) return { other: p.accepter.vpc, sameRegion };
  if (p.accepter.vpc === vpc) return { other: p.requester.vpc, sameRegion };
  return undefined;
}

function tgwTableFor(inv: AwsInventory, attachment: string) {
  return inv.tgwRouteTables.find((t) => t.associations.includes(attachment));
}

function vpcAttachment(inv: AwsInventory, tgw: string, vpc: string) {
  return inv.tgwAttachments.find((x) => x.tgw === tgw && x.resourceType === 'vpc' && x.resourceId === vpc && x.state === 'available');
}

function firstAttachment(r: TgwRoute): string | undefined {
  return [...r.attachments].sort()[0];
}

/**
 * Forwarding of the request: the ACL checks on the way and the source address the destination sees. Through
 * a transit gateway, `variants`: one per exit subnet AWS may pick for the request and for the reply, each
 * with its own request and reply checks (the replies do not cross the request's boundaries reversed).
 */
interface Forwarding { ok: boolean; checks: Check[]; seenSrc: A; variants?: Array<{ checks: Check[]; replyChecks: Check[] }> }

function zoneOf(inv: AwsInventory, subnet: string): string | undefined {
  return inv.subnets.find((x) => x.id === subnet)?.availabilityZone;
}

/** The attachment's subnet in a zone (a VPC attachment has at most one per zone). */
function attachmentSubnetIn(inv: AwsInventory, x: TgwAttachment, zone: string | undefined): string | undefined {
  return x.subnets?.find((id) => zoneOf(inv, id) === zone);
}

/**
 * The subnets the TGW may leave into the attachment's VPC by, for traffic that entered it in `zone`: AZ
 * affinity keeps the zone when the attachment has a subnet there and appliance mode is off; otherwise AWS
 * picks one, any of them. [undefined] when the attachment's subnets are not in the snapshot.
 */
function exitChoices(inv: AwsInventory, x: TgwAttachment, zone: string | undefined): Array<string | undefined> {
  if (!x.subnets) return [undefined];
  const here = attachmentSubnetIn(inv, x, zone);
  return here !== undefined && !x.applianceMode ? [here] : [...x.subnets];
}

/**
 * One way through a TGW (tgw-nacls.html): the sender's subnet outbound (destination IP), the entry
 * attachment subnet in the sender's zone inbound (source IP), even when they are the same subnet; then the
 * exit attachment subnet outbound (destination IP) and the receiver's subnet inbound (source IP), neither
 * when the receiver is in the exit subnet. Attachment subnets not in the snapshot: only the two ends' subnets.
 */
function tgwLeg(inv: AwsInventory, from: NetworkInterface, fromA: A, to: NetworkInterface, toA: A, enter: TgwAttachment, exit: string | undefined, exitKnown: boolean): Check[] {
  const checks: Check[] = [{ subnet: from.subnet, dir: 'out', src: fromA, dst: toA }];
  const entry = attachmentSubnetIn(inv, enter, zoneOf(inv, from.subnet));
  if (entry !== undefined) checks.push({ subnet: entry, dir: 'in', src: fromA, dst: toA });
  if (!exitKnown) return [...checks, { subnet: to.subnet, dir: 'in', src: fromA, dst: toA }];
  if (exit === to.subnet) return checks;
  return [...checks, { subnet: exit!, dir: 'out', src: fromA, dst: toA }, { subnet: to.subnet, dir: 'in', src: fromA, dst: toA }];
}

function forward(inv: AwsInventory, src: OEnd, dst: OEnd, p: Packet, f: 4 | 6): Forwarding {
  const none = (checks: Check[] = [], seenSrc: A = { f, v: 0n }): Forwarding => ({ ok: false, checks, seenSrc });
  if (src.kind === 'external') {
    const x = fromKey(src.address);
    // From the internet: to a public IPv4 address, or over IPv6 to the interface's IPv6 address (public by
    // nature), through an IGW of the VPC; replies must route to an IGW (an egress-only gateway lets nothing in).
    if (dst.kind !== 'eni') return none();
    const to = x.f === 6 ? addrOf(dst.eni, 6) : dst.eni.publicIp ? addrOf(dst.eni, 4) : undefined;
    if (!to) return none();
    // The addresses of a service a gateway endpoint route of the estate reaches never open connections.
    const service = inv.routeTables.some((t) => t.routes.some((r) => r.target.kind === 'vpce' && r.destination.kind === 'prefix-list'
      && inv.vpcEndpoints.some((ep) => ep.id === r.target.id && ep.type === 'Gateway' && ep.vpc === t.vpc && (ep.state === undefined || ep.state === 'available'))
      && !!inv.prefixLists.find((l) => l.id === (r.destination as { id: string }).id)?.entries.some((c) => inCidr(c, x))));
    if (service) return none();
    const b = dst.eni;
    if (!inv.internetGateways.some((g) => g.vpcs.includes(b.vpc))) return none();
    const back = routeFor(inv, b.subnet, x);
    if (!back || back.state !== 'active' || back.target.kind !== 'igw') return none();
    if (!inv.internetGateways.some((g) => g.id === back.target.id && g.vpcs.includes(b.vpc))) return none();
    return { ok: true, checks: [{ subnet: b.subnet, dir: 'in', src: x, dst: to }], seenSrc: x };
  }
  const a = src.eni;
  const s0 = addrOf(a, f);
  const d0 = dst.kind === 'eni' ? addrOf(dst.eni, f) : fromKey(dst.address);
  if (!s0 || !d0) return none();
  const s = s0;
  const d = d0;
  const r = routeFor(inv, a.subnet, d);
  if (!r || r.state !== 'active') return none();
  const leave: Check = { subnet: a.subnet, dir: 'out', src: s, dst: d };
  switch (r.target.kind) {
    case 'local': {
      if (dst.kind !== 'eni' || dst.eni.vpc !== a.vpc || eniIn(inv, a.vpc, d) === undefined) return none();
      const back = routeFor(inv, dst.eni.subnet, s);
      if (!back || back.state !== 'active' || back.target.kind !== 'local') return none();
      if (dst.eni.subnet === a.subnet) return { ok: true, checks: [], seenSrc: s };
      return { ok: true, checks: [leave, { subnet: dst.eni.subnet, dir: 'in', src: s, dst: d }], seenSrc: s };
    }
    case 'pcx': {
      const peer = activePeer(inv, r.target.id, a.vpc);
      // Not transitive, no edge-to-edge: the peer delivers only to its own addresses.
      if (!peer || dst.kind !== 'eni' || dst.eni.vpc !== peer.other || !vpcHas(inv, peer.other, d)) return none();
      const back = routeFor(inv, dst.eni.subnet, s);
      if (!back || back.state !== 'active' || back.target.kind !== 'pcx' || back.target.id !== r.target.id) return none();
      return { ok: true, checks: [leave, { subnet: dst.eni.subnet, dir: 'in', src: s, dst: d }], seenSrc: s };
    }
    case 'tgw': {
      const tgw = r.target.id;
      if (!inv.transitGateways.some((t) => t.id === tgw)) return none();
      const xin = vpcAttachment(inv, tgw, a.vpc);
      if (!xin) return none();
      const zone = inv.subnets.find((x) => x.id === a.subnet)?.availabilityZone;
      if (xin.subnets && !xin.subnets.some((id) => inv.subnets.find((x) => x.id === id)?.availabilityZone === zone)) return none();
      const t1 = tgwTableFor(inv, xin.id);
      const hop = t1 ? pick(inv, t1.routes, d) : undefined;
      if (!hop || hop.state !== 'active') return none();
      const xout = inv.tgwAttachments.find((x) => x.id === firstAttachment(hop));
      if (!xout || xout.resourceType !== 'vpc' || xout.state !== 'available') return none();
      if (dst.kind !== 'eni' || dst.eni.vpc !== xout.resourceId || !vpcHas(inv, xout.resourceId, d)) return none();
      const back = routeFor(inv, dst.eni.subnet, s);
      if (!back || back.state !== 'active' || back.target.kind !== 'tgw' || back.target.id !== tgw) return none();
      // The AZ rule again for the replies, which enter the TGW from the destination's zone.
      const bzone = inv.subnets.find((x) => x.id === dst.eni.subnet)?.availabilityZone;
      if (xout.subnets && !xout.subnets.some((id) => inv.subnets.find((x) => x.id === id)?.availabilityZone === bzone)) return none();
      const t2 = tgwTableFor(inv, xout.id);
      const hop2 = t2 ? pick(inv, t2.routes, s) : undefined;
      if (!hop2 || hop2.state !== 'active' || firstAttachment(hop2) !== xin.id) return none();
      const b = dst.eni;
      const variants: Array<{ checks: Check[]; replyChecks: Check[] }> = [];
      for (const out of exitChoices(inv, xout, zone)) {
        for (const back of exitChoices(inv, xin, bzone)) {
          variants.push({ checks: tgwLeg(inv, a, s, b, d, xin, out, !!xout.subnets), replyChecks: tgwLeg(inv, b, d, a, s, xout, back, !!xin.subnets) });
        }
      }
      return { ok: true, checks: variants[0]!.checks, seenSrc: s, variants };
    }
    case 'igw': {
      // IPv4 needs the public address it is translated to; IPv6 goes out as it is.
      if (dst.kind !== 'external' || (f === 4 && !a.publicIp)) return none();
      if (!inv.internetGateways.some((g) => g.id === r.target.id && g.vpcs.includes(a.vpc))) return none();
      return { ok: true, checks: [leave], seenSrc: f === 4 ? addr(a.publicIp!) : s };
    }
    case 'eigw': {
      // Egress-only: IPv6, outbound to the internet, from a VPC it is attached to (replies come back).
      if (f !== 6 || dst.kind !== 'external') return none();
      if (!inv.egressOnlyGateways.some((g) => g.id === r.target.id && g.vpcs.includes(a.vpc))) return none();
      return { ok: true, checks: [leave], seenSrc: s };
    }
    case 'nat': {
      // NAT gateways translate IPv4 only (DNS64/NAT64 is not evaluated: counted as dropped).
      if (f === 6) return none();
      // Outbound only, to the internet through a public NAT in this VPC whose subnet routes to an IGW.
      const n = inv.natGateways.find((x) => x.id === r.target.id);
      if (!n || n.state !== 'available' || n.vpc !== a.vpc || dst.kind !== 'external') return none();
      if (![PROTO_TCP, PROTO_UDP, PROTO_ICMP].includes(p.protocol)) return none();
      if (n.connectivity !== 'public' || !n.publicIp) return none();
      const on = routeFor(inv, n.subnet, d);
      if (!on || on.state !== 'active' || on.target.kind !== 'igw') return none();
      if (!inv.internetGateways.some((g) => g.id === on.target.id && g.vpcs.includes(n.vpc))) return none();
      const natSide: Check = { subnet: n.subnet, dir: 'out', src: { f: 4, v: 0n }, dst: d };
      const checks = n.subnet === a.subnet ? [natSide] : [leave, { subnet: n.subnet, dir: 'in' as const, src: s, dst: d }, natSide];
      return { ok: true, checks, seenSrc: addr(n.publicIp) };
    }
    case 'vpce': {
      // A gateway endpoint (S3, DynamoDB) of this VPC, by its service prefix list: outbound only, to the
      // service's addresses, no NAT and no public address needed; the source keeps its private address.
      const ep = inv.vpcEndpoints.find((x) => x.id === r.target.id);
      if (!ep || ep.type !== 'Gateway' || ep.vpc !== a.vpc || (ep.state !== undefined && ep.state !== 'available')) return none();
      if (r.destination.kind !== 'prefix-list' || dst.kind !== 'external') return none();
      return { ok: true, checks: [leave], seenSrc: s };
    }
    default:
      return none();
  }
}

/**
 * Whether a security group rule's peer is the address (group references: members' private IPs, in the same
 * VPC, a same-Region peered VPC, or for an inbound rule a VPC on a transit gateway where the gateway and both
 * VPCs' attachments enable security group referencing).
 */
function ruleCovers(inv: AwsInventory, holder: SecurityGroup, rule: SgRule, a: A, dir: 'in' | 'out'): boolean {
  const peer = rule.peer;
  if (peer.kind === 'cidr') return inCidr(peer.cidr, a);
  if (peer.kind === 'prefix-list') return !!inv.prefixLists.find((l) => l.id === peer.id)?.entries.some((c) => inCidr(c, a));
  const g = inv.securityGroups.find((x) => x.id === peer.id);
  if (!g) return false;
  const attachedWithReferencing = (tgw: string, vpc: string): boolean => inv.tgwAttachments.some((x) => x.tgw === tgw && x.resourceType === 'vpc' && x.resourceId === vpc && x.state === 'available' && x.securityGroupReferencing === true);
  const related = g.vpc === holder.vpc
    || inv.peerings.some((p) => p.status === 'active' && p.requester.region === p.accepter.region && ((p.requester.vpc === g.vpc && p.accepter.vpc === holder.vpc) || (p.accepter.vpc === g.vpc && p.requester.vpc === holder.vpc)))
    || (dir === 'in' && inv.transitGateways.some((t) => t.securityGroupReferencing && t.state === 'available' && attachedWithReferencing(t.id, g.vpc) && attachedWithReferencing(t.id, holder.vpc)));
  if (!related) return false;
  return inv.interfaces.some((e) => e.securityGroups.includes(g.id) && e.vpc === g.vpc && addrsOf(e).some((x) => same(x, a)));
}

/** Union of the ENI's groups: some rule of some group in this direction covers the packet. */
function sgAllows(inv: AwsInventory, eni: NetworkInterface, dir: 'in' | 'out', other: A, p: Packet): boolean {
  for (const gid of eni.securityGroups) {
    const g = inv.securityGroups.find((x) => x.id === gid);
    if (!g) continue;
    for (const rule of dir === 'in' ? g.ingress : g.egress) if (rule.traffic.has(p.protocol, p.value) && ruleCovers(inv, g, rule, other, dir)) return true;
  }
  return false;
}

/** The reply to a request that needs one through stateless ACLs, for one client port. */
function replyOf(p: Packet, clientPort: number): Packet | undefined {
  if (p.protocol === PROTO_TCP || p.protocol === PROTO_UDP) return { protocol: p.protocol, value: clientPort };
  if (p.protocol === PROTO_ICMP && p.value >> 8 === 8) return { protocol: PROTO_ICMP, value: icmpValue(0, 0) };
  if (p.protocol === PROTO_ICMPV6 && p.value >> 8 === 128) return { protocol: PROTO_ICMPV6, value: icmpValue(129, 0) };
  return undefined;
}

/**
 * The verdict for one packet from `src` to `dst`, replies checked on every client port of `eph`: an outside
 * end's address decides the family; between interfaces, the better of IPv4 and (both dual-stack) IPv6.
 */
export function referenceVerdict(inv: AwsInventory, src: OEnd, dst: OEnd, p: Packet, eph: readonly [number, number] = [1024, 65535]): Verdict {
  if (src.kind === 'external') return familyVerdict(inv, src, dst, p, eph, fromKey(src.address).f);
  if (dst.kind === 'external') return familyVerdict(inv, src, dst, p, eph, fromKey(dst.address).f);
  const v4 = familyVerdict(inv, src, dst, p, eph, 4);
  if (v4 === 'allowed' || !addrOf(src.eni, 6) || !addrOf(dst.eni, 6)) return v4;
  const v6 = familyVerdict(inv, src, dst, p, eph, 6);
  return v6 === 'allowed' || v6 === 'responseBlocked' ? v6 : v4;
}

/** The verdict for one packet of one family. */
export function familyVerdict(inv: AwsInventory, src: OEnd, dst: OEnd, p: Packet, eph: readonly [number, number], fam: 4 | 6): Verdict {
  const f = forward(inv, src, dst, p, fam);
  if (!f.ok) return 'denied';
  if (src.kind === 'eni') {
    const d = dst.kind === 'eni' ? addrOf(dst.eni, fam)! : fromKey(dst.address);
    if (!sgAllows(inv, src.eni, 'out', d, p)) return 'denied';
  }
  if (dst.kind === 'eni' && !sgAllows(inv, dst.eni, 'in', f.seenSrc, p)) return 'denied';
  // Replies cross each boundary the other way, from the destination back to the client port.
  const reversed = (checks: Check[]): Check[] => checks.map((c) => ({ subnet: c.subnet, dir: c.dir === 'in' ? 'out' : 'in', src: c.dst, dst: c.src }));
  // Where AWS's choice of exit subnet is not known, the verdict is the worst over its choices (a lower bound).
  const variants = f.variants ?? [{ checks: f.checks, replyChecks: reversed(f.checks) }];
  if (!variants.every((v) => v.checks.every((c) => aclPasses(inv, c, p)))) return 'denied';
  const ports = p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? range(eph[0], eph[1]) : [0];
  for (const port of ports) {
    const reply = replyOf(p, port);
    if (!reply) break;
    for (const v of variants) for (const c of v.replyChecks) if (!aclPasses(inv, c, reply)) return 'responseBlocked';
  }
  return 'allowed';
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}
