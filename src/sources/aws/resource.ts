/** The contract of one describe-* resource reader, and the parts a snapshot is assembled from. */
import type {
  EgressOnlyGateway, InternetGateway, NatGateway, NetworkAcl, NetworkInterface, Peering, RouteTable, SecurityGroup, Subnet,
  TgwAttachment, TgwRoute, TransitGateway, Vpc, VpcEndpoint, AwsSourceRef,
} from '../../inventory/aws/types.js';
import type { Labels } from '../../inventory/types.js';
import type { ParsedCidr } from '../../model/address.js';
import type { FieldReader } from './fields.js';

export interface TgwRouteTableHead {
  readonly id: string;
  readonly tgw: string;
  readonly source: AwsSourceRef;
}

export interface PrefixListHead {
  readonly id: string;
  readonly name: string;
  readonly source: AwsSourceRef;
}

/** What the resource readers collect; keyed parts are joined to their owners afterwards. */
export interface SnapshotParts {
  readonly vpcs: Vpc[];
  readonly subnets: Subnet[];
  readonly interfaces: NetworkInterface[];
  /**
   * The interfaces describe-instances lists inside its reservations: the same ENIs as describe-network-interfaces
   * without their own TagSet, so used only for an ENI no NetworkInterfaces output lists (whichever file is read first).
   */
  readonly instanceInterfaces: NetworkInterface[];
  readonly securityGroups: SecurityGroup[];
  readonly networkAcls: NetworkAcl[];
  readonly routeTables: RouteTable[];
  readonly internetGateways: InternetGateway[];
  readonly egressOnlyGateways: EgressOnlyGateway[];
  readonly natGateways: NatGateway[];
  readonly peerings: Peering[];
  readonly transitGateways: TransitGateway[];
  readonly tgwAttachments: TgwAttachment[];
  readonly tgwAttachmentSubnets: Map<string, string[]>;
  /** VPC attachments with appliance mode on (TransitGatewayVpcAttachments Options.ApplianceModeSupport). */
  readonly tgwApplianceMode: Set<string>;
  /** VPC attachments' Options.SecurityGroupReferencingSupport (absent: the API's default, enable). */
  readonly tgwSgReferencing: Map<string, boolean>;
  readonly tgwRouteTables: TgwRouteTableHead[];
  readonly tgwRoutes: Map<string, TgwRoute[]>;
  /** Route tables whose route search AWS cut short (`AdditionalRoutesAvailable`), with where it says so. */
  readonly tgwRoutesCut: Map<string, AwsSourceRef>;
  readonly tgwAssociations: Map<string, string[]>;
  readonly tgwPropagations: Map<string, string[]>;
  readonly prefixLists: PrefixListHead[];
  readonly prefixListEntries: Map<string, ParsedCidr[]>;
  readonly vpcEndpoints: VpcEndpoint[];
  /** Instance tags (describe-instances `Tags`, Terraform aws_instance `tags`), copied onto their interfaces when assembled. */
  readonly instanceTags: Map<string, Labels>;
}

export function emptyParts(): SnapshotParts {
  return {
    vpcs: [], subnets: [], interfaces: [], instanceInterfaces: [], securityGroups: [], networkAcls: [], routeTables: [], internetGateways: [], egressOnlyGateways: [],
    natGateways: [], peerings: [], transitGateways: [], tgwAttachments: [], tgwAttachmentSubnets: new Map(), tgwApplianceMode: new Set(), tgwSgReferencing: new Map(),
    tgwRouteTables: [], tgwRoutes: new Map(), tgwRoutesCut: new Map(), tgwAssociations: new Map(), tgwPropagations: new Map(),
    prefixLists: [], prefixListEntries: new Map(), vpcEndpoints: [], instanceTags: new Map(),
  };
}

/** One describe-* output, recognised by its top-level key (Batfish style: one reader per resource). */
export interface AwsResource {
  readonly key: string;
  /** Reads the value under `key`; problems go to the reader's diagnostics, never thrown. */
  parse(value: unknown, r: FieldReader, into: SnapshotParts): void;
}

/** For outputs keyed by an id (`{"TransitGatewayRouteTableRoutes": {"tgw-rtb-1": [...]}}`): each id's list. */
export function keyedLists(value: unknown, key: string, r: FieldReader, holder: unknown): Array<{ id: string; items: unknown; path: string }> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    r.report('error', 'aws-bad-field', `${key} should map ids to lists`, r.at(holder, key));
    return [];
  }
  return Object.entries(value as Record<string, unknown>).map(([id, items]) => ({ id, items, path: `${key}["${id}"]` }));
}

/** Records an instance's tags; an instance listed twice keeps the tags first read and gains only new keys. */
export function addInstanceTags(p: SnapshotParts, instanceId: string, tags: Labels): void {
  if (Object.keys(tags).length === 0) return;
  const had = p.instanceTags.get(instanceId);
  p.instanceTags.set(instanceId, had ? { ...tags, ...had } : tags);
}

/**
 * Interfaces with their instance's tags where their own TagSet lacks the key (an interface's own tag wins):
 * describe-network-interfaces lists an ENI's tags, not its instance's, and EKS tags the node instances.
 */
export function withInstanceTags<T extends { readonly instanceId?: string; readonly tags: Labels }>(enis: T[], instanceTags: ReadonlyMap<string, Labels>): T[] {
  if (instanceTags.size === 0) return enis;
  return enis.map((e) => {
    const inst = e.instanceId !== undefined ? instanceTags.get(e.instanceId) : undefined;
    if (!inst || Object.keys(inst).every((k) => k in e.tags)) return e;
    return { ...e, tags: { ...inst, ...e.tags } };
  });
}
