/** `bulkhead history`: the snapshots in the store, oldest first; `--keep` applies retention. */
import type { Command } from 'commander';
import { pickFormat } from '../common.js';
import { dbOption, parseSince, storeSpec, withStore, type StoreOptions } from '../store.js';
import { kib } from './snapshot.js';
import type { SnapshotMeta } from '../../store/index.js';
import { oneLine } from '../../reports/safe-text.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { jsonSafe } from '../../reports/json.js';

interface HistoryOpts extends StoreOptions {
  intent?: string;
  keep?: string;
  format: string;
  quiet?: boolean;
}

/** The history as a text table. */
export function historyText(all: readonly SnapshotMeta[], where: string): string {
  if (all.length === 0) return `no snapshots in ${where} (take one with bulkhead snapshot INPUTS)\n`;
  const rows = all.map((s) => {
    const f = s.summary.findings;
    return [`@${s.id}`, s.takenAt.replace(/\.\d{3}Z$/, 'Z'), oneLine(s.label ?? '-'), String(s.summary.workloads), String(s.summary.policies), `${f.error}/${f.warning}/${f.info}`, s.summary.segments === undefined ? '-' : `${s.summary.flatSegments}/${s.summary.segments}`, kib(s.bytes), s.hash.slice(0, 12)];
  });
  const head = ['id', 'taken', 'label', 'workloads', 'policies', 'findings e/w/i', 'flat', 'stored', 'hash'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n${all.length} snapshot(s) in ${where}\n`;
}

/** Registers `bulkhead history`. */
export function registerHistory(program: Command): void {
  dbOption(
    program
      .command('history')
      .description('list the snapshots in the history store')
      .option('-i, --intent <file>', 'the intent file whose store (.bulkhead/bulkhead.db beside it) to read')
      .option('--keep <age>', 'first delete snapshots and flows older than this (90d, 12w); the latest snapshot is always kept')
      .option('-f, --format <format>', 'text|json', 'text')
      .option('-q, --quiet', 'print nothing on stderr'),
  ).action(async (opts: HistoryOpts) => {
    const format = pickFormat(opts.format, ['text', 'json'] as const);
    await withStore(storeSpec(opts, opts.intent), async (store) => {
      if (opts.keep) {
        const gone = await store.prune(parseSince(opts.keep, new Date(), '--keep'));
        if (!opts.quiet) process.stderr.write(`retention: deleted ${gone.snapshots} snapshot(s) and ${gone.flows} flow(s)\n`);
      }
      const all = await store.snapshots();
      if (format === 'json') process.stdout.write(`${jsonSafe(JSON.stringify({ schema: 'bulkhead.history/v1', store: store.location, snapshots: all }, null, 2))}\n`);
      else process.stdout.write(terminalSafe(historyText(all, store.location)));
    });
  });
}
