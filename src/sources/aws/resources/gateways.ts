/** describe-internet-gateways (`InternetGateways`), describe-egress-only-internet-gateways and describe-nat-gateways. */
import type { Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

export const internetGateways: AwsResource = {
  key: 'InternetGateways',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'InternetGateways', value)) {
      const id = r.required(o, 'InternetGatewayId', path, 'internet gateway');
      if (!id) continue;
      const vpcs: string[] = [];
      for (const a of r.objects(o['Attachments'], `${path}.Attachments`, o)) {
        const v = r.optional(a.o, 'VpcId');
        const state = a.o['State'];
        if (v && (state === undefined || state === 'available' || state === 'attached')) vpcs.push(v);
      }
      into.internetGateways.push({ id, vpcs, source: r.at(o, path) });
    }
  },
};

export const egressOnlyGateways: AwsResource = {
  key: 'EgressOnlyInternetGateways',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'EgressOnlyInternetGateways', value)) {
      const id = r.required(o, 'EgressOnlyInternetGatewayId', path, 'egress-only internet gateway');
      if (!id) continue;
      const vpcs: string[] = [];
      for (const a of r.objects(o['Attachments'], `${path}.Attachments`, o)) {
        const v = r.optional(a.o, 'VpcId');
        const state = a.o['State'];
        if (v && (state === undefined || state === 'available' || state === 'attached')) vpcs.push(v);
      }
      into.egressOnlyGateways.push({ id, vpcs, source: r.at(o, path) });
    }
  },
};

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
