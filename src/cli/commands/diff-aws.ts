/**
 * `diff` over AWS input: two snapshots (describe-* directories, collector files or Terraform JSON, in any
 * mix), or one Terraform plan whose prior state is compared with its after-state (`diff plan.json`,
 * `diff --plan plan.json`).
 */
import { readInputs, type InputText } from '../../sources/input-files.js';
import { isGitSpec, readGitInputs } from '../../sources/git.js';
import { awsFormatOf } from '../../sources/aws/detect.js';
import { isTerraformPlanText } from '../../sources/terraform/index.js';
import { analyseAwsInventory } from '../../analyses/aws/reach.js';
import { awsNotesOf } from '../../analyses/aws/notes.js';
import { diffAws } from '../../analyses/aws/diff.js';
import { comparisonNotes } from '../../analyses/notes.js';
import { AWS_DIFF_FORMATS, AWS_DIFF_RENDERERS } from '../../reports/diff/aws.js';
import { UserError } from '../../util/errors.js';
import { awsInventoryOf } from '../aws-inputs.js';
import { printDiagnostics, type InputOptions } from '../common.js';
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

/** Only AWS input on a side: manifests beside it would be silently left out of the comparison. */
function awsOnly(spec: string, texts: readonly InputText[]): InputText[] {
  const aws = texts.filter((t) => !t.diagnostics?.length && awsFormatOf(t.text) !== undefined);
  const other = texts.filter((t) => !aws.includes(t) && t.text.trim() !== '');
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
    refuseIntent(opts);
    await run(awsInventoryOf(texts, 'prior'), awsInventoryOf(texts, 'planned'), `${plan} (prior state)`, `${plan} (planned)`, opts);
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
  refuseIntent(opts);
  await run(awsInventoryOf(awsOnly(oldSpec, o!)), awsInventoryOf(awsOnly(newSpec, n!)), oldSpec, newSpec, opts);
  return true;
}

function refuseIntent(opts: AwsDiffOpts): void {
  if (typeof opts.intent === 'string' || opts.failOn === 'new-violation' || opts.failOnNewViolation) {
    throw new UserError('intent segments for AWS input are not supported by diff yet', 'run diff without --intent and --fail-on new-violation');
  }
}

async function run(oldInv: ReturnType<typeof awsInventoryOf>, newInv: ReturnType<typeof awsInventoryOf>, oldName: string, newName: string, opts: AwsDiffOpts): Promise<void> {
  const format = pickFormatOf(opts, AWS_DIFF_FORMATS);
  const out = openReport(opts.outputFile);
  const tag = <T extends object>(xs: readonly T[], side: string): T[] => xs.map((d) => ({ ...d, message: `${side}: ${(d as { message?: string }).message ?? ''}` }));
  printDiagnostics([...tag(oldInv.diagnostics, 'before'), ...tag(newInv.diagnostics, 'after')], opts, !out.toFile);
  const result = diffAws(analyseAwsInventory(oldInv), analyseAwsInventory(newInv), { oldName, newName });
  const text = AWS_DIFF_RENDERERS[format](result, comparisonNotes(awsNotesOf(oldInv), awsNotesOf(newInv)));
  await out.write(format === 'text' && out.color ? colorDiff(text) : text);
  out.end();
}
