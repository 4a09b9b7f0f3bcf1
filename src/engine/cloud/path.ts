/**
 * One cloud path answer: the traffic a source can open to a destination, the requests that pass but whose
 * replies a NACL drops (`responseBlocked`), and the chain of stages with the settings behind each verdict.
 * Every stage on the path is evaluated even after one denies, so a denial names every setting that blocks.
 */
import { interfaceEndpointId, type NetworkInterface } from '../../inventory/aws/types.js';
import type { Family } from '../../model/address.js';
import { PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';
import { formatKey, keyFamily as keyOfFamily, type Estate } from './estate.js';
import { aclStep } from './network-acls.js';
import { routeFromEni, routeFromInternet, type Crossing, type Endpoint, type RouteOutcome } from './routing.js';
import { securityGroupStep } from './security-groups.js';
import type { Step } from './steps.js';

export interface PathOptions {
  /** Client ports replies go to (NACL reply rules); AWS documents 1024-65535 for NAT, ELB and Lambda. */
  readonly ephemeral?: readonly [number, number];
}

export interface PathAnswer {
  readonly src: string;
  readonly dst: string;
  /** Connections that are allowed with their replies. */
  readonly conns: TrafficSet;
  /** Requests that pass but whose replies a stateless NACL drops. */
  readonly responseBlocked: TrafficSet;
  readonly steps: readonly Step[];
  /** What the answer assumes or does not evaluate on this path. */
  readonly assumptions: readonly string[];
  /**
   * Between two dual-stack interfaces, the IPv6 path on its own (the answer's steps are the IPv4 path's);
   * `conns` and `responseBlocked` above then cover both families.
   */
  readonly ipv6?: PathAnswer;
  /** With `ipv6`: what the IPv4 path alone lets through (the steps' own verdict). */
  readonly ipv4?: { readonly conns: TrafficSet; readonly responseBlocked: TrafficSet };
}

export const DEFAULT_EPHEMERAL: readonly [number, number] = [1024, 65535];

/** Requests with replies a NACL must let back: TCP and UDP to the client's port, ICMP echo to echo reply. */
export function replyPairs(eph: readonly [number, number]): Array<{ request: TrafficSet; reply: TrafficSet }> {
  return [
    { request: TrafficSet.protocol(PROTO_TCP), reply: TrafficSet.ports(PROTO_TCP, eph[0], eph[1]) },
    { request: TrafficSet.protocol(PROTO_UDP), reply: TrafficSet.ports(PROTO_UDP, eph[0], eph[1]) },
    { request: TrafficSet.icmp(false, 8, -1), reply: TrafficSet.icmp(false, 0, 0) },
    { request: TrafficSet.icmp(true, 128, -1), reply: TrafficSet.icmp(true, 129, 0) },
  ];
}

export function endpointId(e: Endpoint): string {
  return e.kind === 'eni' ? interfaceEndpointId(e.eni) : formatKey(e.address);
}

/**
 * The path from `src` to `dst` (an ENI and an ENI, or an ENI and an outside address, either way). Between two
 * interfaces that both have IPv6 addresses it is both families' paths: what either lets through; when one
 * of them is IPv6-only, the IPv6 path alone; with no family in common, the IPv4 path that fails for want of
 * an address.
 */
export function analysePath(est: Estate, src: Endpoint, dst: Endpoint, opts: PathOptions = {}): PathAnswer {
  const both6 = src.kind === 'eni' && dst.kind === 'eni' && est.primary6(src.eni) !== undefined && est.primary6(dst.eni) !== undefined;
  // An IPv6-only end (no private IPv4) meets the other over IPv6 alone: that path is the answer, its steps the explanation.
  if (both6 && (est.primary4(src.eni) === undefined || est.primary4(dst.eni) === undefined)) return analyseFamily(est, src, dst, 6, opts);
  const v4 = analyseFamily(est, src, dst, 4, opts);
  if (!both6) return v4;
  const v6 = analyseFamily(est, src, dst, 6, opts);
  const conns = v4.conns.union(v6.conns);
  return { ...v4, conns, responseBlocked: v4.responseBlocked.union(v6.responseBlocked).subtract(conns), ipv6: v6, ipv4: { conns: v4.conns, responseBlocked: v4.responseBlocked } };
}

/** The path of one family (an outside end's address decides it; between interfaces, `family`). */
export function analyseFamily(est: Estate, src: Endpoint, dst: Endpoint, family: Family, opts: PathOptions = {}): PathAnswer {
  const eph = opts.ephemeral ?? DEFAULT_EPHEMERAL;
  const steps: Step[] = [];
  let request = TrafficSet.ALL;
  const take = (s: Step): void => {
    steps.push(s);
    request = request.intersect(s.traffic);
  };
  const flow: Family = src.kind === 'external' ? (dst.kind === 'external' ? 4 : keyOfFamily(src.address)) : dst.kind === 'external' ? keyOfFamily(dst.address) : family;
  const assumptions = ['new connections (tracked flows that outlive a rule change are not modelled)', flow === 4 ? 'primary private IPv4 addresses' : 'the first IPv6 address of each interface'];
  const at = (e: NetworkInterface): bigint => est.addressOf(e, flow) ?? -1n;

  let route: RouteOutcome;
  if (src.kind === 'eni') {
    const d = dst.kind === 'eni' ? at(dst.eni) : dst.address;
    take(securityGroupStep(est, src.eni, 'egress', d));
    route = routeFromEni(est, src.eni, dst, flow);
  } else if (dst.kind === 'eni') {
    route = routeFromInternet(est, src.address, dst.eni);
  } else {
    throw new Error('a cloud path needs a network interface at one end');
  }
  if (route.unmodelled) assumptions.push(`not evaluated on this path: ${route.unmodelled} (counted as dropped)`);
  if (route.assumption) assumptions.push(route.assumption);

  // When routing fails, the ACLs at both ends still apply to any path: report them too.
  let crossings: readonly Crossing[] = route.crossings;
  if (!route.ok && crossings.length === 0 && src.kind === 'eni' && dst.kind === 'eni' && src.eni.subnet !== dst.eni.subnet) {
    crossings = [
      { subnet: src.eni.subnet, direction: 'outbound', peer: at(dst.eni) },
      { subnet: dst.eni.subnet, direction: 'inbound', peer: at(src.eni) },
    ];
  }
  const aclSteps = crossings.map((c) => crossingStep(est, c));
  // Hop order: the first crossing leaves the source subnet before any route decision.
  if (src.kind === 'eni' && crossings[0]?.subnet === src.eni.subnet && crossings[0].direction === 'outbound') {
    take(aclSteps.shift()!);
    crossings = crossings.slice(1);
  }
  for (const s of route.steps) take(s);
  for (const s of aclSteps) take(s);
  if (!route.ok) request = TrafficSet.EMPTY;
  if (dst.kind === 'eni') take(securityGroupStep(est, dst.eni, 'ingress', route.sourceSeen));

  // Replies cross the same subnet boundaries the other way; stateful groups let them through.
  const pairs = replyPairs(eph);
  const replyTraffic = pairs.reduce((acc, p) => acc.union(p.reply), TrafficSet.EMPTY);
  let replyAllowed = replyTraffic;
  if (route.ok) {
    const back = route.replyCrossings ?? [...route.crossings].reverse().map((c) => ({ ...c, direction: c.direction === 'inbound' ? ('outbound' as const) : ('inbound' as const) }));
    for (const c of back) {
      const s = crossingStep(est, c, 'nacl-reply', replyTraffic);
      steps.push(s);
      replyAllowed = replyAllowed.intersect(s.traffic);
    }
  }
  let responseBlocked = TrafficSet.EMPTY;
  for (const p of pairs) if (!p.reply.isSubsetOf(replyAllowed)) responseBlocked = responseBlocked.union(request.intersect(p.request));
  return { src: endpointId(src), dst: endpointId(dst), conns: request.subtract(responseBlocked), responseBlocked, steps, assumptions };
}

/** The NACL stage of a crossing; a transit gateway attachment's subnet says so in its message. */
function crossingStep(est: Estate, c: Crossing, stage?: 'nacl-reply', within?: TrafficSet): Step {
  const s = aclStep(est.aclOf(c.subnet), c.subnet, c.direction, c.peer, stage, within);
  if (!c.attachment) return s;
  const why = c.direction === 'inbound' ? 'into the transit gateway' : 'out of the transit gateway';
  return { ...s, message: `${c.subnet} (attachment ${c.attachment}, ${why}): ${s.message}`, attachment: c.attachment };
}

/** The JSON shape of a path answer (explain's `layers`, one per stage). */
export function pathAnswerJSON(a: PathAnswer): Record<string, unknown> {
  return {
    src: a.src,
    dst: a.dst,
    verdict: a.conns.isEmpty() ? 'denied' : 'allowed',
    conns: a.conns.toJSON(),
    ...(a.responseBlocked.isEmpty() ? {} : { responseBlocked: a.responseBlocked.toJSON() }),
    layers: a.steps.map((s) => ({
      stage: s.stage, resource: s.resource, verdict: s.verdict, traffic: s.traffic.toJSON(), message: s.message,
      rules: s.rules.map((r) => ({ id: r.id, action: r.action, ...(r.traffic ? { traffic: r.traffic.toJSON() } : {}), ...(r.source ? { file: r.source.file, line: r.source.line, path: r.source.path } : {}) })),
    })),
    assumptions: a.assumptions,
    ...(a.ipv4 ? { ipv4: { conns: a.ipv4.conns.toJSON(), ...(a.ipv4.responseBlocked.isEmpty() ? {} : { responseBlocked: a.ipv4.responseBlocked.toJSON() }) } } : {}),
    ...(a.ipv6 ? { ipv6: pathAnswerJSON(a.ipv6) } : {}),
  };
}
