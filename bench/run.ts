/**
 * The benchmark: for each cluster size, load + full reachability (workload and pod level), one explain,
 * one policy change re-evaluated, and the reference evaluator on the same input. Each run is a child
 * process so its peak RSS is its own; the table shows medians and bench/results.json keeps every number.
 *
 *   npm run bench -- --sizes S,M,L --runs 3
 *   npm run bench -- --lab        (the network-namespace lab: root, nftables, iproute2; see bench/lab.ts)
 *   npm run bench -- --aws        (the AWS rows: generated describe-* estates; see bench/aws.ts)
 *   npm run bench -- --commands --sizes L,XL,XXL   (whole CLI commands as child processes; see bench/commands.ts)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { NetworkPolicy, Pod } from '../src/inventory/types.js';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { podConnectionCount, streamReach } from '../src/analyses/reach.js';
import { explain } from '../src/analyses/explain.js';
import { PROTOCOLS, type Protocol } from '../src/model/port-set.js';
import { generateCluster, generateIpBlockCluster, generateOpenCluster, SIZES, type GeneratedCluster, type SizeName } from './generate.js';
import { labBenchMain } from './lab.js';
import { awsBenchMain } from './aws.js';
import { storeBenchMain } from './store.js';
import { commandsBenchMain } from './commands.js';
import { ratio } from './ratio.js';

/** Rows besides the sizes: shapes that once crashed or were quadratic (docs/performance.md). */
const SHAPES = {
  /** No NetworkPolicy yet, 10,000 workloads: every pair connected. */
  NOPOL: () => generateOpenCluster(10_000),
  /** 20,000 distinct ipBlock CIDRs (nested, with excepts) in 200 policies. */
  IPBLOCKS: (seed: number) => generateIpBlockCluster(20_000, seed),
  /** L and XL with tens of AdminNetworkPolicies and a BaselineAdminNetworkPolicy (the tiers). */
  LADMIN: (seed: number) => generateCluster(SIZES.L, seed, { admin: true }),
  XLADMIN: (seed: number) => generateCluster(SIZES.XL, seed, { admin: true }),
} as const;
type RowName = SizeName | keyof typeof SHAPES;

function rowCluster(row: RowName, seed: number): GeneratedCluster {
  return row in SHAPES ? SHAPES[row as keyof typeof SHAPES](seed) : generateCluster(SIZES[row as SizeName], seed);
}

/** Targets from issue 3 (ms and MiB), per size. */
const TARGETS: Partial<Record<RowName, { reachMs: number; rssMiB: number; explainMs: number; changeMs: number }>> = {
  L: { reachMs: 1000, rssMiB: 1024, explainMs: 20, changeMs: 50 },
  XL: { reachMs: 10000, rssMiB: 4096, explainMs: 50, changeMs: 500 },
};

interface RunResult {
  size: RowName;
  pods: number;
  workloads: number;
  policies: number;
  classes: number;
  behaviours: number;
  externalBlocks: number;
  workloadConnections: number;
  podConnections: number;
  generateMs: number;
  loadMs: number;
  /** analyze(): pod classes, selectors, behaviours, the class matrix. */
  analyzeMs: number;
  /** Every workload pair (and workload/external block pair) evaluated, connections counted. */
  workloadMs: number;
  /** Every pod pair counted through behaviour classes. */
  podMs: number;
  /** analyze + workload + pod: the "full reachability" of the targets. */
  reachMs: number;
  explainMs: number;
  explainWarmMs: number;
  /** withPolicyChanged + the new class matrix ready. */
  changeMs: number;
  /** Median of five further single-policy changes, each from the loaded analysis. */
  changeWarmMs: number;
  /** changeMs plus recounting every workload and pod connection on the changed analysis. */
  changeRecountMs: number;
  /** A fresh analyze of the changed inventory, for comparison with changeMs. */
  changeFreshMs: number;
  rssMiB: number;
  /** 1-minute load average when the run ended: other processes on the machine skew timings. */
  loadAvg: number;
  reference?: {
    pairsChecked: number;
    pairsTotal: number;
    portsPerPair: number;
    checkedMs: number;
    /** Measured time scaled to every pod pair (equal to checkedMs when every pair was checked). */
    estimatedMs: number;
    mismatches: number;
    /** estimatedMs / (analyzeMs + podMs). */
    ratio: number;
  };
}

function now(): number {
  return performance.now();
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The ports at which any rule's answer can change: one probe per atom is as good as every port. */
function portAtoms(inv: ReturnType<typeof loadFromTexts>['inventory']): Array<[Protocol, number]> {
  const cuts: Record<Protocol, Set<number>> = { TCP: new Set([1]), UDP: new Set([1]), SCTP: new Set([1]) };
  const named = new Map<string, Set<number>>();
  for (const p of inv.pods) for (const cp of p.ports) if (cp.name) (named.get(`${cp.protocol}/${cp.name}`) ?? named.set(`${cp.protocol}/${cp.name}`, new Set()).get(`${cp.protocol}/${cp.name}`)!).add(cp.port);
  const add = (proto: Protocol, lo: number, hi: number): void => {
    cuts[proto].add(lo);
    if (hi < 65535) cuts[proto].add(hi + 1);
  };
  for (const pol of inv.policies) {
    for (const r of [...pol.ingress, ...pol.egress]) {
      for (const pr of r.ports ?? []) {
        if (typeof pr.port === 'number') add(pr.protocol, pr.port, pr.endPort ?? pr.port);
        else if (typeof pr.port === 'string') for (const n of named.get(`${pr.protocol}/${pr.port}`) ?? []) add(pr.protocol, n, n);
      }
    }
  }
  return PROTOCOLS.flatMap((proto) => [...cuts[proto]].sort((a, b) => a - b).map((port) => [proto, port] as [Protocol, number]));
}

async function child(size: RowName, seed: number, withReference: boolean): Promise<RunResult> {
  let t = now();
  const g = rowCluster(size, seed);
  const generateMs = now() - t;
  gc();

  t = now();
  const { inventory } = loadFromTexts(g.files);
  const loadMs = now() - t;
  gc();

  t = now();
  const a = analyze(inventory);
  const m = a.matrix;
  const analyzeMs = now() - t;

  t = now();
  const workloadConnections = streamReach(a, { level: 'workload' }).count();
  const workloadMs = now() - t;

  t = now();
  const podConnections = podConnectionCount(a);
  const podMs = now() - t;

  // One explain between two workloads every generated cluster has.
  // (The other shapes: their first workloads.)
  const ns = inventory.namespaces.find((n) => n.name.endsWith('-dev'))?.name;
  const w = inventory.workloads;
  t = now();
  explain(a, ns ? `${ns}/web-0` : w[0]!.id, ns ? `${ns}/api-1` : w[1]!.id);
  const explainMs = now() - t;
  t = now();
  explain(a, ns ? `${ns}/worker-2` : w[2]!.id, ns ? `${ns}/db-3` : w[3]!.id);
  const explainWarmMs = now() - t;

  // One policy changes: an api's ingress also admits TCP 8443. The first change is timed cold; then
  // five other policies change one at a time from the same analysis, as a server would see them.
  const widen = (p: NetworkPolicy): NetworkPolicy => ({
    ...p,
    ingress: p.ingress.map((r) => ({ ...r, ports: r.ports === null ? null : [...r.ports, { protocol: 'TCP' as const, port: 8443, source: r.source }] })),
  });
  const targets = inventory.policies.filter((p) => p.name.startsWith('allow-web-to-api'));
  if (targets.length === 0 && inventory.policies.length > 0) targets.push(inventory.policies[0]!);
  // A cluster without policies gets its first: default-deny ingress in the first workload's namespace.
  if (targets.length === 0) {
    const source = { file: 'bench', line: 1 };
    const namespace = w[0]!.namespace;
    targets.push({ id: `${namespace}/bench-deny`, namespace, name: 'bench-deny', podSelector: { matchLabels: {}, matchExpressions: [] }, isolates: { ingress: true, egress: false }, ingress: [], egress: [], source });
  }
  const changed = widen(targets[0]!);
  gc();
  t = now();
  const a2 = a.withPolicyChanged(changed);
  void a2.matrix;
  const changeMs = now() - t;
  const warm: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const p = widen(targets[(i * 7919) % targets.length]!);
    t = now();
    void a.withPolicyChanged(p).matrix;
    warm.push(now() - t);
  }
  const changeWarmMs = median(warm);
  t = now();
  streamReach(a2, { level: 'workload' }).count();
  podConnectionCount(a2);
  const changeRecountMs = changeMs + (now() - t);
  t = now();
  void analyze(a2.inventory).matrix;
  const changeFreshMs = now() - t;

  let reference: RunResult['reference'];
  if (withReference) {
    const { Oracle } = (await import(new URL('../test/oracle/reference.js', import.meta.url).href)) as {
      Oracle: new (inv: typeof inventory) => { allowed(s: Pod, d: Pod, p: Protocol, port: number): boolean };
    };
    const oracle = new Oracle(inventory);
    const atoms = portAtoms(inventory);
    const pods = inventory.pods;
    const total = pods.length * (pods.length - 1);
    const budgetMs = 15_000;
    let checked = 0;
    let mismatches = 0;
    let x = seed >>> 0;
    const rand = (n: number): number => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x % n;
    };
    const exhaustive = total <= 20_000;
    t = now();
    for (let i = 0; exhaustive ? i < total : now() - t < budgetMs; i++) {
      let s: number;
      let d: number;
      if (exhaustive) {
        s = Math.floor(i / (pods.length - 1));
        d = i % (pods.length - 1);
        if (d >= s) d++;
      } else {
        s = rand(pods.length);
        d = rand(pods.length - 1);
        if (d >= s) d++;
      }
      const src = pods[s]!;
      const dst = pods[d]!;
      const got = a.allowedPorts(src.id, dst.id);
      for (const [proto, port] of atoms) if (oracle.allowed(src, dst, proto, port) !== got.has(proto, port)) mismatches++;
      checked++;
    }
    const checkedMs = now() - t;
    const estimatedMs = (checkedMs / checked) * total;
    reference = { pairsChecked: checked, pairsTotal: total, portsPerPair: atoms.length, checkedMs, estimatedMs, mismatches, ratio: estimatedMs / (analyzeMs + podMs) };
  }

  return {
    size,
    pods: inventory.pods.length,
    workloads: inventory.workloads.length,
    policies: inventory.policies.length,
    classes: a.layer.classes.length,
    behaviours: m.size,
    externalBlocks: m.blocks.length,
    workloadConnections,
    podConnections,
    generateMs,
    loadMs,
    analyzeMs,
    workloadMs,
    podMs,
    reachMs: analyzeMs + workloadMs + podMs,
    explainMs,
    explainWarmMs,
    changeMs,
    changeWarmMs,
    changeRecountMs,
    changeFreshMs,
    rssMiB: process.resourceUsage().maxRSS / 1024,
    loadAvg: loadavg()[0]!,
    ...(reference ? { reference } : {}),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function fmt(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** What `--help` prints: the modes (without it, an unknown option runs the whole default bench and rewrites bench/results.json). */
const USAGE = `usage: node --expose-gc dist/bench/run.js [mode] [options]   (npm run bench -- ...)
  (no mode)    the engine rows: --sizes S,M,L,XL,... --runs N --seed N; writes bench/results.json
  --commands   whole CLI commands as child processes (bench/commands.ts): --sizes L,XL,XXL --runs N --timeout S
               --heap MiB --keep --results FILE --print; rows include reach -o json of the cluster with the AWS_S
               estate, 10 of its app interfaces tagged as nodes (the cross-layer section); writes bench/results-commands.json
  --aws        the AWS rows (bench/aws.ts): --sizes AWS_S,AWS_L --runs N; writes bench/results-aws.json
  --store      the store rows (bench/store.ts): --sizes L,XL
  --lab        the network-namespace lab (root, nftables, iproute2; bench/lab.ts)
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (process.argv.includes('--lab')) {
    await labBenchMain();
    return;
  }
  if (process.argv.includes('--aws')) {
    awsBenchMain(arg);
    return;
  }
  if (process.argv.includes('--commands')) {
    commandsBenchMain(arg);
    return;
  }
  if (process.argv.includes('--store')) {
    await storeBenchMain((arg('sizes') ?? 'L,XL').split(',') as SizeName[], arg('store-child'));
    return;
  }
  const childSize = arg('child');
  const seed = Number(arg('seed') ?? 1);
  if (childSize) {
    const r = await child(childSize as RowName, seed, arg('reference') === '1');
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const sizes = (arg('sizes') ?? 'S,M,L,XL,NOPOL,IPBLOCKS').split(',').map((s) => s.trim().toUpperCase()) as RowName[];
  for (const s of sizes) if (!(s in SIZES) && !(s in SHAPES)) throw new Error(`unknown size ${s}: choose from ${[...Object.keys(SIZES), ...Object.keys(SHAPES)].join(',')}`);
  const refSizes = new Set((arg('reference-sizes') ?? 'S,M,L').split(','));
  // The last figures, read before this run overwrites them: each figure is printed with its ratio to them.
  const out = new URL('../../bench/results.json', import.meta.url);
  let previous: Record<string, { date?: string; median?: Record<string, number> }> = {};
  try {
    const old = JSON.parse(readFileSync(out, 'utf8')) as { seed?: unknown; date?: string; results?: Record<string, { date?: string; median?: Record<string, number> }> };
    if (old.seed === seed && old.results) {
      previous = Object.fromEntries(Object.entries(old.results).map(([k, v]) => [k, { date: old.date, ...v }]));
    }
  } catch {
    // no earlier results, or unreadable: start afresh
  }
  const script = fileURLToPath(import.meta.url);
  const results: Record<string, { runs: RunResult[]; median: Record<string, number> }> = {};
  for (const size of sizes) {
    const runs: RunResult[] = [];
    const n = Number(arg('runs') ?? (SIZES[size as SizeName] >= 100_000 || size in SHAPES ? 3 : 5));
    for (let i = 0; i < n; i++) {
      // The reference is slow and deterministic enough: run it once per size.
      const withRef = refSizes.has(size) && i === 0;
      const p = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, '--child', size, '--seed', String(seed), '--reference', withRef ? '1' : '0'], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (p.status !== 0) throw new Error(`bench child ${size} failed:\n${p.stderr}`);
      runs.push(JSON.parse(p.stdout.trim().split('\n').pop()!) as RunResult);
      process.stderr.write(`${size} run ${i + 1}/${n}: reach ${fmt(runs[runs.length - 1]!.reachMs)}\n`);
    }
    const keys = ['loadMs', 'analyzeMs', 'workloadMs', 'podMs', 'reachMs', 'explainMs', 'explainWarmMs', 'changeMs', 'changeWarmMs', 'changeRecountMs', 'changeFreshMs', 'rssMiB', 'loadAvg'] as const;
    const med: Record<string, number> = {};
    for (const k of keys) med[k] = median(runs.map((r) => r[k]));
    results[size] = { runs, median: med };
  }

  const rows: string[][] = [['size', 'pods', 'policies', 'classes', 'behav.', 'load', 'analyze', 'workload', 'pod', 'reach total', 'target', 'peak RSS', 'target', 'explain', 'target', 'change', 'next 5', 'target', 'change+recount', 'fresh', 'reference (est.)', 'ratio', 'load avg']];
  for (const size of sizes) {
    const { runs, median: md } = results[size]!;
    const r0 = runs[0]!;
    const tg = TARGETS[size];
    const ref = runs.find((r) => r.reference)?.reference;
    const before = previous[size]?.median;
    // A figure and its ratio to the last run's median of the same size.
    const f = (k: string): string => `${k === 'rssMiB' ? `${md[k]!.toFixed(0)} MiB` : fmt(md[k]!)}${ratio(md[k], before?.[k])}`;
    rows.push([
      size,
      String(r0.pods),
      String(r0.policies),
      String(r0.classes),
      String(r0.behaviours),
      f('loadMs'),
      f('analyzeMs'),
      f('workloadMs'),
      f('podMs'),
      f('reachMs'),
      tg ? `≤ ${fmt(tg.reachMs)}` : '',
      f('rssMiB'),
      tg ? `≤ ${tg.rssMiB} MiB` : '',
      f('explainMs'),
      tg ? `≤ ${fmt(tg.explainMs)}` : '',
      f('changeMs'),
      f('changeWarmMs'),
      tg ? `≤ ${fmt(tg.changeMs)}` : '',
      f('changeRecountMs'),
      f('changeFreshMs'),
      ref ? `${fmt(ref.estimatedMs)}${ref.pairsChecked < ref.pairsTotal ? ` (${ref.pairsChecked} of ${ref.pairsTotal} pairs)` : ''}${ref.mismatches ? ` ${ref.mismatches} MISMATCHES` : ''}` : '',
      ref ? `${ref.ratio.toFixed(0)}x` : '',
      md['loadAvg']!.toFixed(1),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  process.stdout.write(`${table}\n`);
  process.stdout.write(
    'reach total = analyze + workload level (every workload pair decided, counted through behaviour rows) + pod level (every pod pair counted on classes); medians of the runs.\n' +
      'change = withPolicyChanged + the new class matrix, first call (cold); next 5 = median of five more policy changes; change+recount adds recounting every workload and pod connection; fresh = analyze of the changed inventory from scratch.\n' +
      'reference = test/oracle/reference.ts, pod pair by pod pair at one port per port atom, timed on a sample and scaled to all pairs; ratio = reference / (analyze + pod).\n' +
      'N.NN× beside a figure: its ratio to the median of the same size in the previous bench/results.json (above 1 is slower).\n',
  );
  // A partial run (--sizes S) replaces only its sizes: the others keep their last figures, each with its date.
  const date = new Date().toISOString();
  const merged = { ...previous, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { date, ...v }])) };
  writeFileSync(out, `${JSON.stringify({ date, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), seed, results: merged }, null, 2)}\n`);
  process.stdout.write(`written ${fileURLToPath(out)}\n`);
}

await main();
