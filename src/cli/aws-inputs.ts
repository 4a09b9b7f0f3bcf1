/** AWS snapshot files among a command's inputs: recognised by content, read apart from the manifests. */
import type { InputText } from '../sources/input-files.js';
import { awsFormatOf } from '../sources/aws/detect.js';
import { buildAwsInventory, scopeOfPath } from '../sources/aws/snapshot.js';
import { analyseAwsInventory, type AwsAnalysis } from '../analyses/aws/reach.js';
import { awsNotesOf } from '../analyses/aws/notes.js';
import type { Notes } from '../analyses/notes.js';
import { UserError } from '../util/errors.js';
import { readTerraform, type TfSide } from '../sources/terraform/index.js';
import type { AwsInventory } from '../inventory/aws/types.js';

export interface AwsInput {
  readonly analysis: AwsAnalysis;
  readonly notes: Notes;
  /** The files read as AWS input. */
  readonly files: readonly string[];
}

/**
 * Splits read inputs into manifests and AWS snapshot files; `command` names the command when it takes AWS
 * input (undefined: AWS input is refused with a clear message rather than read as manifests).
 */
export function splitAwsInputs(texts: readonly InputText[], command: string | undefined): { k8s: InputText[]; aws?: AwsInput } {
  const k8s: InputText[] = [];
  const aws: InputText[] = [];
  for (const t of texts) (!t.diagnostics?.length && awsFormatOf(t.text) ? aws : k8s).push(t);
  if (aws.length === 0) return { k8s };
  if (command === undefined) {
    throw new UserError(`${aws[0]!.path} is AWS input (describe-* output, collector file or Terraform JSON), which this command does not read yet`, 'reach, explain, audit, diff, init, blast and test take AWS input');
  }
  const inventory = awsInventoryOf(aws);
  return { k8s, aws: { analysis: analyseAwsInventory(inventory), notes: awsNotesOf(inventory), files: aws.map((t) => t.path) } };
}

/** Everything in two inventories (read from different files: each checked on its own). */
export function mergeAwsInventories(a: AwsInventory, b: AwsInventory): AwsInventory {
  const out: Record<string, unknown[]> = {};
  for (const k of Object.keys(a) as Array<keyof AwsInventory>) out[k] = [...(a[k] as readonly unknown[]), ...(b[k] as readonly unknown[])];
  return out as unknown as AwsInventory;
}

/** The AWS model of AWS input texts: describe-* and collector files together, each Terraform document on its own. */
export function awsInventoryOf(texts: readonly InputText[], side?: TfSide): AwsInventory {
  const tf = texts.filter((t) => awsFormatOf(t.text) === 'terraform');
  const rest = texts.filter((t) => !tf.includes(t));
  let inv = rest.length || tf.length === 0 ? buildAwsInventory(rest.map((t) => ({ path: t.path, text: t.text, ...scopeOfPath(t.path) }))) : undefined;
  for (const t of tf) {
    const one = readTerraform(t.path, t.text, side);
    inv = inv ? mergeAwsInventories(inv, one) : one;
  }
  return inv!;
}
