/**
 * Connection triples as netpol-analyzer prints them, and their comparison with ours by meaning:
 * port sets as sets, external peers as address ranges (however each tool cuts the address space).
 */
import { parseIp, formatRange, type IpRange } from '../../src/model/address.js';
import { PortSet, parseProtocol, type Protocol } from '../../src/model/port-set.js';

/** One allowed ordered pair; an external endpoint is `a.b.c.d-e.f.g.h[External]`. */
export interface Triple {
  readonly src: string;
  readonly dst: string;
  readonly conns: PortSet;
}

function portRanges(text: string): Array<[number, number]> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((r) => {
      const [lo, hi] = r.split('-').map((x) => Number(x));
      if (lo === undefined || !Number.isInteger(lo) || (hi !== undefined && !Number.isInteger(hi))) throw new Error(`bad port range "${r}"`);
      return [lo, hi ?? lo] as [number, number];
    });
}

/**
 * Parses a connection set in either of netpol-analyzer's spellings: the connlist one
 * ("All Connections", "No Connections", "TCP 80,8080-8090,UDP 53") or the explain one
 * ("TCP, UDP, SCTP", "TCP:[1-79,81-65535], UDP").
 */
export function parseConnSet(text: string): PortSet {
  const t = text.trim();
  if (t === 'All Connections' || t === 'All connections') return PortSet.ALL;
  if (t === 'No Connections' || t === '' || t === 'No connections') return PortSet.NONE;
  let s = PortSet.NONE;
  if (/^[A-Za-z]+(:\[[^\]]*\])?(, [A-Za-z]+(:\[[^\]]*\])?)*$/.test(t)) {
    for (const m of t.matchAll(/([A-Za-z]+)(?::\[([^\]]*)\])?/g)) {
      const p = parseProtocol(m[1]!);
      if (!p) throw new Error(`bad protocol in "${t}"`);
      s = s.union(m[2] === undefined ? PortSet.allOf(p) : PortSet.fromJSON({ [p]: portRanges(m[2]) }));
    }
    return s;
  }
  // "TCP 1-9,UDP 53": a protocol name starts each group; bare numbers continue the last one.
  let proto: Protocol | undefined;
  for (const part of t.split(',')) {
    const m = /^\s*(?:([A-Za-z]+)\s+)?([0-9-]+)\s*$/.exec(part);
    if (!m) throw new Error(`bad connection set "${t}"`);
    if (m[1]) {
      proto = parseProtocol(m[1]);
      if (!proto) throw new Error(`bad protocol in "${t}"`);
    }
    if (!proto) throw new Error(`ports without protocol in "${t}"`);
    s = s.union(PortSet.fromJSON({ [proto]: portRanges(m[2]!) }));
  }
  return s;
}

const EXTERNAL = /^([0-9a-fA-F.:]+)-([0-9a-fA-F.:]+)(?:\[External\])?$/;

/** The address range of an external peer id, or undefined for an in-cluster one. */
export function externalRange(id: string): IpRange | undefined {
  const m = EXTERNAL.exec(id);
  if (!m) return undefined;
  const lo = parseIp(m[1]!);
  const hi = parseIp(m[2]!);
  if (!lo || !hi || lo.family !== hi.family) return undefined;
  return { family: lo.family, lo: lo.value, hi: hi.value };
}

/** Peers the two tools both name: workloads `ns/name[Kind]` and external ranges (not exposure's representative peers). */
export function isComparablePeer(id: string): boolean {
  return externalRange(id) !== undefined || /^[^/\s[\]{}]+\/[^/\s[\]]+\[[A-Za-z]+\]$/.test(id);
}

/** Every breakpoint (start of a range, and one past its end) of the external peers in some triples. */
function breakpoints(triples: Iterable<Triple>, into: Map<number, Set<bigint>>): void {
  for (const t of triples) {
    for (const id of [t.src, t.dst]) {
      const r = externalRange(id);
      if (!r) continue;
      let s = into.get(r.family);
      if (!s) into.set(r.family, (s = new Set()));
      s.add(r.lo);
      s.add(r.hi + 1n);
    }
  }
}

function split(id: string, cuts: Map<number, bigint[]>): string[] {
  const r = externalRange(id);
  if (!r) return [id];
  const c = (cuts.get(r.family) ?? []).filter((x) => x > r.lo && x <= r.hi);
  const out: string[] = [];
  let lo = r.lo;
  for (const x of c) {
    out.push(formatRange({ family: r.family, lo, hi: x - 1n }));
    lo = x;
  }
  out.push(formatRange({ family: r.family, lo, hi: r.hi }));
  return out;
}

/** `src|dst` -> PortSet, with external peers cut at `cuts`; empty sets dropped. */
function normalize(triples: Iterable<Triple>, cuts: Map<number, bigint[]>): Map<string, PortSet> {
  const out = new Map<string, PortSet>();
  for (const t of triples) {
    for (const s of split(t.src, cuts)) {
      for (const d of split(t.dst, cuts)) {
        const k = `${s} => ${d}`;
        out.set(k, (out.get(k) ?? PortSet.NONE).union(t.conns));
      }
    }
  }
  for (const [k, v] of out) if (v.isEmpty()) out.delete(k);
  return out;
}

export interface Mismatch {
  readonly pair: string;
  readonly expected: string;
  readonly got: string;
}

/** Compares two connection lists by meaning; returns the pairs that differ (sorted), empty when they agree. */
export function compareTriples(expected: readonly Triple[], got: readonly Triple[]): Mismatch[] {
  const bp = new Map<number, Set<bigint>>();
  breakpoints(expected, bp);
  breakpoints(got, bp);
  const cuts = new Map([...bp].map(([f, s]) => [f, [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))]));
  const e = normalize(expected, cuts);
  const g = normalize(got, cuts);
  const out: Mismatch[] = [];
  for (const k of new Set([...e.keys(), ...g.keys()])) {
    const a = e.get(k) ?? PortSet.NONE;
    const b = g.get(k) ?? PortSet.NONE;
    if (!a.equals(b)) out.push({ pair: k, expected: a.toString(), got: b.toString() });
  }
  return out.sort((x, y) => (x.pair < y.pair ? -1 : x.pair > y.pair ? 1 : 0));
}
