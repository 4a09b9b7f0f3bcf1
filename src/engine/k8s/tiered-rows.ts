/**
 * What the matrix needs of the admin and baseline tiers (verdict.ts) to compose its rows: per source
 * behaviour the tiers' egress answers, per admin signature (the sources the same admin and baseline rules
 * match) the ingress answers and the base row they make, and the block columns. Works on behaviours and
 * interned port ids; the rows themselves are assembled sparsely in reach-matrix.ts.
 */
import type { AdminPolicy } from '../../inventory/types.js';
import type { IpRange } from '../../model/address.js';
import { ALL_ID, NONE_ID, type PortTable } from '../port-table.js';
import type { KubernetesTiers } from '../tiers/index.js';
import type { AdminTierModel, CompiledAdminRule } from '../tiers/k8s-admin/index.js';
import type { ExternalBlock } from './address-space.js';

/** What the tiered rows need of the matrix: NetworkPolicy's own sides per behaviour. */
export interface NpSides {
  readonly size: number;
  readonly blocks: readonly ExternalBlock[];
  readonly repClass: Int32Array;
  /** NetworkPolicy's egress side of s towards block x / ingress side of d from block x. */
  npToBlock(s: number, x: number): number;
  npFromBlock(x: number, d: number): number;
  isolatedE(s: number): boolean;
  isolatedI(d: number): boolean;
  /** Behaviours of a sorted class list. */
  toBehaviours(classes: readonly number[]): Int32Array;
}

/** Splits blocks where any range starts or ends; returns the new blocks and each one's parent index. */
export function refineBlocks(blocks: readonly ExternalBlock[], cuts: readonly IpRange[]): { blocks: ExternalBlock[]; parent: Int32Array } {
  const points = new Map<number, bigint[]>();
  for (const c of cuts) {
    let l = points.get(c.family);
    if (!l) points.set(c.family, (l = []));
    l.push(c.lo, c.hi + 1n);
  }
  for (const l of points.values()) l.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: ExternalBlock[] = [];
  const parent: number[] = [];
  blocks.forEach((b, i) => {
    const ps = points.get(b.range.family) ?? [];
    let lo = b.range.lo;
    let k = lowerBound(ps, lo + 1n);
    for (; k < ps.length && ps[k]! <= b.range.hi; k++) {
      if (ps[k]! <= lo) continue;
      out.push({ range: { family: b.range.family, lo, hi: ps[k]! - 1n } });
      parent.push(i);
      lo = ps[k]!;
    }
    out.push({ range: { family: b.range.family, lo, hi: b.range.hi } });
    parent.push(i);
  });
  return { blocks: out, parent: Int32Array.from(parent) };
}

function lowerBound(xs: readonly bigint[], v: bigint): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface TierIndex {
  readonly model: AdminTierModel;
  /** Per rule (by order): its peers as behaviours, and the blocks lying inside its ranges. */
  readonly peersB: Int32Array[];
  readonly blocksIn: Int32Array[];
  /** Per policy: the behaviours its subject selects. */
  readonly subjB: Map<AdminPolicy, Int32Array>;
  /** Per source behaviour: ingress rules whose peers contain it, in evaluation order. */
  readonly inbound: CompiledAdminRule[][];
}

export class TieredRows {
  private readonly admin: TierIndex;
  private readonly baseline: TierIndex;
  private readonly B: number;
  private readonly X: number;
  // Scratch rows, reused: admin egress, baseline egress, admin ingress, baseline ingress.
  private readonly scratch: readonly [Scratch, Scratch, Scratch, Scratch];
  private readonly cells = new Map<number, number>();
  private readonly toBlockRows: (Uint32Array | undefined)[] = [];
  private readonly fromBlockRows: (Uint32Array | undefined)[] = [];
  /** Per behaviour: 1 when an admin or baseline ingress rule of it matches addresses. */
  private readonly rangedIngress: (0 | 1 | undefined)[] = [];

  constructor(
    readonly tiers: KubernetesTiers,
    private readonly m: NpSides,
    private readonly ports: PortTable,
  ) {
    this.B = m.size;
    this.X = m.blocks.length;
    this.admin = this.index(tiers.admin);
    this.baseline = this.index(tiers.baseline);
    const W = this.B + this.X;
    this.scratch = [new Scratch(W), new Scratch(W), new Scratch(W), new Scratch(W)];
  }

  private index(model: AdminTierModel): TierIndex {
    const peersB: Int32Array[] = [];
    const blocksIn: Int32Array[] = [];
    const inbound: CompiledAdminRule[][] = Array.from({ length: this.B }, () => []);
    const subjB = new Map<AdminPolicy, Int32Array>();
    for (const p of model.policies) subjB.set(p, this.m.toBehaviours(model.subjects.get(p) ?? []));
    for (const r of model.rules) {
      const pb = this.m.toBehaviours(r.peerList);
      peersB[r.order] = pb;
      blocksIn[r.order] = this.blocksInside(r.ranges);
      if (r.direction === 'ingress') for (const s of pb) inbound[s]!.push(r);
    }
    return { model, peersB, blocksIn, subjB, inbound };
  }

  /** Indices of blocks lying wholly inside the ranges (blocks are refined, so each is inside or outside). */
  private blocksInside(ranges: readonly IpRange[]): Int32Array {
    const out: number[] = [];
    const blocks = this.m.blocks;
    for (const g of ranges) {
      let lo = 0;
      let hi = blocks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const b = blocks[mid]!.range;
        if (b.family < g.family || (b.family === g.family && b.lo < g.lo)) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < blocks.length; k++) {
        const b = blocks[k]!.range;
        if (b.family !== g.family || b.lo > g.hi) break;
        if (b.hi <= g.hi) out.push(k);
      }
    }
    return Int32Array.from(new Set(out)).sort();
  }

  /** Port id of a rule towards destination behaviour d (named ports resolved on its class), or an address. */
  private portsOf(t: TierIndex, r: CompiledAdminRule, d: number | undefined): number {
    return this.ports.id(t.model.rulePorts(r, d === undefined ? undefined : this.m.repClass[d]!));
  }

  /**
   * One tier's first-match over the rules in order into acc/den/rem, which hold NONE/NONE/ALL wherever
   * `mark` is 0; every column it writes is marked and listed in `touched` (so resets cost what was written).
   */
  private firstMatch(
    t: TierIndex,
    rules: readonly CompiledAdminRule[],
    colsOf: (r: CompiledAdminRule) => ArrayLike<number>,
    dstOf: (col: number) => number | undefined,
    sc: Scratch,
  ): void {
    const pt = this.ports;
    const { acc, den, rem, mark, touched } = sc;
    for (const r of rules) {
      const cols = colsOf(r);
      const fixed = r.namedPorts.length === 0 ? this.portsOf(t, r, undefined) : -1;
      for (let k = 0; k < cols.length; k++) {
        const c = cols[k]!;
        const left = rem[c]!;
        if (left === NONE_ID) continue;
        const p = fixed >= 0 ? fixed : this.portsOf(t, r, dstOf(c));
        const hit = pt.meet(left, p);
        if (hit === NONE_ID) continue;
        if (!mark[c]) {
          mark[c] = 1;
          touched.push(c);
        }
        rem[c] = pt.minus(left, p);
        if (r.rule.action === 'accept') acc[c] = pt.union(acc[c]!, hit);
        else if (r.rule.action === 'deny') den[c] = pt.union(den[c]!, hit);
      }
    }
  }

  /** Egress answers of one tier at source behaviour s towards every behaviour and block. */
  private egressOf(t: TierIndex, s: number, sc: Scratch): void {
    sc.reset();
    const rules = t.model.classRules.egress[this.m.repClass[s]!]!;
    if (rules.length === 0) return;
    const B = this.B;
    this.firstMatch(t, rules, (r) => concatCols(t.peersB[r.order]!, t.blocksIn[r.order]!, B), (c) => (c < B ? c : undefined), sc);
  }

  /** Ingress answers of one tier at every behaviour d for source behaviour s (columns 0..B). */
  private ingressOf(t: TierIndex, s: number, sc: Scratch): void {
    sc.reset();
    const rules = t.inbound[s]!;
    if (rules.length === 0) return;
    this.firstMatch(t, rules, (r) => t.subjB.get(r.policy)!, (c) => c, sc);
  }

  private sigIds?: Int32Array;
  private readonly sigs: IngressSig[] = [];

  /**
   * The ingress answers every source with the same admin and baseline ingress rules gets (they match the
   * same peers), kept dense once per such signature, with the base row they make of NetworkPolicy's.
   */
  ingressSig(s: number, base: Uint32Array, isolatedI: (d: number) => boolean): IngressSig {
    if (!this.sigIds) {
      this.sigIds = new Int32Array(this.B).fill(-1);
      const byKey = new Map<string, number>();
      for (let b = 0; b < this.B; b++) {
        const k = `${this.admin.inbound[b]!.map((r) => r.order).join(',')}|${this.baseline.inbound[b]!.map((r) => r.order).join(',')}`;
        let id = byKey.get(k);
        if (id === undefined) byKey.set(k, (id = byKey.size));
        this.sigIds[b] = id;
      }
    }
    const id = this.sigIds[s]!;
    let g = this.sigs[id];
    if (!g) {
      const [, , ai, bi] = this.scratch;
      this.ingressOf(this.admin, s, ai);
      this.ingressOf(this.baseline, s, bi);
      const B = this.B;
      const pt = this.ports;
      const acc = new Uint32Array(B);
      const den = new Uint32Array(B);
      const row = Uint32Array.from(base);
      const cols = new Set<number>();
      for (const d of bi.touched) {
        if (d >= B || isolatedI(d) || bi.den[d] === NONE_ID) continue;
        cols.add(d);
        row[d] = pt.minus(ALL_ID, bi.den[d]!);
      }
      for (const d of ai.touched) {
        if (d >= B) continue;
        cols.add(d);
        acc[d] = ai.acc[d]!;
        den[d] = ai.den[d]!;
        row[d] = pt.union(acc[d]!, pt.minus(row[d]!, den[d]!));
      }
      g = { acc, den, row, touched: Int32Array.from(cols).sort(), weights: new WeakMap() };
      this.sigs[id] = g;
    }
    return g;
  }

  /** The admin and baseline egress answers of s (behaviours and blocks; the baseline only where NetworkPolicy does not isolate s). */
  egressAnswers(s: number): { readonly ae: Scratch; readonly be: Scratch } {
    const [ae, be] = this.scratch;
    this.egressOf(this.admin, s, ae);
    if (this.m.isolatedE(s)) be.reset();
    else this.egressOf(this.baseline, s, be);
    return { ae, be };
  }

  /** The egress side of s towards block x: NetworkPolicy's, or the baseline's where NetworkPolicy does not isolate, under the admin tier. */
  blockSide(s: number, x: number, ae: Scratch, be: Scratch): number {
    const pt = this.ports;
    const c = this.B + x;
    let v = this.m.isolatedE(s) ? this.m.npToBlock(s, x) : be.mark[c] && be.den[c] !== NONE_ID ? pt.minus(ALL_ID, be.den[c]!) : ALL_ID;
    if (ae.mark[c]) v = pt.union(ae.acc[c]!, pt.minus(v, ae.den[c]!));
    return v;
  }

  /** Port id from behaviour s to behaviour d. */
  cell(s: number, d: number): number {
    const k = s * this.B + d;
    let v = this.cells.get(k);
    if (v === undefined) {
      const t = this.tiers.allowedUniform({ kind: 'class', index: this.m.repClass[s]! }, { kind: 'class', index: this.m.repClass[d]! });
      this.cells.set(k, (v = this.ports.id(t)));
    }
    return v;
  }

  /** Port id from behaviour s to block x (its whole row to the blocks, computed once). */
  toBlock(s: number, x: number): number {
    let row = this.toBlockRows[s];
    if (!row) {
      row = new Uint32Array(this.X);
      const { ae, be } = this.egressAnswers(s);
      for (let k = 0; k < this.X; k++) row[k] = this.blockSide(s, k, ae, be);
      this.toBlockRows[s] = row;
    }
    return row[x]!;
  }

  /** Port id from block x to behaviour d. */
  fromBlock(x: number, d: number): number {
    // Only rules with address ranges (networks, nodes) can match an outside block: without any, NetworkPolicy decides.
    let ranged = this.rangedIngress[d];
    if (ranged === undefined) {
      const c = this.m.repClass[d]!;
      ranged = this.rangedIngress[d] = [this.admin.model, this.baseline.model].some((t) => t.classRules.ingress[c]!.some((r) => r.ranges.length > 0)) ? 1 : 0;
    }
    if (!ranged) return this.m.isolatedI(d) ? this.m.npFromBlock(x, d) : ALL_ID;
    let row = this.fromBlockRows[d];
    if (!row) {
      row = new Uint32Array(this.X);
      const c = this.m.repClass[d]!;
      const pt = this.ports;
      const isoI = this.m.isolatedI(d);
      for (let k = 0; k < this.X; k++) {
        const range = this.m.blocks[k]!.range;
        const { admin, baseline } = this.tiers.answers('ingress', c, { kind: 'address', range });
        let v = isoI ? this.m.npFromBlock(k, d) : pt.minus(ALL_ID, pt.id(baseline.deny));
        v = pt.union(pt.id(admin.accept), pt.minus(v, pt.id(admin.deny)));
        row[k] = v;
      }
      this.fromBlockRows[d] = row;
    }
    return row[x]!;
  }
}

/** What the sources with one set of admin and baseline ingress rules get: the admin answers, and the resulting base row. */
export interface IngressSig {
  readonly acc: Uint32Array;
  readonly den: Uint32Array;
  /** NetworkPolicy's ingress base with the baseline and admin answers applied. */
  readonly row: Uint32Array;
  /** Columns where `row` differs from NetworkPolicy's base (or may). */
  readonly touched: Int32Array;
  /** Σ weights over the columns `row` admits something to, per weights array. */
  readonly weights: WeakMap<Float64Array, number>;
}

/** Reusable per-row arrays of one tier side: accept, deny and remaining port ids, and which columns are set. */
export class Scratch {
  readonly acc: Uint32Array;
  readonly den: Uint32Array;
  readonly rem: Uint32Array;
  readonly mark: Uint8Array;
  readonly touched: number[] = [];

  constructor(width: number) {
    this.acc = new Uint32Array(width);
    this.den = new Uint32Array(width);
    this.rem = new Uint32Array(width).fill(ALL_ID);
    this.mark = new Uint8Array(width);
  }

  /** Back to NONE/NONE/ALL everywhere, in time proportional to what was written. */
  reset(): void {
    for (const c of this.touched) {
      this.acc[c] = NONE_ID;
      this.den[c] = NONE_ID;
      this.rem[c] = ALL_ID;
      this.mark[c] = 0;
    }
    this.touched.length = 0;
  }
}

/** Behaviour columns then block columns (offset by B) as one array-like. */
function concatCols(beh: Int32Array, blocks: Int32Array, B: number): ArrayLike<number> {
  if (blocks.length === 0) return beh;
  const out = new Int32Array(beh.length + blocks.length);
  out.set(beh, 0);
  for (let i = 0; i < blocks.length; i++) out[beh.length + i] = B + blocks[i]!;
  return out;
}
