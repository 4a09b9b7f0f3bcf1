/**
 * The lateral-movement graph. Pods of one behaviour (reach-matrix.ts: classes no policy tells apart) reach
 * exactly what the others reach and are reached alike, so the graph's nodes are behaviours, split where
 * --exclude leaves some of a behaviour's classes out as pivots; an edge u -> v when the engine allows some
 * port from u to v. Successors come from the matrix's sparse rows (the shared ingress base, changed where
 * a rule touches), so building the graph costs the rows, not one engine query per class pair.
 * The searches (hop-limited breadth first, components, closure) take any `Digraph`, so the AWS blast runs
 * them on its endpoint classes too.
 */
import type { Analysis, Target } from '../../engine/index.js';
import { NONE_ID } from '../../engine/port-table.js';
import { BitSet } from '../../model/bitset.js';
import { PortSet } from '../../model/port-set.js';

/** A directed graph on nodes 0..n-1: all the searches below need. */
export interface Digraph {
  /** Number of nodes. */
  readonly n: number;
  /** Successors of each node, increasing. */
  readonly succ: readonly Int32Array[];
}

export interface ClassGraph extends Digraph {
  /** The node of each pod class. */
  readonly nodeOf: Int32Array;
  /** The classes of each node, increasing (empty for a behaviour whose classes are all in its excluded node). */
  readonly members: readonly Int32Array[];
  /** True for a node of excluded classes: it is reached but leads nowhere. */
  dead(v: number): boolean;
  /** The ports allowed on an edge (memoized; computed by the engine), the node rule included. */
  ports(from: number, to: number): PortSet;
  /** True when the edge exists only if the (hostNetwork) source runs on the destination's node, which is not known. */
  sameNodeOnly(from: number, to: number): boolean;
}

function classTarget(i: number): Target {
  return { kind: 'class', index: i };
}

/** Successor behaviours of every behaviour, increasing, from the matrix rows (the node rule for hostNetwork sources). */
function behaviourSuccessors(a: Analysis, portsOfBeh: (s: number, d: number) => PortSet): Int32Array[] {
  const m = a.matrix;
  const B = m.size;
  const base = m.ingressBase;
  const baseNZ: number[] = [];
  for (let d = 0; d < B; d++) if (base[d] !== NONE_ID) baseNZ.push(d);
  const row = new Uint32Array(B + m.blocks.length);
  const mark = new Uint8Array(B);
  const buf = new Int32Array(B);
  const out: Int32Array[] = [];
  // Rows equal to the base row but nowhere touched share one array.
  let plainBase: Int32Array | undefined;
  for (let s = 0; s < B; s++) {
    const rep = m.repClass[s]!;
    if (a.layer.classes[rep]!.hostNetwork) {
      let k = 0;
      for (let d = 0; d < B; d++) if (!portsOfBeh(s, d).isEmpty()) buf[k++] = d;
      out.push(buf.slice(0, k));
      continue;
    }
    const { fromBase, touched } = m.rowInto(s, row);
    const tl = touched.filter((d) => d < B).sort((x, y) => x - y);
    let k = 0;
    if (!fromBase) {
      for (const d of tl) if (row[d] !== NONE_ID) buf[k++] = d;
      out.push(buf.slice(0, k));
      continue;
    }
    if (tl.length === 0) {
      out.push((plainBase ??= Int32Array.from(baseNZ)));
      continue;
    }
    for (const d of tl) mark[d] = 1;
    // Merge the base's columns (but the touched ones) with the touched columns that allow something.
    let j = 0;
    for (const d of baseNZ) {
      while (j < tl.length && tl[j]! < d) {
        if (row[tl[j]!] !== NONE_ID) buf[k++] = tl[j]!;
        j++;
      }
      if (!mark[d]) buf[k++] = d;
    }
    for (; j < tl.length; j++) if (row[tl[j]!] !== NONE_ID) buf[k++] = tl[j]!;
    for (const d of tl) mark[d] = 0;
    out.push(buf.slice(0, k));
  }
  return out;
}

/**
 * Builds the graph once from the engine's verdicts. `dead` marks excluded classes: they get nodes of their
 * own (per behaviour) without successors.
 */
export function buildClassGraph(a: Analysis, dead?: (c: number) => boolean): ClassGraph {
  const m = a.matrix;
  const B = m.size;
  const classes = a.layer.classes;
  const nodeOf = new Int32Array(classes.length);
  const deadIndex = new Int32Array(B).fill(-1);
  let deadCount = 0;
  const memberLists: number[][] = Array.from({ length: B }, () => []);
  for (let c = 0; c < classes.length; c++) {
    const b = m.behaviourOf[c]!;
    if (dead?.(c)) {
      if (deadIndex[b] === -1) deadIndex[b] = deadCount++;
      nodeOf[c] = B + deadIndex[b]!;
    } else nodeOf[c] = b;
  }
  const n = B + deadCount;
  for (let c = 0; c < classes.length; c++) (memberLists[nodeOf[c]!] ??= []).push(c);
  const members = memberLists.map((l) => Int32Array.from(l ?? []));

  // Pods of one behaviour share their node (behaviours keep nodes apart), so one pod pair speaks for it.
  const nodeRel = (i: number, j: number) => (classes[i]!.hostNetwork ? a.podNodeRelation(classes[i]!.pods[0]!.id, classes[j]!.pods[0]!.id) : undefined);
  const memo = new Map<number, { p: PortSet; conditional: boolean }>();
  const classPorts = (i: number, j: number): { p: PortSet; conditional: boolean } => {
    const k = i * classes.length + j;
    let r = memo.get(k);
    if (!r) {
      let p = a.allowed(classTarget(i), classTarget(j));
      const rel = p.isAll() ? undefined : nodeRel(i, j);
      // The node rule opens every port, for certain or (an attacker may well be on that node) possibly.
      if (rel === 'same-node' || rel === 'possibly-same-node') p = PortSet.ALL;
      r = { p, conditional: rel === 'possibly-same-node' };
      // Only hop ports are memoized: a few per path, not one per pair.
      if (memo.size < 100_000) memo.set(k, r);
    }
    return r;
  };
  const behSucc = behaviourSuccessors(a, (s, d) => classPorts(m.repClass[s]!, m.repClass[d]!).p);
  const empty = new Int32Array(0);
  const succ: Int32Array[] = [];
  for (let v = 0; v < n; v++) {
    if (v >= B || members[v]!.length === 0) {
      succ.push(empty);
      continue;
    }
    const bs = behSucc[v]!;
    if (deadCount === 0) {
      succ.push(bs);
      continue;
    }
    // Live nodes are the behaviours' own ids (< B), excluded ones come after: listing live then excluded stays increasing.
    const live: number[] = [];
    const off: number[] = [];
    for (const d of bs) {
      if (members[d]!.length > 0) live.push(d);
      if (deadIndex[d] !== -1) off.push(B + deadIndex[d]!);
    }
    succ.push(Int32Array.from([...live, ...off]));
  }
  const rep = (v: number): number => members[v]![0]!;
  return {
    n,
    nodeOf,
    members,
    succ,
    dead: (v) => v >= B,
    ports: (u, v) => classPorts(rep(u), rep(v)).p,
    sameNodeOnly: (u, v) => classPorts(rep(u), rep(v)).conditional,
  };
}

/** Strongly connected components (iterative Tarjan), emitted sinks first. */
export function stronglyConnected(g: Digraph): { comp: Int32Array; members: number[][] } {
  const n = g.n;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const members: number[][] = [];
  let next = 0;
  const callStack: Array<[number, number]> = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    callStack.push([root, 0]);
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (callStack.length > 0) {
      const frame = callStack[callStack.length - 1]!;
      const v = frame[0];
      const out = g.succ[v]!;
      if (frame[1] < out.length) {
        const w = out[frame[1]++]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          callStack.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      callStack.pop();
      if (callStack.length > 0) {
        const u = callStack[callStack.length - 1]![0];
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const c = members.length;
        const m: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = c;
          m.push(w);
        } while (w !== v);
        members.push(m.sort((x, y) => x - y));
      }
    }
  }
  return { comp, members };
}

/**
 * Transitive closure: for each node, the nodes reachable in one or more hops (itself only when it lies on
 * a cycle or has a self edge), and with `outside` (per node, the outside blocks it opens; undefined for
 * none), the union of `outside` over those nodes. Computed once per strongly connected component, sinks
 * first; nodes of one component share their sets.
 */
export function closureWithOutside(g: Digraph, outside?: { readonly of: (v: number) => BitSet | undefined; readonly width: number }): { reach: BitSet[]; outside: BitSet[] } {
  const { comp, members } = stronglyConnected(g);
  const reach: BitSet[] = new Array<BitSet>(members.length);
  const ext: BitSet[] = new Array<BitSet>(members.length);
  const none = new BitSet(outside?.width ?? 0);
  for (let c = 0; c < members.length; c++) {
    const r = new BitSet(g.n);
    const e = outside ? new BitSet(outside.width) : none;
    const ms = members[c]!;
    let cyclic = ms.length > 1;
    for (const v of ms) {
      for (const w of g.succ[v]!) {
        const d = comp[w]!;
        if (d === c) {
          cyclic = true;
          continue;
        }
        // Components are emitted sinks first, so every successor component is already done. A node already
        // in r came with everything it reaches, and with what those open outside.
        if (!r.has(w)) {
          r.add(w);
          r.orWith(reach[d]!);
          if (outside) {
            const o = outside.of(w);
            if (o) e.orWith(o);
            e.orWith(ext[d]!);
          }
        }
      }
    }
    if (cyclic) {
      for (const v of ms) {
        r.add(v);
        const o = outside?.of(v);
        if (o) e.orWith(o);
      }
    }
    reach[c] = r;
    ext[c] = e;
  }
  return { reach: Array.from({ length: g.n }, (_, v) => reach[comp[v]!]!), outside: Array.from({ length: g.n }, (_, v) => ext[comp[v]!]!) };
}

/** Transitive closure: for each node, the nodes reachable in one or more hops (see closureWithOutside). */
export function transitiveClosure(g: Digraph): BitSet[] {
  return closureWithOutside(g).reach;
}

/** Where a hop-limited search got to, per node. */
export interface HopSearch {
  /** Hops after which the attacker holds each node (0 for the start), -1 if never. */
  readonly held: Int32Array;
  /** Hop at which each node is reached by an edge, -1 if never. */
  readonly reach: Int32Array;
  /** Predecessor of each reached node, or the `parent` code its seed gave (negative: a start outside the graph). */
  readonly parent: Int32Array;
}

/**
 * Breadth-first search from held nodes (hop 0) and seeded nodes (reached at hop 1 from a start outside the
 * graph, such as an address), moving on from every node reached, at most `hops` hops deep.
 */
export function hopSearch(g: Digraph, start: Iterable<number>, seeds: Iterable<{ readonly node: number; readonly parent: number }>, hops: number | undefined): HopSearch {
  const held = new Int32Array(g.n).fill(-1);
  const reach = new Int32Array(g.n).fill(-1);
  const parent = new Int32Array(g.n).fill(-1);
  const queue: number[] = [];
  for (const c of start) {
    if (held[c] === 0) continue;
    held[c] = 0;
    queue.push(c);
  }
  if (hops === undefined || hops >= 1) {
    for (const s of seeds) {
      if (reach[s.node] !== -1) continue;
      reach[s.node] = 1;
      parent[s.node] = s.parent;
      if (held[s.node] === -1) {
        held[s.node] = 1;
        queue.push(s.node);
      }
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi]!;
    const h = held[v]!;
    if (hops !== undefined && h >= hops) continue;
    for (const w of g.succ[v]!) {
      if (reach[w] !== -1) continue;
      reach[w] = h + 1;
      parent[w] = v;
      if (held[w] === -1) {
        held[w] = h + 1;
        queue.push(w);
      }
    }
  }
  return { held, reach, parent };
}
