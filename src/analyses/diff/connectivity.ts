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

/** The side's conns between each atom and each cluster endpoint, per direction. */
function atomConns(a: Analysis, s: Side, atoms: readonly IpRange[], ids: readonly string[]): { out: PortSet[][]; in: PortSet[][] } {
  const out: PortSet[][] = [];
  const inn: PortSet[][] = [];
  for (const atom of atoms) {
    // Each atom lies inside one block of the side; the engine answers for any range, modelled family or not.
    const t = { kind: 'address' as const, range: atom };
    const o: PortSet[] = [];
    const i: PortSet[] = [];
    for (const id of ids) {
      const e = s.byId.get(id);
      if (!e) {
        o.push(PortSet.NONE);
        i.push(PortSet.NONE);
        continue;
      }
      const ext: ResolvedEndpoint = { endpoint: { id: formatRange(atom), kind: 'External' }, targets: [t], pods: [] };
      o.push(endpointConns(a, e, ext));
      i.push(endpointConns(a, ext, e));
    }
    out.push(o);
    inn.push(i);
  }
  return { out, in: inn };
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
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    const ro = oldRow(s);
    const rn = newRow(s);
    if (!ro && !rn) continue;
    for (let j = 0; j < ids.length; j++) {
      if (i === j) continue;
      const before = o.canon(cellTo(o, ro, oCols[j]));
      const after = n.canon(cellTo(n, rn, nCols[j]));
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

  const atoms = commonAtoms(o.blocks, n.blocks);
  const oc = atomConns(oldA, o, atoms, ids);
  const nc = atomConns(newA, n, atoms, ids);
  // Merge neighbouring atoms whose old and new conns agree for every endpoint in both directions.
  const sig = (k: number): string => ids.map((_, j) => `${oc.out[k]![j]!.key()}/${nc.out[k]![j]!.key()}/${oc.in[k]![j]!.key()}/${nc.in[k]![j]!.key()}`).join(';');
  const groups: Array<{ range: IpRange; k: number }> = [];
  let prevSig = '';
  atoms.forEach((atom, k) => {
    const s = sig(k);
    const last = groups[groups.length - 1];
    if (last && last.range.family === atom.family && prevSig === s) last.range = { family: atom.family, lo: last.range.lo, hi: atom.hi };
    else groups.push({ range: atom, k });
    prevSig = s;
  });
  for (const g of groups) {
    const id = formatRange(g.range);
    let used = false;
    ids.forEach((e, j) => {
      const out = classify(e, id, oc.out[g.k]![j]!, nc.out[g.k]![j]!);
      const inn = classify(id, e, oc.in[g.k]![j]!, nc.in[g.k]![j]!);
      for (const c of [out, inn]) if (c) (changes.push(c), (used = true));
    });
    if (used) endpoints.set(id, { id, kind: 'External', cidrs: rangeToCidrs(g.range) });
  }
  changes.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || lex(x.src, y.src) || lex(x.dst, y.dst));
  return { level, endpoints, oldIds: new Set(o.byId.keys()), newIds: new Set(n.byId.keys()), changes, unchanged };
}
