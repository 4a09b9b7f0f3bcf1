/**
 * The audit: runs the checks (hygiene always, drift, invariants and health when an intent is given) and
 * turns their reports into findings with stable ids, applying disables, annotations and a baseline.
 */
import { createHash } from 'node:crypto';
import type { Analysis } from '../engine/index.js';
import type { Diagnostic, Labels, SourceRef } from '../inventory/types.js';
import { CHECKS, fillMessage, formatResource, type ResourceRef, type Check, type CheckCategory, type CheckMeta, type Control, type FindingSeverity, type Report, type Evidence } from '../checks/index.js';
import { drift as computeDrift, type DriftResult, type Intent, type SegmentHealth } from './intent/index.js';
import { lex } from '../util/compare.js';
import { DEFAULT_SETTINGS, type Settings } from '../settings/index.js';

/** The annotation that silences checks on a resource (or, on a Namespace, on everything in it): ids, comma-separated, or `*`. */
export const IGNORE_ANNOTATION = 'bulkhead.io/ignore';

export interface Finding {
  /** Stable across runs and line moves: a hash of check, resource and what distinguishes the finding. */
  readonly id: string;
  readonly check: string;
  /** Which of the check's messages it is (stable; tests and tools may key on it). */
  readonly messageId: string;
  readonly category: CheckCategory;
  readonly severity: FindingSeverity;
  readonly title: string;
  readonly message: string;
  /** `Kind namespace/name`. */
  readonly resource: string;
  /** The same resource as data (the -n/-l scope reads it). */
  readonly ref: ResourceRef;
  readonly location?: SourceRef;
  readonly remediation: string;
  readonly controls: readonly Control[];
  readonly docs: string;
  readonly related?: readonly { readonly message: string; readonly location: SourceRef }[];
  /** Every offending pair with its ports and the rule that opens it. */
  readonly evidence?: readonly Evidence[];
  /** How many more offending pairs there are than `evidence` lists (absent when it lists them all). */
  readonly evidenceOmitted?: number;
  /** Every source and destination of the offending pairs, listed or not (for -n/-l; reports do not render it). */
  readonly evidenceEnds?: ReadonlySet<string>;
}

/** Accepted findings, by id (a previous `--format json` output or `--write-baseline` file works). */
export interface Baseline {
  readonly ids: ReadonlySet<string>;
}

export interface AuditOptions {
  readonly intent?: Intent;
  /** Check ids not to run. */
  readonly disable?: readonly string[];
  readonly baseline?: Baseline;
  /** The input's diagnostics: input errors become findings, so `--fail-on error` gates on them. */
  readonly diagnostics?: readonly Diagnostic[];
  /** The settings file (DNS ports, whole cluster...); defaults when absent. */
  readonly settings?: Settings;
  /** Offending pairs listed per finding (default 100, Infinity for all); the rest are counted in evidenceOmitted. */
  readonly evidenceLimit?: number;
  /** The checks to run (default: all registered). */
  readonly checks?: readonly Check[];
}

export interface AuditSummary {
  readonly total: number;
  readonly bySeverity: Readonly<Record<FindingSeverity, number>>;
  readonly byCategory: Readonly<Record<CheckCategory, number>>;
  readonly suppressed: { readonly baseline: number; readonly annotation: number };
  readonly workloads: number;
  readonly policies: number;
  /** AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies, when any. */
  readonly adminPolicies?: number;
  /** The AWS estate audited with (or instead of) the cluster, when any. */
  readonly aws?: { readonly interfaces: number; readonly securityGroups: number; readonly vpcs: number };
}

export interface AuditResult {
  readonly findings: readonly Finding[];
  /** The checks that ran, sorted by id. */
  readonly checks: readonly CheckMeta[];
  readonly intent?: { readonly file: string; readonly segments: number; readonly flows: number; readonly invariants: number };
  readonly health?: readonly SegmentHealth[];
  readonly drift?: DriftResult;
  readonly summary: AuditSummary;
  /** Present when -n/-l narrowed the findings: the filter as given, and how many findings there were in all. */
  readonly scope?: { readonly filter: string; readonly total: number };
}

const RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Is `s` at or above `threshold`? */
export function atLeast(s: FindingSeverity, threshold: FindingSeverity): boolean {
  return RANK[s] <= RANK[threshold];
}

/**
 * A finding's stable id. Flow resources were named `#2 api → db` before connections were written `=>`
 * everywhere; the id is computed on that older spelling so that baselines and code-scanning alerts made
 * before the change still match.
 */
export function findingId(check: string, resource: string, key: string): string {
  const stable = resource.startsWith('Flow #') ? resource.replace(' => ', ' → ') : resource;
  return createHash('sha256').update(`${check}\u0000${stable}\u0000${key}`).digest('hex').slice(0, 16);
}

function ignored(ann: Labels | undefined, check: string): boolean {
  const v = ann?.[IGNORE_ANNOTATION];
  if (v === undefined) return false;
  return v.split(',').some((x) => {
    const t = x.trim();
    return t === '*' || t === 'all' || t === check;
  });
}

/** Runs the audit; pure over the analysis and options (no I/O). */
export function audit(a: Analysis, opts: AuditOptions = {}): AuditResult {
  const disabled = new Set(opts.disable ?? []);
  const checks = (opts.checks ?? CHECKS).filter((c) => !disabled.has(c.meta.id) && (!c.meta.requiresIntent || opts.intent));
  const d = opts.intent && checks.some((c) => c.meta.requiresIntent) ? computeDrift(a, opts.intent) : undefined;
  const nsAnn = new Map(a.inventory.namespaces.map((n) => [n.name, n.annotations]));
  const objAnn = new Map<string, Labels | undefined>();
  for (const w of a.inventory.workloads) objAnn.set(`${w.kind} ${w.namespace}/${w.name}`, w.annotations);
  for (const p of a.inventory.policies) objAnn.set(`NetworkPolicy ${p.namespace}/${p.name}`, p.annotations);
  for (const n of a.inventory.namespaces) objAnn.set(`Namespace ${n.name}`, n.annotations);

  const findings: Finding[] = [];
  const seen = new Set<string>();
  let byAnnotation = 0;
  let byBaseline = 0;
  for (const c of checks) {
    const meta = c.meta;
    const report = (r: Report): void => {
      const resource = formatResource(r.resource);
      const namespaces = r.namespaces ?? (r.resource.namespace ? [r.resource.namespace] : []);
      if (ignored(objAnn.get(resource), meta.id) || namespaces.some((ns) => ignored(nsAnn.get(ns), meta.id))) {
        byAnnotation++;
        return;
      }
      const template = meta.messages[r.messageId];
      if (template === undefined) throw new Error(`check ${meta.id} reported unknown messageId ${r.messageId}`);
      const id = findingId(meta.id, resource, r.key ?? '');
      if (seen.has(id)) return;
      seen.add(id);
      if (opts.baseline?.ids.has(id)) {
        byBaseline++;
        return;
      }
      findings.push({
        id,
        check: meta.id,
        messageId: r.messageId,
        category: meta.category,
        severity: r.severity ?? meta.severity,
        title: meta.title,
        message: fillMessage(template, r.data),
        resource,
        ref: r.resource,
        ...(r.location ? { location: r.location } : {}),
        remediation: meta.remediation,
        controls: meta.controls,
        docs: meta.docs,
        ...(r.related && r.related.length ? { related: r.related } : {}),
        ...(r.evidence && r.evidence.length ? { evidence: r.evidence } : {}),
        ...(r.evidenceOmitted ? { evidenceOmitted: r.evidenceOmitted, ...(r.evidenceEnds ? { evidenceEnds: r.evidenceEnds } : {}) } : {}),
      });
    };
    c.check({ analysis: a, inventory: a.inventory, settings: opts.settings ?? DEFAULT_SETTINGS, diagnostics: opts.diagnostics ?? [], ...(opts.evidenceLimit !== undefined ? { evidenceLimit: opts.evidenceLimit } : {}), ...(opts.intent ? { intent: opts.intent } : {}), ...(d ? { drift: d } : {}), report });
  }
  findings.sort(
    (x, y) =>
      RANK[x.severity] - RANK[y.severity] ||
      lex(x.check, y.check) ||
      lex(x.location?.file ?? '', y.location?.file ?? '') ||
      (x.location?.line ?? 0) - (y.location?.line ?? 0) ||
      lex(x.resource, y.resource) ||
      lex(x.id, y.id),
  );
  return {
    findings,
    checks: checks.map((c) => c.meta).sort((x, y) => lex(x.id, y.id)),
    ...(opts.intent
      ? { intent: { file: opts.intent.file, segments: opts.intent.segments.length, flows: opts.intent.flows.length, invariants: opts.intent.invariants.length } }
      : {}),
    ...(d ? { health: d.health, drift: d } : {}),
    summary: {
      ...countFindings(findings),
      suppressed: { baseline: byBaseline, annotation: byAnnotation },
      workloads: a.inventory.workloads.length,
      policies: a.inventory.policies.length,
      ...(a.inventory.adminPolicies?.length ? { adminPolicies: a.inventory.adminPolicies.length } : {}),
    },
  };
}

/** The counts of a summary: total, by severity and by category. */
export function countFindings(findings: readonly Finding[]): Pick<AuditSummary, 'total' | 'bySeverity' | 'byCategory'> {
  const bySeverity = { error: 0, warning: 0, info: 0 };
  const byCategory = { input: 0, drift: 0, invariant: 0, health: 0, hygiene: 0 };
  for (const f of findings) {
    bySeverity[f.severity]++;
    byCategory[f.category]++;
  }
  return { total: findings.length, bySeverity, byCategory };
}

/** Reads accepted finding ids from a baseline document (a bulkhead.audit/v1 or bulkhead.baseline/v1 JSON value). */
export function baselineFrom(doc: unknown): Baseline | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  const f = (doc as { findings?: unknown }).findings;
  if (!Array.isArray(f)) return undefined;
  const ids = f.map((x) => (x !== null && typeof x === 'object' ? (x as { id?: unknown }).id : x)).filter((x): x is string => typeof x === 'string');
  return { ids: new Set(ids) };
}
