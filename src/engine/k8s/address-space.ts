/**
 * The address space outside the cluster as ipBlocks cut it, in time near-linear in the number of blocks:
 * which addresses a block matches (its cidr less its excepts), which blocks hold a given address, and a
 * sweep over the address space in order that reports where membership in any set of ranges changes.
 */
import type { Inventory, IpBlockPeer } from '../../inventory/types.js';
import { familyMax, parseIp, type Family, type IpRange } from '../../model/address.js';

/** An outside address range whose connections are uniform: one column of the reach matrix. */
export interface ExternalBlock {
  readonly range: IpRange;
}

/** Families to model: IPv4 always; IPv6 when any ipBlock or pod mentions an IPv6 address. */
export function modelledFamilies(ipBlocks: readonly IpBlockPeer[], inventory: Inventory): Family[] {
  const v6 = ipBlocks.some((b) => b.cidr.range.family === 6) || inventory.pods.some((p) => p.ips.some((ip) => parseIp(ip)?.family === 6));
  return v6 ? [4, 6] : [4];
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts ranges by family and address and joins those of one family that overlap or touch. */
export function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((x, y) => x.family - y.family || cmp(x.lo, y.lo));
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) out[out.length - 1] = { family: r.family, lo: last.lo, hi: r.hi };
    } else out.push(r);
  }
  return out;
}

/** The addresses an ipBlock matches: its cidr less its excepts (which lie inside it), sorted and disjoint. */
export function ipBlockRanges(b: IpBlockPeer): IpRange[] {
  const { family, lo, hi } = b.cidr.range;
  const out: IpRange[] = [];
  let next = lo;
  for (const e of mergeRanges(b.except.map((x) => x.range))) {
    if (e.family !== family || e.hi < next) continue;
    if (e.lo > next) out.push({ family, lo: next, hi: e.lo - 1n });
    next = e.hi + 1n;
  }
  if (next <= hi) out.push({ family, lo: next, hi });
  return out;
}

/** A stable key for an ipBlock's meaning (cidr and excepts as ranges): equal blocks written alike share it. */
export function ipBlockKey(b: IpBlockPeer): string {
  const r = b.cidr.range;
  return `${r.family}:${r.lo}:${r.hi}:${b.except.map((e) => `${e.range.lo}-${e.range.hi}`).join(',')}`;
}

/**
 * Which of a list of ipBlocks hold an address. CIDRs nest or are disjoint, so the blocks whose cidr
 * holds an address are found by masking it at each prefix length in use: a few map look-ups per address.
 */
export class IpBlockIndex {
  private readonly byNet = new Map<string, number[]>();
  private readonly prefixes: Record<Family, number[]> = { 4: [], 6: [] };

  constructor(private readonly blocks: readonly IpBlockPeer[]) {
    const seen: Record<Family, Set<number>> = { 4: new Set(), 6: new Set() };
    blocks.forEach((b, i) => {
      const { family, lo } = b.cidr.range;
      seen[family].add(b.cidr.prefix);
      const k = `${family}/${b.cidr.prefix}/${lo}`;
      const l = this.byNet.get(k);
      if (l) l.push(i);
      else this.byNet.set(k, [i]);
    });
    for (const f of [4, 6] as const) this.prefixes[f] = [...seen[f]];
  }

  /** Indices (increasing) of the blocks whose cidr holds the address and no except of which does. */
  containing(family: Family, value: bigint): number[] {
    const bits = family === 4 ? 32 : 128;
    const out: number[] = [];
    for (const p of this.prefixes[family]) {
      const host = (1n << BigInt(bits - p)) - 1n;
      const l = this.byNet.get(`${family}/${p}/${value & ~host & familyMax(family)}`);
      if (!l) continue;
      for (const i of l) if (!this.blocks[i]!.except.some((e) => e.range.lo <= value && value <= e.range.hi)) out.push(i);
    }
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }
}

/** One piece of a sweep: a maximal range on which no set's membership changes, and the sets that changed at its start. */
export interface SweepPiece {
  readonly lo: bigint;
  readonly hi: bigint;
  /** Sets entered or left at `lo` (each at most once); every set is outside before the first piece. */
  readonly flipped: readonly number[];
}

/**
 * Walks the whole address space of `family` in order, cut wherever one of the `sets` (each a sorted
 * list of disjoint, non-touching ranges, as mergeRanges gives) starts or ends. O(n log n) in the ranges.
 */
export function* sweep(family: Family, sets: ReadonlyArray<readonly IpRange[]>): Generator<SweepPiece> {
  const max = familyMax(family);
  const events: Array<{ at: bigint; set: number }> = [];
  sets.forEach((ranges, set) => {
    for (const r of ranges) {
      if (r.family !== family) continue;
      events.push({ at: r.lo, set });
      if (r.hi < max) events.push({ at: r.hi + 1n, set });
    }
  });
  events.sort((x, y) => cmp(x.at, y.at));
  let k = 0;
  let lo = 0n;
  while (lo <= max) {
    const flipped: number[] = [];
    while (k < events.length && events[k]!.at === lo) flipped.push(events[k++]!.set);
    const hi = k < events.length ? events[k]!.at - 1n : max;
    yield { lo, hi, flipped };
    lo = hi + 1n;
  }
}
