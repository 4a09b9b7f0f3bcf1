/**
 * What an answer is worth. Every question's result travels with the input's diagnostics and the objects
 * the engine does not evaluate, so that every report, not only stderr, says where it may be wrong.
 */
import type { Diagnostic, Inventory, UnmodelledObject } from '../inventory/types.js';
import { formatSource } from '../inventory/types.js';

/**
 * `exact`: the input was read completely and every object in it that may change traffic was evaluated.
 * `unknown`: something was skipped or not evaluated, so connections may be missing or extra.
 */
export type Bound = 'exact' | 'unknown';

/** A diagnostic of one side of a comparison (`diff`); undefined side: the only input. */
export type SidedDiagnostic = Diagnostic & { readonly side?: 'old' | 'new' };

/** The caveats and diagnostics of an answer. */
export interface Notes {
  readonly bound: Bound;
  /** Objects that may change traffic and that the engine does not evaluate. */
  readonly unmodelled: readonly (UnmodelledObject & { readonly side?: 'old' | 'new' })[];
  /** Every problem and note of the input, in reading order. */
  readonly diagnostics: readonly SidedDiagnostic[];
}

/** Nothing to say: for results computed from in-memory inputs (tests, library users without a loader). */
export const NO_NOTES: Notes = { bound: 'exact', unmodelled: [], diagnostics: [] };

/** The notes of an answer about one input. */
export function notesOf(inventory: Inventory, diagnostics: readonly Diagnostic[]): Notes {
  const errors = diagnostics.some((d) => d.severity === 'error');
  return { bound: errors || inventory.unmodelled.length > 0 ? 'unknown' : 'exact', unmodelled: inventory.unmodelled, diagnostics };
}

/** The notes of a comparison: both sides' notes, each item tagged with its side. */
export function comparisonNotes(old: Notes, neu: Notes): Notes {
  const tag = <T extends object>(xs: readonly T[], side: 'old' | 'new'): (T & { side: 'old' | 'new' })[] => xs.map((x) => ({ ...x, side }));
  return {
    bound: old.bound === 'exact' && neu.bound === 'exact' ? 'exact' : 'unknown',
    unmodelled: [...tag(old.unmodelled, 'old'), ...tag(neu.unmodelled, 'new')],
    diagnostics: [...tag(old.diagnostics, 'old'), ...tag(neu.diagnostics, 'new')],
  };
}

/** Errors and warnings: what a reader must see before the results. */
export function noteworthy(n: Notes): readonly SidedDiagnostic[] {
  return n.diagnostics.filter((d) => d.severity !== 'info');
}

/**
 * The unmodelled objects that apply to an endpoint (a workload id or a pod id): those whose selection names
 * one of its pods, and those whose selection is unknown within its namespace (or cluster-wide).
 */
export function unmodelledAt(inventory: Inventory, endpointId: string): UnmodelledObject[] {
  const pods = inventory.pods.filter((p) => p.id === endpointId || p.workload === endpointId);
  if (pods.length === 0) return [];
  const ids = new Set(pods.map((p) => p.id));
  const nss = new Set(pods.map((p) => p.namespace));
  return inventory.unmodelled.filter((u) => (u.selects === 'unknown' ? u.namespace === undefined || nss.has(u.namespace) : u.selects.some((id) => ids.has(id))));
}

/** One sentence per unmodelled object at either end of an explained pair. */
export function unmodelledNotesForPair(inventory: Inventory, from: string, to: string): string[] {
  const out: string[] = [];
  for (const [end, id] of [['source', from], ['destination', to]] as const) {
    for (const u of unmodelledAt(inventory, id)) {
      const obj = `${u.kind} ${u.namespace ? `${u.namespace}/` : ''}${u.name} (${u.apiVersion}, ${formatSource(u.source)})`;
      out.push(`${obj} ${u.selects === 'unknown' ? 'may apply to' : 'selects'} the ${end} ${id}: it ${u.effect}, and this verdict ignores it`);
    }
  }
  return out;
}
