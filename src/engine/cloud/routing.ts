/**
 * Routing: which way a packet goes, hop by hop. The subnet's table (explicit or main), longest prefix, then
 * static before prefix-list before propagated; local; blackholes; an IGW only with a public address; a NAT
 * gateway outbound only, toward the internet; peering only to the peer's own CIDRs (not transitive, no
 * edge-to-edge) with the peer's route back; Transit Gateway by the table associated with the ingress
 * attachment, and its way back. The result lists the subnet crossings whose NACLs the packet meets.
 */
import { gatewayEndpointOfRoute } from '../../inventory/aws/endpoints.js';
import type { NetworkInterface, Route, RouteTable, TgwAttachment, TgwRoute, TgwRouteTable } from '../../inventory/aws/types.js';
import type { Family } from '../../model/address.js';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';
import { formatKey, inRange, ip4, keyFamily, type Estate } from './estate.js';
import type { Step } from './steps.js';

/** A path end: an ENI (its address of the flow's family), or an outside address key (its family is the flow's). */
export type Endpoint = { readonly kind: 'eni'; readonly eni: NetworkInterface } | { readonly kind: 'external'; readonly address: bigint };

/** A subnet boundary the packet crosses; `peer` is the other end as the ACL sees it (dst outbound, src inbound). */
export interface Crossing {
  readonly subnet: string;
  readonly direction: 'inbound' | 'outbound';
  readonly peer: bigint;
  /** Set when the subnet is a transit gateway attachment's (the attachment id): its NACL filters traffic through the TGW. */
  readonly attachment?: string;
}

export interface RouteOutcome {
  readonly ok: boolean;
  readonly steps: readonly Step[];
  readonly crossings: readonly Crossing[];
  /**
   * The boundaries the replies cross, each in the reply's own direction, when they are not the request's
   * reversed (through a transit gateway, whose replies take the attachment subnets of the destination's zone).
   */
  readonly replyCrossings?: readonly Crossing[];
  /** The source address as the destination sees it (a NAT or a public address rewrites it). */
  readonly sourceSeen: bigint;
  /** Set when the path leaves what the engine evaluates (the answer is then a lower bound). */
  readonly unmodelled?: string;
  /** What the path takes for granted beyond the network (an endpoint policy). */
  readonly assumption?: string;
}

type AnyRoute = Route | TgwRoute;

/** The winning route for an address: longest prefix, then static CIDR, static prefix list, propagated. */
export function bestRoute<R extends AnyRoute>(est: Estate, routes: readonly R[], address: bigint): R | undefined {
  // Reach looks the same tables up for the same addresses again and again: memoised per table.
  let memo = MEMO.get(routes) as Map<bigint, R | null> | undefined;
  if (!memo) MEMO.set(routes, (memo = new Map()));
  const hit = memo.get(address);
  if (hit !== undefined) return hit ?? undefined;
  const r = scanRoutes(est, routes, address);
  memo.set(address, r ?? null);
  return r;
}

/** Per route list (a table's, which never changes once read): address -> winning route. */
const MEMO = new WeakMap<readonly AnyRoute[], Map<bigint, AnyRoute | null>>();

function scanRoutes<R extends AnyRoute>(est: Estate, routes: readonly R[], address: bigint): R | undefined {
  let best: R | undefined;
  let bestKey = -1;
  for (const r of routes) {
    let prefix = -1;
    if (r.destination.kind === 'cidr') {
      if (inRange(r.destination.cidr.range, address)) prefix = r.destination.cidr.prefix;
    } else {
      for (const c of est.prefixLists.get(r.destination.id)?.entries ?? []) if (inRange(c.range, address) && c.prefix > prefix) prefix = c.prefix;
    }
    if (prefix < 0) continue;
    const rank = r.origin === 'propagated' ? 0 : r.destination.kind === 'prefix-list' ? 1 : 2;
    const key = prefix * 4 + rank;
    if (key > bestKey) {
      best = r;
      bestKey = key;
    }
  }
  return best;
}

function dest(r: AnyRoute): string {
  return r.destination.kind === 'cidr' ? r.destination.text : r.destination.id;
}

/** While set, routing builds no explanation: every step is one shared object (reach reads only verdicts and traffic). */
let quiet = false;
const QUIET_ALLOW: Step = { stage: 'route', resource: '', verdict: 'allow', traffic: TrafficSet.ALL, rules: [], message: '' };
const QUIET_DENY: Step = { stage: 'route', resource: '', verdict: 'deny', traffic: TrafficSet.EMPTY, rules: [], message: '' };

/** Runs `f` with routing steps left unexplained (their verdicts and traffic stay exact). */
export function withoutExplanations<T>(f: () => T): T {
  const was = quiet;
  quiet = true;
  try {
    return f();
  } finally {
    quiet = was;
  }
}

/**
 * A routing step. The message is built on first read: reach evaluates millions of paths and reads none of
 * them, explain reads every one.
 */
function routeStep(stage: 'route' | 'tgw-route' | 'return-route' | 'gateway', resource: string, ok: boolean, message: string | (() => string), r?: AnyRoute, target?: string): Step {
  if (quiet) return ok ? QUIET_ALLOW : QUIET_DENY;
  let id: string | undefined;
  const rules = r ? [{ get id(): string { return (id ??= `${resource} ${dest(r)} -> ${target ?? ''}`.trim()); }, action: ok ? ('allow' as const) : ('deny' as const), source: r.source }] : [];
  let text = typeof message === 'string' ? message : undefined;
  return {
    stage, resource, verdict: ok ? 'allow' : 'deny', traffic: ok ? TrafficSet.ALL : TrafficSet.EMPTY, rules,
    get message(): string {
      return (text ??= (message as () => string)());
    },
  };
}

/** An address printed when a message is read (an object whose toString formats it once). */
function lazyIp(v: bigint): { toString(): string } {
  let t: string | undefined;
  return { toString: () => (t ??= formatKey(v)) };
}

function targetText(r: Route): string {
  return r.target.id;
}

function failed(steps: Step[], crossings: Crossing[], sourceSeen: bigint, unmodelled?: string): RouteOutcome {
  return { ok: false, steps, crossings, sourceSeen, ...(unmodelled ? { unmodelled } : {}) };
}

/** The route a subnet's table picks for an address, as a step; undefined route when none matches. */
function lookupFrom(est: Estate, subnet: string, address: bigint, _stage: 'route' | 'return-route'): { table?: RouteTable; route?: Route } {
  const table = est.routeTableOf(subnet);
  return { table, route: table ? bestRoute(est, table.routes, address) : undefined };
}

/** Where a packet from an ENI to an endpoint goes, in a family (an outside end's address decides it). */
export function routeFromEni(est: Estate, src: NetworkInterface, dst: Endpoint, flow: Family = 4): RouteOutcome {
  const family = dst.kind === 'external' ? keyFamily(dst.address) : flow;
  const a0 = est.addressOf(src, family);
  const d0 = dst.kind === 'eni' ? est.addressOf(dst.eni, family) : dst.address;
  if (a0 === undefined || d0 === undefined) {
    const who = a0 === undefined ? src.id : (dst as { eni: NetworkInterface }).eni.id;
    return failed([routeStep('route', who, false, () => `${who} has no IPv${family} address: no IPv${family} path`)], [], a0 ?? -1n);
  }
  const a = a0;
  const d = d0;
  const dText = lazyIp(d);
  const steps: Step[] = [];
  const { table, route } = lookupFrom(est, src.subnet, d, 'route');
  if (!table) return failed([routeStep('route', src.subnet, false, () => `subnet ${src.subnet} has no route table in the snapshot`)], [], a);
  if (!route) return failed([routeStep('route', table.id, false, () => `${table.id} has no route to ${dText}`)], [], a);
  const t = route.target;
  if (route.state === 'blackhole') return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${t.id}, a blackhole route: dropped`, route, t.id)], [], a);
  const ok = (msg: () => string): void => {
    steps.push(routeStep('route', table.id, true, msg, route, targetText(route)));
  };
  const out: Crossing = { subnet: src.subnet, direction: 'outbound', peer: d };

  if (t.kind === 'local') {
    if (dst.kind !== 'eni' || dst.eni.vpc !== src.vpc || !est.interfaceAt(src.vpc, d)) {
      return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} locally, but no interface of ${src.vpc} holds it`, route, 'local')], [], a);
    }
    ok(() => `${table.id} routes ${dText} locally in ${src.vpc}`);
    const back = lookupFrom(est, dst.eni.subnet, a, 'return-route');
    if (!back.route || back.route.state !== 'active' || back.route.target.kind !== 'local') {
      steps.push(routeStep('return-route', back.table?.id ?? dst.eni.subnet, false, () => `the way back to ${formatKey(a)} from ${dst.eni.subnet} is not the local route`, back.route, back.route?.target.id));
      return failed(steps, [], a);
    }
    return { ok: true, steps, crossings: dst.eni.subnet === src.subnet ? [] : [out, { subnet: dst.eni.subnet, direction: 'inbound', peer: a }], sourceSeen: a };
  }

  if (t.kind === 'pcx') {
    const p = est.peerings.get(t.id);
    const other = p ? est.peerOf(p, src.vpc) : undefined;
    if (!p || !other) return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${t.id}, which is ${p ? `not active (${p.status}) or not a peering of ${src.vpc}` : 'not in the snapshot'}`, route, t.id)], [], a);
    if (!est.vpcContains(other, d) || dst.kind !== 'eni' || dst.eni.vpc !== other) {
      return failed([routeStep('route', table.id, false, () => `${t.id} delivers only to ${other}'s own addresses, and ${dText} is not one of its interfaces (peering is not transitive and has no edge-to-edge routing)`, route, t.id)], [], a);
    }
    ok(() => `${table.id} routes ${dText} to ${t.id} (${src.vpc} -> ${other})`);
    const back = lookupFrom(est, dst.eni.subnet, a, 'return-route');
    if (!back.route || back.route.state !== 'active' || back.route.target.kind !== 'pcx' || back.route.target.id !== t.id) {
      steps.push(routeStep('return-route', back.table?.id ?? dst.eni.subnet, false, () => `no route back to ${formatKey(a)} over ${t.id} from ${dst.eni.subnet}${back.route ? ` (the table sends it to ${back.route.target.id}${back.route.state === 'blackhole' ? ', a blackhole' : ''})` : ''}`, back.route, back.route?.target.id));
      return failed(steps, [], a);
    }
    steps.push(routeStep('return-route', back.table!.id, true, () => `${back.table!.id} routes ${formatKey(a)} back over ${t.id}`, back.route, t.id));
    return { ok: true, steps, crossings: [out, { subnet: dst.eni.subnet, direction: 'inbound', peer: a }], sourceSeen: a };
  }

  if (t.kind === 'tgw') return viaTransitGateway(est, src, dst, d, a, table, route, steps);

  if (t.kind === 'igw') {
    const g = est.igws.get(t.id);
    if (!g || !g.vpcs.includes(src.vpc)) return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${t.id}, which is ${g ? `not attached to ${src.vpc}` : 'not in the snapshot'}`, route, t.id)], [], a);
    if (dst.kind !== 'external') return failed([routeStep('route', table.id, false, () => `${table.id} sends ${dText} to the internet gateway ${t.id}; another VPC's private address is not reached that way`, route, t.id)], [], a);
    ok(() => `${table.id} routes ${dText} to the internet gateway ${t.id}`);
    if (family === 6) {
      // IPv6 addresses are public by nature: no translation and no public IPv4 needed.
      steps.push(routeStep('gateway', t.id, true, () => `${t.id} carries ${formatKey(a)} to the internet (IPv6, no translation)`));
      return { ok: true, steps, crossings: [out], sourceSeen: a };
    }
    if (!src.publicIp) {
      steps.push(routeStep('gateway', t.id, false, () => `${src.id} has no public IPv4 address: ${t.id} does not carry its traffic`));
      return failed(steps, [out], a);
    }
    steps.push(routeStep('gateway', t.id, true, () => `${t.id} translates ${formatKey(a)} to ${src.publicIp}`));
    return { ok: true, steps, crossings: [out], sourceSeen: ip4(src.publicIp) };
  }

  if (t.kind === 'eigw') {
    const g = est.eigws.get(t.id);
    if (!g || !g.vpcs.includes(src.vpc)) return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${t.id}, which is ${g ? `not attached to ${src.vpc}` : 'not in the snapshot'}`, route, t.id)], [], a);
    if (family !== 6) return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to the egress-only internet gateway ${t.id}, which carries IPv6 only`, route, t.id)], [], a);
    if (dst.kind !== 'external') return failed([routeStep('route', table.id, false, () => `${table.id} sends ${dText} to the egress-only internet gateway ${t.id}; another VPC's address is not reached that way`, route, t.id)], [], a);
    ok(() => `${table.id} routes ${dText} to the egress-only internet gateway ${t.id}`);
    steps.push(routeStep('gateway', t.id, true, () => `${t.id} carries ${formatKey(a)} out to the internet (IPv6, outbound only: replies come back, the internet opens nothing)`));
    return { ok: true, steps, crossings: [out], sourceSeen: a };
  }

  if (t.kind === 'vpce') {
    const ep = gatewayEndpointOfRoute(est.endpoints, src.vpc, route);
    if (ep) {
      const service = ep.serviceName || ep.id;
      const pl = route.destination.kind === 'prefix-list' ? route.destination.id : '';
      if (dst.kind !== 'external') return failed([routeStep('route', table.id, false, () => `${table.id} sends ${dText} (prefix list ${pl}) to the gateway endpoint ${t.id}; no interface is reached that way`, route, t.id)], [], a);
      ok(() => `${table.id} routes ${dText} (prefix list ${pl}) to the gateway endpoint ${t.id}`);
      // No security group and no NAT: the service sees the private address; it never opens connections in.
      steps.push(routeStep('gateway', t.id, true, () => `${t.id} delivers to ${service} from ${formatKey(a)} (a gateway endpoint has no security group)`));
      return { ok: true, steps, crossings: [out], sourceSeen: a, assumption: `the policy of gateway endpoint ${t.id} (${service}) allows the request (IAM is not evaluated)` };
    }
  }

  if (t.kind === 'nat' && family === 6) {
    return failed([routeStep('route', table.id, false, () => `${table.id} sends IPv6 ${dText} to the NAT gateway ${t.id} (DNS64/NAT64), which is not evaluated yet`, route, t.id)], [], a, 'NAT64 through a NAT gateway');
  }

  if (t.kind === 'nat') {
    const n = est.nats.get(t.id);
    if (!n || n.state !== 'available' || n.vpc !== src.vpc) return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${t.id}, which is ${n ? `not available in ${src.vpc}` : 'not in the snapshot'}`, route, t.id)], [], a);
    if (dst.kind !== 'external') return failed([routeStep('route', table.id, false, () => `${table.id} sends ${dText} to ${t.id}; NAT toward other VPCs (private NAT) is not evaluated yet`, route, t.id)], [], a, 'private NAT gateway paths');
    ok(() => `${table.id} routes ${dText} to the NAT gateway ${t.id}`);
    const crossings: Crossing[] = n.subnet === src.subnet ? [] : [out, { subnet: n.subnet, direction: 'inbound', peer: a }];
    const onward = lookupFrom(est, n.subnet, d, 'route');
    const r2 = onward.route;
    const g = r2 && r2.target.kind === 'igw' ? est.igws.get(r2.target.id) : undefined;
    if (n.connectivity !== 'public' || !n.publicIp || !r2 || r2.state !== 'active' || !g || !g.vpcs.includes(n.vpc)) {
      const why = n.connectivity !== 'public' || !n.publicIp ? `${t.id} is a private NAT gateway (no Elastic IP): the internet is not reached` : `the NAT's subnet ${n.subnet} does not route ${dText} to an attached internet gateway`;
      steps.push(routeStep('gateway', t.id, false, () => why, r2, r2?.target.id));
      const onToEndpoint = r2?.target.kind === 'vpce' && n.connectivity === 'public';
      return failed(steps, crossings, a, onToEndpoint ? 'a NAT gateway sending on to a gateway endpoint' : undefined);
    }
    // A NAT gateway carries TCP, UDP and ICMP only.
    const carried = TrafficSet.protocol(PROTO_TCP).union(TrafficSet.protocol(PROTO_UDP)).union(TrafficSet.protocol(PROTO_ICMP));
    steps.push({ ...routeStep('gateway', onward.table!.id, true, () => `${t.id} translates to ${n.publicIp} (TCP, UDP and ICMP only); ${onward.table!.id} routes ${dText} to ${g.id}`, r2, g.id), verdict: 'partial', traffic: carried });
    crossings.push({ subnet: n.subnet, direction: 'outbound', peer: d });
    return { ok: true, steps, crossings, sourceSeen: ip4(n.publicIp) };
  }
  return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${t.id} (${t.kind}), which is not evaluated yet`, route, t.id)], [], a, `${t.kind} route targets`);
}

function tgwLookup(est: Estate, rt: TgwRouteTable, address: bigint): TgwRoute | undefined {
  return bestRoute(est, rt.routes, address);
}

/** The VPC attachment of a VPC on a TGW. */
function attachmentOf(est: Estate, tgw: string, vpc: string) {
  return est.vpcAttachment(tgw, vpc);
}

function viaTransitGateway(est: Estate, src: NetworkInterface, dst: Endpoint, d: bigint, a: bigint, table: RouteTable, route: Route, steps: Step[]): RouteOutcome {
  const tgw = route.target.id;
  const dText = lazyIp(d);
  const xin = attachmentOf(est, tgw, src.vpc);
  if (!est.tgws.has(tgw) || !xin) return failed([routeStep('route', table.id, false, () => `${table.id} routes ${dText} to ${tgw}, but ${src.vpc} has no available attachment to it in the snapshot`, route, tgw)], [], a);
  steps.push(routeStep('route', table.id, true, () => `${table.id} routes ${dText} to ${tgw} (attachment ${xin.id})`, route, tgw));
  const az = est.subnets.get(src.subnet)?.availabilityZone;
  if (xin.subnets && !xin.subnets.some((s) => est.subnets.get(s)?.availabilityZone === az)) {
    steps.push(routeStep('gateway', xin.id, false, () => `${xin.id} has no subnet in ${az}: traffic from ${src.subnet} does not reach ${tgw}`));
    return failed(steps, [], a);
  }
  const rt = est.tgwTableOf(xin.id);
  if (!rt) {
    steps.push(routeStep('tgw-route', xin.id, false, () => `${xin.id} is associated with no transit gateway route table`));
    return failed(steps, [], a);
  }
  const tr = tgwLookup(est, rt, d);
  if (!tr || tr.state === 'blackhole') {
    steps.push(routeStep('tgw-route', rt.id, false, tr ? `${rt.id} routes ${dText} to a blackhole: dropped` : `${rt.id} (associated with ${xin.id}) has no route to ${dText}`, tr, tr ? 'blackhole' : undefined));
    return failed(steps, [], a);
  }
  const xout = [...tr.attachments].sort()[0]!;
  const egress = est.attachments.get(xout);
  if (!egress || egress.resourceType !== 'vpc' || egress.state !== 'available') {
    steps.push(routeStep('tgw-route', rt.id, false, () => `${rt.id} routes ${dText} to ${xout}, which is ${egress ? `a ${egress.resourceType} attachment (not evaluated yet) or not available` : 'not in the snapshot'}`, tr, xout));
    return failed(steps, [], a, egress && egress.resourceType !== 'vpc' ? 'transit gateway attachments other than VPCs' : undefined);
  }
  const v2 = egress.resourceId;
  if (dst.kind !== 'eni' || dst.eni.vpc !== v2 || !est.vpcContains(v2, d)) {
    steps.push(routeStep('tgw-route', rt.id, false, () => `${rt.id} routes ${dText} to ${xout} (${v2}), where it is not one of the VPC's interfaces; onward routing from an attachment subnet is not evaluated yet`, tr, xout));
    return failed(steps, [], a, 'routing onward from a transit gateway attachment subnet');
  }
  steps.push(routeStep('tgw-route', rt.id, true, () => `${rt.id} (associated with ${xin.id}) routes ${dText} to ${xout} (${v2})`, tr, xout));
  const back = lookupFrom(est, dst.eni.subnet, a, 'return-route');
  const aText = lazyIp(a);
  if (!back.route || back.route.state !== 'active' || back.route.target.kind !== 'tgw' || back.route.target.id !== tgw) {
    steps.push(routeStep('return-route', back.table?.id ?? dst.eni.subnet, false, () => `no route back to ${aText} over ${tgw} from ${dst.eni.subnet}${back.route ? ` (the table sends it to ${back.route.target.id}${back.route.state === 'blackhole' ? ', a blackhole' : ''})` : ''}`, back.route, back.route?.target.id));
    return failed(steps, [], a);
  }
  // The AZ rule holds for replies too: they enter the TGW from the destination subnet's Availability Zone.
  const bz = est.subnets.get(dst.eni.subnet)?.availabilityZone;
  if (egress.subnets && !egress.subnets.some((s) => est.subnets.get(s)?.availabilityZone === bz)) {
    steps.push(routeStep('return-route', xout, false, () => `${xout} has no subnet in ${bz}: replies from ${dst.eni.subnet} do not reach ${tgw}`));
    return failed(steps, [], a);
  }
  const rt2 = est.tgwTableOf(xout);
  const tr2 = rt2 ? tgwLookup(est, rt2, a) : undefined;
  if (!rt2 || !tr2 || tr2.state === 'blackhole' || ![...tr2.attachments].sort()[0] || [...tr2.attachments].sort()[0] !== xin.id) {
    steps.push(routeStep('return-route', rt2?.id ?? xout, false, rt2 ? `${rt2.id} (associated with ${xout}) does not route ${aText} back to ${xin.id}${tr2 ? (tr2.state === 'blackhole' ? ' (blackhole)' : ` (it sends it to ${tr2.attachments.join(', ')})`) : ''}` : `${xout} is associated with no transit gateway route table: replies have no way back`, tr2, tr2?.attachments[0]));
    return failed(steps, [], a);
  }
  steps.push(routeStep('return-route', rt2.id, true, () => `${back.table!.id} and ${rt2.id} route ${aText} back to ${xin.id}`, tr2, xin.id));
  const c = tgwCrossings(est, src, dst.eni, xin, egress, a, d);
  return { ok: true, steps, crossings: c.crossings, replyCrossings: c.replyCrossings, sourceSeen: a, ...(c.undetermined ? { unmodelled: c.undetermined } : {}) };
}

/**
 * The subnet boundaries of a path through a transit gateway, per "How network ACLs work with transit
 * gateways": the source subnet's outbound and the entry attachment subnet's inbound (the source's zone,
 * source address) into the TGW, even when they are one subnet; out of it, the exit attachment subnet's
 * outbound and the destination subnet's inbound (destination address, source address), neither when the
 * destination is in the exit subnet. Replies likewise, from the destination's zone. An attachment whose
 * subnets are not in the snapshot adds no boundary (the caveat says so); where the exit subnet is not
 * determined (no subnet in the zone, or appliance mode), every candidate's boundaries are crossed: the
 * traffic every one of them lets through, a lower bound, with `undetermined` saying so.
 */
export function tgwCrossings(est: Estate, src: NetworkInterface, dst: NetworkInterface, xin: TgwAttachment, xout: TgwAttachment, a: bigint, d: bigint): { crossings: Crossing[]; replyCrossings: Crossing[]; undetermined?: string } {
  const az = est.zoneOf(src.subnet);
  const bz = est.zoneOf(dst.subnet);
  const undetermined: string[] = [];
  // One direction: `from` sends to `to` (address `toAddr`, from `fromAddr`), entering at `enter` in `fromZone`, leaving at `exit`.
  const leg = (from: NetworkInterface, fromAddr: bigint, fromZone: string | undefined, to: NetworkInterface, toAddr: bigint, enter: TgwAttachment, exit: TgwAttachment): Crossing[] => {
    const out: Crossing[] = [{ subnet: from.subnet, direction: 'outbound', peer: toAddr }];
    const entry = est.attachmentEntry(enter, fromZone);
    if (entry !== undefined) out.push({ subnet: entry, direction: 'inbound', peer: fromAddr, attachment: enter.id });
    const ex = est.attachmentExit(exit, fromZone);
    if (!ex) return [...out, { subnet: to.subnet, direction: 'inbound', peer: fromAddr }];
    if (!ex.determined) undetermined.push(`which subnet of ${exit.id} the transit gateway leaves into ${exit.resourceId} by, from ${fromZone ?? 'an unknown zone'} (${exit.applianceMode ? 'appliance mode' : `no attachment subnet in ${fromZone ?? 'that zone'}`}): what the network ACL of any of ${ex.subnets.join(', ')} drops`);
    const others = ex.subnets.filter((s) => s !== to.subnet);
    for (const s of others) out.push({ subnet: s, direction: 'outbound', peer: toAddr, attachment: exit.id });
    // An interface in the exit subnet receives from the TGW with neither that subnet's outbound nor inbound rules.
    if (others.length > 0) out.push({ subnet: to.subnet, direction: 'inbound', peer: fromAddr });
    return out;
  };
  const crossings = leg(src, a, az, dst, d, xin, xout);
  const replyCrossings = leg(dst, d, bz, src, a, xout, xin);
  return { crossings, replyCrossings, ...(undetermined.length ? { undetermined: undetermined.join('; ') } : {}) };
}

/** Where a packet from the internet (address `x`) to an ENI's public address goes. */
export function routeFromInternet(est: Estate, x: bigint, dst: NetworkInterface): RouteOutcome {
  const xText = lazyIp(x);
  const g = [...est.igws.values()].find((i) => i.vpcs.includes(dst.vpc));
  const service = est.serviceAt(x);
  if (service) return failed([routeStep('gateway', service, false, () => `${xText} is an address of ${service} (a gateway endpoint's prefix list): the service never opens connections`)], [], x);
  const v6 = keyFamily(x) === 6;
  const d6 = v6 ? est.primary6(dst) : undefined;
  if (v6 && d6 === undefined) return failed([routeStep('gateway', dst.id, false, () => `${dst.id} has no IPv6 address: the internet cannot address it over IPv6`)], [], x);
  if (!v6 && !dst.publicIp) return failed([routeStep('gateway', dst.id, false, () => `${dst.id} has no public IPv4 address: the internet cannot address it`)], [], x);
  if (!g) return failed([routeStep('gateway', dst.vpc, false, () => `${dst.vpc} has no internet gateway attached`)], [], x);
  const steps: Step[] = [routeStep('gateway', g.id, true, () => (v6 ? `${g.id} delivers ${xText} to ${formatKey(d6!)} (IPv6, no translation)` : `${g.id} translates ${dst.publicIp} to ${dst.addresses[0]}`))];
  const back = lookupFrom(est, dst.subnet, x, 'return-route');
  if (back.route && back.route.state === 'active' && back.route.target.kind === 'eigw') {
    steps.push(routeStep('return-route', back.table!.id, false, () => `${back.table!.id} routes replies to ${xText} to the egress-only internet gateway ${back.route!.target.id}, which lets the internet open no connection`, back.route, back.route!.target.id));
    return failed(steps, [{ subnet: dst.subnet, direction: 'inbound', peer: x }], x);
  }
  if (!back.route || back.route.state !== 'active' || back.route.target.kind !== 'igw' || !g.vpcs.includes(dst.vpc) || !est.igws.get(back.route.target.id)?.vpcs.includes(dst.vpc)) {
    steps.push(routeStep('return-route', back.table?.id ?? dst.subnet, false, () => `replies to ${xText} from ${dst.subnet} do not go to an internet gateway${back.route ? ` (the table sends them to ${back.route.target.id})` : ''}`, back.route, back.route?.target.id));
    return failed(steps, [{ subnet: dst.subnet, direction: 'inbound', peer: x }], x);
  }
  steps.push(routeStep('return-route', back.table!.id, true, () => `${back.table!.id} routes replies to ${xText} to ${back.route!.target.id}`, back.route, back.route.target.id));
  return { ok: true, steps, crossings: [{ subnet: dst.subnet, direction: 'inbound', peer: x }], sourceSeen: x };
}
