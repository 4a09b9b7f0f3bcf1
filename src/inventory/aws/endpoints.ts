/** Which routes to a `vpce-` target are gateway endpoint routes (S3, DynamoDB), the ones the engine evaluates. */
import type { Route, VpcEndpoint } from './types.js';

/**
 * The gateway endpoint a route sends its prefix list to, when the engine evaluates that route: an available
 * `Gateway` endpoint of the table's own VPC and a prefix-list destination (a gateway endpoint's routes always
 * have one). Any other `vpce-` route (a Gateway Load Balancer endpoint, an endpoint not in the input, one
 * pending or being deleted) is not evaluated.
 */
export function gatewayEndpointOfRoute(endpoints: ReadonlyMap<string, VpcEndpoint>, vpc: string, r: Route): VpcEndpoint | undefined {
  if (r.target.kind !== 'vpce' || r.destination.kind !== 'prefix-list') return undefined;
  const ep = endpoints.get(r.target.id);
  if (!ep || ep.type !== 'Gateway' || ep.vpc !== vpc) return undefined;
  return ep.state === undefined || ep.state === 'available' ? ep : undefined;
}
