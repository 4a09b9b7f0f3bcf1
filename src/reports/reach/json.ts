import { toJsonLines } from '../json.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
import type { ReachResult } from '../../analyses/reach.js';
import { exposureJson } from './exposure.js';
import { mergeOutside } from '../../analyses/outside-merge.js';

/**
 * The bulkhead.reach/v1 contract (DESIGN.md), outside addresses merged per pair (outside-merge.ts): an
 * endpoint or connection a line, so that line tools see one element per line (and a third fewer bytes).
 */
export function reachJson(result: ReachResult, notes: Notes = NO_NOTES): string {
  const r = mergeOutside(result);
  const doc = {
    schema: 'bulkhead.reach/v1',
    level: r.level,
    ...notesJson(notes),
    endpoints: r.endpoints,
    connections: r.connections.map((c) => ({ src: c.src, dst: c.dst, conns: c.conns.toJSON(), ...(c.condition ? { condition: c.condition } : {}), ...(c.aggregate ? { pairs: c.aggregate.pairs, of: c.aggregate.of, coverage: c.aggregate.coverage } : {}) })),
    ...(r.exposure ? { exposure: r.exposure.items.map(exposureJson), ...(r.exposure.wholeCluster ? { wholeCluster: true } : {}) } : {}),
  };
  return toJsonLines(doc, ['endpoints', 'connections']);
}
