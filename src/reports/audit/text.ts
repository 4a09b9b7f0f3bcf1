/** Human-readable audit: findings grouped by category and check, the segment health table, a summary line. */
import { auditSubjects } from './subjects.js';
import type { AuditResult, Finding } from '../../analyses/audit.js';
import type { CheckCategory, FindingSeverity } from '../../checks/index.js';
import { formatSource } from '../../inventory/types.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { oneLine } from '../safe-text.js';
import { num } from '../numbers.js';
import { auditVerdict, verdictLine } from './verdict.js';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a terminal without NO_COLOR). */
  readonly color?: boolean;
  /** The --fail-on gate, which the verdict line follows. */
  readonly failOn?: FindingSeverity;
}

const CODES = { red: [31, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22], bold: [1, 22] } as const;
type Style = keyof typeof CODES;

const SECTIONS: ReadonlyArray<[CheckCategory, string]> = [
  ['input', 'Input not reflected in the results'],
  ['invariant', 'Invariants'],
  ['drift', 'Drift against the intent'],
  ['health', 'Segment health'],
  ['hygiene', 'Hygiene'],
];
const SEV_STYLE: Record<FindingSeverity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Renders the audit for a terminal. */
export function auditText(r: AuditResult, opts: TextOptions = {}, notes: Notes = NO_NOTES): string {
  const st = (s: Style, t: string): string => (opts.color ? `\u001b[${CODES[s][0]}m${t}\u001b[${CODES[s][1]}m` : t);
  const lines: string[] = [];
  // The verdict first: what is wrong and where, before the caveats and the long listing.
  const v = auditVerdict(r, opts.failOn);
  lines.push(st(v.word === 'FAIL' ? 'red' : v.word === 'WARN' ? 'yellow' : 'bold', oneLine(verdictLine(v, opts.failOn))));
  if (r.scope) lines.push(`filter ${oneLine(r.scope.filter)}: ${num(r.scope.total - r.findings.length)} of ${num(r.scope.total)} findings left out (they involve no endpoint or object in scope); the checks ran on the whole input`);
  lines.push('');
  const caveats = notesText(notes);
  if (caveats) lines.push(st(notes.bound === 'exact' ? 'yellow' : 'red', caveats.trimEnd()), '');
  for (const [cat, heading] of SECTIONS) {
    const fs = r.findings.filter((f) => f.category === cat);
    if (cat === 'health' && r.health && r.health.length > 0) {
      lines.push(st('bold', `${heading}`));
      const rows = r.health.map((h) => [
        h.segment.name + (h.segment.sensitive ? ' *' : ''),
        String(h.members),
        `${h.reaches}/${h.others} (${Math.round(h.share * 100)}%)`,
        String(h.reachedBy),
        [h.reachesOutside ? 'out' : '', h.reachedFromOutside ? 'in' : ''].filter(Boolean).join('+') || '-',
        h.flat ? 'FLAT' : 'ok',
      ]);
      const head = ['segment', 'members', 'reaches', 'reached by', 'internet', 'status'];
      const w = head.map((hd, i) => Math.max(hd.length, ...rows.map((row) => row[i]!.length)));
      lines.push(`  ${st('dim', head.map((hd, i) => pad(hd, w[i]!)).join('  '))}`);
      for (const row of rows) {
        const text = row.map((c, i) => pad(c, w[i]!)).join('  ').trimEnd();
        lines.push(`  ${row[5] === 'FLAT' ? st('yellow', text) : text}`);
      }
      lines.push(st('dim', '  (* sensitive; reaches/reached by: workloads outside the segment; internet: reaches out / reached from outside the cluster)'));
      if (fs.length === 0) lines.push('');
    }
    if (fs.length === 0) continue;
    if (cat !== 'health') lines.push(st('bold', `${heading} (${num(fs.length)})`));
    const byCheck = new Map<string, Finding[]>();
    for (const f of fs) {
      let l = byCheck.get(f.check);
      if (!l) byCheck.set(f.check, (l = []));
      l.push(f);
    }
    for (const [check, list] of byCheck) {
      const first = list[0]!;
      lines.push(`  ${st('bold', check)}: ${first.title} (${num(list.length)})`);
      for (const f of list) {
        const where = f.location ? formatSource(f.location) : '';
        lines.push(`    ${st(SEV_STYLE[f.severity], pad(f.severity, 7))} ${oneLine(where)}${where ? '  ' : ''}${oneLine(f.resource)}  ${st('dim', `[${f.id}]`)}`);
        lines.push(`            ${oneLine(f.message)}`);
      }
      lines.push(`    ${st('dim', `fix: ${first.remediation}`)}`);
    }
    lines.push('');
  }
  const s = r.summary;
  const sup = s.suppressed.baseline + s.suppressed.annotation;
  if (r.findings.length === 0) lines.push(st('bold', 'No findings.'));
  lines.push(
    `${num(s.total)} finding(s): ${st('red', `${num(s.bySeverity.error)} error(s)`)}, ${st('yellow', `${num(s.bySeverity.warning)} warning(s)`)}, ${num(s.bySeverity.info)} info` +
      `; ${num(r.checks.length)} checks on ${auditSubjects(s)}` +
      (r.intent ? `; intent ${r.intent.file} (${num(r.intent.segments)} segments, ${num(r.intent.flows)} flows, ${num(r.intent.invariants)} invariants)` : '; no intent (--intent FILE adds drift checks)') +
      (sup ? `; suppressed: ${num(s.suppressed.baseline)} by baseline, ${num(s.suppressed.annotation)} by annotation` : ''),
  );
  return `${lines.join('\n')}\n`;
}
