/** `bulkhead snapshot`: records the inputs, their connectivity, findings and segment health in the store. */
import type { Command } from 'commander';
import { readInputs } from '../../sources/input-files.js';
import { SETTINGS_NAMES } from '../../settings/index.js';
import { buildSnapshot } from '../../store/take.js';
import { contentHash } from '../../store/codec.js';
import { discoverFile, printDiagnostics, type InputOptions } from '../common.js';
import { dbOption, parseAt, parseSince, readNamedText, storeSpec, withStore, type StoreOptions } from '../store.js';

interface SnapshotOpts extends InputOptions, StoreOptions {
  intent?: string | false;
  label?: string;
  at?: string;
  keep?: string;
}

export const INTENT_NAMES = ['bulkhead.yaml', 'bulkhead.yml'];

/** KiB with one decimal. */
export function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

/** Registers `bulkhead snapshot`. */
export function registerSnapshot(program: Command): void {
  dbOption(
    program
      .command('snapshot')
      .description('record the inputs in the history store (inventory, connectivity, findings, segment health); unchanged inputs add nothing')
      .argument('<inputs...>', 'manifest files or directories (recursed), or - for stdin')
      .option('-i, --intent <file>', 'the intent file (default: bulkhead.yaml beside the inputs or in the working directory)')
      .option('--no-intent', 'record no intent, even when a bulkhead.yaml is found')
      .option('--label <label>', 'a name for the snapshot (diff @label)')
      .option('--at <time>', 'record it as taken at this ISO time (importing history); default now')
      .option('--keep <age>', 'afterwards delete snapshots and flows older than this (90d, 12w); the latest snapshot is always kept')
      .option('--default-namespace <ns>', 'namespace for objects that name none', 'default')
      .option('-v, --verbose', 'also print informational notes (skipped kinds)')
      .option('-q, --quiet', 'print no warnings')
      .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
      .option('--no-settings', 'ignore any bulkhead.settings.yaml'),
  ).action(async (inputs: string[], opts: SnapshotOpts) => {
    const now = new Date();
    const takenAt = parseAt(opts.at, now);
    const cutoff = opts.keep ? parseSince(opts.keep, now, '--keep') : undefined;
    const intentPath = opts.intent === false ? undefined : (opts.intent ?? discoverFile(inputs, INTENT_NAMES));
    const settingsPath = opts.settings === false ? undefined : (opts.settings ?? discoverFile(inputs, SETTINGS_NAMES));
    const s = {
      inputs,
      files: await readInputs(inputs),
      ...(opts.defaultNamespace && opts.defaultNamespace !== 'default' ? { namespace: opts.defaultNamespace } : {}),
      ...(intentPath ? { intent: readNamedText(intentPath, 'intent') } : {}),
      ...(settingsPath ? { settings: readNamedText(settingsPath, 'settings') } : {}),
    };
    const out = (line: string): void => void (opts.quiet ? undefined : process.stdout.write(`${line}\n`));
    await withStore(storeSpec(opts, intentPath), async (store) => {
      const all = await store.snapshots();
      const latest = all[all.length - 1];
      // Cheap check first: the same content as the latest snapshot needs no analysis.
      if (latest && latest.hash === contentHash(s)) {
        out(`unchanged since @${latest.id} (${latest.takenAt}): no new snapshot in ${store.location}`);
      } else {
        const { record, rebuilt } = buildSnapshot(s, takenAt, opts.label);
        printDiagnostics(rebuilt.diagnostics, opts, false);
        const { snapshot, created } = await store.addSnapshot(record);
        if (!created) out(`unchanged since @${snapshot.id} (${snapshot.takenAt}): no new snapshot in ${store.location}`);
        else {
          const f = snapshot.summary.findings;
          out(`snapshot @${snapshot.id} recorded in ${store.location}: ${snapshot.takenAt}${snapshot.label ? ` "${snapshot.label}"` : ''}, ${snapshot.summary.workloads} workload(s), ${snapshot.summary.policies} policies, ${f.error + f.warning + f.info} finding(s); ${kib(snapshot.bytes)} stored (${kib(snapshot.rawBytes)} raw)`);
        }
      }
      if (cutoff) {
        const gone = await store.prune(cutoff);
        out(`retention: deleted ${gone.snapshots} snapshot(s) and ${gone.flows} flow(s) older than ${cutoff}`);
      }
    });
  });
}
