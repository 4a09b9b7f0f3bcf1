/**
 * The options every command shares, defined once so that each means the same everywhere (kubectl and
 * netpol-analyzer habits): `-o/--output FORMAT`, `--output-file FILE`, `-n/--namespace` and `-l/--selector`
 * filters, `--default-namespace`, `--level`, `--intent`/`--no-intent`, `-v`, `-q`, `--settings`.
 */
import { Option, type Command } from 'commander';
import { UserError } from '../util/errors.js';
import { endpointScope, type EndpointScope } from '../analyses/endpoint-filter.js';

/** The values an option takes, for shell completion (commander's own choices() would also validate, and refuse `txt`). */
export const OPTION_VALUES = new WeakMap<Option, readonly string[]>();

function withValues(o: Option, values: readonly string[]): Option {
  OPTION_VALUES.set(o, values);
  return o;
}

/** Options the shared definitions below fill in. */
export interface FormatOpts {
  readonly output?: string;
  readonly format?: string;
  /** The pre-0.2 short flag `-f FORMAT`, kept hidden so that scripts written for it keep working. */
  readonly f?: string;
  readonly outputFile?: string;
}

/** `-o, --output FORMAT` (with `--format` as a long alias), listing the command's formats. */
export function formatOption(cmd: Command, formats: readonly string[], note = ''): Command {
  const list = formats.map((f) => (f === 'text' ? 'text (or txt)' : f)).join(', ');
  return cmd
    .addOption(withValues(new Option('-o, --output <format>', `output format: ${list}${note ? `; ${note}` : ''} (default: ${formats[0]})`), formats))
    .addOption(withValues(new Option('--format <format>', 'the same as --output'), formats))
    .addOption(new Option('-f <format>', 'the same as --output (kept for older scripts)').hideHelp());
}

/** `--output-file FILE`: write the report there instead of stdout (`-` is stdout). */
export function outputFileOption(cmd: Command, what = 'the report', defaultFile?: string): Command {
  const o = new Option('--output-file <file>', `write ${what} to this file instead of stdout${defaultFile ? ' (- for stdout)' : ''}`);
  return cmd.addOption(defaultFile ? o.default(defaultFile) : o);
}

/** True when a --output value looks like a file name, as `-o` meant before it chose the format. */
function looksLikeFile(v: string): boolean {
  return /[./\\]/.test(v);
}

/** The chosen format, checked against the command's list; `txt` is `text`; the first format is the default. */
export function pickFormatOf<T extends string>(opts: FormatOpts, formats: readonly T[]): T {
  const given = [opts.output, opts.format, opts.f].filter((v): v is string => v !== undefined);
  const distinct = [...new Set(given.map((v) => (v === 'txt' ? 'text' : v)))];
  if (distinct.length > 1) throw new UserError(`conflicting formats: ${distinct.join(' and ')}`, 'give one -o/--output FORMAT');
  const v = distinct[0] ?? formats[0]!;
  if ((formats as readonly string[]).includes(v)) return v as T;
  const hint = looksLikeFile(v)
    ? `-o/--output chooses the format (${formats.join(', ')}); to write a file, give --output-file ${v}`
    : `choose one of ${formats.join(', ')}`;
  throw new UserError(`unknown format "${v}"`, hint);
}

/** The levels of reach: per workload or pod, or summed per namespace or intent segment. */
export const REACH_LEVELS = ['workload', 'pod', 'namespace', 'segment'] as const;

/** `--level workload|pod` (long only: `-l` is the label selector, as in kubectl); reach also takes namespace|segment. */
export function levelOption(cmd: Command, levels: readonly string[] = ['workload', 'pod']): Command {
  const summed = levels.includes('namespace') ? ', or summed per namespace or per intent segment (segment: with the intent)' : '';
  return cmd.addOption(withValues(new Option('--level <level>', `${levels.join(', ')}: per workload (namespace/name[Kind]) or pod${summed}`).default('workload'), levels));
}

/** Validates --level for a command that answers per workload or pod. */
export function pickLevel(v: string): 'workload' | 'pod' {
  if (v === 'namespace' || v === 'segment') throw new UserError(`--level ${v} sums many pairs into one line, which reach lists; this command answers per workload or pod`, `choose workload or pod (reach --level ${v} shows the summary)`);
  if (v !== 'workload' && v !== 'pod') throw new UserError(`unknown level "${v}"`, 'choose workload or pod');
  return v;
}

/** Validates reach's --level. */
export function pickReachLevel(v: string): (typeof REACH_LEVELS)[number] {
  if (!(REACH_LEVELS as readonly string[]).includes(v)) throw new UserError(`unknown level "${v}"`, `choose ${REACH_LEVELS.join(', ')}`);
  return v as (typeof REACH_LEVELS)[number];
}

/** `-n, --namespace NS` and `-l, --selector LABELS`: which endpoints the report is about (kubectl's filters). */
export function filterOptions(cmd: Command, what = 'only connections with an endpoint'): Command {
  return cmd
    .option('-n, --namespace <ns>', `${what} in this namespace (comma-separated for several)`)
    .option('-l, --selector <labels>', `${what} whose labels match this selector, as kubectl's -l: app=web,tier!=db,env in (a,b),!legacy`);
}

/** `-i, --intent FILE` and `--no-intent`, found beside the inputs by default (as audit does). */
export function intentOptions(cmd: Command, purpose: string): Command {
  return cmd
    .option('-i, --intent <file>', `the intent file: ${purpose} (default: bulkhead.yaml beside the inputs or in the working directory)`)
    .option('--no-intent', 'ignore any bulkhead.yaml found beside the inputs');
}

/** `--cluster-name NAME`: which tagged cluster's nodes carry the pods when a run reads manifests and an AWS snapshot. */
export function clusterNameOption(cmd: Command): Command {
  return cmd.option('--cluster-name <name>', 'with manifests and AWS input: the cluster whose tagged instances are the nodes (kubernetes.io/cluster/NAME, eks:cluster-name), when the snapshot tags several');
}

/** The options about reading inputs: `--default-namespace`, `-v`, `-q`, `--settings`, `--no-settings`. */
export function withInputOptions(cmd: Command): Command {
  return cmd
    .option('--default-namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes (skipped kinds)')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml');
}

/** The `-n`/`-l` scope the options give, or undefined when neither is given. */
export function scopeOption(opts: { readonly namespace?: string; readonly selector?: string }): EndpointScope | undefined {
  return endpointScope({ ...(opts.namespace ? { namespaces: [opts.namespace] } : {}), ...(opts.selector !== undefined ? { selector: opts.selector } : {}) });
}
