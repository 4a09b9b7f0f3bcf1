/**
 * Network interfaces: the primary interface of each aws_instance, aws_network_interface (with
 * aws_network_interface_sg_attachment), and the public addresses of aws_eip and aws_eip_association.
 * A private address the plan leaves to AWS is taken as a free address of the subnet, with a caveat.
 */
import type { NetworkInterface } from '../../../inventory/aws/types.js';
import { parseIp } from '../../../model/address.js';
import { regionOfZone } from '../../aws/fields.js';
import type { TfResource } from '../document.js';
import type { TfReader } from '../reader.js';
import type { TfResourceReader } from '../resource.js';
import { addInstanceTags } from '../../aws/resource.js';

/** The public address shown for an interface whose public IPv4 AWS assigns on apply. */
export const PUBLIC_IP_AFTER_APPLY = 'known-after-apply';

/** The private addresses: known, or one the subnet has free, said in a caveat (recorded for the end). */
function addresses(t: TfReader, res: TfResource, key: string, secondary: string): string[] | undefined {
  const primary = t.value(res, [key]);
  const out: string[] = [];
  if (primary.kind === 'known') out.push(primary.value);
  for (const a of t.list(res, [secondary]).values) if (!out.includes(a)) out.push(a);
  if (out.length && out.every((a) => parseIp(a)?.family === 4)) return out;
  if (out.length) {
    t.report('error', 'aws-bad-address', `${res.address}: private address ${out.find((a) => parseIp(a)?.family !== 4)} is not an IPv4 address: skipped`, t.at(res, [key]));
    return undefined;
  }
  if (primary.kind === 'absent' && !t.isUnknown(res, [key])) {
    t.report('error', 'aws-missing-field', `${res.address} has no ${key}: skipped`, t.at(res));
    return undefined;
  }
  return [];
}

function base(t: TfReader, res: TfResource, subnetId: string, groups: string[], extra: Partial<NetworkInterface>, id: string, key: string, secondary: string): void {
  const subnet = t.subnet(subnetId);
  const vpc = subnet ? t.vpc(subnet.vpc) : undefined;
  // In an IPv6-only subnet (ipv6_native) an interface has no private IPv4: its IPv6 addresses alone.
  const only6 = subnet !== undefined && subnet.cidr === undefined;
  const addrs = only6 ? [] : addresses(t, res, key, secondary);
  if (!addrs) return;
  if (!subnet) {
    t.report('warning', 'aws-unknown-reference', `${res.address} names subnet ${subnetId}, which is not in the document: its VPC, NACL and routes are unknown, so it is left out`, t.at(res, ['subnet_id']));
    return;
  }
  const az = t.value(res, ['availability_zone']);
  const zone = az.kind === 'known' ? az.value : subnet.availabilityZone;
  // IPv6 addresses: listed, or a count AWS fills in on apply (a placeholder the references check turns into a caveat).
  // A subnet with assign_ipv6_address_on_creation (and an IPv6-only one) gives one on launch when the plan leaves the list to AWS.
  const v6 = t.list(res, ['ipv6_addresses']).values;
  const v6count = (res.values as Record<string, unknown> | undefined)?.['ipv6_address_count'];
  const listed = (res.values as Record<string, unknown> | undefined)?.['ipv6_addresses'];
  const assigned = (t.assignIpv6.has(subnet?.id ?? '') || only6) && (t.isUnknown(res, ['ipv6_addresses']) || listed === undefined) && v6count !== 0;
  const ipv6 = v6.length > 0 ? v6 : (typeof v6count === 'number' && v6count > 0) || assigned ? [`tf:${res.address}.ipv6_addresses`] : [];
  if (only6 && ipv6.length === 0) {
    t.report('error', 'aws-missing-field', `${res.address} is in the IPv6-only subnet ${subnet!.id} and has no ipv6_addresses: skipped`, t.at(res));
    return;
  }
  const scope = t.scope(res, vpc);
  t.parts.interfaces.push({
    id, vpc: subnet.vpc, subnet: subnet.id, availabilityZone: zone, securityGroups: [...new Set(groups)].sort(), addresses: addrs,
    account: vpc?.account ?? scope.account, region: vpc?.region ?? regionOfZone(zone) ?? scope.region, interfaceType: 'interface',
    tags: t.tags(res), source: t.at(res), ...(ipv6.length > 0 ? { ipv6Addresses: ipv6 } : {}), ...extra,
  });
  if (addrs.length === 0 && !only6) t.pendingAddresses.push({ id, res, key });
}

function groupsOf(t: TfReader, res: TfResource, key: string): string[] {
  const l = t.list(res, [key]);
  if (l.unresolved) t.notKnown(res, [key], `${res.address}: ${key} is known only after apply and ${l.unresolved}: those groups are left out`);
  return l.values;
}

export const instances: TfResourceReader = {
  types: ['aws_instance'],
  phase: 2,
  read(res, t) {
    // Its tags reach every interface attached to it (an interface's own tags win), the primary one included.
    addInstanceTags(t.parts, t.refs.idOf(res), t.tags(res));
    // An instance launched with an existing interface at index 0 has that interface as its primary one.
    if (t.blocks(res, 'network_interface').some(({ o }) => o['device_index'] === 0)) return;
    const subnet = t.need(res, 'subnet_id', 'the instance is left out (an instance in a default VPC is not read)');
    if (!subnet) return;
    const instanceId = t.refs.idOf(res);
    const eni = t.value(res, ['primary_network_interface_id']);
    const id = eni.kind === 'known' ? eni.value : instanceId;
    const publicIp = t.value(res, ['public_ip']);
    const assoc = t.bool(res, ['associate_public_ip_address']);
    // Without the argument the subnet's MapPublicIpOnLaunch decides; the plan then leaves public_ip unknown.
    const willHave = assoc === true || (assoc === undefined && t.subnet(subnet)?.mapPublicIpOnLaunch === true);
    const pub = publicIp.kind === 'known' ? publicIp.value : publicIp.kind === 'unknown' && willHave ? PUBLIC_IP_AFTER_APPLY : undefined;
    let groups = groupsOf(t, res, 'vpc_security_group_ids');
    if (groups.length === 0 && !t.isUnknown(res, ['vpc_security_group_ids'])) groups = [t.defaultGroupOf(t.subnet(subnet)?.vpc)];
    base(t, res, subnet, groups, { ...(pub ? { publicIp: pub } : {}), instanceId }, id, 'private_ip', 'secondary_private_ips');
  },
};

export const networkInterfaces: TfResourceReader = {
  types: ['aws_network_interface'],
  phase: 2,
  read(res, t) {
    const subnet = t.need(res, 'subnet_id', 'the interface is left out');
    if (!subnet) return;
    const att = t.blocks(res, 'attachment')[0]?.o;
    const instanceId = att && typeof att['instance'] === 'string' && att['instance'] ? (att['instance'] as string) : undefined;
    let groups = groupsOf(t, res, 'security_groups');
    if (groups.length === 0 && !t.isUnknown(res, ['security_groups'])) groups = [t.defaultGroupOf(t.subnet(subnet)?.vpc)];
    const type = t.value(res, ['interface_type']);
    base(t, res, subnet, groups, { ...(instanceId ? { instanceId } : {}), ...(type.kind === 'known' ? { interfaceType: type.value } : {}) }, t.refs.idOf(res), 'private_ip', 'private_ips');
  },
};

export const sgAttachments: TfResourceReader = {
  types: ['aws_network_interface_sg_attachment'],
  phase: 2,
  read(res, t) {
    const g = t.need(res, 'security_group_id', 'the attachment is skipped');
    const e = t.need(res, 'network_interface_id', 'the attachment is skipped');
    if (g && e) t.push(t.eniGroups, e, g);
  },
};

function eipAddress(t: TfReader, res: TfResource): string {
  const v = t.value(res, ['public_ip']);
  return v.kind === 'known' && !v.placeholder ? v.value : PUBLIC_IP_AFTER_APPLY;
}

export const eips: TfResourceReader = {
  types: ['aws_eip'],
  phase: 1,
  read(res, t) {
    const ip = eipAddress(t, res);
    t.eips.set(t.refs.idOf(res), ip);
    for (const k of ['network_interface', 'instance']) {
      const v = t.value(res, [k]);
      if (v.kind === 'known') t.publicIps.set(v.value, ip);
    }
  },
};

export const eipAssociations: TfResourceReader = {
  types: ['aws_eip_association'],
  phase: 2,
  read(res, t) {
    const alloc = t.value(res, ['allocation_id']);
    const pub = t.value(res, ['public_ip']);
    const ip = pub.kind === 'known' && !pub.placeholder ? pub.value : alloc.kind === 'known' ? (t.eips.get(alloc.value) ?? PUBLIC_IP_AFTER_APPLY) : PUBLIC_IP_AFTER_APPLY;
    for (const k of ['network_interface_id', 'instance_id']) {
      const v = t.value(res, [k]);
      if (v.kind === 'known') t.publicIps.set(v.value, ip);
    }
  },
};
