import type { ReachResult } from '../../analyses/reach.js';
import { dotId } from '../dot.js';
import { lex } from '../../util/compare.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesDot } from '../notes.js';
import { connText } from './text.js';

/** Graphviz: one cluster per namespace, external blocks as boxes, edges labelled with ports. */
export function reachDot(r: ReachResult, notes: Notes = NO_NOTES): string {
  const used = new Set(r.connections.flatMap((c) => [c.src, c.dst]));
  const byNs = new Map<string, string[]>();
  const ext: string[] = [];
  for (const e of r.endpoints) {
    if (e.kind === 'External') {
      if (used.has(e.id)) ext.push(e.id);
      continue;
    }
    const ns = e.namespace ?? '';
    if (!byNs.has(ns)) byNs.set(ns, []);
    byNs.get(ns)!.push(e.id);
  }
  const out: string[] = ['digraph bulkhead {', '  rankdir=LR;', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];', ...notesDot(notes)];
  let i = 0;
  for (const [ns, ids] of [...byNs].sort(([a], [b]) => lex(a, b))) {
    out.push(`  subgraph cluster_${i++} {`, `    label=${dotId(ns)};`, '    style=rounded;');
    for (const id of ids) out.push(`    ${dotId(id)} [label=${dotId(id.slice(ns.length + 1))}];`);
    out.push('  }');
  }
  for (const id of ext) out.push(`  ${dotId(id)} [shape=box, style=dashed];`);
  for (const c of r.connections) out.push(`  ${dotId(c.src)} -> ${dotId(c.dst)} [label=${dotId(connText(c))}${c.condition ? ', style=dotted' : ''}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
