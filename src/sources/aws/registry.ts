/** Every describe-* output Bulkhead reads, by top-level key: one explicit, sorted list (no folder scanning). */
import type { AwsResource } from './resource.js';
import { egressOnlyGateways, internetGateways, natGateways } from './resources/gateways.js';
import { networkAcls } from './resources/network-acls.js';
import { networkInterfaces } from './resources/network-interfaces.js';
import { peerings } from './resources/peering.js';
import { prefixListEntries, prefixLists } from './resources/prefix-lists.js';
import { reservations } from './resources/reservations.js';
import { routeTables } from './resources/route-tables.js';
import { securityGroups } from './resources/security-groups.js';
import { subnets } from './resources/subnets.js';
import {
  tgwAssociations, tgwAttachments, tgwPropagations, tgwRouteTables, tgwRoutes, tgwVpcAttachments, transitGateways,
} from './resources/transit-gateways.js';
import { vpcEndpoints } from './resources/vpc-endpoints.js';
import { vpcs } from './resources/vpcs.js';

export const AWS_RESOURCES: readonly AwsResource[] = [
  egressOnlyGateways, internetGateways, prefixListEntries, natGateways, networkAcls, networkInterfaces, prefixLists, reservations, routeTables,
  securityGroups, subnets, tgwAttachments, tgwRouteTables, tgwAssociations, tgwPropagations, tgwRoutes, transitGateways,
  tgwVpcAttachments, vpcEndpoints, peerings, vpcs,
];

const BY_KEY = new Map(AWS_RESOURCES.map((r) => [r.key, r]));

/** The reader of a top-level key, if Bulkhead reads it. */
export function resourceFor(key: string): AwsResource | undefined {
  return BY_KEY.get(key);
}

/** Keys the CLI prints beside the data (paging): read silently. */
export const IGNORED_KEYS: ReadonlySet<string> = new Set(['NextToken', 'ResponseMetadata']);
