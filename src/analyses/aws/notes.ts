/** The caveats of an AWS answer: the snapshot's diagnostics and the settings the engine does not evaluate. */
import type { AwsInventory } from '../../inventory/aws/types.js';
import type { Notes } from '../notes.js';

/** Notes for an answer about one AWS snapshot: not exact when part of it was skipped or is not evaluated. */
export function awsNotesOf(inv: AwsInventory): Notes {
  const errors = inv.diagnostics.some((d) => d.severity === 'error');
  return { bound: errors || inv.unmodelled.length > 0 ? 'unknown' : 'exact', unmodelled: inv.unmodelled, diagnostics: inv.diagnostics };
}

/** The notes of one run over several inputs (Kubernetes and AWS): everything either says. */
export function joinNotes(a: Notes, b: Notes): Notes {
  return {
    bound: a.bound === 'exact' && b.bound === 'exact' ? 'exact' : 'unknown',
    unmodelled: [...a.unmodelled, ...b.unmodelled],
    diagnostics: [...a.diagnostics, ...b.diagnostics],
  };
}
