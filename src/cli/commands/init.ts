/** `bulkhead init`: a starting intent file from the manifests. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { draftIntent, renderIntentYaml } from '../../analyses/intent/init.js';
import { joinNotes } from '../../analyses/aws/notes.js';
import type { AwsAnalysis } from '../../analyses/aws/reach.js';
import type { Analysis } from '../../engine/index.js';
import type { DraftIntent } from '../../analyses/intent/init.js';
import { UserError } from '../../util/errors.js';
import { writeOutputFile } from '../../util/fs-errors.js';
import { loadInputs, type InputOptions } from '../common.js';
import { formatOption, outputFileOption, pickFormatOf, withInputOptions, type FormatOpts } from '../options.js';
import { wantsCluster } from '../cluster.js';
import { noteworthy, type Notes } from '../../analyses/notes.js';
import { notesHeadline } from '../../reports/notes.js';
import { oneLine } from '../../reports/safe-text.js';
import { formatSource } from '../../inventory/types.js';

/** Header lines that say what the drafted flows do not reflect (the file outlives the terminal session). */
function initCaveats(n: Notes): string[] {
  if (n.bound === 'exact') return [];
  const list = noteworthy(n).filter((d) => d.severity === 'error' || d.code === 'unmodelled-kind' || d.code === 'unsupported-policy-kind');
  return [
    '',
    `CAVEAT: these flows are not exact: ${notesHeadline(n)}.`,
    ...list.slice(0, 20).map((d) => `  ${d.severity} ${d.source ? `${formatSource(d.source)}: ` : ''}${oneLine(d.message)}`),
    ...(list.length > 20 ? [`  ... and ${list.length - 20} more`] : []),
  ];
}

/**
 * The estate's intent alone, or one intent for the cluster and the estate: the cluster's segments, the
 * estate's (named apart), shared outside pieces. The cloud's modules load only here.
 */
async function awsDraft(k8s: Analysis | undefined, aws: AwsAnalysis): Promise<DraftIntent> {
  const [{ draftAwsIntent }, { mergeDrafts }] = await Promise.all([import('../../analyses/aws/init.js'), import('../../analyses/aws/init-mixed.js')]);
  if (!k8s) return draftAwsIntent(aws);
  const cluster = draftIntent(k8s, { outsideGroup: false });
  const estate = draftAwsIntent(aws, cluster.segments.map((s) => s.name));
  return mergeDrafts(
    { draft: cluster, outside: k8s.externals().map((x) => x.range) },
    { draft: estate, outside: aws.streamReach().view.externals.flatMap((x) => x.ranges) },
  );
}

interface InitOpts extends InputOptions, FormatOpts {
  outputFile: string;
  force?: boolean;
}

/** Registers `bulkhead init`. */
export function registerInit(program: Command): void {
  const cmd = program
    .command('init')
    .description('write a starting intent file (bulkhead.yaml) from what the manifests (or an AWS snapshot) allow today, for the team to edit')
    .argument('[inputs...]', 'manifest files or directories (recursed), an AWS snapshot directory, or - for stdin; none with --cluster');
  formatOption(cmd, ['yaml']);
  outputFileOption(cmd, 'the intent file', 'bulkhead.yaml');
  cmd.option('--force', 'overwrite an existing file');
  withInputOptions(cmd).action(async (inputs: string[], opts: InitOpts) => {
    pickFormatOf(opts, ['yaml'] as const);
    const file = opts.outputFile;
    const toStdout = file === '-';
    if (!toStdout && existsSync(file) && !opts.force) throw new UserError(`${file} already exists`, 'give --force to overwrite it, or --output-file another file');
    const { inventory, notes: k8sNotes, aws } = await loadInputs(inputs, opts, false, 'init');
    const mixed = aws !== undefined && inventory.pods.length > 0;
    const notes = mixed ? joinNotes(k8sNotes, aws.notes) : aws ? aws.notes : k8sNotes;
    const draft = aws ? await awsDraft(mixed ? analyze(inventory) : undefined, aws.analysis) : draftIntent(analyze(inventory));
    const text = renderIntentYaml(draft, [
      `Starting intent written by \`bulkhead init ${[...inputs, ...(wantsCluster(opts) ? ['--cluster'] : [])].join(' ')}\`.`,
      `The flows below are what the ${mixed ? 'policies, security groups, network ACLs and routes' : aws ? 'security groups, network ACLs and routes' : 'policies'} allow TODAY, not necessarily what should be:`,
      'delete the ones nobody meant, narrow their ports, and add invariants (never, isolated, egress,',
      'sensitive). Then `bulkhead audit` reports every difference. Format: docs/intent.md.',
      ...initCaveats(notes),
    ]);
    if (toStdout) process.stdout.write(text);
    else {
      writeOutputFile(file, text, 'intent file');
      if (!opts.quiet) process.stderr.write(`wrote ${file}: ${draft.segments.length} segments, ${draft.flows.length} flows\n`);
    }
  });
}
