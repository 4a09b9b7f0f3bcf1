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
  for (const e of cluster) {
    const bs = [...new Set(e.targets.flatMap((t) => (t.kind === 'class' ? [m.behaviourOf[t.index]!] : [])))].sort((x, y) => x - y);
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
 * Writes into v, for each endpoint j, the shared port ids to (v[4j + dir]) and from (v[4j + 2 + dir])
 * the atom on this side (dir 0 old, 1 new): read from the matrix column of the side's block holding the
 * atom, or asked of the engine when the side does not model the atom's family.
 */
function atomConns(s: Side, atom: IpRange, ids: readonly string[], cols: readonly (Int32Array | undefined)[], dir: 0 | 1, v: Uint32Array): void {
  const m = s.a.matrix;
  const t = s.a.ports;
  const x = blockIndex(s.blocks, atom);
  for (let j = 0; j < ids.length; j++) {
    const cs = cols[j];
    let out = NONE_ID;
    let inn = NONE_ID;
    if (cs && cs.length > 0) {
      if (x >= 0) {
        for (const c of cs) {
          out = t.union(out, m.toBlock(c, x));
          inn = t.union(inn, m.fromBlock(x, c));
        }
      } else {
        const e = s.byId.get(ids[j]!)!;
        const ext: ResolvedEndpoint = { endpoint: { id: formatRange(atom), kind: 'External' }, targets: [{ kind: 'address', range: atom }], pods: [] };
        out = t.id(endpointConns(s.a, e, ext));
        inn = t.id(endpointConns(s.a, ext, e));
      }
    }
    v[4 * j + dir] = s.canon(out);
    v[4 * j + 2 + dir] = s.canon(inn);
  }
}

function classify(src: string, dst: string, o: PortSet, n: PortSet): ConnChange | undefined {
  if (o.equals(n)) return undefined;
  const kind: ChangeKind = o.isEmpty() ? 'added' : n.isEmpty() ? 'removed' : 'changed';
  return { src, dst, kind, old: o, new: n, opened: n.subtract(o), closed: o.subtract(n) };
}

const ORDER: Record<ChangeKind, number> = { changed: 0, added: 1, removed: 2 };

/** Compares the connectivity of two analyses at a level. */
export function diffConnectivity(oldA: Analysis, newA: Analysis, level: Level = 'workload'): ConnectivityDiff {
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
  for (let i = 0; i < ids.length; i++) {
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
      const k = before * 0x100000 + after;
      let c = made.get(k);
      if (!made.has(k)) made.set(k, (c = classify('', '', shared.get(before), shared.get(after))));
      if (c) changes.push({ ...c, src: s, dst: ids[j]! });
    }
  }

  // Outside: neighbouring atoms whose old and new conns agree for every endpoint, both ways, are one group.
  const atoms = commonAtoms(o.blocks, n.blocks);
  let cur = new Uint32Array(4 * ids.length);
  let next = new Uint32Array(4 * ids.length);
  let group: IpRange | undefined;
  const close = (g: IpRange, v: Uint32Array): void => {
    const id = formatRange(g);
    let used = false;
    const add = (src: string, dst: string, before: number, after: number): void => {
      if (before === after) return;
      const k = before * 0x100000 + after;
      let c = made.get(k);
      if (!made.has(k)) made.set(k, (c = classify('', '', shared.get(before), shared.get(after))));
      if (c) {
        changes.push({ ...c, src, dst });
        used = true;
      }
    };
    ids.forEach((e, j) => {
      add(e, id, v[4 * j]!, v[4 * j + 1]!);
      add(id, e, v[4 * j + 2]!, v[4 * j + 3]!);
    });
    if (used) endpoints.set(id, { id, kind: 'External', cidrs: rangeToCidrs(g) });
  };
  for (const atom of atoms) {
    atomConns(o, atom, ids, oCols, 0, next);
    atomConns(n, atom, ids, nCols, 1, next);
    if (group && group.family === atom.family && next.every((x, i) => x === cur[i])) {
      group = { family: atom.family, lo: group.lo, hi: atom.hi };
      continue;
    }
    if (group) close(group, cur);
    [cur, next] = [next, cur];
    group = atom;
  }
  if (group) close(group, cur);
  changes.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || lex(x.src, y.src) || lex(x.dst, y.dst));
  return { level, endpoints, oldIds: new Set(o.byId.keys()), newIds: new Set(n.byId.keys()), changes, unchanged };
}
