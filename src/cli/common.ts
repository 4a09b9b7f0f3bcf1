/** What every command shares: loading inputs, printing diagnostics, writing output. */
import { loadFromTexts } from '../sources/k8s/index.js';
import { readInputs } from '../sources/input-files.js';
import { splitAwsInputs, type AwsInput } from './aws-inputs.js';
import type { Diagnostic, Inventory } from '../inventory/types.js';
import { formatSource } from '../inventory/types.js';
import { UserError } from '../util/errors.js';
import { parsePortSpec, type PortSet } from '../model/port-set.js';
import { notesOf, type Notes } from '../analyses/notes.js';
import { oneLine } from '../reports/safe-text.js';
import { DEFAULT_SETTINGS, readSettingsFile, SETTINGS_NAMES, type Settings } from '../settings/index.js';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inventoryOf } from '../sources/k8s/live/index.js';
import { readClusterFor, wantsCluster, type ClusterCliOptions } from './cluster.js';

export interface InputOptions extends ClusterCliOptions {
  /** --default-namespace: the namespace of objects that name none. */
  readonly defaultNamespace?: string;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
  /** --settings FILE, or false for --no-settings; undefined: discover bulkhead.settings.yaml. */
  readonly settings?: string | false;
}

/** The first of `names` beside the inputs (a directory, or a file's folder) or in the working directory. */
export function discoverFile(inputs: readonly string[], names: readonly string[]): string | undefined {
  const dirs: string[] = [];
  for (const p of inputs) {
    if (p === '-' || p.startsWith('git:')) continue;
    try {
      dirs.push(statSync(p).isDirectory() ? p : dirname(p));
    } catch {
      // readInputs reports unreadable inputs.
    }
  }
  dirs.push('.');
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return undefined;
}

export const INTENT_NAMES = ['bulkhead.yaml', 'bulkhead.yml'];

/**
 * The intent file: the one named with --intent, none with --no-intent, else bulkhead.yaml beside the
 * inputs or in the working directory (announced on stderr unless --quiet).
 */
export function resolveIntentPath(inputs: readonly string[], opts: { intent?: string | false; quiet?: boolean }): string | undefined {
  if (opts.intent === false) return undefined;
  if (opts.intent !== undefined) return opts.intent;
  const found = discoverFile(inputs, INTENT_NAMES);
  if (found && !opts.quiet) process.stderr.write(`note: using intent ${found}\n`);
  return found;
}

/** The settings file the user named, or the one found beside the inputs, or the defaults. */
export function resolveSettings(inputs: readonly string[], opts: InputOptions): Settings {
  if (opts.settings === false) return DEFAULT_SETTINGS;
  const path = opts.settings ?? discoverFile(inputs, SETTINGS_NAMES);
  if (!path) return DEFAULT_SETTINGS;
  const s = readSettingsFile(path);
  if (opts.settings === undefined && !opts.quiet) process.stderr.write(`note: using settings ${path}\n`);
  return s;
}

/**
 * Prints diagnostics to stderr: errors and warnings (unless --quiet), infos with --verbose. When the report
 * itself carries them and goes to the terminal, only the infos asked for with --verbose are printed: the
 * report shows the rest, and printing them twice buries the results.
 */
export function printDiagnostics(diags: readonly Diagnostic[], opts: InputOptions, reportCarriesThem = false): void {
  if (opts.quiet) return;
  const shownInReport = reportCarriesThem && process.stdout.isTTY === true;
  for (const d of diags) {
    if (d.severity === 'info' ? !opts.verbose : shownInReport) continue;
    const where = d.source ? `${oneLine(formatSource(d.source))}: ` : '';
    process.stderr.write(`${d.severity}: ${where}${oneLine(d.message)}\n`);
  }
}

/**
 * Loads inputs; exits 2 (UserError) when nothing can be analysed. AWS snapshot files among them (describe-*
 * JSON) are read apart into `aws` when the command takes them (`acceptAws`), else refused.
 */
export async function loadInputs(
  paths: readonly string[],
  opts: InputOptions,
  reportCarriesNotes = true,
  acceptAws?: string,
): Promise<{ inventory: Inventory; diagnostics: Diagnostic[]; settings: Settings; notes: Notes; aws?: AwsInput }> {
  const live = wantsCluster(opts);
  if (paths.length === 0 && !live) throw new UserError('no inputs', 'give manifest files or directories, or --cluster to read the cluster of the kubeconfig context');
  const settings = resolveSettings(paths, opts);
  // With --cluster, -n names the namespaces read; files beside it take the first for objects that name none.
  const defaultNamespace = live && opts.clusterNamespaces?.length ? opts.clusterNamespaces[0] : opts.defaultNamespace;
  const build = { ...(defaultNamespace ? { defaultNamespace } : {}), settings };
  const { k8s, aws } = await splitAwsInputs(paths.length ? await readInputs(paths) : [], acceptAws);
  let loaded;
  let where = paths.join(', ');
  if (live) {
    const read = await readClusterFor(opts, settings);
    loaded = inventoryOf(read, k8s, build);
    where = [`cluster ${read.cluster}${read.namespaces ? ` (namespaces ${read.namespaces.join(', ')})` : ''}`, ...paths].join(', ');
  } else loaded = loadFromTexts(k8s, build);
  const r = { ...loaded, settings, notes: notesOf(loaded.inventory, loaded.diagnostics), ...(aws ? { aws } : {}) };
  printDiagnostics([...r.diagnostics, ...(aws?.notes.diagnostics ?? [])], opts, reportCarriesNotes);
  if (aws && k8s.length === 0 && !live) return r;
  if (r.inventory.pods.length === 0 && !aws) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    throw new UserError(
      `nothing to analyse in ${where}: no workloads or pods found${errors ? ` (${errors} error(s) above)` : ''}`,
      'give manifests with Deployments, StatefulSets, DaemonSets, Jobs, CronJobs or Pods',
    );
  }
  return r;
}

/** Parses --port values like TCP/80, udp/53, 8080, TCP/8000-8100 into one set. */
export function parsePorts(specs: readonly string[] | undefined): PortSet | undefined {
  if (!specs || specs.length === 0) return undefined;
  let s: PortSet | undefined;
  for (const spec of specs.flatMap((x) => x.split(','))) {
    const p = parsePortSpec(spec);
    if (!p) throw new UserError(`bad --port "${spec}"`, 'expected PROTOCOL/PORT[-END] such as TCP/443, UDP/53, TCP/8000-8100, or a bare port number (TCP)');
    s = s ? s.union(p) : p;
  }
  return s;
}

/** Validates a --format value against the formats a command offers. */
export function pickFormat<T extends string>(value: string, formats: readonly T[]): T {
  if (!(formats as readonly string[]).includes(value)) throw new UserError(`unknown format "${value}"`, `choose one of ${formats.join(', ')}`);
  return value as T;
}

export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}
