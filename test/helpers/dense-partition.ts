/**
 * The slow reference for src/analyses/intent/init-partition.ts: exactPartition as first written, on dense
 * rows (every part's row over every behaviour and block, every cell read), kept so the property test can
 * check that the sparse version computes the same parts and edges.
 */
import type { Analysis } from '../../src/engine/index.js';
import { ALL_ID, NONE_ID } from '../../src/engine/index.js';
import { nodeRuleOpen } from '../../src/analyses/intent/behaviour.js';
import type { Workload } from '../../src/inventory/types.js';
import { EdgeBuffer, type ClusterPart, type ExternalPart, type Partition } from '../../src/analyses/intent/init-partition.js';

/** The reference: splits the workloads (each with its draft segment) and the outside blocks into exact parts, with the connections between parts. */
export function densePartition(a: Analysis, workloads: ReadonlyArray<{ workload: Workload; draft: number }>): Partition {
  const m = a.matrix;
  const t = a.ports;
  const B = m.size;
  const X = m.blocks.length;
  const buf = new Uint32Array(B + X);
  const nodeOpen = nodeRuleOpen(a);

  // The row (to every behaviour, then every block) of a behaviour set: the union of its behaviours' rows.
  // Only the last one is kept (twins, which share it, come one after another): rows are never all in memory.
  let last: { set: readonly number[]; row: Uint32Array } | undefined;
  const rowOf = (set: readonly number[]): Uint32Array => {
    if (last?.set === set) return last.row;
    const row = new Uint32Array(B + X);
    for (const b of set) {
      m.rowInto(b, buf);
      if (a.layer.classes[m.repClass[b]!]!.hostNetwork) for (let d = 0; d < B; d++) if (nodeOpen(b, d)) buf[d] = ALL_ID;
      for (let i = 0; i < row.length; i++) row[i] = t.union(row[i]!, buf[i]!);
    }
    last = { set, row };
    return row;
  };
  const unionAt = (row: Uint32Array, set: readonly number[]): number => {
    let p = NONE_ID;
    for (const d of set) p = t.union(p, row[d]!);
    return p;
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
    const inside = atom.workloads.length > 1 ? unionAt(rowOf(atom.behaviours), atom.behaviours) : ALL_ID;
    if (inside === ALL_ID) cluster.push({ draft: atom.draft, workloads: atom.workloads, behaviours: atom.behaviours, twin: false });
    else for (const w of atom.workloads) cluster.push({ draft: atom.draft, workloads: [w], behaviours: atom.behaviours, twin: true });
  }

  // External parts: blocks with the same connections to and from every behaviour.
  const byVector = new Map<string, number[]>();
  for (let x = 0; x < X; x++) {
    const v: number[] = [];
    for (let b = 0; b < B; b++) v.push(m.toBlock(b, x), m.fromBlock(x, b));
    const key = v.join(',');
    let l = byVector.get(key);
    if (!l) byVector.set(key, (l = []));
    l.push(x);
  }
  const external: ExternalPart[] = [...byVector.values()].map((blocks) => ({ blocks }));

  // Edges. Parts holding each behaviour, so a row is read only where it is open.
  const partsOf: number[][] = Array.from({ length: B }, () => []);
  cluster.forEach((p, i) => {
    for (const b of p.behaviours) partsOf[b]!.push(i);
  });
  const C = cluster.length;
  const edges = new EdgeBuffer();
  const acc = new Map<number, number>();
  cluster.forEach((p, i) => {
    const row = rowOf(p.behaviours);
    acc.clear();
    for (let d = 0; d < B; d++) {
      const v = row[d]!;
      if (v === NONE_ID) continue;
      for (const j of partsOf[d]!) acc.set(j, t.union(acc.get(j) ?? NONE_ID, v));
    }
    for (const [j, v] of [...acc].sort((x, y) => x[0] - y[0])) if (j !== i || p.twin) edges.push(i, j, v);
    external.forEach((e, k) => {
      const v = row[B + e.blocks[0]!]!;
      if (v !== NONE_ID) edges.push(i, C + k, v);
    });
  });
  external.forEach((e, k) => {
    const x = e.blocks[0]!;
    cluster.forEach((p, j) => {
      let v = NONE_ID;
      for (const b of p.behaviours) v = t.union(v, m.fromBlock(x, b));
      if (v !== NONE_ID) edges.push(C + k, j, v);
    });
  });
  return { cluster, external, edges: edges.done() };
}
