/**
 * The package as users get it: `npm pack`, installed from the tarball into a fresh prefix, the `bulkhead`
 * command run from there, and the docs/api.md example run with node against the installed library.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const PKG = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
  scripts: Record<string, string>;
  files: string[];
};

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' };
  delete env['FORCE_COLOR'];
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
}

test('package.json: the entry points exist in the build, and nothing compiles at install time', () => {
  for (const p of [PKG.main, PKG.types, PKG.exports['.']!.types, PKG.exports['.']!.default, ...Object.values(PKG.bin)]) {
    assert.ok(existsSync(join(REPO_ROOT, p)), `${p} is built`);
  }
  // A package installed from a tarball must not need its devDependencies (tsc) to be usable.
  for (const s of ['prepare', 'preinstall', 'install', 'postinstall']) assert.equal(PKG.scripts[s], undefined, `no ${s} script`);
  assert.match(PKG.scripts['prepack'] ?? '', /tsc/, 'prepack builds the package');
  assert.match(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
});

test('npm pack, install the tarball into a fresh prefix, run bulkhead and the docs/api.md example', (t) => {
  const npm = run('npm', ['--version'], REPO_ROOT);
  if (npm.status !== 0) {
    t.skip(`npm is not available: ${npm.error?.message ?? npm.stderr}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-pack-'));
  // The suite has just built dist/; prepack (checked above) would only build it again.
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp, '--json'], REPO_ROOT);
  assert.equal(pack.status, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = new Set(info!.files.map((f) => f.path));
  for (const f of ['LICENSE', 'README.md', 'package.json', 'docs/api.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'examples/shop/bulkhead.yaml']) {
    assert.ok(files.has(f), `the tarball has ${f}`);
  }
  assert.ok(![...files].some((f) => f.startsWith('dist/test/') || f.startsWith('test/')), 'no tests in the tarball');
  // Every docs page the CLI and the reports point users to ships with the package.
  const cited = new Set<string>();
  for (const f of files) if (f.startsWith('dist/src/') && f.endsWith('.js')) for (const m of readFileSync(join(REPO_ROOT, f), 'utf8').matchAll(/docs\/[a-z-]+\.md/g)) cited.add(m[0]);
  assert.ok(cited.size > 0);
  for (const d of cited) assert.ok(files.has(d), `${d}, cited by the CLI, is in the tarball`);

  const prefix = join(tmp, 'prefix');
  const common = ['install', '--prefix', prefix, join(tmp, info!.filename), '--no-audit', '--no-fund', '--ignore-scripts'];
  let install = run('npm', [...common, '--offline'], tmp);
  // A cache without the registry's metadata: fetch only what is missing.
  if (install.status !== 0) install = run('npm', [...common, '--prefer-offline'], tmp);
  if (install.status !== 0 && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(install.stderr)) {
    t.skip(`the dependencies are neither in the npm cache nor reachable: ${install.stderr.split('\n')[0]}`);
    return;
  }
  assert.equal(install.status, 0, install.stderr);
  assert.doesNotMatch(install.stderr, /\btsc\b|error TS|prepare/, 'nothing is compiled at install time');

  const bin = join(prefix, 'node_modules', '.bin', 'bulkhead');
  const version = run(bin, ['--version'], tmp);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), PKG.version);

  // A real command, from the installed package, says exactly what the repository's build says.
  cpSync(join(REPO_ROOT, 'examples'), join(prefix, 'examples'), { recursive: true });
  const installed = run(bin, ['reach', 'examples/shop', '-q', '-o', 'json'], prefix);
  assert.equal(installed.status, 0, installed.stderr);
  assert.equal(installed.stdout, runCli(['reach', 'examples/shop', '-q', '-o', 'json']).stdout);
  const audit = run(bin, ['audit', 'examples/shop', '-q', '-o', 'json'], prefix);
  assert.equal(audit.status, 0, audit.stderr);

  // The library, imported by its package name, as docs/api.md shows it.
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'docs/api.md has a js example');
  writeFileSync(join(prefix, 'example.mjs'), block[1]!);
  const ex = run(process.execPath, ['example.mjs'], prefix);
  assert.equal(ex.status, 0, ex.stderr);
  const lines = (tag: string) => ex.stdout.split('\n').filter((l) => l.startsWith(`${tag}: `)).map((l) => l.slice(tag.length + 2));
  // Its answers are the CLI's.
  const cliReach = runCli(['reach', 'examples/shop', '-q', '--to', 'shop-prod/postgres']).stdout.trim().split('\n');
  assert.deepEqual(lines('reach'), cliReach);
  const findings = (JSON.parse(audit.stdout) as { findings: unknown[] }).findings;
  assert.deepEqual(lines('audit'), [`${findings.length} findings, ${(findings as Array<{ severity: string }>).filter((f) => f.severity === 'error').length} errors`]);
  const cliExplain = JSON.parse(runCli(['explain', 'examples/shop', '-q', '--from', 'shop-dev/api', '--to', 'shop-prod/postgres', '--port', 'TCP/5432', '-o', 'json']).stdout) as { verdict: string };
  assert.equal(lines('explain')[0], cliExplain.verdict);
  const md = runCli(['diff', 'examples/shop', 'examples/shop-pr', '-q', '--intent', 'examples/shop/bulkhead.yaml', '-o', 'md']).stdout;
  assert.ok(ex.stdout.endsWith(md), 'the example\'s diff report is the CLI\'s diff -o md');
  assert.ok(readdirSync(join(prefix, 'node_modules', 'bulkhead', 'docs')).includes('checks.md'));
});
