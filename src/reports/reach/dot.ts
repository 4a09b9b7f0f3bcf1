import type { ReachResult } from '../../analyses/reach.js';
import { buildMap } from '../../analyses/map.js';
import { mapDot } from '../dot.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesDot } from '../notes.js';
import { mergeOutside } from '../../analyses/outside-merge.js';

/** Graphviz: one cluster per namespace (folded into one box each past a few dozen workloads), one internet node, a legend. */
export function reachDot(result: ReachResult, notes: Notes = NO_NOTES): string {
  const r = mergeOutside(result);
  return mapDot(buildMap(r.level, r.endpoints, r.connections), 'bulkhead', notesDot(notes));
}
