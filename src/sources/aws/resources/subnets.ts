/** describe-subnets: `Subnets`. */
import type { AwsResource } from '../resource.js';

export const subnets: AwsResource = {
  key: 'Subnets',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'Subnets', value)) {
      const id = r.required(o, 'SubnetId', path, 'subnet');
      const vpc = id && r.required(o, 'VpcId', path, `subnet ${id}`);
      const cidr = vpc ? r.cidr(o, 'CidrBlock', path, `subnet ${id}`) : undefined;
      if (!id || !vpc) continue;
      if (!cidr) {
        r.report('error', 'aws-missing-field', `subnet ${id} has no usable CidrBlock: skipped`, r.at(o, path));
        continue;
      }
      into.subnets.push({
        id, vpc, cidr, availabilityZone: r.optional(o, 'AvailabilityZone') ?? '', mapPublicIpOnLaunch: r.bool(o, 'MapPublicIpOnLaunch'),
        tags: r.tags(o), source: r.at(o, path),
      });
    }
  },
};
