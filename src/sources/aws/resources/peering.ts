/** describe-vpc-peering-connections: `VpcPeeringConnections`. */
import type { PeeringSide } from '../../../inventory/aws/types.js';
import type { FieldReader, Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

function side(o: unknown, r: FieldReader): PeeringSide | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const j = o as Json;
  const vpc = r.optional(j, 'VpcId');
  return vpc ? { vpc, account: r.optional(j, 'OwnerId') ?? r.account ?? 'unknown', region: r.optional(j, 'Region') ?? r.region ?? 'unknown' } : undefined;
}

export const peerings: AwsResource = {
  key: 'VpcPeeringConnections',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'VpcPeeringConnections', value)) {
      const id = r.required(o, 'VpcPeeringConnectionId', path, 'peering connection');
      if (!id) continue;
      const requester = side(o['RequesterVpcInfo'], r);
      const accepter = side(o['AccepterVpcInfo'], r);
      if (!requester || !accepter) {
        r.report('error', 'aws-missing-field', `peering connection ${id} has no ${requester ? 'AccepterVpcInfo' : 'RequesterVpcInfo'}.VpcId: skipped`, r.at(o, path));
        continue;
      }
      const status = ((o['Status'] as Json | undefined)?.['Code'] as string | undefined) ?? 'unknown';
      into.peerings.push({ id, requester, accepter, status, source: r.at(o, path) });
    }
  },
};
