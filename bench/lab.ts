/**
 * The lab benchmark (`npm run bench -- --lab`, root with nftables and iproute2): `bulkhead test --runner
 * lab` on the bundled example, phase by phase, and a round of 1,000 probes on its lab (targets: under a
 * minute, and under 30 s). Every probe's verdict is compared with the model's.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFromPaths } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { buildChecks } from '../src/analyses/test/cases.js';
import { modelAllows } from '../src/analyses/test/model.js';
import { runChecks } from '../src/analyses/test/run.js';
import { Lab } from '../src/lab/lab.js';
import { compileRules, LabRunner, observation, planHosts } from '../src/lab/runner.js';
import { labUnavailable } from '../src/lab/system.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LabBench {
  readonly checks: number;
  readonly hosts: number;
  readonly shopMs: number;
  readonly phases: Record<string, number>;
  readonly disagreements: number;
  readonly roundProbes: number;
  readonly roundMs: number;
  readonly roundMismatches: number;
}

/** Runs the lab benchmark; undefined (with the reason on stderr) where the lab cannot run. */
export async function labBench(): Promise<LabBench | undefined> {
  const why = labUnavailable();
  if (why) {
    process.stderr.write(`lab bench skipped: ${why}\n`);
    return undefined;
  }
  const shop = join(ROOT, 'examples/shop');
  const { inventory } = await loadFromPaths(readdirSync(shop).filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml').map((f) => join(shop, f)));
  const a = analyze(inventory);
  const intent = loadIntent(join(shop, 'bulkhead.yaml'), readFileSync(join(shop, 'bulkhead.yaml'), 'utf8'));
  const { checks } = buildChecks(a, intent);
  const phases: Record<string, number> = {};
  let t = performance.now();
  const run = await runChecks(a, checks, new LabRunner(inventory, { onPhase: (p, ms) => (phases[p] = Math.round(ms)) }));
  const shopMs = performance.now() - t;
  // 1,000 probes on one lab: the example's checks, round after round.
  const { hosts } = planHosts(inventory, checks);
  const lab = await Lab.create(hosts.map((h) => ({ key: h.key, address: h.address })));
  let roundMs = 0;
  let mismatches = 0;
  const N = 1000;
  try {
    await lab.applyRules(compileRules(inventory, hosts));
    const listen = new Map<string, Array<['TCP' | 'UDP' | 'SCTP', number]>>();
    for (const c of checks) listen.set(c.to.id, [...(listen.get(c.to.id) ?? []), [c.protocol, c.port]]);
    await lab.listen(listen);
    const round = Array.from({ length: N }, (_, i) => checks[i % checks.length]!);
    t = performance.now();
    const results = await lab.probe(round.map((c) => ({ from: c.from.id, to: c.to.id, protocol: c.protocol, port: c.port })), 1000, 64);
    roundMs = performance.now() - t;
    round.forEach((c, i) => {
      if ((observation(results[i]!).verdict === 'allow') !== modelAllows(a, c)) mismatches++;
    });
  } finally {
    lab.destroySync();
  }
  return {
    checks: checks.length,
    hosts: hosts.length,
    shopMs: Math.round(shopMs),
    phases,
    disagreements: run.summary.disagreements,
    roundProbes: N,
    roundMs: Math.round(roundMs),
    roundMismatches: mismatches,
  };
}

/** Prints the lab rows and writes bench/results-lab.json. */
export async function labBenchMain(): Promise<void> {
  const r = await labBench();
  if (!r) return;
  const rows = [
    ['lab', 'checks', 'hosts', 'total', 'target', 'build', 'rules+listen', 'probe', 'cleanup', 'model≠kernel'],
    ['shop', String(r.checks), String(r.hosts), `${(r.shopMs / 1000).toFixed(1)} s`, '< 60 s', ...['build', 'rules+listen', 'probe', 'cleanup'].map((k) => `${r.phases[k] ?? 0} ms`), String(r.disagreements)],
    [`${r.roundProbes} probes`, '', String(r.hosts), `${(r.roundMs / 1000).toFixed(1)} s`, '< 30 s', '', '', `${r.roundMs} ms`, '', String(r.roundMismatches)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  process.stdout.write(`${rows.map((x) => x.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`);
  const out = new URL('../../bench/results-lab.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...r }, null, 2)}\n`);
  process.stdout.write(`written ${fileURLToPath(out)}\n`);
}
