import type { Command } from 'commander';
import { DIFF_FORMATS, type DiffFormat } from '../../reports/diff/index.js';
import { loadFromPaths, loadFromTexts, type LoadResult } from '../../sources/k8s/index.js';
import { isGitSpec, readGitInputs } from '../../sources/git.js';
import type { InputText } from '../../sources/input-files.js';
import { loadIntent } from '../../analyses/intent/index.js';
import { UserError } from '../../util/errors.js';
import { printDiagnostics, resolveIntentPath, resolveSettings, type InputOptions } from '../common.js';
import { filterOptions, formatOption, intentOptions, levelOption, outputFileOption, pickFormatOf, pickLevel, scopeOption, withInputOptions, type FormatOpts } from '../options.js';
import { clusterDiff, gateDiff, verdictOf } from './diff-cluster.js';
import { openReport } from '../output.js';
import { progress } from '../progress.js';
import { colorDiff } from '../color.js';
import type { Settings } from '../../settings/index.js';
import { readClusterFor, wantsCluster } from '../cluster.js';
import { inventoryOf } from '../../sources/k8s/live/index.js';
import { dbOption, isSnapshotSpec, pickSnapshot, snapshotPayload, storeSpec, withStore, type StoreOptions } from '../store.js';
import { rebuild, type Rebuilt } from '../../store/take.js';
import { maybeAwsDiff } from './diff-aws.js';

interface DiffOpts extends InputOptions, FormatOpts, StoreOptions {
  level: string;
  intent?: string | false;
  failOnNewViolation?: boolean;
  failOn?: string;
  plan?: string;
  namespace?: string;
  selector?: string;
}

/**
 * Loads one side: a file or directory, or `git:REF:path` read from the repository (or the texts already read of it). Each side is parsed on
 * its own: lending the first side's documents to the second (DocumentCache) keeps every parsed tree of the
 * first alive until the second is read, and promoting them costs more than parsing them again (at 150k
 * pods about 1.4 s more CPU for the two loads, and 360 MiB more peak memory).
 */
async function loadSide(spec: string, opts: DiffOpts, settings: Settings, reportCarriesThem: boolean, read: Map<string, InputText[]>): Promise<LoadResult> {
  const build = { ...(opts.defaultNamespace ? { defaultNamespace: opts.defaultNamespace } : {}), settings };
  // The texts maybeAwsDiff read to look for AWS input, when it did: not read again; taken out so that each side's can go once parsed.
  const texts = read.get(spec);
  read.delete(spec);
  const r = texts ? loadFromTexts(texts, build) : isGitSpec(spec) ? loadFromTexts(await readGitInputs(spec), build) : await loadFromPaths([spec], build);
  printDiagnostics(r.diagnostics, opts, reportCarriesThem);
  return r;
}

/** Both sides that are snapshot specs (`@3`, `@latest`, `@2026-09-01`), read from the store at once. */
async function loadSnapshots(specs: readonly string[], opts: DiffOpts): Promise<Map<string, Rebuilt>> {
  const out = new Map<string, Rebuilt>();
  const wanted = specs.filter(isSnapshotSpec);
  if (wanted.length === 0) return out;
  await withStore(storeSpec(opts, typeof opts.intent === 'string' ? opts.intent : undefined), async (store) => {
    const all = await store.snapshots();
    for (const spec of wanted) {
      const r = rebuild(await snapshotPayload(store, pickSnapshot(all, spec, store.location)));
      printDiagnostics(r.diagnostics, opts, true);
      out.set(spec, r);
    }
  });
  return out;
}

export function registerDiff(program: Command): void {
  const cmd = dbOption(program
    .command('diff')
    .description('what a change does to connectivity: pairs opened and closed, and the object changes that cause it')
    .argument('[old]', 'the snapshot before: file, directory, git:REF:path (read from the repository, work tree untouched), or a stored snapshot: @3, @latest, @latest~1, @2026-09-01, @label; AWS input too (describe-* snapshot, collector file, Terraform JSON), alone or beside manifests (a section per layer); a Terraform plan alone: its prior state against its after-state')
    .argument('[new]', 'the snapshot after: file, directory, git:REF:path, or a stored snapshot; omitted with --cluster: the live cluster'));
  formatOption(cmd, Object.keys(DIFF_FORMATS), 'md: a pull-request comment');
  outputFileOption(cmd);
  intentOptions(cmd, 'also report the violations the change introduces or fixes');
  cmd
    .option('--fail-on <what>', 'exit 1 on new-violation (the change introduces an intent violation, or cannot be judged safe), or none')
    .option('--fail-on-new-violation', 'the same as --fail-on new-violation')
    .option('--plan <file>', 'a Terraform plan (terraform show -json): compare its prior state with its after-state');
  levelOption(cmd);
  filterOptions(cmd, 'only changed connections with an endpoint');
  withInputOptions(cmd).action(async (oldArg: string | undefined, newArg: string | undefined, opts: DiffOpts) => {
    const live = wantsCluster(opts);
    const aws = await maybeAwsDiff(oldArg, newArg, opts, live);
    if (aws.done) return;
    const read = aws.read;
    if (oldArg === undefined) throw new UserError('diff needs the snapshot before', 'give OLD and NEW, or --plan PLAN.json for a Terraform plan');
    const oldSpec = oldArg;
    if (newArg === undefined && !live) throw new UserError('diff needs the snapshot after', 'give NEW (file, directory, git:REF:path), or --cluster to compare OLD with the live cluster');
    if (newArg !== undefined && live) throw new UserError('diff takes NEW or --cluster, not both', 'with --cluster the live cluster is the snapshot after');
    const format = pickFormatOf(opts, Object.keys(DIFF_FORMATS) as DiffFormat[]);
    const level = pickLevel(opts.level);
    if (opts.failOn !== undefined && opts.failOn !== 'new-violation' && opts.failOn !== 'none') throw new UserError(`unknown --fail-on "${opts.failOn}" for diff`, 'choose new-violation or none');
    const failOnNew = opts.failOnNewViolation === true || opts.failOn === 'new-violation';
    const scope = scopeOption(opts);
    // The intent is found beside the new side (the one under review), as audit finds it beside its inputs.
    const stored = await loadSnapshots([oldSpec, ...(newArg !== undefined ? [newArg] : [])], opts);
    const storedNew = newArg !== undefined ? stored.get(newArg) : undefined;
    const fileNew = newArg !== undefined && !isGitSpec(newArg) && !isSnapshotSpec(newArg);
    const intentPath = resolveIntentPath(fileNew ? [newArg] : [], opts);
    // A stored snapshot brings its own intent and settings, as they were when it was taken.
    const intent = intentPath ? loadIntent(intentPath) : storedNew?.intent;
    if (failOnNew && !intent) throw new UserError('--fail-on new-violation needs --intent, and no bulkhead.yaml was found beside the new side', 'give --intent FILE: it says which paths are allowed');
    const settings = storedNew?.settings ?? resolveSettings(fileNew ? [newArg] : [oldSpec], opts);
    const out = openReport(opts.outputFile);
    progress.phase('loading');
    const o = stored.get(oldSpec) ?? (await loadSide(oldSpec, opts, settings, !out.toFile, read));
    let newSpec = newArg ?? '';
    let n: LoadResult;
    if (storedNew) n = storedNew;
    else if (newArg !== undefined) n = await loadSide(newArg, opts, settings, !out.toFile, read);
    else {
      const read = await readClusterFor(opts, settings);
      newSpec = `cluster ${read.cluster}`;
      n = inventoryOf(read, [], { settings });
      printDiagnostics(n.diagnostics, opts, !out.toFile);
    }
    if (o.inventory.pods.length === 0 && n.inventory.pods.length === 0) {
      throw new UserError(`nothing to compare: no workloads or pods in ${oldSpec} nor in ${newSpec}`, 'give manifests with Deployments, StatefulSets, DaemonSets, Jobs, CronJobs or Pods');
    }
    progress.phase('comparing');
    const { result, notes } = clusterDiff(o, n, { oldName: oldSpec, newName: newSpec, level, wholeCluster: settings.wholeCluster, ...(intent ? { intent } : {}), ...(scope ? { scope } : {}) });
    const text = DIFF_FORMATS[format](result, notes);
    progress.done();
    await out.write(format === 'text' && out.color ? colorDiff(text) : text);
    out.end();
    if (failOnNew) gateDiff([verdictOf(result, n.diagnostics, newSpec, 'object(s)')]);
  });
}
