/** `bulkhead propose`: least-privilege NetworkPolicies from the observed flows, checked by the engine first. */
import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { matchFlows } from '../../analyses/flows/match.js';
import { propose } from '../../analyses/propose/index.js';
import { rebuild } from '../../store/take.js';
import { periodFlows } from '../../store/flows.js';
import { endpointMatcher } from '../../analyses/endpoints.js';
import { ExitError, UserError } from '../../util/errors.js';
import { oneLine, terminalSafe } from '../../reports/safe-text.js';
import { notesOf } from '../../analyses/notes.js';
import { notesText } from '../../reports/notes.js';
import { dbOption, parseSince, pickSnapshot, snapshotPayload, storeSpec, withStore, type StoreOptions } from '../store.js';

interface ProposeOpts extends StoreOptions {
  namespace?: string;
  workload?: string;
  since: string;
  snapshot: string;
  intent?: string;
}

/** Registers `bulkhead propose`. */
export function registerPropose(program: Command): void {
  dbOption(
    program
      .command('propose')
      .description('least-privilege NetworkPolicies from the observed flows of one namespace or workload, checked against the intent before they are shown')
      .option('-n, --namespace <ns>', 'propose for every workload of this namespace')
      .option('-w, --workload <id>', 'propose for one workload (ns/name or ns/name[Kind])')
      .option('--since <age>', 'the flows of this period (90d, or a date)', '90d')
      .option('--snapshot <spec>', 'the snapshot to propose against', '@latest')
      .option('-i, --intent <file>', 'the intent file whose store to use'),
  ).action(async (opts: ProposeOpts) => {
    if (!opts.namespace === !opts.workload) throw new UserError('give one of --namespace or --workload', 'e.g. bulkhead propose --namespace shop-prod');
    await withStore(storeSpec(opts, opts.intent), async (store) => {
      const snap = pickSnapshot(await store.snapshots(), opts.snapshot, store.location);
      const rb = rebuild(await snapshotPayload(store, snap));
      const inv = rb.inventory;
      const match = opts.workload ? endpointMatcher(opts.workload) : undefined;
      const inScope = inv.workloads.filter((w) => (opts.namespace ? w.namespace === opts.namespace : match!({ id: w.id, kind: w.kind, namespace: w.namespace, name: w.name, labels: w.labels })));
      if (inScope.length === 0) throw new UserError(`no workload matches ${opts.namespace ? `namespace ${opts.namespace}` : opts.workload} in snapshot @${snap.id}`);
      const flows = await periodFlows(store, parseSince(opts.since, new Date(), '--since'));
      if (flows.length === 0) throw new UserError(`no observed flows in the period in ${store.location}`, 'import them with bulkhead flows import FILE...');
      const m = matchFlows(analyze(inv), flows, rb.intent);
      const ids = new Set(inScope.map((w) => w.id));
      const r = propose(inv, m.groups, (w) => ids.has(w.id), rb.intent);
      const out: string[] = [];
      const caveats = notesText(notesOf(inv, rb.diagnostics));
      if (caveats) out.push(...caveats.trimEnd().split('\n').map((l) => `# ${l}`));
      out.push(`# ${r.policies.length} proposed NetworkPolicy(ies) from ${m.flows} observed flow(s) against snapshot @${snap.id}${rb.intent ? `; checked against ${rb.intent.file}` : ' (no intent recorded: not checked)'}`);
      if (r.check) out.push(r.check.ok ? '# check: every intended flow still allowed, nothing the intent forbids opened' : '# check FAILED: do not apply as is');
      for (const b of r.check?.broken ?? []) out.push(`#   would block intended ${oneLine(b)}`);
      for (const o of r.check?.opened ?? []) out.push(`#   would open forbidden ${oneLine(o)}`);
      if (r.unobserved.length) out.push(`# no flow observed for: ${r.unobserved.join(', ')} (nothing proposed)`);
      for (const p of r.policies) out.push('---', `# for ${p.workload}${p.replaces.length ? `; replaces ${p.replaces.join(', ')}` : ''}`, p.yaml.trimEnd());
      process.stdout.write(terminalSafe(`${out.join('\n')}\n`));
      if (r.check && !r.check.ok) throw new ExitError(1, '');
    });
  });
}
