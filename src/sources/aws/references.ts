/**
 * Cross-reference checks over a whole snapshot: an id that is named but not present (a route to a deleted
 * NAT gateway, a rule naming an unknown group) and what the engine does not evaluate, each as a diagnostic.
 */
import type { AwsInventory, AwsSourceRef, NaclEntry, NetworkAcl, NetworkInterface, RouteTable, RouteTargetKind } from '../../inventory/aws/types.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { gatewayEndpointOfRoute } from '../../inventory/aws/endpoints.js';
import { parseIp } from '../../model/address.js';
import type { Diagnostic, Severity, UnmodelledObject } from '../../inventory/types.js';

const MODELLED_TARGETS = new Set(['local', 'igw', 'eigw', 'nat', 'pcx', 'tgw']);

/** Diagnostics for unknown references and unmodelled settings, in input order; the settings also as caveat objects. */
export function checkReferences(inv: Omit<AwsInventory, 'unmodelled'>): { diagnostics: Diagnostic[]; unmodelled: UnmodelledObject[] } {
  const out: Diagnostic[] = [];
  const unmodelled: UnmodelledObject[] = [];
  const say = (severity: Severity, code: string, message: string, s: AwsSourceRef): void => {
    out.push({ severity, code, message: `${message} (at ${s.path})`, source: s });
  };
  // What the engine does not evaluate changes traffic: a warning, and a caveat every report carries.
  const notEvaluated = (kind: string, name: string, effect: string, message: string, s: AwsSourceRef): void => {
    say('warning', kind === 'Route' ? 'aws-unmodelled-target' : 'aws-unmodelled-setting', message, s);
    unmodelled.push({ kind, apiVersion: 'ec2', name, effect, selects: 'unknown', digest: `${s.file}#${s.path}`, source: { file: s.file, line: s.line } });
  };
  const ids = (xs: readonly { id: string }[]): Set<string> => new Set(xs.map((x) => x.id));
  const vpcs = ids(inv.vpcs);
  const subnets = ids(inv.subnets);
  const groups = ids(inv.securityGroups);
  const lists = new Map(inv.prefixLists.map((l) => [l.id, l]));
  const targets: Record<string, Set<string>> = { igw: ids(inv.internetGateways), eigw: ids(inv.egressOnlyGateways), nat: ids(inv.natGateways), pcx: ids(inv.peerings), tgw: ids(inv.transitGateways) };
  const attachments = ids(inv.tgwAttachments);
  const endpoints = new Map(inv.vpcEndpoints.map((e) => [e.id, e]));

  const acled = new Set(inv.networkAcls.flatMap((a) => a.subnets));
  const defaultAcl = new Set(inv.networkAcls.filter((a) => a.isDefault).map((a) => a.vpc));
  const tabled = new Set(inv.routeTables.flatMap((t) => t.subnets));
  const mainTable = new Set(inv.routeTables.filter((t) => t.main).map((t) => t.vpc));
  for (const s of inv.subnets) {
    if (!acled.has(s.id) && !defaultAcl.has(s.vpc)) say('warning', 'aws-no-nacl', `subnet ${s.id}: no network ACL in the snapshot is associated with it: assumed to allow everything`, s.source);
    if (!tabled.has(s.id) && !mainTable.has(s.vpc)) say('warning', 'aws-no-route-table', `subnet ${s.id}: no route table in the snapshot applies to it: nothing leaves it`, s.source);
  }
  for (const s of inv.subnets) if (!vpcs.has(s.vpc)) say('warning', 'aws-unknown-reference', `subnet ${s.id} names VPC ${s.vpc}, which is not in the snapshot`, s.source);
  for (const e of inv.interfaces) {
    if (!subnets.has(e.subnet)) say('warning', 'aws-unknown-reference', `network interface ${e.id} names subnet ${e.subnet}, which is not in the snapshot: its NACL and routes are unknown, so nothing reaches it or leaves it`, e.source);
    for (const g of e.securityGroups) if (!groups.has(g)) say('warning', 'aws-unknown-reference', `network interface ${e.id} names security group ${g}, which is not in the snapshot: its rules allow nothing`, e.source);
  }
  for (const g of inv.securityGroups) {
    for (const rule of [...g.ingress, ...g.egress]) {
      if (rule.peer.kind === 'group' && !groups.has(rule.peer.id)) say('warning', 'aws-unknown-reference', `security group ${g.id}: rule names security group ${rule.peer.id}, which is not in the snapshot (stale or elsewhere): it allows nothing`, rule.source);
      if (rule.peer.kind === 'prefix-list') {
        const l = lists.get(rule.peer.id);
        if (!l || !l.entriesKnown) say('warning', 'aws-unknown-reference', `security group ${g.id}: rule names prefix list ${rule.peer.id}, whose entries are not in the snapshot: it allows nothing`, rule.source);
      }
    }
  }
  for (const t of inv.routeTables) {
    if (!vpcs.has(t.vpc)) say('warning', 'aws-unknown-reference', `route table ${t.id} names VPC ${t.vpc}, which is not in the snapshot`, t.source);
    for (const r of t.routes) {
      const dest = r.destination.kind === 'cidr' ? r.destination.text : r.destination.id;
      const gateway = r.target.kind === 'vpce' ? gatewayEndpointOfRoute(endpoints, t.vpc, r) : undefined;
      if (gateway && r.destination.kind === 'prefix-list' && !lists.get(r.destination.id)?.entriesKnown) {
        // The service's addresses are unknown, so traffic to it follows the table's other routes (a NAT, an IGW, none).
        notEvaluated('Route', `${t.id} ${dest} -> ${r.target.id}`, `sends ${gateway.serviceName || 'the service'} traffic to gateway endpoint ${r.target.id}, but the prefix list's entries are not in the snapshot: that traffic is routed as if the route were absent`, `route table ${t.id}: gateway endpoint route to prefix list ${dest}, whose entries are not in the snapshot (no ManagedPrefixListEntries for it): traffic to ${gateway.serviceName || 'the service'} is routed as if the route were absent`, r.source);
        continue;
      }
      if (r.destination.kind === 'prefix-list' && !lists.get(r.destination.id)?.entriesKnown) say('warning', 'aws-unknown-reference', `route table ${t.id}: route to prefix list ${r.destination.id}, whose entries are not in the snapshot: it matches nothing`, r.source);
      if (gateway) continue;
      if (r.target.kind === 'nat' && r.destination.kind === 'cidr' && r.destination.cidr.range.family === 6) {
        notEvaluated('Route', `${t.id} ${dest} -> ${r.target.id}`, 'sends IPv6 traffic to a NAT gateway (DNS64/NAT64), which is not evaluated: counted as dropped', `route table ${t.id}: IPv6 route ${dest} to NAT gateway ${r.target.id} (DNS64/NAT64) is not evaluated yet: traffic it carries is counted as dropped`, r.source);
      } else if (!MODELLED_TARGETS.has(r.target.kind)) {
        notEvaluated('Route', `${t.id} ${dest} -> ${r.target.id}`, `carries traffic (${r.target.kind} target) that is counted as dropped`, `route table ${t.id}: route to ${r.target.id} (${r.target.kind}) is not evaluated yet: traffic it carries is counted as dropped`, r.source);
      } else if (r.target.kind !== 'local' && r.state === 'active' && !targets[r.target.kind]!.has(r.target.id)) {
        say('warning', 'aws-unknown-reference', `route table ${t.id}: route target ${r.target.id} is not in the snapshot (deleted?): traffic it carries is dropped`, r.source);
      }
    }
  }
  for (const t of inv.tgwRouteTables) {
    for (const r of t.routes) for (const a of r.attachments) if (!attachments.has(a)) say('warning', 'aws-unknown-reference', `transit gateway route table ${t.id}: route names attachment ${a}, which is not in the snapshot: traffic it carries is dropped`, r.source);
    for (const a of t.associations) if (!attachments.has(a)) say('warning', 'aws-unknown-reference', `transit gateway route table ${t.id} is associated with attachment ${a}, which is not in the snapshot`, t.source);
  }
  for (const t of inv.tgwRouteTables) {
    if (!t.routesTruncated) continue;
    // Not a setting left out but data AWS did not return: answers through the table are not known to be complete.
    say('warning', 'aws-tgw-routes-truncated', `transit gateway route table ${t.id}: the route search was cut short (AdditionalRoutesAvailable): the snapshot holds ${t.routes.length} of its routes, so paths through it may be missing or routed otherwise`, t.routesTruncated);
    unmodelled.push({ kind: 'TransitGatewayRouteTable', apiVersion: 'ec2', name: t.id, effect: `has routes beyond the ${t.routes.length} the snapshot holds (route search cut short): paths through it may be missing or routed otherwise`, selects: 'unknown', digest: `${t.routesTruncated.file}#${t.routesTruncated.path}`, source: { file: t.routesTruncated.file, line: t.routesTruncated.line } });
  }
  // IPv6 addresses a plan leaves to AWS (a count, known after apply): those interfaces' IPv6 paths are not answered.
  const v6 = new Map<string, { count: number; first: AwsSourceRef }>();
  for (const e of inv.interfaces) {
    if (!e.ipv6Addresses?.some((a) => parseIp(a)?.family !== 6)) continue;
    const x = v6.get(e.vpc);
    if (x) x.count++;
    else v6.set(e.vpc, { count: 1, first: e.source });
  }
  for (const [vpc, x] of v6) {
    notEvaluated('Vpc', vpc, `has ${x.count} network interface(s) whose IPv6 addresses are known only after apply: their IPv6 paths are not evaluated`, `VPC ${vpc}: ${x.count} network interface(s) get IPv6 addresses only after apply; their IPv6 paths are not evaluated, so answers cover IPv4 for them`, x.first);
  }
  for (const g of inv.transitGateways) {
    if (!g.securityGroupReferencing) continue;
    // Referencing works where both VPCs' attachments enable it too: one the snapshot says nothing about is not decided.
    const unknown = inv.tgwAttachments.filter((x) => x.tgw === g.id && x.resourceType === 'vpc' && x.state === 'available' && x.securityGroupReferencing === undefined).map((x) => x.id).sort();
    if (unknown.length > 0) notEvaluated('TransitGateway', g.id, `lets security group references match across it, but whether attachment(s) ${unknown.join(', ')} enable it is not known (counted as not)`, `transit gateway ${g.id} enables security group referencing, but the snapshot does not say whether its attachment(s) ${unknown.join(', ')} do (no TransitGatewayVpcAttachments entry): group references across them match nothing`, g.source);
  }
  for (const n of inv.natGateways) {
    // A NAT gateway's own subnet table sending a service on to a gateway endpoint: that leg is not evaluated.
    const table = inv.routeTables.find((t) => t.subnets.includes(n.subnet)) ?? inv.routeTables.find((t) => t.main && t.vpc === n.vpc);
    const r = table?.routes.find((x) => gatewayEndpointOfRoute(endpoints, table.vpc, x));
    if (table && r) notEvaluated('Route', `${table.id} ${r.destination.kind === 'prefix-list' ? r.destination.id : ''} -> ${r.target.id}`, `sends traffic that NAT gateway ${n.id} forwards on to gateway endpoint ${r.target.id}: counted as dropped`, `route table ${table.id}: NAT gateway ${n.id} sits in a subnet whose table sends ${r.target.id}'s prefix list to the gateway endpoint; traffic the NAT forwards there is not evaluated yet: counted as dropped`, r.source);
  }
  tgwAttachmentAcls(inv, notEvaluated);
  internetBetweenVpcs(inv, notEvaluated);
  for (const n of inv.natGateways) if (!subnets.has(n.subnet)) say('warning', 'aws-unknown-reference', `NAT gateway ${n.id} names subnet ${n.subnet}, which is not in the snapshot`, n.source);
  for (const a of inv.networkAcls) for (const s of a.subnets) if (!subnets.has(s)) say('info', 'aws-unknown-reference', `network ACL ${a.id} is associated with subnet ${s}, which is not in the snapshot`, a.source);
  return { diagnostics: out, unmodelled };
}

/** True when first-match evaluation of `entries` allows all traffic of address family `family` from everywhere. */
function allowsAll(entries: readonly NaclEntry[], family: 4 | 6): boolean {
  for (const e of entries) {
    if (e.cidr.range.family !== family) continue;
    if (e.action === 'deny') return false;
    if (e.cidr.prefix === 0 && e.traffic.equals(TrafficSet.ALL)) return true;
  }
  return false;
}

/**
 * The engine applies the network ACLs of transit gateway attachment subnets (docs/aws.md, "Transit Gateway
 * attachment subnets' NACLs") where it knows which subnet traffic crosses. It does not when the attachment's
 * subnets are not in the snapshot (some ACL of the VPC not allowing everything), nor where the TGW leaves
 * into the VPC by a subnet AWS picks: appliance mode, or traffic from a zone of the TGW's other attachments
 * where this one has no subnet. There the answer counts only what every candidate subnet lets through, which
 * is exact unless their verdicts may differ: their ACLs not all one ACL and not all allowing everything, or
 * an interface in one of them (it receives from the TGW without its subnet's NACL, the others with it).
 */
function tgwAttachmentAcls(inv: Omit<AwsInventory, 'unmodelled'>, notEvaluated: (kind: string, name: string, effect: string, message: string, s: AwsSourceRef) => void): void {
  const explicit = new Map<string, NetworkAcl>();
  for (const a of inv.networkAcls) for (const s of a.subnets) explicit.set(s, a);
  const byVpc = new Map(inv.vpcs.map((v) => [v.id, v]));
  const zone = new Map(inv.subnets.map((s) => [s.id, s.availabilityZone]));
  const tgws = new Set(inv.transitGateways.map((t) => t.id));
  const hosts = new Set(inv.interfaces.map((e) => e.subnet));
  const filtering = (acl: NetworkAcl): boolean => {
    const families: Array<4 | 6> = byVpc.get(acl.vpc)?.cidrs.some((c) => c.range.family === 6) ? [4, 6] : [4];
    return families.some((f) => !allowsAll(acl.inbound, f) || !allowsAll(acl.outbound, f));
  };
  const vpcAttachments = inv.tgwAttachments.filter((x) => x.resourceType === 'vpc' && x.state === 'available' && tgws.has(x.tgw));
  for (const x of vpcAttachments) {
    const vpc = x.resourceId;
    const aclOf = (subnet: string): NetworkAcl | undefined => explicit.get(subnet) ?? inv.networkAcls.find((a) => a.isDefault && a.vpc === vpc);
    if (!x.subnets) {
      if (inv.networkAcls.some((a) => a.vpc === vpc && filtering(a))) {
        const effect = `filters traffic through ${x.tgw} by the network ACLs of its subnets, which are not evaluated: paths through it may be allowed or denied otherwise`;
        notEvaluated('TransitGatewayAttachment', x.id, effect, `transit gateway attachment ${x.id}: its subnets are not in the snapshot (TransitGatewayVpcAttachments), and ${vpc} has network ACLs that do not allow everything; AWS applies the attachment subnets' ACLs to traffic through ${x.tgw}, which is not evaluated yet`, x.source);
      }
      continue;
    }
    if (x.subnets.length < 2) continue;
    // The zones traffic enters the TGW from: those of its attachments' subnets (any zone of a VPC whose attachment subnets are unknown).
    const from = new Set<string | undefined>();
    for (const y of vpcAttachments) {
      if (y.tgw !== x.tgw) continue;
      if (y.subnets) for (const s of y.subnets) from.add(zone.get(s));
      else for (const s of inv.subnets) if (s.vpc === y.resourceId) from.add(s.availabilityZone);
    }
    const mine = new Set(x.subnets.map((s) => zone.get(s)));
    const missing = [...from].filter((z) => !mine.has(z)).map((z) => z ?? 'an unknown zone').sort();
    if (!x.applianceMode && missing.length === 0) continue;
    const acls = x.subnets.map(aclOf);
    const oneAcl = acls.every((a) => a === acls[0]);
    const anyFilters = acls.some((a) => a && filtering(a));
    const hosted = x.subnets.filter((s) => hosts.has(s));
    if (!anyFilters || (oneAcl && hosted.length === 0)) continue;
    const why = x.applianceMode ? 'appliance mode: a flow hash picks the zone' : `traffic from ${missing.join(', ')}, where it has no subnet`;
    const differ = hosted.length > 0 ? `interfaces in ${hosted.join(', ')} receive from the TGW without their subnet's NACL` : `their network ACLs differ (${x.subnets.map((s, i) => `${s}: ${acls[i]?.id ?? 'none'}`).join(', ')})`;
    const effect = `leaves ${x.tgw} into ${vpc} by a subnet AWS picks (${why}), and ${differ}: paths through it count only what every one of ${x.subnets.join(', ')} lets through, so they may be allowed where the results say otherwise`;
    notEvaluated('TransitGatewayAttachment', x.id, effect, `transit gateway attachment ${x.id}: ${why}, so which of its subnets ${x.subnets.join(', ')} traffic from ${x.tgw} into ${vpc} crosses is not determined, and ${differ}; the results count only what every one of them lets through`, x.source);
  }
}

/**
 * An interface that sends to the internet (a public IPv4 or an IPv6 address routed to an internet gateway,
 * IPv6 to an egress-only one, IPv4 through a NAT gateway) reaches another VPC's interfaces at their public
 * addresses over the internet, and a security group rule naming its public address (not 0.0.0.0/0 or ::/0)
 * admits it where it admits no other internet source. The engine follows paths between VPCs only through
 * peering and transit gateways, so such a rule gets a caveat: the pair shows as internet -> interface at most.
 */
function internetBetweenVpcs(inv: Omit<AwsInventory, 'unmodelled'>, notEvaluated: (kind: string, name: string, effect: string, message: string, s: AwsSourceRef) => void): void {
  const explicit = new Map<string, RouteTable>();
  for (const t of inv.routeTables) for (const s of t.subnets) explicit.set(s, t);
  const main = new Map(inv.routeTables.filter((t) => t.main).map((t) => [t.vpc, t]));
  const attached = new Set(inv.internetGateways.flatMap((g) => g.vpcs));
  const nats = new Map(inv.natGateways.map((n) => [n.id, n]));
  const routesTo = (e: NetworkInterface, family: 4 | 6, kinds: readonly RouteTargetKind[]): string[] =>
    (explicit.get(e.subnet) ?? main.get(e.vpc))?.routes.filter((r) => r.state === 'active' && r.destination.kind === 'cidr' && r.destination.cidr.range.family === family && kinds.includes(r.target.kind)).map((r) => r.target.id) ?? [];
  const ip = (a: string | undefined): { family: 4 | 6; value: bigint } | undefined => (a === undefined ? undefined : parseIp(a));
  const v6 = (e: NetworkInterface): { family: 4 | 6; value: bigint }[] => (e.ipv6Addresses ?? []).flatMap((a) => (ip(a)?.family === 6 ? [ip(a)!] : []));
  // Per VPC, the public addresses its interfaces' traffic to the internet comes from.
  const seenAs = new Map<string, { family: 4 | 6; value: bigint }[]>();
  const add = (vpc: string, x: { family: 4 | 6; value: bigint } | undefined): void => void (x && (seenAs.get(vpc) ?? seenAs.set(vpc, []).get(vpc)!).push(x));
  for (const e of inv.interfaces) {
    if (routesTo(e, 4, ['igw']).length) add(e.vpc, ip(e.publicIp));
    for (const id of routesTo(e, 4, ['nat'])) {
      // A NAT gateway carries only its own VPC's traffic (not through peering).
      const n = nats.get(id);
      if (n && n.vpc === e.vpc && n.connectivity === 'public') add(e.vpc, ip(n.publicIp));
    }
    if (routesTo(e, 6, ['igw', 'eigw']).length) for (const x of v6(e)) add(e.vpc, x);
  }
  // Sorted per family, so each rule finds the addresses in its range by binary search (10,000 interfaces).
  const sorted = new Map<4 | 6, { value: bigint; vpc: string }[]>([[4, []], [6, []]]);
  for (const [vpc, xs] of seenAs) for (const x of xs) sorted.get(x.family)!.push({ value: x.value, vpc });
  for (const xs of sorted.values()) xs.sort((p, q) => (p.value < q.value ? -1 : p.value > q.value ? 1 : 0));
  const within = (family: 4 | 6, lo: bigint, hi: bigint, not: string): string[] => {
    const xs = sorted.get(family)!;
    let i = 0;
    for (let j = xs.length; i < j; ) {
      const m = (i + j) >> 1;
      if (xs[m]!.value < lo) i = m + 1;
      else j = m;
    }
    const vpcs = new Set<string>();
    for (; i < xs.length && xs[i]!.value <= hi; i++) if (xs[i]!.vpc !== not) vpcs.add(xs[i]!.vpc);
    return [...vpcs].sort();
  };
  // Per group, an internet-reachable member per family (a group belongs to one VPC).
  const reachable = new Map<string, { 4?: string; 6?: string }>();
  for (const e of inv.interfaces) {
    if (!attached.has(e.vpc)) continue;
    const public4 = e.publicIp !== undefined && routesTo(e, 4, ['igw']).length > 0;
    const public6 = v6(e).length > 0 && routesTo(e, 6, ['igw']).length > 0;
    for (const g of e.securityGroups) {
      const r = reachable.get(g) ?? reachable.set(g, {}).get(g)!;
      if (public4) r[4] ??= e.id;
      if (public6) r[6] ??= e.id;
    }
  }
  const said = new Set<string>();
  for (const g of inv.securityGroups) {
    const members = reachable.get(g.id);
    if (!members) continue;
    for (const r of g.ingress) {
      if (r.peer.kind !== 'cidr' || r.peer.cidr.prefix === 0 || said.has(`${g.id} ${r.peer.text}`)) continue;
      const c = r.peer.cidr.range;
      const member = members[c.family];
      if (member === undefined) continue;
      const from = within(c.family, c.lo, c.hi, g.vpc);
      if (!from.length) continue;
      said.add(`${g.id} ${r.peer.text}`);
      // A wide range may hold the addresses of many VPCs: the caveat names a few.
      const named = from.length > 3 ? `${from.slice(0, 3).join(', ')} and ${from.length - 3} more VPC(s)` : from.join(', ');
      notEvaluated('SecurityGroupRule', `${g.id} ${r.peer.text}`, `admits ${named} over the internet at their public addresses: that path between VPCs is not evaluated (counted as no connection)`, `security group ${g.id}: its inbound rule from ${r.peer.text} covers the public address(es) that interfaces of ${named} send to the internet from, and its member ${member} in ${g.vpc} is reachable from the internet; paths between VPCs over the internet are not evaluated, so connections from ${named} this way are not listed`, r.source);
    }
  }
}
