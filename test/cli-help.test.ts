/** The README's option table, shell completion, `bulkhead checks` and `--version`, against the CLI itself. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';
import { buildProgram } from '../src/cli/program.js';
import { optionsTable, TABLE_BEGIN, TABLE_END, withOptionsTable } from '../src/cli/options-table.js';
import { completionScript, SHELLS } from '../src/cli/completion.js';
import { CHECKS } from '../src/checks/index.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The long flags `bulkhead CMD --help` prints (the first column of its Options list). */
function helpFlags(cmd: string): Set<string> {
  const r = runCli([cmd, '--help']);
  assert.equal(r.code, 0, r.stderr);
  const options = r.stdout.split('\nOptions:\n')[1] ?? '';
  return new Set([...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!).filter((f) => f !== '--help'));
}

test('README: the option table is what scripts/options-table.mjs writes', async () => {
  assert.ok(README.includes(TABLE_BEGIN) && README.includes(TABLE_END));
  assert.equal(README, withOptionsTable(README, await buildProgram()), 'run `npm run build && node scripts/options-table.mjs`');
});

test('README: each command column lists exactly the options its --help prints', async () => {
  const table = optionsTable(await buildProgram()).split('\n');
  const cols = table[0]!.split('|').map((s) => s.trim()).slice(2, -2);
  assert.ok(cols.includes('reach') && cols.includes('audit'));
  for (const [i, cmd] of cols.entries()) {
    const inTable = new Set<string>();
    for (const row of table.slice(2)) {
      const cells = row.split(/(?<!\\)\|/).map((s) => s.trim());
      if (cells[i + 2] !== '') inTable.add(/--[\w-]+/.exec(cells[1]!)![0]);
    }
    assert.deepEqual([...inTable].sort(), [...helpFlags(cmd)].sort(), cmd);
  }
});

test('-V/--version print the package version', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const f of ['--version', '-V']) assert.equal(runCli([f]).stdout.trim(), pkg.version);
});

test('completion: bash completes commands, flags and the values of -o and --level from the CLI itself', async () => {
  const r = runCli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-completion-'));
  const script = join(dir, 'bulkhead.bash');
  writeFileSync(script, r.stdout);
  const complete = (words: string[]): string[] => {
    const arr = words.map((w) => `'${w}'`).join(' ');
    const sh = `source '${script}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _bulkhead; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = spawnSync('bash', ['-c', sh], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return out.stdout.split('\n').filter(Boolean).sort();
  };
  const program = await buildProgram();
  assert.deepEqual(complete(['bulkhead', '']), [...program.commands.map((c) => c.name()), '--help', '--version'].sort());
  assert.deepEqual(complete(['bulkhead', 'reach', '-o', '']), ['csv', 'dot', 'html', 'json', 'md', 'text']);
  assert.deepEqual(complete(['bulkhead', 'audit', '--output', 's']), ['sarif']);
  assert.deepEqual(complete(['bulkhead', 'diff', '--level', '']), ['pod', 'workload']);
  assert.deepEqual(complete(['bulkhead', 'reach', '--output']), ['--output', '--output-file']);
  assert.ok(complete(['bulkhead', 'audit', '--intent', 'examples/shop/bulk']).includes('examples/shop/bulkhead.yaml'), 'file names after --intent');
  assert.ok(complete(['bulkhead', 'reach', 'examples/sh']).includes('examples/shop'), 'inputs are files');
  assert.equal(runCli(['completion', 'tcsh']).code, 2);
});

test('completion: zsh and fish name every visible flag of every command (and parse, when the shell is here)', async (t) => {
  const program = await buildProgram();
  for (const shell of SHELLS) {
    const s = completionScript(program, shell);
    for (const c of program.commands) {
      for (const o of c.options.filter((x) => !x.hidden)) {
        const long = o.long!.slice(2);
        assert.ok(s.includes(shell === 'fish' ? `-l ${long}` : `--${long}`), `${shell}: ${c.name()} --${long}`);
      }
      assert.equal(s.includes('-f <format>'), false, 'hidden options are not offered');
    }
    const bin = spawnSync(shell, ['--version'], { encoding: 'utf8' });
    if (bin.status !== 0) {
      t.diagnostic(`${shell} is not installed: its script is not parsed`);
      continue;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'bulkhead-completion-')), `bulkhead.${shell}`);
    writeFileSync(file, s);
    const parsed = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    assert.equal(parsed.status, 0, `${shell} -n: ${parsed.stderr}`);
  }
});

test('bulkhead checks lists every registered check with severity, controls and a docs link that exists', () => {
  const r = runCli(['checks', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { checks: Array<{ id: string; severity: string; controls: string[]; url: string; docs: string }> };
  assert.deepEqual(doc.checks.map((c) => c.id), CHECKS.map((c) => c.meta.id));
  const checksMd = readFileSync(join(REPO_ROOT, 'docs', 'checks.md'), 'utf8');
  for (const c of doc.checks) {
    const meta = CHECKS.find((x) => x.meta.id === c.id)!.meta;
    assert.equal(c.severity, meta.severity);
    assert.deepEqual(c.controls, meta.controls.map((x) => `${x.framework} ${x.id}`));
    const url = new URL(c.url);
    assert.equal(fileURLToPath(url), join(REPO_ROOT, 'docs', 'checks.md'), c.id);
    assert.match(checksMd, new RegExp(`^## ${url.hash.slice(1)}$`, 'm'), `${c.id}: the anchor is a heading`);
  }
  const text = runCli(['checks']).stdout;
  for (const c of CHECKS) assert.match(text, new RegExp(`^${c.meta.id} +${c.meta.severity} `, 'm'));
});
