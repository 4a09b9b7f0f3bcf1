/** `bulkhead flows import FILE...` stores observed flows; `flows check` matches them to the latest snapshot. */
import type { Command } from 'commander';
import type { Diagnostic } from '../../inventory/types.js';
import { readFlowFiles } from '../../sources/flows/index.js';
import { analyze } from '../../engine/index.js';
import { matchFlows, type FlowGroup } from '../../analyses/flows/match.js';
import { rebuild } from '../../store/take.js';
import { formatSource } from '../../inventory/types.js';
import { notesOf } from '../../analyses/notes.js';
import { notesJson, notesText } from '../../reports/notes.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { UserError } from '../../util/errors.js';
import { pickFormat, printDiagnostics } from '../common.js';
import { dbOption, parseSince, pickSnapshot, snapshotPayload, storeSpec, withStore, type StoreOptions } from '../store.js';
import { periodFlows, storedFlow } from '../../store/flows.js';
import { jsonSafe } from '../../reports/json.js';

interface FlowsOpts extends StoreOptions {
  intent?: string;
  vpcFormat?: string;
  quiet?: boolean;
  verbose?: boolean;
  since?: string;
  snapshot?: string;
  format: string;
}

function groupLine(g: FlowGroup): string {
  const port = g.port !== undefined ? `${g.protocol} ${g.port}` : g.protocol;
  const rules = g.rules.length ? `; rules: ${g.rules.join(', ')}` : '';
  return `${g.src} => ${g.dst} : ${port}  ${g.verdict} x${g.count} (manifests: ${g.model}; intent: ${g.intent}${rules})`;
}

/** Registers `bulkhead flows`. */
export function registerFlows(program: Command): void {
  const flows = program.command('flows').description('observed flows (AWS VPC Flow Logs, Cilium Hubble JSON) in the history store');
  dbOption(
    flows
      .command('import')
      .description('read VPC Flow Log files (default v2 format, or a header line, or --vpc-format) and `hubble observe -o json` output into the store')
      .argument('<files...>', 'flow files (gzip accepted)')
      .option('--vpc-format <format>', 'the log format of VPC flow log files without a header line: "${version} ${srcaddr} ..." or plain field names')
      .option('-i, --intent <file>', 'the intent file whose store (.bulkhead/bulkhead.db beside it) to use')
      .option('-v, --verbose', 'also print informational notes')
      .option('-q, --quiet', 'print no warnings'),
  ).action(async (files: string[], opts: FlowsOpts) => {
    const diags: Diagnostic[] = [];
    const read = await readFlowFiles(files, diags, { ...(opts.vpcFormat ? { vpcFormat: opts.vpcFormat } : {}) });
    printDiagnostics(diags, opts, false);
    if (read.length === 0 && diags.some((d) => d.severity !== 'info')) throw new UserError(`no flows could be read from ${files.join(', ')}`, 'see the warnings above');
    await withStore(storeSpec(opts, opts.intent), async (store) => {
      const r = await store.addFlows(read.map(storedFlow));
      const span = read.length ? ` from ${read.reduce((m, f) => (f.start < m ? f.start : m), read[0]!.start)} to ${read.reduce((m, f) => (f.end > m ? f.end : m), read[0]!.end)}` : '';
      if (!opts.quiet) process.stdout.write(`imported ${r.added} flow(s)${span} into ${store.location}${r.duplicates ? ` (${r.duplicates} already there)` : ''}\n`);
    });
  });
  dbOption(
    flows
      .command('check')
      .description('match the stored flows to a snapshot: the rule allowing each, unexpected and broken flows, rules no flow used')
      .option('--since <age>', 'only flows of this period (90d, or a date)', '90d')
      .option('--snapshot <spec>', 'the snapshot to match against', '@latest')
      .option('-i, --intent <file>', 'the intent file whose store to use')
      .option('-f, --format <format>', 'text|json', 'text'),
  ).action(async (opts: FlowsOpts) => {
    const format = pickFormat(opts.format, ['text', 'json'] as const);
    await withStore(storeSpec(opts, opts.intent), async (store) => {
      const snap = pickSnapshot(await store.snapshots(), opts.snapshot ?? '@latest', store.location);
      const rb = rebuild(await snapshotPayload(store, snap));
      const m = matchFlows(analyze(rb.inventory), await periodFlows(store, parseSince(opts.since ?? '90d', new Date(), '--since')), rb.intent);
      const notes = notesOf(rb.inventory, rb.diagnostics);
      if (format === 'json') {
        process.stdout.write(`${jsonSafe(JSON.stringify({ schema: 'bulkhead.flows/v1', snapshot: snap.id, ...m, ...notesJson(notes) }, null, 2))}\n`);
        return;
      }
      const caveats = notesText(notes);
      const out: string[] = [...(caveats ? [caveats.trimEnd(), ''] : []), `${m.flows} flow(s) against snapshot @${snap.id}: ${m.groups.length} distinct, ${m.replies} repl(ies) set aside, ${m.unresolved} unresolved`];
      const section = (title: string, gs: readonly FlowGroup[]): void => {
        if (gs.length) out.push('', `${title} (${gs.length})`, ...gs.map((g) => `  ${groupLine(g)}`));
      };
      section('Unexpected flows (the intent does not allow them)', m.unexpected);
      section('Broken flows (intended, observed denied)', m.broken);
      section('The network contradicts the manifests', m.mismatch);
      section('All observed', m.groups);
      if (m.unusedRules.length) out.push('', `Rules no flow used (${m.unusedRules.length})`, ...m.unusedRules.map((r) => `  ${r.key} (${formatSource(r.source)})`));
      process.stdout.write(terminalSafe(`${out.join('\n')}\n`));
    });
  });
}
