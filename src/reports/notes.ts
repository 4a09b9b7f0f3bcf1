/** The caveats and diagnostics of an answer, rendered once per medium (every report carries them). */
import type { Notes, SidedDiagnostic } from '../analyses/notes.js';
import { noteworthy } from '../analyses/notes.js';
import { mdCode, mdText, oneLine, xmlText } from './safe-text.js';
import { dotId } from './dot.js';
import { formatSource } from '../inventory/types.js';

/** How many diagnostics a human-facing block lists before pointing at the JSON. */
const MAX_LISTED = 20;

function where(d: SidedDiagnostic): string {
  return [d.side ? `[${d.side}]` : '', d.source ? formatSource(d.source) : ''].filter(Boolean).join(' ');
}

/** "1 object that may change traffic is not evaluated, 2 input errors". */
export function notesHeadline(n: Notes): string {
  const errors = n.diagnostics.filter((d) => d.severity === 'error').length;
  const parts: string[] = [];
  if (n.unmodelled.length) parts.push(`${n.unmodelled.length} object${n.unmodelled.length === 1 ? ' that may change traffic is' : 's that may change traffic are'} not evaluated`);
  if (errors) parts.push(`${errors} input error${errors === 1 ? '' : 's'} (part of the input was skipped)`);
  return parts.join(', ');
}

/** The lines a person reads first: empty when the input was read completely and cleanly. */
export function notesText(n: Notes): string {
  const list = noteworthy(n);
  if (list.length === 0 && n.unmodelled.length === 0) return '';
  const head =
    n.bound === 'exact'
      ? `Notes on the input (${list.length}):`
      : `Caveats: these results are NOT exact: ${notesHeadline(n)}. Connections may be missing or shown that the cluster denies:`;
  const lines = [head];
  for (const d of list.slice(0, MAX_LISTED)) {
    const w = oneLine(where(d));
    lines.push(`  ${d.severity === 'error' ? 'error  ' : 'warning'} ${w}${w ? ': ' : ''}${oneLine(d.message)}`);
  }
  if (list.length > MAX_LISTED) lines.push(`  ... and ${list.length - MAX_LISTED} more (--format json lists every one)`);
  return `${lines.join('\n')}\n\n`;
}

/** The fields every JSON document carries (added to every v1 schema: an addition, not a break). */
export function notesJson(n: Notes): { bound: string; caveats: unknown[]; diagnostics: unknown[] } {
  return {
    bound: n.bound,
    caveats: n.unmodelled.map((u) => ({
      code: 'unmodelled-object',
      ...(u.side ? { side: u.side } : {}),
      kind: u.kind,
      apiVersion: u.apiVersion,
      ...(u.namespace !== undefined ? { namespace: u.namespace } : {}),
      name: u.name,
      effect: u.effect,
      selects: u.selects,
      file: u.source.file,
      line: u.source.line,
    })),
    diagnostics: n.diagnostics.map((d) => ({
      ...(d.side ? { side: d.side } : {}),
      severity: d.severity,
      code: d.code,
      message: d.message,
      file: d.source?.file ?? null,
      line: d.source?.line ?? null,
    })),
  };
}

/** A GitHub alert at the top of a Markdown report (a PR comment); empty when there is nothing to say. */
export function notesMarkdown(n: Notes): string {
  const list = noteworthy(n);
  if (list.length === 0 && n.unmodelled.length === 0) return '';
  const out: string[] = [];
  if (n.bound === 'exact') out.push('> [!NOTE]', `> ${list.length} note${list.length === 1 ? '' : 's'} on the input:`);
  else out.push('> [!CAUTION]', `> **These results are not exact**: ${mdText(notesHeadline(n))}.`);
  for (const d of list.slice(0, MAX_LISTED)) out.push(`> - ${d.severity}${d.source || d.side ? ` ${mdCode(where(d))}` : ''}: ${mdText(d.message)}`);
  if (list.length > MAX_LISTED) out.push(`> - … and ${list.length - MAX_LISTED} more (\`--format json\` lists every one)`);
  return `${out.join('\n')}\n\n`;
}

/** A JUnit test suite for the input: a failing case per input error and per object not evaluated. */
export function notesJunitSuite(n: Notes): { xml: string; tests: number; failures: number } {
  const cases: string[] = [];
  for (const d of n.diagnostics.filter((x) => x.severity === 'error')) {
    const attrs = `classname="bulkhead.input" name="${xmlText(`${d.code} ${where(d)}`)}"${d.source ? ` file="${xmlText(d.source.file)}" line="${d.source.line}"` : ''}`;
    cases.push(`    <testcase ${attrs}>\n      <failure type="input-error" message="${xmlText(d.message)}">${xmlText(d.message)}</failure>\n    </testcase>`);
  }
  for (const u of n.unmodelled) {
    const id = `${u.kind} ${u.namespace ? `${u.namespace}/` : ''}${u.name}`;
    const msg = `${id} (${u.apiVersion}) is not evaluated: ${u.effect}`;
    cases.push(`    <testcase classname="bulkhead.input" name="${xmlText(`unmodelled ${id}`)}" file="${xmlText(u.source.file)}" line="${u.source.line}">\n      <failure type="caveat" message="${xmlText(msg)}">${xmlText(msg)}</failure>\n    </testcase>`);
  }
  const failures = cases.length;
  if (cases.length === 0) cases.push('    <testcase classname="bulkhead.input" name="input read completely and every object evaluated"/>');
  const warnings = n.diagnostics.filter((d) => d.severity === 'warning');
  const err = warnings.length ? `\n    <system-err>${xmlText(warnings.map((d) => `warning ${where(d)}: ${d.message}`).join('\n'))}</system-err>` : '';
  return { xml: `  <testsuite name="bulkhead.input" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}${err}\n  </testsuite>`, tests: cases.length, failures };
}

/** Graphviz comment lines and a graph label, so a rendered picture says it is not exact. */
export function notesDot(n: Notes): string[] {
  const list = noteworthy(n);
  if (list.length === 0 && n.unmodelled.length === 0) return [];
  const out = list.map((d) => `  // ${d.severity} ${oneLine(where(d))}: ${oneLine(d.message)}`);
  if (n.bound !== 'exact') out.push(`  label=${dotId(`Caveat: not exact: ${notesHeadline(n)}`)};`, '  labelloc=t;');
  return out;
}
