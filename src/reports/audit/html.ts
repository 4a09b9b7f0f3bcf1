/** The audit as one HTML page: the verdict, the map coloured by intent status, the findings, segment health. */
import { auditSubjects } from './subjects.js';
import type { AuditResult, Finding } from '../../analyses/audit.js';
import type { ConnectivityMap, MapEdge } from '../../analyses/map.js';
import type { Explanation } from '../../analyses/explain.js';
import type { StatusEntry } from '../../analyses/intent-status.js';
import { formatSource } from '../../inventory/types.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { htmlPage, htmlTable, htmlText, mapData } from '../html/page.js';
import { edgeExplanation } from '../reach/html.js';

/** What the page needs beyond the audit to draw its map (the CLI computes it). */
export interface AuditMap {
  readonly map: ConnectivityMap;
  readonly status: (e: MapEdge) => StatusEntry;
  readonly explain: (e: MapEdge) => Explanation | undefined;
  readonly sensitive: ReadonlySet<string>;
}

const STATUSES = [
  { status: 'never', text: 'forbidden by an invariant' },
  { status: 'violation', text: 'no flow allows it' },
  { status: 'allowed', text: 'allowed by a flow' },
  { status: 'internal', text: 'within a segment' },
] as const;

/** The first sentence: counts, then the worst finding. */
export function auditHeadline(r: AuditResult): string {
  const s = r.summary.bySeverity;
  const worst = r.findings.find((f) => f.severity === 'error') ?? r.findings.find((f) => f.severity === 'warning');
  const scope = r.scope ? ` (filter ${r.scope.filter}: ${r.findings.length} of ${r.scope.total} findings)` : '';
  const counts = `${s.error} error(s), ${s.warning} warning(s), ${s.info} info on ${auditSubjects(r.summary)}${scope}`;
  return worst ? `${counts}. First: ${worst.message}${worst.location ? ` (${formatSource(worst.location)})` : ''}` : `${counts}.`;
}

function findingsTable(fs: readonly Finding[]): string {
  const rows = fs.map((f) => `<tr class="${f.severity}"><td>${htmlText(f.severity)}</td><td><code>${htmlText(f.check)}</code></td><td>${htmlText(f.resource)}</td><td>${f.location ? `<code>${htmlText(formatSource(f.location))}</code>` : ''}</td><td>${htmlText(f.message)}</td></tr>`);
  return `<table id="findings"><thead><tr><th>severity</th><th>check</th><th>resource</th><th>where</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Renders the audit as a self-contained HTML page; without `m`, no map. */
export function auditHtml(r: AuditResult, notes: Notes = NO_NOTES, m?: AuditMap): string {
  const map = m
    ? mapData(
        m.map,
        (e) => {
          const st = m.status(e);
          return `Intent: ${st.status}: ${st.why}\n\n${edgeExplanation(e, m.map.folded, m.explain(e))}`;
        },
        (e) => m.status(e).status,
        m.map.groupBy === 'segment' ? STATUSES : [{ status: 'allowed', text: 'between namespaces' }, { status: 'internal', text: 'within a namespace' }],
        (id) => (m.sensitive.has(id) ? ['sensitive'] : []),
      )
    : undefined;
  const sections = [{ title: `Findings (${r.findings.length})`, html: r.findings.length ? findingsTable(r.findings) : '<p>No findings.</p>' }];
  if (r.health && r.health.length) {
    sections.push({
      title: 'Segment health',
      html: htmlTable(
        ['segment', 'members', 'reaches', 'reached by', 'internet', 'status'],
        r.health.map((h) => [
          h.segment.name + (h.segment.sensitive ? ' (sensitive)' : ''),
          String(h.members),
          `${h.reaches}/${h.others} (${Math.round(h.share * 100)}%)`,
          String(h.reachedBy),
          [h.reachesOutside ? 'out' : '', h.reachedFromOutside ? 'in' : ''].filter(Boolean).join('+') || '-',
          h.flat ? 'FLAT' : 'ok',
        ]),
      ),
    });
  }
  return htmlPage({ title: `Bulkhead audit${r.intent ? `: ${r.intent.file}` : ''}`, headline: auditHeadline(r), notes, ...(map ? { map } : {}), sections });
}
