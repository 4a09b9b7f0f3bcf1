/** `bulkhead test`: checks from the intent (written and generated), judged by the model or probed in the lab. */
import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { loadIntent } from '../../analyses/intent/index.js';
import { buildChecksOf, clusterPopulation, type Population } from '../../analyses/test/cases.js';
import { awsModelVerdict, awsPopulation, isAwsCheck } from '../../analyses/test/aws.js';
import { modelVerdict } from '../../analyses/test/model.js';
import { runChecks, splitRunner } from '../../analyses/test/run.js';
import type { Runner } from '../../analyses/test/types.js';
import { joinNotes } from '../../analyses/aws/notes.js';
import { AwsLabRunner } from '../../lab/aws-runner.js';
import { LabRunner } from '../../lab/runner.js';
import { LiveRunner, cleanupProbePods } from '../../lab/live-runner.js';
import { ClusterClient } from '../../sources/k8s/live/client.js';
import { cleanupLeftovers, labUnavailable } from '../../lab/system.js';
import { TEST_FORMATS, type TestFormat } from '../../reports/test/index.js';
import { ExitError, UserError } from '../../util/errors.js';
import { loadInputs, pickFormat, printDiagnostics, resolveIntentPath, type InputOptions } from '../common.js';
import { formatOption, outputFileOption, pickFormatOf, withInputOptions, type FormatOpts } from '../options.js';
import { openReport } from '../output.js';
import { wantsCluster } from '../cluster.js';

interface TestOpts extends InputOptions, FormatOpts {
  intent?: string;
  runner: string;
  maxProbes: string;
  timeout: string;
  sample?: string;
  generate: boolean;
  labCleanup?: boolean;
  liveCleanup?: boolean;
  probeImage?: string;
  ephemeral?: boolean;
  concurrency?: string;
}

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`bad ${name} "${v}"`, 'expected a positive whole number');
  return n;
}

/** Registers `bulkhead test`. */
export function registerTest(program: Command): void {
  const cmd = program
    .command('test')
    .description('test the segmentation: the intent\'s expected allows and denials, in the model or with real packets in a network-namespace lab')
    .argument('[inputs...]', 'manifest files or directories (recursed), AWS snapshot directories (describe-* JSON, collector or Terraform JSON), or - for stdin')
    .option('-i, --intent <file>', 'the intent file (default: bulkhead.yaml beside the inputs or in the working directory)')
    .option('-r, --runner <runner>', 'model (the engine, instant), lab (real packets in network namespaces: the pods with their NetworkPolicies, or the AWS interfaces with their security groups, NACLs and routes; needs root, nftables, iproute2) or live (probe pods in the cluster; needs --cluster)', 'model');
  formatOption(cmd, Object.keys(TEST_FORMATS));
  outputFileOption(cmd);
  cmd
    .option('--max-probes <n>', 'lab: probe at most this many checks', '5000')
    .option('--timeout <ms>', 'lab: per-probe timeout in milliseconds', '1000')
    .option('--sample <n>', 'keep at most this many generated checks (written tests are always kept)')
    .option('--no-generate', 'only the written tests of the intent, none generated from it')
    .option('--probe-image <image>', 'live: the probe pods\' image (needs sh and nc)', 'busybox:1.36')
    .option('--concurrency <n>', 'live: probe pods at once', '4')
    .option('--ephemeral', 'live: probe from an ephemeral container in each source pod instead of a probe pod (cannot be removed afterwards)')
    .option('--live-cleanup', 'delete the probe pods killed live runs left in the cluster (--cluster), then exit')
    .option('--lab-cleanup', 'remove what killed lab runs left behind (namespaces bh-*), then exit');
  withInputOptions(cmd).action(async (inputs: string[], opts: TestOpts) => {
    if (opts.liveCleanup) {
      if (!wantsCluster(opts)) throw new UserError('--live-cleanup cleans a cluster', 'give --cluster (and --context or --kubeconfig as needed)');
      const client = await ClusterClient.connect({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
      const gone = await cleanupProbePods(client, opts.clusterNamespaces);
      process.stdout.write(gone.length ? `deleted ${gone.length} probe pod(s): ${gone.join(', ')}\n` : 'no probe pods left\n');
      return;
    }
    if (opts.labCleanup) {
      const why = labUnavailable();
      if (why) throw new UserError(`cannot clean the lab up: ${why}`);
      const r = cleanupLeftovers();
      process.stdout.write(r.removed.length ? `removed ${r.removed.length} lab namespace(s): ${r.removed.join(', ')}\n` : 'no lab leftovers\n');
      for (const [run, pid] of r.live) process.stdout.write(`left alone: lab run ${run} is still running (pid ${pid})\n`);
      return;
    }
    if (inputs.length === 0 && !wantsCluster(opts)) throw new UserError('no inputs', 'give manifest files or directories, e.g. bulkhead test k8s/ --intent bulkhead.yaml, or --cluster');
    const format = pickFormatOf(opts, Object.keys(TEST_FORMATS) as TestFormat[]);
    const runnerName = pickFormat(opts.runner, ['model', 'lab', 'live'] as const);
    if (runnerName === 'live' && !wantsCluster(opts)) throw new UserError('--runner live probes a cluster', 'give --cluster (and --context or --kubeconfig as needed)');
    const concurrency = positive('--concurrency', opts.concurrency, 4);
    const maxProbes = positive('--max-probes', opts.maxProbes, 5000);
    const timeoutMs = positive('--timeout', opts.timeout, 1000);
    const sample = opts.sample === undefined ? undefined : positive('--sample', opts.sample, 0);
    const intentPath = resolveIntentPath(inputs, opts);
    if (!intentPath) throw new UserError('no intent file: the tests come from it', 'give --intent FILE (see docs/intent.md), or write one with `bulkhead init`');
    if (runnerName === 'lab') {
      const why = labUnavailable();
      if (why) throw new UserError(`cannot run the lab: ${why}`, 'use --runner model, or run as root with nftables and iproute2 installed');
    }
    const intent = loadIntent(intentPath);
    const out = openReport(opts.outputFile);
    const loaded = await loadInputs(inputs, opts, true, 'test');
    const { inventory, aws } = loaded;
    const diagnostics = [...loaded.diagnostics, ...(aws?.notes.diagnostics ?? [])];
    const inputNotes = aws ? joinNotes(loaded.notes, aws.notes) : loaded.notes;
    // The cluster's checks when manifests (or a cluster) were read, the estate's when a snapshot was: both in a mixed run.
    const a = !aws || inventory.pods.length > 0 ? analyze(inventory) : undefined;
    const pops: Population[] = [...(a ? [clusterPopulation(a, intent)] : []), ...(aws ? [awsPopulation(aws.analysis, intent)] : [])];
    const built = buildChecksOf(pops, intent, { ...(sample !== undefined ? { sample } : {}), generate: opts.generate });
    const { checks, notes } = built;
    printDiagnostics(built.diagnostics, opts);
    if (checks.length === 0) throw new UserError(`no checks: ${intentPath} has no tests and implies none for these inputs`, 'add a tests: section (docs/testing.md)');
    if (a && inventory.unmodelled.length > 0) {
      notes.push(
        `${inventory.unmodelled.length} object(s) that may change traffic are evaluated by neither the model nor the lab (${[...new Set(inventory.unmodelled.map((u) => u.kind))].sort().join(', ')}): a real cluster may differ for the pods they select`,
      );
    }
    if (runnerName === 'lab' && a && (inventory.adminPolicies ?? []).length > 0) {
      notes.push(
        `the lab compiles NetworkPolicies only: the ${inventory.adminPolicies!.length} admin and baseline policies are in the model's expectations but not in the lab's nftables rules, so probes they decide may fail in the lab`,
      );
    }
    const log = opts.quiet ? undefined : (line: string): void => void process.stderr.write(`${line}\n`);
    const clusterRunner: Runner | undefined =
      runnerName === 'lab'
        ? new LabRunner(inventory, { maxProbes, timeoutMs })
        : runnerName === 'live'
          ? new LiveRunner(inventory, await ClusterClient.connect({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) }), { maxProbes, timeoutMs, concurrency, ...(opts.ephemeral ? { ephemeral: true } : {}), ...(opts.probeImage ? { image: opts.probeImage } : {}), ...(log ? { log } : {}) })
          : undefined;
    const awsRunner: Runner | undefined = aws && runnerName === 'lab' ? new AwsLabRunner(aws.analysis, { maxProbes, timeoutMs }) : undefined;
    const runner: Runner | undefined =
      clusterRunner && aws
        ? splitRunner(clusterRunner.name, [
            { takes: (c) => !isAwsCheck(c), runner: clusterRunner },
            awsRunner ? { takes: isAwsCheck, runner: awsRunner } : { takes: isAwsCheck, skip: 'live probes run in the cluster: checks on the AWS estate are judged by the model only' },
          ])
        : (clusterRunner ?? awsRunner);
    const verdict = (c: Parameters<typeof isAwsCheck>[0]) => (isAwsCheck(c) ? awsModelVerdict(aws!.analysis, c) : modelVerdict(a!, c));
    const ran = await runChecks(verdict, checks, runner, { intent: intentPath, notes, diagnostics: [...diagnostics, ...built.diagnostics] });
    // Ephemeral containers stay in their pods: the report says which, as the cluster now holds them.
    const left = runner instanceof LiveRunner ? runner.leftEphemeral : [];
    const result = left.length ? { ...ran, notes: [...ran.notes, `${left.length} ephemeral container(s) were added and cannot be removed (they stay until their pod is replaced): ${left.join(', ')}`] } : ran;
    await out.write(TEST_FORMATS[format](result, inputNotes));
    out.end();
    if (result.summary.failed > 0) throw new ExitError(1);
  });
}
