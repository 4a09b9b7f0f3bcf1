/** AWS snapshot files among a command's inputs: recognised by content, read apart from the manifests. */
import type { InputText } from '../sources/input-files.js';
import { awsFormatOf } from '../sources/aws/detect.js';
import type { AwsAnalysis } from '../analyses/aws/reach.js';
import type { Notes } from '../analyses/notes.js';
import { UserError } from '../util/errors.js';

export interface AwsInput {
  readonly analysis: AwsAnalysis;
  readonly notes: Notes;
  /** The files read as AWS input. */
  readonly files: readonly string[];
}

/**
 * Splits read inputs into manifests and AWS snapshot files; `command` names the command when it takes AWS
 * input (undefined: AWS input is refused with a clear message rather than read as manifests). The AWS
 * readers and engine load only here, when there is AWS input.
 */
export async function splitAwsInputs(texts: readonly InputText[], command: string | undefined): Promise<{ k8s: InputText[]; aws?: AwsInput }> {
  const k8s: InputText[] = [];
  const aws: InputText[] = [];
  for (const t of texts) (!t.diagnostics?.length && awsFormatOf(t.text) ? aws : k8s).push(t);
  if (aws.length === 0) return { k8s };
  if (command === undefined) {
    throw new UserError(`${aws[0]!.path} is AWS input (describe-* output, collector file or Terraform JSON), which this command does not read yet`, 'reach, explain, audit, diff, init, blast and test take AWS input');
  }
  const { awsInputOf } = await import('./aws-load.js');
  return { k8s, aws: awsInputOf(aws) };
}
