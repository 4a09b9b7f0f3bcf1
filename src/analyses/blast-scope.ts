/** What `blast` and the library's blast share around the analysis: the pivots left out, and the -n/-l ranking. */
import type { BlastResult } from './blast.js';
import type { Endpoint } from './endpoints.js';
import type { Intent } from './intent/index.js';

/** Pivots to leave out: the intent's infrastructure segments (cluster DNS...) and those named. */
export function blastExcludes(intent: Intent | undefined, named: readonly string[] = []): string[] {
  return [...(intent ? intent.segments.filter((s) => s.infrastructure).map((s) => s.name) : []), ...named];
}

/** A ranking narrowed to the endpoints the filter keeps (a blast from one endpoint is left whole). */
export function scopeBlast(r: BlastResult, keep: ((e: Endpoint) => boolean) | undefined): BlastResult {
  return keep && r.mode === 'ranking' ? { ...r, ranking: r.ranking.filter((x) => keep(x.endpoint)) } : r;
}
