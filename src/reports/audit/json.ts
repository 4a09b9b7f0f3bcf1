/** bulkhead.audit/v1: findings with stable ids, segment health, summary. */
import type { AuditResult } from '../../analyses/audit.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
import { jsonSafe } from '../json.js';

/** Renders the audit as bulkhead.audit/v1 JSON. */
export function auditJson(r: AuditResult, notes: Notes = NO_NOTES): string {
  const out = {
    schema: 'bulkhead.audit/v1',
    ...notesJson(notes),
    intent: r.intent ?? null,
    ...(r.scope ? { scope: { filter: r.scope.filter, total: r.scope.total, shown: r.findings.length } } : {}),
    findings: r.findings.map((f) => ({
      id: f.id,
      check: f.check,
      category: f.category,
      severity: f.severity,
      title: f.title,
      message: f.message,
      resource: f.resource,
      location: f.location ? { file: f.location.file, line: f.location.line } : null,
      remediation: f.remediation,
      controls: f.controls.map((c) => ({ framework: c.framework, id: c.id })),
      docs: f.docs,
      ...(f.evidence ? { evidence: f.evidence.map((e) => ({ src: e.src, dst: e.dst, ports: e.ports.toJSON(), rule: e.rule, location: e.location ? { file: e.location.file, line: e.location.line } : null })) } : {}),
      ...(f.evidenceOmitted ? { evidenceOmitted: f.evidenceOmitted } : {}),
      ...(f.related ? { related: f.related.map((x) => ({ message: x.message, location: { file: x.location.file, line: x.location.line } })) } : {}),
    })),
    health: (r.health ?? []).map((h) => ({
      segment: h.segment.name,
      sensitive: h.segment.sensitive,
      members: h.members,
      others: h.others,
      reaches: h.reaches,
      share: Math.round(h.share * 1000) / 1000,
      reachedBy: h.reachedBy,
      reachesSegments: h.reachesSegments,
      reachedBySegments: h.reachedBySegments,
      reachesOutside: h.reachesOutside,
      reachedFromOutside: h.reachedFromOutside,
      flat: h.flat,
    })),
    checks: r.checks.map((c) => c.id),
    summary: r.summary,
  };
  return `${jsonSafe(JSON.stringify(out, null, 2))}\n`;
}
