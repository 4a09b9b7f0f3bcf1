import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { carryOverUnreadable, diffAnalyses } from '../../analyses/diff.js';
import { comparisonNotes, notesOf } from '../../analyses/notes.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { DIFF_FORMATS, type DiffFormat } from '../../reports/diff/index.js';
import { loadFromPaths, loadFromTexts, type LoadResult } from '../../sources/k8s/index.js';
import { isGitSpec, readGitInputs } from '../../sources/git.js';
import { loadIntent } from '../../analyses/intent/index.js';
import { ExitError, UserError } from '../../util/errors.js';
import { pickFormat, printDiagnostics, resolveSettings, type InputOptions } from '../common.js';
import type { Settings } from '../../settings/index.js';
import { dbOption, isSnapshotSpec, pickSnapshot, snapshotPayload, storeSpec, withStore, type StoreOptions } from '../store.js';
import { rebuild, type Rebuilt } from '../../store/take.js';

interface DiffOpts extends InputOptions, StoreOptions {
  format: string;
  level: string;
  intent?: string;
  failOnNewViolation?: boolean;
}

/** Loads one side: a file or directory, or `git:REF:path` read from the repository. */
async function loadSide(spec: string, opts: DiffOpts, settings: Settings): Promise<LoadResult> {
  const build = { ...(opts.namespace ? { defaultNamespace: opts.namespace } : {}), settings };
  const r = isGitSpec(spec) ? loadFromTexts(await readGitInputs(spec), build) : await loadFromPaths([spec], build);
  printDiagnostics(r.diagnostics, opts, true);
  return r;
}

/** Both sides that are snapshot specs (`@3`, `@latest`, `@2026-09-01`), read from the store at once. */
async function loadSnapshots(specs: readonly string[], opts: DiffOpts): Promise<Map<string, Rebuilt>> {
  const out = new Map<string, Rebuilt>();
  const wanted = specs.filter(isSnapshotSpec);
  if (wanted.length === 0) return out;
  await withStore(storeSpec(opts, opts.intent), async (store) => {
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
  dbOption(program
    .command('diff')
    .description('what a change does to connectivity: pairs opened and closed, and the object changes that cause it')
    .argument('<old>', 'the snapshot before: file, directory, git:REF:path (read from the repository, work tree untouched), or a stored snapshot: @3, @latest, @latest~1, @2026-09-01, @label')
    .argument('<new>', 'the snapshot after: file, directory, git:REF:path, or a stored snapshot')
    .option('-f, --format <format>', `output format: ${Object.keys(DIFF_FORMATS).join('|')} (md: a pull-request comment)`, 'text')
    .option('-i, --intent <file>', 'the intent file: also report the violations the change introduces or fixes')
    .option('--fail-on-new-violation', 'exit 1 when the change introduces an intent violation (needs --intent)')
    .option('-l, --level <level>', 'workload (namespace/name[Kind]) or pod', 'workload')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes (skipped kinds)')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml'))
    .action(async (oldSpec: string, newSpec: string, opts: DiffOpts) => {
      const format = pickFormat(opts.format, Object.keys(DIFF_FORMATS) as DiffFormat[]);
      if (opts.level !== 'workload' && opts.level !== 'pod') throw new UserError(`unknown level "${opts.level}"`, 'choose workload or pod');
      const stored = await loadSnapshots([oldSpec, newSpec], opts);
      const storedNew = stored.get(newSpec);
      // A stored snapshot brings its own settings and intent, as they were when it was taken.
      const intent = opts.intent ? loadIntent(opts.intent) : storedNew?.intent;
      if (opts.failOnNewViolation && !intent) throw new UserError('--fail-on-new-violation needs --intent', 'give the intent file that says which paths are allowed');
      const settings = storedNew?.settings ?? resolveSettings([newSpec], opts);
      const o = stored.get(oldSpec) ?? (await loadSide(oldSpec, opts, settings));
      const n = storedNew ?? (await loadSide(newSpec, opts, settings));
      if (o.inventory.pods.length === 0 && n.inventory.pods.length === 0) {
        throw new UserError(`nothing to compare: no workloads or pods in ${oldSpec} nor in ${newSpec}`, 'give manifests with Deployments, StatefulSets, DaemonSets, Jobs, CronJobs or Pods');
      }
      const carried = carryOverUnreadable(o.inventory, n.inventory, n.diagnostics, { old: oldSpec, new: newSpec });
      const result = diffAnalyses(analyze(o.inventory), analyze(carried.inventory), {
        level: opts.level,
        oldName: oldSpec,
        newName: newSpec,
        unreadable: carried.unreadable,
        wholeCluster: settings.wholeCluster,
        ...(intent ? { intent } : {}),
      });
      const notes = comparisonNotes(notesOf(o.inventory, o.diagnostics), notesOf(n.inventory, n.diagnostics));
      process.stdout.write(terminalSafe(DIFF_FORMATS[format](result, notes)));
      const added = result.drift?.introducedPaths ?? 0;
      if (opts.failOnNewViolation && added > 0) {
        throw new ExitError(1, `bulkhead: the change opens ${added} ${added === 1 ? 'path that violates' : 'paths that violate'} the intent (--fail-on-new-violation)`);
      }
      // A change that breaks a manifest, or adds what Bulkhead cannot judge, is not known to be safe.
      const newErrors = n.diagnostics.filter((d) => d.severity === 'error').length;
      const unjudged = result.unmodelled.filter((c) => c.change !== 'removed').length;
      if (opts.failOnNewViolation && (newErrors > 0 || unjudged > 0)) {
        const why = [newErrors ? `${newErrors} input error(s) in ${newSpec}` : '', unjudged ? `${unjudged} object(s) that may change traffic are not evaluated` : ''].filter(Boolean).join(' and ');
        throw new ExitError(1, `bulkhead: the change cannot be judged safe: ${why} (--fail-on-new-violation)`);
      }
    });
}
