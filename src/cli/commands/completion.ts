/** `bulkhead completion SHELL`: prints the completion script for bash, zsh or fish. */
import type { Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { UserError } from '../../util/errors.js';

/** Registers `bulkhead completion`; the script covers every command registered on `program`. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description(`print a shell completion script: ${SHELLS.join(', ')} (bash: source <(bulkhead completion bash))`)
    .argument('<shell>', SHELLS.join(' | '))
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UserError(`unknown shell "${shell}"`, `choose one of ${SHELLS.join(', ')}`);
      process.stdout.write(completionScript(program, shell as Shell));
    });
}
