/** `bulkhead init`: a starting intent file from the manifests. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { draftIntent, renderIntentYaml } from '../../analyses/intent/init.js';
import { UserError } from '../../util/errors.js';
import { writeOutputFile } from '../../util/fs-errors.js';
import { loadInputs, type InputOptions } from '../common.js';

interface InitOpts extends InputOptions {
  output: string;
  force?: boolean;
}

/** Registers `bulkhead init`. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a starting intent file (bulkhead.yaml) from what the manifests allow today, for the team to edit')
    .argument('<inputs...>', 'manifest files or directories (recursed), or - for stdin')
    .option('-o, --output <file>', 'where to write it (- for stdout)', 'bulkhead.yaml')
    .option('--force', 'overwrite an existing file')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes (skipped kinds)')
    .option('-q, --quiet', 'print no warnings')
    .action(async (inputs: string[], opts: InitOpts) => {
      const toStdout = opts.output === '-';
      if (!toStdout && existsSync(opts.output) && !opts.force) throw new UserError(`${opts.output} already exists`, 'give --force to overwrite it, or -o another file');
      const { inventory } = await loadInputs(inputs, opts);
      const draft = draftIntent(analyze(inventory));
      const text = renderIntentYaml(draft, [
        `Starting intent written by \`bulkhead init ${inputs.join(' ')}\`.`,
        'The flows below are what the NetworkPolicies allow TODAY, not necessarily what should be:',
        'delete the ones nobody meant, narrow their ports, and add invariants (never, isolated, egress,',
        'sensitive). Then `bulkhead audit` reports every difference. Format: docs/intent.md.',
      ]);
      if (toStdout) process.stdout.write(text);
      else {
        writeOutputFile(opts.output, text, 'intent file');
        if (!opts.quiet) process.stderr.write(`wrote ${opts.output}: ${draft.segments.length} segments, ${draft.flows.length} flows\n`);
      }
    });
}
