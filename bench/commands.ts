/**
 * Whole-command rows of the benchmark (`npm run bench -- --commands --sizes L,XL,XXL`): the generated
 * cluster is written to a temporary directory and each command runs as its own process, the built CLI as
 * a user would run it. Per command: wall time, CPU time (user + system) and peak RSS of that process
 * (bench/rusage-hook.ts), medians of the runs, against the targets of issue 12, with the ratio to the
 * previous run's figures (bench/results-commands.json) so a regression shows.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load as loadYaml } from 'js-yaml';
import { generateCluster, SIZES, teamNamespaces, type SizeName } from './generate.js';
import { handIntent } from './hand-intent.js';
import { AWS_SHAPES, generateAwsEstate, withClusterNodes } from './aws-generate.js';
import { ratio } from './ratio.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const HOOK = pathToFileURL(fileURLToPath(new URL('./rusage-hook.js', import.meta.url))).href;

/** One run of one command. */
export interface CommandRun {
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
  exitCode: number;
  /** Bytes the command wrote (its report, the intent, the JSON listing). */
  bytes: number;
  /** 1-minute load average when the command started. */
  loadAvg: number;
  /** init only: segments and flows of the intent it wrote. */
  segments?: number;
  flows?: number;
}

export interface CommandRow {
  /** What was run, with the generated files' names. */
  command: string;
  runs: CommandRun[];
  median?: Record<string, number>;
  /** Set when a run failed (out of memory, timed out, exit code 2...): no figures then. */
  error?: string;
  /** Set when the row could not run at all (the CLI lacks the option, a row it needs failed). */
  skipped?: string;
}

export interface SizeCommands {
  size: SizeName;
  pods: number;
  workloads: number;
  policies: number;
  namespaces: number;
  runs: number;
  loadAvgStart: number;
  loadAvgEnd: number;
  /** Segments and flows of the hand-shaped intent. */
  handSegments: number;
  handFlows: number;
  rows: Record<string, CommandRow>;
}

export interface CommandOptions {
  readonly size: SizeName;
  readonly runs: number;
  readonly seed?: number;
  /** Kill a command after this long (default 10 minutes). */
  readonly timeoutMs?: number;
  /** --max-old-space-size of each command (default 4096 MiB, as the issue measured). */
  readonly heapMiB?: number;
  /** Keep the temporary directory (its path is logged). */
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
}

/** The rows, in the order they run (init before the audit of its intent). */
export const ROWS = ['init', 'audit-init', 'audit-hand', 'audit-none', 'blast-rank', 'blast-from', 'diff-policy', 'diff-relabel', 'explain', 'reach-json', 'reach-namespace', 'reach-segment', 'reach-cross'] as const;
export type RowId = (typeof ROWS)[number];

/** How each row is named in the table. */
export const ROW_LABELS: Record<RowId, string> = {
  init: 'init',
  'audit-init': 'audit --intent (init\'s)',
  'audit-hand': 'audit --intent (hand-shaped)',
  'audit-none': 'audit --no-intent',
  'blast-rank': 'blast (ranking)',
  'blast-from': 'blast --from',
  'diff-policy': 'diff (one policy changed)',
  'diff-relabel': 'diff (1% relabelled)',
  explain: 'explain',
  'reach-json': 'reach -o json (workload)',
  'reach-namespace': 'reach --level namespace',
  'reach-segment': 'reach --level segment (init\'s)',
  'reach-cross': 'reach -o json (+ AWS_S, 10 nodes)',
};

/** How many of the AWS_S estate's app interfaces the cross-layer row tags as the cluster's nodes. */
export const CROSS_NODES = 10;

/**
 * The targets of issue 12 for a size: ≤ 2 s at 10,000 pods, ≤ 10 s and ≤ 2 GiB at 100,000 and more; the
 * cross-layer row (issue 10): ≤ 10 s and ≤ 2 GiB from 10,000 pods.
 */
export function commandTarget(pods: number, row?: RowId): { ms: number; rssMiB?: number } | undefined {
  if (pods >= 100_000 || (row === 'reach-cross' && pods >= 10_000)) return { ms: 10_000, rssMiB: 2048 };
  if (pods >= 10_000) return { ms: 2000 };
  return undefined;
}

/** pass when the wall time (and RSS) meet the target; "pass on CPU" when only the CPU time does (a loaded machine). */
export function targetStatus(pods: number, m: { wallMs: number; cpuMs: number; rssMiB: number }, row?: RowId): string {
  const t = commandTarget(pods, row);
  if (!t) return '';
  if (t.rssMiB !== undefined && m.rssMiB > t.rssMiB) return 'FAIL';
  if (m.wallMs <= t.ms) return 'pass';
  return m.cpuMs <= t.ms ? 'pass on CPU' : 'FAIL';
}

/** Every document of a generated cluster's YAML. */
function documents(text: string): string[] {
  return text.split('---\n');
}

/** The cluster with one policy's ingress ports widened by TCP 8443 (an allow-web-to-api policy if there is one). */
export function withOnePolicyChanged(text: string): string {
  const docs = documents(text);
  const isPolicy = (d: string): boolean => d.includes('kind: NetworkPolicy\n') && d.includes('\n    ports:\n');
  let i = docs.findIndex((d) => isPolicy(d) && d.includes('name: allow-web-to-'));
  if (i < 0) i = docs.findIndex(isPolicy);
  if (i < 0) throw new Error('the generated cluster has no NetworkPolicy with ports to change');
  docs[i] = docs[i]!.replace('\n    ports:\n', '\n    ports:\n    - port: 8443\n      protocol: TCP\n');
  return docs.join('---\n');
}

// A cycle over every tier, so a relabelled workload moves between the peers that tier-to-tier rules name.
const TIER_NEXT: Record<string, string> = { web: 'api', api: 'worker', worker: 'db', db: 'cache', cache: 'web' };

/** The cluster with 1% of the team workloads (at least one) relabelled: their pods' tier label moves to the next tier. */
export function withWorkloadsRelabelled(text: string, share = 0.01): { text: string; relabelled: number } {
  const docs = documents(text);
  const workloads = docs.flatMap((d, i) => (/^kind: (Deployment|StatefulSet|DaemonSet)$/m.test(d) && /^ {2}namespace: team/m.test(d) ? [i] : []));
  const n = Math.max(1, Math.round(workloads.length * share));
  const step = workloads.length / n;
  for (let k = 0; k < n; k++) {
    const i = workloads[Math.floor(k * step + step / 2)]!;
    docs[i] = docs[i]!.replace(/^ {8}tier: "(\w+)"$/m, (_, t: string) => `        tier: "${TIER_NEXT[t] ?? t}"`);
  }
  return { text: docs.join('---\n'), relabelled: n };
}

/** Whether this build's `reach --help` offers `--level namespace`. */
export function reachHasNamespaceLevel(): boolean {
  const r = spawnSync(process.execPath, [CLI, 'reach', '--help'], { encoding: 'utf8' });
  const lines = r.stdout.split('\n');
  const i = lines.findIndex((l) => /^\s+--level\b/.test(l));
  if (i < 0) return false;
  let text = lines[i]!;
  for (let j = i + 1; j < lines.length && /^\s{6,}\S/.test(lines[j]!) && !/^\s+-/.test(lines[j]!); j++) text += ` ${lines[j]!.trim()}`;
  // "namespace" as a level of its own, not the namespace/name of a workload id.
  return /\bnamespace\b(?!\/)/.test(text);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Why a finished command counts as failed, or undefined: exit 0 is clean, and exit 1 from audit or diff
 * is findings (--fail-on); anything else is a failure, as is exit 1 with a stack (an uncaught exception)
 * or no output written.
 */
export function exitFailure(command: string, status: number, stderr: string, wroteOutput: boolean): string | undefined {
  const findings = status === 1 && (command === 'audit' || command === 'diff') && !/^\s+at .+:\d+:\d+\)?$/m.test(stderr);
  if ((status === 0 || findings) && wroteOutput) return undefined;
  return `exit code ${status}${wroteOutput ? '' : ', no output'}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
}

/** Runs one command as a child process; its figures, or why it failed. */
function runOnce(dir: string, id: string, args: string[], outFile: string | undefined, opts: CommandOptions): CommandRun | { error: string } {
  const usage = join(dir, `${id}.rusage.json`);
  rmSync(usage, { force: true });
  if (outFile) rmSync(outFile, { force: true });
  const stdoutFile = join(dir, `${id}.stdout`);
  const errFile = join(dir, `${id}.stderr`);
  const out = openSync(stdoutFile, 'w');
  const err = openSync(errFile, 'w');
  const loadAvg = loadavg()[0]!;
  const t = performance.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${opts.heapMiB ?? 4096}`, '--import', HOOK, CLI, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', BULKHEAD_BENCH_RUSAGE: usage },
    stdio: ['ignore', out, err],
    timeout: opts.timeoutMs ?? 600_000,
  });
  const wallMs = performance.now() - t;
  closeSync(out);
  closeSync(err);
  const stderr = readFileSync(errFile, 'utf8');
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return { error: `timed out after ${((opts.timeoutMs ?? 600_000) / 1000).toFixed(0)} s` };
  if (/heap out of memory|Reached heap limit/.test(stderr)) return { error: `out of memory after ${(wallMs / 1000).toFixed(0)} s (heap limit ${opts.heapMiB ?? 4096} MiB)` };
  if (r.status === null) return { error: `killed by ${r.signal} after ${(wallMs / 1000).toFixed(0)} s` };
  const failed = exitFailure(args[0]!, r.status, stderr, existsSync(outFile ?? stdoutFile)) ?? (existsSync(usage) ? undefined : 'no resource usage written');
  if (failed) return { error: failed };
  const u = JSON.parse(readFileSync(usage, 'utf8')) as { userUs: number; systemUs: number; maxRSSKiB: number };
  const bytes = statSync(outFile ?? stdoutFile).size;
  return { wallMs, cpuMs: (u.userUs + u.systemUs) / 1000, rssMiB: u.maxRSSKiB / 1024, exitCode: r.status, bytes, loadAvg };
}

/** Writes the generated cluster of a size and its changed copies to a temporary directory and times every command row. */
export function runCommandRows(opts: CommandOptions): SizeCommands {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1;
  const pods = SIZES[opts.size];
  const dir = mkdtempSync(join(tmpdir(), `bulkhead-bench-${opts.size}-`));
  const loadAvgStart = loadavg()[0]!;
  try {
    const g = generateCluster(pods, seed);
    const text = g.files[0]!.text;
    const write = (sub: string, body: string): string => {
      mkdirSync(join(dir, sub));
      const p = join(dir, sub, 'cluster.yaml');
      writeFileSync(p, body);
      return p;
    };
    const cluster = write('cluster', text);
    const policyChanged = write('policy-changed', withOnePolicyChanged(text));
    const relabelled = write('relabelled', withWorkloadsRelabelled(text).text);
    const hand = handIntent(pods);
    const handFile = join(dir, 'hand-intent.yaml');
    writeFileSync(handFile, hand.text);
    const initFile = join(dir, 'init-intent.yaml');
    const layout = teamNamespaces(pods).namespaces;
    const prod = layout.find((n) => n.env === 'prod' && n.protected) ?? layout[0]!;
    const dev = layout[0]!;
    const reachJson = join(dir, 'reach.json');
    // The AWS_S estate with some app interfaces tagged as the cluster's nodes: its pods name no node, so each may run on any.
    const awsDir = join(dir, 'aws-s');
    for (const f of withClusterNodes(generateAwsEstate(AWS_SHAPES.AWS_S).files, CROSS_NODES)) {
      mkdirSync(join(awsDir, f.path, '..'), { recursive: true });
      writeFileSync(join(awsDir, f.path), f.text);
    }
    const crossJson = join(dir, 'cross.json');
    const nsLevel = reachHasNamespaceLevel();
    const common = ['--no-settings', '-q'];
    const specs: Record<RowId, { args: string[]; outFile?: string } | { skip: string }> = {
      init: { args: ['init', cluster, '--output-file', initFile, '--force', ...common], outFile: initFile },
      'audit-init': { args: ['audit', cluster, '--intent', initFile, ...common] },
      'audit-hand': { args: ['audit', cluster, '--intent', handFile, ...common] },
      'audit-none': { args: ['audit', cluster, '--no-intent', ...common] },
      'blast-rank': { args: ['blast', cluster, '--no-intent', ...common] },
      'blast-from': { args: ['blast', cluster, '--no-intent', '--from', `${prod.name}/api-1`, ...common] },
      'diff-policy': { args: ['diff', cluster, policyChanged, '--no-intent', ...common] },
      'diff-relabel': { args: ['diff', cluster, relabelled, '--no-intent', ...common] },
      explain: { args: ['explain', cluster, '--from', `${dev.name}/web-0`, '--to', `${dev.name}/api-1`, ...common] },
      'reach-json': { args: ['reach', cluster, '-o', 'json', '--output-file', reachJson, ...common], outFile: reachJson },
      'reach-namespace': nsLevel ? { args: ['reach', cluster, '--level', 'namespace', ...common] } : { skip: 'this build has no reach --level namespace' },
      // The map by segment of init's intent: one segment per workload here, the largest segment map there is.
      'reach-segment': { args: ['reach', cluster, '--level', 'segment', '--intent', initFile, ...common] },
      'reach-cross': { args: ['reach', cluster, awsDir, '-o', 'json', '--output-file', crossJson, ...common], outFile: crossJson },
    };
    const rows = {} as Record<RowId, CommandRow>;
    for (const id of ROWS) {
      const spec = specs[id];
      const row: CommandRow = { command: 'skip' in spec ? '' : `bulkhead ${spec.args.map((a) => a.replace(`${dir}/`, '')).join(' ')}`, runs: [] };
      rows[id] = row;
      if ('skip' in spec) {
        row.skipped = spec.skip;
        continue;
      }
      if ((id === 'audit-init' || id === 'reach-segment') && rows.init.error) {
        row.skipped = 'init failed';
        continue;
      }
      for (let i = 0; i < opts.runs && !row.error; i++) {
        const r = runOnce(dir, id, spec.args, spec.outFile, opts);
        if ('error' in r) {
          row.error = r.error;
          break;
        }
        if (id === 'init') {
          const doc = loadYaml(readFileSync(initFile, 'utf8')) as { segments?: Record<string, unknown>; flows?: unknown[] };
          r.segments = Object.keys(doc.segments ?? {}).length;
          r.flows = (doc.flows ?? []).length;
        }
        if (id === 'reach-json') rmSync(reachJson, { force: true });
        if (id === 'reach-cross') rmSync(crossJson, { force: true });
        row.runs.push(r);
        log(`${opts.size} ${ROW_LABELS[id]} run ${i + 1}/${opts.runs}: ${fmtMs(r.wallMs)} wall, ${fmtMs(r.cpuMs)} CPU, ${r.rssMiB.toFixed(0)} MiB`);
      }
      if (row.error) log(`${opts.size} ${ROW_LABELS[id]}: ${row.error}`);
      if (row.runs.length && !row.error) {
        const keys = ['wallMs', 'cpuMs', 'rssMiB', 'bytes', 'loadAvg', 'segments', 'flows'] as const;
        row.median = {};
        for (const k of keys) if (row.runs[0]![k] !== undefined) row.median[k] = median(row.runs.map((x) => x[k]!));
        // Throughput of a written listing: MB per second of wall time.
        row.median['mbPerS'] = row.median['bytes']! / 1e6 / (row.median['wallMs']! / 1000);
      }
    }
    return {
      size: opts.size,
      pods: g.stats.pods,
      workloads: g.stats.workloads,
      policies: g.stats.policies,
      namespaces: g.stats.namespaces,
      runs: opts.runs,
      loadAvgStart,
      loadAvgEnd: loadavg()[0]!,
      handSegments: hand.segments,
      handFlows: hand.flows,
      rows,
    };
  } finally {
    if (opts.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function fmtBytes(b: number): string {
  return b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(0)} KB` : `${b} B`;
}

/** The table of command rows, each figure with its ratio to the previous run's (when there is one). */
export function commandTable(results: readonly SizeCommands[], previous: Record<string, { rows?: Record<string, CommandRow> }> = {}): string {
  const rows: string[][] = [['size', 'command', 'wall', 'CPU', 'peak RSS', 'output', 'target', 'status']];
  const notes: string[] = [];
  for (const s of results) {
    // Targets go by the size's nominal pod count (L is 10,000 pods; the generator makes 9,968).
    const nominal = SIZES[s.size];
    for (const id of ROWS) {
      const t = commandTarget(nominal, id);
      const row = s.rows[id];
      if (!row) continue;
      const m = row.median;
      const before = previous[s.size]?.rows?.[id]?.median;
      const withRatio = (k: string, text: string): string => `${text}${ratio(m?.[k], before?.[k])}`;
      if (!m) {
        rows.push([s.size, ROW_LABELS[id], row.skipped ? 'skipped' : 'FAILED', '', '', row.error ?? row.skipped ?? '', t ? `≤ ${fmtMs(t.ms)}` : '', row.skipped ? '' : 'FAIL']);
        continue;
      }
      let output = fmtBytes(m['bytes']!);
      if (id === 'init') output = `${withRatio('bytes', `${fmtBytes(m['bytes']!)} intent`)}, ${m['segments']} segments, ${m['flows']} flows`;
      if (id === 'reach-json' || id === 'reach-namespace' || id === 'reach-segment' || id === 'reach-cross') output = `${withRatio('bytes', fmtBytes(m['bytes']!))}, ${withRatio('mbPerS', `${m['mbPerS']!.toFixed(m['mbPerS']! < 10 ? 1 : 0)} MB/s`)}`;
      rows.push([
        s.size,
        ROW_LABELS[id],
        withRatio('wallMs', fmtMs(m['wallMs']!)),
        withRatio('cpuMs', fmtMs(m['cpuMs']!)),
        withRatio('rssMiB', `${m['rssMiB']!.toFixed(0)} MiB`),
        output,
        t ? `≤ ${fmtMs(t.ms)}${t.rssMiB ? `, ${t.rssMiB / 1024} GiB` : ''}` : '',
        targetStatus(nominal, m as { wallMs: number; cpuMs: number; rssMiB: number }, id),
      ]);
    }
    notes.push(
      `${s.size}: ${s.pods} pods, ${s.workloads} workloads, ${s.policies} policies, ${s.namespaces} namespaces; hand-shaped intent ${s.handSegments} segments, ${s.handFlows} flows; ` +
        `medians of ${s.runs} run(s); load average ${s.loadAvgStart.toFixed(1)} at the start, ${s.loadAvgEnd.toFixed(1)} at the end`,
    );
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n${notes.join('\n')}\n`;
}

/** `npm run bench -- --commands [--sizes L,XL,XXL] [--runs N] [--timeout S] [--heap MiB] [--keep] [--results FILE] [--print]`. */
export function commandsBenchMain(arg: (name: string) => string | undefined): void {
  const sizes = (arg('sizes') ?? 'L,XL,XXL').split(',').map((s) => s.trim().toUpperCase()) as SizeName[];
  for (const s of sizes) if (!(s in SIZES)) throw new Error(`unknown size ${s}: choose from ${Object.keys(SIZES).join(',')}`);
  const seed = Number(arg('seed') ?? 1);
  // --results FILE: another file (a run from a copy of dist/ while the build changes).
  const out = arg('results') ? pathToFileURL(resolve(arg('results')!)) : new URL('../../bench/results-commands.json', import.meta.url);
  // The previous figures, read before this run overwrites them: every figure is printed with its ratio.
  let previous: Record<string, SizeCommands & { date?: string }> = {};
  try {
    const old = JSON.parse(readFileSync(out, 'utf8')) as { seed?: number; results?: Record<string, SizeCommands & { date?: string }> };
    if (old.seed === seed && old.results) previous = old.results;
  } catch {
    // no earlier results: no ratios
  }
  if (process.argv.includes('--print')) {
    // The table of the recorded figures, without running anything.
    process.stdout.write(commandTable(sizes.filter((s) => previous[s]).map((s) => previous[s]!)));
    return;
  }
  const results: SizeCommands[] = [];
  const date = new Date().toISOString();
  // Written after each size, so an XXL run stopped half way keeps the sizes before it.
  const save = (): void => {
    const merged = { ...previous, ...Object.fromEntries(results.map((r) => [r.size, { date, ...r }])) };
    writeFileSync(out, `${JSON.stringify({ date, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), seed, results: merged }, null, 2)}\n`);
  };
  for (const size of sizes) {
    const runs = Number(arg('runs') ?? (SIZES[size] >= 100_000 ? 1 : 3));
    results.push(
      runCommandRows({
        size,
        runs,
        seed,
        timeoutMs: Number(arg('timeout') ?? 600) * 1000,
        heapMiB: Number(arg('heap') ?? 4096),
        keep: process.argv.includes('--keep'),
        log: (l) => process.stderr.write(`${l}\n`),
      }),
    );
    save();
    process.stderr.write(commandTable(results.slice(-1), previous));
  }
  process.stdout.write(commandTable(results, previous));
  process.stdout.write(
    'wall: the whole process, as a user waits for it; CPU: user + system time of that process; peak RSS: its maxRSS. Each figure is followed by its ratio to the previous run (bench/results-commands.json).\n' +
      'status: pass when the wall time (and peak RSS) meet the target of issue 12; "pass on CPU" when only the CPU time does (other load on the machine stretched the wall time).\n',
  );
  process.stdout.write(`written ${fileURLToPath(out)}\n`);
}
