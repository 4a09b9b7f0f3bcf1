/**
 * Numbered views of a model that the judging's loops read per pair of groups instead of strings: which
 * pairs of groups hold two distinct endpoints, and which flows allow a pair. An init intent of a 150k-pod
 * cluster has about a million group pairs to look at, so per pair there is no string look-up and nothing
 * allocated (drift.ts; test/intent-judge.property.test.ts holds the judging to a literal walk).
 */
import type { Flow, Intent } from './types.js';

/** What the tables need of a group (drift.ts's ModelGroup). */
interface GroupLike {
  readonly index: number;
  readonly segments: readonly string[];
  readonly segId: number;
  readonly ends: readonly { readonly id: string }[];
}

/**
 * `hasPair(g1, g2)`: does the pair of groups have at least one pair of distinct endpoints? A group may hold
 * one workload twice (two of its pod classes behave alike), so lengths alone do not tell. Each group's ends
 * are numbered once: its first end's number, and whether every end has it.
 */
export function pairTester(groups: readonly GroupLike[]): (g1: GroupLike, g2: GroupLike) => boolean {
  const ids = new Map<string, number>();
  const first = new Int32Array(groups.length).fill(-1);
  const uniform = new Uint8Array(groups.length);
  for (const g of groups) {
    if (g.ends.length === 0) continue;
    let f = -1;
    let same = 1;
    for (const e of g.ends) {
      let w = ids.get(e.id);
      if (w === undefined) ids.set(e.id, (w = ids.size));
      if (f < 0) f = w;
      else if (w !== f) same = 0;
    }
    first[g.index] = f;
    uniform[g.index] = same;
  }
  return (g1, g2) => {
    const x = first[g1.index]!;
    const y = first[g2.index]!;
    if (x < 0 || y < 0) return false;
    // Every destination is x: a pair needs a source that is not.
    if (uniform[g2.index] && y === x) return !uniform[g1.index];
    return true;
  };
}

/** What the flows allow from one segment list to another: the flows, in declaration order, and their traffic. */
export interface Allowed<T> {
  readonly flows: Flow[];
  readonly ports: T;
}

/**
 * The flows from a source segment list to a destination group, by numbers: `source(flows)` marks the flows
 * leaving the list being walked (in declaration order), then `allowed(g2)` finds those naming one of g2's
 * segments in `to` by the flows listed per destination segment (a handful), with their traffic united.
 * Results are shared: one per flow, and per destination segment list while a source is marked.
 */
export function flowTable<T extends { union(o: T): T }>(
  intent: Intent,
  groups: readonly GroupLike[],
  none: T,
  traffic: (f: Flow) => T,
): { source(flows: readonly Flow[]): void; allowed(g2: GroupLike): Allowed<T> } {
  const flows = intent.flows;
  const position = new Map<Flow, number>();
  flows.forEach((f, k) => position.set(f, k));
  // Flows (by position) naming each destination segment, each once, in declaration order.
  const named = new Map<string, number[]>();
  flows.forEach((f, k) => {
    for (const t of f.to) {
      let l = named.get(t);
      if (!l) named.set(t, (l = []));
      if (l[l.length - 1] !== k) l.push(k);
    }
  });
  // Per group: the lists of its segments some flow names (none for most of an outside block's).
  const toLists: (readonly number[])[][] = groups.map((g) => {
    const out: number[][] = [];
    for (const s of g.segments) {
      const l = named.get(s);
      if (l) out.push(l);
    }
    return out;
  });
  const mark = new Int32Array(flows.length).fill(-1);
  let stamp = -1;
  const nothing: Allowed<T> = { flows: [], ports: none };
  const single = new Array<Allowed<T> | undefined>(flows.length);
  let merged = new Map<number, Allowed<T>>();
  const hits: number[] = [];
  return {
    source(from) {
      stamp++;
      for (const f of from) mark[position.get(f)!] = stamp;
      if (merged.size > 0) merged = new Map();
    },
    allowed(g2) {
      let one = -1;
      let many = false;
      for (const l of toLists[g2.index]!) {
        for (let i = 0; i < l.length; i++) {
          const k = l[i]!;
          if (mark[k] !== stamp) continue;
          if (one < 0) one = k;
          else if (k !== one) many = true;
        }
      }
      if (one < 0) return nothing;
      if (!many) return (single[one] ??= { flows: [flows[one]!], ports: traffic(flows[one]!) });
      let r = merged.get(g2.segId);
      if (!r) {
        hits.length = 0;
        for (const l of toLists[g2.index]!) for (const k of l) if (mark[k] === stamp && !hits.includes(k)) hits.push(k);
        const fs = hits.map((k) => flows[k]!).sort((x, y) => x.index - y.index);
        merged.set(g2.segId, (r = { flows: fs, ports: fs.reduce((p, f) => p.union(traffic(f)), none) }));
      }
      return r;
    },
  };
}
