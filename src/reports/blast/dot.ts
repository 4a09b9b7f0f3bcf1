import type { BlastResult } from '../../analyses/blast.js';
import { DOT_HEAD, dotId, dotLines as labelLines } from '../dot.js';
import { INTERNET } from '../../analyses/map.js';
import { distinctHops } from './common.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesDot } from '../notes.js';

/** Graphviz of the shortest paths: the start in bold, sensitive endpoints in red, edges labelled with ports. */
export function blastDot(r: BlastResult, notes: Notes = NO_NOTES): string {
  const out = ['digraph blast {', ...DOT_HEAD, ...notesDot(notes)];
  if (r.mode === 'ranking') {
    // A ranking has no paths: draw each endpoint sized by its reach, for a quick visual.
    const max = Math.max(1, ...r.ranking.map((e) => e.reached));
    for (const e of r.ranking) out.push(`  ${dotId(e.endpoint.id)} [label=${labelLines([e.endpoint.id, `${e.reached} reached`])}, width=${(0.75 + (1.5 * e.reached) / max).toFixed(2)}];`);
    out.push('}');
    return `${out.join('\n')}\n`;
  }
  // Every outside block is the one internet node, as in reach.
  const externalIds = new Set([...r.reached.map((e) => e.endpoint), ...r.start].filter((e) => e.kind === 'External').map((e) => e.id));
  const node = (id: string): string => (externalIds.has(id) ? INTERNET : id);
  const start = new Set(r.start.map((e) => node(e.id)));
  const hops = distinctHops(r);
  const ids = new Set<string>([...start, ...hops.flatMap((h) => [node(h.from), node(h.to)])]);
  const reached = new Map<string, (typeof r.reached)[number]>();
  for (const e of r.reached) if (!reached.has(node(e.endpoint.id))) reached.set(node(e.endpoint.id), e);
  for (const id of [...ids].sort()) {
    const e = reached.get(id);
    const attrs: string[] = [];
    if (start.has(id)) attrs.push('style="bold,filled"', 'fillcolor="#ffd8a8"');
    else if (e?.sensitive.length) attrs.push('color=red', 'fontcolor=red', 'style=bold');
    if (id === INTERNET) attrs.push('shape=box');
    attrs.push(`label=${labelLines(e ? [id, `hop ${e.hop}`] : [id])}`);
    out.push(`  ${dotId(id)} [${attrs.join(', ')}];`);
  }
  const sensitiveEdges = new Set(r.reached.filter((e) => e.sensitive.length > 0).flatMap((e) => e.path.map((h) => `${node(h.from)}>${node(h.to)}`)));
  const drawn = new Set<string>();
  for (const h of hops) {
    const key = `${node(h.from)}>${node(h.to)}`;
    if (drawn.has(key)) continue;
    drawn.add(key);
    const attrs = [`label=${dotId(h.conns.toString())}`];
    if (sensitiveEdges.has(key)) attrs.push('color=red', 'penwidth=2');
    if (h.crossesBoundary) attrs.push('style=dashed');
    out.push(`  ${dotId(node(h.from))} -> ${dotId(node(h.to))} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
