import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { blast, type SegmentView } from '../../analyses/blast.js';
import { loadIntent, segmentsOf, type Intent } from '../../analyses/intent/index.js';
import type { Analysis } from '../../engine/index.js';
import { BLAST_FORMATS, type BlastFormat } from '../../reports/blast/index.js';
import { UserError } from '../../util/errors.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { collect, loadInputs, pickFormat, type InputOptions } from '../common.js';

interface BlastOpts extends InputOptions {
  format: string;
  level: string;
  from?: string;
  hops?: string;
  target?: string[];
  intent?: string;
  exclude?: string[];
}

/** Segment membership and sensitivity from an intent file. */
function segmentView(a: Analysis, intent: Intent): SegmentView {
  return { names: intent.segments.map((s) => s.name), sensitive: intent.sensitive, segmentsOf: (e) => segmentsOf(a, intent, e) };
}

export function registerBlast(program: Command): void {
  program
    .command('blast')
    .description('blast radius: what a compromised endpoint reaches, directly and by lateral movement; without --from, every workload ranked')
    .argument('<inputs...>', 'manifest files or directories (recursed), or - for stdin')
    .option('--from <endpoint>', 'the compromised workload (ns/name), pod (ns/pod with --level pod), glob (prod/*), IP address or CIDR, or a segment of --intent')
    .option('--hops <n>', 'stop after this many hops (1 = direct reach only)')
    .option('-i, --intent <file>', 'the intent file: segments (boundaries, --from SEGMENT) and sensitive segments to highlight')
    .option('-t, --target <spec>', 'a sensitive target to highlight: segment name, workload, glob or address (repeatable)', collect)
    .option('--exclude <spec>', 'a pivot to leave out of paths and the ranking (cluster DNS...): workload, glob or segment (repeatable); segments with infrastructure: true in the intent are left out too', collect)
    .option('-f, --format <format>', `output format: ${Object.keys(BLAST_FORMATS).join('|')}`, 'text')
    .option('-l, --level <level>', 'workload (namespace/name[Kind]) or pod', 'workload')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes (skipped kinds)')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (inputs: string[], opts: BlastOpts) => {
      const format = pickFormat(opts.format, Object.keys(BLAST_FORMATS) as BlastFormat[]);
      if (opts.level !== 'workload' && opts.level !== 'pod') throw new UserError(`unknown level "${opts.level}"`, 'choose workload or pod');
      let hops: number | undefined;
      if (opts.hops !== undefined) {
        hops = Number(opts.hops);
        if (!/^\d+$/.test(opts.hops) || hops < 1) throw new UserError(`bad --hops "${opts.hops}"`, 'give a whole number of hops, 1 or more');
      }
      const intent = opts.intent ? loadIntent(opts.intent) : undefined;
      const { inventory, notes } = await loadInputs(inputs, opts);
      const analysis = analyze(inventory);
      const exclude = [...(intent ? intent.segments.filter((s) => s.infrastructure).map((s) => s.name) : []), ...(opts.exclude ?? [])];
      const result = blast(analysis, {
        ...(intent ? { segments: segmentView(analysis, intent) } : {}),
        level: opts.level,
        ...(opts.from !== undefined ? { from: opts.from } : {}),
        ...(hops !== undefined ? { hops } : {}),
        ...(opts.target ? { targets: opts.target } : {}),
        ...(exclude.length ? { exclude } : {}),
      });
      const out = BLAST_FORMATS[format](result, notes);
      process.stdout.write(format === 'html' ? out : terminalSafe(out));
    });
}
