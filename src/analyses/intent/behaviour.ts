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
  const cand: (number[] | undefined)[] = new Array(B);
  const row = new Uint32Array(B + m.blocks.length);
  const nodeOpen = nodeRuleOpen(a);
  const result: Behaviours = {
    of: m.behaviourOf,
    conns: (b1, b2) => (nodeOpen(b1, b2) ? PortSet.ALL : a.ports.get(m.cell(b1, b2))),
    candidates(b) {
      let l = cand[b];
      if (!l) {
        m.rowInto(b, row);
        l = [];
        for (let d = 0; d < B; d++) if (row[d] !== 0 || nodeOpen(b, d)) l.push(d);
        cand[b] = l;
      }
      return l;
    },
    toAddress: (b, _t, block) => a.ports.get(m.toBlock(b, block)),
    fromAddress: (_t, b, block) => a.ports.get(m.fromBlock(block, b)),
  };
  cache.set(a, result);
  return result;
}
