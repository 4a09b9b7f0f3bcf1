/**
 * The AWS lab's nftables rules, compiled from the snapshot's objects themselves (never from the engine's
 * answer), so the kernel is a second semantics:
 *  - security groups in each interface's namespace: stateful (`ct state established,related accept`), the
 *    union of the interface's groups' allows, then a reject; a referenced group means the private addresses
 *    of its member interfaces, in its own VPC, and only from the same VPC or one peered in the same Region;
 *  - network ACLs in the VPC router, on each subnet's link: stateless (replies are checked like requests),
 *    entries in rule-number order, the first that matches decides, the rest is dropped; traffic within a
 *    subnet never crosses them.
 * Both families: IPv4 rules match `ip`, IPv6 rules `ip6` (a rule of one family never admits the other);
 * neighbour discovery passes every group (AWS answers it in the VPC, no group filters it).
 */
import { peeredInOneRegion, referencingGateways, sharesReferencingGateway } from '../engine/cloud/group-references.js';
import type { AwsInventory, NaclEntry, NetworkAcl, NetworkInterface, SgPeer } from '../inventory/aws/types.js';
import { parseIp, type Family, type IpRange } from '../model/address.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TrafficSet } from '../model/traffic-set.js';
import { nftSet } from './nft-network-policy.js';

/** The nft matches for a traffic set, one per protocol part ('' = every packet); none when it holds nothing. */
export function trafficMatches(t: TrafficSet, family: Family = 4): string[] {
  if (t.equals(TrafficSet.ALL)) return [''];
  const out: string[] = [];
  for (const [n, name] of [[PROTO_TCP, 'tcp'], [PROTO_UDP, 'udp']] as const) {
    const ranges = t.portsOf(n).ranges();
    if (ranges.length === 0) continue;
    if (ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === 65535) out.push(`meta l4proto ${name}`);
    else out.push(`meta l4proto ${name} th dport { ${ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', ')} }`);
  }
  // ICMP by type is left whole: the lab probes TCP and UDP only, and ICMP carries just their errors (a
  // denial seen sooner or later, never a different verdict).
  if (!t.intersect(TrafficSet.icmp(family === 6, -1, -1)).isEmpty()) out.push(family === 6 ? 'meta l4proto ipv6-icmp' : 'meta l4proto icmp');
  const others: number[] = [];
  for (let p = 0; p < 256; p++) if (p !== PROTO_TCP && p !== PROTO_UDP && p !== PROTO_ICMP && p !== PROTO_ICMPV6 && t.has(p)) others.push(p);
  if (others.length) out.push(`meta l4proto { ${others.join(', ')} }`);
  return out;
}

function single(s: string): IpRange | undefined {
  const p = parseIp(s);
  return p ? { family: p.family, lo: p.value, hi: p.value } : undefined;
}

/** What a security group rule's peer means as address ranges (both families), seen from the group holding the rule. */
export function sgPeerRanges(inv: AwsInventory, holderVpc: string, peer: SgPeer, direction: 'ingress' | 'egress', referencing = referencingGateways(inv)): IpRange[] {
  if (peer.kind === 'cidr') return [peer.cidr.range];
  if (peer.kind === 'prefix-list') return (inv.prefixLists.find((l) => l.id === peer.id)?.entries ?? []).map((c) => c.range);
  const g = inv.securityGroups.find((x) => x.id === peer.id);
  if (!g) return [];
  if (g.vpc !== holderVpc && !peeredInOneRegion(inv, holderVpc, g.vpc) && !(direction === 'ingress' && sharesReferencingGateway(referencing, holderVpc, g.vpc))) return [];
  // A reference means the members' private IPv4 addresses and their IPv6 addresses, as the engine has it.
  return inv.interfaces.filter((e) => e.vpc === g.vpc && e.securityGroups.includes(g.id)).flatMap((e) => [...e.addresses, ...(e.ipv6Addresses ?? [])].map(single).filter((r): r is IpRange => r !== undefined));
}

function comment(s: string): string {
  return ` comment "${s.replace(/["\\]/g, '').slice(0, 120)}"`;
}

/** Neighbour discovery: the lab's links need it for IPv6 at all; in AWS the VPC answers it and no group sees it. */
const ND = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept';

/** The interface's security groups as the ruleset of its namespace. */
export function securityGroupRuleset(inv: AwsInventory, eni: NetworkInterface): string {
  const chains: Record<'ingress' | 'egress', string[]> = { ingress: [], egress: [] };
  const referencing = referencingGateways(inv);
  for (const gid of eni.securityGroups) {
    const g = inv.securityGroups.find((x) => x.id === gid);
    if (!g) continue;
    for (const direction of ['ingress', 'egress'] as const) {
      g[direction].forEach((rule, i) => {
        const ranges = sgPeerRanges(inv, g.vpc, rule.peer, direction, referencing);
        for (const family of [4, 6] as const) {
          if (!ranges.some((r) => r.family === family)) continue;
          const addr = `${family === 4 ? 'ip' : 'ip6'} ${direction === 'ingress' ? 'saddr' : 'daddr'} ${nftSet(ranges, family)}`;
          for (const m of trafficMatches(rule.traffic, family)) chains[direction].push(`${[addr, m].filter(Boolean).join(' ')} accept${comment(`${g.id} ${direction} #${i}`)}`);
        }
      });
    }
  }
  const chain = (name: string, hook: string, dev: string, rules: string[]): string =>
    `  chain ${name} {\n${[`type filter hook ${hook} priority 0; policy accept;`, `${dev} "lo" accept`, 'ct state established,related accept', ND, ...rules, 'reject with icmpx type admin-prohibited'].map((r) => `    ${r}\n`).join('')}  }`;
  return `table inet sg {\n${chain('ingress', 'input', 'iif', chains.ingress)}\n${chain('egress', 'output', 'oif', chains.egress)}\n}\n`;
}

function aclChain(name: string, entries: readonly NaclEntry[], direction: 'inbound' | 'outbound'): string {
  const rules: string[] = [];
  for (const e of entries) {
    const family = e.cidr.range.family;
    const addr = `${family === 4 ? 'ip' : 'ip6'} ${direction === 'inbound' ? 'saddr' : 'daddr'} ${nftSet([e.cidr.range], family)}`;
    // Allowed: back to the base chain, which checks the other subnet's ACL; denied: dropped here.
    for (const m of trafficMatches(e.traffic, family)) rules.push(`${[addr, m].filter(Boolean).join(' ')} ${e.action === 'allow' ? 'return' : 'drop'}${comment(`#${e.ruleNumber}`)}`);
  }
  rules.push(`drop${comment('* (no entry matches)')}`);
  return `  chain ${name} {\n${rules.map((r) => `    ${r}\n`).join('')}  }`;
}

/** The VPC router's ACL ruleset: per subnet link (its interface name), the subnet's ACL both ways. */
export function aclRuleset(subnets: ReadonlyArray<{ readonly link: string; readonly acl?: NetworkAcl }>): string {
  const chains: string[] = [];
  const base: string[] = ['type filter hook forward priority 0; policy accept;'];
  for (const s of subnets) base.push(`iifname "${s.link}" oifname "${s.link}" accept`);
  for (const s of subnets) {
    if (!s.acl) continue;
    chains.push(aclChain(`out_${s.link}`, s.acl.outbound, 'outbound'), aclChain(`in_${s.link}`, s.acl.inbound, 'inbound'));
    base.push(`iifname "${s.link}" jump out_${s.link}`, `oifname "${s.link}" jump in_${s.link}`);
  }
  // inet: one table for both families; an entry's `ip`/`ip6` match keeps it to its own.
  return `table inet nacl {\n${[...chains, `  chain forward {\n${base.map((r) => `    ${r}\n`).join('')}  }`].join('\n')}\n}\n`;
}

/** IPv6 through a gateway: from the VPC's IPv6 blocks out; in, only replies (egress-only) or anything to those blocks. */
function gateway6(name: string, blocks6: readonly IpRange[], inbound: boolean): string {
  const set = blocks6.length ? nftSet(blocks6, 6) : '';
  const rules = set ? [...(inbound ? [] : ['ct state established,related accept']), `iifname "vpc" ip6 saddr ${set} accept`, ...(inbound ? [`iifname "inet" ip6 daddr ${set} accept`] : [])] : [];
  return `table ip6 ${name} {\n  chain forward {\n    type filter hook forward priority 0; policy drop;\n${rules.map((r) => `    ${r}\n`).join('')}  }\n}\n`;
}

/** An egress-only internet gateway: IPv6 out from the VPC's blocks and the replies back; the internet opens nothing. */
export function eigwRuleset(blocks6: readonly IpRange[]): string {
  return gateway6('eigw', blocks6, false);
}

/**
 * An internet gateway: 1:1 NAT between each public address and its private one, and forwarding only for
 * those (an interface without a public address gets nothing through); IPv6 untranslated, both ways, for the
 * VPC's IPv6 blocks.
 */
export function igwRuleset(pairs: ReadonlyArray<{ readonly priv: string; readonly pub: string }>, blocks6: readonly IpRange[] = []): string {
  const v6 = gateway6('igw6', blocks6, true);
  if (pairs.length === 0) return `table ip igw {\n  chain forward {\n    type filter hook forward priority 0; policy drop;\n  }\n}\n${v6}`;
  const map = (xs: Array<[string, string]>): string => `{ ${xs.map(([a, b]) => `${a} : ${b}`).join(', ')} }`;
  const privs = nftSet(pairs.map((p) => single(p.priv)!));
  return `table ip igw {
  chain pre {
    type nat hook prerouting priority -100; policy accept;
    iifname "inet" dnat to ip daddr map ${map(pairs.map((p) => [p.pub, p.priv]))}
  }
  chain post {
    type nat hook postrouting priority 100; policy accept;
    oifname "inet" snat to ip saddr map ${map(pairs.map((p) => [p.priv, p.pub]))}
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    iifname "inet" ip daddr ${privs} accept
    iifname "vpc" ip saddr ${privs} accept
  }
}
${v6}`;
}

/** A NAT gateway: masquerades what it forwards toward outside the VPCs (TCP, UDP and ICMP); nothing comes in unasked. */
export function natRuleset(self: string, vpcBlocks: readonly IpRange[]): string {
  const blocks = vpcBlocks.filter((r) => r.family === 4);
  return `table ip natgw {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
${blocks.length ? `    ip daddr ${nftSet(blocks)} drop\n` : ''}    meta l4proto { tcp, udp, icmp } accept
  }
  chain post {
    type nat hook postrouting priority 100; policy accept;
    oifname "eth0" ip saddr != ${self} masquerade
  }
}
`;
}
