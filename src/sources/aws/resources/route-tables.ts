/** describe-route-tables: `RouteTables`. */
import type { Route, RouteTarget } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import type { FieldReader, Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

/** The target of an EC2 route: exactly one of the target fields is set (GatewayId doubles for igw, vgw, vpce and local). */
export function routeTarget(o: Json, r: FieldReader): RouteTarget | undefined {
  const gw = r.optional(o, 'GatewayId');
  if (gw === 'local') return { kind: 'local', id: 'local' };
  const fields: Array<[string, RouteTarget['kind']]> = [
    ['NatGatewayId', 'nat'], ['TransitGatewayId', 'tgw'], ['VpcPeeringConnectionId', 'pcx'], ['EgressOnlyInternetGatewayId', 'eigw'],
    ['NetworkInterfaceId', 'eni'], ['InstanceId', 'instance'], ['CarrierGatewayId', 'other'], ['LocalGatewayId', 'other'], ['CoreNetworkArn', 'other'],
  ];
  for (const [k, kind] of fields) {
    const v = r.optional(o, k);
    if (v) return { kind, id: v };
  }
  if (gw) return { kind: gw.startsWith('igw-') ? 'igw' : gw.startsWith('vgw-') ? 'vgw' : gw.startsWith('vpce-') ? 'vpce' : 'other', id: gw };
  return undefined;
}

export const routeTables: AwsResource = {
  key: 'RouteTables',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'RouteTables', value)) {
      const id = r.required(o, 'RouteTableId', path, 'route table');
      const vpc = id && r.required(o, 'VpcId', path, `route table ${id}`);
      if (!id || !vpc) continue;
      let main = false;
      const subnets: string[] = [];
      for (const a of r.objects(o['Associations'], `${path}.Associations`, o)) {
        const state = (a.o['AssociationState'] as Json | undefined)?.['State'];
        if (state !== undefined && state !== 'associated') continue;
        if (a.o['Main'] === true) main = true;
        const s = r.optional(a.o, 'SubnetId');
        if (s) subnets.push(s);
      }
      const routes: Route[] = [];
      for (const e of r.objects(o['Routes'], `${path}.Routes`, o)) {
        const text = r.optional(e.o, 'DestinationCidrBlock') ?? r.optional(e.o, 'DestinationIpv6CidrBlock');
        const pl = r.optional(e.o, 'DestinationPrefixListId');
        const cidr = text ? parseCidr(text) : undefined;
        const target = routeTarget(e.o, r);
        if ((!cidr && !pl) || !target) {
          r.report('error', 'aws-bad-route', `route table ${id}: route without a readable ${!cidr && !pl ? 'destination' : 'target'}: skipped`, r.at(e.o, e.path));
          continue;
        }
        routes.push({
          destination: cidr && text ? { kind: 'cidr', cidr, text } : { kind: 'prefix-list', id: pl! },
          target, state: e.o['State'] === 'blackhole' ? 'blackhole' : 'active',
          origin: e.o['Origin'] === 'EnableVgwRoutePropagation' ? 'propagated' : 'static', source: r.at(e.o, e.path),
        });
      }
      into.routeTables.push({ id, vpc, main, subnets, routes, source: r.at(o, path) });
    }
  },
};
