/**
 * Interned PortSets: each distinct set gets a small integer, so reachability matrices are typed arrays
 * and unions/intersections are cached table look-ups instead of interval arithmetic.
 */
import { PortSet } from '../model/port-set.js';

/** Id of the empty set. */
export const NONE_ID = 0;
/** Id of every port of every protocol. */
export const ALL_ID = 1;

export class PortTable {
  private readonly byKey = new Map<string, number>();
  private readonly sets: PortSet[] = [PortSet.NONE, PortSet.ALL];
  private readonly unions = new Map<number, number>();
  private readonly meets = new Map<number, number>();
  private readonly minuses = new Map<number, number>();

  constructor() {
    this.byKey.set(PortSet.NONE.key(), NONE_ID);
    this.byKey.set(PortSet.ALL.key(), ALL_ID);
  }

  /** The id of a set (0 for the empty set, 1 for all ports). */
  id(p: PortSet): number {
    if (p === PortSet.NONE) return NONE_ID;
    if (p === PortSet.ALL) return ALL_ID;
    const k = p.key();
    let i = this.byKey.get(k);
    if (i === undefined) {
      i = this.sets.length;
      this.byKey.set(k, i);
      this.sets.push(p);
    }
    return i;
  }

  /** The set behind an id. */
  get(id: number): PortSet {
    return this.sets[id]!;
  }

  get size(): number {
    return this.sets.length;
  }

  /** Id of the union of two ids. */
  union(a: number, b: number): number {
    if (a === b || b === NONE_ID || a === ALL_ID) return a;
    if (a === NONE_ID || b === ALL_ID) return b;
    const k = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let r = this.unions.get(k);
    if (r === undefined) {
      r = this.id(this.sets[a]!.union(this.sets[b]!));
      this.unions.set(k, r);
    }
    return r;
  }

  /** Id of the intersection of two ids. */
  meet(a: number, b: number): number {
    if (a === b || b === ALL_ID) return a;
    if (a === ALL_ID) return b;
    if (a === NONE_ID || b === NONE_ID) return NONE_ID;
    const k = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let r = this.meets.get(k);
    if (r === undefined) {
      r = this.id(this.sets[a]!.intersect(this.sets[b]!));
      this.meets.set(k, r);
    }
    return r;
  }

  /** Id of a less b. */
  minus(a: number, b: number): number {
    if (b === NONE_ID || a === NONE_ID) return a;
    if (a === b || b === ALL_ID) return NONE_ID;
    const k = a * 0x100000 + b;
    let r = this.minuses.get(k);
    if (r === undefined) {
      r = this.id(this.sets[a]!.subtract(this.sets[b]!));
      this.minuses.set(k, r);
    }
    return r;
  }
}
