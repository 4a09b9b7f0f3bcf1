/** The root report paths are relative to: the git work tree holding the working directory, else the working directory. */
import { spawnSync } from 'node:child_process';

/** `git rev-parse --show-toplevel` in `cwd`, or `cwd` when it is not in a git work tree (or git is absent). */
export function repoRoot(cwd: string = process.cwd()): string {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const top = r.status === 0 ? r.stdout.trim() : '';
  return top || cwd;
}
