/** The audit's one-line verdict (FAIL / WARN / PASS with the counts and the first error), led with by text and md. */
import { atLeast, type AuditResult, type Finding } from '../../analyses/audit.js';
import type { FindingSeverity } from '../../checks/index.js';
import { formatSource } from '../../inventory/types.js';
import { num } from '../numbers.js';

/** Longest stretch of a finding's message the verdict quotes (the finding itself follows in full). */
const GIST = 110;

export interface Verdict {
  readonly word: 'FAIL' | 'WARN' | 'PASS';
  /** `4 errors, 41 warnings, 6 info`. */
  readonly counts: string;
  /** The first finding of the most severe kind (as the report lists it), when any, and what it says in short. */
  readonly first?: Finding;
  readonly gist?: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/**
 * FAIL when the gate (--fail-on) trips, or without a gate when there is an error; WARN for warnings
 * without a gate; else PASS. The same rule the exit code follows, so the first line never contradicts it.
 */
export function auditVerdict(r: AuditResult, failOn?: FindingSeverity): Verdict {
  const s = r.summary.bySeverity;
  const word = failOn ? (r.findings.some((f) => atLeast(f.severity, failOn)) ? 'FAIL' : 'PASS') : s.error ? 'FAIL' : s.warning ? 'WARN' : 'PASS';
  const counts = `${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${num(s.info)} info`;
  // The reports list findings by category, input and invariants first: the first shown of the most severe.
  const order = ['input', 'invariant', 'drift', 'health', 'hygiene'];
  const worst = r.findings[0]?.severity;
  const first = worst ? [...r.findings].filter((f) => f.severity === worst).sort((x, y) => order.indexOf(x.category) - order.indexOf(y.category))[0] : undefined;
  if (!first) return { word, counts };
  return { word, counts, first, gist: gistOf(first) };
}

/**
 * What the finding says, short: with evidence, the message up to its list of pairs and how many there are
 * ("dev must never reach data, yet these paths are open (5 pairs)"); else the message, cut at a word.
 */
function gistOf(f: Finding): string {
  const msg = f.message.replace(/\s+/g, ' ');
  const colon = msg.indexOf(': ');
  const n = (f.evidence?.length ?? 0) + (f.evidenceOmitted ?? 0);
  const head = n > 0 && colon > 0 ? `${msg.slice(0, colon)} (${num(n)} ${n === 1 ? 'pair' : 'pairs'})` : msg;
  if (head.length <= GIST) return head;
  const cut = head.slice(0, GIST);
  return `${cut.slice(0, cut.lastIndexOf(' ') > GIST / 2 ? cut.lastIndexOf(' ') : GIST).replace(/[,;:]$/, '')}…`;
}

/** `FAIL: 4 errors, 41 warnings, 6 info; first error at file:line: what it says`. */
export function verdictLine(v: Verdict, failOn?: FindingSeverity): string {
  const gate = failOn ? ` (--fail-on ${failOn})` : '';
  const where = v.first?.location ? ` at ${formatSource(v.first.location)}` : '';
  return `${v.word}${gate}: ${v.counts}${v.first ? `; first ${v.first.severity}${where}: ${v.gist}` : ''}`;
}
