/**
 * `diff` over AWS input: two snapshots (describe-* directories, collector files or Terraform JSON, in any
 * mix), or one Terraform plan whose prior state is compared with its after-state (`diff plan.json`,
 * `diff --plan plan.json`).
 */
import { readInputs, type InputText } from '../../sources/input-files.js';
import { isGitSpec, readGitInputs } from '../../sources/git.js';
import { loadFromTexts } from '../../sources/k8s/index.js';
import { awsFormatOf } from '../../sources/aws/detect.js';
import { isTerraformPlanText } from '../../sources/terraform/index.js';
import { analyseAwsInventory } from '../../analyses/aws/reach.js';
import { awsNotesOf } from '../../analyses/aws/notes.js';
import { diffAws } from '../../analyses/aws/diff.js';
import { comparisonNotes } from '../../analyses/notes.js';
import { AWS_DIFF_FORMATS, AWS_DIFF_RENDERERS } from '../../reports/diff/aws.js';
import { ExitError, UserError } from '../../util/errors.js';
import { loadIntent } from '../../analyses/intent/index.js';
import type { Intent } from '../../analyses/intent/types.js';
import { awsInventoryOf } from '../aws-inputs.js';
import { printDiagnostics, resolveIntentPath, type InputOptions } from '../common.js';
import { pickFormatOf, type FormatOpts } from '../options.js';
import { openReport } from '../output.js';
import { colorDiff } from '../color.js';
import { isSnapshotSpec } from '../store.js';

export interface AwsDiffOpts extends InputOptions, FormatOpts {
  plan?: string;
  intent?: string | false;
  failOn?: string;
  failOnNewViolation?: boolean;
  outputFile?: string;
}

/** The texts of one side, or undefined when it is not a file, directory or git spec (a stored snapshot). */
async function textsOf(spec: string): Promise<InputText[] | undefined> {
  if (isSnapshotSpec(spec)) return undefined;
  return isGitSpec(spec) ? readGitInputs(spec) : readInputs([spec]);
}

function isAws(texts: readonly InputText[] | undefined): boolean {
  return !!texts && texts.some((t) => !t.diagnostics?.length && awsFormatOf(t.text) !== undefined);
}

const OWN = new Set(['intent-file', 'settings-file', 'bulkhead-document']);

/** A file of Bulkhead's own (the intent, the settings, a report) that sits beside the inputs: not an input. */
function ownFile(t: InputText): boolean {
  const r = loadFromTexts([t]);
  const inv = r.inventory;
  const empty = [inv.namespaces, inv.workloads, inv.pods, inv.policies, inv.unmodelled, inv.customResources].every((l) => l.length === 0);
  return empty && r.diagnostics.length > 0 && r.diagnostics.every((d) => OWN.has(d.code));
}

/** Only AWS input on a side: manifests beside it would be silently left out of the comparison. */
function awsOnly(spec: string, texts: readonly InputText[]): InputText[] {
  const aws = texts.filter((t) => !t.diagnostics?.length && awsFormatOf(t.text) !== undefined);
  const other = texts.filter((t) => !aws.includes(t) && t.text.trim() !== '' && !ownFile(t));
  if (other.length) throw new UserError(`${spec} holds both AWS input and other files (${other[0]!.path})`, 'diff compares AWS input with AWS input, or manifests with manifests: give each kind on its own');
  return aws;
}

/**
 * Runs the AWS diff when the sides are AWS input (or `--plan` is given); false when they are not, so the
 * cluster diff runs. Exit 2 (UserError) when one side is AWS and the other is not.
 */
export async function maybeAwsDiff(oldSpec: string | undefined, newSpec: string | undefined, opts: AwsDiffOpts, live: boolean): Promise<boolean> {
  let plan = opts.plan;
  let oldTexts: InputText[] | undefined;
  if (plan === undefined && oldSpec !== undefined && newSpec === undefined && !live) {
    // `diff plan.json`: one Terraform plan holds both sides.
    oldTexts = await textsOf(oldSpec);
    if (oldTexts && oldTexts.length === 1 && isTerraformPlanText(oldTexts[0]!.text)) plan = oldSpec;
    else return false;
  }
  if (plan !== undefined) {
    if (newSpec !== undefined || (oldSpec !== undefined && oldSpec !== plan)) throw new UserError('--plan takes one plan and no OLD or NEW', 'the plan holds both sides: its prior state and its after-state');
    if (live) throw new UserError('--plan and --cluster do not go together');
    const texts = oldTexts ?? (await textsOf(plan)) ?? [];
    if (texts.length !== 1 || !isTerraformPlanText(texts[0]!.text)) throw new UserError(`${plan} is not \`terraform show -json\` output of a plan`, 'run terraform plan -out=tfplan && terraform show -json tfplan > plan.json');
    const gate = gateOf(opts, [plan]);
    await run(awsInventoryOf(texts, 'prior'), awsInventoryOf(texts, 'planned'), `${plan} (prior state)`, `${plan} (planned)`, opts, gate);
    return true;
  }
  if (oldSpec === undefined || newSpec === undefined) return false;
  const o = await textsOf(oldSpec);
  const n = await textsOf(newSpec);
  const oa = isAws(o);
  const na = isAws(n);
  if (!oa && !na) return false;
  if (oa !== na) throw new UserError(`${oa ? oldSpec : newSpec} is AWS input and ${oa ? newSpec : oldSpec} is not`, 'diff compares AWS input with AWS input (describe-* snapshots, collector files, Terraform JSON), or manifests with manifests');
  if (live) throw new UserError('--cluster compares with the live cluster, not with AWS input');
  // The intent is found beside the new side (the one under review), as the cluster's diff finds it.
  const gate = gateOf(opts, isGitSpec(newSpec) ? [] : [newSpec]);
  await run(awsInventoryOf(awsOnly(oldSpec, o!)), awsInventoryOf(awsOnly(newSpec, n!)), oldSpec, newSpec, opts, gate);
  return true;
}

interface Gate {
  readonly intent?: Intent;
  readonly failOnNew: boolean;
}

/** The intent (given, or bulkhead.yaml beside `near`) and whether --fail-on new-violation gates the exit code. */
function gateOf(opts: AwsDiffOpts, near: readonly string[]): Gate {
  if (opts.failOn !== undefined && opts.failOn !== 'new-violation' && opts.failOn !== 'none') throw new UserError(`unknown --fail-on "${opts.failOn}" for diff`, 'choose new-violation or none');
  const failOnNew = opts.failOnNewViolation === true || opts.failOn === 'new-violation';
  const path = resolveIntentPath(near, opts);
  if (failOnNew && !path) throw new UserError('--fail-on new-violation needs --intent, and no bulkhead.yaml was found beside the new side', 'give --intent FILE: it says which paths are allowed');
  return { failOnNew, ...(path ? { intent: loadIntent(path) } : {}) };
}

async function run(oldInv: ReturnType<typeof awsInventoryOf>, newInv: ReturnType<typeof awsInventoryOf>, oldName: string, newName: string, opts: AwsDiffOpts, gate: Gate): Promise<void> {
  const format = pickFormatOf(opts, AWS_DIFF_FORMATS);
  const out = openReport(opts.outputFile);
  const tag = <T extends object>(xs: readonly T[], side: string): T[] => xs.map((d) => ({ ...d, message: `${side}: ${(d as { message?: string }).message ?? ''}` }));
  printDiagnostics([...tag(oldInv.diagnostics, 'before'), ...tag(newInv.diagnostics, 'after')], opts, !out.toFile);
  const result = diffAws(analyseAwsInventory(oldInv), analyseAwsInventory(newInv), { oldName, newName, ...(gate.intent ? { intent: gate.intent } : {}) });
  const text = AWS_DIFF_RENDERERS[format](result, comparisonNotes(awsNotesOf(oldInv), awsNotesOf(newInv)));
  await out.write(format === 'text' && out.color ? colorDiff(text) : text);
  out.end();
  if (!gate.failOnNew) return;
  const added = result.drift?.introducedPaths ?? 0;
  if (added > 0) throw new ExitError(1, `bulkhead: the change opens ${added} ${added === 1 ? 'path that violates' : 'paths that violate'} the intent (--fail-on new-violation)`);
  // A change that breaks an input, or adds what Bulkhead cannot judge, is not known to be safe.
  const newErrors = newInv.diagnostics.filter((d) => d.severity === 'error').length;
  const unjudged = result.unmodelled.filter((c) => c.change !== 'removed').length;
  if (newErrors > 0 || unjudged > 0) {
    const why = [newErrors ? `${newErrors} input error(s) in ${newName}` : '', unjudged ? `${unjudged} setting(s) that may change traffic are not evaluated` : ''].filter(Boolean).join(' and ');
    throw new ExitError(1, `bulkhead: the change cannot be judged safe: ${why} (--fail-on new-violation)`);
  }
}
