/**
 * Where a security group rule that names a group of another VPC can match (AWS: "Security groups" in
 * ../shared/cases/aws-semantics.md): an active peering in one Region, either direction; or one transit
 * gateway that enables security group referencing, on the gateway and on both VPCs' attachments, for
 * inbound rules only ("Outbound security rules referencing over Transit Gateway aren't supported", AWS
 * blog "Introducing security group referencing for AWS Transit Gateway", 2024-09). Elsewhere the reference
 * is stale and matches nothing.
 */
import type { AwsInventory } from '../../inventory/aws/types.js';

/** VPC -> the transit gateways across which its groups can be referenced (gateway and attachment enable it). */
export function referencingGateways(inv: AwsInventory): Map<string, Set<string>> {
  const enabled = new Set(inv.transitGateways.filter((g) => g.securityGroupReferencing && g.state === 'available').map((g) => g.id));
  const out = new Map<string, Set<string>>();
  for (const x of inv.tgwAttachments) {
    if (x.resourceType !== 'vpc' || x.state !== 'available' || x.securityGroupReferencing !== true || !enabled.has(x.tgw)) continue;
    let s = out.get(x.resourceId);
    if (!s) out.set(x.resourceId, (s = new Set()));
    s.add(x.tgw);
  }
  return out;
}

/** True when the two VPCs share a transit gateway of `gateways` (see referencingGateways). */
export function sharesReferencingGateway(gateways: ReadonlyMap<string, ReadonlySet<string>>, a: string, b: string): boolean {
  const x = gateways.get(a);
  const y = gateways.get(b);
  if (!x || !y) return false;
  for (const t of x) if (y.has(t)) return true;
  return false;
}

/** True when VPCs `a` and `b` are joined by an active peering in one Region. */
export function peeredInOneRegion(inv: AwsInventory, a: string, b: string): boolean {
  return inv.peerings.some((p) => p.status === 'active' && p.requester.region === p.accepter.region && ((p.requester.vpc === a && p.accepter.vpc === b) || (p.accepter.vpc === a && p.requester.vpc === b)));
}
