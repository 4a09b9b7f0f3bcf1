/** The AWS layer of `diff`: the intent gate's options, and one AWS comparison rendered with its verdict. */
import { analyseAwsInventory } from '../../analyses/aws/reach.js';
import { awsNotesOf } from '../../analyses/aws/notes.js';
import { diffAws } from '../../analyses/aws/diff.js';
import { comparisonNotes, type Notes } from '../../analyses/notes.js';
import { loadIntent } from '../../analyses/intent/index.js';
import type { Intent } from '../../analyses/intent/types.js';
import type { AwsInventory } from '../../inventory/aws/types.js';
import type { Diagnostic } from '../../inventory/types.js';
import { AWS_DIFF_RENDERERS, type AwsDiffFormat } from '../../reports/diff/aws.js';
import { UserError } from '../../util/errors.js';
import { printDiagnostics, resolveIntentPath, type InputOptions } from '../common.js';
import { verdictOf, type DiffVerdict } from './diff-cluster.js';

export interface Gate {
  readonly intent?: Intent;
  readonly failOnNew: boolean;
}

/** The intent (given, or bulkhead.yaml beside `near`) and whether --fail-on new-violation gates the exit code. */
export function gateOf(opts: InputOptions & { intent?: string | false; failOn?: string; failOnNewViolation?: boolean }, near: readonly string[]): Gate {
  if (opts.failOn !== undefined && opts.failOn !== 'new-violation' && opts.failOn !== 'none') throw new UserError(`unknown --fail-on "${opts.failOn}" for diff`, 'choose new-violation or none');
  const failOnNew = opts.failOnNewViolation === true || opts.failOn === 'new-violation';
  const path = resolveIntentPath(near, opts);
  if (failOnNew && !path) throw new UserError('--fail-on new-violation needs --intent, and no bulkhead.yaml was found beside the new side', 'give --intent FILE: it says which paths are allowed');
  return { failOnNew, ...(path ? { intent: loadIntent(path) } : {}) };
}

/** The AWS diff of two inventories, rendered, with its verdict for the gate; `extra` adds caveats per side. */
export function awsDiffOf(oldInv: AwsInventory, newInv: AwsInventory, oldName: string, newName: string, format: AwsDiffFormat, gate: Gate, opts: InputOptions, reportCarriesThem: boolean, extra: { old?: readonly Diagnostic[]; new?: readonly Diagnostic[] } = {}): { text: string; verdict: DiffVerdict } {
  const tag = <T extends object>(xs: readonly T[], side: string): T[] => xs.map((d) => ({ ...d, message: `${side}: ${(d as { message?: string }).message ?? ''}` }));
  printDiagnostics([...tag(oldInv.diagnostics, 'before'), ...tag(newInv.diagnostics, 'after')], opts, reportCarriesThem);
  const result = diffAws(analyseAwsInventory(oldInv), analyseAwsInventory(newInv), { oldName, newName, ...(gate.intent ? { intent: gate.intent } : {}) });
  const withExtra = (n: Notes, more: readonly Diagnostic[] | undefined): Notes => (more?.length ? { ...n, diagnostics: [...n.diagnostics, ...more] } : n);
  const notes = comparisonNotes(withExtra(awsNotesOf(oldInv), extra.old), withExtra(awsNotesOf(newInv), extra.new));
  return { text: AWS_DIFF_RENDERERS[format](result, notes), verdict: verdictOf(result, newInv.diagnostics, newName, 'setting(s)') };
}

