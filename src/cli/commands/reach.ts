import type { Command } from 'commander';
import { analyze, type Analysis } from '../../engine/index.js';
import { computeReach, streamReach, type Connection } from '../../analyses/reach.js';
import { BYTE_FORMATS, ChunkPool, reachBytes, reachChunks, type ByteFormat } from '../../reports/reach/stream.js';
import { REACH_FORMATS, type ReachFormat } from '../../reports/reach/index.js';
import { computeExposure } from '../../analyses/exposure.js';
import { ReachSummaryBuilder } from '../../analyses/reach-summary.js';
import { endpointFilter, filterReachResult, filterReachStream } from '../../analyses/endpoint-filter.js';
import { reachSummaryText } from '../../reports/reach/summary-text.js';
import { UserError } from '../../util/errors.js';
import { collect, loadInputs, parsePorts, resolveIntentPath, type InputOptions } from '../common.js';
import { clusterNameOption, filterOptions, formatOption, intentOptions, levelOption, outputFileOption, pickFormatOf, pickReachLevel, REACH_LEVELS, withInputOptions, type FormatOpts } from '../options.js';
import { loadIntent } from '../../analyses/intent/index.js';
import { aggregateReach, groupsFor, noIntent } from '../../analyses/reach-aggregate.js';
import { openReport } from '../output.js';
import { progress } from '../progress.js';
import { checkEnds } from './mixed-ends.js';
import { addressRange, clusterEndpoints, endpointMatcher, externalEndpoint, noMatch, type Level } from '../../analyses/endpoints.js';
import { awsEndpointMatcher, awsNoMatch } from '../../analyses/aws/select.js';
import { joinNotes } from '../../analyses/aws/notes.js';
import { pairExplainer } from '../../analyses/map-explain.js';
import { reachHtmlFrom } from '../../reports/reach/html.js';

interface ReachOpts extends InputOptions, FormatOpts {
  level: string;
  from?: string;
  to?: string;
  port?: string[];
  summary?: boolean;
  exposure?: boolean;
  namespace?: string;
  selector?: string;
  intent?: string | false;
  clusterName?: string;
}

export function registerReach(program: Command): void {
  const cmd = program
    .command('reach')
    .description('list what can reach what, on which ports')
    .argument('[inputs...]', 'manifest files or directories (recursed), AWS snapshot directories (describe-* JSON), or - for stdin; none with --cluster');
  formatOption(cmd, Object.keys(REACH_FORMATS));
  outputFileOption(cmd);
  levelOption(cmd, REACH_LEVELS);
  intentOptions(cmd, 'its segments, for --level segment');
  cmd
    .option('--from <endpoint>', 'only connections from endpoints matching this (ns/name, glob like prod/*, IP or CIDR, internet)')
    .option('--to <endpoint>', 'only connections to endpoints matching this')
    .option('-p, --port <port>', 'only these ports, e.g. TCP/443, UDP/53, TCP/8000-8100 (repeatable)', collect);
  filterOptions(cmd);
  clusterNameOption(cmd);
  cmd
    .option('-x, --exposure', 'also list potential connections with endpoints beyond the input (selectors that may match pods or namespaces not given; entire-cluster); text, json, md')
    .option('-s, --summary', 'text format: add what is notable (exposure to and from outside, unprotected workloads)');
  withInputOptions(cmd).action(async (inputs: string[], opts: ReachOpts) => {
    const format = pickFormatOf(opts, Object.keys(REACH_FORMATS) as ReachFormat[]);
    const level = pickReachLevel(opts.level);
    const summed = level === 'namespace' || level === 'segment';
    if (summed && (opts.exposure || opts.summary)) throw new UserError(`--${opts.exposure ? 'exposure' : 'summary'} is not available at --level ${level}`, 'use --level workload or pod');
    const intentPath = level === 'segment' ? resolveIntentPath(inputs, opts) : undefined;
    const intent = intentPath ? loadIntent(intentPath) : undefined;
    if (level === 'segment' && !intent) throw noIntent();
    const ports = parsePorts(opts.port);
    const keep = endpointFilter({ ...(opts.namespace ? { namespaces: [opts.namespace] } : {}), ...(opts.selector !== undefined ? { selector: opts.selector } : {}) });
    if (opts.exposure && (format === 'csv' || format === 'dot' || format === 'html')) throw new UserError(`--exposure is not available in ${format}`, 'use text, json or md');
    const out = openReport(opts.outputFile);
    progress.phase('loading');
    const { inventory, notes, settings, aws } = await loadInputs(inputs, opts, format !== 'csv' && !out.toFile, 'reach');
    const loadedNotes = notes;
    // AWS input: its own section after the cluster's (or alone); one document in JSON.
    if (aws) {
      if (summed) throw new UserError(`--level ${level} is not available for AWS input`, 'AWS input is listed per network interface: use --level workload');
      // Loaded here so that a cluster-only run does not load the cloud and cross-layer reports.
      const { awsReachSection, crossReachSection, REACH_FORMS, sectionStart, sectionEnd } = await import('./aws-sections.js');
      if (inventory.pods.length === 0) {
        await awsReachSection(aws, notes, notes.diagnostics.length > 0, format, opts, ports, false, out);
        return out.end();
      }
      // An end may name either layer's endpoints; a layer that an end names nothing of is left out, and an
      // end that names nothing on both is a mistake (exit 2), with candidates from both.
      const analysis = analyze(inventory);
      const k8sEnds = [...clusterEndpoints(analysis, level as Level).map((e) => e.endpoint), ...analysis.externals().map((x) => externalEndpoint(x).endpoint)];
      const k8sMiss = (spec: string): UserError | undefined => (addressRange(spec) || k8sEnds.some(endpointMatcher(spec)) ? undefined : noMatch(analysis, spec));
      const awsStream = aws.analysis.streamReach();
      const awsMiss = (option: string, spec: string): UserError | undefined => (awsStream.endpoints.some(awsEndpointMatcher(spec)) ? undefined : awsNoMatch(option, spec, awsStream.endpoints.filter((e) => e.kind === 'NetworkInterface'), REACH_FORMS));
      const ends = [['--from', opts.from], ['--to', opts.to]] as const;
      checkEnds(ends, k8sMiss, awsMiss);
      const onK8s = ends.every(([, s]) => s === undefined || !k8sMiss(s));
      const onAws = ends.every(([o, s]) => s === undefined || !awsMiss(o, s));
      // The cross-layer section answers for ends on either layer (and for one end on each, alone).
      const cross = format !== 'csv' && !opts.exposure;
      const crossSection = (): Promise<void> => crossReachSection(analysis, aws, notes, format, opts, level === 'pod' ? 'pod' : 'workload', ports, out);
      if (!onK8s && !onAws) {
        if (!cross) throw new UserError(`--from "${opts.from}" and --to "${opts.to}" name endpoints of different layers (one of the manifests, one of the AWS input)`, 'paths across cloud and cluster are listed in text, json and md, without --exposure');
        if (format === 'json') await out.write('{');
        await crossSection();
        return out.end();
      }
      if (!onAws) {
        if (!cross) {
          await reachK8s(analysis, joinNotes(notes, aws.notes));
          return out.end();
        }
        await out.write(sectionStart(format, 'kubernetes'));
        await reachK8s(analysis);
        await out.write(sectionEnd(format));
        await crossSection();
        return out.end();
      }
      if (!onK8s) {
        if (!cross) {
          await awsReachSection(aws, notes, notes.diagnostics.length > 0, format, opts, ports, false, out);
          return out.end();
        }
        if (format === 'json') await out.write('{');
        await awsReachSection(aws, notes, notes.diagnostics.length > 0, format, opts, ports, true, out, false);
        if (format !== 'json') await out.write('\n');
        await crossSection();
        return out.end();
      }
      await out.write(sectionStart(format, 'kubernetes'));
      await reachK8s(analysis);
      await out.write(sectionEnd(format));
      await awsReachSection(aws, notes, false, format, opts, ports, true, out, !cross);
      if (cross) {
        if (format !== 'json') await out.write('\n');
        await crossSection();
      }
      return out.end();
    }
    await reachK8s();
    out.end();
    function filters(): { from?: string; to?: string; ports?: NonNullable<typeof ports> } {
      return { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}), ...(ports ? { ports } : {}) };
    }
    async function reachK8s(analysis = analyze(inventory), notes = loadedNotes): Promise<void> {
      progress.phase('analysing');
      if (level === 'namespace' || level === 'segment') {
        const summary = aggregateReach(analysis, { level, groupsOf: groupsFor(analysis, level, intent), ...filters(), ...(keep ? { keep } : {}) });
        progress.phase('writing');
        if (format === 'html') await out.write(reachHtmlFrom(summary, notes), true);
        else for (const chunk of reachChunks(summary, format, notes)) await out.write(chunk);
        progress.done();
        return;
      }
      const reachOpts = {
        level,
        ...filters(),
      } as const;
      if (opts.exposure) {
        const reached = computeReach(analysis, reachOpts);
        const whole = { ...reached, exposure: { wholeCluster: settings.wholeCluster, items: computeExposure(analysis, { ...reachOpts, wholeCluster: settings.wholeCluster }) } };
        progress.phase('writing');
        const text = REACH_FORMATS[format](keep ? filterReachResult(whole, keep) : whole, notes);
        progress.done();
        await out.write(text);
        return;
      }
      if (format === 'html') {
        const hs = streamReach(analysis, reachOpts);
        const explainPair = pairExplainer(analysis, hs.endpoints, { wholeCluster: settings.wholeCluster });
        progress.phase('writing');
        await out.write(reachHtmlFrom(keep ? filterReachStream(hs, keep) : hs, notes, explainPair), true);
        progress.done();
        return;
      }
      // Streamed, every format: a cluster without policies has as many connections as pairs of workloads.
      const all = streamReach(analysis, reachOpts);
      const stream = keep ? filterReachStream(all, keep) : all;
      const summary = opts.summary && format === 'text' ? new ReachSummaryBuilder(analysis, stream.endpoints) : undefined;
      progress.phase('writing', 'connections');
      const tap = (c: Connection): void => {
        summary?.add(c);
        progress.tick();
      };
      // JSON chunks come escaped (jsonSafe): raw, they skip terminalSafe's scan of every byte (a gigabyte at 100k pods).
      // Without --summary, text, csv and json are built as bytes from the packed listing.
      // Its byte chunks are handed back once written, and filled again.
      const pool = new ChunkPool();
      const fast = summary === undefined && (BYTE_FORMATS as readonly string[]).includes(format) ? reachBytes(stream, format as ByteFormat, notes, (n) => progress.tick(n), pool) : undefined;
      for (const chunk of fast ?? reachChunks(stream, format, notes, tap)) await out.write(chunk, format === 'json', typeof chunk === 'string' ? undefined : () => pool.give(chunk));
      await out.flush();
      if (summary) await out.write(reachSummaryText(summary.result()));
      progress.done();
    }
  });
}
