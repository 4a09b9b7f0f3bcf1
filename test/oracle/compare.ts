/**
 * Helpers to compare the engine with the reference evaluator on generated clusters: the port sample,
 * the addresses worth probing, and a canonical text for "what is allowed" that assertion diffs show well.
 */
import type { Inventory } from '../../src/inventory/types.js';
import { familyMax, parseCidr, parseIp, type Family } from '../../src/model/address.js';
import { PortSet, type Protocol } from '../../src/model/port-set.js';
import { CHECKED_PORTS, CHECKED_PROTOCOLS, PORT_WINDOW } from './generate.js';
import type { Address } from './reference.js';

/** "TCP 1,2,100 | UDP 65535": the checked (protocol, port) pairs for which `has` holds; "" when none. */
export function sampled(has: (protocol: Protocol, port: number) => boolean): string {
  const parts: string[] = [];
  for (const proto of CHECKED_PROTOCOLS) {
    const ports = CHECKED_PORTS.filter((p) => has(proto, p));
    if (ports.length) parts.push(`${proto} ${ports.join(',')}`);
  }
  return parts.join(' | ');
}

/** The union of several sampled answers, as `sampled` would print it. */
export function sampledUnion(hasList: ReadonlyArray<(protocol: Protocol, port: number) => boolean>): string {
  return sampled((proto, port) => hasList.some((h) => h(proto, port)));
}

/**
 * No generated rule mentions a port above PORT_WINDOW, so a correct answer treats all of them alike;
 * checking that the engine does lets the sampled ports stand for all 65535. Returns a complaint or undefined.
 */
export function tailProblem(ps: PortSet): string | undefined {
  for (const proto of CHECKED_PROTOCOLS) {
    const tail = PortSet.of(proto, PORT_WINDOW + 1, 65535);
    const got = ps.intersect(tail);
    if (!got.isEmpty() && !got.equals(tail)) return `${proto} ports above ${PORT_WINDOW} are not uniform: ${got.toString()}`;
  }
  return undefined;
}

/** Families the external address space must cover: IPv4 always, IPv6 when a policy or pod mentions one. */
export function expectedFamilies(inv: Inventory): Family[] {
  const v6 =
    inv.policies.some((p) => [...p.ingress, ...p.egress].some((r) => (r.peers ?? []).some((peer) => peer.type === 'ipBlock' && peer.cidrText.includes(':')))) ||
    inv.pods.some((p) => p.ips.some((ip) => ip.includes(':'))) ||
    adminCidrs(inv).some((c) => c.includes(':')) ||
    (inv.nodes ?? []).some((n) => n.addresses.some((ip) => ip.includes(':')));
  return v6 ? [4, 6] : [4];
}

/** The CIDRs of the admin tiers' `networks` peers. */
function adminCidrs(inv: Inventory): string[] {
  return (inv.adminPolicies ?? []).flatMap((p) => [...p.ingress, ...p.egress].flatMap((r) => r.peers.flatMap((peer) => (peer.type === 'networks' ? [...peer.cidrTexts] : []))));
}

/** Addresses at, inside and just outside every ipBlock cidr and except (and admin `networks` CIDR), every pod and node IP and its neighbours, and each family's ends. */
export function probeAddresses(inv: Inventory): Address[] {
  const seen = new Map<string, Address>();
  const add = (family: Family, v: bigint): void => {
    if (v < 0n || v > familyMax(family)) return;
    seen.set(`${family}:${v}`, { family, value: v });
  };
  for (const f of expectedFamilies(inv)) {
    add(f, 0n);
    add(f, familyMax(f));
  }
  for (const p of inv.policies) {
    for (const r of [...p.ingress, ...p.egress]) {
      for (const peer of r.peers ?? []) {
        if (peer.type !== 'ipBlock') continue;
        for (const text of [peer.cidrText, ...peer.exceptText]) {
          const c = parseCidr(text);
          if (!c) continue;
          const { family, lo, hi } = c.range;
          for (const v of [lo - 1n, lo, lo + 1n, (lo + hi) / 2n, hi - 1n, hi, hi + 1n]) add(family, v);
        }
      }
    }
  }
  for (const text of adminCidrs(inv)) {
    const c = parseCidr(text);
    if (!c) continue;
    const { family, lo, hi } = c.range;
    for (const v of [lo - 1n, lo, lo + 1n, hi - 1n, hi, hi + 1n]) add(family, v);
  }
  for (const ip of [...inv.pods.flatMap((p) => p.ips), ...(inv.nodes ?? []).flatMap((n) => n.addresses)]) {
    const a = parseIp(ip);
    if (a) for (const v of [a.value - 1n, a.value, a.value + 1n]) add(a.family, v);
  }
  return [...seen.values()].sort((x, y) => x.family - y.family || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
}
