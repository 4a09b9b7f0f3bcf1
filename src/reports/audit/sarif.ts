/** SARIF 2.1.0 for code-scanning UIs: one rule per check, one result per finding, located at the manifest line. */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuditResult } from '../../analyses/audit.js';
import type { FindingSeverity } from '../../checks/index.js';
import { isLiveSource, type SourceRef } from '../../inventory/types.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub code scanning ranks security alerts by this score. */
const SECURITY_SEVERITY: Record<FindingSeverity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

function uri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return encodeURI(file.replace(/\\/g, '/')).replace(/\?/g, '%3F').replace(/#/g, '%23');
}

function physical(s: SourceRef): object {
  return { artifactLocation: { uri: uri(s.file) }, region: { startLine: Math.max(1, s.line) } };
}

/** A location: the manifest line, or for an object read from a cluster its live reference (no file to annotate). */
function located(s: SourceRef): object {
  if (isLiveSource(s)) return { logicalLocations: [{ fullyQualifiedName: s.file, kind: 'resource' }] };
  return { physicalLocation: physical(s) };
}

/** Renders the audit as a SARIF 2.1.0 log. */
/** The input's diagnostics as SARIF tool execution notifications (where code-scanning UIs show tool problems). */
function notifications(n: Notes): object[] {
  const level = { error: 'error', warning: 'warning', info: 'note' } as const;
  return n.diagnostics.map((d) => ({
    level: level[d.severity],
    message: { text: `${d.side ? `[${d.side}] ` : ''}${d.message}` },
    descriptor: { id: d.code },
    ...(d.source ? { locations: [located(d.source)] } : {}),
  }));
}

export function auditSarif(r: AuditResult, version = '0.1.0', notes: Notes = NO_NOTES): string {
  const rules = r.checks.map((c) => ({
    id: c.id,
    name: c.id
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: c.title },
    fullDescription: { text: `${c.title}. ${c.remediation}` },
    help: { text: `${c.remediation}\nDocumentation: ${c.docs}`, markdown: `${c.remediation}\n\nSee [${c.docs}](${c.docs}).` },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags: ['security', 'network-segmentation', c.category, ...c.controls.map((x) => `${x.framework} ${x.id}`)],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[c.severity],
    },
  }));
  const index = new Map(r.checks.map((c, i) => [c.id, i]));
  const results = r.findings.map((f) => ({
    ruleId: f.check,
    ruleIndex: index.get(f.check) ?? 0,
    level: LEVEL[f.severity],
    message: { text: `${f.message} (${f.resource})` },
    ...(f.location ? { locations: [isLiveSource(f.location) ? { logicalLocations: [{ name: f.resource, fullyQualifiedName: f.location.file, kind: 'resource' }] } : { physicalLocation: physical(f.location), logicalLocations: [{ name: f.resource, kind: 'resource' }] }] } : {}),
    ...(f.related ? { relatedLocations: f.related.map((x, i) => ({ id: i + 1, ...located(x.location), message: { text: x.message } })) } : {}),
    partialFingerprints: { 'bulkheadFindingId/v1': f.id },
    properties: { resource: f.resource, controls: f.controls.map((c) => `${c.framework} ${c.id}`), 'security-severity': SECURITY_SEVERITY[f.severity] },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bulkhead', semanticVersion: version, version, rules } },
        // Not successful when part of the input could not be read: the results cover only the rest.
        invocations: [{ executionSuccessful: !notes.diagnostics.some((d) => d.severity === 'error'), toolExecutionNotifications: notifications(notes) }],
        properties: { bound: notes.bound },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
