/**
 * The AWS lab: real packets through an emulated VPC estate, so the kernel, not the model, decides.
 *  - one namespace per network interface (its primary private address on the subnet, the interface's
 *    security groups as its nftables rules), one per subnet holding a bridge, one router per VPC with a link
 *    per subnet; the subnet's route table is the router's table for packets from that link (`ip rule iif`),
 *    the subnet's network ACL is a stateless chain on that link;
 *  - local routes deliver to the VPC's subnets, blackhole routes are blackhole routes, a route to a target
 *    that is missing or elsewhere is `prohibit`;
 *  - an active peering is a link between the two routers; what arrives over it (or from an internet
 *    gateway) is delivered only to the VPC's own subnets;
 *  - an internet gateway is a namespace between the router and an "internet" namespace holding the outside
 *    hosts; it translates public to private addresses 1:1 and forwards only for interfaces that have one;
 *  - a NAT gateway is a host on its subnet's bridge at its private address that masquerades outbound only;
 *  - a transit gateway is a router with a link to each attached VPC's router; what arrives over an attachment
 *    is routed by the TGW route table associated with it (longest prefix, static before propagated,
 *    blackholes), and a subnet's route to the TGW holds only when the attachment has a subnet in its zone;
 *  - dual-stack: an interface with an IPv6 address has it on the subnet's IPv6 block; each route table, ACL
 *    and group has its IPv6 routes, entries and rules beside the IPv4 ones; an internet gateway carries IPv6
 *    untranslated both ways, an egress-only gateway out and the replies back. A check is probed in every
 *    family the model evaluates it in (both for two dual-stack interfaces), each compared with the model's
 *    verdict for that family.
 * Endpoints, virtual private gateways, NAT64, routes to interfaces, transit gateway attachment subnets (their
 * ACLs, an interface inside one) and what the model leaves unevaluated on a transit gateway (group references
 * across it) are not emulated: the checks whose path meets one are skipped with the reason. Nothing has a route out; everything is removed on exit.
 */
import type { AwsAnalysis } from '../analyses/aws/reach.js';
import { existsSync } from 'node:fs';
import { awsEndpointOf, awsPathOf, checkFamilies, isAwsCheck } from '../analyses/test/aws.js';
import type { Check, Observation, Runner, Verdict } from '../analyses/test/types.js';
import type { NatGateway, NetworkInterface, Route, Subnet, TgwAttachment, TgwRoute } from '../inventory/aws/types.js';
import { formatIp, parseCidr, type Family, type IpRange } from '../model/address.js';
import type { Protocol } from '../model/port-set.js';
import { bestRoute, type Endpoint } from '../engine/cloud/routing.js';
import type { PathAnswer } from '../engine/cloud/path.js';
import { formatKey, keyFamily } from '../engine/cloud/estate.js';
import { aclTraffic } from '../engine/cloud/network-acls.js';
import { TrafficSet } from '../model/traffic-set.js';
import { Lab, type Probe, type Wiring } from './lab.js';
import { aclRuleset, eigwRuleset, igwRuleset, natRuleset, securityGroupRuleset } from './aws-nft.js';
import { observation } from './runner.js';
import { run } from './system.js';
import { bounded } from './lab.js';

export interface AwsLabOptions {
  readonly timeoutMs?: number;
  readonly maxProbes?: number;
  readonly concurrency?: number;
  readonly onPhase?: (phase: string, ms: number) => void;
}

/** Route targets the lab emulates; the others make a check skipped. */
const EMULATED = new Set(['local', 'pcx', 'igw', 'eigw', 'nat', 'tgw']);
/** The gateway address every lab host and subnet link uses (link-local: no interface of a VPC holds it). */
const GW = '169.254.0.1';
/**
 * IPv6 needs no allocated links: every lab link's near side is fe80::1 and its far side fe80::2 (the subnet
 * links and the outside hosts' links: the gateway fe80::1), link-local, so no VPC or outside address collides.
 */
const GW6 = 'fe80::1';
const FAR6 = 'fe80::2';
/** The first client port: the low end of the ephemeral range the model assumes, where ACLs most often fall short. */
const FIRST_SPORT = 1024;

function cidrText(r: IpRange, prefix: number): string {
  return `${formatIp(r.family, r.lo)}/${prefix}`;
}

/** A route's destinations of a family with their prefix lengths (a prefix list's entries); VPC and TGW routes alike. */
function destinations(aws: AwsAnalysis, r: Route | TgwRoute, family: Family): Array<{ text: string; prefix: number }> {
  if (r.destination.kind === 'cidr') return r.destination.cidr.range.family === family ? [{ text: cidrText(r.destination.cidr.range, r.destination.cidr.prefix), prefix: r.destination.cidr.prefix }] : [];
  return (aws.estate.prefixLists.get(r.destination.id)?.entries ?? []).filter((c) => c.range.family === family).map((c) => ({ text: cidrText(c.range, c.prefix), prefix: c.prefix }));
}

/** The path answer of one family of a check (a dual-stack pair's answer holds the IPv6 one beside). */
function familyAnswer(aws: AwsAnalysis, c: Check, family: Family): PathAnswer {
  const ans = awsPathOf(aws, c);
  return family === 6 && ans.ipv6 ? ans.ipv6 : ans;
}

/** Why the lab cannot try a check, or undefined when it can (every family the check takes is emulated). */
export function awsLabSkip(aws: AwsAnalysis, c: Check): string | undefined {
  if (c.protocol === 'SCTP') return 'SCTP is not probed: Node has no SCTP sockets and this kernel may lack the module';
  const est = aws.estate;
  const ends = [awsEndpointOf(aws, c.from), awsEndpointOf(aws, c.to)];
  const families = checkFamilies(aws, c);
  if (families.includes(6) && !ipv6Available()) return 'IPv6 is disabled in this kernel: the lab cannot probe the IPv6 path';
  for (const e of ends) {
    if (e.kind !== 'eni') continue;
    if (!est.subnets.has(e.eni.subnet) || !est.vpcs.has(e.eni.vpc)) return `${e.eni.id}'s subnet or VPC is not in the snapshot`;
    const sub = est.subnets.get(e.eni.subnet)!;
    for (const f of families) {
      const block = f === 4 ? sub.cidr : sub.ipv6Cidr;
      if (block?.range.family !== f || est.addressOf(e.eni, f) === undefined) return `${e.eni.id} has no IPv${f} address in a subnet with an IPv${f} block`;
    }
  }
  const [s, d] = ends as [typeof ends[0], typeof ends[0]];
  const service = s.kind === 'external' ? est.serviceAt(s.address) : undefined;
  if (service) return `${formatKey((s as { address: bigint }).address)} is an address of ${service} (a gateway endpoint's prefix list), which the lab's internet does not stand for`;
  for (const f of families) {
    const why = familySkip(aws, c, s, d, f);
    if (why) return families.length > 1 ? `over IPv${f}: ${why}` : why;
  }
  return undefined;
}

function familySkip(aws: AwsAnalysis, c: Check, s: Endpoint, d: Endpoint, f: Family): string | undefined {
  const est = aws.estate;
  const ans = familyAnswer(aws, c, f);
  const unmodelled = ans.assumptions.find((a) => a.startsWith('not evaluated on this path'));
  if (unmodelled) return `the model does not evaluate this path (${unmodelled.replace(/^not evaluated on this path: /, '')})`;
  // The lab's transit gateway links carry no attachment subnet: their NACLs are not emulated, nor that an
  // interface in the exit subnet receives from the TGW without its own subnet's NACL.
  const atAttachment = ans.steps.find((x) => x.attachment !== undefined && x.verdict !== 'allow');
  if (atAttachment) return `the network ACL of transit gateway attachment subnet ${atAttachment.message.split(' ')[0]} (${atAttachment.attachment}) filters this path, which the lab does not emulate`;
  if (s.kind === 'eni' && d.kind === 'eni' && ans.steps.some((x) => x.stage === 'tgw-route' && x.verdict === 'allow')) {
    const ends: Array<[NetworkInterface, bigint]> = [[d.eni, est.addressOf(s.eni, f)!], [s.eni, est.addressOf(d.eni, f)!]];
    for (const [e, other] of ends) {
      if (!est.vpcAttachmentsOf(e.vpc).some((x) => x.subnets?.includes(e.subnet))) continue;
      if (!aclTraffic(est.aclOf(e.subnet), 'inbound', other).equals(TrafficSet.ALL)) return `${e.id} is in a transit gateway attachment subnet (${e.subnet}), where what the TGW delivers meets no NACL, and the lab applies its subnet's, which filters traffic from ${formatKey(other)}`;
    }
  }
  const lookups: Array<[string, bigint]> = [];
  const dAddr = d.kind === 'eni' ? est.addressOf(d.eni, f)! : d.address;
  const sAddr = s.kind === 'eni' ? est.addressOf(s.eni, f)! : s.address;
  if (s.kind === 'eni') lookups.push([s.eni.subnet, dAddr]);
  if (d.kind === 'eni') lookups.push([d.eni.subnet, sAddr]);
  if (s.kind === 'eni' && f === 4) {
    const t = est.routeTableOf(s.eni.subnet);
    const r = t ? bestRoute(est, t.routes, dAddr) : undefined;
    const n = r?.target.kind === 'nat' ? est.nats.get(r.target.id) : undefined;
    if (n) lookups.push([n.subnet, dAddr]);
  }
  for (const [subnet, addr] of lookups) {
    const t = est.routeTableOf(subnet);
    const r = t ? bestRoute(est, t.routes, addr) : undefined;
    if (r && r.state === 'active' && !EMULATED.has(r.target.kind)) return `${t!.id} routes ${formatKey(addr)} to ${r.target.id} (${r.target.kind}), which the lab does not emulate`;
    // What the model does not evaluate on a transit gateway, the lab does not emulate either: agreeing there proves nothing.
    if (r && r.state === 'active' && r.target.kind === 'tgw') {
      const tgw = r.target.id;
      const caveat = aws.inventory.unmodelled.find((u) => (u.kind === 'TransitGateway' && u.name === tgw) || (u.kind === 'TransitGatewayAttachment' && est.attachments.get(u.name)?.tgw === tgw));
      if (caveat) return `${t!.id} routes ${formatKey(addr)} to ${tgw}, where the model does not evaluate everything (${caveat.kind} ${caveat.name} ${caveat.effect})`;
    }
    // An interface's IPv6 address is public: the lab's internet carries it on to the other VPC's gateway, the
    // model counts such a path dropped (it never follows one VPC to another over the internet).
    if (f === 6 && s.kind === 'eni' && d.kind === 'eni' && r && r.state === 'active' && (r.target.kind === 'igw' || r.target.kind === 'eigw')) {
      return `${t!.id} sends ${formatKey(addr)} to ${r.target.id}: the model does not follow IPv6 between VPCs over the internet`;
    }
  }
  if (s.kind === 'eni' && d.kind === 'eni' && s.eni.vpc !== d.eni.vpc) {
    // Requests one way and replies another (over a TGW, back over a peering): the model counts the path
    // dropped, the lab's routers would carry both halves. Neither proves the other wrong.
    const fwd = est.routeTableOf(s.eni.subnet);
    const back = est.routeTableOf(d.eni.subnet);
    const r1 = fwd ? bestRoute(est, fwd.routes, dAddr) : undefined;
    const r2 = back ? bestRoute(est, back.routes, sAddr) : undefined;
    const via = (r: typeof r1): string | undefined => (r && r.state === 'active' && (r.target.kind === 'pcx' || r.target.kind === 'tgw') ? r.target.id : undefined);
    if (via(r1) && via(r2) && via(r1) !== via(r2)) return `requests go over ${via(r1)} and replies over ${via(r2)}: the lab does not emulate an asymmetric return`;
  }
  if (f === 6 && (s.kind === 'external' || d.kind === 'external')) {
    const eni = s.kind === 'eni' ? s.eni : (d as { eni: NetworkInterface }).eni;
    const mine = est.addressOf(eni, 6)!;
    // The lab's internet routes an interface's IPv6 address to one VPC: an address two VPCs hold is ambiguous there.
    const twin = est.inv.interfaces.find((o) => o !== eni && o.vpc !== eni.vpc && est.addressOf(o, 6) === mine);
    if (twin) return `${formatKey(mine)} is held in two VPCs (${eni.vpc}, ${twin.vpc}): the lab's internet cannot tell them apart`;
    // From the internet, with replies sent to an egress-only gateway while an internet gateway carries the
    // request: the lab's gateways would see a reply they never saw asked (one route per address back).
    if (s.kind === 'external') {
      const t = est.routeTableOf(eni.subnet);
      const back = t ? bestRoute(est, t.routes, s.address) : undefined;
      if (back?.state === 'active' && back.target.kind === 'eigw' && [...est.igws.values()].some((g) => g.vpcs.includes(eni.vpc))) {
        return `${t!.id} sends replies to ${formatKey(s.address)} to the egress-only gateway ${back.target.id} while ${eni.vpc} has an internet gateway: the lab does not emulate that asymmetric return`;
      }
    }
  }
  return undefined;
}

/** True when this kernel has IPv6 (a lab namespace gets it unless it is disabled at boot). */
function ipv6Available(): boolean {
  return existsSync('/proc/sys/net/ipv6');
}

interface SubnetNode {
  readonly subnet: Subnet;
  readonly k: number;
  /** The subnet's IPv4 block (none in an IPv6-only subnet). */
  readonly v4?: { readonly range: IpRange; readonly prefix: number };
  /** The subnet's IPv6 block, when it has one. */
  readonly v6?: { readonly range: IpRange; readonly prefix: number };
}

/** Allocates /30 transit links in 169.254.128.0/17: [this side, the other side]. */
function transit(): () => [string, string] {
  let n = 0;
  return () => {
    const base = (169n << 24n) + (254n << 16n) + (128n << 8n) + BigInt(4 * n++);
    return [formatIp(4, base + 1n), formatIp(4, base + 2n)];
  };
}

/** Commands for `ip -n NS -batch -` (and `ip -6 -n NS -batch -`: rules and routes of IPv6). */
type Batch = Map<string, string[]>;

function push(b: Batch, ns: string, ...cmds: string[]): void {
  const l = b.get(ns) ?? [];
  l.push(...cmds);
  b.set(ns, l);
}

/** IPv6 commands of a link between two namespaces: link-local addresses, and the near side's delivery rules. */
function link6(b6: Batch, near: string, far: string, link: string, farLink: string, table = 99): void {
  push(b6, near, `addr add ${GW6}/64 dev ${link} nodad`, `rule add prio 1000 iif ${link} table ${table}`, `rule add prio 2000 iif ${link} prohibit`);
  push(b6, far, `addr add ${FAR6}/64 dev ${farLink} nodad`);
}

/** A lab host: an interface (its IPv4 and IPv6 addresses, as it has them) or an outside address. */
interface EstateHost {
  readonly key: string;
  /** The address the lab knows the host by (IPv4 when it has one). */
  readonly address: string;
  readonly v4?: string;
  readonly v6?: string;
  readonly eni?: NetworkInterface;
}

/** The emulated estate for a set of checks: namespaces, links, tables, rules. */
class Estate {
  readonly hosts: EstateHost[] = [];
  readonly namespaces: string[] = [];
  private readonly subnets = new Map<string, SubnetNode>();
  private readonly vpcs = new Map<string, number>();
  private readonly nats: NatGateway[] = [];

  constructor(
    private readonly aws: AwsAnalysis,
    checks: readonly Check[],
  ) {
    const est = aws.estate;
    const seen = new Set<string>();
    for (const c of checks) {
      for (const e of [c.from, c.to]) {
        const key = e.eni ?? e.address!;
        if (seen.has(key)) continue;
        seen.add(key);
        const x = awsEndpointOf(aws, e);
        if (x.kind === 'eni') {
          const a4 = est.addressOf(x.eni, 4);
          const a6 = est.addressOf(x.eni, 6);
          const sub = est.subnets.get(x.eni.subnet);
          const v4 = a4 !== undefined && sub?.cidr ? formatKey(a4) : undefined;
          const v6 = a6 !== undefined && sub?.ipv6Cidr ? formatKey(a6) : undefined;
          this.hosts.push({ key, address: v4 ?? v6!, ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}), eni: x.eni });
          this.addSubnet(x.eni.subnet);
        } else {
          const a = formatKey(x.address);
          this.hosts.push({ key, address: a, ...(keyFamily(x.address) === 4 ? { v4: a } : { v6: a }) });
        }
      }
    }
    for (const n of aws.inventory.natGateways) {
      if (n.state !== 'available' || !n.privateIp || !this.vpcs.has(n.vpc) || est.subnets.get(n.subnet)?.cidr === undefined) continue;
      this.nats.push(n);
      this.addSubnet(n.subnet);
    }
    for (const v of this.vpcs.keys()) this.namespaces.push(`r${this.vpcs.get(v)}`);
    for (const s of this.subnets.values()) this.namespaces.push(`s${s.k}`);
    this.nats.forEach((_, j) => this.namespaces.push(`n${j}`));
    this.igws().forEach((_, i) => this.namespaces.push(`g${i}`));
    this.eigws().forEach((_, i) => this.namespaces.push(`e${i}`));
    this.tgws().forEach((_, i) => this.namespaces.push(`t${i}`));
    this.namespaces.push('inet');
  }

  private addSubnet(id: string): void {
    if (this.subnets.has(id)) return;
    const s = this.aws.estate.subnets.get(id)!;
    if (!this.vpcs.has(s.vpc)) this.vpcs.set(s.vpc, this.vpcs.size);
    const block = (c: Subnet['cidr'], f: Family) => (c && c.range.family === f ? { v: { range: c.range, prefix: c.prefix } } : {});
    const v4 = block(s.cidr, 4).v;
    const v6 = block(s.ipv6Cidr, 6).v;
    this.subnets.set(id, { subnet: s, k: this.subnets.size, ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}) });
  }

  private igws() {
    return this.aws.inventory.internetGateways.filter((g) => g.vpcs.some((v) => this.vpcs.has(v))).map((g) => ({ g, vpc: g.vpcs.find((v) => this.vpcs.has(v))! }));
  }

  private eigws() {
    return this.aws.inventory.egressOnlyGateways.filter((g) => g.vpcs.some((v) => this.vpcs.has(v))).map((g) => ({ g, vpc: g.vpcs.find((v) => this.vpcs.has(v))! }));
  }

  /** The transit gateways some VPC of the lab has an available attachment to, sorted. */
  private tgws(): string[] {
    const est = this.aws.estate;
    return [...est.tgws.keys()].filter((t) => [...this.vpcs.keys()].some((v) => est.vpcAttachment(t, v))).sort();
  }

  private peerings() {
    return this.aws.inventory.peerings.filter((p) => p.status === 'active' && p.requester.vpc !== p.accepter.vpc && this.vpcs.has(p.requester.vpc) && this.vpcs.has(p.accepter.vpc));
  }

  /** The wiring for Lab.create. */
  wiring(): Wiring {
    return { namespaces: this.namespaces, wire: (names) => this.wire(names) };
  }

  private async wire(names: { host(key: string): string; extra(suffix: string): string }): Promise<void> {
    const est = this.aws.estate;
    const inv = this.aws.inventory;
    const b: Batch = new Map();
    const b6: Batch = new Map();
    const nft = new Map<string, string>();
    const forwarders: string[] = [];
    const router = (vpc: string): string => names.extra(`r${this.vpcs.get(vpc)}`);
    const next = transit();
    const inet = names.extra('inet');
    const cidrs6 = (vpc: string) => (est.vpcs.get(vpc)?.cidrs ?? []).filter((c) => c.range.family === 6);
    const blocks6 = (vpc: string): IpRange[] => cidrs6(vpc).map((c) => c.range);
    forwarders.push(inet);
    for (const v of this.vpcs.keys()) forwarders.push(router(v));
    // Subnets: a bridge, and a link to the VPC router whose address is the hosts' gateway.
    for (const s of this.subnets.values()) {
      const ns = names.extra(`s${s.k}`);
      const r = router(s.subnet.vpc);
      const link = `s${s.k}`;
      // No multicast snooping: the bridge would hold neighbour solicitations back until it heard a querier.
      push(b, ns, 'link add br0 type bridge mcast_snooping 0', 'link set br0 up', `link add uplink type veth peer name ${link} netns ${r}`, 'link set uplink master br0', 'link set uplink up');
      push(b, r, `addr add ${GW}/32 dev ${link}`, `link set ${link} up`, `rule add prio 1000 iif ${link} table ${1000 + s.k}`, `rule add prio 2000 iif ${link} prohibit`);
      if (s.v4) push(b, r, `route replace ${cidrText(s.v4.range, s.v4.prefix)} dev ${link} table 99`);
      push(b6, r, `addr add ${GW6}/64 dev ${link} nodad`, `rule add prio 1000 iif ${link} table ${1000 + s.k}`, `rule add prio 2000 iif ${link} prohibit`);
      if (s.v6) push(b6, r, `route replace ${cidrText(s.v6.range, s.v6.prefix)} dev ${link} table 99`);
    }
    // Hosts: interfaces on their subnet's bridge, outside addresses on the internet namespace.
    let xi = 0;
    this.hosts.forEach((h, i) => {
      const ns = names.host(h.key);
      if (h.eni) {
        const s = this.subnets.get(h.eni.subnet)!;
        push(b, names.extra(`s${s.k}`), `link add h${i} type veth peer name eth0 netns ${ns}`, `link set h${i} master br0`, `link set h${i} up`);
        push(b, ns, 'link set eth0 up');
        if (h.v4) push(b, ns, `addr add ${h.v4}/${s.v4!.prefix} dev eth0`, `route add ${GW} dev eth0`, `route add default via ${GW} dev eth0`);
        if (h.v6) push(b6, ns, `addr add ${h.v6}/${s.v6!.prefix} dev eth0 nodad`, `route add default via ${GW6} dev eth0`);
        nft.set(ns, securityGroupRuleset(inv, h.eni));
      } else {
        const link = `x${xi++}`;
        push(b, inet, `link add ${link} type veth peer name eth0 netns ${ns}`, `link set ${link} up`);
        push(b, ns, 'link set eth0 up');
        if (h.v4) {
          push(b, inet, `addr add ${GW}/32 dev ${link}`, `route add ${h.v4}/32 dev ${link}`);
          push(b, ns, `addr add ${h.v4}/32 dev eth0`, `route add ${GW} dev eth0`, `route add default via ${GW} dev eth0`);
        } else {
          push(b6, inet, `addr add ${GW6}/64 dev ${link} nodad`, `route add ${h.v6}/128 dev ${link}`);
          push(b6, ns, `addr add ${h.v6}/128 dev eth0 nodad`, `route add default via ${GW6} dev eth0`);
        }
      }
    });
    // NAT gateways: a host at the gateway's private address that masquerades.
    const vpcBlocks = inv.vpcs.flatMap((v) => v.cidrs.map((c) => c.range));
    this.nats.forEach((n, j) => {
      const s = this.subnets.get(n.subnet)!;
      const ns = names.extra(`n${j}`);
      forwarders.push(ns);
      push(b, names.extra(`s${s.k}`), `link add n${j} type veth peer name eth0 netns ${ns}`, `link set n${j} master br0`, `link set n${j} up`);
      push(b, ns, `addr add ${n.privateIp}/${s.v4!.prefix} dev eth0`, 'link set eth0 up', `route add ${GW} dev eth0`, `route add default via ${GW} dev eth0`);
      nft.set(ns, natRuleset(n.privateIp!, vpcBlocks));
    });
    // Peerings: a link between the two routers; what arrives over it goes to the VPC's own subnets only.
    const peerLink = new Map<string, { link: string; far: Map<string, string>; far6: Map<string, string> }>();
    this.peerings().forEach((p, i) => {
      const [a, z] = next();
      const link = `p${i}`;
      const ra = router(p.requester.vpc);
      const rz = router(p.accepter.vpc);
      push(b, ra, `link add ${link} type veth peer name ${link} netns ${rz}`, `addr add ${a}/30 dev ${link}`, `link set ${link} up`, `rule add prio 1000 iif ${link} table 99`, `rule add prio 2000 iif ${link} prohibit`);
      push(b, rz, `addr add ${z}/30 dev ${link}`, `link set ${link} up`, `rule add prio 1000 iif ${link} table 99`, `rule add prio 2000 iif ${link} prohibit`);
      link6(b6, ra, rz, link, link);
      push(b6, rz, `rule add prio 1000 iif ${link} table 99`, `rule add prio 2000 iif ${link} prohibit`);
      peerLink.set(p.id, { link, far: new Map([[p.requester.vpc, z], [p.accepter.vpc, a]]), far6: new Map([[p.requester.vpc, FAR6], [p.accepter.vpc, GW6]]) });
    });
    // The internet reaches an interface's IPv6 address through its VPC's internet gateway, else (replies
    // only) through its egress-only gateway.
    const hosts6 = (vpc: string): string[] => this.hosts.filter((h) => h.eni?.vpc === vpc && h.v6).map((h) => h.v6!);
    const withIgw = new Set(this.igws().map(({ vpc }) => vpc));
    // Internet gateways: between the router and the internet, public addresses 1:1, IPv6 as it is.
    const igwOf = new Map<string, { link: string; far: string }>();
    this.igws().forEach(({ g, vpc }, i) => {
      const ns = names.extra(`g${i}`);
      forwarders.push(ns);
      const r = router(vpc);
      const [ra, ga] = next();
      const [gi, ia] = next();
      const link = `g${i}`;
      push(b, r, `link add ${link} type veth peer name vpc netns ${ns}`, `addr add ${ra}/30 dev ${link}`, `link set ${link} up`, `rule add prio 1000 iif ${link} table 99`, `rule add prio 2000 iif ${link} prohibit`);
      push(b, ns, `addr add ${ga}/30 dev vpc`, 'link set vpc up', `link add inet type veth peer name ${link} netns ${inet}`, `addr add ${gi}/30 dev inet`, 'link set inet up', `route add default via ${ia} dev inet`);
      for (const c of est.vpcs.get(vpc)?.cidrs ?? []) if (c.range.family === 4) push(b, ns, `route add ${cidrText(c.range, c.prefix)} via ${ra} dev vpc`);
      push(b, inet, `addr add ${ia}/30 dev ${link}`, `link set ${link} up`);
      link6(b6, r, ns, link, 'vpc');
      push(b6, ns, `addr add ${GW6}/64 dev inet nodad`, `route add default via ${FAR6} dev inet`, ...cidrs6(vpc).map((c) => `route add ${cidrText(c.range, c.prefix)} via ${GW6} dev vpc`));
      push(b6, inet, `addr add ${FAR6}/64 dev ${link} nodad`, ...hosts6(vpc).map((a) => `route replace ${a}/128 via ${GW6} dev ${link}`));
      const pairs: Array<{ priv: string; pub: string }> = [];
      for (const h of this.hosts) if (h.eni?.vpc === vpc && h.eni.publicIp && h.v4) pairs.push({ priv: h.v4, pub: h.eni.publicIp });
      for (const n of this.nats) if (n.vpc === vpc && n.connectivity === 'public' && n.publicIp) pairs.push({ priv: n.privateIp!, pub: n.publicIp });
      for (const p of pairs) push(b, inet, `route add ${p.pub}/32 via ${gi} dev ${link}`);
      nft.set(ns, igwRuleset(pairs, blocks6(vpc)));
      igwOf.set(g.id, { link, far: ga });
    });
    // Egress-only internet gateways: IPv6 only, out and the replies back (a stateful filter).
    const eigwOf = new Map<string, string>();
    this.eigws().forEach(({ g, vpc }, i) => {
      const ns = names.extra(`e${i}`);
      forwarders.push(ns);
      const r = router(vpc);
      const link = `e${i}`;
      push(b, r, `link add ${link} type veth peer name vpc netns ${ns}`, `link set ${link} up`);
      push(b, ns, 'link set vpc up', `link add inet type veth peer name ${link} netns ${inet}`, 'link set inet up');
      push(b, inet, `link set ${link} up`);
      link6(b6, r, ns, link, 'vpc');
      push(b6, ns, `addr add ${GW6}/64 dev inet nodad`, `route add default via ${FAR6} dev inet`, ...cidrs6(vpc).map((c) => `route add ${cidrText(c.range, c.prefix)} via ${GW6} dev vpc`));
      push(b6, inet, `addr add ${FAR6}/64 dev ${link} nodad`, ...(withIgw.has(vpc) ? [] : hosts6(vpc).map((a) => `route replace ${a}/128 via ${GW6} dev ${link}`)));
      nft.set(ns, eigwRuleset(blocks6(vpc)));
      eigwOf.set(g.id, link);
    });
    // Transit gateways: a router each, linked to the router of every VPC of the lab attached to it; what
    // arrives from the TGW goes to the VPC's own subnets only (onward routing is not evaluated by the model).
    const tgwLink = new Map<string, { link: string; far: string; attachment: TgwAttachment }>();
    this.tgws().forEach((tgw, i) => {
      const ns = names.extra(`t${i}`);
      forwarders.push(ns);
      const near = new Map<string, { link: string; address: string }>();
      for (const [vpc, k] of this.vpcs) {
        const x = est.vpcAttachment(tgw, vpc);
        if (!x) continue;
        const link = `t${i}v${k}`;
        const [ra, ta] = next();
        push(b, router(vpc), `link add ${link} type veth peer name ${link} netns ${ns}`, `addr add ${ra}/30 dev ${link}`, `link set ${link} up`, `rule add prio 1000 iif ${link} table 99`, `rule add prio 2000 iif ${link} prohibit`);
        push(b, ns, `addr add ${ta}/30 dev ${link}`, `link set ${link} up`);
        link6(b6, router(vpc), ns, link, link);
        tgwLink.set(`${tgw}|${vpc}`, { link, far: ta, attachment: x });
        near.set(x.id, { link, address: ra });
      }
      // Each attachment's associated route table as the TGW's table for packets from its link.
      const tableNo = new Map<string, number>();
      for (const [xid, n] of near) {
        const rt = est.tgwTableOf(xid);
        if (rt && !tableNo.has(rt.id)) {
          const no = 3000 + tableNo.size;
          tableNo.set(rt.id, no);
          for (const family of [4, 6] as const) {
            const best = new Map<string, { rank: number; line: string }>();
            for (const route of rt.routes) {
              const rank = route.origin === 'propagated' ? 0 : route.destination.kind === 'prefix-list' ? 1 : 2;
              // The model's egress attachment: the first of the route's, in sorted order.
              const xout = [...route.attachments].sort()[0];
              const egress = xout ? est.attachments.get(xout) : undefined;
              const to = xout && egress?.resourceType === 'vpc' && egress.state === 'available' ? near.get(xout) : undefined;
              const via = to ? (family === 4 ? `via ${to.address} dev ${to.link} onlink` : `via ${GW6} dev ${to.link}`) : undefined;
              for (const dst of destinations(this.aws, route, family)) {
                const line = route.state === 'blackhole' ? `route replace blackhole ${dst.text} table ${no}` : via ? `route replace ${dst.text} ${via} table ${no}` : `route replace prohibit ${dst.text} table ${no}`;
                const had = best.get(dst.text);
                if (!had || had.rank < rank) best.set(dst.text, { rank, line });
              }
            }
            push(family === 4 ? b : b6, ns, ...[...best.values()].map((x) => x.line));
          }
        }
        for (const batch of [b, b6]) push(batch, ns, ...(rt ? [`rule add prio 1000 iif ${n.link} table ${tableNo.get(rt.id)}`] : []), `rule add prio 2000 iif ${n.link} prohibit`);
      }
    });
    // Each subnet's route table as the router's table for packets from its link, per family.
    for (const s of this.subnets.values()) {
      const r = router(s.subnet.vpc);
      const table = est.routeTableOf(s.subnet.id);
      const n = 1000 + s.k;
      for (const family of [4, 6] as const) {
        const local: string[] = [];
        const others = new Map<string, { rank: number; line: string }>();
        for (const route of table?.routes ?? []) {
          for (const dst of destinations(this.aws, route, family)) {
            const t = route.target;
            if (route.state === 'active' && t.kind === 'local') {
              local.push(`route replace prohibit ${dst.text} table ${n}`);
              const range = parseCidr(dst.text)!.range;
              for (const o of this.subnets.values()) {
                const own = family === 4 ? o.v4 : o.v6;
                if (!own || o.subnet.vpc !== s.subnet.vpc || own.range.lo < range.lo || own.range.hi > range.hi) continue;
                local.push(`route replace ${cidrText(own.range, own.prefix)} dev s${o.k} table ${n}`);
              }
              continue;
            }
            let how = 'prohibit';
            if (route.state === 'blackhole') how = 'blackhole';
            else if (t.kind === 'pcx' && peerLink.has(t.id)) {
              const p = peerLink.get(t.id)!;
              const far = (family === 4 ? p.far : p.far6).get(s.subnet.vpc);
              if (far) how = family === 4 ? `via ${far} dev ${p.link} onlink` : `via ${far} dev ${p.link}`;
            } else if (t.kind === 'igw' && igwOf.has(t.id) && est.igws.get(t.id)!.vpcs.includes(s.subnet.vpc)) {
              const g = igwOf.get(t.id)!;
              how = family === 4 ? `via ${g.far} dev ${g.link} onlink` : `via ${FAR6} dev ${g.link}`;
            } else if (t.kind === 'eigw' && family === 6 && eigwOf.has(t.id) && est.eigws.get(t.id)!.vpcs.includes(s.subnet.vpc)) {
              how = `via ${FAR6} dev ${eigwOf.get(t.id)!}`;
            } else if (t.kind === 'tgw' && tgwLink.has(`${t.id}|${s.subnet.vpc}`)) {
              // The AZ rule: the subnet reaches the TGW only through an attachment subnet in its own zone.
              const l = tgwLink.get(`${t.id}|${s.subnet.vpc}`)!;
              const az = s.subnet.availabilityZone;
              if (!l.attachment.subnets || l.attachment.subnets.some((id) => est.subnets.get(id)?.availabilityZone === az)) how = family === 4 ? `via ${l.far} dev ${l.link} onlink` : `via ${FAR6} dev ${l.link}`;
            } else if (t.kind === 'nat' && family === 4) {
              const nat = this.nats.find((x) => x.id === t.id && x.vpc === s.subnet.vpc);
              if (nat) how = `via ${nat.privateIp} dev s${this.subnets.get(nat.subnet)!.k} onlink`;
            }
            // Several routes to one destination: static before prefix list before propagated, as AWS picks.
            const rank = route.origin === 'propagated' ? 0 : route.destination.kind === 'prefix-list' ? 1 : 2;
            const line = how === 'prohibit' || how === 'blackhole' ? `route replace ${how} ${dst.text} table ${n}` : `route replace ${dst.text} ${how} table ${n}`;
            const had = others.get(dst.text);
            if (!had || had.rank < rank) others.set(dst.text, { rank, line });
          }
        }
        // Local routes first: a more specific route of the table replaces a subnet's at the same prefix.
        push(family === 4 ? b : b6, r, ...local, ...[...others.values()].map((x) => x.line));
      }
    }
    for (const v of this.vpcs.keys()) {
      const links = [...this.subnets.values()].filter((s) => s.subnet.vpc === v).map((s) => ({ link: `s${s.k}`, acl: est.aclOf(s.subnet.id) }));
      nft.set(router(v), aclRuleset(links));
    }
    const all = [...this.namespaces.map((s) => names.extra(s)), ...this.hosts.map((h) => names.host(h.key))];
    const v6 = ipv6Available();
    // No redirects (a host would learn a shortcut the VPC does not have), no reverse-path filter, ICMP errors
    // unthrottled; IPv6 without duplicate address detection (an address is usable at once) or router adverts.
    const sysctl = (fwd: boolean): string =>
      `for f in /proc/sys/net/ipv4/conf/*/rp_filter /proc/sys/net/ipv4/conf/*/send_redirects /proc/sys/net/ipv4/conf/*/accept_redirects; do echo 0 > $f; done; echo 0 > /proc/sys/net/ipv4/icmp_ratelimit; echo 1000000 > /proc/sys/net/ipv4/icmp_msgs_per_sec; echo 1000000 > /proc/sys/net/ipv4/icmp_msgs_burst; ${fwd ? 'echo 1 > /proc/sys/net/ipv4/ip_forward; ' : ''}` +
      (v6 ? `for f in /proc/sys/net/ipv6/conf/*/accept_dad /proc/sys/net/ipv6/conf/*/accept_ra /proc/sys/net/ipv6/conf/*/accept_redirects; do echo 0 > $f; done; echo 0 > /proc/sys/net/ipv6/icmp/ratelimit; ${fwd ? 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding; ' : ''}` : '') +
      '[ -w /proc/sys/net/bridge/bridge-nf-call-iptables ] && echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables; [ -w /proc/sys/net/bridge/bridge-nf-call-ip6tables ] && echo 0 > /proc/sys/net/bridge/bridge-nf-call-ip6tables; true';
    await bounded(all, 8, (ns) => run('ip', ['netns', 'exec', ns, 'sh', '-c', sysctl(false)]));
    // Links first, in every namespace (a veth is made from one side into the other), then what uses them.
    const makes = (c: string): boolean => c.startsWith('link add') || c.includes(' master br0') || c === 'link set br0 up';
    for (const [ns, cmds] of b) {
      const mk = cmds.filter(makes);
      if (mk.length) await run('ip', ['-n', ns, '-batch', '-'], mk.map((c) => `${c}\n`).join(''));
    }
    await bounded([...b], 8, ([ns, cmds]) => {
      const rest = cmds.filter((c) => !makes(c));
      return rest.length ? run('ip', ['-n', ns, '-batch', '-'], rest.map((c) => `${c}\n`).join('')) : Promise.resolve('');
    });
    // IPv6 last: its addresses go on links that are up (forwarding is set after, which keeps them).
    if (v6) await bounded([...b6], 8, ([ns, cmds]) => run('ip', ['-6', '-n', ns, '-batch', '-'], cmds.map((c) => `${c}\n`).join('')));
    await bounded(all, 8, (ns) => run('ip', ['netns', 'exec', ns, 'sh', '-c', sysctl(forwarders.includes(ns))]));
    await bounded([...nft], 8, ([ns, rules]) => run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], rules));
  }
}

/**
 * One check's observation from its families' probes: one family is that probe's; two (a dual-stack pair) are
 * allowed when either got through, as the model's verdict is, with each family's verdict beside for the
 * per-family comparison.
 */
export function combine(seen: ReadonlyArray<{ readonly family: Family; readonly o: Observation }>): Observation {
  if (seen.length === 1) return seen[0]!.o;
  const text = seen.map(({ family, o }) => `IPv${family} ${o.verdict}${o.detail ? ` (${o.detail})` : ''}`).join('; ');
  const ms = Math.max(...seen.map(({ o }) => o.ms ?? 0));
  if (seen.some(({ o }) => o.verdict === 'error')) return { verdict: 'error', detail: text, ms };
  const families: Partial<Record<Family, Verdict>> = {};
  for (const { family, o } of seen) families[family] = o.verdict as Verdict;
  return { verdict: seen.some(({ o }) => o.verdict === 'allow') ? 'allow' : 'deny', detail: text, ms, families };
}

export class AwsLabRunner implements Runner {
  readonly name = 'lab';
  constructor(
    private readonly aws: AwsAnalysis,
    private readonly opts: AwsLabOptions = {},
  ) {}

  async observe(checks: readonly Check[]): Promise<Map<number, Observation>> {
    const out = new Map<number, Observation>();
    const phase = this.opts.onPhase ?? ((): void => {});
    const todo: Check[] = [];
    for (const c of checks) {
      const why = isAwsCheck(c) ? awsLabSkip(this.aws, c) : 'not a check on the AWS estate';
      if (why) out.set(c.id, { verdict: 'skipped', detail: why });
      else todo.push(c);
    }
    const max = this.opts.maxProbes ?? 5000;
    for (const c of todo.slice(max)) out.set(c.id, { verdict: 'skipped', detail: `beyond --max-probes ${max}` });
    const probed = todo.slice(0, max);
    if (probed.length === 0) return out;
    let t = performance.now();
    const estate = new Estate(this.aws, probed);
    const lab = await Lab.create(estate.hosts.map((h) => ({ key: h.key, address: h.address })), estate.wiring());
    try {
      phase('build', performance.now() - t);
      t = performance.now();
      const key = (e: Check['from']): string => e.eni ?? e.address!;
      const listen = new Map<string, Array<[Protocol, number]>>();
      for (const c of probed) {
        const l = listen.get(key(c.to)) ?? [];
        if (!l.some(([p, n]) => p === c.protocol && n === c.port)) l.push([c.protocol, c.port]);
        listen.set(key(c.to), l);
      }
      const failed = await lab.listen(listen, new Set(estate.hosts.filter((h) => h.v6).map((h) => h.key)));
      phase('listen', performance.now() - t);
      t = performance.now();
      // Client ports from the low end of the ephemeral range, one per probe (of either family): each is a new connection.
      const sports = new Map<string, number>();
      const addressOf = new Map(estate.hosts.map((h) => [h.key, h]));
      const planned = probed.map((c) => ({ c, families: checkFamilies(this.aws, c) }));
      const probes: Probe[] = planned.flatMap(({ c, families }) =>
        families.map((family) => {
          const from = key(c.from);
          const busy = new Set((listen.get(from) ?? []).map(([, n]) => n));
          let sp = sports.get(from) ?? FIRST_SPORT;
          while (busy.has(sp)) sp++;
          sports.set(from, sp + 1);
          const dst = awsEndpointOf(this.aws, c.to);
          const host = addressOf.get(key(c.to))!;
          // The internet addresses an interface by its public IPv4 address (none: its private one, which no
          // route reaches); IPv6 addresses are the interface's own.
          const address = family === 6 ? host.v6! : dst.kind === 'eni' ? (c.from.address && dst.eni.publicIp ? dst.eni.publicIp : host.v4!) : c.to.address!;
          return { from, to: key(c.to), protocol: c.protocol, port: c.port, address, sport: sp };
        }),
      );
      const results = await lab.probe(probes, this.opts.timeoutMs ?? 1000, this.opts.concurrency ?? 64);
      phase('probe', performance.now() - t);
      let next = 0;
      for (const { c, families } of planned) {
        const seen = families.map((family) => ({ family, o: observation(results[next++]!) }));
        const f = failed.find((x) => x.startsWith(`${key(c.to)} ${c.protocol}/${c.port}:`));
        out.set(c.id, f ? { verdict: 'error', detail: `no listener: ${f}` } : combine(seen));
      }
    } finally {
      t = performance.now();
      lab.destroySync();
      phase('cleanup', performance.now() - t);
    }
    return out;
  }
}
