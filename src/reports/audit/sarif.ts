/** SARIF 2.1.0 for code-scanning UIs: one rule per check, one result per finding, located at the manifest line. */
import { VERSION } from '../../version.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsUrl, PROJECT_URL } from '../../util/project.js';
import type { AuditResult, Finding } from '../../analyses/audit.js';
import type { FindingSeverity } from '../../checks/index.js';
import { isLiveSource, type SourceRef } from '../../inventory/types.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { jsonSafe } from '../json.js';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub code scanning ranks security alerts by this score. */
const SECURITY_SEVERITY: Record<FindingSeverity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

export interface SarifOptions {
  readonly version?: string;
  /** Paths are given relative to this directory (`%SRCROOT%`): the repository root. Default: the working directory. */
  readonly root?: string;
  /** The working directory relative input paths are resolved against. */
  readonly cwd?: string;
}

/** The base every relative URI is resolved against, as code-scanning UIs expect. */
const SRCROOT = '%SRCROOT%';

function encodePath(p: string): string {
  return encodeURI(p.split(sep).join('/')).replace(/\?/g, '%3F').replace(/#/g, '%23');
}

/** An artifact location: relative to the root when the file is inside it, else an absolute file URI. */
function artifact(file: string, root: string, cwd: string): object {
  if (file === '-' || file === '<stdin>') return { uri: encodePath(file) };
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(root, abs);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: encodePath(rel), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(abs).href };
}

/** A location: the manifest line, or for an object read from a cluster its live reference (no file to annotate). */
function located(s: SourceRef, physical: (s: SourceRef) => object): object {
  if (isLiveSource(s)) return { logicalLocations: [{ fullyQualifiedName: s.file, kind: 'resource' }] };
  return { physicalLocation: physical(s) };
}

/** The input's diagnostics as SARIF tool execution notifications (where code-scanning UIs show tool problems). */
function notifications(n: Notes, physical: (s: SourceRef) => object): object[] {
  const level = { error: 'error', warning: 'warning', info: 'note' } as const;
  return n.diagnostics.map((d) => ({
    level: level[d.severity],
    message: { text: `${d.side ? `[${d.side}] ` : ''}${d.message}` },
    descriptor: { id: d.code },
    ...(d.source ? { locations: [located(d.source, physical)] } : {}),
  }));
}

/** The finding's other places, then every offending pair at the rule that opens it. */
function related(f: Finding, physical: (s: SourceRef) => object): object {
  const list = [
    ...(f.related ?? []).map((x) => ({ ...located(x.location, physical), message: { text: x.message } })),
    ...(f.evidence ?? []).filter((e) => e.location).map((e) => ({ ...located(e.location!, physical), message: { text: `${e.src} => ${e.dst} (${e.ports.toString()}): ${e.rule}` } })),
  ];
  return list.length ? { relatedLocations: list.map((x, i) => ({ id: i + 1, ...x })) } : {};
}

/** Renders the audit as a SARIF 2.1.0 log. */
export function auditSarif(r: AuditResult, options: SarifOptions | string = {}, notes: Notes = NO_NOTES): string {
  const o: SarifOptions = typeof options === 'string' ? { version: options } : options;
  const version = o.version ?? VERSION;
  const cwd = o.cwd ?? process.cwd();
  const root = o.root ?? cwd;
  const physical = (s: SourceRef): object => ({ artifactLocation: artifact(s.file, root, cwd), region: { startLine: Math.max(1, s.line) } });
  const rules = r.checks.map((c) => ({
    id: c.id,
    name: c.id
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: c.title },
    fullDescription: { text: `${c.title}. ${c.remediation}` },
    helpUri: docsUrl(c.docs),
    help: { text: `${c.remediation}\nDocumentation: ${docsUrl(c.docs)}`, markdown: `${c.remediation}\n\nSee [${c.docs}](${docsUrl(c.docs)}).` },
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
    ...related(f, physical),
    partialFingerprints: { 'bulkheadFindingId/v1': f.id },
    properties: {
      resource: f.resource,
      controls: f.controls.map((c) => `${c.framework} ${c.id}`),
      'security-severity': SECURITY_SEVERITY[f.severity],
      ...(f.evidence ? { evidence: f.evidence.map((e) => ({ src: e.src, dst: e.dst, ports: e.ports.toJSON(), rule: e.rule, ...(e.location ? { file: e.location.file, line: e.location.line } : {}) })) } : {}),
      ...(f.evidenceOmitted ? { evidenceOmitted: f.evidenceOmitted } : {}),
    },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bulkhead', semanticVersion: version, version, informationUri: PROJECT_URL, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root.endsWith(sep) ? root : `${root}${sep}`).href } },
        // Not successful when part of the input could not be read: the results cover only the rest.
        invocations: [{ executionSuccessful: !notes.diagnostics.some((d) => d.severity === 'error'), toolExecutionNotifications: notifications(notes, physical) }],
        properties: { bound: notes.bound, ...(r.scope ? { scope: { filter: r.scope.filter, total: r.scope.total, shown: r.findings.length } } : {}) },
        results,
      },
    ],
  };
  return `${jsonSafe(JSON.stringify(log, null, 2))}\n`;
}
