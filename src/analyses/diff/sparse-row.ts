/**
 * The united matrix row of a set of behaviours, kept sparse: the columns some behaviour's rules touch, and
 * a default everywhere else (the ingress base when some behaviour's row starts from it, NONE otherwise).
 * The diff reads a handful of columns of each joint class's row; a dense row costs O(behaviours) to fill.
 */
import type { ReachMatrix } from '../../engine/k8s/reach-matrix.js';
import { NONE_ID } from '../../engine/port-table.js';

export class SparseRow {
  /** Whether the row starts from the ingress base (else from NONE) outside the touched columns. */
  fromBase = false;
  /** The columns (behaviours) where the row may differ from its default, each once. */
  touched: number[] = [];
  private readonly val: Uint32Array;
  private readonly tmp: Uint32Array;
  /** Generation stamps: `at[d] === gen` when d is touched in the current row, `inK[d] === kGen` in the behaviour being added. */
  private readonly at: Int32Array;
  private readonly inK: Int32Array;
  private gen = 0;
  private kGen = 0;

  constructor(private readonly m: ReachMatrix) {
    // touchedInto may write the block columns too (through the tiers).
    this.val = new Uint32Array(m.size + m.blocks.length);
    this.tmp = new Uint32Array(m.size + m.blocks.length);
    this.at = new Int32Array(m.size);
    this.inK = new Int32Array(m.size);
  }

  /** Makes this the union of the rows of behaviours `cs` (non-empty). */
  load(cs: Int32Array): void {
    const m = this.m;
    const t = m.ports;
    const base = m.ingressBase;
    const { val, tmp, at, inK } = this;
    const gen = ++this.gen;
    const first = m.touchedInto(cs[0]!, val);
    const touched = first.touched;
    for (const d of touched) at[d] = gen;
    let fromBase = first.fromBase;
    for (let k = 1; k < cs.length; k++) {
      const r = m.touchedInto(cs[k]!, tmp);
      const kGen = ++this.kGen;
      for (const d of r.touched) inK[d] = kGen;
      // Columns touched before but not by this behaviour: its default joins them.
      if (r.fromBase) for (const d of touched) if (inK[d] !== kGen) val[d] = t.union(val[d]!, base[d]!);
      for (const d of r.touched) {
        const before = at[d] === gen ? val[d]! : fromBase ? base[d]! : NONE_ID;
        val[d] = t.union(before, tmp[d]!);
        if (at[d] !== gen) {
          at[d] = gen;
          touched.push(d);
        }
      }
      fromBase ||= r.fromBase;
    }
    this.fromBase = fromBase;
    this.touched = touched;
  }

  /** The port id (the matrix's table) of column d. */
  get(d: number): number {
    return this.at[d] === this.gen ? this.val[d]! : this.fromBase ? this.m.ingressBase[d]! : NONE_ID;
  }
}
