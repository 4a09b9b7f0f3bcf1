/** Every Terraform resource type Bulkhead reads, and the types it knows make network interfaces it does not read. */
import type { TfResourceReader } from './resource.js';
import { prefixListEntries, prefixLists, vpcEndpoints, vpcEndpointTables } from './resources/endpoints.js';
import { egressOnlyGateways, internetGatewayAttachments, internetGateways, natGateways } from './resources/gateways.js';
import { eipAssociations, eips, instances, networkInterfaces, sgAttachments } from './resources/interfaces.js';
import { networkAclAssociations, networkAclRules, networkAcls } from './resources/network-acls.js';
import { peeringAccepters, peerings } from './resources/peering.js';
import { mainRouteTableAssociations, routeTableAssociations, routeTables, routes } from './resources/route-tables.js';
import { securityGroupRules, securityGroups, vpcSecurityGroupRules } from './resources/security-groups.js';
import { tgwAssociations, tgwRouteTables, tgwRoutes, tgwVpcAttachments, transitGateways } from './resources/transit-gateways.js';
import { subnets, vpcCidrAssociations, vpcIpv6CidrAssociations, vpcs } from './resources/vpcs.js';

export const TF_READERS: readonly TfResourceReader[] = [
  vpcs, vpcCidrAssociations, vpcIpv6CidrAssociations, subnets, prefixLists, eips,
  securityGroups, securityGroupRules, vpcSecurityGroupRules, networkAcls, networkAclRules, networkAclAssociations,
  routeTables, routes, routeTableAssociations, mainRouteTableAssociations, instances, networkInterfaces, sgAttachments, eipAssociations,
  internetGateways, internetGatewayAttachments, egressOnlyGateways, natGateways, peerings, peeringAccepters,
  transitGateways, tgwVpcAttachments, tgwRouteTables, tgwAssociations, tgwRoutes, vpcEndpoints, vpcEndpointTables, prefixListEntries,
];

const BY_TYPE = new Map(TF_READERS.flatMap((r) => r.types.map((t) => [t, r] as const)));

/** The reader of a resource type, if Bulkhead reads it. */
export function readerFor(type: string): TfResourceReader | undefined {
  return BY_TYPE.get(type);
}

/**
 * Managed resource types that put network interfaces (endpoints) into a VPC, or change its traffic, which
 * are not read from Terraform: each is a warning, so a report says what it does not show.
 */
export const UNREAD_NETWORK_TYPES: ReadonlySet<string> = new Set([
  'aws_db_instance', 'aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_lb', 'aws_alb', 'aws_elb', 'aws_elasticache_cluster',
  'aws_elasticache_replication_group', 'aws_lambda_function', 'aws_eks_cluster', 'aws_eks_node_group', 'aws_ecs_service',
  'aws_autoscaling_group', 'aws_launch_template', 'aws_opensearch_domain', 'aws_elasticsearch_domain', 'aws_redshift_cluster',
  'aws_mq_broker', 'aws_msk_cluster', 'aws_efs_mount_target', 'aws_directory_service_directory', 'aws_networkfirewall_firewall',
  'aws_vpn_gateway', 'aws_vpn_gateway_attachment', 'aws_vpn_connection', 'aws_customer_gateway', 'aws_dx_gateway_association',
  'aws_ec2_transit_gateway_peering_attachment', 'aws_ec2_transit_gateway_connect', 'aws_ec2_transit_gateway_prefix_list_reference',
  'aws_vpn_gateway_route_propagation', 'aws_route53_resolver_endpoint', 'aws_security_group_association',
]);
