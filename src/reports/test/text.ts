import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
/** Human-readable test report: each failure with the rule that decides it (alike failures once), then a line per origin. */
import type { CheckResult, TestRun } from '../../analyses/test/types.js';
import { formatSource } from '../../inventory/types.js';
import { byOrigin, checkLine, observedText } from './common.js';

export function testText(run: TestRun, notes: Notes = NO_NOTES): string {
  const out: string[] = [];
  const caveats = notesText(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  const lab = run.runner !== 'model';
  const s = run.summary;
  // Failures with the same origin, rule and reasons are one finding: print it once, with its pairs.
  const groups = new Map<string, CheckResult[]>();
  for (const r of run.results.filter((x) => x.status === 'fail')) {
    const key = `${r.check.origin.label}\u0000${r.model.rule}\u0000${r.reasons.join('\u0000')}\u0000${r.observed?.detail ?? ''}`;
    const l = groups.get(key) ?? [];
    l.push(r);
    groups.set(key, l);
  }
  for (const rs of groups.values()) {
    const r = rs[0]!;
    out.push(`FAIL ${r.check.origin.label}${r.check.origin.source ? ` (${formatSource(r.check.origin.source)})` : ''}`);
    out.push(`     expected ${r.check.expect}, model ${r.model.verdict}${lab ? `, ${run.runner} ${observedText(r)}` : ''}`);
    for (const x of rs.slice(0, 5)) out.push(`     #${x.check.id} ${checkLine(x)}`);
    if (rs.length > 5) out.push(`     ... and ${rs.length - 5} more`);
    out.push(`     rule: ${r.model.rule}`);
    for (const why of r.reasons) out.push(`     ${why}`);
    if (r.observed?.detail && r.observed.verdict !== 'allow') out.push(`     observed: ${r.observed.detail}`);
  }
  if (out.length) out.push('');
  out.push(`Checks by origin (${lab ? `expected / model / ${run.runner}` : 'expected / model'}):`);
  // Segment pairs are many: those that pass are counted, not listed.
  let quietPairs = 0;
  let quietChecks = 0;
  for (const [label, rs] of byOrigin(run)) {
    const failed = rs.filter((r) => r.status === 'fail').length;
    const skipped = rs.filter((r) => r.observed?.verdict === 'skipped').length;
    if (!failed && !skipped && rs[0]!.check.origin.kind === 'segment-pair') {
      quietPairs++;
      quietChecks += rs.length;
      continue;
    }
    out.push(`  ${failed ? 'FAIL' : 'ok  '}  ${label}: ${rs.length - failed}/${rs.length} passed${skipped ? `, ${skipped} not probed` : ''}`);
  }
  if (quietPairs) out.push(`  ok    ${quietPairs} other segment pair(s): ${quietChecks}/${quietChecks} passed`);
  for (const n of run.notes) out.push(`note: ${n}`);
  const skippedReasons = new Map<string, number>();
  for (const r of run.results) if (r.observed?.verdict === 'skipped') skippedReasons.set(r.observed.detail ?? '', (skippedReasons.get(r.observed.detail ?? '') ?? 0) + 1);
  for (const [why, n] of skippedReasons) out.push(`note: ${n} check(s) not probed: ${why}`);
  out.push('');
  const probes = lab ? `; ${s.probes} probe(s) in ${(s.ms / 1000).toFixed(1)} s` : '';
  out.push(
    `${s.checks} check(s): ${s.passed} passed, ${s.failed} failed${lab ? ` (${s.disagreements} model/${run.runner} disagreement(s))` : ''}${s.skipped ? `, ${s.skipped} not probed` : ''}; runner ${run.runner}${run.intent ? `; intent ${run.intent}` : ''}${probes}`,
  );
  return `${out.join('\n')}\n`;
}
