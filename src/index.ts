/**
 * Bulkhead as a library (`import ... from 'bulkhead'`): load inputs, analyse them once, ask the questions
 * (reach, explain, audit, blast, diff, init) and render any answer in any of the CLI's formats. Documented
 * in docs/api.md. The analysed model is an opaque handle: the engine behind it is free to change.
 */
import { analyze as analyzeInventory, type Analysis } from './engine/index.js';
import { loadFromTexts, type LoadResult } from './sources/k8s/index.js';
import { readInputs, type InputText } from './sources/input-files.js';
import { isGitSpec, readGitInputs } from './sources/git.js';
import { DEFAULT_SETTINGS, readSettingsFile, type Settings } from './settings/index.js';
import { comparisonNotes, notesOf, type Notes } from './analyses/notes.js';
import { computeReach, streamReach, type ReachLevel, type ReachOptions, type ReachResult, type ReachStream } from './analyses/reach.js';
import { aggregateReach, groupsFor } from './analyses/reach-aggregate.js';
import { computeExposure } from './analyses/exposure.js';
import { mergeOutside, mergeOutsideStream } from './analyses/outside-merge.js';
import { endpointFilter, endpointScope, filterReachResult, filterReachStream, type EndpointFilterSpec } from './analyses/endpoint-filter.js';
import { scopeAudit } from './analyses/audit-scope.js';
import { scopeDiff, workloadLookup } from './analyses/diff-scope.js';
import { blastExcludes, scopeBlast } from './analyses/blast-scope.js';
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
import { awsFormatOf } from './sources/aws/detect.js';
import { isTerraformPlanText, type TfSide } from './sources/terraform/index.js';
import { awsInventoryOf } from './cli/aws-load.js';
import type { AwsInventory } from './inventory/aws/types.js';
import type { Diagnostic } from './inventory/types.js';
import { analyseAwsInventory, type AwsAnalysis, type AwsConnection, type AwsReachStream } from './analyses/aws/reach.js';
import { awsNotesOf } from './analyses/aws/notes.js';
import { awsConnectionsOf, awsReachFilter } from './analyses/aws/select.js';
import { awsExplanation } from './analyses/aws/explain.js';
import { awsAuditChecks, withAwsSummary } from './analyses/aws/audit.js';
import { diffAws as diffAwsAnalyses, type AwsDiffResult } from './analyses/aws/diff.js';
import type { PathAnswer } from './engine/cloud/path.js';
import { AWS_REACH_FORMATS, awsReachChunks } from './reports/aws/reach.js';
import { AWS_EXPLAIN_FORMATS } from './reports/aws/explain.js';
import { AWS_DIFF_RENDERERS } from './reports/diff/aws.js';
import { NO_NOTES } from './analyses/notes.js';

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
export type { Aggregate, Connection, ReachLevel, ReachResult, ReachStream } from './analyses/reach.js';
export type { Exposure } from './analyses/exposure.js';
export type { Explanation, RangeVerdict } from './analyses/explain.js';
export type { AuditResult, Finding, Baseline } from './analyses/audit.js';
export type { FindingSeverity, CheckMeta, Control } from './checks/types.js';
export type { BlastResult, BlastFromResult, BlastRankingResult } from './analyses/blast.js';
export type { DiffResult, DiffChange } from './analyses/diff.js';
export type { EndpointFilterSpec } from './analyses/endpoint-filter.js';
export type { AwsInventory } from './inventory/aws/types.js';
export type { AwsReachStream, AwsConnection, AwsEndpointJSON } from './analyses/aws/reach.js';
export type { PathAnswer } from './engine/cloud/path.js';
export type { AwsDiffResult, AwsDiffChange } from './analyses/aws/diff.js';
export { TrafficSet } from './model/traffic-set.js';

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
  const texts = await readTexts(list);
  refuseKind(texts, 'aws', 'loadAws');
  return snapshot(loadFromTexts(texts, build), build.settings, list.join(' '));
}

/** The texts of inputs: paths (files, directories, `-`), or one `git:REF:path`. */
async function readTexts(list: readonly string[]): Promise<InputText[]> {
  const git = list.filter(isGitSpec);
  if (git.length > 0 && list.length > 1) throw new UserError('a git:REF:path input must be alone', 'load each revision on its own');
  return git.length ? readGitInputs(git[0]!) : readInputs(list);
}

const isAwsText = (t: InputText): boolean => !t.diagnostics?.length && awsFormatOf(t.text) !== undefined;

/** Refuses texts of the other kind (manifests read as AWS input, or AWS input read as manifests, would mislead). */
function refuseKind(texts: readonly InputText[], refused: 'aws' | 'k8s', use: string): void {
  const bad = texts.find((t) => (refused === 'aws' ? isAwsText(t) : !isAwsText(t) && !t.diagnostics?.length && t.text.trim() !== ''));
  if (!bad) return;
  throw new UserError(
    refused === 'aws' ? `${bad.path} is AWS input (describe-* output, collector file or Terraform JSON)` : `${bad.path} is not AWS input (describe-* output, collector file or Terraform JSON)`,
    `load it with ${use}()`,
  );
}

/** Loads manifests already in memory, each `{path, text}` (the path only names the source in messages). */
export function loadTexts(files: ReadonlyArray<{ readonly path: string; readonly text: string }>, opts: LoadOptions = {}): Snapshot {
  const build = buildOptions(opts);
  refuseKind(files, 'aws', 'loadAwsTexts');
  return snapshot(loadFromTexts(files, build), build.settings, files.map((f) => f.path).join(' '));
}

declare const MODEL: unique symbol;
/** An analysed snapshot, to ask questions of. Opaque: only the functions of this module look inside. */
export interface Model {
  readonly [MODEL]: true;
  readonly snapshot: Snapshot;
}

/** What an opaque model holds: the snapshot and its analysis. */
interface Handle<S, A> {
  readonly snapshot: S;
  readonly analysis: A;
}

const inner = (m: Model): Handle<Snapshot, Analysis> => m as unknown as Handle<Snapshot, Analysis>;

/** Analyses a snapshot: the reachability every question below reads. */
export function analyze(s: Snapshot): Model {
  return { snapshot: s, analysis: analyzeInventory(s.inventory) } satisfies Handle<Snapshot, Analysis> as unknown as Model;
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
  /** `namespace` and `segment` sum the workload listing per group (see docs/api.md); `segment` needs `intent`. */
  readonly level?: ReachLevel;
  /** The intent whose segments `level: 'segment'` groups by. */
  readonly intent?: Intent;
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
    ...(q.level === 'workload' || q.level === 'pod' ? { level: q.level } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.ports !== undefined ? { ports: q.ports instanceof PortSet ? q.ports : ports(q.ports) } : {}),
  };
}

/** Every allowed connection, with its ports, outside addresses merged per pair as every report names them; `namespaces`/`selector` keep those with an end they select. */
export function reach(m: Model, q: ReachQuery = {}): ReachResult {
  const { analysis, snapshot: s } = inner(m);
  const o = reachOptions(q);
  const summed = summedReach(m, q);
  if (summed) {
    if (q.exposure) throw new UserError(`exposure is not available at level ${q.level}`, 'use level workload or pod');
    const { connections, count: _, ...rest } = summed;
    return { ...rest, connections: [...connections()] };
  }
  const base = computeReach(analysis, o);
  const r = q.exposure ? { ...base, exposure: { wholeCluster: s.settings.wholeCluster, items: computeExposure(analysis, { ...o, wholeCluster: s.settings.wholeCluster }) } } : base;
  const keep = endpointFilter(q);
  return mergeOutside(keep ? filterReachResult(r, keep) : r);
}

/** The listing summed per namespace or segment, or undefined at workload and pod level. */
function summedReach(m: Model, q: ReachQuery): ReachStream | undefined {
  if (q.level !== 'namespace' && q.level !== 'segment') return undefined;
  const { analysis } = inner(m);
  const keep = endpointFilter(q);
  return aggregateReach(analysis, { ...reachOptions(q), level: q.level, groupsOf: groupsFor(analysis, q.level, q.intent), ...(keep ? { keep } : {}) });
}

/** The same listing produced on demand, for clusters whose connections do not fit in memory. */
export function reachStream(m: Model, q: Omit<ReachQuery, 'exposure'> = {}): ReachStream {
  const summed = summedReach(m, q);
  if (summed) return summed;
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

/** What the audit takes: an intent, checks to disable, a baseline, and `namespaces`/`selector` to narrow what is reported. */
export type AuditQuery = Omit<AuditOptions, 'checks'> & EndpointFilterSpec;

/**
 * The audit: hygiene checks, and with an intent its drift, invariants and segment health. `namespaces` and
 * `selector` keep the findings that involve an endpoint or object they select (as the CLI's -n/-l).
 */
export function audit(m: Model, opts: AuditQuery = {}): AuditResult {
  const { analysis, snapshot: s } = inner(m);
  const { namespaces, selector, ...rest } = opts;
  const scope = endpointScope({ ...(namespaces ? { namespaces } : {}), ...(selector !== undefined ? { selector } : {}) });
  const r = auditModel(analysis, { diagnostics: s.diagnostics, settings: s.settings, ...rest });
  return scope ? scopeAudit(analysis, r, scope, rest.intent) : r;
}

/** What blast takes: `from` or a ranking narrowed by `namespaces`/`selector`; an intent adds segments. */
export type BlastQuery = Omit<BlastOptions, 'segments'> & EndpointFilterSpec & { readonly intent?: Intent };

/**
 * Blast radius from `from` (hop by hop), or without it every workload ranked; an intent adds segments and
 * leaves its infrastructure segments out as pivots, as the CLI does. `namespaces`/`selector` narrow the ranking.
 */
export function blast(m: Model, opts: BlastQuery = {}): BlastResult {
  const { analysis } = inner(m);
  const { intent, namespaces, selector, ...rest } = opts;
  const keep = endpointFilter({ ...(namespaces ? { namespaces } : {}), ...(selector !== undefined ? { selector } : {}) });
  if (keep && rest.from !== undefined) throw new UserError('namespaces/selector narrow the ranking, which from replaces', 'give from alone, or namespaces/selector without from');
  const exclude = blastExcludes(intent, rest.exclude);
  const r = blastModel(analysis, { ...rest, ...(exclude.length ? { exclude } : {}), ...(intent ? { segments: segmentView(analysis, intent) } : {}) });
  return scopeBlast(r, keep);
}

/** What diff takes: the level, an intent, and `namespaces`/`selector` to narrow what is reported. */
export interface DiffQuery extends EndpointFilterSpec {
  readonly level?: Level;
  readonly intent?: Intent;
}

/**
 * What a change does to connectivity: pairs opened and closed, their causes, and with an intent the drift.
 * `namespaces`/`selector` keep the changes with an end they select, and the object changes behind them.
 */
export function diff(before: Snapshot, after: Snapshot, opts: DiffQuery = {}): DiffResult {
  const { namespaces, selector, ...rest } = opts;
  const scope = endpointScope({ ...(namespaces ? { namespaces } : {}), ...(selector !== undefined ? { selector } : {}) });
  const carried = carryOverUnreadable(before.inventory, after.inventory, after.diagnostics, { old: before.name, new: after.name });
  const oldA = analyzeInventory(before.inventory);
  const newA = analyzeInventory(carried.inventory);
  const r = diffAnalyses(oldA, newA, {
    ...rest,
    oldName: before.name,
    newName: after.name,
    unreadable: carried.unreadable,
    wholeCluster: after.settings.wholeCluster,
  });
  return scope ? scopeDiff(r, scope, workloadLookup(oldA, newA)) : r;
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
  /** AWS answers: reach (text, json, md, csv), explain (text, json, md), diff (text, json, md); audits render with `audit`. */
  aws: {
    reach: Object.fromEntries(AWS_REACH_FORMATS.map((f) => [f, (r: AwsReachStream, notes: Notes = NO_NOTES) => [...awsReachChunks(r, f, notes)].join('')])) as Record<(typeof AWS_REACH_FORMATS)[number], (r: AwsReachStream, notes?: Notes) => string>,
    explain: AWS_EXPLAIN_FORMATS,
    diff: AWS_DIFF_RENDERERS,
  },
} as const;

/** AWS input loaded: the estate, every problem found in it, and the caveats reports carry. */
export interface AwsSnapshot {
  readonly inventory: AwsInventory;
  readonly diagnostics: readonly Diagnostic[];
  readonly notes: Notes;
  /** The inputs as given, for report headings. */
  readonly name: string;
}

export interface AwsLoadOptions {
  /** Of a Terraform plan: its prior state or its after-state (`planned`, the default). */
  readonly side?: TfSide;
}

function awsSnapshot(texts: readonly InputText[], name: string, side: TfSide | undefined): AwsSnapshot {
  refuseKind(texts, 'k8s', 'load');
  const aws = texts.filter(isAwsText);
  if (aws.length === 0) throw new UserError(`no AWS input in ${name}`, 'give describe-* output (a snapshot directory), a collector file, or Terraform JSON (terraform show -json)');
  const inventory = awsInventoryOf(aws, side);
  return { inventory, diagnostics: inventory.diagnostics, notes: awsNotesOf(inventory), name };
}

/**
 * Loads AWS input: describe-* snapshot directories, collector files, Terraform state or plan JSON (paths,
 * or one `git:REF:path`), as reach, explain, audit and diff read it. Problems are in `diagnostics`.
 */
export async function loadAws(inputs: string | readonly string[], opts: AwsLoadOptions = {}): Promise<AwsSnapshot> {
  const list = typeof inputs === 'string' ? [inputs] : inputs;
  return awsSnapshot(await readTexts(list), list.join(' '), opts.side);
}

/** Loads AWS input already in memory, each `{path, text}`. */
export function loadAwsTexts(files: ReadonlyArray<{ readonly path: string; readonly text: string }>, opts: AwsLoadOptions = {}): AwsSnapshot {
  return awsSnapshot(files, files.map((f) => f.path).join(' '), opts.side);
}

/** A Terraform plan (`terraform show -json`) as its two sides, to `diffAws` as `diff plan.json` does. */
export async function loadPlan(path: string): Promise<{ readonly before: AwsSnapshot; readonly after: AwsSnapshot }> {
  const texts = await readTexts([path]);
  if (texts.length !== 1 || !isTerraformPlanText(texts[0]!.text)) throw new UserError(`${path} is not \`terraform show -json\` output of a plan`, 'run terraform plan -out=tfplan && terraform show -json tfplan > plan.json');
  return { before: awsSnapshot(texts, `${path} (prior state)`, 'prior'), after: awsSnapshot(texts, `${path} (planned)`, 'planned') };
}

declare const AWS_MODEL: unique symbol;
/** An analysed estate, to ask questions of. Opaque, as `Model`. */
export interface AwsModel {
  readonly [AWS_MODEL]: true;
  readonly snapshot: AwsSnapshot;
}

const awsInner = (m: AwsModel): Handle<AwsSnapshot, AwsAnalysis> => m as unknown as Handle<AwsSnapshot, AwsAnalysis>;

/** Analyses an AWS snapshot: security groups, network ACLs and routes between interfaces and the outside. */
export function analyzeAws(s: AwsSnapshot): AwsModel {
  return { snapshot: s, analysis: analyseAwsInventory(s.inventory) } satisfies Handle<AwsSnapshot, AwsAnalysis> as unknown as AwsModel;
}

/** What AWS reach takes: endpoint specs (ENI, instance, Name tag, `tag:K=V`, VPC, subnet, group, address, CIDR, `internet`) and ports. */
export interface AwsReachQuery {
  readonly from?: string;
  readonly to?: string;
  readonly ports?: PortSet | string | readonly string[];
}

/**
 * Every allowed connection between interfaces and outside ranges, expanded from classes only as
 * `connections()` is iterated (a large estate has millions of pairs); `count()` counts those kept.
 */
export function reachAws(m: AwsModel, q: AwsReachQuery = {}): AwsReachStream {
  const all = awsInner(m).analysis.streamReach();
  const f = awsReachFilter({ ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ports: q.ports === undefined ? undefined : q.ports instanceof PortSet ? q.ports : ports(q.ports) });
  if (!f.from && !f.to && !f.traffic) return all;
  const connections = (): Iterable<AwsConnection> => awsConnectionsOf(all, f);
  return {
    ...all,
    view: all.view,
    outside: all.outside.bind(all),
    connections,
    count: () => {
      let n = 0;
      for (const _ of connections()) n++;
      return n;
    },
  };
}

/** Why `from` can or cannot reach `to` in the estate: the verdict per stage with the rules, one end an interface. */
export function explainAws(m: AwsModel, from: string, to: string, opts: { readonly ports?: PortSet | string | readonly string[] } = {}): PathAnswer {
  const p = opts.ports === undefined ? undefined : opts.ports instanceof PortSet ? opts.ports : ports(opts.ports);
  const a = awsExplanation(awsInner(m).analysis, from, to, p);
  if (!a) throw new UserError(`neither ${from} nor ${to} is a network interface of the AWS snapshot`, 'name an ENI id, instance id, Name tag or private address at one end');
  return a;
}

/** The audit of an estate: the AWS checks (and with an intent the segments with aws criteria), as `audit` runs them. */
export function auditAws(m: AwsModel, opts: Omit<AuditOptions, 'checks' | 'settings' | 'diagnostics'> = {}): AuditResult {
  const { analysis, snapshot: s } = awsInner(m);
  const empty = analyzeInventory(loadFromTexts([]).inventory);
  const r = auditModel(empty, { ...opts, diagnostics: s.diagnostics, checks: awsAuditChecks(analysis, opts.intent, false) });
  return withAwsSummary(r, analysis);
}

/** What a change to an estate does: connections opened, closed and changed, with the rule changes behind them. */
export function diffAws(before: AwsSnapshot, after: AwsSnapshot): AwsDiffResult {
  return diffAwsAnalyses(analyseAwsInventory(before.inventory), analyseAwsInventory(after.inventory), { oldName: before.name, newName: after.name });
}

/** The caveats an AWS diff report carries: those of both sides. */
export function diffAwsNotes(before: AwsSnapshot, after: AwsSnapshot): Notes {
  return comparisonNotes(before.notes, after.notes);
}
