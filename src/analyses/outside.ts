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
