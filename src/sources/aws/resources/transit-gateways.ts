/**
 * Transit Gateway outputs: `TransitGateways`, `TransitGatewayAttachments`, `TransitGatewayVpcAttachments` (for the
 * attachment subnets), `TransitGatewayRouteTables`, and the per-table lists a snapshot keys by route table id:
 * `TransitGatewayRouteTableRoutes`, `TransitGatewayRouteTableAssociations`, `TransitGatewayRouteTablePropagations`.
 */
import type { TgwRoute } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import type { Json } from '../fields.js';
import { keyedLists, type AwsResource } from '../resource.js';

export const transitGateways: AwsResource = {
  key: 'TransitGateways',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'TransitGateways', value)) {
      const id = r.required(o, 'TransitGatewayId', path, 'transit gateway');
      if (!id) continue;
      const opts = (o['Options'] as Json | undefined) ?? {};
      into.transitGateways.push({
        id, account: r.optional(o, 'OwnerId') ?? r.account ?? 'unknown', state: r.optional(o, 'State') ?? 'available',
        securityGroupReferencing: opts['SecurityGroupReferencingSupport'] === 'enable',
        autoAcceptSharedAttachments: opts['AutoAcceptSharedAttachments'] === 'enable', source: r.at(o, path),
      });
    }
  },
};

export const tgwAttachments: AwsResource = {
  key: 'TransitGatewayAttachments',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'TransitGatewayAttachments', value)) {
      const id = r.required(o, 'TransitGatewayAttachmentId', path, 'transit gateway attachment');
      const tgw = id && r.required(o, 'TransitGatewayId', path, `transit gateway attachment ${id}`);
      const resourceId = tgw && r.required(o, 'ResourceId', path, `transit gateway attachment ${id}`);
      if (!id || !tgw || !resourceId) continue;
      const assoc = o['Association'] as Json | undefined;
      const rt = assoc && typeof assoc['TransitGatewayRouteTableId'] === 'string' && (assoc['State'] === undefined || assoc['State'] === 'associated') ? (assoc['TransitGatewayRouteTableId'] as string) : undefined;
      into.tgwAttachments.push({
        id, tgw, resourceId, resourceType: r.optional(o, 'ResourceType') ?? 'vpc', state: r.optional(o, 'State') ?? 'available',
        ...(rt ? { association: rt } : {}), source: r.at(o, path),
      });
    }
  },
};

export const tgwVpcAttachments: AwsResource = {
  key: 'TransitGatewayVpcAttachments',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'TransitGatewayVpcAttachments', value)) {
      const id = r.required(o, 'TransitGatewayAttachmentId', path, 'transit gateway VPC attachment');
      if (!id) continue;
      const subnets = Array.isArray(o['SubnetIds']) ? (o['SubnetIds'] as unknown[]).filter((s): s is string => typeof s === 'string') : [];
      into.tgwAttachmentSubnets.set(id, subnets);
      const options = o['Options'] as Json | undefined;
      if (options && options['ApplianceModeSupport'] === 'enable') into.tgwApplianceMode.add(id);
      into.tgwSgReferencing.set(id, options?.['SecurityGroupReferencingSupport'] !== 'disable');
    }
  },
};

export const tgwRouteTables: AwsResource = {
  key: 'TransitGatewayRouteTables',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'TransitGatewayRouteTables', value)) {
      const id = r.required(o, 'TransitGatewayRouteTableId', path, 'transit gateway route table');
      const tgw = id && r.required(o, 'TransitGatewayId', path, `transit gateway route table ${id}`);
      if (id && tgw) into.tgwRouteTables.push({ id, tgw, source: r.at(o, path) });
    }
  },
};

export const tgwRoutes: AwsResource = {
  key: 'TransitGatewayRouteTableRoutes',
  parse(value, r, into) {
    for (const entry of keyedLists(value, 'TransitGatewayRouteTableRoutes', r, value)) {
      const { id } = entry;
      // Each id's routes as a list, or the whole search output ({"Routes": [...], "AdditionalRoutesAvailable": ...}),
      // which says whether AWS cut the search short: then the table has routes the snapshot lacks.
      const whole = entry.items !== null && typeof entry.items === 'object' && !Array.isArray(entry.items) ? (entry.items as Record<string, unknown>) : undefined;
      const items = whole ? whole['Routes'] : entry.items;
      const path = whole ? `${entry.path}.Routes` : entry.path;
      if (whole?.['AdditionalRoutesAvailable'] === true) into.tgwRoutesCut.set(id, r.at(whole, entry.path));
      const routes: TgwRoute[] = into.tgwRoutes.get(id) ?? [];
      for (const e of r.objects(items, path, whole ?? value)) {
        const text = r.optional(e.o, 'DestinationCidrBlock');
        const pl = r.optional(e.o, 'PrefixListId');
        const cidr = text ? parseCidr(text) : undefined;
        if (!cidr && !pl) {
          r.report('error', 'aws-bad-route', `transit gateway route table ${id}: route without a readable destination: skipped`, r.at(e.o, e.path));
          continue;
        }
        const attachments: string[] = [];
        for (const a of r.objects(e.o['TransitGatewayAttachments'], `${e.path}.TransitGatewayAttachments`, e.o)) {
          const aid = r.optional(a.o, 'TransitGatewayAttachmentId');
          if (aid) attachments.push(aid);
        }
        const state = e.o['State'] === 'blackhole' ? 'blackhole' : 'active';
        if (state === 'active' && attachments.length === 0) {
          r.report('error', 'aws-bad-route', `transit gateway route table ${id}: active route to ${text ?? pl} names no attachment: skipped`, r.at(e.o, e.path));
          continue;
        }
        routes.push({
          destination: cidr && text ? { kind: 'cidr', cidr, text } : { kind: 'prefix-list', id: pl! }, attachments, state,
          origin: e.o['Type'] === 'propagated' ? 'propagated' : 'static', source: r.at(e.o, e.path),
        });
      }
      into.tgwRoutes.set(id, routes);
    }
  },
};

function attachmentLists(key: string, target: 'tgwAssociations' | 'tgwPropagations'): AwsResource {
  return {
    key,
    parse(value, r, into) {
      for (const { id, items, path } of keyedLists(value, key, r, value)) {
        const list = into[target].get(id) ?? [];
        for (const e of r.objects(items, path, value)) {
          const state = e.o['State'];
          const aid = r.required(e.o, 'TransitGatewayAttachmentId', e.path, `transit gateway route table ${id} entry`);
          if (aid && (state === undefined || state === 'associated' || state === 'enabled')) list.push(aid);
        }
        into[target].set(id, list);
      }
    },
  };
}

export const tgwAssociations = attachmentLists('TransitGatewayRouteTableAssociations', 'tgwAssociations');
export const tgwPropagations = attachmentLists('TransitGatewayRouteTablePropagations', 'tgwPropagations');
