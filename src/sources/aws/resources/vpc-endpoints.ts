/** describe-vpc-endpoints: `VpcEndpoints` (interface endpoints' ENIs come through NetworkInterfaces; joined by `NetworkInterfaceIds`). */
import type { Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

const strings = (o: Json, key: string): string[] => (Array.isArray(o[key]) ? (o[key] as unknown[]).filter((s): s is string => typeof s === 'string') : []);

export const vpcEndpoints: AwsResource = {
  key: 'VpcEndpoints',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'VpcEndpoints', value)) {
      const id = r.required(o, 'VpcEndpointId', path, 'VPC endpoint');
      const vpc = id && r.required(o, 'VpcId', path, `VPC endpoint ${id}`);
      if (!id || !vpc) continue;
      const state = r.optional(o, 'State');
      into.vpcEndpoints.push({
        id, vpc, type: r.optional(o, 'VpcEndpointType') ?? 'Interface', serviceName: r.optional(o, 'ServiceName') ?? '',
        ...(state ? { state: state.toLowerCase() } : {}),
        routeTables: strings(o, 'RouteTableIds'), networkInterfaces: strings(o, 'NetworkInterfaceIds'), source: r.at(o, path),
      });
    }
  },
};
