/**
 * The cluster's half of `diff` once both sides are loaded (alone, or as the Kubernetes section of a run over
 * manifests and AWS input), and the --fail-on new-violation gate, judged over every layer of the run.
 */
import { analyze } from '../../engine/index.js';
import { carryOverUnreadable, diffAnalyses, type DiffResult } from '../../analyses/diff.js';
import { comparisonNotes, notesOf, type Notes } from '../../analyses/notes.js';
import { scopeDiff, workloadLookup } from '../../analyses/diff-scope.js';
import type { EndpointScope } from '../../analyses/endpoint-filter.js';
import type { Intent } from '../../analyses/intent/types.js';
import type { Level } from '../../analyses/endpoints.js';
import type { Diagnostic } from '../../inventory/types.js';
import type { LoadResult } from '../../sources/k8s/index.js';
import { ExitError } from '../../util/errors.js';

export interface ClusterDiffRequest {
  readonly oldName: string;
  readonly newName: string;
  readonly level: Level;
  readonly wholeCluster: boolean;
  readonly intent?: Intent;
  readonly scope?: EndpointScope;
  /** More caveats per side (a layer that one side of a mixed run does not have). */
  readonly extraNotes?: { readonly old?: readonly Diagnostic[]; readonly new?: readonly Diagnostic[] };
}

/** The cluster diff of two loaded sides, with the caveats of both. */
export function clusterDiff(o: LoadResult, n: LoadResult, req: ClusterDiffRequest): { result: DiffResult; notes: Notes } {
  const carried = carryOverUnreadable(o.inventory, n.inventory, n.diagnostics, { old: req.oldName, new: req.newName });
  const oldA = analyze(o.inventory);
  const newA = analyze(carried.inventory);
  const whole = diffAnalyses(oldA, newA, {
    level: req.level,
    oldName: req.oldName,
    newName: req.newName,
    unreadable: carried.unreadable,
    wholeCluster: req.wholeCluster,
    ...(req.intent ? { intent: req.intent } : {}),
  });
  // -n/-l narrow what is reported, and so what --fail-on judges; both sides were compared whole.
  const result = req.scope ? scopeDiff(whole, req.scope, workloadLookup(oldA, newA)) : whole;
  const notes = comparisonNotes(notesOf(o.inventory, [...o.diagnostics, ...(req.extraNotes?.old ?? [])]), notesOf(n.inventory, [...n.diagnostics, ...(req.extraNotes?.new ?? [])]));
  return { result, notes };
}

/** What one layer's diff says about the change, for the --fail-on new-violation gate. */
export interface DiffVerdict {
  /** Paths that newly violate the intent. */
  readonly added: number;
  /** Input errors on the new side. */
  readonly newErrors: number;
  /** Objects or settings that may change traffic, added or edited, that are not evaluated. */
  readonly unjudged: number;
  /** What the layer calls what it does not evaluate: `object(s)` (manifests) or `setting(s)` (AWS). */
  readonly unjudgedNoun: string;
  readonly newName: string;
}

/** The verdict of a diff result whose new side had these diagnostics. */
export function verdictOf(r: { readonly drift?: { readonly introducedPaths: number }; readonly unmodelled: ReadonlyArray<{ readonly change: string }> }, newDiagnostics: readonly Diagnostic[], newName: string, unjudgedNoun: string): DiffVerdict {
  return {
    added: r.drift?.introducedPaths ?? 0,
    newErrors: newDiagnostics.filter((d) => d.severity === 'error').length,
    unjudged: r.unmodelled.filter((c) => c.change !== 'removed').length,
    unjudgedNoun,
    newName,
  };
}

/** Exit 1 (ExitError) when any layer's change opens a path that violates the intent, or cannot be judged safe. */
export function gateDiff(verdicts: readonly DiffVerdict[]): void {
  const added = verdicts.reduce((s, v) => s + v.added, 0);
  if (added > 0) throw new ExitError(1, `bulkhead: the change opens ${added} ${added === 1 ? 'path that violates' : 'paths that violate'} the intent (--fail-on new-violation)`);
  // A change that breaks an input, or adds what Bulkhead cannot judge, is not known to be safe.
  const why = verdicts.flatMap((v) => [
    v.newErrors ? `${v.newErrors} input error(s) in ${v.newName}` : '',
    v.unjudged ? `${v.unjudged} ${v.unjudgedNoun} that may change traffic are not evaluated` : '',
  ]).filter(Boolean);
  if (why.length) throw new ExitError(1, `bulkhead: the change cannot be judged safe: ${why.join(' and ')} (--fail-on new-violation)`);
}
