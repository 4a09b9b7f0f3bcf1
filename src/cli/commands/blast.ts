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
import type { ClusterSide } from './blast-aws.js';
import type { Analysis } from '../../engine/index.js';
import type { Notes } from '../../analyses/notes.js';
import type { Intent } from '../../analyses/intent/types.js';
import { clusterEndpoints, endpointMatcher, externalEndpoint, type Level } from '../../analyses/endpoints.js';

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
    .argument('[inputs...]', 'manifest files or directories (recursed), AWS snapshot directories (describe-* JSON), or - for stdin; none with --cluster')
    .option('--from <endpoint>', 'the compromised workload (ns/name), pod (ns/pod with --level pod), glob (prod/*), IP address or CIDR, or a segment of --intent; for AWS input an ENI, instance or endpoint id, Name tag, VPC, subnet or group id, tag:KEY=VALUE, address, or internet')
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
    const { inventory, notes, aws } = await loadInputs(inputs, opts, !out.toFile, 'blast');
    progress.phase('analysing');
    const k8sReport = (exclude: readonly string[], targets: readonly string[], shownNotes: typeof notes, analysis = analyze(inventory)): string => {
      const result: BlastResult = blast(analysis, {
        ...(intent ? { segments: segmentView(analysis, intent) } : {}),
        level,
        ...(opts.from !== undefined ? { from: opts.from } : {}),
        ...(hops !== undefined ? { hops } : {}),
        ...(targets.length ? { targets } : {}),
        ...(exclude.length ? { exclude } : {}),
      });
      const shown = scopeBlast(result, keep);
      return BLAST_FORMATS[format](shown, shownNotes);
    };
    let text: string;
    if (aws) {
      // AWS input: alone, or a section after the cluster's (src/cli/commands/blast-aws.ts, loaded only for it).
      const { awsBlastOutput } = await import('./blast-aws.js');
      const cluster = inventory.pods.length > 0 ? clusterSide(analyze(inventory), level, notes, intent, (e, t, n, a) => k8sReport(e, t, n, a)) : undefined;
      if (!cluster && keep) throw new UserError('-n/-l narrow the ranking of Kubernetes workloads; the input is AWS only', 'leave them out, or narrow with --exclude');
      if (!cluster && level === 'pod') throw new UserError('--level pod applies to Kubernetes input; the input is AWS only', 'leave --level out');
      text = awsBlastOutput(aws, { format, ...(opts.from !== undefined ? { from: opts.from } : {}), ...(hops !== undefined ? { hops } : {}), ...(intent ? { intent } : {}), targets: opts.target ?? [], exclude: opts.exclude ?? [] }, cluster);
    } else text = k8sReport(blastExcludes(intent, opts.exclude), opts.target ?? [], notes);
    progress.done();
    await out.write(text, format === 'html');
    out.end();
  });
}

/** The cluster's side of a run over manifests and AWS input: which specs it names, and its report. */
function clusterSide(a: Analysis, level: Level, notes: Notes, intent: Intent | undefined, report: (exclude: readonly string[], targets: readonly string[], notes: Notes, a: Analysis) => string): ClusterSide {
  const ends = clusterEndpoints(a, level).map((e) => e.endpoint);
  const outside = a.externals().map((x) => externalEndpoint(x).endpoint);
  const seg = intent ? segmentView(a, intent) : undefined;
  // A segment counts on the cluster's side only when it holds a workload there.
  const inSegment = (name: string): boolean => ends.some((e) => seg!.segmentsOf(e).includes(name));
  return {
    notes,
    matches(spec, what) {
      if (seg?.names.includes(spec)) return inSegment(spec) || (what === 'target' && seg.sensitive.has(spec));
      const m = endpointMatcher(spec);
      return ends.some(m) || (what === 'target' && outside.some(m));
    },
    render: (exclude, targets, n) => report([...(intent ? intent.segments.filter((s) => s.infrastructure && !exclude.includes(s.name) && inSegment(s.name)).map((s) => s.name) : []), ...exclude], targets, n, a),
  };
}
