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
