/** Runs the built CLI without blocking this process (a test API server in it must keep answering). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, type CliResult } from './run-cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Runs `bulkhead ...args` from the repo root; `signalAfter` sends SIGINT once stdout or stderr contains it. */
export function runCliAsync(args: readonly string[], opts: { env?: Record<string, string>; signalAfter?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const watch = (): void => {
      if (opts.signalAfter && !signalled && (stdout + stderr).includes(opts.signalAfter)) {
        signalled = true;
        p.kill('SIGINT');
      }
    };
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      watch();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      watch();
    });
    p.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
