import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { explain } from '../../analyses/explain.js';
import { explainJson } from '../../reports/explain/json.js';
import { explainText } from '../../reports/explain/text.js';
import { PortSet } from '../../model/port-set.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { unmodelledNotesForPair } from '../../analyses/notes.js';
import { collect, loadInputs, parsePorts, pickFormat, type InputOptions } from '../common.js';
import type { AwsInput } from '../aws-inputs.js';
import type { PathAnswer } from '../../engine/cloud/path.js';
import { trafficOfPorts } from '../../analyses/aws/select.js';
import { joinNotes } from '../../analyses/aws/notes.js';
import { AWS_EXPLAIN_FORMATS } from '../../reports/aws/explain.js';
import { UserError } from '../../util/errors.js';

interface ExplainOpts extends InputOptions {
  format: string;
  from: string;
  to: string;
  port?: string[];
}

const FORMATS = { text: explainText, json: explainJson } as const;

/** The AWS path, when the endpoints name an interface of the snapshot (an outside address alone names none). */
function awsExplanation(aws: AwsInput, from: string, to: string, ports: PortSet | undefined): PathAnswer | undefined {
  const s = aws.analysis.endpointOf(from);
  const d = aws.analysis.endpointOf(to);
  if (s?.kind !== 'eni' && d?.kind !== 'eni') return undefined;
  const a = aws.analysis.explain(from, to);
  if (!a) throw new UserError(`cannot explain ${from} -> ${to} in the AWS snapshot: ${!s ? `no interface or address matches "${from}"` : !d ? `no interface or address matches "${to}"` : 'a path needs a network interface at one end'}`, 'name an ENI id, instance id, Name tag, private address, or an outside IPv4 address');
  if (!ports) return a;
  const t = trafficOfPorts(ports);
  return { ...a, conns: a.conns.intersect(t), responseBlocked: a.responseBlocked.intersect(t) };
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('explain why one endpoint can or cannot reach another: the verdict per port range and the rules behind it')
    .argument('<inputs...>', 'manifest files or directories (recursed), AWS snapshot directories, or - for stdin')
    .requiredOption('--from <src>', 'source: workload (ns/name or ns/name[Kind]), pod (ns/pod) or IP address; for AWS input an ENI id, instance id, Name tag or address')
    .requiredOption('--to <dst>', 'destination: workload, pod or IP address; for AWS input as --from')
    .option('-p, --port <port>', 'only these ports, e.g. TCP/80 (repeatable); default all', collect)
    .option('-f, --format <format>', 'output format: text|json (AWS: text|json|md)', 'text')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (inputs: string[], opts: ExplainOpts) => {
      const { inventory, notes, settings, aws } = await loadInputs(inputs, opts, true, 'explain');
      if (aws) {
        const a = awsExplanation(aws, opts.from, opts.to, parsePorts(opts.port));
        if (a || inventory.pods.length === 0) {
          if (!a) throw new UserError(`neither ${opts.from} nor ${opts.to} is a network interface of the AWS snapshot`, 'name an ENI id, instance id, Name tag or private address at one end');
          const format = pickFormat(opts.format, Object.keys(AWS_EXPLAIN_FORMATS) as Array<keyof typeof AWS_EXPLAIN_FORMATS>);
          process.stdout.write(terminalSafe(AWS_EXPLAIN_FORMATS[format](a, inventory.pods.length === 0 && notes.diagnostics.length ? joinNotes(notes, aws.notes) : aws.notes)));
          return;
        }
      }
      const format = pickFormat(opts.format, Object.keys(FORMATS) as Array<keyof typeof FORMATS>);
      const ports = parsePorts(opts.port) ?? PortSet.ALL;
      const e = explain(analyze(inventory), opts.from, opts.to, ports, { wholeCluster: settings.wholeCluster });
      const caveats = unmodelledNotesForPair(inventory, e.from.id, e.to.id);
      process.stdout.write(terminalSafe(FORMATS[format](caveats.length ? { ...e, notes: [...e.notes, ...caveats] } : e, notes)));
    });
}
