/**
 * Connectivity opened and closed between two snapshots, pair by pair. Outside address blocks are cut
 * by each snapshot's own policies, so both sides are re-cut over the union of their breakpoints and the
 * pieces merged back wherever the change is the same: the blocks in the result behave alike on both sides.
 */
import type { Analysis } from '../../engine/index.js';
import { formatRange, rangeToCidrs, type Family, type IpRange } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { clusterEndpoints, type Endpoint, type Level, type ResolvedEndpoint } from '../endpoints.js';
import { endpointConns } from '../reach.js';
import { NONE_ID, PortTable } from '../../engine/port-table.js';
import { lex } from '../../util/compare.js';
import { SparseRow } from './sparse-row.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ConnChange {
  readonly src: string;
  readonly dst: string;
  readonly kind: ChangeKind;
  readonly old: PortSet;
  readonly new: PortSet;
  /** Ports allowed now and not before. */
  readonly opened: PortSet;
  /** Ports allowed before and not now. */
  readonly closed: PortSet;
}

export interface ConnectivityDiff {
  readonly level: Level;
  /** Every endpoint named in a change or present on either side (new side wins for attributes). */
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  readonly oldIds: ReadonlySet<string>;
  readonly newIds: ReadonlySet<string>;
  /** Sorted: changed, added, removed; then by source and destination. */
  readonly changes: readonly ConnChange[];
  /** Pairs with some connectivity on both sides and no change. */
  readonly unchanged: number;
  /** Each side's cluster endpoints at the level (clusterEndpoints), for the other comparisons to reuse. */
  readonly cluster: { readonly old: readonly ResolvedEndpoint[]; readonly new: readonly ResolvedEndpoint[] };
}

interface Side {
  readonly a: Analysis;
  readonly cluster: readonly ResolvedEndpoint[];
  readonly byId: ReadonlyMap<string, ResolvedEndpoint>;
  readonly blocks: readonly IpRange[];
  /** Per endpoint id: the behaviours (matrix columns) of its pods, increasing. */
  readonly cols: ReadonlyMap<string, Int32Array>;
  /** This side's port ids as ids of the table both sides share. */
  readonly canon: (id: number) => number;
}

function side(a: Analysis, level: Level, shared: PortTable): Side {
  const cluster = clusterEndpoints(a, level);
  const m = a.matrix;
  const cols = new Map<string, Int32Array>();
  const bs: number[] = [];
  for (const e of cluster) {
    // Distinct behaviours, increasing: sorted, then each kept once (no Set per endpoint).
    bs.length = 0;
    for (const t of e.targets) if (t.kind === 'class') bs.push(m.behaviourOf[t.index]!);
    if (bs.length > 1) bs.sort((x, y) => x - y);
    let k = 0;
    for (let i = 0; i < bs.length; i++) if (i === 0 || bs[i] !== bs[i - 1]) bs[k++] = bs[i]!;
    bs.length = k;
    cols.set(e.endpoint.id, Int32Array.from(bs));
  }
  const memo: number[] = [];
  const canon = (id: number): number => (memo[id] ??= shared.id(a.ports.get(id)));
  return { a, cluster, byId: new Map(cluster.map((e) => [e.endpoint.id, e])), blocks: a.externals().map((b) => b.range), cols, canon };
}

/**
 * The row of port ids (this side's table) from an endpoint to every behaviour, or undefined when the
 * endpoint is not on this side. The last row is kept: consecutive sources often share behaviours.
 */
function rowMaker(s: Side): (id: string) => Uint32Array | undefined {
  const m = s.a.matrix;
  const t = s.a.ports;
  const width = m.size + m.blocks.length;
  const row = new Uint32Array(width);
  const tmp = new Uint32Array(width);
  let last: Int32Array | undefined;
  return (id) => {
    const cs = s.cols.get(id);
    if (!cs || cs.length === 0) return undefined;
    if (last && last.length === cs.length && last.every((c, k) => c === cs[k])) return row;
    m.rowInto(cs[0]!, row);
    for (let k = 1; k < cs.length; k++) {
      m.rowInto(cs[k]!, tmp);
      for (let j = 0; j < m.size; j++) row[j] = t.union(row[j]!, tmp[j]!);
    }
    last = cs;
    return row;
  };
}

/**
 * Every ordered pair of endpoints (by index; sources where `source` holds) compared on both sides without
 * visiting every pair. Endpoints with the same behaviours on each side (a joint class) have the same rows
 * and columns, so pairs are compared per joint class; and a matrix row equals its default (the ingress base,
 * or nothing) but where it is touched, so a source's pairs can differ only at the joint classes whose
 * defaults differ between the sides (one list per pair of defaults, shared by every source) and at the
 * columns its rows touch. Calls `changed` per changed endpoint pair; returns the pairs unchanged and allowed.
 */
function sparsePairs(o: Side, n: Side, oCols: readonly (Int32Array | undefined)[], nCols: readonly (Int32Array | undefined)[], source: (i: number) => boolean, changed: (src: number, dst: number, before: number, after: number) => void): number {
  const N = oCols.length;
  const cols = (c: Int32Array | undefined): Int32Array | undefined => (c && c.length > 0 ? c : undefined);
  // Joint classes, numbered in order of first endpoint.
  const byKey = new Map<string, number>();
  const jointOf = new Int32Array(N);
  const members: number[][] = [];
  const jo: (Int32Array | undefined)[] = [];
  const jn: (Int32Array | undefined)[] = [];
  for (let i = 0; i < N; i++) {
    const a = cols(oCols[i]);
    const b = cols(nCols[i]);
    const key = `${a ? a.join(',') : '-'}|${b ? b.join(',') : '-'}`;
    let j = byKey.get(key);
    if (j === undefined) {
      byKey.set(key, (j = members.length));
      members.push([]);
      jo.push(a);
      jn.push(b);
    }
    jointOf[i] = j;
    members[j]!.push(i);
  }
  const J = members.length;
  const w = Int32Array.from(members, (m) => m.length);
  // Per behaviour of each side, the joint classes holding it.
  const inverse = (s: Side, jc: readonly (Int32Array | undefined)[]): number[][] => {
    const inv: number[][] = Array.from({ length: s.a.matrix.size }, () => []);
    jc.forEach((cs, j) => cs?.forEach((b) => inv[b]!.push(j)));
    return inv;
  };
  const invO = inverse(o, jo);
  const invN = inverse(n, jn);
  // A column's default on each side, as a shared port id: from a fromBase row, the union of the base over
  // its behaviours; from any other row, nothing.
  const baseOf = (s: Side, jc: readonly (Int32Array | undefined)[]): Uint32Array => {
    const base = s.a.matrix.ingressBase;
    const t = s.a.ports;
    return Uint32Array.from(jc, (cs) => {
      if (!cs) return NONE_ID;
      let v = NONE_ID;
      for (const b of cs) v = t.union(v, base[b]!);
      return s.canon(v);
    });
  };
  const baseO = baseOf(o, jo);
  const baseN = baseOf(n, jn);
  const def = (side: Uint32Array, fromBase: boolean, j: number): number => (fromBase ? side[j]! : NONE_ID);
  // Per pair of defaults (old fromBase, new fromBase): where the defaults differ, and the weight of the columns where they agree and allow something.
  const defaults = new Map<number, { differ: number[]; same: number }>();
  const defaultsOf = (fo: boolean, fn: boolean): { differ: number[]; same: number } => {
    const k = (fo ? 2 : 0) + (fn ? 1 : 0);
    let d = defaults.get(k);
    if (!d) {
      const differ: number[] = [];
      let same = 0;
      for (let j = 0; j < J; j++) {
        const b = def(baseO, fo, j);
        const a = def(baseN, fn, j);
        if (b !== a) differ.push(j);
        else if (b !== NONE_ID) same += w[j]!;
      }
      defaults.set(k, (d = { differ, same }));
    }
    return d;
  };
  // Rows of a joint class's behaviours, united, kept sparse: only the candidate columns are read.
  const rowO = new SparseRow(o.a.matrix);
  const rowN = new SparseRow(n.a.matrix);
  const rowOf = (r: SparseRow, cs: Int32Array | undefined): SparseRow | undefined => {
    if (!cs) return undefined;
    r.load(cs);
    return r;
  };
  const cell = (s: Side, r: SparseRow | undefined, cs: Int32Array | undefined): number => {
    if (!r || !cs) return NONE_ID;
    let v = r.get(cs[0]!);
    for (let k = 1; k < cs.length; k++) v = s.a.ports.union(v, r.get(cs[k]!));
    return s.canon(v);
  };
  const stamp = new Int32Array(J).fill(-1);
  let unchanged = 0;
  for (let s = 0; s < J; s++) {
    const srcs = members[s]!.filter(source);
    if (srcs.length === 0) continue;
    const ro = rowOf(rowO, jo[s]);
    const rn = rowOf(rowN, jn[s]);
    const oBase = ro?.fromBase ?? false;
    const nBase = rn?.fromBase ?? false;
    const d = defaultsOf(oBase, nBase);
    const cand: number[] = [];
    const add = (j: number): void => {
      if (stamp[j] !== s) ((stamp[j] = s), cand.push(j));
    };
    for (const j of d.differ) add(j);
    if (ro) for (const b of ro.touched) for (const j of invO[b]!) add(j);
    if (rn) for (const b of rn.touched) for (const j of invN[b]!) add(j);
    add(s);
    // Allowed and unchanged towards each destination endpoint, per source endpoint (before taking out the pair with itself).
    let same = d.same;
    let selfSame = 0;
    for (const j of cand) {
      const db = def(baseO, oBase, j);
      const da = def(baseN, nBase, j);
      if (db === da && db !== NONE_ID) same -= w[j]!;
      const before = cell(o, ro, jo[j]);
      const after = cell(n, rn, jn[j]);
      if (before === after) {
        if (before !== NONE_ID) {
          same += w[j]!;
          if (j === s) selfSame = 1;
        }
        continue;
      }
      for (const si of srcs) for (const di of members[j]!) if (si !== di) changed(si, di, before, after);
    }
    unchanged += srcs.length * (same - selfSame);
  }
  return unchanged;
}

/** Port id (the side's table) from a row to an endpoint with behaviours `cs` on the side; NONE when absent. */
function cellTo(s: Side, row: Uint32Array | undefined, cs: Int32Array | undefined): number {
  if (!row || !cs || cs.length === 0) return NONE_ID;
  let v = row[cs[0]!]!;
  for (let k = 1; k < cs.length; k++) v = s.a.ports.union(v, row[cs[k]!]!);
  return v;
}

/** Pieces of the address space cut at every block boundary of both sides, per family, in order. */
function commonAtoms(oldBlocks: readonly IpRange[], newBlocks: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const family of [4, 6] as Family[]) {
    const all = [...oldBlocks, ...newBlocks].filter((b) => b.family === family);
    if (all.length === 0) continue;
    const cuts = [...new Set(all.map((b) => b.lo))].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const max = all.reduce((m, b) => (b.hi > m ? b.hi : m), 0n);
    cuts.forEach((lo, i) => out.push({ family, lo, hi: i + 1 < cuts.length ? cuts[i + 1]! - 1n : max }));
  }
  return out;
}

/** The index of the side's block holding an atom (atoms never straddle a block edge), or -1 (family not modelled). */
function blockIndex(blocks: readonly IpRange[], atom: IpRange): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = blocks[mid]!;
    if (b.family < atom.family || (b.family === atom.family && b.hi < atom.lo)) lo = mid + 1;
    else if (b.family > atom.family || b.lo > atom.lo) hi = mid - 1;
    else return b.hi >= atom.hi ? mid : -1;
  }
  return -1;
}

/**
 * Endpoints that reach every block alike on both sides, as an index per endpoint and a representative of
 * each: their behaviours have the same block profiles (ReachMatrix.blockProfile) on each side. Where the
 * tiers decide blocks, or a side does not have the endpoint, the endpoint is a group of its own or joins the absent ones.
 */
interface BlockGroups {
  readonly of: Int32Array;
  readonly reps: readonly number[];
}

function blockGroups(o: Side, n: Side, oCols: readonly (Int32Array | undefined)[], nCols: readonly (Int32Array | undefined)[], literal: boolean): BlockGroups {
  const keyOn = (s: Side, cs: Int32Array | undefined, j: number): string => {
    if (literal) return `#${j}`;
    if (!cs || cs.length === 0) return '-';
    const m = s.a.matrix;
    const codes = (dir: 'egress' | 'ingress'): string | undefined => {
      const seen = new Set<number>();
      for (const c of cs) {
        const p = m.blockProfile(dir, c);
        if (p === undefined) return undefined;
        seen.add(p);
      }
      return [...seen].sort((x, y) => x - y).join(',');
    };
    const e = codes('egress');
    const i = codes('ingress');
    return e === undefined || i === undefined ? `#${j}` : `${e};${i}`;
  };
  const byKey = new Map<string, number>();
  const of = new Int32Array(oCols.length);
  const reps: number[] = [];
  for (let j = 0; j < oCols.length; j++) {
    const key = `${keyOn(o, oCols[j], j)}|${keyOn(n, nCols[j], j)}`;
    let g = byKey.get(key);
    if (g === undefined) {
      byKey.set(key, (g = reps.length));
      reps.push(j);
    }
    of[j] = g;
  }
  return { of, reps };
}

/**
 * Writes into v, for each endpoint j, the shared port ids to (v[4j + dir]) and from (v[4j + 2 + dir])
 * the atom on this side (dir 0 old, 1 new): read from the matrix column of the side's block holding the
 * atom, once per group of endpoints that reach blocks alike, or asked of the engine per endpoint when the
 * side does not model the atom's family.
 */
function atomConns(s: Side, atom: IpRange, ids: readonly string[], cols: readonly (Int32Array | undefined)[], groups: BlockGroups, dir: 0 | 1, v: Uint32Array, scratch: Uint32Array): void {
  const m = s.a.matrix;
  const t = s.a.ports;
  const x = blockIndex(s.blocks, atom);
  if (x >= 0) {
    groups.reps.forEach((j, g) => {
      let out = NONE_ID;
      let inn = NONE_ID;
      const cs = cols[j];
      if (cs) {
        for (const c of cs) {
          out = t.union(out, m.toBlock(c, x));
          inn = t.union(inn, m.fromBlock(x, c));
        }
      }
      scratch[2 * g] = s.canon(out);
      scratch[2 * g + 1] = s.canon(inn);
    });
    const of = groups.of;
    for (let j = 0; j < ids.length; j++) {
      const g = of[j]!;
      v[4 * j + dir] = scratch[2 * g]!;
      v[4 * j + 2 + dir] = scratch[2 * g + 1]!;
    }
    return;
  }
  for (let j = 0; j < ids.length; j++) {
    const cs = cols[j];
    let out = NONE_ID;
    let inn = NONE_ID;
    if (cs && cs.length > 0) {
      const e = s.byId.get(ids[j]!)!;
      const ext: ResolvedEndpoint = { endpoint: { id: formatRange(atom), kind: 'External' }, targets: [{ kind: 'address', range: atom }], pods: [] };
      out = t.id(endpointConns(s.a, e, ext));
      inn = t.id(endpointConns(s.a, ext, e));
    }
    v[4 * j + dir] = s.canon(out);
    v[4 * j + 2 + dir] = s.canon(inn);
  }
}

/** True when two vectors hold the same numbers. */
function sameVector(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function classify(src: string, dst: string, o: PortSet, n: PortSet): ConnChange | undefined {
  if (o.equals(n)) return undefined;
  const kind: ChangeKind = o.isEmpty() ? 'added' : n.isEmpty() ? 'removed' : 'changed';
  return { src, dst, kind, old: o, new: n, opened: n.subtract(o), closed: o.subtract(n) };
}

export interface ConnectivityOptions {
  /** Every endpoint's outside connections computed on its own, not once per group that reaches blocks alike (the slow path, for tests). */
  readonly literalAtoms?: boolean;
}

const ORDER: Record<ChangeKind, number> = { changed: 0, added: 1, removed: 2 };

/** Compares the connectivity of two analyses at a level. */
export function diffConnectivity(oldA: Analysis, newA: Analysis, level: Level = 'workload', opts: ConnectivityOptions = {}): ConnectivityDiff {
  const shared = new PortTable();
  const o = side(oldA, level, shared);
  const n = side(newA, level, shared);
  const endpoints = new Map<string, Endpoint>();
  for (const e of [...o.cluster, ...n.cluster]) endpoints.set(e.endpoint.id, e.endpoint);
  const ids = [...endpoints.keys()].sort(lex);
  const changes: ConnChange[] = [];
  let unchanged = 0;
  // Every ordered pair is compared as two integers from the matrix rows: nothing per pair is kept but
  // the changes, and changes with the same before and after share their port sets.
  const oldRow = rowMaker(o);
  const newRow = rowMaker(n);
  const made = new Map<number, ConnChange | undefined>();
  const oCols = ids.map((id) => o.cols.get(id));
  const nCols = ids.map((id) => n.cols.get(id));
  // The node rule, which the matrix leaves out: only from endpoints with hostNetwork pods, so rare.
  const hostSrc = (sd: Side, id: string): boolean => sd.a.nodeRule.active && (sd.byId.get(id)?.pods.some((p) => sd.a.pod(p)?.hostNetwork) ?? false);
  const nodeOpen = (sd: Side, src: string, dst: string): boolean => {
    const a = sd.byId.get(src);
    const b = sd.byId.get(dst);
    if (!a || !b) return false;
    const rel = sd.a.nodeGrant(a.pods, b.pods);
    // A connection possible from the same node counts as open, as reach lists it.
    return rel === 'same-node' || rel === 'possibly-same-node';
  };
  const pair = (before: number, after: number): ConnChange | undefined => {
    const k = before * 0x100000 + after;
    let c = made.get(k);
    if (!made.has(k)) made.set(k, (c = classify('', '', shared.get(before), shared.get(after))));
    return c;
  };
  const host = ids.map((id) => hostSrc(o, id) || hostSrc(n, id));
  // Sources with hostNetwork pods (the node rule, which the matrix leaves out): pair by pair, as they are few.
  for (let i = 0; i < ids.length; i++) {
    if (!host[i]) continue;
    const s = ids[i]!;
    const ro = oldRow(s);
    const rn = newRow(s);
    if (!ro && !rn) continue;
    const hostOld = hostSrc(o, s);
    const hostNew = hostSrc(n, s);
    for (let j = 0; j < ids.length; j++) {
      if (i === j) continue;
      const before = hostOld && nodeOpen(o, s, ids[j]!) ? shared.id(PortSet.ALL) : o.canon(cellTo(o, ro, oCols[j]));
      const after = hostNew && nodeOpen(n, s, ids[j]!) ? shared.id(PortSet.ALL) : n.canon(cellTo(n, rn, nCols[j]));
      if (before === after) {
        if (before !== NONE_ID) unchanged++;
        continue;
      }
      const c = pair(before, after);
      if (c) changes.push({ ...c, src: s, dst: ids[j]! });
    }
  }
  unchanged += sparsePairs(o, n, oCols, nCols, (i) => !host[i], (si, di, before, after) => {
    const c = pair(before, after);
    if (c) changes.push({ ...c, src: ids[si]!, dst: ids[di]! });
  });

  // Outside: neighbouring atoms whose old and new conns agree for every endpoint, both ways, are one group.
  const atoms = commonAtoms(o.blocks, n.blocks);
  const addOutside = (src: string, dst: string, before: number, after: number): boolean => {
    if (before === after) return false;
    const c = pair(before, after);
    if (c) changes.push({ ...c, src, dst });
    return c !== undefined;
  };
  const external = (g: IpRange): string => formatRange(g);
  const named = (g: IpRange, id: string): void => {
    endpoints.set(id, { id, kind: 'External', cidrs: rangeToCidrs(g) });
  };
  const profiled = opts.literalAtoms === true ? undefined : profileSets(o, n, oCols, nCols, atoms);
  if (profiled) outsideByProfiles(o, n, atoms, ids, profiled, addOutside, external, named);
  else outsideByEndpoint(o, n, atoms, ids, oCols, nCols, opts.literalAtoms === true, addOutside, external, named);
  changes.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || lex(x.src, y.src) || lex(x.dst, y.dst));
  return { level, endpoints, oldIds: new Set(o.byId.keys()), newIds: new Set(n.byId.keys()), changes, unchanged, cluster: { old: o.cluster, new: n.cluster } };
}

/** What an outside comparison reports through: a change (true when it was one), an atom group's id, the group's endpoint. */
type AddOutside = (src: string, dst: string, before: number, after: number) => boolean;

/** The outside comparison endpoint by endpoint per atom (vectors of 4 port ids per endpoint): the general path. */
function outsideByEndpoint(o: Side, n: Side, atoms: readonly IpRange[], ids: readonly string[], oCols: readonly (Int32Array | undefined)[], nCols: readonly (Int32Array | undefined)[], literal: boolean, add: AddOutside, external: (g: IpRange) => string, named: (g: IpRange, id: string) => void): void {
  const close = (g: IpRange, v: Uint32Array): void => {
    const id = external(g);
    let used = false;
    ids.forEach((e, j) => {
      if (add(e, id, v[4 * j]!, v[4 * j + 1]!)) used = true;
      if (add(id, e, v[4 * j + 2]!, v[4 * j + 3]!)) used = true;
    });
    if (used) named(g, id);
  };
  const groups = atoms.length > 0 ? blockGroups(o, n, oCols, nCols, literal) : { of: new Int32Array(0), reps: [] };
  const scratch = new Uint32Array(2 * groups.reps.length);
  mergeAtoms(atoms, 4 * ids.length, (atom, v) => {
    atomConns(o, atom, ids, oCols, groups, 0, v, scratch);
    atomConns(n, atom, ids, nCols, groups, 1, v, scratch);
  }, close);
}

/**
 * Walks the atoms in address order, filling each one's vector of port ids; neighbours of one family with
 * equal vectors merge into one range, and `close` gets each merged range with its vector.
 */
function mergeAtoms(atoms: readonly IpRange[], width: number, fill: (atom: IpRange, v: Uint32Array) => void, close: (range: IpRange, v: Uint32Array) => void): void {
  let cur = new Uint32Array(width);
  let next = new Uint32Array(width);
  let group: IpRange | undefined;
  for (const atom of atoms) {
    fill(atom, next);
    if (group && group.family === atom.family && sameVector(next, cur)) {
      group = { family: atom.family, lo: group.lo, hi: atom.hi };
      continue;
    }
    if (group) close(group, cur);
    [cur, next] = [next, cur];
    group = atom;
  }
  if (group) close(group, cur);
}

/**
 * Endpoints grouped by their behaviours' block profiles on each side, for the outside comparison per profile
 * set: a profile set (the distinct profiles of an endpoint's behaviours, one direction, one side) reaches
 * each block as one union, the same for every endpoint holding it, so an atom is a short vector of port ids
 * per set, not four per endpoint.
 */
interface ProfileSets {
  /** Per side (0 old, 1 new) and direction (0 egress, 1 ingress): one representative behaviour per profile of each set. */
  readonly sets: readonly [readonly Int32Array[], readonly Int32Array[], readonly Int32Array[], readonly Int32Array[]];
  /** Per group of endpoints with the same four sets: the set index per (side, direction) as above, -1 where the side lacks the endpoint. */
  readonly groupSets: Int32Array;
  /** Per group: its endpoints (indices into ids), increasing. */
  readonly members: readonly number[][];
}

/**
 * The profile sets of every endpoint, or undefined where they do not decide the blocks: a side whose tiers
 * compose the rows, or an atom in a family a side does not model (the engine is asked per endpoint then).
 */
function profileSets(o: Side, n: Side, oCols: readonly (Int32Array | undefined)[], nCols: readonly (Int32Array | undefined)[], atoms: readonly IpRange[]): ProfileSets | undefined {
  if (atoms.length === 0) return undefined;
  for (const atom of atoms) if (blockIndex(o.blocks, atom) < 0 || blockIndex(n.blocks, atom) < 0) return undefined;
  const sets: [Int32Array[], Int32Array[], Int32Array[], Int32Array[]] = [[], [], [], []];
  const setIds = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  const setOf = (s: Side, cs: Int32Array | undefined, k: number, dir: 'egress' | 'ingress'): number | undefined => {
    if (!cs || cs.length === 0) return -1;
    const m = s.a.matrix;
    const rep = new Map<number, number>();
    for (const c of cs) {
      const p = m.blockProfile(dir, c);
      if (p === undefined) return undefined;
      if (!rep.has(p)) rep.set(p, c);
    }
    const codes = [...rep.keys()].sort((x, y) => x - y);
    const key = codes.join(',');
    let id = setIds[k]!.get(key);
    if (id === undefined) {
      setIds[k]!.set(key, (id = sets[k]!.length));
      sets[k]!.push(Int32Array.from(codes, (p) => rep.get(p)!));
    }
    return id;
  };
  const byKey = new Map<string, number>();
  const groupSets: number[] = [];
  const members: number[][] = [];
  for (let j = 0; j < oCols.length; j++) {
    const four = [setOf(o, oCols[j], 0, 'egress'), setOf(o, oCols[j], 1, 'ingress'), setOf(n, nCols[j], 2, 'egress'), setOf(n, nCols[j], 3, 'ingress')];
    if (four.some((x) => x === undefined)) return undefined;
    const key = four.join(',');
    let g = byKey.get(key);
    if (g === undefined) {
      byKey.set(key, (g = members.length));
      members.push([]);
      groupSets.push(...(four as number[]));
    }
    members[g]!.push(j);
  }
  return { sets, groupSets: Int32Array.from(groupSets), members };
}

/** The outside comparison per profile set (see ProfileSets): an atom's vector is each set's union towards or from it, per side. */
function outsideByProfiles(o: Side, n: Side, atoms: readonly IpRange[], ids: readonly string[], p: ProfileSets, add: AddOutside, external: (g: IpRange) => string, named: (g: IpRange, id: string) => void): void {
  const offsets = [0];
  for (const k of [0, 1, 2, 3]) offsets.push(offsets[k]! + p.sets[k]!.length);
  const width = offsets[4]!;
  const fill = (s: Side, atom: IpRange, k: number, v: Uint32Array): void => {
    const m = s.a.matrix;
    const t = s.a.ports;
    const x = blockIndex(s.blocks, atom);
    const egress = k % 2 === 0;
    p.sets[k]!.forEach((reps, i) => {
      let u = NONE_ID;
      for (const c of reps) u = t.union(u, egress ? m.toBlock(c, x) : m.fromBlock(x, c));
      v[offsets[k]! + i] = s.canon(u);
    });
  };
  // The port id of a group's set, or nothing where the side lacks the group's endpoints.
  const at = (v: Uint32Array, g: number, k: number): number => {
    const i = p.groupSets[4 * g + k]!;
    return i < 0 ? NONE_ID : v[offsets[k]! + i]!;
  };
  const close = (range: IpRange, v: Uint32Array): void => {
    const id = external(range);
    let used = false;
    p.members.forEach((js, g) => {
      const outBefore = at(v, g, 0);
      const outAfter = at(v, g, 2);
      const inBefore = at(v, g, 1);
      const inAfter = at(v, g, 3);
      if (outBefore === outAfter && inBefore === inAfter) return;
      for (const j of js) {
        if (add(ids[j]!, id, outBefore, outAfter)) used = true;
        if (add(id, ids[j]!, inBefore, inAfter)) used = true;
      }
    });
    if (used) named(range, id);
  };
  mergeAtoms(atoms, width, (atom, v) => {
    for (const k of [0, 1]) fill(o, atom, k, v);
    for (const k of [2, 3]) fill(n, atom, k, v);
  }, close);
}
