/**
 * Immutable sets of integers stored as sorted, disjoint, non-adjacent inclusive ranges.
 * Used for ports (1-65535) and IPv4 addresses (0-2^32-1); see address-set.ts for IPv6.
 */
export class IntervalSet {
  /** Flat [lo0, hi0, lo1, hi1, ...], sorted, merged: adjacent ranges never touch. */
  private readonly b: readonly number[];

  private constructor(bounds: readonly number[]) {
    this.b = bounds;
  }

  static readonly EMPTY = new IntervalSet([]);

  /** The set [lo, hi] (inclusive); empty when hi < lo. */
  static range(lo: number, hi: number): IntervalSet {
    return hi < lo ? IntervalSet.EMPTY : new IntervalSet([lo, hi]);
  }

  /** Builds a set from arbitrary (possibly overlapping, unsorted) inclusive ranges. */
  static fromRanges(ranges: Iterable<readonly [number, number]>): IntervalSet {
    const rs = [...ranges].filter(([lo, hi]) => lo <= hi).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out: number[] = [];
    for (const [lo, hi] of rs) {
      const n = out.length;
      if (n > 0 && lo <= out[n - 1]! + 1) {
        if (hi > out[n - 1]!) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
  }

  isEmpty(): boolean {
    return this.b.length === 0;
  }

  /** Number of ranges. */
  get rangeCount(): number {
    return this.b.length / 2;
  }

  /** Number of integers in the set. */
  size(): number {
    let n = 0;
    for (let i = 0; i < this.b.length; i += 2) n += this.b[i + 1]! - this.b[i]! + 1;
    return n;
  }

  has(x: number): boolean {
    // Binary search over ranges.
    let lo = 0;
    let hi = this.b.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (x < this.b[2 * mid]!) hi = mid - 1;
      else if (x > this.b[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The ranges as [lo, hi] pairs, sorted. */
  ranges(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.b.length; i += 2) out.push([this.b[i]!, this.b[i + 1]!]);
    return out;
  }

  min(): number | undefined {
    return this.b[0];
  }

  max(): number | undefined {
    return this.b[this.b.length - 1];
  }

  union(o: IntervalSet): IntervalSet {
    if (o.b.length === 0) return this;
    if (this.b.length === 0) return o;
    const a = this.b;
    const c = o.b;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < c.length) {
      let lo: number;
      let hi: number;
      if (j >= c.length || (i < a.length && a[i]! <= c[j]!)) {
        lo = a[i]!;
        hi = a[i + 1]!;
        i += 2;
      } else {
        lo = c[j]!;
        hi = c[j + 1]!;
        j += 2;
      }
      const n = out.length;
      if (n > 0 && lo <= out[n - 1]! + 1) {
        if (hi > out[n - 1]!) out[n - 1] = hi;
      } else out.push(lo, hi);
    }
    return new IntervalSet(out);
  }

  intersect(o: IntervalSet): IntervalSet {
    if (this.b.length === 0 || o.b.length === 0) return IntervalSet.EMPTY;
    const a = this.b;
    const c = o.b;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < c.length) {
      const lo = Math.max(a[i]!, c[j]!);
      const hi = Math.min(a[i + 1]!, c[j + 1]!);
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1]! < c[j + 1]!) i += 2;
      else j += 2;
    }
    return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
  }

  subtract(o: IntervalSet): IntervalSet {
    if (this.b.length === 0 || o.b.length === 0) return this;
    const out: number[] = [];
    const c = o.b;
    let j = 0;
    for (let i = 0; i < this.b.length; i += 2) {
      let lo = this.b[i]!;
      const hi = this.b[i + 1]!;
      while (j < c.length && c[j + 1]! < lo) j += 2;
      let k = j;
      while (k < c.length && c[k]! <= hi) {
        if (c[k]! > lo) out.push(lo, c[k]! - 1);
        lo = Math.max(lo, c[k + 1]! + 1);
        if (c[k + 1]! >= hi) break;
        k += 2;
      }
      if (lo <= hi) out.push(lo, hi);
    }
    return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
  }

  /** True when every element of this set is in `o`. */
  isSubsetOf(o: IntervalSet): boolean {
    return this.subtract(o).isEmpty();
  }

  overlaps(o: IntervalSet): boolean {
    return !this.intersect(o).isEmpty();
  }

  equals(o: IntervalSet): boolean {
    if (this === o) return true;
    if (this.b.length !== o.b.length) return false;
    for (let i = 0; i < this.b.length; i++) if (this.b[i] !== o.b[i]) return false;
    return true;
  }

  /** A canonical string, usable as a map key. */
  key(): string {
    return this.b.join(',');
  }

  /** "80,8080-8090" */
  toString(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.b.length; i += 2) {
      parts.push(this.b[i] === this.b[i + 1] ? `${this.b[i]}` : `${this.b[i]}-${this.b[i + 1]}`);
    }
    return parts.join(',');
  }
}
