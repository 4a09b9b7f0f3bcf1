#!/usr/bin/env node
/** The bulkhead command line: a thin front end that assembles options and calls the library. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ExitError, UserError } from '../util/errors.js';
import { fsErrorWords, isFsError } from '../util/fs-errors.js';
import { registerReach } from './commands/reach.js';
import { registerExplain } from './commands/explain.js';
import { registerBlast } from './commands/blast.js';
import { registerDiff } from './commands/diff.js';
import { registerAudit } from './commands/audit.js';
import { registerInit } from './commands/init.js';
import { registerTest } from './commands/test.js';
import { registerChecks } from './commands/checks.js';
import { registerCompletion } from './commands/completion.js';
import { VERSION } from '../version.js';
import { progress } from './progress.js';
import { registerCollect } from './commands/collect.js';
import { addClusterOptions } from './cluster.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerHistory } from './commands/history.js';
import { registerFlows } from './commands/flows.js';
import { registerReview } from './commands/review.js';
import { registerPropose } from './commands/propose.js';

/** The bulkhead program with every command (also read by completion and the README option table). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('bulkhead')
    .description('Audit network segmentation: what can reach what, whether it is what you meant, and how far a compromise spreads.')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  registerReach(program);
  registerExplain(program);
  registerBlast(program);
  registerDiff(program);
  registerAudit(program);
  registerInit(program);
  registerTest(program);
  registerCollect(program);
  // Every command that reads inputs can read a live cluster (docs/live.md).
  for (const c of program.commands) addClusterOptions(c);
  registerSnapshot(program);
  registerHistory(program);
  registerFlows(program);
  registerReview(program);
  registerPropose(program);
  registerChecks(program);
  registerCompletion(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    progress.done();
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`bulkhead: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      return 2;
    }
    if (e instanceof ExitError) {
      if (e.message) process.stderr.write(`${e.message}\n`);
      return e.code;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    // Any other failure of the operating system on a file (unreadable, full disk) is the user's to fix.
    if (isFsError(e)) {
      process.stderr.write(`bulkhead: cannot ${e.syscall} ${e.path ?? ''}: ${fsErrorWords(e)}\n`.replace(' :', ':'));
      return 2;
    }
    process.stderr.write(`bulkhead: internal error: ${(e as Error).stack ?? String(e)}\nThis is a bug in Bulkhead: please report it with the command line and, if you can, the input.\n`);
    return 3;
  }
}

/** True when this module is the program being run (through the npm bin symlink too), not imported for buildProgram. */
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  process.exitCode = await main(process.argv);
}
