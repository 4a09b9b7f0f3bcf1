import type { ReachResult } from '../../analyses/reach.js';
import { connText, displayId } from './text.js';
import { mergeOutside } from '../../analyses/outside-merge.js';

function cell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `src,dst,conn` with RFC 4180 quoting. */
export function reachCsv(r: ReachResult, _notes?: unknown): string {
  return ['src,dst,conn\n', ...mergeOutside(r).connections.map((c) => `${cell(displayId(c.src))},${cell(displayId(c.dst))},${cell(connText(c))}\n`)].join('');
}
