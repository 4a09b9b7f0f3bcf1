/**
 * The AWS rows of the benchmark (`npm run bench -- --aws [--sizes AWS_S,AWS_L] [--runs N]`): load of a
 * generated describe-* snapshot, full reach (every class pair decided and every interface pair counted), one
 * explain after load. Each run is a child process; medians are printed and kept in bench/results-aws.json.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildAwsInventory } from '../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../src/analyses/aws/reach.js';
import { AWS_SHAPES, generateAwsEstate } from './aws-generate.js';

type Shape = keyof typeof AWS_SHAPES;
const TARGETS: Partial<Record<Shape, { reachMs: number; explainMs: number }>> = { AWS_L: { reachMs: 2000, explainMs: 50 } };

interface AwsRun {
  shape: Shape; vpcs: number; enis: number; groups: number; classes: number; connections: number;
  loadMs: number; reachMs: number; reachCpuMs: number; explainMs: number; rssMiB: number; loadAvg: number;
}

function child(shape: Shape): AwsRun {
  const g = generateAwsEstate(AWS_SHAPES[shape]);
  let t = performance.now();
  const inv = buildAwsInventory(g.files);
  const a = analyseAwsInventory(inv);
  const loadMs = performance.now() - t;
  t = performance.now();
  const cpu = process.cpuUsage();
  const r = a.streamReach();
  const connections = r.count();
  const reachMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  // CPU time too: on a shared machine the wall time mostly measures the other processes.
  const reachCpuMs = (used.user + used.system) / 1000;
  t = performance.now();
  const e = a.explain(g.explain[0], g.explain[1]);
  const explainMs = performance.now() - t;
  if (!e) throw new Error(`explain ${g.explain.join(' -> ')} found no endpoints`);
  return {
    shape, vpcs: inv.vpcs.length, enis: inv.interfaces.length, groups: inv.securityGroups.length, classes: r.classes, connections,
    loadMs, reachMs, reachCpuMs, explainMs, rssMiB: process.memoryUsage().rss / 2 ** 20, loadAvg: loadavg()[0]!,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs the AWS rows (or, with --child, one run). */
export function awsBenchMain(arg: (name: string) => string | undefined): void {
  const c = arg('child');
  if (c) {
    process.stdout.write(`${JSON.stringify(child(c as Shape))}\n`);
    return;
  }
  const shapes = (arg('sizes') ?? 'AWS_S,AWS_L').split(',') as Shape[];
  for (const s of shapes) if (!(s in AWS_SHAPES)) throw new Error(`unknown AWS size ${s}: choose from ${Object.keys(AWS_SHAPES).join(',')}`);
  const runs = Number(arg('runs') ?? 3);
  const script = fileURLToPath(new URL('./run.js', import.meta.url));
  const results: Record<string, { runs: AwsRun[]; median: Record<string, number> }> = {};
  const lines = ['size    VPCs  ENIs    groups  classes  connections  load      reach (target)        reach CPU  explain (target)   RSS      load avg'];
  for (const s of shapes) {
    const rs: AwsRun[] = [];
    for (let i = 0; i < runs; i++) {
      const p = spawnSync(process.execPath, ['--expose-gc', script, '--aws', '--child', s], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (p.status !== 0) throw new Error(`bench child ${s} failed:\n${p.stderr}`);
      rs.push(JSON.parse(p.stdout.trim().split('\n').pop()!) as AwsRun);
    }
    const med = Object.fromEntries((['loadMs', 'reachMs', 'reachCpuMs', 'explainMs', 'rssMiB', 'loadAvg'] as const).map((k) => [k, median(rs.map((r) => r[k]))]));
    results[s] = { runs: rs, median: med };
    const r0 = rs[0]!;
    const tg = TARGETS[s];
    lines.push([
      s.padEnd(7), String(r0.vpcs).padEnd(5), String(r0.enis).padEnd(7), String(r0.groups).padEnd(7), String(r0.classes).padEnd(8), String(r0.connections).padEnd(12),
      `${med['loadMs']!.toFixed(0)} ms`.padEnd(9), `${med['reachMs']!.toFixed(0)} ms${tg ? ` (≤ ${tg.reachMs} ms)` : ''}`.padEnd(21),
      `${med['reachCpuMs']!.toFixed(0)} ms`.padEnd(10), `${med['explainMs']!.toFixed(2)} ms${tg ? ` (≤ ${tg.explainMs} ms)` : ''}`.padEnd(18), `${med['rssMiB']!.toFixed(0)} MiB`.padEnd(8), med['loadAvg']!.toFixed(1),
    ].join(' '));
  }
  process.stdout.write(`${lines.join('\n')}\nreach = every class pair decided and every interface pair counted (not listed); reach CPU = the process's CPU time for it (GC threads included); explain = one path after load; medians of ${runs} runs.\n`);
  writeFileSync(new URL('../../bench/results-aws.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, results }, null, 2)}\n`);
}
