/**
 * Endpoint classes: network interfaces that every stage of every path treats alike share a class, so reach
 * evaluates one representative pair per pair of classes. Two ENIs are alike when they have the same subnet
 * (NACL, route table, zone, VPC), the same security groups, a public address or not, the same membership in
 * groups that rules reference, and primary addresses that no CIDR of the estate tells apart (the same atom
 * of the address space cut at every rule, entry, route, prefix-list and VPC block).
 */
import type { AwsInventory, NetworkInterface } from '../../inventory/aws/types.js';
import { atomize, type IpRange } from '../../model/address.js';
import { addressKey, type Estate } from './estate.js';

export interface EndpointClass {
  readonly index: number;
  readonly members: readonly NetworkInterface[];
  /** The first member (by endpoint id order of the input list). */
  readonly rep: NetworkInterface;
  /** Its IPv4 address atom (-1: IPv6-only): ENIs of one class and the ACLs and routes they meet do not tell its addresses apart. */
  readonly atom: number;
  /** The atom of its first IPv6 address, when its members have one. */
  readonly atom6?: number;
}

/** Every CIDR a path decision looks at (rules, entries, routes, prefix lists, VPC blocks; not subnet blocks), both families. */
export function estateCuts(inv: AwsInventory): IpRange[] {
  const cuts: IpRange[] = [];
  for (const g of inv.securityGroups) for (const r of [...g.ingress, ...g.egress]) if (r.peer.kind === 'cidr') cuts.push(r.peer.cidr.range);
  for (const a of inv.networkAcls) for (const e of [...a.inbound, ...a.outbound]) cuts.push(e.cidr.range);
  for (const t of inv.routeTables) for (const r of t.routes) if (r.destination.kind === 'cidr') cuts.push(r.destination.cidr.range);
  for (const t of inv.tgwRouteTables) for (const r of t.routes) if (r.destination.kind === 'cidr') cuts.push(r.destination.cidr.range);
  for (const l of inv.prefixLists) cuts.push(...l.entries.map((c) => c.range));
  for (const v of inv.vpcs) cuts.push(...v.cidrs.map((c) => c.range));
  return cuts;
}

/** True when the estate has anything IPv6: a block, a rule, an entry, a route, or an interface's address. */
export function estateHasIpv6(inv: AwsInventory, cuts: readonly IpRange[] = estateCuts(inv)): boolean {
  return cuts.some((r) => r.family === 6) || inv.interfaces.some((e) => (e.ipv6Addresses?.length ?? 0) > 0);
}

/**
 * The address space cut at every CIDR of the estate, and a lookup from an address key to its atom: the IPv4
 * atoms, then (when the estate has IPv6) the IPv6 ones, in key order.
 */
export class AddressAtoms {
  readonly atoms: readonly IpRange[];
  private readonly los: readonly bigint[];

  constructor(cuts: readonly IpRange[], ipv6 = cuts.some((r) => r.family === 6)) {
    this.atoms = ipv6 ? [...atomize(4, cuts), ...atomize(6, cuts)] : atomize(4, cuts);
    this.los = this.atoms.map((a) => addressKey(a.family, a.lo));
  }

  /** The key of an atom's lowest address (an address every setting treats as the whole atom). */
  lo(atom: number): bigint {
    return this.los[atom]!;
  }

  /** The index of the atom holding an address. */
  of(address: bigint): number {
    let lo = 0;
    let hi = this.los.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.los[mid]! <= address) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** For each address, the groups whose member set holds it (what a group reference sees of it), sorted and joined. */
export function membershipIndex(est: Estate): Map<bigint, string> {
  const memberOf = new Map<bigint, string[]>();
  for (const [g, addrs] of est.members) {
    for (const a of addrs) {
      const l = memberOf.get(a);
      if (l) l.push(g);
      else memberOf.set(a, [g]);
    }
  }
  return new Map([...memberOf].map(([a, gs]) => [a, gs.sort().join(',')]));
}

/** Groups the ENIs (in the given order) into classes. */
export function endpointClasses(est: Estate, enis: readonly NetworkInterface[], atoms: AddressAtoms, memberOf: Map<bigint, string> = membershipIndex(est)): EndpointClass[] {
  const byKey = new Map<string, { members: NetworkInterface[]; atom: number; atom6?: number }>();
  for (const e of enis) {
    const a = est.primary(e);
    // An IPv6-only interface (no private IPv4) has no IPv4 atom.
    const atom = a < 0n ? -1 : atoms.of(a);
    const groups = a < 0n ? '' : memberOf.get(a) ?? '';
    const a6 = est.primary6(e);
    const atom6 = a6 === undefined ? undefined : atoms.of(a6);
    const key = `${e.subnet}|${e.vpc}|${e.securityGroups.join(',')}|${e.publicIp ? 'p' : ''}|${atom}|${groups}${a6 === undefined ? '' : `|${atom6}|${memberOf.get(a6) ?? ''}`}`;
    const c = byKey.get(key);
    if (c) c.members.push(e);
    else byKey.set(key, { members: [e], atom, ...(atom6 === undefined ? {} : { atom6 }) });
  }
  return [...byKey.values()].map((c, index) => ({ index, members: c.members, rep: c.members[0]!, atom: c.atom, ...(c.atom6 === undefined ? {} : { atom6: c.atom6 }) }));
}
