/** The review in Markdown: for a change ticket or a wiki page. Charts become small tables. */
import type { ReviewResult } from '../../analyses/review/index.js';
import type { Notes } from '../../analyses/notes.js';
import { mdTable } from '../markdown.js';
import { notesMarkdown } from '../notes.js';
import { mdText } from '../safe-text.js';
import { reviewDocument } from './document.js';
import { num } from '../numbers.js';

function chartTable(r: ReviewResult, which: 'health' | 'findings'): string {
  if (which === 'findings') return mdTable(['snapshot', 'taken', 'errors', 'warnings', 'info'], r.series.map((s) => [`@${s.id}`, s.takenAt.slice(0, 10), num(s.findings.error), num(s.findings.warning), num(s.findings.info)]));
  const segs = [...new Set(r.series.flatMap((s) => Object.keys(s.share)))];
  if (segs.length === 0) return '';
  return mdTable(['segment', ...r.series.map((s) => `@${s.id} ${s.takenAt.slice(0, 10)}`)], segs.map((g) => [g, ...r.series.map((s) => (s.share[g] === undefined ? '-' : `${Math.round(s.share[g]! * 100)}%${s.flat.includes(g) ? ' flat' : ''}`))]));
}

/** Renders the review as Markdown. */
export function reviewMarkdown(r: ReviewResult, notes: Notes): string {
  const out: string[] = ['# Segmentation review', '', notesMarkdown(notes).trimEnd()];
  for (const b of reviewDocument(r)) {
    if ('h' in b) out.push('', `${'#'.repeat(b.level)} ${mdText(b.h)}`, '');
    else if ('p' in b) out.push(mdText(b.p), '');
    else if ('ul' in b) out.push(...b.ul.map((x) => `- ${mdText(x)}`), '');
    else if ('table' in b) out.push(mdTable(b.table.head, b.table.rows));
    else out.push(chartTable(r, b.chart));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
