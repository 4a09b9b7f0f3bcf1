/** The AWS half of `diff` once a side is known to hold AWS input: loaded lazily by diff-aws.ts. */
import type { InputText } from '../../sources/input-files.js';
import type { AwsInventory } from '../../inventory/aws/types.js';
import { gateDiff } from './diff-cluster.js';
import { awsDiffOf, gateOf, type Gate } from './diff-aws-layer.js';
import { AWS_DIFF_FORMATS } from '../../reports/diff/aws.js';
import { awsInventoryOf } from '../aws-load.js';
import { pickFormatOf } from '../options.js';
import { openReport } from '../output.js';
import { colorDiff } from '../color.js';
import type { AwsDiffOpts } from './diff-aws.js';

export { gateOf } from './diff-aws-layer.js';
export { mixedDiff } from './diff-mixed.js';

/** A Terraform plan's prior state against its after-state. */
export async function planDiff(texts: readonly InputText[], plan: string, opts: AwsDiffOpts): Promise<void> {
  const gate = gateOf(opts, [plan]);
  await run(awsInventoryOf(texts, 'prior'), awsInventoryOf(texts, 'planned'), `${plan} (prior state)`, `${plan} (planned)`, opts, gate);
}

/** Two sides that hold AWS input only. */
export async function awsOnlyDiff(oldTexts: readonly InputText[], newTexts: readonly InputText[], oldName: string, newName: string, opts: AwsDiffOpts, gate: Gate): Promise<void> {
  await run(awsInventoryOf(oldTexts), awsInventoryOf(newTexts), oldName, newName, opts, gate);
}

async function run(oldInv: AwsInventory, newInv: AwsInventory, oldName: string, newName: string, opts: AwsDiffOpts, gate: Gate): Promise<void> {
  const format = pickFormatOf(opts, AWS_DIFF_FORMATS);
  const out = openReport(opts.outputFile);
  const { text, verdict } = awsDiffOf(oldInv, newInv, oldName, newName, format, gate, opts, !out.toFile);
  await out.write(format === 'text' && out.color ? colorDiff(text) : text);
  out.end();
  if (gate.failOnNew) gateDiff([verdict]);
}
