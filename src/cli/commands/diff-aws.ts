/**
 * `diff` over AWS input: two snapshots (describe-* directories, collector files or Terraform JSON, in any
 * mix), or one Terraform plan whose prior state is compared with its after-state (`diff plan.json`,
 * `diff --plan plan.json`); sides that hold manifests too get a Kubernetes and an AWS section (diff-mixed.ts).
 */
import { readInputs, type InputText } from '../../sources/input-files.js';
import { isGitSpec, readGitInputs } from '../../sources/git.js';
import { loadFromTexts } from '../../sources/k8s/index.js';
import { awsFormatOf } from '../../sources/aws/detect.js';
import { isTerraformPlanText } from '../../sources/terraform/document.js';
import { UserError } from '../../util/errors.js';
import type { InputOptions } from '../common.js';
import type { FormatOpts } from '../options.js';
import { isSnapshotSpec } from '../store.js';

export interface AwsDiffOpts extends InputOptions, FormatOpts {
  plan?: string;
  /** For the Kubernetes section of a mixed run: --level, -n, -l. */
  level?: string;
  namespace?: string;
  selector?: string;
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

const OWN = new Set(['intent-file', 'settings-file', 'bulkhead-document']);

/** A file of Bulkhead's own (the intent, the settings, a report) that sits beside the inputs: not an input. */
function ownFile(t: InputText): boolean {
  const r = loadFromTexts([t]);
  const inv = r.inventory;
  const empty = [inv.namespaces, inv.workloads, inv.pods, inv.policies, inv.unmodelled, inv.customResources].every((l) => l.length === 0);
  return empty && r.diagnostics.length > 0 && r.diagnostics.every((d) => OWN.has(d.code));
}

/** A side's texts by layer: AWS input, and manifests (files of Bulkhead's own and empty files are neither). */
export interface SideLayers {
  readonly aws: InputText[];
  readonly k8s: InputText[];
}

/** The AWS texts of a side. */
function awsOf(texts: readonly InputText[]): InputText[] {
  return texts.filter((t) => !t.diagnostics?.length && awsFormatOf(t.text) !== undefined);
}

/** The manifests of a side beside its AWS texts: ownFile parses every file, so only a run with AWS input asks. */
function layersOf(texts: readonly InputText[], aws: readonly InputText[]): SideLayers {
  const k8s = texts.filter((t) => !aws.includes(t) && t.text.trim() !== '' && !ownFile(t));
  return { aws: [...aws], k8s };
}

/**
 * What maybeAwsDiff did: the AWS diff ran (done), or no side holds AWS input and the cluster diff is to run,
 * with the texts of the sides it read to tell (by spec; git and file sides), so that they are not read again.
 */
export type AwsDiffOutcome = { readonly done: true } | { readonly done: false; readonly read: Map<string, InputText[]> };

const DONE: AwsDiffOutcome = { done: true };

/** The sides read, by spec (stored snapshots, which have no texts, left out). */
function read(sides: ReadonlyArray<readonly [string, InputText[] | undefined]>): Map<string, InputText[]> {
  const out = new Map<string, InputText[]>();
  for (const [spec, texts] of sides) if (texts) out.set(spec, texts);
  return out;
}

/** The AWS readers, engine and reports, loaded only once a side is known to hold AWS input (test/startup.test.ts). */
function awsRun(): Promise<typeof import('./diff-aws-run.js')> {
  return import('./diff-aws-run.js');
}

/**
 * Runs the AWS diff when a side holds AWS input (or `--plan` is given), alone or beside the cluster's when a
 * side holds manifests too (src/cli/commands/diff-mixed.ts); not done when no side holds AWS input, so the
 * cluster diff runs. Exit 2 (UserError) when the two sides share no layer (AWS input against manifests).
 */
export async function maybeAwsDiff(oldSpec: string | undefined, newSpec: string | undefined, opts: AwsDiffOpts, live: boolean): Promise<AwsDiffOutcome> {
  let plan = opts.plan;
  let oldTexts: InputText[] | undefined;
  if (plan === undefined && oldSpec !== undefined && newSpec === undefined && !live) {
    // `diff plan.json`: one Terraform plan holds both sides.
    oldTexts = await textsOf(oldSpec);
    if (oldTexts && oldTexts.length === 1 && isTerraformPlanText(oldTexts[0]!.text)) plan = oldSpec;
    else return { done: false, read: read([[oldSpec, oldTexts]]) };
  }
  if (plan !== undefined) {
    if (newSpec !== undefined || (oldSpec !== undefined && oldSpec !== plan)) throw new UserError('--plan takes one plan and no OLD or NEW', 'the plan holds both sides: its prior state and its after-state');
    if (live) throw new UserError('--plan and --cluster do not go together');
    const texts = oldTexts ?? (await textsOf(plan)) ?? [];
    if (texts.length !== 1 || !isTerraformPlanText(texts[0]!.text)) throw new UserError(`${plan} is not \`terraform show -json\` output of a plan`, 'run terraform plan -out=tfplan && terraform show -json tfplan > plan.json');
    await (await awsRun()).planDiff(texts, plan, opts);
    return DONE;
  }
  if (oldSpec === undefined || newSpec === undefined) return { done: false, read: new Map() };
  const o = await textsOf(oldSpec);
  const n = await textsOf(newSpec);
  // A stored snapshot (undefined texts) holds the cluster only.
  const oAws = o ? awsOf(o) : [];
  const nAws = n ? awsOf(n) : [];
  const oa = oAws.length > 0;
  const na = nAws.length > 0;
  if (!oa && !na) return { done: false, read: read([[oldSpec, o], [newSpec, n]]) };
  const ol = o ? layersOf(o, oAws) : undefined;
  const nl = n ? layersOf(n, nAws) : undefined;
  const ok = ol ? ol.k8s.length > 0 : true;
  const nk = nl ? nl.k8s.length > 0 : true;
  // Sides with no layer in common: everything would be opened on one layer and closed on the other.
  if ((oa && !ok && !na) || (na && !nk && !oa)) throw new UserError(`${oa ? oldSpec : newSpec} is AWS input and ${oa ? newSpec : oldSpec} is not`, 'diff compares AWS input with AWS input (describe-* snapshots, collector files, Terraform JSON), or manifests with manifests; a side may hold both');
  if (live) throw new UserError('--cluster compares with the live cluster, not with AWS input');
  // The intent is found beside the new side (the one under review), as the cluster's diff finds it.
  const heavy = await awsRun();
  const gate = heavy.gateOf(opts, isGitSpec(newSpec) ? [] : [newSpec]);
  if (!ok && !nk) {
    await heavy.awsOnlyDiff(ol!.aws, nl!.aws, oldSpec, newSpec, opts, gate);
    return DONE;
  }
  if (!ol || !nl) throw new UserError(`${ol ? newSpec : oldSpec} is a stored snapshot, which holds the cluster only, and ${ol ? oldSpec : newSpec} holds AWS input too`, 'compare directories, files or git:REF:path on both sides');
  await heavy.mixedDiff({ spec: oldSpec, layers: ol }, { spec: newSpec, layers: nl }, opts, gate);
  return DONE;
}
