import { IntervalSet } from './interval-set.js';

/** Transport protocols NetworkPolicy defines. Cloud layers may add ICMP and ANY later. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const ALL_PORTS = IntervalSet.range(MIN_PORT, MAX_PORT);

/** Parses "tcp", "TCP" into a Protocol, or undefined. */
export function parseProtocol(s: string): Protocol | undefined {
  const u = s.toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(u) ? (u as Protocol) : undefined;
}

/** An immutable set of (protocol, port) pairs: one interval set per protocol. */
export class PortSet {
  private constructor(private readonly sets: Readonly<Record<Protocol, IntervalSet>>) {}

  static readonly NONE = new PortSet({ TCP: IntervalSet.EMPTY, UDP: IntervalSet.EMPTY, SCTP: IntervalSet.EMPTY });
  static readonly ALL = new PortSet({ TCP: ALL_PORTS, UDP: ALL_PORTS, SCTP: ALL_PORTS });

  /** Ports lo..hi (inclusive) of one protocol. */
  static of(protocol: Protocol, lo: number = MIN_PORT, hi: number = lo): PortSet {
    return PortSet.NONE.with(protocol, IntervalSet.range(lo, hi));
  }

  /** All ports of one protocol. */
  static allOf(protocol: Protocol): PortSet {
    return PortSet.NONE.with(protocol, ALL_PORTS);
  }

  /** From the JSON contract shape: {"TCP": [[80, 80]]}. */
  static fromJSON(j: Partial<Record<string, Array<[number, number]>>>): PortSet {
    let s = PortSet.NONE;
    for (const p of PROTOCOLS) {
      const r = j[p];
      if (r) s = s.with(p, IntervalSet.fromRanges(r));
    }
    return s;
  }

  private with(p: Protocol, set: IntervalSet): PortSet {
    return new PortSet({ ...this.sets, [p]: set });
  }

  get(p: Protocol): IntervalSet {
    return this.sets[p];
  }

  has(p: Protocol, port: number): boolean {
    return this.sets[p].has(port);
  }

  isEmpty(): boolean {
    return this.sets.TCP.isEmpty() && this.sets.UDP.isEmpty() && this.sets.SCTP.isEmpty();
  }

  isAll(): boolean {
    return this.equals(PortSet.ALL);
  }

  union(o: PortSet): PortSet {
    if (o.isEmpty() || this === o) return this;
    if (this.isEmpty()) return o;
    return new PortSet({
      TCP: this.sets.TCP.union(o.sets.TCP),
      UDP: this.sets.UDP.union(o.sets.UDP),
      SCTP: this.sets.SCTP.union(o.sets.SCTP),
    });
  }

  intersect(o: PortSet): PortSet {
    if (this === o) return this;
    if (this.isEmpty() || o.isEmpty()) return PortSet.NONE;
    return new PortSet({
      TCP: this.sets.TCP.intersect(o.sets.TCP),
      UDP: this.sets.UDP.intersect(o.sets.UDP),
      SCTP: this.sets.SCTP.intersect(o.sets.SCTP),
    });
  }

  subtract(o: PortSet): PortSet {
    if (o.isEmpty()) return this;
    return new PortSet({
      TCP: this.sets.TCP.subtract(o.sets.TCP),
      UDP: this.sets.UDP.subtract(o.sets.UDP),
      SCTP: this.sets.SCTP.subtract(o.sets.SCTP),
    });
  }

  complement(): PortSet {
    return PortSet.ALL.subtract(this);
  }

  isSubsetOf(o: PortSet): boolean {
    return this.subtract(o).isEmpty();
  }

  equals(o: PortSet): boolean {
    return this === o || (this.sets.TCP.equals(o.sets.TCP) && this.sets.UDP.equals(o.sets.UDP) && this.sets.SCTP.equals(o.sets.SCTP));
  }

  /** Number of (protocol, port) pairs. */
  size(): number {
    return this.sets.TCP.size() + this.sets.UDP.size() + this.sets.SCTP.size();
  }

  key(): string {
    return `${this.sets.TCP.key()}|${this.sets.UDP.key()}|${this.sets.SCTP.key()}`;
  }

  /** The bulkhead.reach/v1 `conns` shape: protocols with ports only, ranges merged and sorted. */
  toJSON(): Partial<Record<Protocol, Array<[number, number]>>> {
    const out: Partial<Record<Protocol, Array<[number, number]>>> = {};
    for (const p of PROTOCOLS) if (!this.sets[p].isEmpty()) out[p] = this.sets[p].ranges();
    return out;
  }

  /** "All Connections" or "TCP 80,8080-8090,UDP 53" (protocols alphabetical, as netpol-analyzer prints). */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    return [...PROTOCOLS]
      .sort()
      .filter((p) => !this.sets[p].isEmpty())
      .map((p) => `${p} ${this.sets[p].toString()}`)
      .join(',');
  }
}

/** Parses "TCP/80", "udp/53", "TCP/8000-8080", "80" (TCP), "TCP" (all TCP ports). */
export function parsePortSpec(s: string): PortSet | undefined {
  const m = /^(?:([A-Za-z]+)(?:\/|:)?)?(?:(\d+)(?:-(\d+))?)?$/.exec(s.trim());
  if (!m || (!m[1] && !m[2])) return undefined;
  const proto = m[1] ? parseProtocol(m[1]) : 'TCP';
  if (!proto) return undefined;
  if (!m[2]) return PortSet.allOf(proto);
  const lo = Number(m[2]);
  const hi = m[3] ? Number(m[3]) : lo;
  if (lo < MIN_PORT || hi > MAX_PORT || hi < lo) return undefined;
  return PortSet.of(proto, lo, hi);
}
