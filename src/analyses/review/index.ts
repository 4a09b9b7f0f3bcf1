/**
 * The periodic (quarterly) review: what changed in the period and what the segmentation has become.
 * Compares the snapshot at the start of the period with the latest one (the existing diff), reads the
 * findings and segment health every snapshot recorded (the charts), matches the period's observed flows,
 * and turns it all into a list of proposed changes, each naming the rule or intent line to edit.
 */
import { analyze } from '../../engine/index.js';
import { diffAnalyses, type DiffResult } from '../diff.js';
import { drift, type DriftResult } from '../intent/index.js';
import { matchFlows, type FlowMatch } from '../flows/match.js';
import { comparisonNotes, notesOf, type Notes } from '../notes.js';
import type { SnapshotFinding, SnapshotHealth } from '../snapshot.js';
import type { ObservedFlow } from '../../inventory/flows.js';
import type { SourceRef } from '../../inventory/types.js';
import type { Rebuilt } from '../../store/take.js';
import type { SnapshotMeta } from '../../store/types.js';
import type { FindingSeverity } from '../../checks/index.js';
import { atLeast } from '../audit.js';

export interface ReviewSnapshot {
  readonly meta: SnapshotMeta;
  readonly findings: readonly SnapshotFinding[];
  readonly health: readonly SnapshotHealth[];
}

export interface ReviewInput {
  readonly since: string;
  readonly until: string;
  /** The period's first state: the last snapshot on or before `since`, else the first after it. */
  readonly base: ReviewSnapshot & { readonly rebuilt: Rebuilt };
  readonly latest: ReviewSnapshot & { readonly rebuilt: Rebuilt };
  /** Every snapshot of the period, base and latest included, oldest first (for the charts). */
  readonly series: readonly ReviewSnapshot[];
  readonly flows: readonly ObservedFlow[];
  /** Finding ids and flat segments of the last review, for --fail-on. */
  readonly previous?: ReviewBaseline;
}

export interface ReviewBaseline {
  readonly takenAt: string;
  readonly snapshotId: number;
  readonly findings: readonly string[];
  readonly flat: readonly string[];
}

export interface Proposal {
  readonly kind: 'close-path' | 'remove-rule' | 'narrow-rule' | 'open-flow' | 'map-endpoint' | 'retire-segment' | 'restructure-segment' | 'investigate';
  readonly title: string;
  /** The rule, policy or intent line to edit. */
  readonly at?: SourceRef;
  readonly why: string;
}

export interface SegmentTrend {
  readonly segment: string;
  readonly source?: SourceRef;
  readonly before?: number;
  readonly now: number;
  readonly reaches: number;
  readonly others: number;
}

export interface ReviewResult {
  readonly since: string;
  readonly until: string;
  readonly base: SnapshotMeta;
  readonly latest: SnapshotMeta;
  readonly snapshots: readonly SnapshotMeta[];
  readonly intentFile?: string;
  readonly changes: DiffResult;
  /** Workloads in no segment now that were not unmapped at the start. */
  readonly newUnmapped: readonly { readonly workload: string; readonly pods: number; readonly source?: SourceRef }[];
  /** Flat now, with the share at the start (undefined when the segment is new). */
  readonly flat: readonly SegmentTrend[];
  readonly meaningless: readonly { readonly segment: string; readonly why: string; readonly source?: SourceRef }[];
  /** Findings on rules that allow nothing (peers matching nothing, policies selecting nothing, unresolved named ports). */
  readonly deadRules: readonly SnapshotFinding[];
  /** Findings of the latest snapshot that the base did not have. */
  readonly newFindings: readonly SnapshotFinding[];
  readonly resolvedFindings: readonly SnapshotFinding[];
  readonly flows?: FlowMatch;
  readonly series: readonly { readonly id: number; readonly takenAt: string; readonly label?: string; readonly findings: Readonly<Record<FindingSeverity, number>>; readonly share: Readonly<Record<string, number>>; readonly flat: readonly string[] }[];
  readonly proposals: readonly Proposal[];
  readonly previous?: ReviewBaseline;
  readonly notes: Notes;
}

const DEAD_RULE_CHECKS = new Set(['dead-peer', 'policy-selects-nothing', 'unresolved-named-port']);

function bySeverity(fs: readonly SnapshotFinding[]): Record<FindingSeverity, number> {
  const r: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of fs) r[f.severity]++;
  return r;
}

/** Builds the review. */
export function review(input: ReviewInput): ReviewResult {
  const { base, latest } = input;
  const oldA = analyze(base.rebuilt.inventory);
  const newA = analyze(latest.rebuilt.inventory);
  const intent = latest.rebuilt.intent;
  const changes = diffAnalyses(oldA, newA, { oldName: `@${base.meta.id}`, newName: `@${latest.meta.id}`, wholeCluster: latest.rebuilt.settings.wholeCluster, ...(intent ? { intent } : {}) });
  let dNow: DriftResult | undefined;
  let dThen: DriftResult | undefined;
  if (intent) {
    dNow = drift(newA, intent);
    dThen = drift(oldA, intent);
  }
  const unmappedThen = new Set((dThen?.unmapped ?? []).map((u) => u.workload.id));
  const newUnmapped = (dNow?.unmapped ?? []).filter((u) => !unmappedThen.has(u.workload.id)).map((u) => ({ workload: u.workload.id, pods: u.pods, ...(u.workload.source ? { source: u.workload.source } : {}) }));
  const thenShare = new Map(base.health.map((h) => [h.segment, h]));
  const flat = latest.health.filter((h) => h.flat).map((h) => ({ segment: h.segment, ...(h.source ? { source: h.source } : {}), ...(thenShare.has(h.segment) ? { before: thenShare.get(h.segment)!.share } : {}), now: h.share, reaches: h.reaches, others: h.others }));
  const meaningless = [
    ...(dNow?.emptySegments ?? []).map((s) => ({ segment: s.name, why: 'no workload or address belongs to it', source: s.source })),
    ...latest.health.filter((h) => h.members > 0 && h.reaches === 0 && h.reachedBy === 0 && !h.reachesOutside && !h.reachedFromOutside).map((h) => ({ segment: h.segment, why: `its ${h.members} workload(s) reach nothing and nothing reaches them`, ...(h.source ? { source: h.source } : {}) })),
  ];
  const thenIds = new Set(base.findings.map((f) => f.id));
  const nowIds = new Set(latest.findings.map((f) => f.id));
  const newFindings = latest.findings.filter((f) => !thenIds.has(f.id));
  const resolvedFindings = base.findings.filter((f) => !nowIds.has(f.id));
  const deadRules = latest.findings.filter((f) => DEAD_RULE_CHECKS.has(f.check));
  const inPeriod = input.flows.filter((f) => f.end >= input.since && f.start <= input.until);
  const flows = inPeriod.length > 0 ? matchFlows(newA, inPeriod, intent) : undefined;

  const proposals: Proposal[] = [];
  const add = (p: Proposal): void => void proposals.push(p);
  for (const f of newFindings.filter((x) => x.check === 'intent-never' || x.check === 'intent-violation' || x.check === 'intent-isolated' || x.check === 'intent-egress')) {
    add({ kind: 'close-path', title: `close what ${f.resource} opens against the intent`, ...(f.location ? { at: f.location } : {}), why: f.message });
  }
  for (const g of flows?.unexpected ?? []) {
    add({ kind: 'close-path', title: `close ${g.src} => ${g.dst} ${g.protocol}${g.port !== undefined ? ` ${g.port}` : ''}, observed ${g.count} time(s) though the intent does not allow it`, ...(g.sources[0] ? { at: g.sources[0] } : {}), why: g.rules.length ? `allowed by ${g.rules.join(' and ')}; or, if the flow is needed, add it to the intent` : 'or, if the flow is needed, add it to the intent' });
  }
  for (const g of flows?.broken ?? []) {
    add({ kind: 'open-flow', title: `open ${g.src} => ${g.dst} ${g.protocol}${g.port !== undefined ? ` ${g.port}` : ''}: intended, yet observed denied ${g.count} time(s)`, ...(g.sources[0] ? { at: g.sources[0] } : {}), why: 'the intent allows it; a rule on the denied side must admit it, or the intent flow should go' });
  }
  for (const g of flows?.mismatch ?? []) {
    add({ kind: 'investigate', title: `${g.src} => ${g.dst} ${g.protocol} ${g.port ?? ''} was ${g.verdict} on the network, but the manifests say ${g.model}`.replace(/ +/g, ' '), ...(g.sources[0] ? { at: g.sources[0] } : {}), why: 'the input may not be the whole cluster, the CNI may not enforce NetworkPolicy, or the flows come from elsewhere' });
  }
  for (const r of flows?.unusedRules ?? []) {
    add({ kind: 'narrow-rule', title: `${r.key}: no observed flow used it in the period`, at: r.source, why: 'remove it or narrow it to what is needed (bulkhead propose suggests least-privilege policies from the flows)' });
  }
  for (const f of deadRules) add({ kind: 'remove-rule', title: `${f.resource}: a rule that allows nothing`, ...(f.location ? { at: f.location } : {}), why: f.message });
  for (const u of newUnmapped) add({ kind: 'map-endpoint', title: `${u.workload} belongs to no segment`, ...(u.source ? { at: u.source } : {}), why: `add it to a segment of ${intent?.file ?? 'the intent'}, or retire it` });
  for (const s of flat) add({ kind: 'restructure-segment', title: `segment ${s.segment} is flat: it reaches ${Math.round(s.now * 100)}% of the other workloads${s.before !== undefined ? ` (${Math.round(s.before * 100)}% at the start)` : ''}`, ...(s.source ? { at: s.source } : {}), why: 'its exceptions make it provide no segmentation: restructure or replace it' });
  for (const m of meaningless) add({ kind: 'retire-segment', title: `segment ${m.segment} is no longer meaningful`, ...(m.source ? { at: m.source } : {}), why: m.why });

  const series = input.series.map((s) => ({
    id: s.meta.id,
    takenAt: s.meta.takenAt,
    ...(s.meta.label ? { label: s.meta.label } : {}),
    findings: bySeverity(s.findings),
    share: Object.fromEntries(s.health.map((h) => [h.segment, h.share])),
    flat: s.health.filter((h) => h.flat).map((h) => h.segment),
  }));
  return {
    since: input.since,
    until: input.until,
    base: base.meta,
    latest: latest.meta,
    snapshots: input.series.map((s) => s.meta),
    ...(intent ? { intentFile: intent.file } : {}),
    changes,
    newUnmapped,
    flat,
    meaningless,
    deadRules,
    newFindings,
    resolvedFindings,
    ...(flows ? { flows } : {}),
    series,
    proposals,
    ...(input.previous ? { previous: input.previous } : {}),
    notes: comparisonNotes(notesOf(base.rebuilt.inventory, base.rebuilt.diagnostics), notesOf(latest.rebuilt.inventory, latest.rebuilt.diagnostics)),
  };
}

/** What the next review compares with. */
export function reviewBaseline(r: ReviewResult, takenAt: string, latestFindings: readonly SnapshotFinding[]): ReviewBaseline {
  return { takenAt, snapshotId: r.latest.id, findings: latestFindings.map((f) => f.id), flat: r.flat.map((s) => s.segment) };
}

/** Regressions since the last review (else since the period's start): new findings at or above `threshold`, segments newly flat. */
export function regressions(r: ReviewResult, input: Pick<ReviewInput, 'base' | 'latest'>, threshold: FindingSeverity): { findings: SnapshotFinding[]; flat: string[] } {
  const before = new Set(r.previous ? r.previous.findings : input.base.findings.map((f) => f.id));
  const flatBefore = new Set(r.previous ? r.previous.flat : input.base.health.filter((h) => h.flat).map((h) => h.segment));
  return {
    findings: input.latest.findings.filter((f) => !before.has(f.id) && atLeast(f.severity, threshold)),
    flat: atLeast('warning', threshold) ? r.flat.map((s) => s.segment).filter((s) => !flatBefore.has(s)) : [],
  };
}
