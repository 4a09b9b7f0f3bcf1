/**
 * Segment health: per segment, how many workloads outside it its members reach and are reached by, and
 * which home segments. Reachability between groups is read from the model's successor lists once, into
 * compressed adjacency lists (offsets and one typed array per direction): an init intent of a 150k-pod
 * cluster has 30,000 groups and a million reaching pairs, and a list per group was most of the garbage.
 */
import type { DriftModel, EndLike, ModelGroup, SegmentHealth, TrafficLike } from './drift.js';
import type { Intent } from './types.js';
import { lex } from '../../util/compare.js';

/** Group i reaches to[at[i]] .. to[at[i + 1] - 1] (group indexes, in the order they were met). */
export interface Adjacency {
  readonly at: Int32Array;
  readonly to: Int32Array;
}

/** Who reaches whom: each group's successors with some connection, but itself and outside to outside. */
export function reachLists<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>): Adjacency {
  const G = m.groups.length;
  let total = 0;
  for (const g of m.groups) total += m.successors(g).length;
  const at = new Int32Array(G + 1);
  const to = new Int32Array(total);
  let n = 0;
  for (const g1 of m.groups) {
    at[g1.index] = n;
    const succ = m.successors(g1);
    const sc = m.successorConns?.(g1);
    for (let k = 0; k < succ.length; k++) {
      const g2 = succ[k]!;
      if (g1 === g2 || (g1.external && g2.external)) continue;
      if (!(sc ? sc[k]! : m.conns(g1, g2)).isEmpty()) to[n++] = g2.index;
    }
  }
  at[G] = n;
  return { at, to: to.subarray(0, n) };
}

/** The same pairs the other way: who is reached by whom, sources in group order (a counting sort). */
export function reversed({ at, to }: Adjacency): Adjacency {
  const G = at.length - 1;
  const rat = new Int32Array(G + 1);
  for (let j = 0; j < to.length; j++) rat[to[j]! + 1]!++;
  for (let i = 0; i < G; i++) rat[i + 1]! += rat[i]!;
  const next = rat.slice(0, G);
  const rto = new Int32Array(to.length);
  for (let i = 0; i < G; i++) for (let j = at[i]!, end = at[i + 1]!; j < end; j++) rto[next[to[j]!]!++] = i;
  return { at: rat, to: rto };
}

/** Health of each judged segment with cluster members, in declaration order. */
export function health<E extends EndLike, T extends TrafficLike<T>>(m: DriftModel<E, T>, intent: Intent, judged: (segment: string) => boolean): SegmentHealth[] {
  const out = reachLists(m);
  const inn = reversed(out);
  const cluster = m.groups.filter((g) => !g.external);
  // Workloads and home segments by number, marks by stamp: per segment the work is its reached groups, not
  // every workload or a set of strings (an init intent of a 100k-pod cluster has 20,000 segments).
  const wIndex = new Map<string, number>();
  const idsOf: Int32Array[] = m.groups.map((g) => {
    if (g.external) return new Int32Array(0);
    const ids = new Set<number>();
    for (const e of g.ends) {
      let w = wIndex.get(e.id);
      if (w === undefined) wIndex.set(e.id, (w = wIndex.size));
      ids.add(w);
    }
    return Int32Array.from(ids);
  });
  const homeNames = [...new Set(m.groups.map((g) => g.home).filter((x): x is string => x !== undefined))].sort(lex);
  const homeRank = new Map(homeNames.map((x, i) => [x, i]));
  const homeIdx = m.groups.map((g) => (g.home === undefined ? -1 : homeRank.get(g.home)!));
  const member = new Int32Array(wIndex.size).fill(-1);
  const seenW = new Int32Array(wIndex.size).fill(-1);
  const seenSeg = new Int32Array(homeNames.length).fill(-1);
  const segs = new Int32Array(homeNames.length);
  const seenG = new Int32Array(m.groups.length).fill(-1);
  let stamp = 0;
  const result: SegmentHealth[] = [];
  const clusterBySegment = new Map<string, ModelGroup<E>[]>();
  for (const g of cluster) {
    for (const s of g.segments) {
      let l = clusterBySegment.get(s);
      if (!l) clusterBySegment.set(s, (l = []));
      l.push(g);
    }
  }
  intent.segments.forEach((seg, si) => {
    if (!judged(seg.name)) return;
    const mine = clusterBySegment.get(seg.name) ?? [];
    if (mine.length === 0) return;
    let members = 0;
    for (const g of mine) {
      for (const w of idsOf[g.index]!) {
        if (member[w] !== si) {
          member[w] = si;
          members++;
        }
      }
    }
    const others = wIndex.size - members;
    const own = homeRank.get(seg.name) ?? -1;
    const count = ({ at, to }: Adjacency): { n: number; segs: string[]; outside: boolean } => {
      const cur = ++stamp;
      let count = 0;
      let nSegs = 0;
      let outside = false;
      for (const mg of mine) for (let j = at[mg.index]!, end = at[mg.index + 1]!; j < end; j++) {
        const i = to[j]!;
        if (seenG[i] === cur) continue;
        seenG[i] = cur;
        const g = m.groups[i]!;
        let outsider = false;
        if (g.external) {
          outside = true;
          outsider = g.ends.length > 0;
        } else {
          for (const w of idsOf[i]!) {
            if (member[w] === si) continue;
            outsider = true;
            if (seenW[w] !== cur) {
              seenW[w] = cur;
              count++;
            }
          }
        }
        const h = homeIdx[i]!;
        if (outsider && h >= 0 && h !== own && seenSeg[h] !== cur) {
          seenSeg[h] = cur;
          segs[nSegs++] = h;
        }
      }
      // Ranks gathered in a scratch typed array and sorted as numbers there (no comparator calls, no iterator):
      // a segment reached by every other has 30,000, and the names are the only array made.
      const ranks = segs.subarray(0, nSegs).sort();
      const names = new Array<string>(nSegs);
      for (let k = 0; k < nSegs; k++) names[k] = homeNames[ranks[k]!]!;
      return { n: count, segs: names, outside };
    };
    const r = count(out);
    const b = count(inn);
    const share = others === 0 ? 0 : r.n / others;
    result.push({
      segment: seg,
      members,
      others,
      reaches: r.n,
      share,
      reachedBy: b.n,
      reachesSegments: r.segs,
      reachedBySegments: b.segs,
      reachesOutside: r.outside,
      reachedFromOutside: b.outside,
      flat: others >= 3 && share >= intent.settings.flatThreshold,
    });
  });
  return result;
}
