import type { Command } from 'commander';
import { analyze } from '../../engine/index.js';
import { explain } from '../../analyses/explain.js';
import { explainJson } from '../../reports/explain/json.js';
import { explainText } from '../../reports/explain/text.js';
import { PortSet } from '../../model/port-set.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { unmodelledNotesForPair } from '../../analyses/notes.js';
import { collect, loadInputs, parsePorts, pickFormat, type InputOptions } from '../common.js';

interface ExplainOpts extends InputOptions {
  format: string;
  from: string;
  to: string;
  port?: string[];
}

const FORMATS = { text: explainText, json: explainJson } as const;

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('explain why one endpoint can or cannot reach another: the verdict per port range and the rules behind it')
    .argument('[inputs...]', 'manifest files or directories (recursed), or - for stdin; none with --cluster')
    .requiredOption('--from <src>', 'source: workload (ns/name or ns/name[Kind]), pod (ns/pod) or IP address')
    .requiredOption('--to <dst>', 'destination: workload, pod or IP address')
    .option('-p, --port <port>', 'only these ports, e.g. TCP/80 (repeatable); default all', collect)
    .option('-f, --format <format>', 'output format: text|json', 'text')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (inputs: string[], opts: ExplainOpts) => {
      const format = pickFormat(opts.format, Object.keys(FORMATS) as Array<keyof typeof FORMATS>);
      const ports = parsePorts(opts.port) ?? PortSet.ALL;
      const { inventory, notes, settings } = await loadInputs(inputs, opts);
      const e = explain(analyze(inventory), opts.from, opts.to, ports, { wholeCluster: settings.wholeCluster });
      const caveats = unmodelledNotesForPair(inventory, e.from.id, e.to.id);
      process.stdout.write(terminalSafe(FORMATS[format](caveats.length ? { ...e, notes: [...e.notes, ...caveats] } : e, notes)));
    });
}
