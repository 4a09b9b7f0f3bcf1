/**
 * Transit Gateway: aws_ec2_transit_gateway (with its default route table), _vpc_attachment, _route_table,
 * _route_table_association, _route_table_propagation and _route. Terraform has no list of propagated routes:
 * they are made when the document is assembled, one per CIDR block of each propagating VPC.
 */
import { parseCidr } from '../../../model/address.js';
import type { TfResourceReader } from '../resource.js';

export const transitGateways: TfResourceReader = {
  types: ['aws_ec2_transit_gateway'],
  phase: 2,
  read(res, t) {
    const id = t.refs.idOf(res);
    const opt = (k: string, dflt: string): string => {
      const v = t.value(res, [k]);
      return v.kind === 'known' ? v.value : dflt;
    };
    t.parts.transitGateways.push({
      id, account: t.scope(res).account, state: 'available',
      securityGroupReferencing: opt('security_group_referencing_support', 'disable') === 'enable',
      autoAcceptSharedAttachments: opt('auto_accept_shared_attachments', 'disable') === 'enable', source: t.at(res),
    });
    const assoc = opt('default_route_table_association', 'enable') === 'enable';
    const prop = opt('default_route_table_propagation', 'enable') === 'enable';
    if (assoc || prop) {
      // AWS creates the default route table with the gateway; it is not a resource of its own.
      const table = t.refs.attrOf(res, 'association_default_route_table_id').value;
      const ptable = t.refs.attrOf(res, 'propagation_default_route_table_id').value;
      t.tgwDefaults.set(id, { ...(assoc ? { association: table } : {}), ...(prop ? { propagation: ptable } : {}), res });
    }
  },
};

export const tgwVpcAttachments: TfResourceReader = {
  types: ['aws_ec2_transit_gateway_vpc_attachment'],
  phase: 2,
  read(res, t) {
    const tgw = t.need(res, 'transit_gateway_id', 'the attachment is skipped');
    const vpc = t.need(res, 'vpc_id', 'the attachment is skipped');
    if (!tgw || !vpc) return;
    const id = t.refs.idOf(res);
    const subnets = t.list(res, ['subnet_ids']);
    if (subnets.unresolved) t.notKnown(res, ['subnet_ids'], `${res.address}: subnet_ids is known only after apply and ${subnets.unresolved}: the zones it serves are not all known`);
    // Appliance mode pins each flow to one zone of the VPC by a hash: which attachment subnet it leaves by is not known.
    const appliance = t.value(res, ['appliance_mode_support']);
    const applianceMode = appliance.kind === 'known' && appliance.value === 'enable';
    // The provider's default is "enable"; a value known only after apply leaves it unknown (a caveat when the gateway enables it).
    const referencing = t.value(res, ['security_group_referencing_support']);
    const securityGroupReferencing = referencing.kind === 'known' ? referencing.value !== 'disable' : referencing.kind === 'absent' ? true : undefined;
    t.parts.tgwAttachments.push({
      id, tgw, resourceType: 'vpc', resourceId: vpc, state: 'available', subnets: subnets.values, ...(applianceMode ? { applianceMode } : {}),
      ...(securityGroupReferencing !== undefined ? { securityGroupReferencing } : {}), source: t.at(res),
    });
    t.tgwAttachmentDefaults.set(id, {
      association: t.bool(res, ['transit_gateway_default_route_table_association']) !== false,
      propagation: t.bool(res, ['transit_gateway_default_route_table_propagation']) !== false,
    });
  },
};

export const tgwRouteTables: TfResourceReader = {
  types: ['aws_ec2_transit_gateway_route_table'],
  phase: 2,
  read(res, t) {
    const tgw = t.need(res, 'transit_gateway_id', 'the route table is skipped');
    if (tgw) t.parts.tgwRouteTables.push({ id: t.refs.idOf(res), tgw, source: t.at(res) });
  },
};

export const tgwAssociations: TfResourceReader = {
  types: ['aws_ec2_transit_gateway_route_table_association', 'aws_ec2_transit_gateway_route_table_propagation'],
  phase: 2,
  read(res, t) {
    const a = t.need(res, 'transit_gateway_attachment_id', 'skipped');
    const rt = t.need(res, 'transit_gateway_route_table_id', 'skipped');
    if (!a || !rt) return;
    if (res.type.endsWith('_association')) t.tgwAssociationOf.set(a, rt);
    else t.push(t.tgwPropagationOf, rt, { attachment: a, source: t.at(res) });
  },
};

export const tgwRoutes: TfResourceReader = {
  types: ['aws_ec2_transit_gateway_route'],
  phase: 2,
  read(res, t) {
    const rt = t.need(res, 'transit_gateway_route_table_id', 'the route is skipped');
    const dest = t.value(res, ['destination_cidr_block']);
    if (!rt) return;
    const cidr = dest.kind === 'known' ? parseCidr(dest.value) : undefined;
    if (!cidr) {
      t.report('error', 'aws-bad-route', `transit gateway route table ${rt} (${res.address}): route without a readable destination_cidr_block: skipped`, t.at(res));
      return;
    }
    const blackhole = t.bool(res, ['blackhole']) === true;
    const a = blackhole ? undefined : t.need(res, 'transit_gateway_attachment_id', 'the route is skipped');
    if (!blackhole && !a) return;
    t.push(t.parts.tgwRoutes, rt, { destination: { kind: 'cidr', cidr, text: (dest as { value: string }).value }, attachments: a ? [a] : [], state: blackhole ? 'blackhole' : 'active', origin: 'static', source: t.at(res) });
  },
};
