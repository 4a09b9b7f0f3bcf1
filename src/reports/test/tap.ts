import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
/** TAP version 14: one test point per check; failures carry a YAML diagnostic block. */
import type { TestRun } from '../../analyses/test/types.js';
import { formatSource } from '../../inventory/types.js';
import { checkLine, observedText } from './common.js';

/** A TAP description may not hold "#" (it starts a directive) or a line break. */
function desc(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/#/g, 'no. ');
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function testTap(run: TestRun, notes: Notes = NO_NOTES): string {
  const out: string[] = ['TAP version 14', `1..${run.results.length}`];
  // TAP has no place for them but comments: one per caveat, before the test points.
  for (const line of notesText(notes).trimEnd().split('\n').filter(Boolean)) out.push(`# ${line.trim()}`);
  run.results.forEach((r, i) => {
    const skip = r.observed?.verdict === 'skipped' && r.status === 'pass' ? ` # SKIP ${desc(r.observed.detail ?? '')}` : '';
    out.push(`${r.status === 'pass' ? 'ok' : 'not ok'} ${i + 1} - ${desc(`${r.check.origin.label}: ${checkLine(r)} expect ${r.check.expect}`)}${skip}`);
    if (r.status === 'fail') {
      out.push('  ---');
      out.push(`  expected: ${r.check.expect}`, `  model: ${r.model.verdict}`, `  observed: ${observedText(r)}`, `  rule: ${yamlString(r.model.rule)}`);
      out.push(`  reasons: [${r.reasons.map(yamlString).join(', ')}]`);
      if (r.check.origin.source) out.push(`  at: ${yamlString(formatSource(r.check.origin.source))}`);
      out.push('  ...');
    }
  });
  for (const n of run.notes) out.push(`# ${n.replace(/[\r\n]+/g, ' ')}`);
  return `${out.join('\n')}\n`;
}
