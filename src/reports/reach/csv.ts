import type { ReachResult } from '../../analyses/reach.js';
import { connText, displayIds } from './text.js';

function cell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `src,dst,conn` with RFC 4180 quoting. */
export function reachCsv(r: ReachResult, _notes?: unknown): string {
  const show = displayIds(r);
  return ['src,dst,conn\n', ...r.connections.map((c) => `${cell(show(c.src))},${cell(show(c.dst))},${cell(connText(c))}\n`)].join('');
}
