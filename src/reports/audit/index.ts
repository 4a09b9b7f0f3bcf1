/** The audit's output formats: each a plain function of the whole result. */
import type { AuditResult } from '../../analyses/audit.js';
import { auditJson } from './json.js';
import { auditJunit } from './junit.js';
import { auditMarkdown } from './markdown.js';
import { auditSarif } from './sarif.js';
import { auditText } from './text.js';

export interface AuditRenderOptions {
  readonly color?: boolean;
}

export const AUDIT_FORMATS = {
  text: (r: AuditResult, o: AuditRenderOptions) => auditText(r, o),
  json: (r: AuditResult) => auditJson(r),
  sarif: (r: AuditResult) => auditSarif(r),
  junit: (r: AuditResult) => auditJunit(r),
  md: (r: AuditResult) => auditMarkdown(r),
} as const satisfies Record<string, (r: AuditResult, o: AuditRenderOptions) => string>;

export type AuditFormat = keyof typeof AUDIT_FORMATS;
export { auditJson, auditJunit, auditMarkdown, auditSarif, auditText };
