/** Markdown for a pull-request comment: counts, the findings by category, segment health. */
import { auditSubjects } from './subjects.js';
import type { AuditResult, Finding } from '../../analyses/audit.js';
import { formatSource } from '../../inventory/types.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesMarkdown } from '../notes.js';
import { mdText } from '../safe-text.js';
import type { FindingSeverity } from '../../checks/index.js';
import { auditVerdict } from './verdict.js';

const ICON = { error: '🔴 error', warning: '🟠 warning', info: '🔵 info' } as const;
/** GitHub rejects comments above 65,536 characters; stay well below. */
const MAX_ROWS = 150;
const MAX_CHARS = 60_000;
/** A message cell longer than this is cut (the JSON and SARIF reports carry every pair). */
const MAX_MESSAGE = 240;

function short(s: string): string {
  return s.length <= MAX_MESSAGE ? s : `${s.slice(0, MAX_MESSAGE - 1)}…`;
}

function cell(s: string): string {
  return mdText(s);
}

function row(f: Finding): string {
  return `| ${ICON[f.severity]} | \`${f.check}\` | ${cell(f.resource)} | ${f.location ? `\`${cell(formatSource(f.location))}\`` : ''} | ${cell(short(f.message))} |`;
}

/** Renders the audit as Markdown. */
export function auditMarkdown(r: AuditResult, notes: Notes = NO_NOTES, failOn?: FindingSeverity): string {
  const s = r.summary;
  const v = auditVerdict(r, failOn);
  const out: string[] = ['### Bulkhead audit', '', `**${v.word}**${failOn ? ` (\`--fail-on ${failOn}\`)` : ''}: ${v.counts}${v.first ? `; first ${v.first.severity}${v.first.location ? ` at \`${cell(formatSource(v.first.location))}\`` : ''}: ${cell(v.gist ?? '')}` : ''}`, ''];
  if (r.scope) out.push(`Filter \`${cell(r.scope.filter)}\`: ${r.findings.length} of ${r.scope.total} findings involve an endpoint or object in scope (the checks ran on the whole input).`, '');
  const caveats = notesMarkdown(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  out.push(
    `**${s.bySeverity.error}** error(s), **${s.bySeverity.warning}** warning(s), **${s.bySeverity.info}** info across ${auditSubjects(s, 'NetworkPolicies')}` +
      (r.intent ? `, against \`${r.intent.file}\` (${r.intent.segments} segments, ${r.intent.flows} flows).` : '.'),
  );
  if (s.suppressed.baseline + s.suppressed.annotation > 0) out.push(`Suppressed: ${s.suppressed.baseline} by baseline, ${s.suppressed.annotation} by annotation.`);
  out.push('');
  const sections: Array<[string, Finding[]]> = [
    ['Input not reflected in the results', r.findings.filter((f) => f.category === 'input')],
    ['Invariants', r.findings.filter((f) => f.category === 'invariant')],
    ['Drift against the intent', r.findings.filter((f) => f.category === 'drift')],
    ['Segment health', r.findings.filter((f) => f.category === 'health')],
    ['Hygiene', r.findings.filter((f) => f.category === 'hygiene')],
  ];
  let rows = 0;
  let size = out.join('\n').length;
  for (const [title, fs] of sections) {
    if (fs.length === 0) continue;
    const open = fs.some((f) => f.severity === 'error') ? ' open' : '';
    out.push(`<details${open}><summary><b>${title}</b> (${fs.length})</summary>`, '', '| Severity | Check | Resource | Location | Message |', '| --- | --- | --- | --- | --- |');
    for (const f of fs) {
      const line = row(f);
      if (rows >= MAX_ROWS || size + line.length > MAX_CHARS) break;
      out.push(line);
      size += line.length + 1;
      rows++;
    }
    out.push('', '</details>', '');
  }
  if (rows < r.findings.length) out.push(`_${r.findings.length - rows} more finding(s) not shown: see the JSON or SARIF report._`, '');
  if (r.health && r.health.length > 0) {
    out.push('<details><summary><b>Segment reach</b></summary>', '', '| Segment | Members | Reaches | Reached by | Flat |', '| --- | ---: | ---: | ---: | --- |');
    for (const h of r.health) {
      out.push(`| ${cell(h.segment.name)}${h.segment.sensitive ? ' (sensitive)' : ''} | ${h.members} | ${h.reaches}/${h.others} (${Math.round(h.share * 100)}%) | ${h.reachedBy} | ${h.flat ? '**flat**' : ''} |`);
    }
    out.push('', '</details>', '');
  }
  if (r.findings.length === 0) out.push('No findings. ✅', '');
  return `${out.join('\n')}`;
}
