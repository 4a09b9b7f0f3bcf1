/** Start-up: the heavy clients (Kubernetes, AWS, the store drivers) load only in the commands that use them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/run-cli.js';

// A module hook that names every package resolved, on stderr.
const HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, n) { const r = await n(s, c); const m = r.url.match(/node_modules\\\\/((@[^/]+\\\\/)?[^/]+)/); if (m) process.stderr.write('PKG ' + m[1] + '\\\\n'); return r; }\`));
import Module from 'node:module';
const load = Module._load;
// Packages loaded on first use come through require (createRequire), which the ES module hook does not see.
Module._load = function (request, ...rest) { if (!request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:')) process.stderr.write('PKG ' + request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/') + '\\n'); return load.call(this, request, ...rest); };`;

/** The packages a command resolves. */
function packagesOf(args: readonly string[]): Set<string> {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(HOOK)}`, join(REPO_ROOT, 'dist/src/cli/main.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return new Set([...r.stderr.matchAll(/^PKG (\S+)$/gm)].map((m) => m[1]!));
}

const HEAVY = ['@kubernetes/client-node', '@aws-sdk/client-ec2', 'pg', 'libsql'];

test('reach, audit and --version load none of the cluster, cloud or store clients', () => {
  for (const args of [['--version'], ['reach', 'examples/shop', '-q'], ['audit', 'examples/shop', '-q']]) {
    const pkgs = packagesOf(args);
    assert.ok(pkgs.has('commander'), `the hook sees packages (${args.join(' ')})`);
    assert.deepEqual(HEAVY.filter((p) => pkgs.has(p)), [], args.join(' '));
  }
});

test('zod and the YAML libraries load only when a run needs them', () => {
  const has = (args: string[]): string[] => ['zod', 'yaml', 'js-yaml'].filter((p) => packagesOf(args).has(p));
  // Block-style manifests, no intent, no settings file: the hand reader (yaml-block.ts) takes every document.
  assert.deepEqual(has(['reach', 'examples/eks/cluster.yaml', '--no-intent', '-q']), []);
  // Flow style across lines goes to js-yaml (one-line flow nodes the hand reader takes); a merge key to the full parser; an intent file (the shop's bulkhead.yaml) to zod.
  assert.deepEqual(has(['reach', 'test/fixtures/startup/flow-style.yaml', '--no-intent', '-q']), ['js-yaml']);
  assert.deepEqual(has(['reach', 'test/fixtures/startup/merge-key.yaml', '--no-intent', '-q']), ['yaml', 'js-yaml']);
  assert.ok(has(['audit', 'examples/shop', '-q']).includes('zod'));
});

// A module hook that names every module of the build resolved, on stderr.
const OWN_HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, n) { const r = await n(s, c); const m = r.url.match(/\\\\/dist\\\\/src\\\\/(.*)$/); if (m) process.stderr.write('MOD ' + m[1] + '\\\\n'); return r; }\`));`;

/** The build's own modules a command loads. */
function modulesOf(args: readonly string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(OWN_HOOK)}`, join(REPO_ROOT, 'dist/src/cli/main.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return [...new Set([...r.stderr.matchAll(/^MOD (\S+)$/gm)].map((m) => m[1]!))];
}

test('a cluster-only run loads none of the AWS readers, the cloud engine or the cross-layer join; an AWS run does', () => {
  // Telling AWS input from manifests needs only these (sources/aws/keys.ts, terraform/document.ts).
  const allowed = new Set(['cli/aws-inputs.js', 'sources/aws/detect.js', 'sources/aws/keys.js', 'sources/terraform/document.js', 'analyses/aws/notes.js', 'analyses/aws/select.js']);
  const cloud = (m: string): boolean => /^(sources\/aws|sources\/terraform|engine\/cloud|engine\/cross|analyses\/aws|analyses\/cross|reports\/aws|reports\/cross|inventory\/aws)\/|^cli\/(aws-|commands\/(aws-sections|blast-aws))/.test(m) && !allowed.has(m);
  for (const args of [
    ['reach', 'examples/shop', '-q'], ['audit', 'examples/shop', '-q'], ['explain', 'examples/shop', '--from', 'shop-prod/frontend', '--to', 'shop-prod/api', '-q'],
    ['init', 'examples/shop', '-q', '--output-file', '-'], ['blast', 'examples/shop', '-q'], ['diff', 'examples/shop', 'examples/shop', '--no-intent', '-q'],
  ]) {
    const mods = modulesOf(args);
    assert.ok(mods.includes('cli/main.js'), `the hook sees modules (${args.join(' ')})`);
    assert.deepEqual(mods.filter(cloud), [], args.join(' '));
  }
  assert.ok(modulesOf(['reach', 'examples/aws', '-q']).includes('engine/cloud/reach-matrix.js'));
  assert.ok(modulesOf(['diff', 'examples/aws', 'examples/aws', '-q']).includes('cli/commands/diff-aws-run.js'));
});
