/**
 * The partition behind `bulkhead init`: groups of endpoints that an intent can name as segments without
 * allowing anything that is not open today.
 *
 * An intent allows everything between two members of one home segment (those paths are not checked) and,
 * between two segments, the ports of their flows for every member pair alike. So a segment is exact when
 * its members are fully open to each other and every member has the same connections to and from every
 * other segment. Workloads whose pods have the same engine behaviours (the same set of behaviour ids)
 * have the same connections to everything else, so the parts are: per draft segment (namespace and tier)
 * and behaviour set, one part when its workloads are fully open to each other, else one part per workload
 * ("twins"). Outside address blocks are grouped by their connections to and from every behaviour.
 *
 * Rows are read sparse, as the matrix gives them (a default and the columns some rule changes): the cost
 * is the open connections and the parts they reach, not parts times behaviours.
 */
import { indexOfSorted } from '../../util/sorted-search.js';
import type { Analysis } from '../../engine/index.js';
import { ALL_ID, NONE_ID } from '../../engine/index.js';
import { nodeRuleOpen } from './behaviour.js';
import type { Workload } from '../../inventory/types.js';

export interface ClusterPart {
  /** Index of the draft segment the part comes from. */
  readonly draft: number;
  /** Sorted by id. */
  readonly workloads: readonly Workload[];
  /** The behaviour ids of every member's pods (all members have the same). */
  readonly behaviours: readonly number[];
  /** One of several parts made of workloads with the same behaviours, split because they are not fully open to each other. */
  readonly twin: boolean;
}

export interface ExternalPart {
  /** Indices into analysis.externals(), in address order. */
  readonly blocks: readonly number[];
}

/** Connections between parts, edge i from part from[i] to part to[i] on port id ports[i] (of analysis.ports); cluster parts are numbered first, then external parts. */
export interface PartEdges {
  readonly length: number;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly ports: Uint32Array;
}

export interface Partition {
  readonly cluster: readonly ClusterPart[];
  readonly external: readonly ExternalPart[];
  /** Every open connection between two parts; a twin part also to itself (what its twins get from each other). */
  readonly edges: PartEdges;
}

/** One behaviour's row: `base` (the matrix's ingress base) or NONE outside `cols`; its blocks as an interned row. */
interface SparseRow {
  readonly fromBase: boolean;
  /** Sorted behaviour columns where the row may differ from its default. */
  readonly cols: Int32Array;
  readonly vals: Uint32Array;
  /** Index into the interned block rows. */
  readonly blocks: number;
}

/** Every behaviour's row, sparse, with the block parts interned (behaviours with one egress profile share one). */
function sparseRows(a: Analysis): { rows: SparseRow[]; blockRows: Uint32Array[] } {
  const m = a.matrix;
  const B = m.size;
  const X = m.blocks.length;
  const buf = new Uint32Array(B + X);
  const nodeOpen = nodeRuleOpen(a);
  const blockRows: Uint32Array[] = [];
  const byHash = new Map<number, number[]>();
  const intern = (row: Uint32Array): number => {
    let h = 0x811c9dc5;
    for (let i = 0; i < row.length; i++) h = Math.imul(h ^ row[i]!, 0x01000193);
    let bucket = byHash.get(h);
    if (!bucket) byHash.set(h, (bucket = []));
    for (const id of bucket) if (sameArray(blockRows[id]!, row)) return id;
    bucket.push(blockRows.length);
    blockRows.push(row.slice());
    return blockRows.length - 1;
  };
  const rows: SparseRow[] = [];
  for (let b = 0; b < B; b++) {
    const { fromBase, touched } = m.rowInto(b, buf);
    const blocks = intern(buf.subarray(B));
    if (a.layer.classes[m.repClass[b]!]!.hostNetwork) {
      // The node rule opens columns no policy lists: the row is written out in full.
      const cols: number[] = [];
      const vals: number[] = [];
      for (let d = 0; d < B; d++) {
        const v = nodeOpen(b, d) ? ALL_ID : buf[d]!;
        if (v !== NONE_ID) (cols.push(d), vals.push(v));
      }
      rows.push({ fromBase: false, cols: Int32Array.from(cols), vals: Uint32Array.from(vals), blocks });
      continue;
    }
    const cols = Int32Array.from(new Set(touched.filter((d) => d < B))).sort();
    const vals = new Uint32Array(cols.length);
    for (let k = 0; k < cols.length; k++) vals[k] = buf[cols[k]!]!;
    rows.push({ fromBase, cols, vals, blocks });
  }
  return { rows, blockRows };
}

function sameArray(x: Uint32Array, y: Uint32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}


/** Splits the workloads (each with its draft segment) and the outside blocks into exact parts, with the connections between parts. */
export function exactPartition(a: Analysis, workloads: ReadonlyArray<{ workload: Workload; draft: number }>): Partition {
  const m = a.matrix;
  const t = a.ports;
  const B = m.size;
  const X = m.blocks.length;
  const base = m.ingressBase;
  const { rows, blockRows } = sparseRows(a);
  const at = (r: SparseRow, d: number): number => {
    const k = indexOfSorted(r.cols, d);
    return k >= 0 ? r.vals[k]! : r.fromBase ? base[d]! : NONE_ID;
  };

  // Cluster parts: by draft segment and behaviour set; split into single workloads when not fully open inside.
  const atoms = new Map<string, { draft: number; behaviours: number[]; workloads: Workload[] }>();
  for (const { workload, draft } of workloads) {
    const behaviours = [...new Set(a.classesOf(workload.id).map((c) => m.behaviourOf[c]!))].sort((x, y) => x - y);
    const key = `${draft}|${behaviours.join(',')}`;
    let atom = atoms.get(key);
    if (!atom) atoms.set(key, (atom = { draft, behaviours, workloads: [] }));
    atom.workloads.push(workload);
  }
  const cluster: ClusterPart[] = [];
  for (const atom of atoms.values()) {
    let inside = ALL_ID;
    if (atom.workloads.length > 1) {
      inside = NONE_ID;
      for (const b of atom.behaviours) for (const d of atom.behaviours) inside = t.union(inside, at(rows[b]!, d));
    }
    if (inside === ALL_ID) cluster.push({ draft: atom.draft, workloads: atom.workloads, behaviours: atom.behaviours, twin: false });
    else for (const w of atom.workloads) cluster.push({ draft: atom.draft, workloads: [w], behaviours: atom.behaviours, twin: true });
  }

  // External parts: blocks with the same connections to and from every behaviour. To them: the interned
  // block rows; from them: each block's column over the behaviours, hashed, then compared in full.
  const external: Array<{ blocks: number[]; column: Uint32Array }> = [];
  const byHash = new Map<string, number[]>();
  const column = new Uint32Array(B);
  for (let x = 0; x < X; x++) {
    m.blockRowInto(x, column);
    let h = 0x811c9dc5;
    for (let d = 0; d < B; d++) h = Math.imul(h ^ column[d]!, 0x01000193);
    let h2 = 0x811c9dc5;
    for (const r of blockRows) h2 = Math.imul(h2 ^ r[x]!, 0x01000193);
    const key = `${h}|${h2}`;
    let bucket = byHash.get(key);
    if (!bucket) byHash.set(key, (bucket = []));
    const hit = bucket.find((k) => sameArray(external[k]!.column, column) && blockRows.every((r) => r[x] === r[external[k]!.blocks[0]!]));
    if (hit !== undefined) external[hit]!.blocks.push(x);
    else {
      bucket.push(external.length);
      external.push({ blocks: [x], column: column.slice() });
    }
  }
  const K = external.length;
  const rep = external.map((e) => e.blocks[0]!);

  // Edges. Parts holding each behaviour, so a row is read only where it is open.
  const partsOf: number[][] = Array.from({ length: B }, () => []);
  cluster.forEach((p, i) => {
    for (const b of p.behaviours) partsOf[b]!.push(i);
  });
  const baseOpen: number[] = [];
  for (let d = 0; d < B; d++) if (base[d] !== NONE_ID) baseOpen.push(d);
  const C = cluster.length;
  const edges = new EdgeBuffer();
  const acc = new Uint32Array(C);
  const hit = new Uint8Array(C);
  const reached: number[] = [];
  const add = (d: number, v: number): void => {
    if (v === NONE_ID) return;
    for (const j of partsOf[d]!) {
      if (!hit[j]) ((hit[j] = 1), reached.push(j), (acc[j] = v));
      else acc[j] = t.union(acc[j]!, v);
    }
  };
  const listed = new Uint8Array(B);
  // Per interned block row: the outside parts it reaches and on what (most behaviours share a few rows).
  const extOf = blockRows.map((br) => {
    const ks: number[] = [];
    const vs: number[] = [];
    for (let k = 0; k < K; k++) if (br[rep[k]!] !== NONE_ID) (ks.push(k), vs.push(br[rep[k]!]!));
    return { ks, vs };
  });
  const toExt = new Uint32Array(K);
  const extHit = new Uint8Array(K);
  const extReached: number[] = [];
  cluster.forEach((p, i) => {
    for (const b of p.behaviours) {
      const r = rows[b]!;
      if (r.fromBase) {
        for (const d of r.cols) listed[d] = 1;
        for (const d of baseOpen) if (!listed[d]) add(d, base[d]!);
        for (const d of r.cols) listed[d] = 0;
      }
      for (let k = 0; k < r.cols.length; k++) add(r.cols[k]!, r.vals[k]!);
      const { ks, vs } = extOf[r.blocks]!;
      for (let n = 0; n < ks.length; n++) {
        const k = ks[n]!;
        if (!extHit[k]) ((extHit[k] = 1), extReached.push(k), (toExt[k] = vs[n]!));
        else toExt[k] = t.union(toExt[k]!, vs[n]!);
      }
    }
    reached.sort((x, y) => x - y);
    for (const j of reached) {
      if (j !== i || p.twin) edges.push(i, j, acc[j]!);
      hit[j] = 0;
    }
    reached.length = 0;
    extReached.sort((x, y) => x - y);
    for (const k of extReached) {
      edges.push(i, C + k, toExt[k]!);
      extHit[k] = 0;
    }
    extReached.length = 0;
  });
  // From outside: each part's column, read where it is open.
  external.forEach((e, k) => {
    for (let d = 0; d < B; d++) add(d, e.column[d]!);
    reached.sort((x, y) => x - y);
    for (const j of reached) {
      edges.push(C + k, j, acc[j]!);
      hit[j] = 0;
    }
    reached.length = 0;
  });
  return { cluster, external: external.map((e) => ({ blocks: e.blocks })), edges: edges.done() };
}

/** A growing list of edges in typed arrays (close to a million at 150,000 pods). */
export class EdgeBuffer {
  private n = 0;
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private ports = new Uint32Array(1024);

  /** Adds the edge from part `from` to part `to` on port id `port`. */
  push(from: number, to: number, port: number): void {
    if (this.n === this.from.length) {
      const grow = <T extends Int32Array | Uint32Array>(x: T): T => {
        const y = new (x.constructor as new (n: number) => T)(x.length * 2);
        y.set(x);
        return y;
      };
      this.from = grow(this.from);
      this.to = grow(this.to);
      this.ports = grow(this.ports);
    }
    this.from[this.n] = from;
    this.to[this.n] = to;
    this.ports[this.n++] = port;
  }

  /** The edges so far. */
  done(): PartEdges {
    return { length: this.n, from: this.from.subarray(0, this.n), to: this.to.subarray(0, this.n), ports: this.ports.subarray(0, this.n) };
  }
}
