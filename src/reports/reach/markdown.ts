import type { ReachResult } from '../../analyses/reach.js';
import { connText, displayIds } from './text.js';
import { mdTable } from '../markdown.js';

/** A Markdown table, for pull-request comments and docs. */
export function reachMarkdown(r: ReachResult): string {
  if (r.connections.length === 0) return '_No connections allowed._\n';
  const show = displayIds(r);
  return mdTable(['src', 'dst', 'conn'], r.connections.map((c) => [show(c.src), show(c.dst), connText(c)]));
}
