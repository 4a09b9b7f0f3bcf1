/** npm run demo (scripts/demo.mjs): one or two screens, the verdict and the errors first, every shown line real output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

/** How long the first screen may be: two terminal screens of 25-30 lines. */
const MAX_LINES = 60;

interface AuditDoc {
  findings: { id: string; severity: string; location: { file: string; line: number } | null }[];
}

test('the demo exits 0, fits two screens and leads with the verdict and every error, located, as the audit prints them', () => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs')], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(lines.length <= MAX_LINES, `${lines.length} lines`);

  const audit = runCli(['audit', 'examples/shop', '-q']);
  const auditLines = new Set(audit.stdout.split('\n'));
  const errors = (JSON.parse(runCli(['audit', 'examples/shop', '-q', '-o', 'json']).stdout) as AuditDoc).findings.filter((f) => f.severity === 'error');
  assert.ok(errors.length > 0, 'the example has errors');

  // The verdict is the audit's own first line, within the first lines, and names an error's file:line.
  const verdict = lines.findIndex((l) => l.startsWith('FAIL: '));
  assert.ok(verdict >= 0 && verdict < 6, `verdict on line ${verdict + 1}`);
  assert.equal(lines[verdict], audit.stdout.split('\n')[0]);
  assert.ok(errors.some((f) => f.location && lines[verdict]!.includes(`${f.location.file}:${f.location.line}`)), lines[verdict]);
  // Then every error, header (with file:line and id) and message, verbatim from the audit, before anything else.
  const shown = lines.slice(verdict + 1, verdict + 1 + 2 * errors.length);
  for (const f of errors) assert.ok(shown.some((l) => l.includes(`[${f.id}]`) && f.location && l.includes(`${f.location.file}:${f.location.line}`)), `error ${f.id} not among the first lines`);
  for (const l of shown) assert.ok(auditLines.has(l), `not printed by bulkhead audit: ${l}`);

  // Each `$ bulkhead ...` heading is followed by that command's own lines (up to the next heading or blank line).
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i]!.match(/^\$ bulkhead (.*?)(?:\s+# .*)?$/);
    if (!m) continue;
    const args = [...m[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((x) => x[1] ?? x[2]!);
    const real = new Set(runCli([...args, '-q']).stdout.split('\n'));
    for (let j = i + 1; j < lines.length && lines[j] !== '' && !lines[j]!.startsWith('$ ') && !lines[j]!.startsWith('  ... and '); j++) {
      assert.ok(real.has(lines[j]!), `not printed by bulkhead ${m[1]}: ${lines[j]}`);
    }
  }

  // What to try next: the explanation of the first error, the HTML map, SARIF, and init on one's own manifests.
  const next = lines.slice(lines.indexOf('Try next:'));
  for (const want of [/bulkhead explain examples\/shop --from \S+ --to \S+/, /-o html --output-file map\.html/, /-o sarif/, /bulkhead init /]) {
    assert.ok(next.some((l) => want.test(l)), `no ${want} in: ${next.join('\n')}`);
  }
});
