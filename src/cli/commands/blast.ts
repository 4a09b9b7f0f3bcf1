import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { blast, type BlastResult } from '../../analyses/blast.js';
import { segmentView } from '../../analyses/segment-view.js';
import { loadIntent } from '../../analyses/intent/index.js';
import { endpointFilter } from '../../analyses/endpoint-filter.js';
import { blastExcludes, scopeBlast } from '../../analyses/blast-scope.js';
import { BLAST_FORMATS, type BlastFormat } from '../../reports/blast/index.js';
import { UserError } from '../../util/errors.js';
import { collect, loadInputs, resolveIntentPath, type InputOptions } from '../common.js';
import { filterOptions, formatOption, intentOptions, levelOption, outputFileOption, pickFormatOf, pickLevel, withInputOptions, type FormatOpts } from '../options.js';
import { openReport } from '../output.js';
import { progress } from '../progress.js';

interface BlastOpts extends InputOptions, FormatOpts {
  level: string;
  from?: string;
  hops?: string;
  target?: string[];
  intent?: string | false;
  namespace?: string;
  selector?: string;
  exclude?: string[];
}

export function registerBlast(program: Command): void {
  const cmd = program
    .command('blast')
    .description('blast radius: what a compromised endpoint reaches, directly and by lateral movement; without --from, every workload ranked')
    .argument('[inputs...]', 'manifest files or directories (recursed), or - for stdin; none with --cluster')
    .option('--from <endpoint>', 'the compromised workload (ns/name), pod (ns/pod with --level pod), glob (prod/*), IP address or CIDR, or a segment of --intent')
    .option('--hops <n>', 'stop after this many hops (1 = direct reach only)')
    .option('-t, --target <spec>', 'a sensitive target to highlight: segment name, workload, glob or address (repeatable)', collect)
    .option('--exclude <spec>', 'a pivot to leave out of paths and the ranking (cluster DNS...): workload, glob or segment (repeatable); segments with infrastructure: true in the intent are left out too', collect);
  intentOptions(cmd, 'segments (boundaries, --from SEGMENT) and sensitive segments to highlight');
  formatOption(cmd, Object.keys(BLAST_FORMATS));
  outputFileOption(cmd);
  levelOption(cmd);
  filterOptions(cmd, 'without --from: rank only the endpoints');
  withInputOptions(cmd).action(async (inputs: string[], opts: BlastOpts) => {
    const format = pickFormatOf(opts, Object.keys(BLAST_FORMATS) as BlastFormat[]);
    const level = pickLevel(opts.level);
    let hops: number | undefined;
    if (opts.hops !== undefined) {
      hops = Number(opts.hops);
      if (!/^\d+$/.test(opts.hops) || hops < 1) throw new UserError(`bad --hops "${opts.hops}"`, 'give a whole number of hops, 1 or more');
    }
    const keep = endpointFilter({ ...(opts.namespace ? { namespaces: [opts.namespace] } : {}), ...(opts.selector !== undefined ? { selector: opts.selector } : {}) });
    if (keep && opts.from !== undefined) throw new UserError('-n/-l narrow the ranking, which --from replaces', 'give --from alone, or -n/-l without --from');
    const intentPath = resolveIntentPath(inputs, opts);
    const intent = intentPath ? loadIntent(intentPath) : undefined;
    const out = openReport(opts.outputFile);
    progress.phase('loading');
    const { inventory, notes } = await loadInputs(inputs, opts, !out.toFile);
    progress.phase('analysing');
    const analysis = analyze(inventory);
    const exclude = blastExcludes(intent, opts.exclude);
    const result: BlastResult = blast(analysis, {
      ...(intent ? { segments: segmentView(analysis, intent) } : {}),
      level,
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(hops !== undefined ? { hops } : {}),
      ...(opts.target ? { targets: opts.target } : {}),
      ...(exclude.length ? { exclude } : {}),
    });
    const shown = scopeBlast(result, keep);
    progress.done();
    await out.write(BLAST_FORMATS[format](shown, notes), format === 'html');
    out.end();
  });
}
