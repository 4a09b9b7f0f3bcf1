import { toJsonText } from '../json.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
import type { ReachResult } from '../../analyses/reach.js';
import { exposureJson } from './exposure.js';

/** The bulkhead.reach/v1 contract (DESIGN.md). */
export function reachJson(r: ReachResult, notes: Notes = NO_NOTES): string {
  const doc = {
    schema: 'bulkhead.reach/v1',
    level: r.level,
    ...notesJson(notes),
    endpoints: r.endpoints,
    connections: r.connections.map((c) => ({ src: c.src, dst: c.dst, conns: c.conns.toJSON(), ...(c.condition ? { condition: c.condition } : {}) })),
    ...(r.exposure ? { exposure: r.exposure.items.map(exposureJson), ...(r.exposure.wholeCluster ? { wholeCluster: true } : {}) } : {}),
  };
  return toJsonText(doc);
}
