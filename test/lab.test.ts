// The lab against the model with real packets: the upstream e2e truth tables and the bundled example,
// every probe's kernel verdict equal to the model's; and a lab run killed mid-way leaves nothing behind
// once `--lab-cleanup` ran (SIGKILL), or cleans up after itself (SIGTERM).
// Needs root, nftables and iproute2: without them every test here skips, printing why.
// Other lab runs may go on at the same time (another test process, another checkout's suite): each run's
// names are its own (a claimed run id), and the listings here look only at what this file's runs made.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFromTexts, loadFromPaths } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { buildChecks } from '../src/analyses/test/cases.js';
import { runChecks } from '../src/analyses/test/run.js';
import { Lab, type Probe } from '../src/lab/lab.js';
import { compileRules, LabRunner, observation } from '../src/lab/runner.js';
import { claimRunState, labUnavailable, listNamespaces, removeRunState, stateDir } from '../src/lab/system.js';
import type { LabHost } from '../src/lab/tier.js';
import { asYaml11, cases, clusterYaml, POD_IDS } from './helpers/e2e-cases.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const why = labUnavailable();
if (why) process.stdout.write(`# lab tests skipped: ${why}\n`);
const opts = why ? { skip: why } : {};
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function nftTables(): string {
  return spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid a lab run's state file names, or NaN. */
function runPid(runId: string): number {
  try {
    return Number(readFileSync(join(stateDir(), runId), 'utf8').trim());
  } catch {
    return NaN;
  }
}

/** Lab namespaces that were not there `before` and belong to no run of another live process: what this file's runs left. */
function leftBehind(before: ReadonlySet<string>): string[] {
  return listNamespaces().filter((n) => {
    if (!n.startsWith('bh-') || before.has(n)) return false;
    const pid = runPid(n.slice(3, 9));
    return !(Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid));
  });
}

test('lab run ids: a run id is claimed atomically, so a second run cannot take it until it is released', () => {
  const saved = process.env.BULKHEAD_LAB_STATE;
  process.env.BULKHEAD_LAB_STATE = mkdtempSync(join(tmpdir(), 'bulkhead-lab-state-'));
  try {
    assert.equal(claimRunState('abc123'), true);
    assert.equal(claimRunState('abc123'), false, 'taken by the first claim');
    assert.equal(runPid('abc123'), process.pid);
    assert.equal(claimRunState('abc124'), true, 'another id is free');
    removeRunState('abc123');
    assert.equal(claimRunState('abc123'), true, 'free again once released');
  } finally {
    if (saved === undefined) delete process.env.BULKHEAD_LAB_STATE;
    else process.env.BULKHEAD_LAB_STATE = saved;
  }
});

test('lab: the upstream e2e truth tables, kernel = model = upstream on every probe', opts, async () => {
  const first = cases[0]!;
  const hosts = POD_IDS.map((id) => ({ key: id, address: first.podIPs[id]! }));
  for (const c of cases) assert.deepEqual(c.podIPs, first.podIPs, `${c.id}: the lab is built once for the same pod addresses`);
  const lab = await Lab.create(hosts);
  let probes = 0;
  const mismatches: string[] = [];
  const t0 = performance.now();
  try {
    const ports = new Map(POD_IDS.map((id) => [id, [80, 81].flatMap((p) => [['TCP', p] as const, ['UDP', p] as const])]));
    assert.deepEqual(await lab.listen(ports), []);
    for (const c of cases) {
      for (const [k, step] of c.steps.entries()) {
        const { inventory } = loadFromTexts([
          { path: `e2e/${c.id}/step-${k + 1}/cluster.yaml`, text: clusterYaml(c, step) },
          { path: `e2e/${c.id}/step-${k + 1}/policies.yaml`, text: asYaml11(step.policiesYaml) },
        ]);
        const a = analyze(inventory);
        const labHosts: LabHost[] = POD_IDS.map((id) => ({ key: id, address: c.podIPs[id]!, pod: a.pod(id)!, assigned: false }));
        await lab.applyRules(compileRules(inventory, labHosts));
        const list: Array<Probe & { want: boolean }> = [];
        for (const p of step.probes) {
          for (const src of POD_IDS) for (const dst of POD_IDS) {
            const want = p.matrix[src]![dst];
            if (want === null || want === undefined) continue;
            list.push({ from: src, to: dst, protocol: p.protocol, port: p.port, want });
          }
        }
        const results = await lab.probe(list, 1000, 64);
        probes += list.length;
        list.forEach((p, i) => {
          const o = observation(results[i]!);
          const model = a.allowedPorts(p.from, p.to).has(p.protocol, p.port);
          const kernel = o.verdict === 'allow';
          if (o.verdict === 'error' || kernel !== model || kernel !== p.want) {
            mismatches.push(`${c.id} ${step.name} ${p.from}→${p.to} ${p.protocol}/${p.port}: upstream ${p.want}, model ${model}, kernel ${o.verdict}${o.detail ? ` (${o.detail})` : ''}`);
          }
        });
      }
    }
  } finally {
    lab.destroySync();
  }
  process.stdout.write(`# e2e lab: ${probes} probes in ${Math.round(performance.now() - t0)} ms\n`);
  assert.equal(probes, 3888, 'every non-self cell of the 54 upstream probes');
  assert.deepEqual(mismatches, []);
});

test('lab: the bundled example, kernel = model on every check', opts, async () => {
  const before = new Set(listNamespaces());
  const shop = join(REPO_ROOT, 'examples/shop');
  const files = readdirSync(shop).filter((f) => f.endsWith('.yaml') && f !== 'bulkhead.yaml').map((f) => join(shop, f));
  const { inventory } = await loadFromPaths(files);
  const a = analyze(inventory);
  const intent = loadIntent('examples/shop/bulkhead.yaml', readFileSync(join(shop, 'bulkhead.yaml'), 'utf8'));
  const { checks } = buildChecks(a, intent);
  const t0 = performance.now();
  const run = await runChecks(a, checks, new LabRunner(inventory));
  const ms = performance.now() - t0;
  process.stdout.write(`# shop lab: ${run.summary.probes} probes in ${Math.round(ms)} ms\n`);
  const bad = run.results.filter((r) => r.disagreement || r.observed?.verdict === 'error' || r.observed?.verdict === 'skipped');
  assert.deepEqual(bad.map((r) => `#${r.check.id} ${r.check.from.id}→${r.check.to.id} ${r.check.protocol}/${r.check.port}: ${r.reasons.join('; ')} ${r.observed?.detail ?? ''}`), []);
  assert.equal(run.summary.probes, checks.length);
  assert.ok(run.results.some((r) => r.observed?.verdict === 'allow') && run.results.some((r) => r.observed?.verdict === 'deny'), 'both verdicts observed');
  assert.ok(ms < 60_000, `the lab on the bundled example takes under a minute (${Math.round(ms)} ms)`);
  assert.deepEqual(leftBehind(before), [], 'the run removed its namespaces');
});

test('lab: corners the e2e tables miss (egress named ports, endPort, ipBlock excepts, hostNetwork, pods without addresses), kernel = model', opts, async () => {
  const dir = join(REPO_ROOT, 'test/fixtures/lab');
  const { inventory } = await loadFromPaths([join(dir, 'cluster.yaml')]);
  const a = analyze(inventory);
  const intent = loadIntent(join(dir, 'bulkhead.yaml'));
  const { checks } = buildChecks(a, intent);
  const run = await runChecks(a, checks, new LabRunner(inventory));
  const bad = run.results.filter((r) => r.disagreement || r.observed?.verdict === 'error' || r.observed?.verdict === 'skipped');
  assert.deepEqual(bad.map((r) => `#${r.check.id} ${r.check.from.id}→${r.check.to.id} ${r.check.protocol}/${r.check.port}: ${r.reasons.join('; ')} ${r.observed?.detail ?? ''}`), []);
  assert.ok(run.results.some((r) => r.check.protocol === 'UDP' && r.observed?.verdict === 'allow'), 'UDP allowed somewhere');
  assert.ok(run.results.some((r) => r.check.protocol === 'UDP' && r.observed?.verdict === 'deny'), 'UDP denied somewhere');
  // The written tests state the semantics; the kernel meets every one.
  assert.ok(run.results.filter((r) => r.check.origin.kind === 'test').every((r) => r.status === 'pass'));
});

test('lab: --max-probes bounds the probes, the rest are reported as not probed', opts, () => {
  const r = runCli(['test', 'test/fixtures/lab', '--runner', 'lab', '--max-probes', '5', '-o', 'json', '-q']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.summary.probes, 5);
  assert.equal(doc.summary.skipped, doc.summary.checks - 5);
  assert.ok(doc.results.filter((x: { observedDetail?: string }) => x.observedDetail === 'beyond --max-probes 5').length === doc.summary.checks - 5);
});

/** Starts a lab run of the CLI and resolves once its namespaces exist, with its run's namespace prefix. */
async function startRun(): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<number | null>; prefix: string }> {
  const before = new Set(listNamespaces());
  const child = spawn(process.execPath, [MAIN, 'test', 'examples/shop', '--runner', 'lab', '-q'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  for (let i = 0; i < 400; i++) {
    // The agents start last: once one runs, the namespaces and links are all there. The run is the child's
    // by its state file (another lab run may start meanwhile).
    const fresh = listNamespaces().filter((n) => n.startsWith('bh-') && !before.has(n) && runPid(n.slice(3, 9)) === child.pid);
    const host = fresh.find((n) => n.endsWith('-h0'));
    if (host && spawnSync('ip', ['netns', 'pids', host], { encoding: 'utf8' }).stdout.trim()) return { child, exited, prefix: host.slice(0, 10) };
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error('the lab run never created its namespaces');
}

test('lab: a run killed with SIGKILL is removed by --lab-cleanup, leaving namespaces and tables as they were', opts, async () => {
  const netns = new Set(listNamespaces());
  const tables = nftTables();
  const { child, exited, prefix } = await startRun();
  child.kill('SIGKILL');
  await exited;
  const left = listNamespaces().filter((n) => n.startsWith(prefix));
  assert.ok(left.length > 1, 'the killed run left its namespaces');
  const r = runCli(['test', '--lab-cleanup']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed \d+ lab namespace/);
  for (const n of left) assert.ok(r.stdout.includes(n), `${n} is reported removed`);
  assert.deepEqual(leftBehind(netns), []);
  assert.equal(nftTables(), tables);
  assert.ok(!runCli(['test', '--lab-cleanup']).stdout.includes(prefix), 'nothing of that run is left to remove');
});

test('lab: a run sent SIGTERM cleans up after itself', opts, async () => {
  const netns = new Set(listNamespaces());
  const tables = nftTables();
  const { child, exited, prefix } = await startRun();
  child.kill('SIGTERM');
  assert.equal(await exited, 143);
  assert.deepEqual(listNamespaces().filter((n) => n.startsWith(prefix)), []);
  assert.deepEqual(leftBehind(netns), []);
  assert.equal(nftTables(), tables);
});
