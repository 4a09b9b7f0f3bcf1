/**
 * The bulkhead program: the commands in the order `--help` lists them, each loaded only when asked for.
 * A run of one command loads that command's modules alone (a spawn costs about a third less), while
 * help, completion and the README's option table still see every command.
 */
import { Command } from 'commander';
import { VERSION } from '../version.js';

type Register = (program: Command) => void;

interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Register>;
  /** Reads inputs, so it can read a live cluster too (docs/live.md). */
  readonly readsInputs: boolean;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'reach', readsInputs: true, load: async () => (await import('./commands/reach.js')).registerReach },
  { name: 'explain', readsInputs: true, load: async () => (await import('./commands/explain.js')).registerExplain },
  { name: 'blast', readsInputs: true, load: async () => (await import('./commands/blast.js')).registerBlast },
  { name: 'diff', readsInputs: true, load: async () => (await import('./commands/diff.js')).registerDiff },
  { name: 'audit', readsInputs: true, load: async () => (await import('./commands/audit.js')).registerAudit },
  { name: 'init', readsInputs: true, load: async () => (await import('./commands/init.js')).registerInit },
  { name: 'test', readsInputs: true, load: async () => (await import('./commands/test.js')).registerTest },
  { name: 'collect', readsInputs: true, load: async () => (await import('./commands/collect.js')).registerCollect },
  { name: 'snapshot', readsInputs: false, load: async () => (await import('./commands/snapshot.js')).registerSnapshot },
  { name: 'history', readsInputs: false, load: async () => (await import('./commands/history.js')).registerHistory },
  { name: 'flows', readsInputs: false, load: async () => (await import('./commands/flows.js')).registerFlows },
  { name: 'review', readsInputs: false, load: async () => (await import('./commands/review.js')).registerReview },
  { name: 'propose', readsInputs: false, load: async () => (await import('./commands/propose.js')).registerPropose },
  { name: 'checks', readsInputs: false, load: async () => (await import('./commands/checks.js')).registerChecks },
  // Completion writes a script for every command registered, so it is never loaded alone.
  { name: 'completion', readsInputs: false, load: async () => (await import('./commands/completion.js')).registerCompletion },
];

/** The name of the one command `argv` runs, when it can be loaded alone (not help, completion or an unknown word); '' for the version alone. */
export function soleCommand(argv: readonly string[]): string | undefined {
  const word = argv[2];
  if (argv.length === 3 && (word === '-V' || word === '--version')) return '';
  return word !== undefined && word !== 'completion' && COMMANDS.some((c) => c.name === word) ? word : undefined;
}

/** The bulkhead program with every command, or with `only` that one (also read by completion and the README option table). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command();
  program
    .name('bulkhead')
    .description('Audit network segmentation: what can reach what, whether it is what you meant, and how far a compromise spreads.')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  const entries = COMMANDS.filter((c) => only === undefined || c.name === only);
  const registers = await Promise.all(entries.map((c) => c.load()));
  const { addClusterOptions } = await import('./cluster.js');
  for (const [i, c] of entries.entries()) {
    const before = program.commands.length;
    registers[i]!(program);
    if (c.readsInputs) for (const cmd of program.commands.slice(before)) addClusterOptions(cmd);
  }
  return program;
}
