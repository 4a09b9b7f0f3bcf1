/**
 * The lateral-movement graph on pod classes: an edge c -> d when the engine allows some port from class c
 * to class d. Pods of one class behave alike, so an attacker holding a pod of a class reaches what every pod
 * of it reaches; computing on classes keeps 10,000-pod clusters cheap. The searches (hop-limited breadth
 * first, components, closure) take any `Digraph`, so the AWS blast runs them on its endpoint classes too.
 */
import type { Analysis, Target } from '../../engine/index.js';
import { BitSet } from '../../model/bitset.js';
import { PortSet } from '../../model/port-set.js';

/** A directed graph on nodes 0..n-1: all the searches below need. */
export interface Digraph {
  /** Number of classes (nodes). */
  readonly n: number;
  /** Successors of each class, increasing. */
  readonly succ: readonly Int32Array[];
}

export interface ClassGraph extends Digraph {
  /** The ports allowed on an edge (memoized; computed by the engine), the node rule included. */
  ports(from: number, to: number): PortSet;
  /** True when the edge exists only if the (hostNetwork) source runs on the destination's node, which is not known. */
  sameNodeOnly(from: number, to: number): boolean;
}

function classTarget(i: number): Target {
  return { kind: 'class', index: i };
}

/**
 * Candidate peers of each class for one direction: every class when no policy isolates it, otherwise the
 * classes some rule's peers match. A superset of the real edges (ports are checked afterwards), so the exact
 * engine query runs once per real edge instead of once per class pair.
 */
function candidates(a: Analysis, direction: 'ingress' | 'egress'): BitSet[] {
  const layer = a.layer;
  const n = layer.classes.length;
  const full = BitSet.full(n);
  return layer.classes.map((c, i) => {
    // Admin and baseline tiers may accept any peer: their classes are candidates of everyone.
    if (a.tiers?.touches(direction, i) || c.hostNetwork || layer.selecting[direction][i]!.length === 0) return full;
    const s = new BitSet(n);
    for (const r of layer.classRules[direction][i]!) {
      if (r.allPeers) return full;
      s.orWith(r.peerClasses);
    }
    return s;
  });
}

/** Builds the class graph once from the engine's verdicts. */
export function buildClassGraph(a: Analysis): ClassGraph {
  const n = a.layer.classes.length;
  const egress = candidates(a, 'egress');
  const ingress = candidates(a, 'ingress');
  const memo = new Map<number, PortSet>();
  const classes = a.layer.classes;
  // Classes keep pods of different nodes apart, so one pod pair speaks for the class pair.
  const nodeRel = (i: number, j: number) => (classes[i]!.hostNetwork ? a.podNodeRelation(classes[i]!.pods[0]!.id, classes[j]!.pods[0]!.id) : undefined);
  const conditional = new Set<number>();
  const ports = (i: number, j: number): PortSet => {
    const k = i * n + j;
    let p = memo.get(k);
    if (!p) {
      p = a.allowed(classTarget(i), classTarget(j));
      const rel = p.isAll() ? undefined : nodeRel(i, j);
      // The node rule opens every port, for certain or (an attacker may well be on that node) possibly.
      if (rel === 'possibly-same-node') conditional.add(k);
      if (rel === 'same-node' || rel === 'possibly-same-node') p = PortSet.ALL;
      memo.set(k, p);
    }
    return p;
  };
  const sameNodeOnly = (i: number, j: number): boolean => {
    ports(i, j);
    return conditional.has(i * n + j);
  };
  // A class nothing restricts in a direction allows everything that way: no need to ask the engine.
  const open = (d: 'ingress' | 'egress', i: number): boolean => a.openSide(d, i);
  const succ: Int32Array[] = [];
  const buf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const egressOpen = open('egress', i);
    let m = 0;
    for (const j of egress[i]!) {
      if (!ingress[j]!.has(i) && !classes[i]!.hostNetwork) continue;
      if ((egressOpen && open('ingress', j)) || !ports(i, j).isEmpty()) buf[m++] = j;
    }
    succ.push(buf.slice(0, m));
  }
  return { n, succ, ports, sameNodeOnly };
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
 * Transitive closure: for each class, the classes reachable in one or more hops (itself only when it lies on
 * a cycle or has a self edge). Computed once per strongly connected component, sinks first.
 */
export function transitiveClosure(g: Digraph): BitSet[] {
  const { comp, members } = stronglyConnected(g);
  const reach: BitSet[] = new Array<BitSet>(members.length);
  for (let c = 0; c < members.length; c++) {
    const r = new BitSet(g.n);
    const ms = members[c]!;
    let cyclic = ms.length > 1;
    for (const v of ms) {
      for (const w of g.succ[v]!) {
        const d = comp[w]!;
        if (d === c) {
          cyclic = true;
          continue;
        }
        // Components are emitted sinks first, so every successor component is already done.
        if (!r.has(w)) {
          r.add(w);
          r.orWith(reach[d]!);
        }
      }
    }
    if (cyclic) for (const v of ms) r.add(v);
    reach[c] = r;
  }
  return Array.from({ length: g.n }, (_, v) => reach[comp[v]!]!);
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
