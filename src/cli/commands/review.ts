/** `bulkhead review`: the periodic segmentation review from the history store, in Markdown or HTML. */
import type { Command } from 'commander';
import { regressions, review, reviewBaseline, type ReviewBaseline, type ReviewSnapshot } from '../../analyses/review/index.js';
import { REVIEW_FORMATS, type ReviewFormat } from '../../reports/review/index.js';
import { SEVERITIES, type FindingSeverity } from '../../checks/index.js';
import { rebuild } from '../../store/take.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { writeOutputFile } from '../../util/fs-errors.js';
import { ExitError, UserError } from '../../util/errors.js';
import { pickFormat } from '../common.js';
import { dbOption, parseSince, snapshotPayload, storeSpec, withStore, type StoreOptions } from '../store.js';
import { periodFlows } from '../../store/flows.js';

interface ReviewOpts extends StoreOptions {
  since: string;
  format: string;
  output?: string;
  intent?: string;
  failOn?: string;
  record: boolean;
  quiet?: boolean;
}

/** Registers `bulkhead review`. */
export function registerReview(program: Command): void {
  dbOption(
    program
      .command('review')
      .description('the periodic segmentation review: what changed, segments gone flat or meaningless, unmapped endpoints, unused rules and paths (with flows), proposed changes')
      .option('--since <age>', 'the period: a duration back from now (90d, 12w) or a date (2026-09-01)', '90d')
      .option('-f, --format <format>', `output format: ${Object.keys(REVIEW_FORMATS).join('|')} (html: one self-contained page with charts)`, 'md')
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('-i, --intent <file>', 'the intent file whose store (.bulkhead/bulkhead.db beside it) to read')
      .option('--fail-on <severity>', `exit 1 on regressions since the last review: new findings at least this severe (${SEVERITIES.join('|')}), segments newly flat (warning)`)
      .option('--no-record', 'do not record this review as the baseline of the next --fail-on')
      .option('-q, --quiet', 'print no warnings (the report still carries the caveats)'),
  ).action(async (opts: ReviewOpts) => {
    const format = pickFormat(opts.format, Object.keys(REVIEW_FORMATS) as ReviewFormat[]);
    let failOn: FindingSeverity | undefined;
    if (opts.failOn !== undefined && opts.failOn !== 'none') {
      if (!(SEVERITIES as readonly string[]).includes(opts.failOn)) throw new UserError(`unknown severity "${opts.failOn}" for --fail-on`, `choose one of ${SEVERITIES.join(', ')}, or none`);
      failOn = opts.failOn as FindingSeverity;
    }
    const now = new Date();
    const since = parseSince(opts.since, now, '--since');
    const until = now.toISOString();
    await withStore(storeSpec(opts, opts.intent), async (store) => {
      const all = await store.snapshots();
      if (all.length === 0) throw new UserError(`no snapshots in ${store.location}: nothing to review`, 'take them with bulkhead snapshot INPUTS (e.g. daily, from CI)');
      const before = all.filter((s) => s.takenAt <= since);
      const startIdx = before.length ? all.indexOf(before[before.length - 1]!) : 0;
      const metas = all.slice(startIdx);
      const series: ReviewSnapshot[] = [];
      const payloads = [];
      for (const meta of metas) {
        const p = await snapshotPayload(store, meta);
        payloads.push(p);
        series.push({ meta, findings: p.findings, health: p.health });
      }
      const base = { ...series[0]!, rebuilt: rebuild(payloads[0]!) };
      const latest = { ...series[series.length - 1]!, rebuilt: rebuild(payloads[payloads.length - 1]!) };
      const last = await store.lastReview();
      const previous = last ? (JSON.parse(last.summary) as ReviewBaseline) : undefined;
      const input = { since, until, base, latest, series, flows: await periodFlows(store, since, until), ...(previous ? { previous } : {}) };
      const result = review(input);
      const text = REVIEW_FORMATS[format](result, result.notes);
      if (opts.output && opts.output !== '-') writeOutputFile(opts.output, text, 'review');
      else process.stdout.write(format === 'html' ? text : terminalSafe(text));
      if (opts.record) await store.addReview({ takenAt: until, snapshotId: latest.meta.id, summary: JSON.stringify(reviewBaseline(result, until, latest.findings)) });
      if (failOn) {
        const reg = regressions(result, input, failOn);
        if (reg.findings.length || reg.flat.length) {
          const since = previous ? `the last review (${previous.takenAt})` : `the start of the period (@${base.meta.id})`;
          throw new ExitError(1, opts.quiet ? '' : `bulkhead: regressions since ${since}: ${reg.findings.length} new finding(s) at or above ${failOn}${reg.flat.length ? `, segment(s) newly flat: ${reg.flat.join(', ')}` : ''}`);
        }
      }
    });
  });
}
