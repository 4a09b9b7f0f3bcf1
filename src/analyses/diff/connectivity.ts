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
import { buildClassGraph, type ClassGraph } from '../blast/graph.js';
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
  readonly cluster: readonly ResolvedEndpoint[];
  readonly byId: ReadonlyMap<string, ResolvedEndpoint>;
  readonly blocks: readonly IpRange[];
  /** The class graph: only pairs joined by an edge can have connectivity, so only those are compared. */
  readonly g: ClassGraph;
  readonly classesOf: ReadonlyMap<string, readonly number[]>;
  readonly endpointsOfClass: readonly string[][];
}

function side(a: Analysis, level: Level): Side {
  const cluster = clusterEndpoints(a, level);
  const endpointsOfClass: string[][] = a.layer.classes.map(() => []);
  const classesOf = new Map<string, number[]>();
  for (const e of cluster) {
    const cs = [...new Set(e.targets.flatMap((t) => (t.kind === 'class' ? [t.index] : [])))];
    classesOf.set(e.endpoint.id, cs);
    for (const c of cs) endpointsOfClass[c]!.push(e.endpoint.id);
  }
  return { cluster, byId: new Map(cluster.map((e) => [e.endpoint.id, e])), blocks: a.externals().map((b) => b.range), g: buildClassGraph(a), classesOf, endpointsOfClass };
}

/** Endpoints an endpoint has an edge to on this side. */
function neighbours(s: Side, id: string, into: Set<string>): void {
  for (const c of s.classesOf.get(id) ?? []) for (const d of s.g.succ[c]!) for (const e of s.endpointsOfClass[d]!) into.add(e);
}

function clusterConns(s: Side, src: string, dst: string): PortSet {
  let p = PortSet.NONE;
  for (const x of s.classesOf.get(src) ?? []) {
    const succ = s.g.succ[x]!;
    for (const y of s.classesOf.get(dst) ?? []) if (hasSorted(succ, y)) p = p.union(s.g.ports(x, y));
  }
  return p;
}

function hasSorted(a: Int32Array, v: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else if (a[mid]! > v) hi = mid - 1;
    else return true;
  }
  return false;
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
  const o = side(oldA, level);
  const n = side(newA, level);
  const endpoints = new Map<string, Endpoint>();
  for (const e of [...o.cluster, ...n.cluster]) endpoints.set(e.endpoint.id, e.endpoint);
  const ids = [...endpoints.keys()].sort(lex);
  const changes: ConnChange[] = [];
  let unchanged = 0;
  for (const s of ids) {
    const cand = new Set<string>();
    neighbours(o, s, cand);
    neighbours(n, s, cand);
    for (const d of [...cand].sort(lex)) {
      if (s === d) continue;
      const before = clusterConns(o, s, d);
      const c = classify(s, d, before, clusterConns(n, s, d));
      if (c) changes.push(c);
      else if (!before.isEmpty()) unchanged++;
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
