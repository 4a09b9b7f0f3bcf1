/** An intent's segments as blast sees them: names, membership and the sensitive ones. */
import type { Analysis } from '../engine/index.js';
import type { SegmentView } from './blast.js';
import { segmentsOf, type Intent } from './intent/index.js';

/** Segment membership and sensitivity from an intent file, for blast's boundaries and targets. */
export function segmentView(a: Analysis, intent: Intent): SegmentView {
  return { names: intent.segments.map((s) => s.name), sensitive: intent.sensitive, segmentsOf: (e) => segmentsOf(a, intent, e) };
}
