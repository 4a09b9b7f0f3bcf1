/** Choosing AWS endpoints and traffic on the command line: --from/--to specs and --port sets. */
import { parseCidr, parseIp } from '../../model/address.js';
import type { PortSet } from '../../model/port-set.js';
import { PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';
import { compileGlob } from '../../util/glob.js';
import { UserError } from '../../util/errors.js';
import type { AwsConnection, AwsEndpointJSON, AwsReachStream } from './reach.js';

/**
 * A matcher for an endpoint spec: an id or a glob over endpoint ids; an ENI, VPC, subnet, security group or
 * account id, a Name tag, `tag:KEY=VALUE`; or an IPv4 or IPv6 address or CIDR (an interface's address inside
 * it, an outside range overlapping it); or `internet`, every outside range, as reports name them.
 */
export function awsEndpointMatcher(spec: string): (e: AwsEndpointJSON) => boolean {
  if (spec.trim() === 'internet') return (e) => e.kind === 'External';
  const tag = /^tag:([^=]+)=(.*)$/.exec(spec);
  if (tag) return (e) => e.tags?.[tag[1]!] === tag[2];
  const ip = parseIp(spec);
  const cidr = parseCidr(spec) ?? (ip ? parseCidr(`${spec}/${ip.family === 4 ? 32 : 128}`) : undefined);
  if (cidr) {
    // One family: an IPv4 CIDR meets IPv4 addresses and ranges, an IPv6 one IPv6 ones.
    const { family, lo, hi } = cidr.range;
    return (e) => {
      if (e.kind === 'NetworkInterface') return [...(e.addresses ?? []), ...(e.ipv6Addresses ?? [])].some((a) => { const p = parseIp(a); return p !== undefined && p.family === family && lo <= p.value && p.value <= hi; });
      return (e.cidrs ?? []).some((c) => { const r = parseCidr(c)!.range; return r.family === family && r.lo <= hi && lo <= r.hi; });
    };
  }
  const glob = spec.includes('*') ? compileGlob(spec) : undefined;
  return (e) => {
    const names = [e.id, e.id.split('/').pop()!, e.name, e.vpc, e.subnet, e.account, ...(e.securityGroups ?? [])];
    return names.some((n) => n !== undefined && (glob ? glob(n) : n === spec));
  };
}

/** TCP and UDP ports of a --port set as traffic (SCTP has no AWS rule of its own and matches nothing). */
export function trafficOfPorts(p: PortSet): TrafficSet {
  let t = TrafficSet.EMPTY;
  for (const [proto, n] of [['TCP', PROTO_TCP], ['UDP', PROTO_UDP]] as const) for (const [lo, hi] of p.get(proto).ranges()) t = t.union(TrafficSet.ports(n, lo, hi));
  return t;
}

/** Which connections an AWS reach listing keeps: --from, --to and --port. */
export interface AwsReachFilter {
  readonly from?: (e: AwsEndpointJSON) => boolean;
  readonly to?: (e: AwsEndpointJSON) => boolean;
  readonly traffic?: TrafficSet;
}

/** The connections of a listing that the filter keeps, the traffic narrowed to its ports. */
export function awsConnectionsOf(r: AwsReachStream, f: AwsReachFilter): Iterable<AwsConnection> {
  const byId = new Map(r.endpoints.map((e) => [e.id, e]));
  return {
    *[Symbol.iterator]() {
      for (const c of r.connections()) {
        if (f.from && !f.from(byId.get(c.src)!)) continue;
        if (f.to && !f.to(byId.get(c.dst)!)) continue;
        if (f.traffic) {
          const conns = c.conns.intersect(f.traffic);
          const responseBlocked = c.responseBlocked.intersect(f.traffic);
          if (conns.isEmpty() && responseBlocked.isEmpty()) continue;
          yield { ...c, conns, responseBlocked };
        } else yield c;
      }
    },
  };
}

/** The filter of endpoint specs (`awsEndpointMatcher`) and a port set, as reach's --from, --to and --port give them. */
export function awsReachFilter(q: { readonly from?: string; readonly to?: string; readonly ports?: PortSet | undefined }): AwsReachFilter {
  return {
    ...(q.from ? { from: awsEndpointMatcher(q.from) } : {}),
    ...(q.to ? { to: awsEndpointMatcher(q.to) } : {}),
    ...(q.ports ? { traffic: trafficOfPorts(q.ports) } : {}),
  };
}

/**
 * The error for a --from/--to that names nothing in the estate: what did not match, and the interfaces there
 * are (those whose name contains the spec first, else the first few), with the forms a spec may take.
 */
export function awsNoMatch(option: string, spec: string, interfaces: ReadonlyArray<{ readonly id: string; readonly name?: string }>, forms: string): UserError {
  const shown = (e: { id: string; name?: string }): string => (e.name ? `${e.id}[${e.name}]` : e.id);
  const all = [...interfaces].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const needle = spec.trim().toLowerCase();
  const near = needle ? all.filter((e) => e.id.split('/').pop()!.toLowerCase().includes(needle) || (e.name ?? '').toLowerCase().includes(needle)) : [];
  const pool = near.length ? near : all;
  const list = `${pool.slice(0, 8).map(shown).join(', ')}${pool.length > 8 ? ` and ${pool.length - 8} more` : ''}`;
  const which = all.length === 0 ? 'the AWS input has no network interface' : near.length ? `did you mean ${list}?` : `its ${all.length} network interface${all.length === 1 ? '' : 's'}: ${list}.`;
  return new UserError(`no network interface or outside address of the AWS input matches ${option} "${spec}"`, `${which} ${forms}`);
}
