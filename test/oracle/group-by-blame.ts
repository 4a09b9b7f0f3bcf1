/**
 * The literal groupByBlame (src/checks/util.ts) before its fast paths: every pair of every bundle blamed
 * with blame() (until a rule is, then that rule for the rest of the bundle) and remembered in a set of
 * seen pairs. The property test holds the fast one to it: groups in order, counts, listed pairs, ends.
 */
import type { Analysis } from '../../src/engine/index.js';
import { WORLD, type PathBundle, type PathEnd } from '../../src/analyses/intent/index.js';
import { blame, EVIDENCE_LIMIT, type Blame, type BlamedPair, type BlameGroup } from '../../src/checks/util.js';
import type { PortSet } from '../../src/model/port-set.js';

function endKey(e: PathEnd): string {
  const seg = e.segments[0];
  return e.kind === 'external' ? (seg === undefined || seg === WORLD ? 'internet' : `${seg} addresses`) : e.id;
}

interface GroupState<B extends PathBundle> {
  readonly blame: Blame;
  readonly bundles: B[];
  readonly pairs: BlamedPair[];
  pairCount: number;
  ports: PortSet;
  readonly seen: Set<number>;
  readonly listed: Map<number, BlamedPair>;
  readonly endIds: Set<number>;
}

const PAIR_BASE = 2 ** 26;

/** Groups the pairs of bundles by blame, pair by pair (the reference for groupByBlame). */
export function literalGroupByBlame<B extends PathBundle>(a: Analysis, bundles: readonly B[], extraKey: (b: B) => string, limit = EVIDENCE_LIMIT): BlameGroup<B>[] {
  const groups = new Map<string, GroupState<B>>();
  const names = new Map<string, number>();
  const nameIds: string[] = [];
  const intern = (e: PathEnd): number => {
    const k = endKey(e);
    let i = names.get(k);
    if (i === undefined) {
      names.set(k, (i = nameIds.length));
      nameIds.push(k);
    }
    return i;
  };
  for (const b of bundles) {
    let ruleBlamed: Blame | undefined;
    const extra = extraKey(b);
    const srcIds = b.src.map(intern);
    const dstIds = b.dst.map(intern);
    let last: GroupState<B> | undefined;
    for (let i = 0; i < b.src.length; i++) {
      const s = b.src[i]!;
      for (let j = 0; j < b.dst.length; j++) {
        const d = b.dst[j]!;
        if (s.id === d.id) continue;
        const bl = ruleBlamed ?? blame(a, s, d);
        if (bl.resource.kind === 'NetworkPolicy') ruleBlamed = bl;
        let g = last && last.blame.key === bl.key ? last : undefined;
        if (!g) {
          const k = `${extra}\u0000${bl.key}`;
          g = groups.get(k);
          if (!g) groups.set(k, (g = { blame: bl, bundles: [], pairs: [], pairCount: 0, ports: b.ports, seen: new Set(), listed: new Map(), endIds: new Set() }));
          if (g.bundles[g.bundles.length - 1] !== b) {
            g.bundles.push(b);
            g.ports = g.ports.union(b.ports);
          }
          last = g;
        }
        const code = srcIds[i]! * PAIR_BASE + dstIds[j]!;
        if (!g.seen.has(code)) {
          g.seen.add(code);
          g.pairCount++;
          g.endIds.add(srcIds[i]!).add(dstIds[j]!);
          if (g.pairs.length < limit) {
            const p: BlamedPair = { src: nameIds[srcIds[i]!]!, dst: nameIds[dstIds[j]!]!, ports: b.ports };
            g.pairs.push(p);
            g.listed.set(code, p);
          }
        } else {
          const p = g.listed.get(code);
          if (p && p.ports !== b.ports) p.ports = p.ports.union(b.ports);
        }
      }
    }
  }
  return [...groups.values()].map(({ blame, bundles, pairs, pairCount, endIds, ports }) => ({ blame, bundles, pairs, pairCount, ends: new Set([...endIds].map((i) => nameIds[i]!)), ports }));
}
