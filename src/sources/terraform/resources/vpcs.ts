/** aws_vpc, aws_vpc_ipv4_cidr_block_association, aws_vpc_ipv6_cidr_block_association and aws_subnet. */
import { parseCidr, type ParsedCidr } from '../../../model/address.js';
import type { TfResourceReader } from '../resource.js';

export const vpcs: TfResourceReader = {
  types: ['aws_vpc'],
  phase: 1,
  read(res, t) {
    const id = t.refs.idOf(res);
    const cidrs: ParsedCidr[] = [];
    const text = t.value(res, ['cidr_block']);
    if (text.kind === 'known') {
      const c = parseCidr(text.value);
      if (c) cidrs.push(c);
      else t.report('error', 'aws-bad-cidr', `${res.address}: cidr_block "${text.value}" is not a CIDR block`, t.at(res, ['cidr_block']));
    } else if (text.kind === 'unknown') t.notKnown(res, ['cidr_block'], `${res.address}: cidr_block is known only after apply (IPAM): the VPC has no address range, so its local routes match nothing`);
    else t.report('error', 'aws-missing-field', `VPC ${res.address} has no cidr_block`, t.at(res));
    // An IPv6 block: given, or Amazon's (assign_generated_ipv6_cidr_block), known only after apply.
    const v6 = t.value(res, ['ipv6_cidr_block']);
    if (v6.kind === 'known' && v6.value !== '') {
      const c = parseCidr(v6.value);
      if (c && c.range.family === 6) cidrs.push(c);
      else t.report('error', 'aws-bad-cidr', `${res.address}: ipv6_cidr_block "${v6.value}" is not an IPv6 CIDR block`, t.at(res, ['ipv6_cidr_block']));
    } else if (v6.kind === 'unknown') t.notKnown(res, ['ipv6_cidr_block'], `${res.address}: ipv6_cidr_block is known only after apply: the VPC has no IPv6 range, so IPv6 paths in it are not found`);
    t.vpcResources.set(id, res);
    t.parts.vpcs.push({ id, ...t.scope(res), cidrs, tags: t.tags(res), source: t.at(res) });
  },
};

/**
 * `aws_vpc_ipv4_cidr_block_association` and `aws_vpc_ipv6_cidr_block_association`: one more block of its
 * family on the VPC (a block Amazon or IPAM assigns is known only after apply: a caveat).
 */
function cidrAssociation(type: string, field: 'cidr_block' | 'ipv6_cidr_block', family: 4 | 6): TfResourceReader {
  const what = family === 6 ? 'IPv6 CIDR block' : 'CIDR block';
  return {
    types: [type],
    phase: 1,
    read(res, t) {
      const vpc = t.need(res, 'vpc_id', `the ${what} is not added`);
      const text = t.value(res, [field]);
      if (!vpc) return;
      if (text.kind !== 'known') {
        t.notKnown(res, [field], `${res.address}: ${field} is known only after apply: not added to ${vpc}${family === 6 ? ', so IPv6 paths in that block are not found' : ''}`);
        return;
      }
      const c = parseCidr(text.value);
      const i = t.parts.vpcs.findIndex((v) => v.id === vpc);
      if (!c || c.range.family !== family) t.report('error', 'aws-bad-cidr', `${res.address}: ${field} "${text.value}" is not an IPv${family} CIDR block`, t.at(res, [field]));
      else if (i < 0) t.report('warning', 'aws-unknown-reference', `${res.address} names VPC ${vpc}, which is not in the document`, t.at(res));
      // The same block written on the VPC too (ipv6_cidr_block) is one block.
      else if (!t.parts.vpcs[i]!.cidrs.some((x) => x.range.family === family && x.range.lo === c.range.lo && x.range.hi === c.range.hi)) t.parts.vpcs[i] = { ...t.parts.vpcs[i]!, cidrs: [...t.parts.vpcs[i]!.cidrs, c] };
    },
  };
}

export const vpcCidrAssociations = cidrAssociation('aws_vpc_ipv4_cidr_block_association', 'cidr_block', 4);
export const vpcIpv6CidrAssociations = cidrAssociation('aws_vpc_ipv6_cidr_block_association', 'ipv6_cidr_block', 6);

export const subnets: TfResourceReader = {
  types: ['aws_subnet'],
  phase: 1,
  read(res, t) {
    const id = t.refs.idOf(res);
    const vpc = t.need(res, 'vpc_id', 'the subnet is skipped');
    if (!vpc) return;
    const text = t.value(res, ['cidr_block']);
    const cidr = text.kind === 'known' ? parseCidr(text.value) : undefined;
    const v6 = t.value(res, ['ipv6_cidr_block']);
    const parsed6 = v6.kind === 'known' && v6.value !== '' ? parseCidr(v6.value) : undefined;
    const ipv6Cidr = parsed6 && parsed6.range.family === 6 ? parsed6 : undefined;
    // An IPv6-only subnet (ipv6_native) has no IPv4 block: read with its IPv6 block alone.
    const native = t.bool(res, ['ipv6_native']) === true;
    if (native && v6.kind === 'unknown') {
      t.notKnown(res, ['ipv6_cidr_block'], `${res.address}: ipv6_cidr_block of an IPv6-only subnet is known only after apply: the subnet is skipped`);
      return;
    }
    if (!cidr && !(native && ipv6Cidr)) {
      if (text.kind === 'unknown') t.notKnown(res, ['cidr_block'], `${res.address}: cidr_block is known only after apply: the subnet is skipped`);
      else t.report('error', 'aws-missing-field', `subnet ${res.address} has no usable cidr_block${native ? ' nor ipv6_cidr_block' : ''}: skipped`, t.at(res));
      return;
    }
    const az = t.value(res, ['availability_zone']);
    // The zone matters for the Transit Gateway zone rule only; AWS picks one when the configuration does not.
    if (az.kind === 'unknown') t.notKnown(res, ['availability_zone'], `${res.address}: availability_zone is chosen by AWS on apply: Transit Gateway paths from the subnet are not judged`);
    if (v6.kind === 'unknown') t.notKnown(res, ['ipv6_cidr_block'], `${res.address}: ipv6_cidr_block is known only after apply: the subnet's IPv6 block is not known`);
    if (ipv6Cidr && t.bool(res, ['assign_ipv6_address_on_creation']) === true) t.assignIpv6.add(id);
    t.parts.subnets.push({
      id, vpc, ...(cidr && !native ? { cidr } : {}), ...(ipv6Cidr ? { ipv6Cidr } : {}), availabilityZone: az.kind === 'known' ? az.value : '', mapPublicIpOnLaunch: t.bool(res, ['map_public_ip_on_launch']) === true,
      tags: t.tags(res), source: t.at(res),
    });
  },
};
