import type { BlastResult } from '../../analyses/blast.js';
import { dotId } from '../dot.js';
import { distinctHops } from './common.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesDot } from '../notes.js';

/** A quoted label of several lines (dotId would escape the line breaks). */
function labelLines(lines: readonly string[]): string {
  return `"${lines.map((l) => dotId(l).slice(1, -1)).join('\\n')}"`;
}

/** Graphviz of the shortest paths: the start in bold, sensitive endpoints in red, edges labelled with ports. */
export function blastDot(r: BlastResult, notes: Notes = NO_NOTES): string {
  const out = ['digraph blast {', '  rankdir=LR;', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];', ...notesDot(notes)];
  if (r.mode === 'ranking') {
    // A ranking has no paths: draw each endpoint sized by its reach, for a quick visual.
    const max = Math.max(1, ...r.ranking.map((e) => e.reached));
    for (const e of r.ranking) out.push(`  ${dotId(e.endpoint.id)} [label=${labelLines([e.endpoint.id, `${e.reached} reached`])}, width=${(0.75 + (1.5 * e.reached) / max).toFixed(2)}];`);
    out.push('}');
    return `${out.join('\n')}\n`;
  }
  const start = new Set(r.start.map((e) => e.id));
  const hops = distinctHops(r);
  const ids = new Set<string>([...start, ...hops.flatMap((h) => [h.from, h.to])]);
  const reached = new Map(r.reached.map((e) => [e.endpoint.id, e]));
  for (const id of [...ids].sort()) {
    const e = reached.get(id);
    const attrs: string[] = [];
    if (start.has(id)) attrs.push('style="bold,filled"', 'fillcolor="#ffd8a8"');
    else if (e?.sensitive.length) attrs.push('color=red', 'fontcolor=red', 'style=bold');
    if (e?.endpoint.kind === 'External' || (start.has(id) && r.start.find((s) => s.id === id)?.kind === 'External')) attrs.push('shape=box');
    attrs.push(`label=${labelLines(e ? [id, `hop ${e.hop}`] : [id])}`);
    out.push(`  ${dotId(id)} [${attrs.join(', ')}];`);
  }
  const sensitiveEdges = new Set(r.reached.filter((e) => e.sensitive.length > 0).flatMap((e) => e.path.map((h) => `${h.from}>${h.to}`)));
  for (const h of hops) {
    const attrs = [`label=${dotId(h.conns.toString())}`];
    if (sensitiveEdges.has(`${h.from}>${h.to}`)) attrs.push('color=red', 'penwidth=2');
    if (h.crossesBoundary) attrs.push('style=dashed');
    out.push(`  ${dotId(h.from)} -> ${dotId(h.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
