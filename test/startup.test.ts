/** Start-up: the heavy clients (Kubernetes, AWS, the store drivers) load only in the commands that use them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/run-cli.js';

// A module hook that names every package resolved, on stderr.
const HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, n) { const r = await n(s, c); const m = r.url.match(/node_modules\\\\/((@[^/]+\\\\/)?[^/]+)/); if (m) process.stderr.write('PKG ' + m[1] + '\\\\n'); return r; }\`));`;

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
