/**
 * Flow ports as cloud traffic: the intent's port words (`TCP/443`, `UDP`, `8080`) plus what security groups
 * and NACLs can also open: `ICMP`, `ICMP/8` (a type), `ICMP/0/0` (type and code), `ICMPv6/...`, `IP/50`
 * (another IP protocol by number) and `ANY` (all traffic). `trafficSpecs` writes a set back in these words.
 */
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';

const SCTP = 132;

/** The traffic one port word names; undefined when it is not one. */
export function parseTrafficSpec(text: string): TrafficSet | undefined {
  const s = text.trim();
  if (/^(any|all)$/i.test(s)) return TrafficSet.ALL;
  if (/^\d+(-\d+)?$/.test(s)) return ports(PROTO_TCP, s);
  let m = /^(tcp|udp|sctp)(?:[/:](\d+(?:-\d+)?))?$/i.exec(s);
  if (m) {
    const proto = m[1]!.toLowerCase();
    // AWS rules cannot name SCTP ports: only the whole protocol is cloud traffic.
    if (proto === 'sctp') return m[2] === undefined ? TrafficSet.protocol(SCTP) : TrafficSet.EMPTY;
    const n = proto === 'tcp' ? PROTO_TCP : PROTO_UDP;
    return m[2] === undefined ? TrafficSet.protocol(n) : ports(n, m[2]);
  }
  m = /^(icmp|icmpv6)(?:\/(\d+)(?:\/(\d+))?(?:-(\d+)\/(\d+))?)?$/i.exec(s);
  if (m) {
    const v6 = m[1]!.toLowerCase() === 'icmpv6';
    if (m[2] === undefined) return TrafficSet.icmp(v6, -1, -1);
    const t = Number(m[2]);
    if (t > 255 || (m[3] !== undefined && Number(m[3]) > 255)) return undefined;
    if (m[4] === undefined) return TrafficSet.icmp(v6, t, m[3] === undefined ? -1 : Number(m[3]));
    if (m[3] === undefined) return undefined;
    // A range of type/code pairs, as reach prints them ("ICMP 3/0-3/15").
    const lo = t * 256 + Number(m[3]);
    const hi = Number(m[4]) * 256 + Number(m[5]);
    if (Number(m[4]) > 255 || Number(m[5]) > 255 || hi < lo) return undefined;
    let out = TrafficSet.EMPTY;
    for (let ty = t; ty <= Number(m[4]); ty++) {
      const from = ty === t ? Number(m[3]) : 0;
      const to = ty === Number(m[4]) ? Number(m[5]) : 255;
      out = out.union(from === 0 && to === 255 ? TrafficSet.icmp(v6, ty, -1) : codes(v6, ty, from, to));
    }
    return out;
  }
  m = /^ip\/(\d+)(?:-(\d+))?$/i.exec(s);
  if (m) {
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi > 255 || hi < lo) return undefined;
    let out = TrafficSet.EMPTY;
    for (let p = lo; p <= hi; p++) out = out.union(TrafficSet.protocol(p));
    return out;
  }
  return undefined;
}

function ports(n: typeof PROTO_TCP | typeof PROTO_UDP, range: string): TrafficSet | undefined {
  const [a, b] = range.split('-').map(Number);
  const lo = a!;
  const hi = b ?? lo;
  return hi > 65535 || hi < lo ? undefined : TrafficSet.ports(n, lo, hi);
}

function codes(v6: boolean, type: number, from: number, to: number): TrafficSet {
  let out = TrafficSet.EMPTY;
  for (let c = from; c <= to; c++) out = out.union(TrafficSet.icmp(v6, type, c));
  return out;
}

/** The port words that name exactly this traffic (undefined: all traffic, a flow without ports). */
export function trafficSpecs(t: TrafficSet): string[] | undefined {
  if (t.equals(TrafficSet.ALL)) return undefined;
  const out: string[] = [];
  const j = t.toJSON();
  const full = (name: 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6', n: number): boolean => {
    const whole = TrafficSet.protocol(n);
    return t.intersect(whole).equals(whole);
  };
  for (const [name, n] of [['TCP', PROTO_TCP], ['UDP', PROTO_UDP]] as const) {
    if (!j[name]) continue;
    if (full(name, n)) out.push(name);
    else for (const [lo, hi] of j[name]!) out.push(lo === hi ? `${name}/${lo}` : `${name}/${lo}-${hi}`);
  }
  for (const [name, n] of [['ICMP', PROTO_ICMP], ['ICMPv6', PROTO_ICMPV6]] as const) {
    if (!j[name]) continue;
    if (full(name, n)) out.push(name);
    else for (const [lo, hi] of j[name]!) out.push(lo === hi ? `${name}/${lo >> 8}/${lo & 255}` : `${name}/${lo >> 8}/${lo & 255}-${hi >> 8}/${hi & 255}`);
  }
  for (const [lo, hi] of j['IP'] ?? []) out.push(lo === hi ? `IP/${lo}` : `IP/${lo}-${hi}`);
  return out;
}
