/**
 * One starting intent for a cluster and an AWS estate read together. Each draft stays exact on its own
 * layer: the cluster's segments and flows judge the cluster, the estate's judge the estate (src/analyses/
 * intent/drift.ts `awsOnly`, src/analyses/aws/intent.ts `clusterOnly`). Outside ranges are the one thing the
 * layers share (`cidrs` segments place outside addresses for both), so they are cut where either draft cuts
 * them: every piece names one outside segment of each draft, and each draft's flows name the pieces of its
 * own outside segments, so both layers are judged exactly as their drafts alone would judge them.
 */
import { atomize, parseCidr, rangeToCidrs, type IpRange } from '../../model/address.js';
import { namer, type DraftFlow, type DraftIntent, type DraftSegment } from '../intent/init.js';
import { WORLD } from '../intent/types.js';

/** A layer's draft and the address space its model has outside ends in (what a flow of it can name). */
export interface LayerDraft {
  readonly draft: DraftIntent;
  readonly outside: readonly IpRange[];
}

const isOutside = (s: DraftSegment): boolean => s.cidrs !== undefined;

/** The outside segment of a draft that holds an address (its outside segments are disjoint), else world. */
function locator(d: DraftIntent): (family: 4 | 6, addr: bigint) => string {
  const ranges = d.segments.filter(isOutside).flatMap((s) => s.cidrs!.map((c) => ({ name: s.name, r: parseCidr(c)!.range })));
  return (family, addr) => ranges.find((x) => x.r.family === family && x.r.lo <= addr && addr <= x.r.hi)?.name ?? WORLD;
}

function overlaps(rs: readonly IpRange[], space: readonly IpRange[]): boolean {
  return rs.some((r) => space.some((s) => s.family === r.family && s.lo <= r.hi && r.lo <= s.hi));
}

const size4 = (rs: readonly IpRange[]): bigint => rs.reduce((n, r) => (r.family === 4 ? n + r.hi - r.lo + 1n : n), 0n);

/** The merged intent: the cluster's segments, then the estate's, then the outside pieces; both drafts' flows. */
export function mergeDrafts(cluster: LayerDraft, aws: LayerDraft): DraftIntent {
  const inner = [...cluster.draft.segments.filter((s) => !isOutside(s)), ...aws.draft.segments.filter((s) => !isOutside(s))];
  const cutters = [cluster.draft, aws.draft].flatMap((d) => d.segments.filter(isOutside).flatMap((s) => s.cidrs!.map((c) => parseCidr(c)!.range)));
  const inC = locator(cluster.draft);
  const inA = locator(aws.draft);
  // Pieces by the pair (cluster outside segment, estate outside segment) they lie in.
  const pieces = new Map<string, { c: string; a: string; ranges: IpRange[] }>();
  for (const family of [4, 6] as const) {
    for (const atom of atomize(family, cutters)) {
      const c = inC(family, atom.lo);
      const a = inA(family, atom.lo);
      const k = `${c}\u0000${a}`;
      let p = pieces.get(k);
      if (!p) pieces.set(k, (p = { c, a, ranges: [] }));
      const last = p.ranges[p.ranges.length - 1];
      if (last && last.family === family && last.hi + 1n === atom.lo) p.ranges[p.ranges.length - 1] = { family, lo: last.lo, hi: atom.hi };
      else p.ranges.push(atom);
    }
  }
  const list = [...pieces.values()];
  // The implicit world: the rest of both drafts' worlds (else the largest piece), so it is never listed.
  const world = list.find((p) => p.c === WORLD && p.a === WORLD && overlaps(p.ranges, cluster.outside) && overlaps(p.ranges, aws.outside))
    ?? list.reduce((x, y) => (size4(y.ranges) > size4(x.ranges) ? y : x));
  const names = namer();
  for (const s of inner) names.take(s.name);
  const count = (field: 'c' | 'a', n: string): number => list.filter((p) => p[field] === n).length;
  const named = new Map<(typeof list)[number], string>([[world, WORLD]]);
  // A draft's outside segment that stays whole keeps its name; the pieces of a split one get their own.
  for (const p of list) {
    if (named.has(p)) continue;
    const keep = [p.c, p.a].find((n, i) => n !== WORLD && count(i === 0 ? 'c' : 'a', n) === 1 && names.free(n));
    const cidrs = p.ranges.flatMap(rangeToCidrs);
    named.set(p, names.take(keep ?? `net-${cidrs[0]!.replace(/[/:.]/g, '-')}`));
  }
  const outsideSegments: DraftSegment[] = list.filter((p) => p !== world).map((p) => ({ name: named.get(p)!, cidrs: p.ranges.flatMap(rangeToCidrs) }));
  const rewrite = (layer: LayerDraft, field: 'c' | 'a'): DraftFlow[] => {
    const outsideNames = new Set([WORLD, ...layer.draft.segments.filter(isOutside).map((s) => s.name)]);
    // Only pieces the layer has outside ends in: a flow from a piece it has no member of would be broken.
    const of = (n: string): string[] => (outsideNames.has(n) ? list.filter((p) => p[field] === n && overlaps(p.ranges, layer.outside)).map((p) => named.get(p)!) : [n]);
    const out: DraftFlow[] = [];
    for (const f of layer.draft.flows) {
      const from = [...new Set(f.from.flatMap(of))];
      const to = [...new Set(f.to.flatMap(of))];
      if (from.length && to.length) out.push({ from, to, ports: f.ports });
    }
    return out;
  };
  return { segments: [...inner, ...outsideSegments], flows: [...rewrite(cluster, 'c'), ...rewrite(aws, 'a')] };
}
