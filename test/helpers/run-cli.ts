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

/** Runs `bulkhead ...args` from the repo root, optionally feeding stdin; no colour unless `env` asks for it. */
export function runCli(args: readonly string[], input?: string, cwd: string = REPO_ROOT, env: Record<string, string> = {}): CliResult {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete base['FORCE_COLOR'];
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, input, encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
