import type { ReachSummary } from '../../analyses/reach-summary.js';
import { num } from '../numbers.js';

/** The "notable" block printed under the map with --summary. */
export function reachSummaryText(s: ReachSummary): string {
  const out: string[] = ['', `Summary: ${num(s.endpoints)} endpoints, ${num(s.connections)} allowed connections, ${num(s.crossNamespace)} of them across namespaces.`];
  const list = (title: string, items: ReadonlyArray<{ id: string; conns: { toString(): string } }>): void => {
    if (items.length === 0) return;
    out.push(`${title} (${num(items.length)}):`);
    for (const i of items) out.push(`  ${i.id}: ${i.conns.toString()}`);
  };
  list('Reachable from outside the cluster', s.exposedToExternal);
  list('Can open connections to outside the cluster', s.reachesExternal);
  for (const dir of ['ingress', 'egress'] as const) {
    const l = s.unprotected[dir];
    if (l.length) out.push(`No NetworkPolicy isolates ${dir} of (${num(l.length)}): ${l.join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
