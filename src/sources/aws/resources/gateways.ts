/** describe-internet-gateways (`InternetGateways`), describe-egress-only-internet-gateways and describe-nat-gateways. */
import type { Json } from '../fields.js';
import type { AwsResource, SnapshotParts } from '../resource.js';
import type { InternetGateway } from '../../../inventory/aws/types.js';

/** A gateway list whose items name their VPCs in `Attachments` (internet and egress-only gateways: one shape). */
function attachedGateways(key: 'InternetGateways' | 'EgressOnlyInternetGateways', idKey: string, what: string, into: (p: SnapshotParts) => InternetGateway[]): AwsResource {
  return {
    key,
    parse(value, r, parts) {
      for (const { o, path } of r.objects(value, key, value)) {
        const id = r.required(o, idKey, path, what);
        if (!id) continue;
        const vpcs: string[] = [];
        for (const a of r.objects(o['Attachments'], `${path}.Attachments`, o)) {
          const v = r.optional(a.o, 'VpcId');
          const state = a.o['State'];
          if (v && (state === undefined || state === 'available' || state === 'attached')) vpcs.push(v);
        }
        into(parts).push({ id, vpcs, source: r.at(o, path) });
      }
    },
  };
}

export const internetGateways = attachedGateways('InternetGateways', 'InternetGatewayId', 'internet gateway', (p) => p.internetGateways);
export const egressOnlyGateways = attachedGateways('EgressOnlyInternetGateways', 'EgressOnlyInternetGatewayId', 'egress-only internet gateway', (p) => p.egressOnlyGateways);

export const natGateways: AwsResource = {
  key: 'NatGateways',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'NatGateways', value)) {
      const id = r.required(o, 'NatGatewayId', path, 'NAT gateway');
      const subnet = id && r.required(o, 'SubnetId', path, `NAT gateway ${id}`);
      const vpc = subnet && r.required(o, 'VpcId', path, `NAT gateway ${id}`);
      if (!id || !subnet || !vpc) continue;
      const addr = (Array.isArray(o['NatGatewayAddresses']) ? (o['NatGatewayAddresses'] as Json[]) : []).find((a) => a && typeof a === 'object');
      const privateIp = addr && typeof addr['PrivateIp'] === 'string' ? addr['PrivateIp'] : undefined;
      const publicIp = addr && typeof addr['PublicIp'] === 'string' ? addr['PublicIp'] : undefined;
      into.natGateways.push({
        id, vpc, subnet, connectivity: o['ConnectivityType'] === 'private' ? 'private' : 'public', state: r.optional(o, 'State') ?? 'available',
        ...(privateIp ? { privateIp } : {}), ...(publicIp ? { publicIp } : {}), source: r.at(o, path),
      });
    }
  },
};
