/**
 * Route tables: aws_route_table and aws_default_route_table (inline `route` blocks), aws_route,
 * aws_route_table_association and aws_main_route_table_association. Terraform does not list the local
 * routes: they are added for every CIDR block of the VPC when the document is assembled.
 */
import type { Route, RouteTarget } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import type { TfResource } from '../document.js';
import type { TfReader } from '../reader.js';
import type { TfResourceReader } from '../resource.js';

type Path = Array<string | number>;

const TARGETS: ReadonlyArray<[string, RouteTarget['kind']]> = [
  ['nat_gateway_id', 'nat'], ['transit_gateway_id', 'tgw'], ['vpc_peering_connection_id', 'pcx'], ['egress_only_gateway_id', 'eigw'],
  ['network_interface_id', 'eni'], ['vpc_endpoint_id', 'vpce'], ['carrier_gateway_id', 'other'], ['local_gateway_id', 'other'], ['core_network_arn', 'other'],
  ['gateway_id', 'other'], ['instance_id', 'instance'],
];

/** The kind of a `gateway_id`: by id prefix, or for a placeholder by the resource type it names. */
function gatewayKind(id: string): RouteTarget['kind'] {
  if (id === 'local') return 'local';
  const type = /^tf:(?:.*\.)?(aws_[a-z0-9_]+)\.[^.]+$/.exec(id.replace(/\[[^\]]*\]/g, ''))?.[1];
  if (type === 'aws_internet_gateway' || id.startsWith('igw-')) return 'igw';
  if (type === 'aws_vpn_gateway' || id.startsWith('vgw-')) return 'vgw';
  if (type === 'aws_vpc_endpoint' || id.startsWith('vpce-')) return 'vpce';
  return 'other';
}

/** One route: a destination and one target; undefined (after a diagnostic) when either cannot be read. */
export function readRoute(t: TfReader, res: TfResource, path: Path, table: string, keys: { cidr: string; cidr6: string; prefixList: string }): Route | undefined {
  let target: RouteTarget | undefined;
  let unknownWhy: string | undefined;
  for (const [k, kind] of TARGETS) {
    const v = t.value(res, [...path, k]);
    if (v.kind === 'unknown') unknownWhy ??= `${k} is known only after apply and ${v.why}`;
    if (v.kind !== 'known') continue;
    // aws_route reports the instance behind an ENI target as well: the ENI is the target.
    if (k === 'instance_id' && target) continue;
    target ??= { kind: k === 'gateway_id' ? gatewayKind(v.value) : kind, id: v.value };
  }
  const text = t.value(res, [...path, keys.cidr]);
  const text6 = t.value(res, [...path, keys.cidr6]);
  const pl = t.value(res, [...path, keys.prefixList]);
  const dest = text.kind === 'known' ? text.value : text6.kind === 'known' ? text6.value : undefined;
  const cidr = dest ? parseCidr(dest) : undefined;
  if (!target || (!cidr && pl.kind !== 'known')) {
    if (unknownWhy && (cidr || pl.kind === 'known')) t.notKnown(res, path, `route table ${table} (${res.address}): route target ${unknownWhy}: the route is left out`);
    else t.report('error', 'aws-bad-route', `route table ${table} (${res.address}): route without a readable ${!cidr && pl.kind !== 'known' ? 'destination' : 'target'}: skipped`, t.at(res, path));
    return undefined;
  }
  const state = t.value(res, [...path, 'state']);
  return {
    destination: cidr && dest ? { kind: 'cidr', cidr, text: dest } : { kind: 'prefix-list', id: (pl as { value: string }).value },
    target, state: state.kind === 'known' && state.value === 'blackhole' ? 'blackhole' : 'active',
    origin: t.value(res, [...path, 'origin']).kind === 'known' && (t.value(res, [...path, 'origin']) as { value: string }).value === 'EnableVgwRoutePropagation' ? 'propagated' : 'static',
    source: t.at(res, path),
  };
}

const INLINE = { cidr: 'cidr_block', cidr6: 'ipv6_cidr_block', prefixList: 'destination_prefix_list_id' };

export const routeTables: TfResourceReader = {
  types: ['aws_route_table', 'aws_default_route_table'],
  phase: 2,
  read(res, t) {
    const isDefault = res.type === 'aws_default_route_table';
    const given = isDefault ? t.value(res, ['default_route_table_id']) : undefined;
    const id = given?.kind === 'known' ? given.value : t.refs.idOf(res);
    const vpc = t.need(res, 'vpc_id', 'the route table is skipped');
    if (!vpc) return;
    const routes: Route[] = [];
    for (const { i } of t.blocks(res, 'route')) {
      const r = readRoute(t, res, ['route', i], id, INLINE);
      if (r) routes.push(r);
    }
    if (t.list(res, ['propagating_vgws']).values.length) t.report('warning', 'aws-unmodelled-setting', `route table ${id} (${res.address}): routes propagated from a virtual private gateway are not in Terraform and not evaluated`, t.at(res, ['propagating_vgws']));
    t.parts.routeTables.push({ id, vpc, main: isDefault, subnets: [], routes, source: t.at(res) });
  },
};

export const routes: TfResourceReader = {
  types: ['aws_route'],
  phase: 2,
  read(res, t) {
    const table = t.need(res, 'route_table_id', 'the route is skipped');
    if (!table) return;
    const r = readRoute(t, res, [], table, { cidr: 'destination_cidr_block', cidr6: 'destination_ipv6_cidr_block', prefixList: 'destination_prefix_list_id' });
    if (r) t.push(t.routes, table, r);
  },
};

export const routeTableAssociations: TfResourceReader = {
  types: ['aws_route_table_association'],
  phase: 2,
  read(res, t) {
    const table = t.need(res, 'route_table_id', 'the association is skipped');
    const gw = t.value(res, ['gateway_id']);
    if (gw.kind === 'known') {
      t.report('warning', 'aws-unmodelled-setting', `${res.address}: the edge association of ${table} with gateway ${gw.value} (ingress routing) is not evaluated`, t.at(res));
      t.unmodelled.push({ kind: 'Route', apiVersion: 'ec2', name: `${table} edge ${gw.value}`, effect: 'routes traffic entering from a gateway (not evaluated)', selects: 'unknown', digest: `${res.address}`, source: { file: t.r.file, line: t.at(res).line } });
      return;
    }
    const subnet = t.need(res, 'subnet_id', 'the association is skipped');
    if (table && subnet) t.push(t.tableSubnets, table, subnet);
  },
};

export const mainRouteTableAssociations: TfResourceReader = {
  types: ['aws_main_route_table_association'],
  phase: 2,
  read(res, t) {
    const table = t.need(res, 'route_table_id', 'the association is skipped');
    const vpc = t.need(res, 'vpc_id', 'the association is skipped');
    if (table && vpc) t.mainTables.set(vpc, table);
  },
};
