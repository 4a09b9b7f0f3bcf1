/** Building the AWS model of AWS input files: loaded only when a run has AWS input (cli/aws-inputs.ts). */
import type { InputText } from '../sources/input-files.js';
import { awsFormatOf } from '../sources/aws/detect.js';
import { buildAwsInventory, scopeOfPath } from '../sources/aws/snapshot.js';
import { analyseAwsInventory } from '../analyses/aws/reach.js';
import { awsNotesOf } from '../analyses/aws/notes.js';
import { readTerraform, type TfSide } from '../sources/terraform/index.js';
import type { AwsInventory } from '../inventory/aws/types.js';
import type { AwsInput } from './aws-inputs.js';

/** The analysis and notes of a run's AWS input files. */
export function awsInputOf(texts: readonly InputText[]): AwsInput {
  const inventory = awsInventoryOf(texts);
  return { analysis: analyseAwsInventory(inventory), notes: awsNotesOf(inventory), files: texts.map((t) => t.path) };
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
