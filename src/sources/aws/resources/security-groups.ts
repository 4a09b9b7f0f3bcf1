/** describe-security-groups: `SecurityGroups`, one model rule per peer of each IpPermissions entry (as the API lists rules). */
import type { SgPeer, SgRule } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import { awsTraffic } from '../../../model/traffic-set.js';
import type { FieldReader, Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

function rules(perms: unknown, path: string, holder: Json, r: FieldReader, group: string): SgRule[] {
  const out: SgRule[] = [];
  for (const { o, path: p } of r.objects(perms, path, holder)) {
    const proto = o['IpProtocol'];
    const traffic = typeof proto === 'string' || typeof proto === 'number' ? awsTraffic(String(proto), r.number(o, 'FromPort'), r.number(o, 'ToPort')) : undefined;
    if (!traffic) {
      r.report('error', 'aws-bad-protocol', `security group ${group}: IpProtocol ${JSON.stringify(proto)} is not a protocol: rule skipped`, r.at(o, p));
      continue;
    }
    const add = (peer: SgPeer, e: Json, ep: string): void => {
      const description = r.optional(e, 'Description');
      out.push({ traffic, peer, ...(description ? { description } : {}), source: r.at(e, ep) });
    };
    for (const e of r.objects(o['IpRanges'], `${p}.IpRanges`, o)) {
      const t = r.optional(e.o, 'CidrIp');
      const c = t ? parseCidr(t) : undefined;
      if (t && c) add({ kind: 'cidr', cidr: c, text: t }, e.o, e.path);
      else r.report('error', 'aws-bad-cidr', `security group ${group}: CidrIp ${JSON.stringify(t)} is not a CIDR block: skipped`, r.at(e.o, e.path));
    }
    for (const e of r.objects(o['Ipv6Ranges'], `${p}.Ipv6Ranges`, o)) {
      const t = r.optional(e.o, 'CidrIpv6');
      const c = t ? parseCidr(t) : undefined;
      if (t && c) add({ kind: 'cidr', cidr: c, text: t }, e.o, e.path);
      else r.report('error', 'aws-bad-cidr', `security group ${group}: CidrIpv6 ${JSON.stringify(t)} is not a CIDR block: skipped`, r.at(e.o, e.path));
    }
    for (const e of r.objects(o['PrefixListIds'], `${p}.PrefixListIds`, o)) {
      const id = r.required(e.o, 'PrefixListId', e.path, `security group ${group} rule`);
      if (id) add({ kind: 'prefix-list', id }, e.o, e.path);
    }
    for (const e of r.objects(o['UserIdGroupPairs'], `${p}.UserIdGroupPairs`, o)) {
      const id = r.required(e.o, 'GroupId', e.path, `security group ${group} rule`);
      const account = r.optional(e.o, 'UserId');
      const peering = r.optional(e.o, 'VpcPeeringConnectionId');
      if (id) add({ kind: 'group', id, ...(account ? { account } : {}), ...(peering ? { peering } : {}) }, e.o, e.path);
    }
  }
  return out;
}

export const securityGroups: AwsResource = {
  key: 'SecurityGroups',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'SecurityGroups', value)) {
      const id = r.required(o, 'GroupId', path, 'security group');
      const vpc = id && r.required(o, 'VpcId', path, `security group ${id}`);
      if (!id || !vpc) continue;
      into.securityGroups.push({
        id, vpc, name: r.optional(o, 'GroupName') ?? id, account: r.optional(o, 'OwnerId') ?? r.account ?? 'unknown',
        ingress: rules(o['IpPermissions'], `${path}.IpPermissions`, o, r, id),
        egress: rules(o['IpPermissionsEgress'], `${path}.IpPermissionsEgress`, o, r, id),
        source: r.at(o, path),
      });
    }
  },
};
