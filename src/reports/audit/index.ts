/** The audit's output formats: each a plain function of the whole result. */
import type { AuditResult } from '../../analyses/audit.js';
import { auditJson } from './json.js';
import { auditJunit } from './junit.js';
import { auditMarkdown } from './markdown.js';
import { auditSarif } from './sarif.js';
import { auditText } from './text.js';
import { auditHtml, type AuditMap } from './html.js';
import type { Notes } from '../../analyses/notes.js';
import type { FindingSeverity } from '../../checks/index.js';

export interface AuditRenderOptions {
  readonly color?: boolean;
  /** The --fail-on gate (text and md lead with a verdict that follows it). */
  readonly failOn?: FindingSeverity;
  /** html: the map (the CLI computes it from the analysis). */
  readonly map?: AuditMap;
  /** sarif: the repository root URIs are relative to (default: the working directory). */
  readonly root?: string;
}

export const AUDIT_FORMATS = {
  text: (r: AuditResult, o: AuditRenderOptions, n?: Notes) => auditText(r, o, n),
  json: (r: AuditResult, _o: AuditRenderOptions, n?: Notes) => auditJson(r, n),
  sarif: (r: AuditResult, o: AuditRenderOptions, n?: Notes) => auditSarif(r, o.root ? { root: o.root } : {}, n),
  junit: (r: AuditResult, _o: AuditRenderOptions, n?: Notes) => auditJunit(r, n),
  md: (r: AuditResult, o: AuditRenderOptions, n?: Notes) => auditMarkdown(r, n, o.failOn),
  html: (r: AuditResult, o: AuditRenderOptions, n?: Notes) => auditHtml(r, n, o.map),
} as const satisfies Record<string, (r: AuditResult, o: AuditRenderOptions, n?: Notes) => string>;

export type AuditFormat = keyof typeof AUDIT_FORMATS;
export { auditHtml, auditJson, auditJunit, auditMarkdown, auditSarif, auditText };
