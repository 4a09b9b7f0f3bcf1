import type { Command } from 'commander';
import { analyze, type Analysis } from '../../engine/index.js';
import { resolveOne } from '../../analyses/endpoints.js';
import { checkEnds } from './mixed-ends.js';
import { explain } from '../../analyses/explain.js';
import { explainPair } from '../../analyses/explain-pair.js';
import { EXPLAIN_FORMATS, type ExplainFormat } from '../../reports/explain/index.js';
import { PortSet } from '../../model/port-set.js';
import { unmodelledNotesForPair } from '../../analyses/notes.js';
import { ExitError, UserError } from '../../util/errors.js';
import { collect, loadInputs, parsePorts, type InputOptions } from '../common.js';
import { clusterNameOption, formatOption, levelOption, outputFileOption, pickFormatOf, pickLevel, withInputOptions, type FormatOpts } from '../options.js';
import { openReport } from '../output.js';
import { colorVerdicts } from '../color.js';
import { parseCidr, parseIp } from '../../model/address.js';
import { joinNotes } from '../../analyses/aws/notes.js';

interface ExplainOpts extends InputOptions, FormatOpts {
  from: string;
  to: string;
  port?: string[];
  level: string;
  expect?: string;
  clusterName?: string;
}

export function registerExplain(program: Command): void {
  const cmd = program
    .command('explain')
    .description('explain why one endpoint can or cannot reach another: the verdict per port range and the rules behind it')
    .argument('[inputs...]', 'manifest files or directories (recursed), AWS snapshot directories, or - for stdin; none with --cluster')
    .requiredOption('--from <src>', 'source: workload (ns/name or ns/name[Kind]), pod (ns/pod) or IP address; for AWS input an ENI id, instance id, Name tag or address')
    .requiredOption('--to <dst>', 'destination: workload, pod or IP address; for AWS input as --from')
    .option('-p, --port <port>', 'only these ports, e.g. TCP/80 (repeatable); default all', collect)
    .option('--expect <verdict>', 'exit 1 unless the verdict is this: allow (something is allowed) or deny (nothing is), as netpol-analyzer eval');
  formatOption(cmd, Object.keys(EXPLAIN_FORMATS), 'AWS input also md');
  outputFileOption(cmd);
  levelOption(cmd);
  clusterNameOption(cmd);
  withInputOptions(cmd).action(async (inputs: string[], opts: ExplainOpts) => {
    const level = pickLevel(opts.level);
    if (opts.expect !== undefined && opts.expect !== 'allow' && opts.expect !== 'deny') throw new UserError(`bad --expect "${opts.expect}"`, 'choose allow or deny');
    const ports = parsePorts(opts.port) ?? PortSet.ALL;
    const out = openReport(opts.outputFile);
    const { inventory, notes, settings, aws } = await loadInputs(inputs, opts, !out.toFile, 'explain');
    let analysed: Analysis | undefined;
    // The cloud and cross-layer explainers load only for a run with AWS input.
    if (aws && inventory.pods.length > 0) {
      const [{ crossJoin, crossNotes }, { crossExplain }, { CROSS_EXPLAIN, CROSS_EXPLAIN_FORMATS }, { awsUnmatchedEnd }] = await Promise.all([
        import('../../analyses/cross/reach.js'), import('../../analyses/cross/explain.js'), import('../../reports/cross/explain.js'), import('../../analyses/aws/explain.js'),
      ]);
      const a = (analysed = analyze(inventory));
      // A workload or pod at one end and an AWS interface, address or the internet at the other: both layers.
      const j = crossJoin(a, aws.analysis, opts.clusterName !== undefined ? { clusterName: opts.clusterName } : {});
      const x = crossExplain(j, opts.from, opts.to, parsePorts(opts.port));
      if (x) {
        const format = pickFormatOf(opts, CROSS_EXPLAIN_FORMATS);
        const text = CROSS_EXPLAIN[format](x, crossNotes(notes, aws.notes, j.placement.diagnostics));
        await out.write(format === 'text' && out.color ? colorVerdicts(text) : text);
        out.end();
        if (opts.expect) {
          const got = x.conns.isEmpty() ? 'deny' : 'allow';
          if (got !== opts.expect) throw new ExitError(1, opts.quiet ? '' : `bulkhead: expected ${opts.expect}, got ${got} (${x.from} => ${x.to})`);
        }
        return;
      }
      // An end may name an endpoint of either layer; one that names nothing on both lists candidates from both.
      const k8sMiss = (spec: string): UserError | undefined => {
        try {
          resolveOne(a, spec);
          return undefined;
        } catch (e) {
          if (e instanceof UserError && e.message.startsWith('no workload, pod or address matches')) return e;
          return undefined;
        }
      };
      const awsMiss = (option: string, spec: string): UserError | undefined => (aws.analysis.endpointOf(spec) ? undefined : awsUnmatchedEnd(aws.analysis, option, spec));
      checkEnds([['--from', opts.from], ['--to', opts.to]], k8sMiss, awsMiss);
      const eni = (s: string): boolean => aws.analysis.endpointOf(s)?.kind === 'eni';
      if ((eni(opts.from) && awsMiss('--to', opts.to)) || (eni(opts.to) && awsMiss('--from', opts.from))) {
        throw new UserError(`${opts.from} and ${opts.to} are endpoints of different layers (one of the AWS input, one of the manifests)`, 'explain answers within the cluster or within the estate: give both ends on one layer');
      }
    }
    if (aws) {
      const [{ awsExplanation, awsUnmatchedEnd }, { AWS_EXPLAIN_FORMATS }] = await Promise.all([import('../../analyses/aws/explain.js'), import('../../reports/aws/explain.js')]);
      const p = awsExplanation(aws.analysis, opts.from, opts.to, parsePorts(opts.port));
      if (p || inventory.pods.length === 0) {
        if (!p && !aws.analysis.endpointOf(opts.from)) throw awsUnmatchedEnd(aws.analysis, '--from', opts.from);
        if (!p && !aws.analysis.endpointOf(opts.to)) throw awsUnmatchedEnd(aws.analysis, '--to', opts.to);
        if (!p) throw new UserError(`neither ${opts.from} nor ${opts.to} is a network interface of the AWS snapshot`, 'name an ENI id, instance id, Name tag or private address at one end');
        const format = pickFormatOf(opts, Object.keys(AWS_EXPLAIN_FORMATS) as Array<keyof typeof AWS_EXPLAIN_FORMATS>);
        await out.write(AWS_EXPLAIN_FORMATS[format](p, inventory.pods.length === 0 && notes.diagnostics.length ? joinNotes(notes, aws.notes) : aws.notes));
        out.end();
        if (opts.expect) {
          const got = p.conns.isEmpty() ? 'deny' : 'allow';
          if (got !== opts.expect) throw new ExitError(1, opts.quiet ? '' : `bulkhead: expected ${opts.expect}, got ${got} (${opts.from} => ${opts.to})`);
        }
        return;
      }
    }
    const format = pickFormatOf(opts, Object.keys(EXPLAIN_FORMATS) as ExplainFormat[]);
    checkLevel(inventory.pods.map((p) => p.id), level, opts.from, opts.to);
    // One pair needs the classes of its two ends, not the whole layer (explain-pair.ts); else the whole analysis.
    const e = explainPair(inventory, opts.from, opts.to, ports, { wholeCluster: settings.wholeCluster }) ?? explain(analysed ?? analyze(inventory), opts.from, opts.to, ports, { wholeCluster: settings.wholeCluster });
    const caveats = unmodelledNotesForPair(inventory, e.from.id, e.to.id);
    const text = EXPLAIN_FORMATS[format](caveats.length ? { ...e, notes: [...e.notes, ...caveats] } : e, notes);
    await out.write(format === 'text' && out.color ? colorVerdicts(text) : text);
    out.end();
    if (opts.expect) {
      const got = e.conns.isEmpty() ? 'deny' : 'allow';
      if (got !== opts.expect) throw new ExitError(1, opts.quiet ? '' : `bulkhead: expected ${opts.expect}, got ${got} (${e.from.id} => ${e.to.id})`);
    }
  });
}

/** --level pod: both ends must name pods (or addresses), so a workload name is not silently taken as all its pods. */
function checkLevel(podIds: readonly string[], level: 'workload' | 'pod', ...specs: string[]): void {
  if (level !== 'pod') return;
  const pods = new Set(podIds);
  for (const s of specs) {
    if (pods.has(s) || parseIp(s.trim()) || parseCidr(s.trim())) continue;
    throw new UserError(`--level pod: "${s}" is not a pod`, `name a pod as namespace/pod (${podIds.slice(0, 3).join(', ')}${podIds.length > 3 ? ', ...' : ''}), or leave --level at workload`);
  }
}
