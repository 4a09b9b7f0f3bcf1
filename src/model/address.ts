/**
 * IP addresses and CIDR blocks for IPv4 and IPv6, as inclusive bigint ranges per family.
 * The two families are separate address spaces: an IPv4 block never matches IPv6 traffic.
 */
export type Family = 4 | 6;

/** An inclusive range of addresses of one family. */
export interface IpRange {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** The largest address of a family. */
export function familyMax(f: Family): bigint {
  return (1n << BigInt(BITS[f])) - 1n;
}

/** The whole address space of one family. */
export function fullRange(f: Family): IpRange {
  return { family: f, lo: 0n, hi: familyMax(f) };
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tailV4 = parseIPv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return undefined;
  const left = dbl[0] ? dbl[0].split(':') : [];
  const right = dbl.length === 2 && dbl[1] ? dbl[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (dbl.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array(dbl.length === 2 ? missing : 0).fill('0'), ...right];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(s: string): { family: Family; value: bigint } | undefined {
  const t = s.trim();
  if (t.includes(':')) {
    const v = parseIPv6(t);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseIPv4(t);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** A parsed CIDR: its range and whether the text had host bits set (accepted, like the API's ParseCIDRSloppy). */
export interface ParsedCidr {
  readonly range: IpRange;
  readonly prefix: number;
  readonly hostBitsSet: boolean;
}

/** Parses "10.0.0.0/8" or "fd00::/8"; host bits are masked off and reported. */
export function parseCidr(s: string): ParsedCidr | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  if (!ip) return undefined;
  const prefix = Number(m[2]);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const lo = ip.value & ~hostMask & familyMax(ip.family);
  return { range: { family: ip.family, lo, hi: lo | hostMask }, prefix, hostBitsSet: (ip.value & hostMask) !== 0n };
}

/** Formats an address of a family. */
export function formatIp(f: Family, v: bigint): string {
  if (f === 4) return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 255n)).join('.');
  const groups: string[] = [];
  for (let sh = 112n; sh >= 0n; sh -= 16n) groups.push(((v >> sh) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** "10.0.0.0-10.255.255.255" */
export function formatRange(r: IpRange): string {
  return `${formatIp(r.family, r.lo)}-${formatIp(r.family, r.hi)}`;
}

/** The fewest CIDR blocks that exactly cover a range. */
export function rangeToCidrs(r: IpRange): string[] {
  const bits = BigInt(BITS[r.family]);
  const out: string[] = [];
  let lo = r.lo;
  while (lo <= r.hi) {
    // Largest block aligned at lo that fits in the range.
    let size = 0n;
    while (size < bits) {
      const next = size + 1n;
      const mask = (1n << next) - 1n;
      if ((lo & mask) !== 0n || lo + mask > r.hi) break;
      size = next;
    }
    out.push(`${formatIp(r.family, lo)}/${bits - size}`);
    lo += 1n << size;
  }
  return out;
}

export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.lo <= inner.lo && inner.hi <= outer.hi;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.lo <= b.hi && b.lo <= a.hi;
}

export function compareRanges(a: IpRange, b: IpRange): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi < b.hi ? -1 : a.hi > b.hi ? 1 : 0;
}

/**
 * Cuts the address space of `family` into the elementary ranges induced by `ranges`:
 * every returned range lies wholly inside or wholly outside each input range.
 */
export function atomize(family: Family, ranges: readonly IpRange[]): IpRange[] {
  const max = familyMax(family);
  const cuts = new Set<bigint>([0n]);
  for (const r of ranges) {
    if (r.family !== family) continue;
    cuts.add(r.lo);
    if (r.hi < max) cuts.add(r.hi + 1n);
  }
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((lo, i) => ({ family, lo, hi: i + 1 < sorted.length ? sorted[i + 1]! - 1n : max }));
}
