/**
 * Joining what separate Terraform resources add to their owners (rules, routes, associations, addresses),
 * and the objects AWS makes with every VPC that Terraform may not list (main route table, default ACL and
 * security group, local routes, a Transit Gateway's default table and propagated routes).
 */
import type { NaclEntry, NetworkAcl, Route, SecurityGroup, SgRule, TgwRoute } from '../../inventory/aws/types.js';
import { formatIp, parseCidr, type ParsedCidr } from '../../model/address.js';
import { TrafficSet } from '../../model/traffic-set.js';
import type { TfReader } from './reader.js';
import { endpointRoute } from './resources/endpoints.js';
import { sgRuleKey } from './resources/security-groups.js';

const ANY = parseCidr('0.0.0.0/0')!;

function cidrText(c: ParsedCidr): string {
  return `${formatIp(c.range.family, c.range.lo)}/${c.prefix}`;
}

function routeKey(r: Route): string {
  return `${r.destination.kind === 'cidr' ? r.destination.text : r.destination.id}>${r.target.id}`;
}

/** The default objects of each VPC that the document does not hold, each said in a note. */
function defaults(t: TfReader): void {
  const p = t.parts;
  for (const v of p.vpcs) {
    const res = t.vpcResources.get(v.id);
    if (!res) continue;
    const where = t.at(res);
    if (!p.routeTables.some((r) => r.vpc === v.id && r.main) && !t.mainTables.has(v.id)) {
      const id = t.refs.attrOf(res, 'main_route_table_id').value;
      p.routeTables.push({ id, vpc: v.id, main: true, subnets: [], routes: [], source: where });
      t.report('info', 'tf-assumed-default', `${res.address}: the VPC's main route table (${id}) is not in the document: taken as AWS creates it, with the local route only`, where);
    }
    if (!p.networkAcls.some((a) => a.vpc === v.id && a.isDefault)) {
      const id = t.refs.attrOf(res, 'default_network_acl_id').value;
      const all = (egress: boolean): NaclEntry[] => [{ ruleNumber: 100, action: 'allow', egress, traffic: TrafficSet.ALL, cidr: ANY, source: where }];
      p.networkAcls.push({ id, vpc: v.id, isDefault: true, subnets: [], inbound: all(false), outbound: all(true), source: where });
      t.report('info', 'tf-assumed-default', `${res.address}: the VPC's default network ACL (${id}) is not in the document: taken as AWS creates it, allowing all traffic`, where);
    }
  }
  for (const [id, vpc] of t.defaultGroupsUsed) {
    if (p.securityGroups.some((g) => g.id === id)) continue;
    const res = t.vpcResources.get(vpc);
    const where = res ? t.at(res) : { file: t.r.file, line: 1, path: '' };
    const v = p.vpcs.find((x) => x.id === vpc);
    p.securityGroups.push({
      id, vpc, name: 'default', account: v?.account ?? 'unknown', source: where,
      ingress: [{ traffic: TrafficSet.ALL, peer: { kind: 'group', id }, source: where }],
      egress: [{ traffic: TrafficSet.ALL, peer: { kind: 'cidr', cidr: ANY, text: '0.0.0.0/0' }, source: where }],
    });
    t.report('info', 'tf-assumed-default', `the default security group ${id} of ${vpc} is not in the document: taken as AWS creates it (all traffic from its members, all traffic out)`, where);
  }
}

function routeTables(t: TfReader): void {
  const p = t.parts;
  const known = new Set(p.routeTables.map((r) => r.id));
  for (const [id, list] of t.routes) if (!known.has(id)) for (const r of list) t.report('warning', 'aws-unknown-reference', `a route names route table ${id}, which is not in the document: ignored`, r.source);
  for (const [id, subnets] of t.tableSubnets) if (!known.has(id)) t.report('warning', 'aws-unknown-reference', `an association names route table ${id}, which is not in the document: subnets ${subnets.join(', ')} use the main table here`, p.subnets.find((s) => s.id === subnets[0])?.source ?? { file: t.r.file, line: 1, path: '' });
  p.routeTables.forEach((rt, i) => {
    const vpc = p.vpcs.find((v) => v.id === rt.vpc);
    const local: Route[] = (vpc?.cidrs ?? []).map((c) => ({ destination: { kind: 'cidr', cidr: c, text: cidrText(c) }, target: { kind: 'local', id: 'local' }, state: 'active', origin: 'static', source: vpc!.source }));
    const seen = new Set<string>();
    const routes: Route[] = [];
    // Separate aws_route resources first: the table's state lists their routes too, and the resource is the cause.
    for (const r of [...local, ...(t.routes.get(rt.id) ?? []), ...rt.routes]) {
      const k = r.target.kind === 'local' ? `${r.destination.kind === 'cidr' ? r.destination.text : ''}>local` : routeKey(r);
      if (seen.has(k)) continue;
      seen.add(k);
      routes.push(r);
    }
    const main = t.mainTables.has(rt.vpc) ? t.mainTables.get(rt.vpc) === rt.id : rt.main;
    p.routeTables[i] = { ...rt, main, subnets: [...new Set([...rt.subnets, ...(t.tableSubnets.get(rt.id) ?? [])])], routes };
  });
}

function networkAcls(t: TfReader): void {
  const p = t.parts;
  const known = new Set(p.networkAcls.map((a) => a.id));
  for (const [id, list] of t.naclEntries) if (!known.has(id)) for (const e of list) t.report('warning', 'aws-unknown-reference', `a network ACL rule names ACL ${id}, which is not in the document: ignored`, e.source);
  const merged = (own: readonly NaclEntry[], extra: readonly NaclEntry[]): NaclEntry[] => {
    const byNumber = new Map<number, NaclEntry>();
    for (const e of [...extra, ...own]) if (!byNumber.has(e.ruleNumber)) byNumber.set(e.ruleNumber, e);
    return [...byNumber.values()].sort((a, b) => a.ruleNumber - b.ruleNumber);
  };
  p.networkAcls.forEach((a, i) => {
    const extra = t.naclEntries.get(a.id) ?? [];
    const next: NetworkAcl = {
      ...a,
      inbound: merged(a.inbound, extra.filter((e) => !e.egress)),
      outbound: merged(a.outbound, extra.filter((e) => e.egress)),
      // A subnet has one ACL: an association resource moves it.
      subnets: [...new Set([...a.subnets.filter((s) => (t.naclOfSubnet.get(s) ?? a.id) === a.id), ...[...t.naclOfSubnet].filter(([, acl]) => acl === a.id).map(([s]) => s)])],
    };
    p.networkAcls[i] = next;
  });
}

function securityGroups(t: TfReader): void {
  const p = t.parts;
  const known = new Set(p.securityGroups.map((g) => g.id));
  for (const [id, e] of t.sgRules) if (!known.has(id)) for (const r of [...e.ingress, ...e.egress]) t.report('warning', 'aws-unknown-reference', `a security group rule names group ${id}, which is not in the document: ignored`, r.source);
  const merged = (own: readonly SgRule[], extra: readonly SgRule[]): SgRule[] => {
    const seen = new Set<string>();
    return [...extra, ...own].filter((r) => {
      const k = sgRuleKey(r);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  p.securityGroups.forEach((g, i) => {
    const e = t.sgRules.get(g.id);
    if (e) p.securityGroups[i] = { ...g, ingress: merged(g.ingress, e.ingress), egress: merged(g.egress, e.egress) } satisfies SecurityGroup;
  });
}

/** Every CIDR the estate's rules and routes name: an address chosen for an interface is exact unless one splits its subnet. */
function namedCidrs(t: TfReader): ParsedCidr[] {
  const p = t.parts;
  return [
    ...p.securityGroups.flatMap((g) => [...g.ingress, ...g.egress].flatMap((r) => (r.peer.kind === 'cidr' ? [r.peer.cidr] : []))),
    ...p.networkAcls.flatMap((a) => [...a.inbound, ...a.outbound].map((e) => e.cidr)),
    ...p.routeTables.flatMap((r) => r.routes.flatMap((x) => (x.destination.kind === 'cidr' ? [x.destination.cidr] : []))),
    ...[...p.prefixListEntries.values()].flat(),
  ];
}

function interfaces(t: TfReader): void {
  const p = t.parts;
  const used = new Set(p.interfaces.flatMap((e) => e.addresses));
  for (const n of p.natGateways) if (n.privateIp) used.add(n.privateIp);
  const cidrs = namedCidrs(t);
  p.interfaces.forEach((e, i) => {
    const groups = t.eniGroups.get(e.id) ?? [];
    const pub = t.publicIps.get(e.id) ?? (e.instanceId ? t.publicIps.get(e.instanceId) : undefined);
    let next = { ...e, securityGroups: [...new Set([...e.securityGroups, ...groups])].sort(), ...(pub ? { publicIp: pub } : {}) };
    const pending = t.pendingAddresses.find((x) => x.id === e.id);
    const subnet = p.subnets.find((s) => s.id === e.subnet);
    const block = subnet?.cidr;
    if (pending && subnet && block && block.range.family === 4) {
      // AWS keeps the first four addresses and the last of a subnet.
      let a = block.range.lo + 4n;
      while (used.has(formatIp(4, a)) && a < block.range.hi - 1n) a++;
      const ip = formatIp(4, a);
      used.add(ip);
      next = { ...next, addresses: [ip] };
      const r = block.range;
      const splits = cidrs.some((c) => c.range.family === 4 && c.range.lo <= r.hi && c.range.hi >= r.lo && !(c.range.lo <= r.lo && c.range.hi >= r.hi));
      if (splits) t.notKnown(pending.res, [pending.key], `${pending.res.address}: ${pending.key} is assigned by AWS on apply; taken as ${ip} of ${subnet.id}, but rules or routes name part of that subnet, so address-based answers for it are not exact`);
      else t.report('info', 'tf-unknown-address', `${pending.res.address}: ${pending.key} is assigned by AWS on apply; taken as ${ip} of ${subnet.id} (no rule or route names part of the subnet, so any of its addresses gets the same answers)`, t.at(pending.res, [pending.key]));
    }
    p.interfaces[i] = next;
  });
  // An interface of an IPv6-only subnet has no IPv4 to wait for; one whose IPv4 AWS assigns in an unknown range is left out.
  const pending = new Set(t.pendingAddresses.map((x) => x.id));
  const kept = (e: (typeof p.interfaces)[number]): boolean => e.addresses.length > 0 || (!pending.has(e.id) && (e.ipv6Addresses?.length ?? 0) > 0);
  const ok = new Set(p.interfaces.filter(kept).map((e) => e.id));
  for (const x of t.pendingAddresses) if (!ok.has(x.id)) t.notKnown(x.res, [x.key], `${x.res.address}: ${x.key} is assigned by AWS on apply and the subnet's range is not known: left out`);
  p.interfaces.splice(0, p.interfaces.length, ...p.interfaces.filter(kept));
}

function gatewaysAndPeerings(t: TfReader): void {
  const p = t.parts;
  p.internetGateways.forEach((g, i) => {
    const extra = t.igwAttachments.get(g.id);
    if (extra) p.internetGateways[i] = { ...g, vpcs: [...new Set([...g.vpcs, ...extra])] };
  });
  p.peerings.forEach((x, i) => {
    const a = t.accepters.get(x.id);
    if (a?.status && t.pendingPeerings.has(x.id)) p.peerings[i] = { ...x, status: a.status };
    const after = p.peerings[i]!;
    const pending = t.pendingPeerings.get(x.id);
    if (pending && after.status !== 'active') t.report('info', 'tf-peering-not-accepted', `${pending.res.address}: peering ${x.id} is not accepted by anything in the document (no auto_accept, no accepter): taken as ${after.status}, so it carries nothing`, t.at(pending.res));
  });
  for (const [id, a] of t.accepters) {
    if (p.peerings.some((x) => x.id === id)) continue;
    // The accepter's side of a peering requested elsewhere (another account's state).
    const vpc = t.value(a.res, ['vpc_id']);
    const peer = t.value(a.res, ['peer_vpc_id']);
    if (vpc.kind !== 'known' || peer.kind !== 'known') continue;
    const own = p.vpcs.find((v) => v.id === vpc.value);
    const s = t.scope(a.res, own);
    const owner = t.value(a.res, ['peer_owner_id']);
    const region = t.value(a.res, ['peer_region']);
    p.peerings.push({
      id, status: a.status ?? 'pending-acceptance', source: t.at(a.res),
      accepter: { vpc: vpc.value, account: own?.account ?? s.account, region: own?.region ?? s.region },
      requester: { vpc: peer.value, account: owner.kind === 'known' ? owner.value : s.account, region: region.kind === 'known' ? region.value : s.region },
    });
  }
  for (const x of t.endpointTables) {
    const ep = t.gatewayEndpoints.get(x.endpoint);
    // An endpoint the document does not hold: its prefix list is unknown too (a caveat either way).
    endpointRoute(t, ep?.res ?? x.res, x.table, x.endpoint, ep?.prefixList, x.res);
  }
}

function transitGateways(t: TfReader): void {
  const p = t.parts;
  const tables = new Set(p.tgwRouteTables.map((r) => r.id));
  for (const [tgw, d] of t.tgwDefaults) {
    for (const id of [d.association, d.propagation]) {
      if (!id || tables.has(id)) continue;
      tables.add(id);
      p.tgwRouteTables.push({ id, tgw, source: t.at(d.res) });
      t.report('info', 'tf-assumed-default', `${d.res.address}: the default route table ${id} of transit gateway ${tgw} is made by AWS: attachments that keep the default association and propagation use it`, t.at(d.res));
    }
  }
  const propagations = new Map<string, Array<{ attachment: string; source: (typeof p.tgwAttachments)[number]['source'] }>>();
  for (const [rt, l] of t.tgwPropagationOf) propagations.set(rt, [...l]);
  p.tgwAttachments.forEach((a, i) => {
    const d = t.tgwAttachmentDefaults.get(a.id);
    const dflt = t.tgwDefaults.get(a.tgw);
    const assoc = t.tgwAssociationOf.get(a.id) ?? (d?.association !== false ? dflt?.association : undefined);
    if (assoc) p.tgwAttachments[i] = { ...a, association: assoc };
    if (d?.propagation !== false && dflt?.propagation) {
      const l = propagations.get(dflt.propagation) ?? [];
      if (!l.some((x) => x.attachment === a.id)) l.push({ attachment: a.id, source: a.source });
      propagations.set(dflt.propagation, l);
    }
  });
  for (const rt of p.tgwRouteTables) {
    const routes: TgwRoute[] = [...(p.tgwRoutes.get(rt.id) ?? [])];
    const props = propagations.get(rt.id) ?? [];
    for (const x of props) {
      const a = p.tgwAttachments.find((y) => y.id === x.attachment);
      const vpc = a ? p.vpcs.find((v) => v.id === a.resourceId) : undefined;
      // A VPC attachment propagates the VPC's CIDR blocks.
      for (const c of vpc?.cidrs ?? []) routes.push({ destination: { kind: 'cidr', cidr: c, text: cidrText(c) }, attachments: [x.attachment], state: 'active', origin: 'propagated', source: x.source });
    }
    p.tgwRoutes.set(rt.id, routes);
    p.tgwPropagations.set(rt.id, props.map((x) => x.attachment));
  }
}

/** Joins everything collected while reading into the parts. */
export function joinParts(t: TfReader): void {
  defaults(t);
  gatewaysAndPeerings(t);
  routeTables(t);
  networkAcls(t);
  securityGroups(t);
  interfaces(t);
  transitGateways(t);
}
