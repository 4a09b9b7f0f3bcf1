/** describe-subnets: `Subnets`. */
import type { ParsedCidr } from '../../../model/address.js';
import type { AwsResource } from '../resource.js';

export const subnets: AwsResource = {
  key: 'Subnets',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'Subnets', value)) {
      const id = r.required(o, 'SubnetId', path, 'subnet');
      const vpc = id && r.required(o, 'VpcId', path, `subnet ${id}`);
      const given = o['CidrBlock'] !== undefined && o['CidrBlock'] !== '' && o['CidrBlock'] !== null;
      const cidr = vpc ? r.cidr(o, 'CidrBlock', path, `subnet ${id}`) : undefined;
      if (!id || !vpc) continue;
      let ipv6Cidr: ParsedCidr | undefined;
      for (const a of r.objects(o['Ipv6CidrBlockAssociationSet'], `${path}.Ipv6CidrBlockAssociationSet`, o)) {
        const state = (a.o['Ipv6CidrBlockState'] as Record<string, unknown> | undefined)?.['State'];
        if (state !== undefined && state !== 'associated') continue;
        const c = r.cidr(a.o, 'Ipv6CidrBlock', a.path, `subnet ${id}`);
        if (c && c.range.family === 6) ipv6Cidr ??= c;
      }
      // An IPv6-only subnet (Ipv6Native) has no IPv4 block: it is read with its IPv6 block alone. A block that
      // is given but unreadable, or a subnet with neither block, is skipped.
      if (cidr?.range.family !== 4 && (given || !ipv6Cidr)) {
        r.report('error', 'aws-missing-field', `subnet ${id} has no usable CidrBlock${ipv6Cidr ? '' : ' nor an associated IPv6 block'}: skipped`, r.at(o, path));
        continue;
      }
      into.subnets.push({
        id, vpc, ...(cidr ? { cidr } : {}), ...(ipv6Cidr ? { ipv6Cidr } : {}), availabilityZone: r.optional(o, 'AvailabilityZone') ?? '', mapPublicIpOnLaunch: r.bool(o, 'MapPublicIpOnLaunch'),
        tags: r.tags(o), source: r.at(o, path),
      });
    }
  },
};
