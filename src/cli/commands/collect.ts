/**
 * `bulkhead collect --cluster DIR` and `bulkhead collect --aws DIR`: a snapshot of the live cluster, or of an
 * AWS estate through the SDK, that every command reads back as files. One source per run: the two write
 * different layouts, and a half-written pair would be harder to trust than two directories.
 */
import type { Command } from 'commander';
import { writeSnapshot } from '../../sources/k8s/live/snapshot.js';
import type { CollectedFile } from '../../sources/aws/live/index.js';
import { UserError } from '../../util/errors.js';
import { collect, printDiagnostics, resolveSettings, type InputOptions } from '../common.js';
import { readClusterFor, wantsCluster } from '../cluster.js';

interface CollectOptions extends InputOptions {
  readonly aws?: boolean;
  readonly profile?: string;
  readonly region?: string[];
}

/** Registers `bulkhead collect`. */
export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('write a snapshot of the live cluster (--cluster) or of an AWS estate (--aws) to a directory, to audit, reproduce and diff later as files')
    .argument('<dir>', 'the directory to write (new, empty, or a previous snapshot, which is replaced)')
    .option('-n, --namespace <ns>', 'only these namespaces (comma-separated); cluster-scoped objects are always read', 'default')
    .option('--aws', 'read an AWS estate instead of a cluster: read-only EC2 calls (Describe*, Get*, Search*) with the SDK\'s default credential chain')
    .option('--profile <name>', 'with --aws: the profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, else default; implies --aws)')
    .option('--region <region>', 'with --aws: a region to read (repeatable; default: AWS_REGION or the profile\'s region; implies --aws)', collect)
    .option('-v, --verbose', 'also print informational notes')
    .option('-q, --quiet', 'print no progress or warnings')
    .option('--settings <file>', 'the settings file (operator kinds to read)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (dir: string, opts: CollectOptions, cmd: Command) => {
      const aws = opts.aws === true || opts.profile !== undefined || opts.region !== undefined;
      if (aws && wantsCluster(opts)) {
        throw new UserError('collect writes one snapshot at a time: --aws and --cluster cannot be combined', 'run collect --cluster DIR1 and collect --aws DIR2, then give both directories to reach or audit');
      }
      if (aws) {
        if (cmd.getOptionValueSource('namespace') === 'cli') throw new UserError('-n names Kubernetes namespaces: it has no meaning with --aws');
        await collectAwsTo(dir, opts);
        return;
      }
      if (!wantsCluster(opts)) {
        throw new UserError('collect reads a cluster or AWS: give --cluster (and --context or --kubeconfig as needed), or --aws (and --profile, --region as needed)');
      }
      const settings = resolveSettings([], opts);
      const read = await readClusterFor(opts, settings);
      const m = writeSnapshot(dir, read);
      printDiagnostics(read.diagnostics, opts);
      const objects = m.resources.reduce((n, r) => n + r.count, 0);
      if (!opts.quiet) process.stderr.write(`wrote ${objects} object(s) of ${m.resources.length} kind(s) from cluster ${m.cluster} to ${dir}\n`);
    });
}

function summary(files: readonly CollectedFile[]): string {
  return files.filter((f) => f.count > 0).map((f) => `${f.count} ${f.key}`).join(', ') || 'nothing';
}

async function collectAwsTo(dir: string, opts: CollectOptions): Promise<void> {
  // The EC2 SDK is large (about 0.7 s to load): only `collect --aws` pays for it.
  const { collectAws, defaultRegion, writeAwsSnapshot } = await import('../../sources/aws/live/index.js');
  const client = opts.profile !== undefined ? { profile: opts.profile } : {};
  const regions = opts.region && opts.region.length > 0 ? [...new Set(opts.region)] : [await defaultRegion(client)];
  const c = await collectAws({
    ...client,
    regions,
    progress: (region, files) => {
      if (!opts.quiet) process.stderr.write(`read ${region}: ${summary(files)}\n`);
    },
  });
  const m = writeAwsSnapshot(dir, c, opts.profile);
  if (!opts.quiet) for (const w of m.warnings) process.stderr.write(`warning: ${w}\n`);
  if (c.account === undefined && !opts.quiet) process.stderr.write('note: no VPC found, so no account directory: files are written under the region\n');
  const objects = m.files.reduce((n, f) => n + f.count, 0);
  if (!opts.quiet) process.stderr.write(`wrote ${objects} object(s) in ${m.files.length} file(s) of account ${c.account ?? 'unknown'} (${regions.join(', ')}) to ${dir}\n`);
}
