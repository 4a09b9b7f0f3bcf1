/**
 * Sets of IP traffic for the cloud layers: TCP and UDP destination ports (0-65535, as AWS rules write them),
 * ICMP and ICMPv6 type/code pairs, and every other IP protocol as a protocol number. PortSet stays the
 * Kubernetes universe (TCP/UDP/SCTP, ports 1-65535); this is its wider cloud counterpart.
 */
import { IntervalSet } from './interval-set.js';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

const PORTS = IntervalSet.range(0, 65535);
/** ICMP type and code encoded as type * 256 + code. */
const ICMP_ALL = IntervalSet.range(0, 65535);
/** Protocol numbers carried in `other`: all but the four with their own dimension. */
const OTHER_ALL = IntervalSet.range(0, 255).subtract(
  IntervalSet.fromRanges([
    [PROTO_ICMP, PROTO_ICMP],
    [PROTO_TCP, PROTO_TCP],
    [PROTO_UDP, PROTO_UDP],
    [PROTO_ICMPV6, PROTO_ICMPV6],
  ]),
);

type Dim = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';
const DIMS: readonly Dim[] = ['tcp', 'udp', 'icmp', 'icmpv6', 'other'];

/** The encoded value of an ICMP type and code. */
export function icmpValue(type: number, code: number): number {
  return type * 256 + code;
}

/** An immutable set of packets, as (protocol, destination port or ICMP type/code) pairs. */
export class TrafficSet {
  private constructor(private readonly d: Readonly<Record<Dim, IntervalSet>>) {}

  static readonly EMPTY = new TrafficSet({ tcp: IntervalSet.EMPTY, udp: IntervalSet.EMPTY, icmp: IntervalSet.EMPTY, icmpv6: IntervalSet.EMPTY, other: IntervalSet.EMPTY });
  static readonly ALL = new TrafficSet({ tcp: PORTS, udp: PORTS, icmp: ICMP_ALL, icmpv6: ICMP_ALL, other: OTHER_ALL });

  /** TCP or UDP destination ports lo..hi. */
  static ports(protocol: typeof PROTO_TCP | typeof PROTO_UDP, lo: number, hi: number = lo): TrafficSet {
    const r = PORTS.intersect(IntervalSet.range(lo, hi));
    return TrafficSet.EMPTY.with(protocol === PROTO_TCP ? 'tcp' : 'udp', r);
  }

  /** ICMP (or ICMPv6) of one type and code; -1 for either means all of them. */
  static icmp(v6: boolean, type: number, code: number): TrafficSet {
    let s: IntervalSet;
    if (type < 0) s = ICMP_ALL;
    else if (code < 0) s = IntervalSet.range(icmpValue(type, 0), icmpValue(type, 255));
    else s = IntervalSet.range(icmpValue(type, code), icmpValue(type, code));
    return TrafficSet.EMPTY.with(v6 ? 'icmpv6' : 'icmp', ICMP_ALL.intersect(s));
  }

  /** Every packet of one IP protocol number. */
  static protocol(n: number): TrafficSet {
    if (n === PROTO_TCP) return TrafficSet.EMPTY.with('tcp', PORTS);
    if (n === PROTO_UDP) return TrafficSet.EMPTY.with('udp', PORTS);
    if (n === PROTO_ICMP) return TrafficSet.EMPTY.with('icmp', ICMP_ALL);
    if (n === PROTO_ICMPV6) return TrafficSet.EMPTY.with('icmpv6', ICMP_ALL);
    return TrafficSet.EMPTY.with('other', OTHER_ALL.intersect(IntervalSet.range(n, n)));
  }

  private with(dim: Dim, s: IntervalSet): TrafficSet {
    return new TrafficSet({ ...this.d, [dim]: s });
  }

  private zip(o: TrafficSet, f: (a: IntervalSet, b: IntervalSet) => IntervalSet): TrafficSet {
    return new TrafficSet({ tcp: f(this.d.tcp, o.d.tcp), udp: f(this.d.udp, o.d.udp), icmp: f(this.d.icmp, o.d.icmp), icmpv6: f(this.d.icmpv6, o.d.icmpv6), other: f(this.d.other, o.d.other) });
  }

  union(o: TrafficSet): TrafficSet {
    return this.zip(o, (a, b) => a.union(b));
  }

  intersect(o: TrafficSet): TrafficSet {
    return this.zip(o, (a, b) => a.intersect(b));
  }

  subtract(o: TrafficSet): TrafficSet {
    return this.zip(o, (a, b) => a.subtract(b));
  }

  isEmpty(): boolean {
    return DIMS.every((k) => this.d[k].isEmpty());
  }

  equals(o: TrafficSet): boolean {
    return DIMS.every((k) => this.d[k].equals(o.d[k]));
  }

  /** True when every packet of this set is in `o`. */
  isSubsetOf(o: TrafficSet): boolean {
    return this.subtract(o).isEmpty();
  }

  /** A canonical string, usable as a map key. */
  key(): string {
    return DIMS.map((k) => this.d[k].key()).join('|');
  }

  /** The TCP (or UDP) destination ports in the set. */
  portsOf(protocol: typeof PROTO_TCP | typeof PROTO_UDP): IntervalSet {
    return protocol === PROTO_TCP ? this.d.tcp : this.d.udp;
  }

  /** Whether a packet is in the set: `value` is the destination port (TCP, UDP), type*256+code (ICMP), ignored otherwise. */
  has(protocol: number, value = 0): boolean {
    if (protocol === PROTO_TCP) return this.d.tcp.has(value);
    if (protocol === PROTO_UDP) return this.d.udp.has(value);
    if (protocol === PROTO_ICMP) return this.d.icmp.has(value);
    if (protocol === PROTO_ICMPV6) return this.d.icmpv6.has(value);
    return this.d.other.has(protocol);
  }

  /**
   * The JSON contract shape: {"TCP": [[80, 80]], "UDP": ..., "ICMP": [[type*256+code, ...]], "ICMPv6": ..., "IP": [[protocol numbers]]}.
   * Empty protocols are left out; the set of all traffic is {"ANY": [[0, 255]]} (every IP protocol number).
   */
  toJSON(): Record<string, Array<[number, number]>> {
    // Every packet of every protocol: one entry rather than five.
    if (this.equals(TrafficSet.ALL)) return { ANY: [[0, 255]] };
    const names: Record<Dim, string> = { tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', icmpv6: 'ICMPv6', other: 'IP' };
    const out: Record<string, Array<[number, number]>> = {};
    for (const k of DIMS) if (!this.d[k].isEmpty()) out[names[k]] = this.d[k].ranges();
    return out;
  }

  /** "TCP 80,443; ICMP 8/0; all traffic" for messages. */
  toString(): string {
    if (this.equals(TrafficSet.ALL)) return 'all traffic';
    if (this.isEmpty()) return 'nothing';
    const parts: string[] = [];
    const full = (s: IntervalSet, u: IntervalSet): boolean => s.equals(u);
    if (!this.d.tcp.isEmpty()) parts.push(full(this.d.tcp, PORTS) ? 'TCP all ports' : `TCP ${this.d.tcp}`);
    if (!this.d.udp.isEmpty()) parts.push(full(this.d.udp, PORTS) ? 'UDP all ports' : `UDP ${this.d.udp}`);
    const icmp = (name: string, s: IntervalSet): void => {
      if (s.isEmpty()) return;
      if (full(s, ICMP_ALL)) {
        parts.push(`${name} all`);
        return;
      }
      const rs = s.ranges().map(([lo, hi]) => (lo === hi ? `${lo >> 8}/${lo & 255}` : `${lo >> 8}/${lo & 255}-${hi >> 8}/${hi & 255}`));
      parts.push(`${name} ${rs.join(',')}`);
    };
    icmp('ICMP', this.d.icmp);
    icmp('ICMPv6', this.d.icmpv6);
    if (!this.d.other.isEmpty()) parts.push(full(this.d.other, OTHER_ALL) ? 'other protocols' : `protocols ${this.d.other}`);
    return parts.join('; ');
  }
}

/**
 * The traffic of an AWS rule: `IpProtocol`/`Protocol` as the API prints it ("tcp", "6", "-1", "icmp", "58"),
 * with TCP/UDP port bounds or, for ICMP, type and code (-1: all). Undefined for a protocol it cannot read.
 * Security groups put ICMP type in FromPort and code in ToPort; NACLs use IcmpTypeCode: the caller passes them.
 */
export function awsTraffic(protocol: string, lo: number | undefined, hi: number | undefined): TrafficSet | undefined {
  const p = protocol.trim().toLowerCase();
  const names: Record<string, number> = { tcp: PROTO_TCP, udp: PROTO_UDP, icmp: PROTO_ICMP, icmpv6: PROTO_ICMPV6, '58': PROTO_ICMPV6 };
  if (p === '-1' || p === 'all') return TrafficSet.ALL;
  const n = names[p] ?? (/^\d{1,3}$/.test(p) ? Number(p) : undefined);
  if (n === undefined || n > 255) return undefined;
  if (n === PROTO_TCP || n === PROTO_UDP) {
    if (lo === undefined || hi === undefined || lo < 0 || hi < 0) return TrafficSet.protocol(n);
    return TrafficSet.ports(n, lo, hi);
  }
  if (n === PROTO_ICMP || n === PROTO_ICMPV6) return TrafficSet.icmp(n === PROTO_ICMPV6, lo ?? -1, hi ?? -1);
  return TrafficSet.protocol(n);
}
