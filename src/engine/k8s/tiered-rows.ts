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
  /** Which NetworkPolicy egress profile towards blocks s has (sources with the same one agree on every block). */
  egressProfile(s: number): number;
  /** NetworkPolicy's egress side of s towards every block, into out (length blocks). */
  npBlocksInto(s: number, out: Uint32Array): void;
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

/** One tier's first-match answers over some columns, sparse: the columns written (ascending) and their accept and deny ids. */
export interface SparseAnswer {
  readonly cols: Int32Array;
  readonly acc: Uint32Array;
  readonly den: Uint32Array;
  /** True when some column is a block (a rule matched addresses). */
  readonly blocks: boolean;
}

/**
 * What the sources of one ingress signature get from the tiers, independent of NetworkPolicy, per column
 * group (destinations the same admin and baseline subjects hold, whose named ports resolve alike).
 */
interface SigAnswers {
  /** The admin tier's accept and deny ids, and 1 where some admin rule decided some ports. */
  readonly acc: Uint32Array;
  readonly den: Uint32Array;
  readonly decided: Uint8Array;
  /** The baseline tier's deny id (applied where NetworkPolicy does not isolate). */
  readonly baseDen: Uint32Array;
}

/**
 * What depends only on the tiers, the behaviours, the blocks and the port table: the rules' columns, the
 * ingress signatures and their answers, the egress answers per rule list. A matrix derived after a
 * NetworkPolicy change keeps its base's behaviours and blocks, so it takes all of this over.
 */
class TierState {
  readonly admin: TierIndex;
  readonly baseline: TierIndex;
  /** Per behaviour: its ingress signature (the admin and baseline ingress rules whose peers hold it). */
  readonly sigIds: Int32Array;
  readonly sigAnswers: (SigAnswers | undefined)[] = [];
  /** Per behaviour and tier: the id of its egress rule list, and each list's answers. */
  readonly egressKey: readonly [Int32Array, Int32Array];
  readonly egressAnswers: readonly [(SparseAnswer | undefined)[], (SparseAnswer | undefined)[]] = [[], []];
  /** Per behaviour: 1 when an admin or baseline ingress rule of it matches addresses. */
  readonly rangedIngress: Uint8Array;
  /**
   * Per behaviour: its column group for ingress (destinations every admin and baseline ingress rule treats
   * alike: the same subjects hold them, named ports resolve the same); per group, a member and, per policy
   * (admin then baseline, by policyNo), whether its subject holds the group.
   */
  readonly group: Int32Array;
  readonly groupRep: Int32Array;
  readonly groupHas: Uint8Array[];
  private readonly policyNo = new Map<AdminPolicy, number>();

  readonly size: number;
  readonly blocks: readonly ExternalBlock[];
  readonly repClass: Int32Array;

  constructor(
    tiers: KubernetesTiers,
    m: NpSides,
    readonly ports: PortTable,
  ) {
    const B = m.size;
    // Only what holds for derived matrices too is kept of m (not its NetworkPolicy sides).
    this.size = B;
    this.blocks = m.blocks;
    this.repClass = m.repClass;
    this.admin = this.index(tiers.admin, m.toBehaviours);
    this.baseline = this.index(tiers.baseline, m.toBehaviours);
    this.sigIds = new Int32Array(B);
    const byKey = new Map<string, number>();
    for (let b = 0; b < B; b++) {
      const k = `${this.admin.inbound[b]!.map((r) => r.order).join(',')}|${this.baseline.inbound[b]!.map((r) => r.order).join(',')}`;
      let id = byKey.get(k);
      if (id === undefined) byKey.set(k, (id = byKey.size));
      this.sigIds[b] = id;
    }
    const keyOf = (model: AdminTierModel): Int32Array => {
      const ids = new Map<readonly CompiledAdminRule[], number>();
      const byText = new Map<string, number>();
      return Int32Array.from(m.repClass, (c) => {
        const rules = model.classRules.egress[c]!;
        let id = ids.get(rules);
        if (id === undefined) {
          const k = rules.map((r) => r.order).join(',');
          id = byText.get(k);
          if (id === undefined) byText.set(k, (id = byText.size));
          ids.set(rules, id);
        }
        return id;
      });
    };
    this.egressKey = [keyOf(tiers.admin), keyOf(tiers.baseline)];
    const keys: string[] = Array.from({ length: B }, () => '');
    for (const t of [this.admin, this.baseline]) {
      for (const p of t.model.policies) {
        const i = this.policyNo.size;
        this.policyNo.set(p, i);
        for (const b of t.subjB.get(p)!) keys[b] += `s${i},`;
      }
      for (const r of t.model.rules) {
        if (r.direction !== 'ingress' || r.namedPorts.length === 0) continue;
        for (let b = 0; b < B; b++) keys[b] += `n${this.policyNo.get(r.policy)}.${r.order}=${this.portsOf(t, r, b)},`;
      }
    }
    const groupOf = new Map<string, number>();
    const reps: number[] = [];
    this.group = Int32Array.from(keys, (k, b) => {
      let g = groupOf.get(k);
      if (g === undefined) (groupOf.set(k, (g = reps.length)), reps.push(b));
      return g;
    });
    this.groupRep = Int32Array.from(reps);
    this.groupHas = reps.map(() => new Uint8Array(this.policyNo.size));
    for (const t of [this.admin, this.baseline]) for (const p of t.model.policies) for (const b of t.subjB.get(p)!) this.groupHas[this.group[b]!]![this.policyNo.get(p)!] = 1;
    this.rangedIngress = Uint8Array.from(m.repClass, (c) => ([tiers.admin, tiers.baseline].some((t) => t.classRules.ingress[c]!.some((r) => r.ranges.length > 0)) ? 1 : 0));
  }

  private index(model: AdminTierModel, toBehaviours: NpSides['toBehaviours']): TierIndex {
    const peersB: Int32Array[] = [];
    const blocksIn: Int32Array[] = [];
    const inbound: CompiledAdminRule[][] = Array.from({ length: this.size }, () => []);
    const subjB = new Map<AdminPolicy, Int32Array>();
    for (const p of model.policies) subjB.set(p, toBehaviours(model.subjects.get(p) ?? []));
    for (const r of model.rules) {
      const pb = toBehaviours(r.peerList);
      peersB[r.order] = pb;
      blocksIn[r.order] = this.blocksInside(r.ranges);
      if (r.direction === 'ingress') for (const s of pb) inbound[s]!.push(r);
    }
    return { model, peersB, blocksIn, subjB, inbound };
  }

  /** Indices of blocks lying wholly inside the ranges (blocks are refined, so each is inside or outside). */
  private blocksInside(ranges: readonly IpRange[]): Int32Array {
    const out: number[] = [];
    const blocks = this.blocks;
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
    return this.ports.id(t.model.rulePorts(r, d === undefined ? undefined : this.repClass[d]!));
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

  /**
   * The egress answers of tier k (0 admin, 1 baseline) at source behaviour s towards every behaviour and
   * block: the same for every source with the same rule list, so computed once per list.
   */
  egress(k: 0 | 1, s: number, sc: Scratch): SparseAnswer {
    const id = this.egressKey[k][s]!;
    let a = this.egressAnswers[k][id];
    if (!a) {
      const t = k === 0 ? this.admin : this.baseline;
      const B = this.size;
      sc.reset();
      const rules = t.model.classRules.egress[this.repClass[s]!]!;
      this.firstMatch(t, rules, (r) => concatCols(t.peersB[r.order]!, t.blocksIn[r.order]!, B), (c) => (c < B ? c : undefined), sc);
      a = sc.sparse(B);
      sc.reset();
      this.egressAnswers[k][id] = a;
    }
    return a;
  }

  /**
   * The admin and baseline ingress answers the sources of one signature get, per column group: the
   * first match over the signature's rules (those whose peers hold the source) that hold the group.
   */
  ingress(s: number): SigAnswers {
    const id = this.sigIds[s]!;
    let g = this.sigAnswers[id];
    if (!g) {
      const G = this.groupRep.length;
      const pt = this.ports;
      const acc = new Uint32Array(G);
      const den = new Uint32Array(G);
      const decided = new Uint8Array(G);
      const baseDen = new Uint32Array(G);
      for (const t of [this.admin, this.baseline]) {
        const rules = t.inbound[s]!;
        if (rules.length === 0) continue;
        const nos = rules.map((r) => this.policyNo.get(r.policy)!);
        const fixed = rules.map((r) => (r.namedPorts.length === 0 ? this.portsOf(t, r, undefined) : -1));
        for (let k = 0; k < G; k++) {
          const has = this.groupHas[k]!;
          let rem = ALL_ID;
          let a = NONE_ID;
          let d = NONE_ID;
          let hit = false;
          for (let j = 0; j < rules.length && rem !== NONE_ID; j++) {
            if (!has[nos[j]!]) continue;
            const r = rules[j]!;
            const p = fixed[j]! >= 0 ? fixed[j]! : this.portsOf(t, r, this.groupRep[k]!);
            const h = pt.meet(rem, p);
            if (h === NONE_ID) continue;
            hit = true;
            rem = pt.minus(rem, p);
            if (r.rule.action === 'accept') a = pt.union(a, h);
            else if (r.rule.action === 'deny') d = pt.union(d, h);
          }
          if (t === this.admin) {
            acc[k] = a;
            den[k] = d;
            decided[k] = hit ? 1 : 0;
          } else baseDen[k] = d;
        }
      }
      g = { acc, den, decided, baseDen };
      this.sigAnswers[id] = g;
    }
    return g;
  }
}

export class TieredRows {
  private readonly state: TierState;
  private readonly B: number;
  private readonly X: number;
  /** Scratch row for the tiers' first-match over behaviours and blocks. */
  private readonly scratch: Scratch;
  private readonly cells = new Map<number, number>();
  private readonly fromBlockRows: (Uint32Array | undefined)[] = [];
  private readonly sigs: IngressSig[] = [];

  /**
   * `base`: the tiered rows of a matrix with the same tiers, behaviours, blocks and port table (one derived
   * after a NetworkPolicy change), whose tier-only work is taken over.
   */
  constructor(
    readonly tiers: KubernetesTiers,
    private readonly m: NpSides,
    private readonly ports: PortTable,
    base?: TieredRows,
  ) {
    this.B = m.size;
    this.X = m.blocks.length;
    const s = base?.state;
    this.state = s && s.ports === ports && s.size === m.size && s.blocks.length === this.X ? s : new TierState(tiers, m, ports);
    const W = this.B + this.X;
    this.scratch = new Scratch(W);
  }

  /**
   * The ingress answers every source with the same admin and baseline ingress rules gets (they match the
   * same peers), kept dense once per such signature, with the base row they make of NetworkPolicy's.
   */
  ingressSig(s: number, base: Uint32Array, isoI: Uint8Array): IngressSig {
    const st = this.state;
    const id = st.sigIds[s]!;
    let sig = this.sigs[id];
    if (!sig) {
      const a = st.ingress(s);
      const pt = this.ports;
      const B = this.B;
      const group = st.group;
      const row = new Uint32Array(B);
      const cols: number[] = [];
      for (let d = 0; d < B; d++) {
        const g = group[d]!;
        let v = base[d]!;
        let changed = false;
        // The baseline decides where NetworkPolicy does not isolate; the admin tier decides first.
        if (!isoI[d] && a.baseDen[g] !== NONE_ID) ((v = pt.minus(ALL_ID, a.baseDen[g]!)), (changed = true));
        if (a.decided[g]) ((v = pt.union(a.acc[g]!, pt.minus(v, a.den[g]!))), (changed = true));
        row[d] = v;
        if (changed) cols.push(d);
      }
      sig = { group, acc: a.acc, den: a.den, row, touched: Int32Array.from(cols), weights: new WeakMap() };
      this.sigs[id] = sig;
    }
    return sig;
  }

  /**
   * The admin and baseline egress answers of s towards behaviours and blocks (the baseline's only where
   * NetworkPolicy does not isolate s, else none), and whether either speaks of some block.
   */
  egress(s: number): { readonly ae: SparseAnswer; readonly be: SparseAnswer; readonly blocks: boolean } {
    const ae = this.state.egress(0, s, this.scratch);
    const be = this.m.isolatedE(s) ? NO_ANSWER : this.state.egress(1, s, this.scratch);
    return { ae, be, blocks: ae.blocks || be.blocks };
  }

  private readonly blockRowOf: (Uint32Array | undefined)[] = [];
  private readonly blockRowByKey = new Map<string, Uint32Array>();

  /**
   * The egress side of s towards every block, through the tiers: NetworkPolicy's (or the baseline's where
   * NetworkPolicy does not isolate s) under the admin tier. Shared by the sources with the same admin and
   * baseline egress rules and the same NetworkPolicy egress towards blocks.
   */
  blockRow(s: number): Uint32Array {
    let row = this.blockRowOf[s];
    if (!row) {
      const st = this.state;
      const iso = this.m.isolatedE(s);
      const key = `${st.egressKey[0][s]}|${iso ? `e${this.m.egressProfile(s)}` : `b${st.egressKey[1][s]}`}`;
      row = this.blockRowByKey.get(key);
      if (!row) {
        const pt = this.ports;
        const B = this.B;
        const X = this.X;
        const { ae, be } = this.egress(s);
        row = new Uint32Array(X);
        if (iso) this.m.npBlocksInto(s, row);
        else {
          row.fill(ALL_ID);
          for (let k = 0; k < be.cols.length; k++) if (be.cols[k]! >= B && be.den[k] !== NONE_ID) row[be.cols[k]! - B] = pt.minus(ALL_ID, be.den[k]!);
        }
        for (let k = 0; k < ae.cols.length; k++) {
          const x = ae.cols[k]! - B;
          if (x >= 0) row[x] = pt.union(ae.acc[k]!, pt.minus(row[x]!, ae.den[k]!));
        }
        this.blockRowByKey.set(key, row);
      }
      this.blockRowOf[s] = row;
    }
    return row;
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
    return this.blockRow(s)[x]!;
  }

  /** Per behaviour d: 1 when some admin or baseline ingress rule of d matches addresses (else NetworkPolicy alone decides from blocks). */
  rangedIngressRow(): Uint8Array {
    return this.state.rangedIngress;
  }

  /** Port id from block x to behaviour d. */
  fromBlock(x: number, d: number): number {
    // Only rules with address ranges (networks, nodes) can match an outside block: without any, NetworkPolicy decides.
    if (!this.state.rangedIngress[d]) return this.m.isolatedI(d) ? this.m.npFromBlock(x, d) : ALL_ID;
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
  /** The admin answers by column group (`group`, per behaviour). */
  readonly group: Int32Array;
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

  /** The columns written (ascending) and their accept and deny ids. */
  sparse(blockStart: number): SparseAnswer {
    const cols = Int32Array.from(this.touched).sort();
    return { cols, acc: Uint32Array.from(cols, (c) => this.acc[c]!), den: Uint32Array.from(cols, (c) => this.den[c]!), blocks: cols.some((c) => c >= blockStart) };
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

const NO_ANSWER: SparseAnswer = { cols: new Int32Array(0), acc: new Uint32Array(0), den: new Uint32Array(0), blocks: false };

/** Behaviour columns then block columns (offset by B) as one array-like. */
function concatCols(beh: Int32Array, blocks: Int32Array, B: number): ArrayLike<number> {
  if (blocks.length === 0) return beh;
  const out = new Int32Array(beh.length + blocks.length);
  out.set(beh, 0);
  for (let i = 0; i < blocks.length; i++) out[beh.length + i] = B + blocks[i]!;
  return out;
}
