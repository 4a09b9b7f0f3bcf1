import type { ReachResult } from '../../analyses/reach.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { oneLine } from '../safe-text.js';

/** The id as printed in tables: external blocks carry an `[External]` suffix, as in netpol-analyzer. */
export function displayIds(r: ReachResult): (id: string) => string {
  const ext = new Set(r.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  return (id) => (ext.has(id) ? `${id}[External]` : oneLine(id));
}

/** One line per allowed pair: `src => dst : conns` (the layout netpol-analyzer users know). */
export function reachText(r: ReachResult, notes: Notes = NO_NOTES): string {
  if (r.connections.length === 0) return `${notesText(notes)}No connections allowed.\n`;
  const show = displayIds(r);
  return notesText(notes) + r.connections.map((c) => `${show(c.src)} => ${show(c.dst)} : ${c.conns.toString()}\n`).join('');
}
