/**
 * aws_vpc_endpoint (+ _route_table_association) and managed prefix lists (aws_ec2_managed_prefix_list with
 * inline `entry` blocks, aws_ec2_managed_prefix_list_entry).
 */
import type { ParsedCidr } from '../../../model/address.js';
import { parseCidr } from '../../../model/address.js';
import type { TfResource } from '../document.js';
import type { TfReader } from '../reader.js';
import type { TfResourceReader } from '../resource.js';

/**
 * A gateway endpoint's route in a table: to the service's prefix list. A prefix list id known only after
 * apply gets a placeholder, whose entries are unknown, so the route is a caveat in every report.
 */
export function endpointRoute(t: TfReader, res: TfResource, table: string, endpoint: string, prefixList: string | undefined, at: TfResource = res): void {
  t.push(t.routes, table, { destination: { kind: 'prefix-list', id: prefixList ?? `tf:${res.address}.prefix_list_id` }, target: { kind: 'vpce', id: endpoint }, state: 'active', origin: 'static', source: t.at(at) });
}

export const vpcEndpoints: TfResourceReader = {
  types: ['aws_vpc_endpoint'],
  phase: 2,
  read(res, t) {
    const vpc = t.need(res, 'vpc_id', 'the endpoint is skipped');
    if (!vpc) return;
    const id = t.refs.idOf(res);
    const type = t.value(res, ['vpc_endpoint_type']);
    const service = t.value(res, ['service_name']);
    const kind = type.kind === 'known' ? type.value : 'Gateway';
    t.parts.vpcEndpoints.push({ id, vpc, type: kind, serviceName: service.kind === 'known' ? service.value : '', routeTables: [], networkInterfaces: [], source: t.at(res) });
    const pl = t.value(res, ['prefix_list_id']);
    if (kind === 'Gateway') {
      for (const table of t.list(res, ['route_table_ids']).values) endpointRoute(t, res, table, id, pl.kind === 'known' ? pl.value : undefined);
      t.gatewayEndpoints.set(id, { res, ...(pl.kind === 'known' ? { prefixList: pl.value } : {}) });
    } else {
      t.report('warning', 'tf-endpoint-interfaces', `${res.address}: the network interfaces of ${kind} endpoint ${id} are not in Terraform (their addresses are not known): paths to it are not listed`, t.at(res));
    }
  },
};

export const vpcEndpointTables: TfResourceReader = {
  types: ['aws_vpc_endpoint_route_table_association'],
  phase: 2,
  read(res, t) {
    const table = t.need(res, 'route_table_id', 'skipped');
    const ep = t.need(res, 'vpc_endpoint_id', 'skipped');
    if (table && ep) t.endpointTables.push({ res, table, endpoint: ep });
  },
};

export const prefixLists: TfResourceReader = {
  types: ['aws_ec2_managed_prefix_list'],
  phase: 1,
  read(res, t) {
    const id = t.refs.idOf(res);
    const name = t.value(res, ['name']);
    t.parts.prefixLists.push({ id, name: name.kind === 'known' ? name.value : res.name, source: t.at(res) });
    const cidrs: ParsedCidr[] = t.parts.prefixListEntries.get(id) ?? [];
    for (const { i } of t.blocks(res, 'entry')) {
      const v = t.value(res, ['entry', i, 'cidr']);
      const c = v.kind === 'known' ? parseCidr(v.value) : undefined;
      if (c) cidrs.push(c);
      else t.report('error', 'aws-bad-cidr', `prefix list ${id} (${res.address}): entry cidr is not a CIDR block: skipped`, t.at(res, ['entry', i]));
    }
    t.parts.prefixListEntries.set(id, cidrs);
  },
};

export const prefixListEntries: TfResourceReader = {
  types: ['aws_ec2_managed_prefix_list_entry'],
  phase: 2,
  read(res, t) {
    const id = t.need(res, 'prefix_list_id', 'the entry is skipped');
    const v = t.value(res, ['cidr']);
    if (!id) return;
    const c = v.kind === 'known' ? parseCidr(v.value) : undefined;
    if (!c) {
      t.report('error', 'aws-bad-cidr', `${res.address}: cidr is not a CIDR block: skipped`, t.at(res, ['cidr']));
      return;
    }
    const list = t.parts.prefixListEntries.get(id) ?? [];
    // The list's state shows the entries these resources add too: each CIDR once.
    if (!list.some((x) => x.range.lo === c.range.lo && x.range.hi === c.range.hi && x.range.family === c.range.family)) list.push(c);
    t.parts.prefixListEntries.set(id, list);
  },
};
