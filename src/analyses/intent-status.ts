/**
 * Each open pair's standing against the intent, for the map: forbidden by an invariant (`never`),
 * beyond the flows (`violation`), allowed by a flow between segments (`allowed`), or within a segment
 * (`internal`). Outside ends are the one internet node, as on the map.
 */
import type { DriftResult, PathEnd } from './intent/index.js';
import { pairsOf } from './intent/index.js';
import { INTERNET } from './map.js';

export type PairStatus = 'never' | 'violation' | 'allowed' | 'internal';

/** Worst first. */
export const STATUS_RANK: Record<PairStatus, number> = { never: 3, violation: 2, allowed: 1, internal: 0 };

export interface StatusEntry {
  readonly status: PairStatus;
  /** Why, in a few words: the invariant or the missing flow. */
  readonly why: string;
}

const nodeOf = (e: PathEnd): string => (e.kind === 'external' ? INTERNET : e.id);

/** Open pairs that break the intent, keyed `src>dst` by map node (worst status kept). */
export function intentPairStatus(d: DriftResult): Map<string, StatusEntry> {
  const out = new Map<string, StatusEntry>();
  const put = (s: PathEnd, t: PathEnd, e: StatusEntry): void => {
    const key = `${nodeOf(s)}>${nodeOf(t)}`;
    const old = out.get(key);
    if (!old || STATUS_RANK[e.status] > STATUS_RANK[old.status]) out.set(key, e);
  };
  for (const b of d.breaches) {
    const why = `the ${b.invariant.kind} invariant (${b.invariant.source.file}:${b.invariant.source.line}) forbids ${b.srcSegment} to ${b.dstSegment} on ${b.ports.toString()}`;
    for (const [s, t] of pairsOf(b)) put(s, t, { status: 'never', why });
  }
  for (const v of [...d.violations, ...d.overbroad]) {
    const why = v.intended.isEmpty() ? `no flow allows ${v.srcSegment} to ${v.dstSegment} (open: ${v.ports.toString()})` : `beyond the flow ${v.srcSegment} to ${v.dstSegment} (${v.intended.toString()}): ${v.ports.toString()} also open`;
    for (const [s, t] of pairsOf(v)) put(s, t, { status: 'violation', why });
  }
  return out;
}

/**
 * The status of each edge of a map: its pair's (or, folded, the worst of its pairs'), else `allowed`
 * between groups and `internal` within one. `groupOf` names an in-cluster node's group.
 */
export function edgeStatus(folded: boolean, statuses: ReadonlyMap<string, StatusEntry>, groupOf: (id: string) => string): (src: string, dst: string) => StatusEntry {
  const g = (id: string): string => (id === INTERNET ? INTERNET : `${groupOf(id)}/`);
  const byGroup = new Map<string, StatusEntry>();
  if (folded) {
    for (const [key, e] of statuses) {
      const [s, t] = key.split('>') as [string, string];
      const k = `${g(s)}>${g(t)}`;
      const old = byGroup.get(k);
      if (!old || STATUS_RANK[e.status] > STATUS_RANK[old.status]) byGroup.set(k, e);
    }
  }
  return (src, dst) => {
    const hit = folded ? byGroup.get(`${src}>${dst}`) : statuses.get(`${src}>${dst}`);
    if (hit) return hit;
    const same = folded ? src === dst : src !== INTERNET && dst !== INTERNET && groupOf(src) === groupOf(dst);
    return same ? { status: 'internal', why: 'within one segment' } : { status: 'allowed', why: 'a flow of the intent allows it' };
  };
}
