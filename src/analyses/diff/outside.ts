/**
 * Outside blocks that change alike are one endpoint, as in reach (src/analyses/outside-merge.ts). The two
 * snapshots cut the outside address space wherever any rule of either cuts it, so one edited
 * `0.0.0.0/0 except 10.0.0.0/8` rule would list as one change per block. Here, per cluster endpoint and
 * direction, the changes with the same kind, ports before and after, causes and endpoint notes become one
 * change whose outside end is named by `outsideName` (`internet`, `internet except 10.0.0.0/8`, or its
 * CIDRs). Nothing is lost or added: each merged change stands for exactly the block changes it replaces.
 */
import type { Endpoint } from '../endpoints.js';
import { cidrRanges, outsideName } from '../outside.js';
import { fullRange, parseCidr, type Family, type IpRange } from '../../model/address.js';
import { lex } from '../../util/compare.js';

/** What a change needs for merging: its ends, its kind and a key for everything else it says. */
interface Mergeable {
  readonly src: string;
  readonly dst: string;
  readonly kind: string;
}

/** The merged changes (sorted as before: by kind order, source, destination; outside ends last) and every endpoint they name. */
export function mergeOutsideChanges<C extends Mergeable>(changes: readonly C[], endpoints: ReadonlyMap<string, Endpoint>, key: (c: C) => string, kinds: readonly string[]): { changes: C[]; endpoints: Map<string, Endpoint> } {
  const isOutside = (id: string): boolean => endpoints.get(id)?.kind === 'External';
  // `internet` is every address of each family the outside blocks are in: both snapshots cut all of it.
  const families = new Set<Family>();
  for (const e of endpoints.values()) if (e.kind === 'External') for (const c of e.cidrs ?? []) families.add(parseCidr(c)?.range.family ?? 4);
  const universe = [...families].sort().map(fullRange);
  const out = new Map(endpoints);
  const groups = new Map<string, { first: C; outsideIsSrc: boolean; ranges: IpRange[] }>();
  const kept: C[] = [];
  for (const c of changes) {
    const outsideIsSrc = isOutside(c.src);
    if (!outsideIsSrc && !isOutside(c.dst)) {
      kept.push(c);
      continue;
    }
    const g = `${c.kind}\u0000${outsideIsSrc ? `<${c.dst}` : `>${c.src}`}\u0000${key(c)}`;
    const ranges = cidrRanges(endpoints.get(outsideIsSrc ? c.src : c.dst)!.cidrs ?? []);
    const had = groups.get(g);
    if (had) had.ranges.push(...ranges);
    else groups.set(g, { first: c, outsideIsSrc, ranges });
  }
  for (const { first, outsideIsSrc, ranges } of groups.values()) {
    const n = outsideName(ranges, universe);
    if (!out.has(n.name)) out.set(n.name, { id: n.name, kind: 'External', cidrs: n.cidrs, ...(n.except ? { except: n.except } : {}) });
    kept.push(outsideIsSrc ? { ...first, src: n.name } : { ...first, dst: n.name });
  }
  const rank = (k: string): number => kinds.indexOf(k);
  const side = (id: string): number => (out.get(id)?.kind === 'External' ? 1 : 0);
  kept.sort((a, b) => rank(a.kind) - rank(b.kind) || side(a.src) - side(b.src) || lex(a.src, b.src) || side(a.dst) - side(b.dst) || lex(a.dst, b.dst));
  return { changes: kept, endpoints: out };
}
