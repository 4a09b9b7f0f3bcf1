/**
 * Security groups: aws_security_group and aws_default_security_group (inline `ingress`/`egress` blocks),
 * aws_security_group_rule, aws_vpc_security_group_ingress_rule and _egress_rule. One model rule per peer,
 * as the describe reader makes them.
 */
import type { AwsSourceRef, SgPeer, SgRule } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import { awsTraffic, type TrafficSet } from '../../../model/traffic-set.js';
import type { TfResource } from '../document.js';
import type { TfReader } from '../reader.js';
import type { TfResourceReader } from '../resource.js';

type Path = Array<string | number>;

/** A group reference as Terraform writes it: `sg-1`, or `123456789012/sg-1` across accounts. */
function groupPeer(s: string): SgPeer {
  const m = /^(\d{12})\/(.+)$/.exec(s);
  return m ? { kind: 'group', id: m[2]!, account: m[1]! } : { kind: 'group', id: s };
}

function traffic(t: TfReader, res: TfResource, path: Path, protoKey: string, group: string): TrafficSet | undefined {
  const proto = t.value(res, [...path, protoKey]);
  const p = proto.kind === 'known' ? proto.value : typeof (t.num(res, [...path, protoKey])) === 'number' ? String(t.num(res, [...path, protoKey])) : undefined;
  const tr = p !== undefined ? awsTraffic(p, t.num(res, [...path, 'from_port']), t.num(res, [...path, 'to_port'])) : undefined;
  if (!tr) t.report('error', 'aws-bad-protocol', `security group ${group} (${res.address}): ${protoKey} ${JSON.stringify(p ?? null)} is not a protocol: rule skipped`, t.at(res, path));
  return tr;
}

function cidrPeers(t: TfReader, res: TfResource, path: Path, key: string, group: string): SgPeer[] {
  const out: SgPeer[] = [];
  const l = t.list(res, [...path, key]);
  if (l.unresolved) t.notKnown(res, [...path, key], `${res.address}: ${key} is known only after apply and ${l.unresolved}: those addresses are left out of the rule`);
  for (const text of l.values) {
    const c = parseCidr(text);
    if (c) out.push({ kind: 'cidr', cidr: c, text });
    else t.report('error', 'aws-bad-cidr', `security group ${group} (${res.address}): ${key} "${text}" is not a CIDR block: skipped`, t.at(res, [...path, key]));
  }
  return out;
}

function groupPeers(t: TfReader, res: TfResource, path: Path, key: string): SgPeer[] {
  const l = t.list(res, [...path, key]);
  if (l.unresolved) t.notKnown(res, [...path, key], `${res.address}: ${key} is known only after apply and ${l.unresolved}: those groups are left out of the rule (it allows less)`);
  return l.values.map(groupPeer);
}

function rulesOf(tr: TrafficSet, peers: readonly SgPeer[], description: string | undefined, source: AwsSourceRef): SgRule[] {
  return peers.map((peer) => ({ traffic: tr, peer, ...(description ? { description } : {}), source }));
}

function addRules(t: TfReader, group: string, dir: 'ingress' | 'egress', rules: SgRule[]): void {
  let e = t.sgRules.get(group);
  if (!e) t.sgRules.set(group, (e = { ingress: [], egress: [] }));
  e[dir].push(...rules);
}

function inline(t: TfReader, res: TfResource, group: string, dir: 'ingress' | 'egress'): SgRule[] {
  const out: SgRule[] = [];
  for (const { o, i } of t.blocks(res, dir)) {
    const path: Path = [dir, i];
    const tr = traffic(t, res, path, 'protocol', group);
    if (!tr) continue;
    const peers = [
      ...cidrPeers(t, res, path, 'cidr_blocks', group), ...cidrPeers(t, res, path, 'ipv6_cidr_blocks', group),
      ...t.list(res, [...path, 'prefix_list_ids']).values.map((id): SgPeer => ({ kind: 'prefix-list', id })),
      ...groupPeers(t, res, path, 'security_groups'),
      ...(o['self'] === true ? [{ kind: 'group', id: group } as SgPeer] : []),
    ];
    out.push(...rulesOf(tr, peers, typeof o['description'] === 'string' && o['description'] ? (o['description'] as string) : undefined, t.at(res, path)));
  }
  return out;
}

export const securityGroups: TfResourceReader = {
  types: ['aws_security_group', 'aws_default_security_group'],
  phase: 2,
  read(res, t) {
    const id = t.refs.idOf(res);
    const vpc = t.need(res, 'vpc_id', 'the security group is skipped');
    if (!vpc) return;
    const name = t.value(res, ['name']);
    t.parts.securityGroups.push({
      id, vpc, name: name.kind === 'known' ? name.value : res.type === 'aws_default_security_group' ? 'default' : res.name, account: t.scope(res, t.vpc(vpc)).account,
      ingress: inline(t, res, id, 'ingress'), egress: inline(t, res, id, 'egress'), source: t.at(res),
    });
  },
};

export const securityGroupRules: TfResourceReader = {
  types: ['aws_security_group_rule'],
  phase: 2,
  read(res, t) {
    const group = t.need(res, 'security_group_id', 'the rule is skipped');
    const type = t.value(res, ['type']);
    if (!group) return;
    if (type.kind !== 'known' || (type.value !== 'ingress' && type.value !== 'egress')) {
      t.report('error', 'aws-bad-field', `${res.address}: type should be ingress or egress: rule skipped`, t.at(res));
      return;
    }
    const tr = traffic(t, res, [], 'protocol', group);
    if (!tr) return;
    const peers = [...cidrPeers(t, res, [], 'cidr_blocks', group), ...cidrPeers(t, res, [], 'ipv6_cidr_blocks', group), ...t.list(res, ['prefix_list_ids']).values.map((id): SgPeer => ({ kind: 'prefix-list', id }))];
    const src = t.value(res, ['source_security_group_id']);
    if (t.bool(res, ['self']) === true) peers.push({ kind: 'group', id: group });
    else if (src.kind === 'known') peers.push(groupPeer(src.value));
    else if (src.kind === 'unknown') t.notKnown(res, ['source_security_group_id'], `${res.address}: source_security_group_id is known only after apply and ${src.why}: the rule allows nothing`);
    const d = t.value(res, ['description']);
    addRules(t, group, type.value, rulesOf(tr, peers, d.kind === 'known' ? d.value : undefined, t.at(res)));
  },
};

export const vpcSecurityGroupRules: TfResourceReader = {
  types: ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'],
  phase: 2,
  read(res, t) {
    const group = t.need(res, 'security_group_id', 'the rule is skipped');
    if (!group) return;
    const tr = traffic(t, res, [], 'ip_protocol', group);
    if (!tr) return;
    const peers: SgPeer[] = [...cidrPeersOne(t, res, 'cidr_ipv4', group), ...cidrPeersOne(t, res, 'cidr_ipv6', group)];
    const pl = t.value(res, ['prefix_list_id']);
    if (pl.kind === 'known') peers.push({ kind: 'prefix-list', id: pl.value });
    const ref = t.value(res, ['referenced_security_group_id']);
    if (ref.kind === 'known') peers.push(groupPeer(ref.value));
    for (const [k, v] of [['prefix_list_id', pl], ['referenced_security_group_id', ref]] as const) {
      if (v.kind === 'unknown') t.notKnown(res, [k], `${res.address}: ${k} is known only after apply and ${v.why}: the rule allows nothing`);
    }
    if (peers.length === 0 && ![pl, ref].some((v) => v.kind === 'unknown')) t.report('error', 'aws-missing-field', `${res.address} names no cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id: the rule allows nothing`, t.at(res));
    const d = t.value(res, ['description']);
    addRules(t, group, res.type.endsWith('_ingress_rule') ? 'ingress' : 'egress', rulesOf(tr, peers, d.kind === 'known' ? d.value : undefined, t.at(res)));
  },
};

function cidrPeersOne(t: TfReader, res: TfResource, key: string, group: string): SgPeer[] {
  const v = t.value(res, [key]);
  if (v.kind === 'unknown') {
    t.notKnown(res, [key], `${res.address}: ${key} is known only after apply and ${v.why}: the rule allows nothing`);
    return [];
  }
  if (v.kind !== 'known') return [];
  const c = parseCidr(v.value);
  if (c) return [{ kind: 'cidr', cidr: c, text: v.value }];
  t.report('error', 'aws-bad-cidr', `security group ${group} (${res.address}): ${key} "${v.value}" is not a CIDR block: skipped`, t.at(res, [key]));
  return [];
}

/** A rule's identity for dropping the copy a group's state shows of a rule a separate resource made. */
export function sgRuleKey(r: SgRule): string {
  const p = r.peer.kind === 'cidr' ? `c:${r.peer.text}` : r.peer.kind === 'group' ? `g:${r.peer.id}` : `p:${r.peer.id}`;
  return `${r.traffic.key()}#${p}`;
}

