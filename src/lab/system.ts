/**
 * What the lab asks of the machine: `ip` and `nft` commands, the run's names and its state file, and the
 * removal of what a killed run left behind. Everything the lab creates lives in network namespaces named
 * `bh-<run>-...`; it never adds an address, a route or a table to the root namespace.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every lab namespace name starts with this and a six-hex-digit run id. */
export const PREFIX = 'bh-';
const NAME = /^bh-([0-9a-f]{6})-/;

/** Runs a command; resolves with stdout, rejects with its stderr. */
export function run(cmd: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Why the lab cannot run here, or undefined when it can (root, ip and nft present, namespaces allowed). */
export function labUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the lab needs root (network namespaces and nftables)';
  for (const [cmd, pkg, args] of [
    ['ip', 'iproute2', ['-V']],
    ['nft', 'nftables', ['--version']],
  ] as const) {
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    if (r.error || r.status !== 0) return `the lab needs \`${cmd}\` (Debian package ${pkg}): apt-get install -y nftables iproute2`;
  }
  return undefined;
}

/** The directory holding one file per live run (its pid), so --lab-cleanup spares runs in progress. */
export function stateDir(): string {
  const dirs = [process.env.BULKHEAD_LAB_STATE, '/run/bulkhead-lab', join(tmpdir(), 'bulkhead-lab')].filter((d): d is string => !!d);
  for (const d of dirs) {
    try {
      mkdirSync(d, { recursive: true });
      return d;
    } catch {
      // try the next
    }
  }
  return tmpdir();
}

/**
 * Claims a run id for this process: its state file is created only if no other run holds it (an atomic
 * create), so two runs started at once never share names, and each one's cleanup removes only its own.
 */
export function claimRunState(runId: string): boolean {
  try {
    writeFileSync(join(stateDir(), runId), `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export function removeRunState(runId: string): void {
  rmSync(join(stateDir(), runId), { force: true });
}

/** Names of every network namespace (root namespace's view). */
export function listNamespaces(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean)
    .sort();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills the processes inside the namespaces, then deletes the namespaces (and so every interface and table in them). */
export function deleteNamespacesSync(names: readonly string[]): void {
  if (names.length === 0) return;
  for (const n of names) {
    const pids = (spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);
    for (const p of pids) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  try {
    execFileSync('ip', ['-force', '-batch', '-'], { input: names.map((n) => `netns del ${n}\n`).join(''), stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    // -force goes on past a failed line; whatever is left is reported by the caller's listing.
  }
}

export interface CleanupReport {
  readonly removed: readonly string[];
  /** Runs still in progress, left alone: run id -> pid. */
  readonly live: ReadonlyMap<string, number>;
}

/** Removes the namespaces of lab runs whose process is gone (`bulkhead test --lab-cleanup`). */
export function cleanupLeftovers(): CleanupReport {
  const dir = stateDir();
  const live = new Map<string, number>();
  const byRun = new Map<string, string[]>();
  for (const n of listNamespaces()) {
    const m = NAME.exec(n);
    if (!m) continue;
    const l = byRun.get(m[1]!) ?? [];
    l.push(n);
    byRun.set(m[1]!, l);
  }
  const removed: string[] = [];
  for (const [runId, names] of byRun) {
    let pid = NaN;
    try {
      pid = Number(readFileSync(join(dir, runId), 'utf8').trim());
    } catch {
      // no state: a leftover
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      live.set(runId, pid);
      continue;
    }
    deleteNamespacesSync(names);
    removeRunState(runId);
    removed.push(...names);
  }
  // State files of runs that left no namespace.
  for (const f of safeReaddir(dir)) {
    if (/^[0-9a-f]{6}$/.test(f) && !byRun.has(f)) {
      const pid = Number(readFileSync(join(dir, f), 'utf8').trim());
      if (!(Number.isInteger(pid) && alive(pid))) removeRunState(f);
    }
  }
  return { removed: removed.sort(), live };
}

function safeReaddir(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}
