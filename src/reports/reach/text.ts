import type { Connection, ReachResult } from '../../analyses/reach.js';
import { exposureText } from './exposure.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { mergeOutside } from '../../analyses/outside-merge.js';
import { oneLine } from '../safe-text.js';

/** An endpoint id as printed: on one line (outside endpoints are already named, see outside-merge.ts). */
export function displayId(id: string): string {
  return oneLine(id);
}

/** The words for a connection's condition (see Connection.condition). */
export const CONDITION_WORDS: Record<NonNullable<Connection['condition']>, string> = { 'same-node': 'only from the same node' };

/** A connection's ports as printed, with its condition when it has one: `All Connections (only from the same node)`. */
export function connText(c: Pick<Connection, 'conns' | 'condition'>, ports: string = c.conns.toString()): string {
  return c.condition ? `${ports} (${CONDITION_WORDS[c.condition]})` : ports;
}

/** One line per allowed pair: `src => dst : conns` (the layout netpol-analyzer users know), outside addresses merged per pair. */
export function reachText(result: ReachResult, notes: Notes = NO_NOTES): string {
  const r = mergeOutside(result);
  if (r.connections.length === 0) return `${notesText(notes)}No connections allowed.\n${exposureText(r)}`;
  return notesText(notes) + r.connections.map((c) => `${displayId(c.src)} => ${displayId(c.dst)} : ${connText(c)}\n`).join('') + exposureText(r);
}
