import type { Command } from 'commander';
import { analyze, type Analysis } from '../../engine/index.js';
import { computeReach, streamReach, type Connection } from '../../analyses/reach.js';
import { reachChunks } from '../../reports/reach/stream.js';
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
import { awsReachSection, crossReachSection, sectionStart, sectionEnd } from './aws-sections.js';
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
    let analysis: Analysis | undefined;
    // AWS input: its own section after the cluster's (or alone); one document in JSON.
    if (aws) {
      if (summed) throw new UserError(`--level ${level} is not available for AWS input`, 'AWS input is listed per network interface: use --level workload');
      if (inventory.pods.length === 0) {
        await awsReachSection(aws, notes, notes.diagnostics.length > 0, format, opts, ports, false, out);
        return out.end();
      }
      await out.write(sectionStart(format, 'kubernetes'));
      await reachK8s();
      await out.write(sectionEnd(format));
      const cross = format !== 'csv' && !opts.exposure;
      await awsReachSection(aws, notes, false, format, opts, ports, true, out, !cross);
      if (cross) {
        if (format !== 'json') await out.write('\n');
        await crossReachSection(analysis ?? analyze(inventory), aws, notes, format, opts, level === 'pod' ? 'pod' : 'workload', ports, out);
      }
      return out.end();
    }
    await reachK8s();
    out.end();
    function filters(): { from?: string; to?: string; ports?: NonNullable<typeof ports> } {
      return { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}), ...(ports ? { ports } : {}) };
    }
    async function reachK8s(): Promise<void> {
      progress.phase('analysing');
      analysis = analyze(inventory);
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
      for (const chunk of reachChunks(stream, format, notes, tap)) await out.write(chunk);
      if (summary) await out.write(reachSummaryText(summary.result()));
      progress.done();
    }
  });
}
