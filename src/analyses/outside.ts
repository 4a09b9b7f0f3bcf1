/**
 * Outside addresses as people read them: the union of several blocks in the fewest CIDRs, or, when
 * shorter, the whole address space but a few CIDRs (`0.0.0.0/0 except 10.0.0.0/8`).
 */
import { familyMax, parseCidr, rangeToCidrs, type Family, type IpRange } from '../model/address.js';

export interface OutsideSpan {
  /** The fewest CIDRs covering exactly the addresses. */
  readonly cidrs: readonly string[];
  /** Per family covered: the whole space (`0.0.0.0/0`, `::/0`) and the CIDRs left out, when that is shorter. */
  readonly allBut?: { readonly spaces: readonly string[]; readonly except: readonly string[] };
}

function merge(ranges: IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.lo <= last.hi + 1n) out[out.length - 1] = { family: r.family, lo: last.lo, hi: r.hi > last.hi ? r.hi : last.hi };
    else out.push(r);
  }
  return out;
}

function gaps(f: Family, rs: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  let next = 0n;
  for (const r of rs) {
    if (r.lo > next) out.push({ family: f, lo: next, hi: r.lo - 1n });
    next = r.hi + 1n;
  }
  if (next <= familyMax(f)) out.push({ family: f, lo: next, hi: familyMax(f) });
  return out;
}

/** The span of some outside CIDRs (blocks of reach), merged. */
export function outsideSpan(cidrs: Iterable<string>): OutsideSpan {
  const ranges = [...cidrs].map((c) => parseCidr(c)?.range).filter((r): r is IpRange => r !== undefined);
  const merged = merge(ranges);
  const list = merged.flatMap(rangeToCidrs);
  const families = [...new Set(merged.map((r) => r.family))];
  const except = families.flatMap((f) => gaps(f, merged.filter((r) => r.family === f))).flatMap(rangeToCidrs);
  const spaces = families.map((f) => (f === 4 ? '0.0.0.0/0' : '::/0'));
  return { cidrs: list, ...(except.length + spaces.length < list.length ? { allBut: { spaces, except } } : {}) };
}

/** "0.0.0.0/0 except 10.0.0.0/8", or the CIDRs, for a label. */
export function outsideSpanText(s: OutsideSpan, max = 4): string {
  const cut = (l: readonly string[]): string => (l.length <= max ? l.join(', ') : `${l.slice(0, max).join(', ')} and ${l.length - max} more`);
  if (s.allBut) return s.allBut.except.length ? `${s.allBut.spaces.join(', ')} except ${cut(s.allBut.except)}` : s.allBut.spaces.join(', ');
  return cut(s.cidrs);
}

/** A set of outside addresses as one endpoint: its name and the exact CIDRs behind it. */
export interface OutsideName {
  /** `internet`, `internet except 10.0.0.0/8`, or the CIDRs (`10.0.0.0/8, 192.168.0.0/16`). */
  readonly name: string;
  /** The fewest CIDRs covering exactly these addresses. */
  readonly cidrs: readonly string[];
  /** With an `internet except` name: the CIDRs of the outside addresses left out. */
  readonly except?: readonly string[];
}

/** Every address of `u` not in `s` (both merged: sorted, disjoint, per family). */
function subtract(u: readonly IpRange[], s: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const r of u) {
    let lo = r.lo;
    for (const x of s) {
      if (x.family !== r.family || x.hi < lo || x.lo > r.hi) continue;
      if (x.lo > lo) out.push({ family: r.family, lo, hi: x.lo - 1n });
      lo = x.hi + 1n;
    }
    if (lo <= r.hi) out.push({ family: r.family, lo, hi: r.hi });
  }
  return out;
}

/** The address ranges of outside CIDRs, for `outsideName`. */
export function cidrRanges(cidrs: Iterable<string>): IpRange[] {
  return [...cidrs].map((c) => parseCidr(c)?.range).filter((r): r is IpRange => r !== undefined);
}

/**
 * The one name every report gives a set of outside addresses, relative to every outside address the
 * model knows (`universe`: 0.0.0.0/0, and ::/0 when the input mentions IPv6): `internet` for all of it,
 * `internet except C1, C2` when fewer CIDRs are left out than are in, else the CIDRs themselves. The name
 * is a function of the addresses only, so one name always means one set.
 */
export function outsideName(ranges: readonly IpRange[], universe: readonly IpRange[]): OutsideName {
  const s = merge([...ranges]);
  const u = merge([...universe]);
  const cidrs = s.flatMap(rangeToCidrs);
  const inside = subtract(s, u).length === 0;
  if (inside) {
    const left = subtract(u, s).flatMap(rangeToCidrs);
    if (left.length === 0 && s.length > 0) return { name: 'internet', cidrs };
    if (left.length > 0 && left.length < cidrs.length) return { name: `internet except ${left.join(', ')}`, cidrs, except: left };
  }
  return { name: cidrs.join(', '), cidrs };
}

/**
 * The name AWS reports give a set of outside addresses when the estate has both families: `internet` for the
 * whole of both, else each family's part on its own (`internet (IPv4)`, `internet (IPv6) except C1`, or its
 * CIDRs) joined by ` + `, so that the IPv6 internet is not "internet except <every IPv4 range>". With one
 * family in the universe it is outsideName's (the cluster's) name.
 */
export function awsOutsideName(ranges: readonly IpRange[], universe: readonly IpRange[]): OutsideName {
  const families = new Set(universe.map((r) => r.family));
  if (families.size < 2) return outsideName(ranges, universe);
  const whole = outsideName(ranges, universe);
  if (whole.name === 'internet') return whole;
  const parts: string[] = [];
  for (const f of [4, 6] as const) {
    const s = ranges.filter((r) => r.family === f);
    if (s.length === 0) continue;
    const n = outsideName(s, universe.filter((r) => r.family === f));
    parts.push(n.name === 'internet' ? `internet (IPv${f})` : n.except ? `internet (IPv${f}) except ${n.except.join(', ')}` : n.name);
  }
  return { name: parts.join(' + '), cidrs: whole.cidrs };
}
