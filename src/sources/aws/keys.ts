/**
 * The top-level keys that make a JSON file AWS input, apart from their readers: telling AWS input from
 * manifests must not load the readers (every Kubernetes-only run would pay for them).
 */

/** Every describe-* key with a reader in registry.ts (test/aws/snapshot.test.ts keeps the two equal). */
export const DESCRIBE_KEYS: ReadonlySet<string> = new Set([
  'EgressOnlyInternetGateways', 'InternetGateways', 'ManagedPrefixListEntries', 'NatGateways', 'NetworkAcls', 'NetworkInterfaces', 'PrefixLists',
  'Reservations', 'RouteTables', 'SecurityGroups', 'Subnets', 'TransitGatewayAttachments', 'TransitGatewayRouteTables',
  'TransitGatewayRouteTableAssociations', 'TransitGatewayRouteTablePropagations', 'TransitGatewayRouteTableRoutes', 'TransitGateways',
  'TransitGatewayVpcAttachments', 'VpcEndpoints', 'VpcPeeringConnections', 'Vpcs',
]);

/** np-guard collector list key -> the describe-* key whose reader takes the same objects. */
export const COLLECTOR_KEYS: Readonly<Record<string, string>> = {
  vpcs: 'Vpcs', subnets: 'Subnets', network_acls: 'NetworkAcls', security_groups: 'SecurityGroups', internet_gateways: 'InternetGateways',
  nat_gateways: 'NatGateways', route_tables: 'RouteTables', network_interfaces: 'NetworkInterfaces', vpc_peering_connections: 'VpcPeeringConnections',
};

/** True for a collector document. */
export function isCollectorDoc(doc: Record<string, unknown>): boolean {
  return doc['provider'] === 'aws' && Object.keys(doc).some((k) => k in COLLECTOR_KEYS || k === 'instances');
}
