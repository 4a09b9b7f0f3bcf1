/** Explanations for the edges of a map: `explain` for each edge's sample pair, for the HTML report. */
import type { Analysis } from '../engine/index.js';
import type { Endpoint } from './endpoints.js';
import { explain, type Explanation } from './explain.js';

/** Past this many edges, the rest are not explained (the page says how to ask). */
export const MAX_EXPLAINED_EDGES = 400;

/** A function giving the explanation of one listed pair (ids as reach prints them), or undefined past the cap. */
export function pairExplainer(a: Analysis, endpoints: readonly Endpoint[], opts: { readonly wholeCluster?: boolean; readonly max?: number } = {}): (src: string, dst: string) => Explanation | undefined {
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  // explain takes an outside block by one of its CIDRs.
  const spec = (id: string): string => (byId.get(id)?.kind === 'External' ? (byId.get(id)!.cidrs?.[0] ?? id) : id);
  let left = opts.max ?? MAX_EXPLAINED_EDGES;
  return (src, dst) => {
    if (left <= 0) return undefined;
    left--;
    try {
      return explain(a, spec(src), spec(dst), undefined, { wholeCluster: opts.wholeCluster ?? false });
    } catch {
      return undefined;
    }
  };
}
