import type { ReachResult } from '../../analyses/reach.js';
import { displayIds } from './text.js';
import { mdTable } from '../markdown.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesMarkdown } from '../notes.js';

/** A Markdown table, for pull-request comments and docs. */
export function reachMarkdown(r: ReachResult, notes: Notes = NO_NOTES): string {
  if (r.connections.length === 0) return `${notesMarkdown(notes)}_No connections allowed._\n`;
  const show = displayIds(r);
  return notesMarkdown(notes) + mdTable(['src', 'dst', 'conn'], r.connections.map((c) => [show(c.src), show(c.dst), c.conns.toString()]));
}
