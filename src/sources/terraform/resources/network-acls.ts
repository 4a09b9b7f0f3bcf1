/**
 * Network ACLs: aws_network_acl and aws_default_network_acl (inline `ingress`/`egress` blocks, `subnet_ids`),
 * aws_network_acl_rule and aws_network_acl_association.
 */
import type { NaclEntry } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import { awsTraffic } from '../../../model/traffic-set.js';
import type { TfResource } from '../document.js';
import type { TfReader } from '../reader.js';
import type { TfResourceReader } from '../resource.js';

type Path = Array<string | number>;

/** One entry; `keys` names the fields as the inline block and the rule resource spell them. */
function entry(t: TfReader, res: TfResource, path: Path, acl: string, egress: boolean, keys: { number: string; action: string }): NaclEntry | undefined {
  const n = t.num(res, [...path, keys.number]);
  const action = t.value(res, [...path, keys.action]);
  const protoV = t.value(res, [...path, 'protocol']);
  const proto = protoV.kind === 'known' ? protoV.value : t.num(res, [...path, 'protocol']) !== undefined ? String(t.num(res, [...path, 'protocol'])) : undefined;
  const cidrV = t.value(res, [...path, 'cidr_block']);
  const cidr6 = t.value(res, [...path, 'ipv6_cidr_block']);
  const text = cidrV.kind === 'known' ? cidrV.value : cidr6.kind === 'known' ? cidr6.value : undefined;
  const cidr = text ? parseCidr(text) : undefined;
  const icmp = proto === '1' || proto === '58' || proto === 'icmp' || proto === 'icmpv6';
  const lo = icmp ? t.num(res, [...path, 'icmp_type']) : t.num(res, [...path, 'from_port']);
  const hi = icmp ? t.num(res, [...path, 'icmp_code']) : t.num(res, [...path, 'to_port']);
  const traffic = proto !== undefined ? awsTraffic(proto, lo, hi) : undefined;
  const act = action.kind === 'known' ? action.value.toLowerCase() : undefined;
  if (n === undefined || (act !== 'allow' && act !== 'deny') || !cidr || !traffic) {
    const what = n === undefined ? keys.number : act !== 'allow' && act !== 'deny' ? keys.action : !cidr ? 'cidr_block' : 'protocol';
    const unknown = [keys.action, 'cidr_block', 'protocol'].some((k) => t.isUnknown(res, [...path, k]));
    if (unknown) t.notKnown(res, path, `network ACL ${acl} (${res.address}): an entry is known only after apply: skipped, so what it allows or denies is not judged`);
    // A skipped deny could hide a block: the entry is reported as an error, not a note.
    else t.report('error', 'aws-bad-nacl-entry', `network ACL ${acl} (${res.address}): entry without a readable ${what}: skipped`, t.at(res, path));
    return undefined;
  }
  return { ruleNumber: n, action: act, egress, traffic, cidr, source: t.at(res, path) };
}

export const networkAcls: TfResourceReader = {
  types: ['aws_network_acl', 'aws_default_network_acl'],
  phase: 2,
  read(res, t) {
    const isDefault = res.type === 'aws_default_network_acl';
    const given = isDefault ? t.value(res, ['default_network_acl_id']) : undefined;
    const id = given?.kind === 'known' ? given.value : t.refs.idOf(res);
    const vpc = t.need(res, 'vpc_id', 'the network ACL is skipped');
    if (!vpc) return;
    const inbound: NaclEntry[] = [];
    const outbound: NaclEntry[] = [];
    for (const [dir, list] of [['ingress', inbound], ['egress', outbound]] as const) {
      for (const { i } of t.blocks(res, dir)) {
        const e = entry(t, res, [dir, i], id, dir === 'egress', { number: 'rule_no', action: 'action' });
        if (e) list.push(e);
      }
    }
    const subnets = t.list(res, ['subnet_ids']);
    if (subnets.unresolved) t.notKnown(res, ['subnet_ids'], `${res.address}: subnet_ids is known only after apply and ${subnets.unresolved}: those subnets keep their VPC's default ACL here`);
    t.parts.networkAcls.push({ id, vpc, isDefault, subnets: subnets.values, inbound, outbound, source: t.at(res) });
  },
};

export const networkAclRules: TfResourceReader = {
  types: ['aws_network_acl_rule'],
  phase: 2,
  read(res, t) {
    const acl = t.need(res, 'network_acl_id', 'the entry is skipped (a skipped deny could hide a block)');
    if (!acl) return;
    const e = entry(t, res, [], acl, t.bool(res, ['egress']) === true, { number: 'rule_number', action: 'rule_action' });
    if (e) t.push(t.naclEntries, acl, e);
  },
};

export const networkAclAssociations: TfResourceReader = {
  types: ['aws_network_acl_association'],
  phase: 2,
  read(res, t) {
    const acl = t.need(res, 'network_acl_id', 'the association is skipped');
    const subnet = t.need(res, 'subnet_id', 'the association is skipped');
    if (acl && subnet) t.naclOfSubnet.set(subnet, acl);
  },
};
