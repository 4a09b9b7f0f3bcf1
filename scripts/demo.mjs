#!/usr/bin/env node
// The first minute (npm run demo): runs the real commands on examples/shop and prints what matters first,
// in one or two screens: the audit's verdict and its errors (file:line), why the first error is open,
// the reach summary as a map, and what to try next. Every line under a `$ bulkhead ...` heading is that
// command's own output, selected (never rewritten); test/demo.test.ts holds it to that and to its length.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const INPUT = 'examples/shop';

/** Runs `bulkhead ...args` from the repository root; exit 1 (a gate) still has a report. */
async function bulkhead(args) {
  try {
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const { stdout } = await run(process.execPath, [MAIN, ...args, '-q'], { cwd: ROOT, maxBuffer: 64 << 20, env });
    return stdout;
  } catch (e) {
    if (e.code === 1 && typeof e.stdout === 'string') return e.stdout;
    throw new Error(`bulkhead ${args.join(' ')} failed (exit ${e.code}): ${e.stderr ?? e.message}`);
  }
}

/** A shell word, quoted when it needs to be (workload ids carry brackets). */
const word = (w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
const cmdLine = (args) => `$ bulkhead ${args.map(word).join(' ')}`;

const auditArgs = ['audit', INPUT];
const reachArgs = ['reach', INPUT, '--summary'];
const [auditText, auditJson, reachText] = await Promise.all([bulkhead(auditArgs), bulkhead([...auditArgs, '-o', 'json']), bulkhead(reachArgs)]);
const audit = JSON.parse(auditJson);
const out = [];

// 1. The verdict, then each error finding as the report prints it (its header with file:line and its message).
const lines = auditText.split('\n');
out.push(`Bulkhead on ${INPUT}: a web shop (prod, dev, payments, monitoring) and its intent, ${audit.intent?.file ?? 'none'}.`, '');
out.push('What is wrong, and where:', cmdLine(auditArgs), lines[0]);
let firstErrorId;
for (let i = 0; i < lines.length; i++) {
  const m = lines[i].match(/^ {4}error +.*\[([0-9a-f]{16})\]$/);
  if (!m) continue;
  firstErrorId ??= m[1];
  out.push(lines[i], lines[i + 1]);
}
const s = audit.summary.bySeverity;
out.push(`  ... and ${s.warning} warnings and ${s.info} info, by check with their fixes: bulkhead audit ${INPUT}`, '');

// 2. Why the first error is open: explain its first offending pair on its ports.
const first = audit.findings.find((f) => f.id === firstErrorId);
const pair = first?.evidence?.[0];
let explainArgs;
if (pair) {
  const port = Object.entries(pair.ports).flatMap(([proto, ranges]) => ranges.map(([a, b]) => `${proto}/${a === b ? a : `${a}-${b}`}`))[0];
  explainArgs = ['explain', INPUT, '--from', pair.src, '--to', pair.dst, ...(port ? ['--port', port] : [])];
  const why = (await bulkhead(explainArgs)).split('\n');
  // The verdict and the rules behind it; the port table and the exposure beyond the input are in the full output.
  const at = why.indexOf('Why:');
  const end = why.findIndex((l, i) => i > at && (l === '' || l.startsWith('Also open beyond')));
  out.push('Why the first error is open:', cmdLine(explainArgs), why[0], ...(at > 0 ? why.slice(at, end > at ? end : undefined) : []), '');
}

// 3. The map: the audit's segment health table (who reaches how much of the rest), and reach's count.
const health = lines.findIndex((l) => l.startsWith('Segment health'));
// The table's rows run from the heading to its legend, `  (* sensitive; ...)`.
const legend = lines.findIndex((l, i) => i > health && l.startsWith('  (*'));
const table = health >= 0 && legend > health ? lines.slice(health + 1, legend + 1) : [];
const count = reachText.split('\n').find((l) => l.startsWith('Summary:'));
out.push('The map, by segment:', `${cmdLine(auditArgs)}   # its segment health table`, ...table);
if (count) out.push(`${cmdLine(reachArgs)}   # the last lines; above them, every allowed connection`, count);
out.push('');

// 4. What to try next: each a real command line.
out.push(
  'Try next:',
  ...(explainArgs ? [`  bulkhead ${explainArgs.map(word).join(' ')} --expect deny   # as a test: exit 1 while it is open`] : []),
  `  bulkhead reach ${INPUT} -o html --output-file map.html   # the interactive map: open map.html in a browser`,
  `  bulkhead audit ${INPUT} -o sarif --output-file bulkhead.sarif   # findings for GitHub code scanning`,
  `  bulkhead audit ${INPUT} -n shop-dev --fail-on error   # one namespace, as a CI gate (exit 1)`,
  '  bulkhead init path/to/your/manifests --output-file bulkhead.yaml   # your own: an intent from what is open today',
  '  bulkhead audit path/to/your/manifests   # then audit them against it',
);
process.stdout.write(`${out.join('\n')}\n`);
