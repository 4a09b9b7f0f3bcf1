import { xmlText } from '../safe-text.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJunitSuite } from '../notes.js';
/** JUnit XML: one testsuite per origin (flow, invariant, written test), one testcase per check. */
import type { TestRun } from '../../analyses/test/types.js';
import { byOrigin, checkLine, observedText } from './common.js';

/** Escapes text for XML, dropping the characters XML 1.0 forbids. */
export const xml = xmlText;

export function testJunit(run: TestRun, notes: Notes = NO_NOTES): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = run.summary;
  const input = notesJunitSuite(notes);
  out.push(`<testsuites name="bulkhead test" tests="${s.checks + input.tests}" failures="${s.failed + input.failures}" skipped="${s.skipped}" time="${(s.ms / 1000).toFixed(3)}">`, input.xml);
  for (const [label, rs] of byOrigin(run)) {
    const failures = rs.filter((r) => r.status === 'fail').length;
    const skipped = rs.filter((r) => r.observed?.verdict === 'skipped').length;
    out.push(`  <testsuite name="${xml(label)}" tests="${rs.length}" failures="${failures}" skipped="${skipped}">`);
    for (const r of rs) {
      const name = `#${r.check.id} ${checkLine(r)} expect ${r.check.expect}`;
      const src = r.check.origin.source;
      const attrs = `name="${xml(name)}" classname="${xml(`bulkhead.${r.check.origin.kind}`)}"${src ? ` file="${xml(src.file)}" line="${src.line}"` : ''}`;
      const body: string[] = [];
      if (r.status === 'fail') {
        const msg = r.reasons.join('; ');
        body.push(`      <failure message="${xml(msg)}" type="${r.disagreement ? 'disagreement' : 'expectation'}">${xml(`expected ${r.check.expect}, model ${r.model.verdict}, observed ${observedText(r)}\nrule: ${r.model.rule}\n${msg}`)}</failure>`);
      } else if (r.observed?.verdict === 'skipped') body.push(`      <skipped message="${xml(r.observed.detail ?? '')}"/>`);
      body.push(`      <system-out>${xml(`model: ${r.model.rule}`)}</system-out>`);
      out.push(`    <testcase ${attrs}>`, ...body, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
