/**
 * A check is data plus one function (the ESLint rule pattern): `meta` says what it is, how severe, which
 * controls it maps to and how its messages read; `check(ctx)` only calls `ctx.report`.
 */
import type { Analysis } from '../engine/index.js';
import type { Diagnostic, Inventory, SourceRef } from '../inventory/types.js';
import type { DriftResult, Intent } from '../analyses/intent/index.js';
import type { Settings } from '../settings/index.js';
import type { PortSet } from '../model/port-set.js';
import type { TrafficSet } from '../model/traffic-set.js';

export type FindingSeverity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly FindingSeverity[] = ['error', 'warning', 'info'];

/** A requirement of a compliance framework that a check gives evidence for. */
export interface Control {
  readonly framework: 'CIS Kubernetes Benchmark' | 'PCI DSS v4.0' | 'SOC 2' | 'HIPAA' | 'NIST SP 800-53';
  readonly id: string;
}

/** `input`: the results do not reflect part of the input (unreadable, invalid, or not evaluated). */
export type CheckCategory = 'input' | 'drift' | 'invariant' | 'health' | 'hygiene';

export interface CheckMeta {
  /** kebab-case, stable: used in baselines, annotations and --disable. */
  readonly id: string;
  readonly category: CheckCategory;
  readonly severity: FindingSeverity;
  readonly title: string;
  /** Where the check is documented (relative to the repository root). */
  readonly docs: string;
  readonly controls: readonly Control[];
  readonly remediation: string;
  /** messageId -> template with {{placeholders}}. */
  readonly messages: Readonly<Record<string, string>>;
  /** Runs only when an intent file is given. */
  readonly requiresIntent?: boolean;
}

/** One offending pair of a finding: who reaches whom, on which ports, opened by which rule. */
export interface Evidence {
  readonly src: string;
  readonly dst: string;
  /** The cluster's ports, or cloud traffic (ICMP and other protocols too) for an AWS path. */
  readonly ports: PortSet | TrafficSet;
  /** "ingress rule #1 of NetworkPolicy shop-prod/postgres", or why nothing restricts it. */
  readonly rule: string;
  readonly location?: SourceRef;
}

/** What a finding is about: `Kind namespace/name` when printed. */
export interface ResourceRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface Report {
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly resource: ResourceRef;
  readonly location?: SourceRef;
  /** Distinguishes findings of one check on one resource; part of the stable id (never a line number). */
  readonly key?: string;
  /** Overrides the check's severity (e.g. a path into a sensitive segment). */
  readonly severity?: FindingSeverity;
  /** Other places that matter (the intent line a path breaks, the rule that shadows). */
  readonly related?: readonly { readonly message: string; readonly location: SourceRef }[];
  /** Every offending pair, as data (reports list them all; the message names a few). */
  readonly evidence?: readonly Evidence[];
  /** Offending pairs not listed in `evidence` (it holds the first ones only): their exact number. */
  readonly evidenceOmitted?: number;
  /** Every source and destination of the offending pairs, listed or not (what -n/-l scoping matches; not rendered). */
  readonly evidenceEnds?: ReadonlySet<string>;
  /** Namespace whose annotations may disable the finding, when not resource.namespace. */
  readonly namespaces?: readonly string[];
}

export interface CheckContext {
  readonly analysis: Analysis;
  readonly inventory: Inventory;
  /** The input's diagnostics (problems found while reading it), in reading order. */
  readonly diagnostics: readonly Diagnostic[];
  /** The settings file (DNS ports, whether the input is the whole cluster). */
  readonly settings: Settings;
  /** How many offending pairs a finding lists as evidence (default EVIDENCE_LIMIT); the rest are counted. */
  readonly evidenceLimit?: number;
  /** Present for checks with requiresIntent. */
  readonly intent?: Intent;
  readonly drift?: DriftResult;
  report(r: Report): void;
}

export interface Check {
  readonly meta: CheckMeta;
  check(ctx: CheckContext): void;
}

/** Declares a check; the identity function, there for type checking and grep. */
export function defineCheck(c: Check): Check {
  return c;
}

/** "Kind ns/name" or "Kind name". */
export function formatResource(r: ResourceRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** Fills {{placeholders}} of a message template. */
export function fillMessage(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}
