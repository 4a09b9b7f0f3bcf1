/**
 * Matrix rows when admin or baseline policies exist: each direction's side is composed from the tiers
 * (verdict.ts) instead of being NetworkPolicy's alone. Works on behaviours (classes every tier treats
 * alike) and interned port ids; a row costs O(behaviours + blocks + the cells the rules touch).
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
  /** NetworkPolicy's egress side of s towards every behaviour (ALL when s is not egress-isolated), into out[0..size). */
  npEgressInto(s: number, out: Uint32Array): void;
  /** NetworkPolicy's ingress side of every behaviour d for source s (ALL where d is not ingress-isolated), into out[0..size). */
  npIngressInto(s: number, out: Uint32Array): void;
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
  // Scratch rows, reused: [accept, deny, remaining] per tier and direction side.
  private readonly npE: Uint32Array;
  private readonly npI: Uint32Array;
  private readonly bufs: Uint32Array[];
  private readonly cells = new Map<number, number>();
  private readonly toBlockRows = new Map<string, Uint32Array>();
  private readonly fromBlockRows = new Map<string, Uint32Array>();

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
    this.npE = new Uint32Array(this.B);
    this.npI = new Uint32Array(this.B);
    this.bufs = Array.from({ length: 8 }, () => new Uint32Array(W));
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
   * One tier's first-match over the rules in order into acc/den (length B+X, filled with NONE by the caller),
   * rem (filled with ALL). `targets` gives the columns each rule matches and the destination behaviour for ports.
   */
  private firstMatch(
    t: TierIndex,
    rules: readonly CompiledAdminRule[],
    targets: (r: CompiledAdminRule) => { readonly cols: ArrayLike<number>; readonly dstOf: (col: number) => number | undefined },
    acc: Uint32Array,
    den: Uint32Array,
    rem: Uint32Array,
  ): void {
    const pt = this.ports;
    for (const r of rules) {
      const { cols, dstOf } = targets(r);
      const fixed = r.namedPorts.length === 0 ? this.portsOf(t, r, undefined) : -1;
      for (let k = 0; k < cols.length; k++) {
        const c = cols[k]!;
        const left = rem[c]!;
        if (left === NONE_ID) continue;
        const p = fixed >= 0 ? fixed : this.portsOf(t, r, dstOf(c));
        const hit = pt.meet(left, p);
        if (hit === NONE_ID) continue;
        rem[c] = pt.minus(left, p);
        if (r.rule.action === 'accept') acc[c] = pt.union(acc[c]!, hit);
        else if (r.rule.action === 'deny') den[c] = pt.union(den[c]!, hit);
      }
    }
  }

  /** acc ∪ ((isolated ? np : ALL − bden) − den). */
  private side(acc: number, den: number, isolated: boolean, np: number, bden: number): number {
    const pt = this.ports;
    const below = isolated ? np : pt.minus(ALL_ID, bden);
    return pt.union(acc, pt.minus(below, den));
  }

  /** Egress answers of one tier at source behaviour s towards every behaviour and block. */
  private egressOf(t: TierIndex, s: number, acc: Uint32Array, den: Uint32Array, rem: Uint32Array): void {
    acc.fill(NONE_ID);
    den.fill(NONE_ID);
    rem.fill(ALL_ID);
    const B = this.B;
    const rules = t.model.classRules.egress[this.m.repClass[s]!]!;
    if (rules.length === 0) return;
    this.firstMatch(t, rules, (r) => ({ cols: concatCols(t.peersB[r.order]!, t.blocksIn[r.order]!, B), dstOf: (c) => (c < B ? c : undefined) }), acc, den, rem);
  }

  /** Ingress answers of one tier at every behaviour d for source behaviour s (columns 0..B). */
  private ingressOf(t: TierIndex, s: number, acc: Uint32Array, den: Uint32Array, rem: Uint32Array): void {
    acc.fill(NONE_ID, 0, this.B);
    den.fill(NONE_ID, 0, this.B);
    rem.fill(ALL_ID, 0, this.B);
    const rules = t.inbound[s]!;
    if (rules.length === 0) return;
    this.firstMatch(t, rules, (r) => ({ cols: t.subjB.get(r.policy)!, dstOf: (c) => c }), acc, den, rem);
  }

  /** The row of source behaviour s: every behaviour, then every block. */
  rowInto(s: number, out: Uint32Array): void {
    const [aeA, aeD, aeR, beA, beD, aiA, aiD, rem] = this.bufs as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    const B = this.B;
    const m = this.m;
    this.egressOf(this.admin, s, aeA, aeD, aeR);
    this.egressOf(this.baseline, s, beA, beD, rem);
    m.npEgressInto(s, this.npE);
    m.npIngressInto(s, this.npI);
    const isoE = m.isolatedE(s);
    const pt = this.ports;
    // Ingress at each destination: admin into aiA/aiD, baseline deny into beA (reused: its accept is not needed).
    this.ingressOf(this.admin, s, aiA, aiD, rem);
    const biD = aeR;
    this.ingressOf(this.baseline, s, beA, biD, rem);
    for (let d = 0; d < B; d++) {
      const e = this.side(aeA[d]!, aeD[d]!, isoE, this.npE[d]!, beD[d]!);
      if (e === NONE_ID) {
        out[d] = NONE_ID;
        continue;
      }
      const i = this.side(aiA[d]!, aiD[d]!, m.isolatedI(d), this.npI[d]!, biD[d]!);
      out[d] = pt.meet(e, i);
    }
    for (let x = 0; x < this.X; x++) out[B + x] = this.side(aeA[B + x]!, aeD[B + x]!, isoE, m.npToBlock(s, x), beD[B + x]!);
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

  /** Port id from behaviour s to block x (rows shared by behaviours with the same rules towards addresses). */
  toBlock(s: number, x: number): number {
    const c = this.m.repClass[s]!;
    const key = `${profile(this.admin, 'egress', c)}|${profile(this.baseline, 'egress', c)}|${s}`;
    let row = this.toBlockRows.get(key);
    if (!row) {
      row = new Uint32Array(this.X);
      const [a, d, r, , bd, , , r2] = this.bufs as Uint32Array[];
      this.egressOf(this.admin, s, a!, d!, r!);
      this.egressOf(this.baseline, s, this.bufs[3]!, bd!, r2!);
      const isoE = this.m.isolatedE(s);
      const B = this.B;
      for (let k = 0; k < this.X; k++) row[k] = this.side(a![B + k]!, d![B + k]!, isoE, this.m.npToBlock(s, k), bd![B + k]!);
      this.toBlockRows.set(key, row);
    }
    return row[x]!;
  }

  /** Port id from block x to behaviour d. */
  fromBlock(x: number, d: number): number {
    const key = String(d);
    let row = this.fromBlockRows.get(key);
    if (!row) {
      row = new Uint32Array(this.X);
      const c = this.m.repClass[d]!;
      for (let k = 0; k < this.X; k++) {
        const range = this.m.blocks[k]!.range;
        const np = this.m.npFromBlock(k, d);
        const { admin, baseline } = this.tiers.answers('ingress', c, { kind: 'address', range });
        const a = this.ports.id(admin.accept);
        const den = this.ports.id(admin.deny);
        const bd = this.ports.id(baseline.deny);
        row[k] = this.side(a, den, this.m.isolatedI(d), np, bd);
      }
      this.fromBlockRows.set(key, row);
    }
    return row[x]!;
  }
}

/** A class's rules of one tier and direction, as a key. */
function profile(t: TierIndex, dir: 'egress' | 'ingress', cls: number): string {
  return t.model.classRules[dir][cls]!.map((r) => r.order).join(',');
}

/** Behaviour columns then block columns (offset by B) as one array-like. */
function concatCols(beh: Int32Array, blocks: Int32Array, B: number): ArrayLike<number> {
  if (blocks.length === 0) return beh;
  const out = new Int32Array(beh.length + blocks.length);
  out.set(beh, 0);
  for (let i = 0; i < blocks.length; i++) out[beh.length + i] = B + blocks[i]!;
  return out;
}
