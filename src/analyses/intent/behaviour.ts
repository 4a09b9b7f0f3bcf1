/**
 * The engine's behaviour classes seen from the intent analyses: pod classes that every rule treats alike
 * share connections to and from everything, so drift and health compute once per behaviour, reading the
 * engine's reachability matrix (ReachMatrix) and skipping the pairs it says are closed.
 */
import type { Analysis, Target } from '../../engine/index.js';
import { PortSet } from '../../model/port-set.js';

export interface Behaviours {
  /** Behaviour of each pod class. */
  readonly of: Int32Array;
  /** Connections between two behaviours. */
  conns(b1: number, b2: number): PortSet;
  /** Behaviours that `b` has some connection to, sorted. */
  candidates(b: number): readonly number[];
  /** conns(b, d) for each d of candidates(b), in its order (read from the row candidates were found in, not cell by cell). */
  candidateConns(b: number): readonly PortSet[];
  /** Outside blocks (indexes into analysis.externals()) that `b` has some connection to, ascending. */
  blocksFrom(b: number): readonly number[];
  /** toAddress(b, _, x) for each x of blocksFrom(b), in its order. */
  blocksFromConns(b: number): readonly PortSet[];
  /** Behaviours that outside block number `block` has some connection to, ascending. */
  blockTargets(block: number): readonly number[];
  /** fromAddress(_, d, block) for each d of blockTargets(block), in its order. */
  blockTargetConns(block: number): readonly PortSet[];
  /** Connections from a behaviour to outside block number `block` (an index into analysis.externals()). */
  toAddress(b: number, t: Target & { kind: 'address' }, block: number): PortSet;
  /** Connections from outside block number `block` to a behaviour. */
  fromAddress(t: Target & { kind: 'address' }, b: number, block: number): PortSet;
}

const cache = new WeakMap<Analysis, Behaviours>();

/**
 * The node rule, which the matrix leaves out, between two behaviours: behaviours keep nodes apart, so one pod
 * pair speaks for two. A hostNetwork source possibly on the destination's node counts as open, as in blast.
 */
export function nodeRuleOpen(a: Analysis): (b1: number, b2: number) => boolean {
  const m = a.matrix;
  const classes = a.layer.classes;
  return (b1, b2) => {
    const s = classes[m.repClass[b1]!]!;
    if (!s.hostNetwork) return false;
    const rel = a.podNodeRelation(s.pods[0]!.id, classes[m.repClass[b2]!]!.pods[0]!.id);
    return rel === 'same-node' || rel === 'possibly-same-node';
  };
}

/** The behaviour view of an analysis (computed once per analysis). */
export function behaviours(a: Analysis): Behaviours {
  const hit = cache.get(a);
  if (hit) return hit;
  const m = a.matrix;
  const B = m.size;
  const X = m.blocks.length;
  const cand: (number[] | undefined)[] = new Array(B);
  const candConns: PortSet[][] = new Array(B);
  const fromB: (number[] | undefined)[] = new Array(B);
  const fromBConns: PortSet[][] = new Array(B);
  const toB: (number[] | undefined)[] = new Array(X);
  const toBConns: PortSet[][] = new Array(X);
  const row = new Uint32Array(B + X);
  const nodeOpen = nodeRuleOpen(a);
  const classes = a.layer.classes;
  let inBase: Uint8Array | undefined;
  const seen = new Uint8Array(B);
  const idAt = new Uint32Array(B);
  const byProfile = new Map<number, { l: number[]; cs: PortSet[] }>();
  /** The k below n with a port id other than NONE, and their connections. */
  const open = (n: number, idOf: (k: number) => number): { l: number[]; cs: PortSet[] } => {
    const l: number[] = [];
    const cs: PortSet[] = [];
    for (let k = 0; k < n; k++) {
      const id = idOf(k);
      if (id === 0) continue;
      l.push(k);
      cs.push(a.ports.get(id));
    }
    return { l, cs };
  };
  const result: Behaviours = {
    of: m.behaviourOf,
    conns: (b1, b2) => (nodeOpen(b1, b2) ? PortSet.ALL : a.ports.get(m.cell(b1, b2))),
    candidates(b) {
      let l = cand[b];
      if (!l) {
        l = [];
        const host = classes[m.repClass[b]!]!.hostNetwork;
        // Port ids of the candidates, in l's order until the sort below.
        const ids: number[] = [];
        if (host) {
          // The node rule may open any destination: every column is looked at.
          m.rowInto(b, row);
          for (let d = 0; d < B; d++) if (row[d] !== 0 || nodeOpen(b, d)) l.push(d);
          for (const d of l) ids.push(row[d]!);
        } else {
          // The row is its default (NONE, or the ingress base) but for the touched columns: only those and the
          // base's own are read, so a row costs its rules, not the number of behaviours; the row itself is
          // written at the touched columns only (filling 30,000 columns per row cost more than the rules).
          const { fromBase, touched } = m.touchedInto(b, row);
          for (const d of touched) if (d < B) seen[d] = 1;
          if (fromBase) {
            const base = m.baseTargets();
            const baseIds = m.ingressBase;
            if (!inBase) {
              inBase = new Uint8Array(B);
              for (const d of base) inBase[d] = 1;
            }
            for (const d of base) {
              const id = seen[d] ? row[d]! : baseIds[d]!;
              if (id !== 0) {
                l.push(d);
                ids.push(id);
              }
            }
          }
          for (const d of touched) {
            if (d >= B || !seen[d]) continue;
            // Each touched column once (seen cleared as it is taken); a base column was read above.
            seen[d] = 0;
            if (row[d] === 0 || (fromBase && inBase![d])) continue;
            l.push(d);
            ids.push(row[d]!);
          }
          // Sorted as numbers in a typed array, the ids following by column (the base's and the touched interleave).
          const sorted = new Int32Array(l.length);
          for (let k = 0; k < l.length; k++) {
            idAt[l[k]!] = ids[k]!;
            sorted[k] = l[k]!;
          }
          sorted.sort();
          for (let k = 0; k < l.length; k++) {
            l[k] = sorted[k]!;
            ids[k] = idAt[l[k]!]!;
          }
        }
        // The row is at hand: each candidate's connections are kept, so the judging reads no cell again.
        const cs = new Array<PortSet>(l.length);
        for (let k = 0; k < l.length; k++) {
          const d = l[k]!;
          cs[k] = host && nodeOpen(b, d) ? PortSet.ALL : a.ports.get(ids[k]!);
        }
        cand[b] = l;
        candConns[b] = cs;
      }
      return l;
    },
    candidateConns(b) {
      if (!candConns[b]) result.candidates(b);
      return candConns[b]!;
    },
    blocksFrom(b) {
      let l = fromB[b];
      if (!l) {
        // Behaviours of one egress block profile reach every block alike: their lists are made once and shared.
        const profile = m.blockProfile('egress', b);
        const shared = profile === undefined ? undefined : byProfile.get(profile);
        if (shared) {
          l = shared.l;
          fromBConns[b] = shared.cs;
        } else {
          const made = open(X, (x) => m.toBlock(b, x));
          l = made.l;
          fromBConns[b] = made.cs;
          if (profile !== undefined) byProfile.set(profile, made);
        }
        fromB[b] = l;
      }
      return l;
    },
    blocksFromConns(b) {
      if (!fromBConns[b]) result.blocksFrom(b);
      return fromBConns[b]!;
    },
    blockTargets(x) {
      let l = toB[x];
      if (!l) {
        const made = open(B, (d) => m.fromBlock(x, d));
        l = made.l;
        toB[x] = l;
        toBConns[x] = made.cs;
      }
      return l;
    },
    blockTargetConns(x) {
      if (!toBConns[x]) result.blockTargets(x);
      return toBConns[x]!;
    },
    toAddress: (b, _t, block) => a.ports.get(m.toBlock(b, block)),
    fromAddress: (_t, b, block) => a.ports.get(m.fromBlock(block, b)),
  };
  cache.set(a, result);
  return result;
}
