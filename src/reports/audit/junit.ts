/** JUnit XML for CI test reports: a suite per check, a failing test case per finding (info findings pass). */
import type { AuditResult, Finding } from '../../analyses/audit.js';
import { formatSource } from '../../inventory/types.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJunitSuite } from '../notes.js';
import { xmlText } from '../safe-text.js';

const esc = xmlText;

function testcase(f: Finding): string {
  const attrs = `classname="bulkhead.${esc(f.check)}" name="${esc(`${f.resource} [${f.id}]`)}"${f.location ? ` file="${esc(f.location.file)}" line="${f.location.line}"` : ''}`;
  const body = `${f.message}\nat ${f.location ? formatSource(f.location) : f.resource}\nfix: ${f.remediation}`;
  if (f.severity === 'info') return `    <testcase ${attrs}>\n      <system-out>${esc(body)}</system-out>\n    </testcase>`;
  return `    <testcase ${attrs}>\n      <failure type="${f.severity}" message="${esc(f.message)}">${esc(body)}</failure>\n    </testcase>`;
}

/** Renders the audit as JUnit XML. */
export function auditJunit(r: AuditResult, notes: Notes = NO_NOTES): string {
  const input = notesJunitSuite(notes);
  const suites: string[] = [input.xml];
  let tests = input.tests;
  let failures = input.failures;
  for (const c of r.checks) {
    const fs = r.findings.filter((f) => f.check === c.id);
    const fails = fs.filter((f) => f.severity !== 'info').length;
    const cases = fs.length > 0 ? fs.map(testcase) : [`    <testcase classname="bulkhead.${esc(c.id)}" name="${esc(c.title)}"/>`];
    tests += cases.length;
    failures += fails;
    suites.push(`  <testsuite name="${esc(c.id)}" tests="${cases.length}" failures="${fails}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bulkhead audit" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
