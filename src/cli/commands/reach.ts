import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { computeReach, streamReach, type ReachStream } from '../../analyses/reach.js';
import { reachChunks } from '../../reports/reach/stream.js';
import { once } from 'node:events';
import { REACH_FORMATS, type ReachFormat } from '../../reports/reach/index.js';
import { computeExposure } from '../../analyses/exposure.js';
import { ReachSummaryBuilder } from '../../analyses/reach-summary.js';
import { reachSummaryText } from '../../reports/reach/summary-text.js';
import { UserError } from '../../util/errors.js';
import { pairExplainer } from '../../analyses/map-explain.js';
import { reachHtmlFrom } from '../../reports/reach/html.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { collect, loadInputs, parsePorts, pickFormat, type InputOptions } from '../common.js';

interface ReachOpts extends InputOptions {
  format: string;
  level: string;
  from?: string;
  to?: string;
  port?: string[];
  summary?: boolean;
  exposure?: boolean;
}

export function registerReach(program: Command): void {
  program
    .command('reach')
    .description('list what can reach what, on which ports')
    .argument('<inputs...>', 'manifest files or directories (recursed), or - for stdin')
    .option('-f, --format <format>', `output format: ${Object.keys(REACH_FORMATS).join('|')}`, 'text')
    .option('-l, --level <level>', 'workload (namespace/name[Kind]) or pod', 'workload')
    .option('--from <endpoint>', 'only connections from endpoints matching this (ns/name, glob like prod/*, IP or CIDR)')
    .option('--to <endpoint>', 'only connections to endpoints matching this')
    .option('-p, --port <port>', 'only these ports, e.g. TCP/443, UDP/53, TCP/8000-8100 (repeatable)', collect)
    .option('-x, --exposure', 'also list potential connections with endpoints beyond the input (selectors that may match pods or namespaces not given; entire-cluster); text, json, md')
    .option('-s, --summary', 'text format: add what is notable (exposure to and from outside, unprotected workloads)')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes (skipped kinds)')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (inputs: string[], opts: ReachOpts) => {
      const format = pickFormat(opts.format, Object.keys(REACH_FORMATS) as ReachFormat[]);
      if (opts.level !== 'workload' && opts.level !== 'pod') throw new UserError(`unknown level "${opts.level}"`, 'choose workload or pod');
      const ports = parsePorts(opts.port);
      const { inventory, notes, settings } = await loadInputs(inputs, opts, format !== 'csv');
      const analysis = analyze(inventory);
      const reachOpts = {
        level: opts.level,
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.to ? { to: opts.to } : {}),
        ...(ports ? { ports } : {}),
      } as const;
      if (opts.exposure && (format === 'csv' || format === 'dot' || format === 'html')) throw new UserError(`--exposure is not available in ${format}`, 'use text, json or md');
      if (opts.exposure) {
        const reached = computeReach(analysis, reachOpts);
        const result = { ...reached, exposure: { wholeCluster: settings.wholeCluster, items: computeExposure(analysis, { ...reachOpts, wholeCluster: settings.wholeCluster }) } };
        process.stdout.write(terminalSafe(REACH_FORMATS[format](result, notes)));
        return;
      }
      if (format === 'html') {
        const s = streamReach(analysis, reachOpts);
        const explainPair = pairExplainer(analysis, s.endpoints, { wholeCluster: settings.wholeCluster });
        process.stdout.write(reachHtmlFrom(s.level, s.endpoints, () => s.connections(), notes, explainPair));
        return;
      }
      // Streamed, every format: a cluster without policies has as many connections as pairs of workloads.
      const stream = streamReach(analysis, reachOpts);
      const summary = opts.summary && format === 'text' ? new ReachSummaryBuilder(analysis, stream.endpoints) : undefined;
      const listed: ReachStream = summary
        ? {
            ...stream,
            *connections() {
              for (const c of stream.connections()) {
                summary.add(c);
                yield c;
              }
            },
          }
        : stream;
      for (const chunk of reachChunks(listed, format, notes)) {
        if (!process.stdout.write(terminalSafe(chunk))) await once(process.stdout, 'drain');
      }
      if (summary) process.stdout.write(terminalSafe(reachSummaryText(summary.result())));
    });
}
