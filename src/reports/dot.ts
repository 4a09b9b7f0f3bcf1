import type { ConnectivityMap } from '../analyses/map.js';
import { lex } from '../util/compare.js';
import { outsideSpan, outsideSpanText } from '../analyses/outside.js';

/** Quotes a Graphviz ID. */
export function dotId(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A quoted label of several lines (dotId would escape the line breaks). */
export function dotLines(lines: readonly string[]): string {
  return `"${lines.map((l) => dotId(l).slice(1, -1)).join('\\n')}"`;
}

/** The graph attributes every picture shares; `newrank` lets edges cross clusters without "trouble in init_rank". */
export const DOT_HEAD = ['  rankdir=LR;', '  newrank=true;', '  compound=true;', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];

/** The legend: what the shapes and line styles mean. */
function legend(m: ConnectivityMap): string[] {
  const rows = [
    m.folded ? `box: a ${m.groupBy} (its endpoints folded; n = how many)` : `ellipse: a ${m.level}, drawn in its ${m.groupBy}`,
    'dashed box: internet (every address outside the cluster)',
    'edge label: ports (folded: and how many pairs)',
    'dotted edge: only from the same node (hostNetwork source)',
  ];
  if (m.isolated > 0) rows.push(`${m.isolated} endpoint(s) with no connection not drawn`);
  if (m.withinGroups > 0) rows.push(`${m.withinGroups} connection(s) within a ${m.groupBy} not drawn`);
  return ['  subgraph cluster_legend {', '    label="Legend";', '    style=dashed;', `    "legend" [shape=note, fontsize=10, label=${dotLines(rows)}];`, '  }'];
}

/** Graphviz of a connectivity map: groups as clusters (or folded into boxes), one internet node, a legend. */
export function mapDot(m: ConnectivityMap, name: string, head: readonly string[] = []): string {
  const out: string[] = [`digraph ${name} {`, ...DOT_HEAD, ...head];
  if (m.folded) {
    for (const n of m.nodes) {
      if (n.kind === 'internet') continue;
      out.push(`  ${dotId(n.id)} [shape=box, style=rounded, label=${dotLines([n.label, `${n.members} ${m.level}${n.members === 1 ? '' : 's'}`])}];`);
    }
  } else {
    const groups = new Map<string, typeof m.nodes[number][]>();
    for (const n of m.nodes) {
      if (n.kind !== 'endpoint') continue;
      const g = n.group ?? '';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(n);
    }
    let i = 0;
    for (const [g, list] of [...groups].sort(([a], [b]) => lex(a, b))) {
      out.push(`  subgraph cluster_${i++} {`, `    label=${dotId(g)};`, '    style=rounded;');
      for (const n of list) out.push(`    ${dotId(n.id)} [label=${dotId(n.label)}];`);
      out.push('  }');
    }
  }
  const internet = m.nodes.find((n) => n.kind === 'internet');
  if (internet) {
    out.push(`  ${dotId(internet.id)} [shape=box, style=dashed, label=${dotLines(['internet', outsideSpanText(outsideSpan(internet.cidrs ?? []))])}];`);
  }
  for (const e of m.edges) {
    const ports = [e.conns.isEmpty() ? '' : e.conns.toString(), e.sameNode.isEmpty() ? '' : `${e.sameNode.toString()} only from the same node`].filter(Boolean).join('; ');
    const label = m.folded ? `${ports} (${e.pairs} pair${e.pairs === 1 ? '' : 's'})` : ports;
    out.push(`  ${dotId(e.src)} -> ${dotId(e.dst)} [label=${dotId(label)}${e.sameNodeOnly ? ', style=dotted' : ''}];`);
  }
  out.push(...legend(m), '}');
  return `${out.join('\n')}\n`;
}
