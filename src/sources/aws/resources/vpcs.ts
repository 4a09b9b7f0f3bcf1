/** describe-vpcs: `Vpcs`. */
import type { ParsedCidr } from '../../../model/address.js';
import type { AwsResource } from '../resource.js';

export const vpcs: AwsResource = {
  key: 'Vpcs',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'Vpcs', value)) {
      const id = r.required(o, 'VpcId', path, 'VPC');
      if (!id) continue;
      const cidrs: ParsedCidr[] = [];
      const primary = r.cidr(o, 'CidrBlock', path, `VPC ${id}`);
      if (primary) cidrs.push(primary);
      for (const a of r.objects(o['CidrBlockAssociationSet'], `${path}.CidrBlockAssociationSet`, o)) {
        const state = (a.o['CidrBlockState'] as Record<string, unknown> | undefined)?.['State'];
        if (state !== undefined && state !== 'associated') continue;
        const c = r.cidr(a.o, 'CidrBlock', a.path, `VPC ${id}`);
        if (c && !cidrs.some((x) => x.range.family === c.range.family && x.range.lo === c.range.lo && x.range.hi === c.range.hi)) cidrs.push(c);
      }
      for (const a of r.objects(o['Ipv6CidrBlockAssociationSet'], `${path}.Ipv6CidrBlockAssociationSet`, o)) {
        const state = (a.o['Ipv6CidrBlockState'] as Record<string, unknown> | undefined)?.['State'];
        if (state !== undefined && state !== 'associated') continue;
        const c = r.cidr(a.o, 'Ipv6CidrBlock', a.path, `VPC ${id}`);
        if (c && c.range.family === 6 && !cidrs.some((x) => x.range.family === 6 && x.range.lo === c.range.lo && x.range.hi === c.range.hi)) cidrs.push(c);
      }
      if (!cidrs.some((c) => c.range.family === 4)) r.report('error', 'aws-missing-field', `VPC ${id} has no CidrBlock`, r.at(o, path));
      into.vpcs.push({ id, account: r.optional(o, 'OwnerId') ?? r.account ?? 'unknown', region: r.region ?? 'unknown', cidrs, tags: r.tags(o), source: r.at(o, path) });
    }
  },
};
