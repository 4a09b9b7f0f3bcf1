/** `bulkhead collect --cluster DIR`: a snapshot of the live cluster that every command reads back as files. */
import type { Command } from 'commander';
import { writeSnapshot } from '../../sources/k8s/live/snapshot.js';
import { UserError } from '../../util/errors.js';
import { printDiagnostics, resolveSettings, type InputOptions } from '../common.js';
import { readClusterFor } from '../cluster.js';

/** Registers `bulkhead collect`. */
export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('write a snapshot of the live cluster (--cluster) to a directory, to audit, reproduce and diff later as files')
    .argument('<dir>', 'the directory to write (new, empty, or a previous snapshot, which is replaced)')
    .option('-n, --namespace <ns>', 'only these namespaces (comma-separated); cluster-scoped objects are always read', 'default')
    .option('-v, --verbose', 'also print informational notes')
    .option('-q, --quiet', 'print no progress or warnings')
    .option('--settings <file>', 'the settings file (operator kinds to read)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (dir: string, opts: InputOptions) => {
      if (opts.cluster !== true && opts.context === undefined && opts.kubeconfig === undefined) {
        throw new UserError('collect reads a cluster: give --cluster (and --context or --kubeconfig as needed)');
      }
      const settings = resolveSettings([], opts);
      const read = await readClusterFor(opts, settings);
      const m = writeSnapshot(dir, read);
      printDiagnostics(read.diagnostics, opts);
      const objects = m.resources.reduce((n, r) => n + r.count, 0);
      if (!opts.quiet) process.stderr.write(`wrote ${objects} object(s) of ${m.resources.length} kind(s) from cluster ${m.cluster} to ${dir}\n`);
    });
}
