/**
 * Every EC2 call `collect --aws` makes, in order: the action (also its IAM permission, `ec2:<Action>`), the
 * SDK paginator, the page size, the output key the snapshot reader recognises and the file it goes to
 * (docs/aws.md). Only Describe*, Get* and Search* actions: the collector never changes anything.
 */
import {
  paginateDescribeEgressOnlyInternetGateways, paginateDescribeInstances, paginateDescribeInternetGateways, paginateDescribeManagedPrefixLists, paginateDescribeNatGateways, paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces, paginateDescribeRouteTables, paginateDescribeSecurityGroups, paginateDescribeSubnets,
  paginateDescribeTransitGatewayAttachments, paginateDescribeTransitGatewayRouteTables, paginateDescribeTransitGateways,
  paginateDescribeTransitGatewayVpcAttachments, paginateDescribeVpcEndpoints, paginateDescribeVpcPeeringConnections, paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries, paginateGetTransitGatewayRouteTableAssociations, paginateGetTransitGatewayRouteTablePropagations,
  paginateSearchTransitGatewayRoutes, type EC2Client,
} from '@aws-sdk/client-ec2';

/** The pages of one call: the SDK paginator, typed loosely so one table can hold them all. */
export type Pages = (client: EC2Client, pageSize: number, input: Record<string, unknown>) => AsyncIterable<Record<string, unknown>>;

function pages(paginate: (config: { client: EC2Client; pageSize?: number }, input: never) => AsyncIterable<unknown>): Pages {
  return (client, pageSize, input) => paginate({ client, pageSize }, input as never) as AsyncIterable<Record<string, unknown>>;
}

/** A call made once per region; its output is one file `{"<key>": [...]}`. */
export interface RegionCall {
  readonly action: string;
  readonly key: string;
  readonly file: string;
  /** MaxResults per page, within the range the action accepts. */
  readonly pageSize: number;
  readonly pages: Pages;
  /** The list's id field: an object seen in an earlier region (a peering across Regions) is written once. */
  readonly globalId?: string;
}

/** A call made once per object of a region call (each TGW route table, each prefix list): one keyed file. */
export interface PerObjectCall {
  readonly action: string;
  /** The region call whose objects it is made for, and their id field (also the request's parameter). */
  readonly parentKey: string;
  readonly idField: string;
  /** The output's list (`Routes`) and the key the snapshot stores it under, keyed by parent id. */
  readonly outputList: string;
  readonly key: string;
  readonly file: string;
  readonly pageSize: number;
  readonly pages: Pages;
  readonly input?: Record<string, unknown>;
}

export const REGION_CALLS: readonly RegionCall[] = [
  { action: 'DescribeVpcs', key: 'Vpcs', file: 'vpcs.json', pageSize: 1000, pages: pages(paginateDescribeVpcs) },
  { action: 'DescribeSubnets', key: 'Subnets', file: 'subnets.json', pageSize: 1000, pages: pages(paginateDescribeSubnets) },
  { action: 'DescribeRouteTables', key: 'RouteTables', file: 'route-tables.json', pageSize: 100, pages: pages(paginateDescribeRouteTables) },
  { action: 'DescribeSecurityGroups', key: 'SecurityGroups', file: 'security-groups.json', pageSize: 1000, pages: pages(paginateDescribeSecurityGroups) },
  { action: 'DescribeNetworkAcls', key: 'NetworkAcls', file: 'network-acls.json', pageSize: 1000, pages: pages(paginateDescribeNetworkAcls) },
  // Every ENI with its own tags, instances' included.
  { action: 'DescribeNetworkInterfaces', key: 'NetworkInterfaces', file: 'network-interfaces.json', pageSize: 1000, pages: pages(paginateDescribeNetworkInterfaces) },
  // For the instances' Tags, which their ENIs carry where their own lack the key (EKS tags the node instances);
  // the reader prefers the ENIs' own listing above to the copies inside the reservations. MaxResults 5-1000.
  { action: 'DescribeInstances', key: 'Reservations', file: 'instances.json', pageSize: 1000, pages: pages(paginateDescribeInstances) },
  { action: 'DescribeInternetGateways', key: 'InternetGateways', file: 'internet-gateways.json', pageSize: 1000, pages: pages(paginateDescribeInternetGateways) },
  // MaxResults 5-255 for this action.
  { action: 'DescribeEgressOnlyInternetGateways', key: 'EgressOnlyInternetGateways', file: 'egress-only-internet-gateways.json', pageSize: 255, pages: pages(paginateDescribeEgressOnlyInternetGateways) },
  { action: 'DescribeNatGateways', key: 'NatGateways', file: 'nat-gateways.json', pageSize: 1000, pages: pages(paginateDescribeNatGateways) },
  { action: 'DescribeVpcPeeringConnections', key: 'VpcPeeringConnections', file: 'vpc-peering-connections.json', pageSize: 1000, pages: pages(paginateDescribeVpcPeeringConnections), globalId: 'VpcPeeringConnectionId' },
  { action: 'DescribeVpcEndpoints', key: 'VpcEndpoints', file: 'vpc-endpoints.json', pageSize: 1000, pages: pages(paginateDescribeVpcEndpoints) },
  { action: 'DescribeTransitGateways', key: 'TransitGateways', file: 'transit-gateways.json', pageSize: 1000, pages: pages(paginateDescribeTransitGateways) },
  { action: 'DescribeTransitGatewayAttachments', key: 'TransitGatewayAttachments', file: 'transit-gateway-attachments.json', pageSize: 1000, pages: pages(paginateDescribeTransitGatewayAttachments), globalId: 'TransitGatewayAttachmentId' },
  { action: 'DescribeTransitGatewayVpcAttachments', key: 'TransitGatewayVpcAttachments', file: 'transit-gateway-vpc-attachments.json', pageSize: 1000, pages: pages(paginateDescribeTransitGatewayVpcAttachments) },
  { action: 'DescribeTransitGatewayRouteTables', key: 'TransitGatewayRouteTables', file: 'transit-gateway-route-tables.json', pageSize: 1000, pages: pages(paginateDescribeTransitGatewayRouteTables) },
  { action: 'DescribeManagedPrefixLists', key: 'PrefixLists', file: 'managed-prefix-lists.json', pageSize: 100, pages: pages(paginateDescribeManagedPrefixLists) },
];

export const PER_OBJECT_CALLS: readonly PerObjectCall[] = [
  {
    action: 'SearchTransitGatewayRoutes', parentKey: 'TransitGatewayRouteTables', idField: 'TransitGatewayRouteTableId', outputList: 'Routes',
    key: 'TransitGatewayRouteTableRoutes', file: 'transit-gateway-routes.json', pageSize: 1000, pages: pages(paginateSearchTransitGatewayRoutes),
    // The action needs a filter; these two types are every route (blackholes are static).
    input: { Filters: [{ Name: 'type', Values: ['static', 'propagated'] }] },
  },
  {
    action: 'GetTransitGatewayRouteTableAssociations', parentKey: 'TransitGatewayRouteTables', idField: 'TransitGatewayRouteTableId', outputList: 'Associations',
    key: 'TransitGatewayRouteTableAssociations', file: 'transit-gateway-route-table-associations.json', pageSize: 1000, pages: pages(paginateGetTransitGatewayRouteTableAssociations),
  },
  {
    action: 'GetTransitGatewayRouteTablePropagations', parentKey: 'TransitGatewayRouteTables', idField: 'TransitGatewayRouteTableId', outputList: 'TransitGatewayRouteTablePropagations',
    key: 'TransitGatewayRouteTablePropagations', file: 'transit-gateway-route-table-propagations.json', pageSize: 1000, pages: pages(paginateGetTransitGatewayRouteTablePropagations),
  },
  {
    action: 'GetManagedPrefixListEntries', parentKey: 'PrefixLists', idField: 'PrefixListId', outputList: 'Entries',
    key: 'ManagedPrefixListEntries', file: 'managed-prefix-list-entries.json', pageSize: 100, pages: pages(paginateGetManagedPrefixListEntries),
  },
];

/** The IAM actions the collector needs, sorted: exactly the calls above (docs/aws.md prints the policy). */
export function requiredActions(): string[] {
  return [...REGION_CALLS, ...PER_OBJECT_CALLS].map((c) => `ec2:${c.action}`).sort();
}

/** The read-only IAM policy document for `collect --aws` and scripts/collect-aws.sh. */
export function readOnlyPolicy(): { Version: string; Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }> } {
  return { Version: '2012-10-17', Statement: [{ Sid: 'BulkheadCollect', Effect: 'Allow', Action: requiredActions(), Resource: '*' }] };
}
