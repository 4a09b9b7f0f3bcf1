/**
 * The AWS model: plain data, one object per describe-* object, each with where it came from
 * (file, line and the JSON path inside the file, e.g. `SecurityGroups[3].IpPermissions[0]`).
 */
import type { ParsedCidr } from '../../model/address.js';
import type { TrafficSet } from '../../model/traffic-set.js';
import type { Diagnostic, Labels, UnmodelledObject } from '../types.js';

/** Where a model object was read: file, line, and its JSON path in the file. */
export interface AwsSourceRef {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  /** The Terraform resource address, for objects read from `terraform show -json`. */
  readonly address?: string;
}

export interface Vpc {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  /** Associated IPv4 CIDR blocks in state associated (the primary first), then associated IPv6 blocks. */
  readonly cidrs: readonly ParsedCidr[];
  readonly tags: Labels;
  readonly source: AwsSourceRef;
}

export interface Subnet {
  readonly id: string;
  readonly vpc: string;
  /** The IPv4 block; none in an IPv6-only subnet (`Ipv6Native`), which has `ipv6Cidr` alone. */
  readonly cidr?: ParsedCidr;
  /** The associated IPv6 block (Ipv6CidrBlockAssociationSet), when any. */
  readonly ipv6Cidr?: ParsedCidr;
  readonly availabilityZone: string;
  readonly mapPublicIpOnLaunch: boolean;
  readonly tags: Labels;
  readonly source: AwsSourceRef;
}

export interface NetworkInterface {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly vpc: string;
  readonly subnet: string;
  readonly availabilityZone: string;
  readonly securityGroups: readonly string[];
  /** Private IPv4 addresses, the primary first; empty for an IPv6-only interface (it then has `ipv6Addresses`). */
  readonly addresses: readonly string[];
  /** IPv6 addresses (`Ipv6Addresses`), when any: IPv6 paths use the first. */
  readonly ipv6Addresses?: readonly string[];
  /** The public IPv4 (auto-assigned or Elastic IP) associated with the primary address, when any. */
  readonly publicIp?: string;
  readonly interfaceType: string;
  readonly instanceId?: string;
  /** The interface endpoint (PrivateLink) this ENI belongs to, from VpcEndpoints' `NetworkInterfaceIds`. */
  readonly vpcEndpoint?: { readonly id: string; readonly service: string };
  readonly tags: Labels;
  readonly source: AwsSourceRef;
}

export type SgPeer =
  | { readonly kind: 'cidr'; readonly cidr: ParsedCidr; readonly text: string }
  | { readonly kind: 'group'; readonly id: string; readonly account?: string; readonly peering?: string }
  | { readonly kind: 'prefix-list'; readonly id: string };

export interface SgRule {
  readonly traffic: TrafficSet;
  readonly peer: SgPeer;
  readonly description?: string;
  readonly source: AwsSourceRef;
}

export interface SecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly vpc: string;
  readonly account: string;
  readonly ingress: readonly SgRule[];
  readonly egress: readonly SgRule[];
  readonly source: AwsSourceRef;
}

export interface NaclEntry {
  readonly ruleNumber: number;
  readonly action: 'allow' | 'deny';
  readonly egress: boolean;
  readonly traffic: TrafficSet;
  readonly cidr: ParsedCidr;
  readonly source: AwsSourceRef;
}

export interface NetworkAcl {
  readonly id: string;
  readonly vpc: string;
  readonly isDefault: boolean;
  readonly subnets: readonly string[];
  /** Sorted by rule number. */
  readonly inbound: readonly NaclEntry[];
  readonly outbound: readonly NaclEntry[];
  readonly source: AwsSourceRef;
}

export type RouteTargetKind = 'local' | 'igw' | 'eigw' | 'nat' | 'pcx' | 'tgw' | 'eni' | 'instance' | 'vpce' | 'vgw' | 'other';
export interface RouteTarget {
  readonly kind: RouteTargetKind;
  /** The target's id ('local' for the local route). */
  readonly id: string;
}

export interface Route {
  /** A CIDR, or a prefix list whose entries are its destinations. */
  readonly destination: { readonly kind: 'cidr'; readonly cidr: ParsedCidr; readonly text: string } | { readonly kind: 'prefix-list'; readonly id: string };
  readonly target: RouteTarget;
  readonly state: 'active' | 'blackhole';
  readonly origin: 'static' | 'propagated';
  readonly source: AwsSourceRef;
}

export interface RouteTable {
  readonly id: string;
  readonly vpc: string;
  readonly main: boolean;
  readonly subnets: readonly string[];
  readonly routes: readonly Route[];
  readonly source: AwsSourceRef;
}

export interface InternetGateway {
  readonly id: string;
  readonly vpcs: readonly string[];
  readonly source: AwsSourceRef;
}

/** An egress-only internet gateway: IPv6 out to the internet and the replies back, nothing the internet opens. */
export interface EgressOnlyGateway {
  readonly id: string;
  readonly vpcs: readonly string[];
  readonly source: AwsSourceRef;
}

export interface NatGateway {
  readonly id: string;
  readonly vpc: string;
  readonly subnet: string;
  readonly connectivity: 'public' | 'private';
  readonly state: string;
  readonly privateIp?: string;
  readonly publicIp?: string;
  readonly source: AwsSourceRef;
}

export interface PeeringSide {
  readonly vpc: string;
  readonly account: string;
  readonly region: string;
}

export interface Peering {
  readonly id: string;
  readonly requester: PeeringSide;
  readonly accepter: PeeringSide;
  readonly status: string;
  readonly source: AwsSourceRef;
}

export interface TransitGateway {
  readonly id: string;
  readonly account: string;
  readonly state: string;
  readonly securityGroupReferencing: boolean;
  /** Options.AutoAcceptSharedAttachments: attachments from other accounts join without review. */
  readonly autoAcceptSharedAttachments: boolean;
  readonly source: AwsSourceRef;
}

export interface TgwAttachment {
  readonly id: string;
  readonly tgw: string;
  readonly resourceType: string;
  /** The VPC id for a VPC attachment. */
  readonly resourceId: string;
  readonly state: string;
  /** The TGW route table the attachment is associated with, when any. */
  readonly association?: string;
  /** Subnets of a VPC attachment, when the snapshot has TransitGatewayVpcAttachments. */
  readonly subnets?: readonly string[];
  /** Options.ApplianceModeSupport "enable": the TGW pins each flow to one zone of this VPC by a hash, not the sender's zone. */
  readonly applianceMode?: boolean;
  /**
   * Options.SecurityGroupReferencingSupport of a VPC attachment (the API's default is "enable"); undefined
   * when the snapshot does not say (no TransitGatewayVpcAttachments entry).
   */
  readonly securityGroupReferencing?: boolean;
  readonly source: AwsSourceRef;
}

export interface TgwRoute {
  readonly destination: { readonly kind: 'cidr'; readonly cidr: ParsedCidr; readonly text: string } | { readonly kind: 'prefix-list'; readonly id: string };
  readonly attachments: readonly string[];
  readonly state: 'active' | 'blackhole';
  readonly origin: 'static' | 'propagated';
  readonly source: AwsSourceRef;
}

export interface TgwRouteTable {
  readonly id: string;
  readonly tgw: string;
  readonly routes: readonly TgwRoute[];
  readonly associations: readonly string[];
  readonly propagations: readonly string[];
  readonly source: AwsSourceRef;
  /** Where the snapshot says its route search was cut short (`AdditionalRoutesAvailable`): `routes` are not all of them. */
  readonly routesTruncated?: AwsSourceRef;
}

export interface PrefixList {
  readonly id: string;
  readonly name: string;
  readonly entries: readonly ParsedCidr[];
  /** False when the snapshot had no entries for the list (it then matches nothing, with a diagnostic). */
  readonly entriesKnown: boolean;
  readonly source: AwsSourceRef;
}

export interface VpcEndpoint {
  readonly id: string;
  readonly vpc: string;
  /** `Gateway`, `Interface`, `GatewayLoadBalancer`, ... as VpcEndpointType says. */
  readonly type: string;
  readonly serviceName: string;
  /** `available`, `pending`, ...; undefined when the input does not say. */
  readonly state?: string;
  /** A gateway endpoint's route tables (RouteTableIds). */
  readonly routeTables: readonly string[];
  /** An interface endpoint's ENIs (NetworkInterfaceIds). */
  readonly networkInterfaces: readonly string[];
  readonly source: AwsSourceRef;
}

/** Everything read from AWS snapshots, with the problems found on the way. */
export interface AwsInventory {
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly interfaces: readonly NetworkInterface[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly routeTables: readonly RouteTable[];
  readonly internetGateways: readonly InternetGateway[];
  readonly egressOnlyGateways: readonly EgressOnlyGateway[];
  readonly natGateways: readonly NatGateway[];
  readonly peerings: readonly Peering[];
  readonly transitGateways: readonly TransitGateway[];
  readonly tgwAttachments: readonly TgwAttachment[];
  readonly tgwRouteTables: readonly TgwRouteTable[];
  readonly prefixLists: readonly PrefixList[];
  readonly vpcEndpoints: readonly VpcEndpoint[];
  readonly diagnostics: readonly Diagnostic[];
  /** Settings that may change traffic and that the engine does not evaluate (each also a warning). */
  readonly unmodelled: readonly UnmodelledObject[];
}

/** The endpoint id of the reach contract: `<account>/<region>/<vpc>/<eni-id>`. */
export function interfaceEndpointId(e: NetworkInterface): string {
  return `${e.account}/${e.region}/${e.vpc}/${e.id}`;
}
