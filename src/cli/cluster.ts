/** The options every command takes to read a live cluster (--cluster, --context, --kubeconfig, -n), and progress. */
import type { Command } from 'commander';
import { UserError } from '../util/errors.js';
import { readLiveCluster, type ClusterRead } from '../sources/k8s/live/index.js';
import type { Settings } from '../settings/index.js';

export interface ClusterCliOptions {
  readonly cluster?: boolean;
  readonly context?: string;
  readonly kubeconfig?: string;
  /** Set from -n/--namespace when given on the command line: with --cluster it limits the namespaces read. */
  readonly clusterNamespaces?: readonly string[];
  readonly quiet?: boolean;
}

/** Adds --cluster, --context and --kubeconfig to a command; -n given on the command line also limits what is read. */
export function addClusterOptions(cmd: Command): Command {
  // reach and blast filter endpoints with -n; elsewhere -n only limits what --cluster reads.
  const own = cmd.options.some((o) => o.long === '--namespace');
  if (!own) cmd.option('-n, --namespace <ns>', 'with --cluster: read only these namespaces (comma-separated)');
  cmd
    .option('--cluster', 'read the cluster of the kubeconfig context (instead of, or beside, files); -n NS[,NS...] limits the namespaces read')
    .option('--context <name>', 'kubeconfig context to read (implies --cluster)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, the in-cluster service account; implies --cluster)')
    .hook('preAction', (c) => {
      if (c.getOptionValueSource('namespace') !== 'cli') return;
      if (!own && !wantsCluster(c.opts())) throw new UserError('-n limits the namespaces --cluster reads', 'give --cluster, or name the files of those namespaces');
      const ns = String(c.getOptionValue('namespace'))
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      c.setOptionValue('clusterNamespaces', ns);
    });
  return cmd;
}

/** True when the options ask for the live cluster. */
export function wantsCluster(o: ClusterCliOptions): boolean {
  return o.cluster === true || o.context !== undefined || o.kubeconfig !== undefined;
}

/** Per-kind progress on a terminal; nothing in CI, in pipes or with -q. */
export function progressPrinter(quiet: boolean | undefined): ((e: { type: { kind: string; resource: string }; done: boolean; count: number }) => void) | undefined {
  if (quiet || process.stderr.isTTY !== true || process.env['CI']) return undefined;
  return (e) => {
    process.stderr.write(e.done ? `\r\x1b[Kread ${e.count} ${e.type.resource}\n` : `\r\x1b[Kreading ${e.type.resource}...`);
  };
}

/** Reads the cluster the options name. */
export async function readClusterFor(o: ClusterCliOptions, settings: Settings): Promise<ClusterRead> {
  const progress = progressPrinter(o.quiet);
  return readLiveCluster({
    ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.context !== undefined ? { context: o.context } : {}),
    ...(o.clusterNamespaces ? { namespaces: o.clusterNamespaces } : {}),
    operators: settings.operators,
    ...(progress ? { progress } : {}),
  });
}
