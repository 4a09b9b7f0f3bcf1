/** The review's formats. */
import type { ReviewResult } from '../../analyses/review/index.js';
import type { Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
import { jsonSafe } from '../json.js';
import { reviewHtml } from './html.js';
import { reviewMarkdown } from './markdown.js';

function reviewJson(r: ReviewResult, notes: Notes): string {
  const { changes, ...rest } = r;
  const doc = {
    schema: 'bulkhead.review/v1',
    ...rest,
    changes: { summary: changes.summary, objects: changes.objects, paths: changes.changes.map((c) => ({ src: c.src, dst: c.dst, kind: c.kind, opened: c.opened.toJSON(), closed: c.closed.toJSON(), causes: c.causes })) },
    notes: undefined,
    ...notesJson(notes),
  };
  return `${jsonSafe(JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2))}\n`;
}

export const REVIEW_FORMATS = { md: reviewMarkdown, html: reviewHtml, json: reviewJson } as const satisfies Record<string, (r: ReviewResult, n: Notes) => string>;
export type ReviewFormat = keyof typeof REVIEW_FORMATS;
