/** Runs the built CLI as a user would, capturing output and exit code. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bulkhead ...args` from the repo root, optionally feeding stdin. */
export function runCli(args: readonly string[], input?: string, cwd: string = REPO_ROOT): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
