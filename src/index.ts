/**
 * Bulkhead as a library (`import ... from 'bulkhead'`): load inputs, analyse them once, ask the questions
 * (reach, explain, audit, blast, diff, init) and render any answer in any of the CLI's formats. Documented
 * in docs/api.md. The analysed model is an opaque handle: the engine behind it is free to change.
 */
import { analyze as analyzeInventory, type Analysis } from './engine/index.js';
import { loadFromPaths, loadFromTexts, type LoadResult } from './sources/k8s/index.js';
import { isGitSpec, readGitInputs } from './sources/git.js';
import { DEFAULT_SETTINGS, readSettingsFile, type Settings } from './settings/index.js';
import { comparisonNotes, notesOf, type Notes } from './analyses/notes.js';
import { computeReach, streamReach, type ReachOptions, type ReachResult, type ReachStream } from './analyses/reach.js';
import { computeExposure } from './analyses/exposure.js';
import { mergeOutside, mergeOutsideStream } from './analyses/outside-merge.js';
import { endpointFilter, filterReachResult, filterReachStream, type EndpointFilterSpec } from './analyses/endpoint-filter.js';
import { explain as explainPair, type Explanation } from './analyses/explain.js';
import { audit as auditModel, type AuditOptions, type AuditResult } from './analyses/audit.js';
import { blast as blastModel, type BlastOptions, type BlastResult } from './analyses/blast.js';
import { segmentView } from './analyses/segment-view.js';
import { carryOverUnreadable, diffAnalyses, type DiffResult } from './analyses/diff.js';
import { draftIntent, renderIntentYaml } from './analyses/intent/init.js';
import type { Intent } from './analyses/intent/index.js';
import type { Level } from './analyses/endpoints.js';
import { PortSet, parsePortSpec } from './model/port-set.js';
import { UserError } from './util/errors.js';
import { CHECKS } from './checks/index.js';
import type { CheckMeta } from './checks/types.js';
import { REACH_FORMATS } from './reports/reach/index.js';
import { EXPLAIN_FORMATS } from './reports/explain/index.js';
import { AUDIT_FORMATS } from './reports/audit/index.js';
import { BLAST_FORMATS } from './reports/blast/index.js';
import { DIFF_FORMATS } from './reports/diff/index.js';

export { VERSION } from './version.js';
export { loadIntent, parseIntent } from './analyses/intent/index.js';
export { parseSettings, readSettingsFile, DEFAULT_SETTINGS } from './settings/index.js';
export { parseLabelSelector } from './analyses/endpoint-filter.js';
export { UserError, ExitError } from './util/errors.js';
export { SEVERITIES } from './checks/types.js';
export { PortSet } from './model/port-set.js';

export type { Inventory, Diagnostic, SourceRef } from './inventory/types.js';
export type { Settings } from './settings/index.js';
export type { Notes } from './analyses/notes.js';
export type { Intent } from './analyses/intent/index.js';
export type { Endpoint, Level } from './analyses/endpoints.js';
export type { Connection, ReachResult, ReachStream } from './analyses/reach.js';
export type { Exposure } from './analyses/exposure.js';
export type { Explanation, RangeVerdict } from './analyses/explain.js';
export type { AuditResult, Finding, Baseline } from './analyses/audit.js';
export type { FindingSeverity, CheckMeta, Control } from './checks/types.js';
export type { BlastResult, BlastFromResult, BlastRankingResult } from './analyses/blast.js';
export type { DiffResult, DiffChange } from './analyses/diff.js';

/** Inputs loaded: the inventory, every problem found in them, the settings used, and the caveats reports carry. */
export interface Snapshot extends LoadResult {
  readonly settings: Settings;
  readonly notes: Notes;
  /** The inputs as given, for report headings. */
  readonly name: string;
}

export interface LoadOptions {
  /** Namespace of objects that name none (default "default"). */
  readonly defaultNamespace?: string;
  /** Settings, or the path of a bulkhead.settings.yaml (default: none; the library discovers nothing). */
  readonly settings?: Settings | string;
}

function buildOptions(opts: LoadOptions): { defaultNamespace?: string; settings: Settings } {
  const settings = typeof opts.settings === 'string' ? readSettingsFile(opts.settings) : (opts.settings ?? DEFAULT_SETTINGS);
  return { ...(opts.defaultNamespace ? { defaultNamespace: opts.defaultNamespace } : {}), settings };
}

function snapshot(r: LoadResult, settings: Settings, name: string): Snapshot {
  return { ...r, settings, notes: notesOf(r.inventory, r.diagnostics), name };
}

/**
 * Loads manifests: files, directories (recursed), `-` for stdin, or one `git:REF:path`. Problems in the
 * input are in `diagnostics`, never thrown; an unreadable path or a bad settings file throws a UserError.
 */
export async function load(inputs: string | readonly string[], opts: LoadOptions = {}): Promise<Snapshot> {
  const list = typeof inputs === 'string' ? [inputs] : inputs;
  const build = buildOptions(opts);
  const git = list.filter(isGitSpec);
  if (git.length > 0 && list.length > 1) throw new UserError('a git:REF:path input must be alone', 'load each revision on its own');
  const r = git.length ? loadFromTexts(await readGitInputs(git[0]!), build) : await loadFromPaths(list, build);
  return snapshot(r, build.settings, list.join(' '));
}

/** Loads manifests already in memory, each `{path, text}` (the path only names the source in messages). */
export function loadTexts(files: ReadonlyArray<{ readonly path: string; readonly text: string }>, opts: LoadOptions = {}): Snapshot {
  const build = buildOptions(opts);
  return snapshot(loadFromTexts(files, build), build.settings, files.map((f) => f.path).join(' '));
}

declare const MODEL: unique symbol;
/** An analysed snapshot, to ask questions of. Opaque: only the functions of this module look inside. */
export interface Model {
  readonly [MODEL]: true;
  readonly snapshot: Snapshot;
}

interface ModelImpl {
  readonly snapshot: Snapshot;
  readonly analysis: Analysis;
}

const inner = (m: Model): ModelImpl => m as unknown as ModelImpl;

/** Analyses a snapshot: the reachability every question below reads. */
export function analyze(s: Snapshot): Model {
  return { snapshot: s, analysis: analyzeInventory(s.inventory) } satisfies ModelImpl as unknown as Model;
}

/** Parses port specs like `TCP/443`, `UDP/53`, `TCP/8000-8100`, `8080` (TCP) into one set. */
export function ports(specs: string | readonly string[]): PortSet {
  let s = PortSet.NONE;
  for (const spec of (typeof specs === 'string' ? [specs] : specs).flatMap((x) => x.split(','))) {
    const p = parsePortSpec(spec.trim());
    if (!p) throw new UserError(`bad port "${spec}"`, 'expected PROTOCOL/PORT[-END] such as TCP/443, UDP/53, TCP/8000-8100, or a bare port number (TCP)');
    s = s.union(p);
  }
  return s;
}

export interface ReachQuery extends EndpointFilterSpec {
  readonly level?: Level;
  /** Only connections from / to endpoints matching these (ns/name, glob, IP address or CIDR). */
  readonly from?: string;
  readonly to?: string;
  /** Only these ports: a PortSet or specs such as "TCP/443". */
  readonly ports?: PortSet | string | readonly string[];
  /** Also list exposure beyond the input (selectors that may match pods the input does not show). */
  readonly exposure?: boolean;
}

function reachOptions(q: ReachQuery): ReachOptions {
  return {
    ...(q.level ? { level: q.level } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.ports !== undefined ? { ports: q.ports instanceof PortSet ? q.ports : ports(q.ports) } : {}),
  };
}

/** Every allowed connection, with its ports, outside addresses merged per pair as every report names them; `namespaces`/`selector` keep those with an end they select. */
export function reach(m: Model, q: ReachQuery = {}): ReachResult {
  const { analysis, snapshot: s } = inner(m);
  const o = reachOptions(q);
  const base = computeReach(analysis, o);
  const r = q.exposure ? { ...base, exposure: { wholeCluster: s.settings.wholeCluster, items: computeExposure(analysis, { ...o, wholeCluster: s.settings.wholeCluster }) } } : base;
  const keep = endpointFilter(q);
  return mergeOutside(keep ? filterReachResult(r, keep) : r);
}

/** The same listing produced on demand, for clusters whose connections do not fit in memory. */
export function reachStream(m: Model, q: Omit<ReachQuery, 'exposure'> = {}): ReachStream {
  const r = streamReach(inner(m).analysis, reachOptions(q));
  const keep = endpointFilter(q);
  return mergeOutsideStream(keep ? filterReachStream(r, keep) : r);
}

/** Why `from` can or cannot reach `to`: the verdict per port range and the rules on each side. */
export function explain(m: Model, from: string, to: string, opts: { readonly ports?: PortSet | string | readonly string[] } = {}): Explanation {
  const { analysis, snapshot: s } = inner(m);
  const p = opts.ports === undefined ? PortSet.ALL : opts.ports instanceof PortSet ? opts.ports : ports(opts.ports);
  return explainPair(analysis, from, to, p, { wholeCluster: s.settings.wholeCluster });
}

/** The audit: hygiene checks, and with an intent its drift, invariants and segment health. */
export function audit(m: Model, opts: Omit<AuditOptions, 'checks'> = {}): AuditResult {
  const { analysis, snapshot: s } = inner(m);
  return auditModel(analysis, { diagnostics: s.diagnostics, settings: s.settings, ...opts });
}

/** Blast radius from `from` (hop by hop), or without it every workload ranked; an intent adds segments. */
export function blast(m: Model, opts: Omit<BlastOptions, 'segments'> & { readonly intent?: Intent } = {}): BlastResult {
  const { analysis } = inner(m);
  const { intent, ...rest } = opts;
  return blastModel(analysis, { ...rest, ...(intent ? { segments: segmentView(analysis, intent) } : {}) });
}

/** What a change does to connectivity: pairs opened and closed, their causes, and with an intent the drift. */
export function diff(before: Snapshot, after: Snapshot, opts: { readonly level?: Level; readonly intent?: Intent } = {}): DiffResult {
  const carried = carryOverUnreadable(before.inventory, after.inventory, after.diagnostics, { old: before.name, new: after.name });
  return diffAnalyses(analyzeInventory(before.inventory), analyzeInventory(carried.inventory), {
    ...opts,
    oldName: before.name,
    newName: after.name,
    unreadable: carried.unreadable,
    wholeCluster: after.settings.wholeCluster,
  });
}

/** The caveats a diff report carries: those of both sides. */
export function diffNotes(before: Snapshot, after: Snapshot): Notes {
  return comparisonNotes(before.notes, after.notes);
}

/** A starting intent file (YAML) allowing exactly what is open today, as `bulkhead init` writes it. */
export function init(m: Model): string {
  return renderIntentYaml(draftIntent(inner(m).analysis));
}

/** Every audit check: id, severity, category, title, controls, remediation and documentation. */
export function checks(): readonly CheckMeta[] {
  return CHECKS.map((c) => c.meta);
}

/**
 * Every output format of every question, as the CLI's -o offers them: `formats.reach.json(result, notes)`.
 * Pass the snapshot's `notes` (for diff, `diffNotes`) so that the report carries the input's caveats.
 */
export const formats = {
  reach: REACH_FORMATS,
  explain: EXPLAIN_FORMATS,
  audit: AUDIT_FORMATS,
  blast: BLAST_FORMATS,
  diff: DIFF_FORMATS,
} as const;
