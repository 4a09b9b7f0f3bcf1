/** describe-network-interfaces: `NetworkInterfaces`; also the interfaces inside describe-instances' `Reservations`. */
import type { NetworkInterface } from '../../../inventory/aws/types.js';
import { parseIp } from '../../../model/address.js';
import { regionOfZone, type FieldReader, type Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

/** One ENI object (the two outputs share its shape); `fallback` fills what an instance's copy leaves out. */
export function readInterface(o: Json, path: string, r: FieldReader, fallback: { subnet?: string; vpc?: string; az?: string; owner?: string; instanceId?: string; ipv6?: string } = {}): NetworkInterface | undefined {
  const id = r.required(o, 'NetworkInterfaceId', path, 'network interface');
  if (!id) return undefined;
  const subnet = r.optional(o, 'SubnetId') ?? fallback.subnet;
  const vpc = r.optional(o, 'VpcId') ?? fallback.vpc;
  if (!subnet || !vpc) {
    r.report('error', 'aws-missing-field', `network interface ${id} has no ${subnet ? 'VpcId' : 'SubnetId'}: skipped`, r.at(o, path));
    return undefined;
  }
  const addresses: string[] = [];
  let publicIp = ((o['Association'] as Json | undefined)?.['PublicIp'] as string | undefined) ?? undefined;
  const primary = r.optional(o, 'PrivateIpAddress');
  if (primary) addresses.push(primary);
  for (const p of r.objects(o['PrivateIpAddresses'], `${path}.PrivateIpAddresses`, o)) {
    const ip = r.optional(p.o, 'PrivateIpAddress');
    if (!ip) continue;
    if (p.o['Primary'] === true) {
      if (!addresses.includes(ip)) addresses.unshift(ip);
      publicIp ??= ((p.o['Association'] as Json | undefined)?.['PublicIp'] as string | undefined) ?? undefined;
    } else if (!addresses.includes(ip)) addresses.push(ip);
  }
  const good = addresses.filter((a) => parseIp(a)?.family === 4);
  if (good.length !== addresses.length) r.report('warning', 'aws-bad-address', `network interface ${id} has an unreadable private address: ignored`, r.at(o, path));
  const ipv6: string[] = [];
  for (const p of r.objects(o['Ipv6Addresses'], `${path}.Ipv6Addresses`, o)) {
    const ip = r.optional(p.o, 'Ipv6Address');
    if (ip && !ipv6.includes(ip)) ipv6.push(ip);
  }
  // An instance's own Ipv6Address is its primary interface's, when that interface's copy lists none.
  if (ipv6.length === 0 && fallback.ipv6) ipv6.push(fallback.ipv6);
  // An interface in an IPv6-only subnet has IPv6 addresses alone: read, with no IPv4 path (and no public IPv4).
  if (good.length === 0 && !ipv6.some((a) => parseIp(a)?.family === 6)) {
    r.report('error', 'aws-missing-field', `network interface ${id} has neither a private IPv4 nor an IPv6 address: skipped`, r.at(o, path));
    return undefined;
  }
  if (good.length === 0) publicIp = undefined;
  const groups: string[] = [];
  for (const g of r.objects(o['Groups'] ?? o['SecurityGroups'], `${path}.Groups`, o)) {
    const gid = r.optional(g.o, 'GroupId');
    if (gid && !groups.includes(gid)) groups.push(gid);
  }
  const az = r.optional(o, 'AvailabilityZone') ?? fallback.az ?? '';
  const attachment = o['Attachment'] as Json | undefined;
  return {
    id, vpc, subnet, availabilityZone: az, securityGroups: groups.sort(), addresses: good,
    ...(publicIp && parseIp(publicIp) ? { publicIp } : {}),
    ...(ipv6.length > 0 ? { ipv6Addresses: ipv6 } : {}),
    account: r.optional(o, 'OwnerId') ?? fallback.owner ?? r.account ?? 'unknown',
    region: r.region ?? regionOfZone(az) ?? 'unknown',
    interfaceType: r.optional(o, 'InterfaceType') ?? 'interface',
    ...((attachment?.['InstanceId'] as string | undefined) ?? fallback.instanceId ? { instanceId: (attachment?.['InstanceId'] as string | undefined) ?? fallback.instanceId } : {}),
    tags: r.tags(o), source: r.at(o, path),
  };
}

export const networkInterfaces: AwsResource = {
  key: 'NetworkInterfaces',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'NetworkInterfaces', value)) {
      const e = readInterface(o, path, r);
      if (e) into.interfaces.push(e);
    }
  },
};
