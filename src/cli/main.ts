#!/usr/bin/env node
/** The bulkhead command line: a thin front end that assembles options and calls the library. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { ExitError, UserError } from '../util/errors.js';
import { fsErrorWords, isFsError } from '../util/fs-errors.js';
import { progress } from './progress.js';
import { buildProgram, soleCommand } from './program.js';

/** Runs the command line `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(soleCommand(argv))).parseAsync(argv);
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
