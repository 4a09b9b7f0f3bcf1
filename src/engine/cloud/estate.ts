/** Indexes over an AWS inventory that every cloud stage looks things up in (built once per analysis). */
import { referencingGateways, sharesReferencingGateway } from './group-references.js';
import type {
  AwsInventory, EgressOnlyGateway, InternetGateway, NatGateway, NetworkAcl, NetworkInterface, Peering, PrefixList, RouteTable, SecurityGroup,
  Subnet, TgwAttachment, TgwRouteTable, TransitGateway, Vpc, VpcEndpoint,
} from '../../inventory/aws/types.js';
import { gatewayEndpointOfRoute } from '../../inventory/aws/endpoints.js';
import { formatIp, parseIp, type Family, type IpRange } from '../../model/address.js';

/**
 * The engine's addresses are keys in one space: an IPv4 address is its value, an IPv6 address 2^128 plus its
 * value. Every IPv6 key is above every IPv4 one, so an IPv4 range never holds an IPv6 key (a flow is one
 * family end to end) and the IPv4 path compares the same small bigints as before.
 */
export const V6_BASE = 1n << 128n;

/** An IPv4 address as a number-like bigint (-1 for anything else). */
export function ip4(s: string): bigint {
  const p = parseIp(s);
  return p && p.family === 4 ? p.value : -1n;
}

/** The key of an address of either family (-1 when unreadable). */
export function ipKey(s: string): bigint {
  const p = parseIp(s);
  return !p ? -1n : p.family === 4 ? p.value : V6_BASE + p.value;
}

/** The key of a family's address value. */
export function addressKey(family: Family, value: bigint): bigint {
  return family === 4 ? value : V6_BASE + value;
}

/** The family of a key. */
export function keyFamily(k: bigint): Family {
  return k >= V6_BASE ? 6 : 4;
}

/** A key as an address text. */
export function formatKey(k: bigint): string {
  return k >= V6_BASE ? formatIp(6, k - V6_BASE) : formatIp(4, k);
}

/** True when a range (of its own family) holds an address key. */
export function inRange(r: IpRange, a: bigint): boolean {
  if (r.family === 4) return r.lo <= a && a <= r.hi;
  return a >= V6_BASE && r.lo + V6_BASE <= a && a <= r.hi + V6_BASE;
}

/** The services the estate's gateway endpoint routes reach, each with its prefix lists' ranges. */
function gatewayServices(inv: AwsInventory, endpoints: ReadonlyMap<string, VpcEndpoint>, lists: ReadonlyMap<string, PrefixList>): Array<{ service: string; ranges: IpRange[] }> {
  const out = new Map<string, IpRange[]>();
  for (const t of inv.routeTables) {
    for (const r of t.routes) {
      const ep = gatewayEndpointOfRoute(endpoints, t.vpc, r);
      const list = ep && r.destination.kind === 'prefix-list' ? lists.get(r.destination.id) : undefined;
      if (!ep || !list) continue;
      const service = ep.serviceName || list.name;
      const ranges = out.get(service) ?? [];
      for (const c of list.entries) if (!ranges.some((x) => x.family === c.range.family && x.lo === c.range.lo && x.hi === c.range.hi)) ranges.push(c.range);
      out.set(service, ranges);
    }
  }
  return [...out].map(([service, ranges]) => ({ service, ranges }));
}

export class Estate {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly groups = new Map<string, SecurityGroup>();
  readonly peerings = new Map<string, Peering>();
  readonly igws = new Map<string, InternetGateway>();
  readonly eigws = new Map<string, EgressOnlyGateway>();
  readonly nats = new Map<string, NatGateway>();
  readonly tgws = new Map<string, TransitGateway>();
  readonly attachments = new Map<string, TgwAttachment>();
  readonly prefixLists = new Map<string, PrefixList>();
  readonly interfaces = new Map<string, NetworkInterface>();
  readonly endpoints = new Map<string, VpcEndpoint>();
  private readonly tableOfSubnet = new Map<string, RouteTable>();
  private readonly mainTable = new Map<string, RouteTable>();
  private readonly aclOfSubnet = new Map<string, NetworkAcl>();
  private readonly defaultAcl = new Map<string, NetworkAcl>();
  private readonly tgwTableByAttachment = new Map<string, TgwRouteTable>();
  /** ENIs by private address, per VPC: `vpc|address`. */
  private readonly byAddress = new Map<string, NetworkInterface>();
  private readonly primaries = new Map<NetworkInterface, bigint>();
  private readonly primaries6 = new Map<NetworkInterface, bigint>();
  private readonly vpcAttachments = new Map<string, TgwAttachment>();
  private readonly availableOfVpc = new Map<string, TgwAttachment[]>();
  /** Security group id -> the private addresses of its member ENIs (in the group's VPC). */
  readonly members = new Map<string, Set<bigint>>();
  /** VPC -> the transit gateways across which inbound rules may reference its groups (group-references.ts). */
  private readonly referencing: Map<string, Set<string>>;
  /** The services gateway endpoint routes reach (S3, DynamoDB), with their prefix lists' IPv4 ranges. */
  readonly gatewayServices: ReadonlyArray<{ readonly service: string; readonly ranges: readonly IpRange[] }>;

  constructor(readonly inv: AwsInventory) {
    const index = <T extends { id: string }>(m: Map<string, T>, xs: readonly T[]): void => {
      for (const x of xs) m.set(x.id, x);
    };
    index(this.vpcs, inv.vpcs);
    index(this.subnets, inv.subnets);
    index(this.groups, inv.securityGroups);
    index(this.peerings, inv.peerings);
    index(this.igws, inv.internetGateways);
    index(this.eigws, inv.egressOnlyGateways);
    index(this.nats, inv.natGateways);
    index(this.tgws, inv.transitGateways);
    index(this.attachments, inv.tgwAttachments);
    index(this.prefixLists, inv.prefixLists);
    index(this.interfaces, inv.interfaces);
    index(this.endpoints, inv.vpcEndpoints);
    for (const t of inv.routeTables) {
      if (t.main) this.mainTable.set(t.vpc, t);
      for (const s of t.subnets) this.tableOfSubnet.set(s, t);
    }
    for (const a of inv.networkAcls) {
      if (a.isDefault) this.defaultAcl.set(a.vpc, a);
      for (const s of a.subnets) this.aclOfSubnet.set(s, a);
    }
    for (const t of inv.tgwRouteTables) for (const a of t.associations) this.tgwTableByAttachment.set(a, t);
    for (const x of inv.tgwAttachments) {
      const k = `${x.tgw}|${x.resourceId}`;
      if (x.resourceType === 'vpc' && x.state === 'available' && !this.vpcAttachments.has(k)) this.vpcAttachments.set(k, x);
      if (x.resourceType === 'vpc' && x.state === 'available') {
        const l = this.availableOfVpc.get(x.resourceId);
        if (l) l.push(x);
        else this.availableOfVpc.set(x.resourceId, [x]);
      }
    }
    this.gatewayServices = gatewayServices(inv, this.endpoints, this.prefixLists);
    this.referencing = referencingGateways(inv);
    for (const e of inv.interfaces) {
      // An IPv6-only interface (in an IPv6-only subnet) has no private IPv4: it takes no part in IPv4 paths.
      if (e.addresses.length > 0) this.primaries.set(e, ip4(e.addresses[0]!));
      const v6 = (e.ipv6Addresses ?? []).map(ipKey).filter((k) => k >= V6_BASE);
      if (v6.length > 0) this.primaries6.set(e, v6[0]!);
      for (const a of e.addresses) this.byAddress.set(`${e.vpc}|${ip4(a)}`, e);
      for (const k of v6) this.byAddress.set(`${e.vpc}|${k}`, e);
      for (const g of e.securityGroups) {
        // A group's members live in its VPC; an ENI naming a group of another VPC is not one of them.
        if (this.groups.get(g)?.vpc !== e.vpc) continue;
        let s = this.members.get(g);
        if (!s) this.members.set(g, (s = new Set()));
        // A reference matches the members' private IPv4 and their IPv6 addresses.
        for (const a of e.addresses) s.add(ip4(a));
        for (const k of v6) s.add(k);
      }
    }
  }

  /** The gateway endpoint service whose prefix list holds an address (such a service never opens connections). */
  serviceAt(address: bigint): string | undefined {
    for (const v of this.gatewayServices) if (v.ranges.some((r) => inRange(r, address))) return v.service;
    return undefined;
  }

  /** An ENI's primary private IPv4 address (the one paths use); -1 for an IPv6-only interface. */
  primary(e: NetworkInterface): bigint {
    return this.primaries.get(e) ?? (e.addresses.length > 0 ? ip4(e.addresses[0]!) : -1n);
  }

  /** An ENI's primary private IPv4 address, when it has one (an IPv6-only interface has none). */
  primary4(e: NetworkInterface): bigint | undefined {
    const a = this.primary(e);
    return a < 0n ? undefined : a;
  }

  /** An ENI's first IPv6 address as a key (the one IPv6 paths use), when it has one. */
  primary6(e: NetworkInterface): bigint | undefined {
    return this.primaries6.get(e);
  }

  /** The address of an ENI that a flow of a family uses (undefined: the ENI has none of that family). */
  addressOf(e: NetworkInterface, family: Family): bigint | undefined {
    return family === 4 ? this.primary4(e) : this.primaries6.get(e);
  }

  /** The first available VPC attachment of a VPC on a transit gateway. */
  vpcAttachment(tgw: string, vpc: string): TgwAttachment | undefined {
    return this.vpcAttachments.get(`${tgw}|${vpc}`);
  }

  /** The available VPC attachments of a VPC, on any transit gateway. */
  vpcAttachmentsOf(vpc: string): readonly TgwAttachment[] {
    return this.availableOfVpc.get(vpc) ?? [];
  }

  /** The zone of a subnet of the snapshot. */
  zoneOf(subnet: string): string | undefined {
    return this.subnets.get(subnet)?.availabilityZone;
  }

  /**
   * The subnet of a VPC attachment that traffic from zone `az` enters the transit gateway by (one per zone;
   * undefined: none in that zone, or the attachment's subnets are not in the snapshot).
   */
  attachmentEntry(x: TgwAttachment, az: string | undefined): string | undefined {
    return x.subnets?.find((s) => this.zoneOf(s) === az);
  }

  /**
   * The subnets of a VPC attachment the transit gateway may leave into its VPC by, for traffic that entered
   * it in zone `az`: the one in that zone (AZ affinity), else, with none there or with appliance mode (a
   * flow hash picks the zone), any of them, `determined` only when there is one. Undefined when the
   * attachment's subnets are not in the snapshot.
   */
  attachmentExit(x: TgwAttachment, az: string | undefined): { readonly subnets: readonly string[]; readonly determined: boolean } | undefined {
    if (!x.subnets) return undefined;
    const same = x.applianceMode ? undefined : this.attachmentEntry(x, az);
    if (same !== undefined) return { subnets: [same], determined: true };
    return { subnets: x.subnets, determined: x.subnets.length <= 1 };
  }

  /** The subnet's explicitly associated route table, else its VPC's main one. */
  routeTableOf(subnet: string): RouteTable | undefined {
    const s = this.subnets.get(subnet);
    return this.tableOfSubnet.get(subnet) ?? (s ? this.mainTable.get(s.vpc) : undefined);
  }

  /** The subnet's network ACL: its association, else its VPC's default ACL. */
  aclOf(subnet: string): NetworkAcl | undefined {
    const s = this.subnets.get(subnet);
    return this.aclOfSubnet.get(subnet) ?? (s ? this.defaultAcl.get(s.vpc) : undefined);
  }

  /** The TGW route table an attachment is associated with. */
  tgwTableOf(attachment: string): TgwRouteTable | undefined {
    return this.tgwTableByAttachment.get(attachment);
  }

  /** The ENI holding a private address in a VPC. */
  interfaceAt(vpc: string, address: bigint): NetworkInterface | undefined {
    return this.byAddress.get(`${vpc}|${address}`);
  }

  /** True when the address is in one of the VPC's CIDR blocks. */
  vpcContains(vpc: string, address: bigint): boolean {
    return (this.vpcs.get(vpc)?.cidrs ?? []).some((c) => inRange(c.range, address));
  }

  /** True when the address is in any VPC of the snapshot (so not the internet). */
  anyVpcContains(address: bigint): boolean {
    for (const v of this.vpcs.values()) if (v.cidrs.some((c) => inRange(c.range, address))) return true;
    return false;
  }

  /** The other VPC of an active peering, when `vpc` is one of its sides. */
  peerOf(p: Peering, vpc: string): string | undefined {
    if (p.status !== 'active') return undefined;
    if (p.requester.vpc === vpc) return p.accepter.vpc;
    if (p.accepter.vpc === vpc) return p.requester.vpc;
    return undefined;
  }

  /**
   * Whether a rule (of `direction`) of a group in VPC `holder` naming a group of VPC `ref` can match: the same
   * VPC, a same-Region peering, or for inbound rules a transit gateway with security group referencing.
   */
  referenceWorks(holder: string, ref: string, direction: 'ingress' | 'egress'): boolean {
    return holder === ref || this.peeredSameRegion(holder, ref) || (direction === 'ingress' && sharesReferencingGateway(this.referencing, holder, ref));
  }

  /** True when two VPCs are joined by an active peering in one Region (where group references work). */
  peeredSameRegion(a: string, b: string): boolean {
    for (const p of this.peerings.values()) {
      if (this.peerOf(p, a) === b && p.requester.region === p.accepter.region) return true;
    }
    return false;
  }
}
