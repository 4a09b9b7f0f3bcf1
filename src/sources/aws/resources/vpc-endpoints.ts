/** describe-vpc-endpoints: `VpcEndpoints` (interface endpoints' ENIs come through NetworkInterfaces). */
import type { AwsResource } from '../resource.js';

export const vpcEndpoints: AwsResource = {
  key: 'VpcEndpoints',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'VpcEndpoints', value)) {
      const id = r.required(o, 'VpcEndpointId', path, 'VPC endpoint');
      const vpc = id && r.required(o, 'VpcId', path, `VPC endpoint ${id}`);
      if (id && vpc) into.vpcEndpoints.push({ id, vpc, type: r.optional(o, 'VpcEndpointType') ?? 'Interface', serviceName: r.optional(o, 'ServiceName') ?? '', source: r.at(o, path) });
    }
  },
};
