import type { Connection, ReachResult } from '../../analyses/reach.js';
import { exposureText } from './exposure.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { outsideName } from '../outside.js';
import { oneLine } from '../safe-text.js';

/** The id as printed in tables: external blocks carry an `[External]` suffix, as in netpol-analyzer. */
export function displayIds(r: ReachResult): (id: string) => string {
  const ext = new Set(r.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  return (id) => outsideName(id, ext);
}

/** The words for a connection's condition (see Connection.condition). */
export const CONDITION_WORDS: Record<NonNullable<Connection['condition']>, string> = { 'same-node': 'only from the same node' };

/** A connection's ports as printed, with its condition when it has one: `All Connections (only from the same node)`. */
export function connText(c: Pick<Connection, 'conns' | 'condition'>, ports: string = c.conns.toString()): string {
  return c.condition ? `${ports} (${CONDITION_WORDS[c.condition]})` : ports;
}

/** One line per allowed pair: `src => dst : conns` (the layout netpol-analyzer users know). */
export function reachText(r: ReachResult, notes: Notes = NO_NOTES): string {
  if (r.connections.length === 0) return `${notesText(notes)}No connections allowed.\n${exposureText(r)}`;
  const show = displayIds(r);
  return notesText(notes) + r.connections.map((c) => `${show(c.src)} => ${show(c.dst)} : ${connText(c)}\n`).join('') + exposureText(r);
}
