/**
 * The history rows of the benchmark: `snapshot` (load, analyse, audit, pack, gzip, write to SQLite) and
 * `review` (read two snapshots back, rebuild and analyse both, diff, match flows) on generated clusters.
 *
 *   npm run bench -- --store --sizes L,XL
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCluster, SIZES, type SizeName } from './generate.js';
import { openStore } from '../src/store/index.js';
import { buildSnapshot } from '../src/store/take.js';
import { contentHash, decodePayload } from '../src/store/codec.js';
import { rebuild } from '../src/store/take.js';
import { review } from '../src/analyses/review/index.js';
import { reviewMarkdown } from '../src/reports/review/markdown.js';

export interface StoreRow {
  size: SizeName;
  pods: number;
  policies: number;
  inputMiB: number;
  snapshotMs: number;
  /** CPU time (user + system) of the snapshot: what the load of other processes does not inflate. */
  snapshotCpuMs: number;
  reviewCpuMs: number;
  writeMs: number;
  storedKiB: number;
  rawKiB: number;
  connectivityKiB: number;
  unchangedMs: number;
  reviewMs: number;
  rssMiB: number;
  loadAvg: number;
}

async function storeChild(size: SizeName): Promise<StoreRow> {
  const g = generateCluster(SIZES[size], 1);
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-bench-store-'));
  try {
    const store = await openStore(join(dir, 'b.db'));
    const cpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    let c0 = cpu();
    let t = performance.now();
    const one = buildSnapshot({ inputs: ['bench'], files: g.files }, '2026-09-01T00:00:00.000Z');
    const built = performance.now() - t;
    t = performance.now();
    await store.addSnapshot(one.record);
    const writeMs = performance.now() - t;
    const snapshotCpuMs = cpu() - c0;
    // The unchanged case: the content hash alone (what `bulkhead snapshot` checks first).
    t = performance.now();
    contentHash({ files: g.files });
    const unchangedMs = performance.now() - t;
    // A policy is added that opens the monitoring namespace to everything: the second snapshot of the period.
    const open = '\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bench-open, namespace: monitoring}\nspec:\n  podSelector: {}\n  ingress: [{}]\n';
    const files2 = g.files.map((f, i) => (i === g.files.length - 1 ? { ...f, text: `${f.text.trimEnd()}${open}` } : f));
    const two = buildSnapshot({ inputs: ['bench'], files: files2 }, '2026-10-01T00:00:00.000Z');
    await store.addSnapshot(two.record);
    t = performance.now();
    c0 = cpu();
    const metas = await store.snapshots();
    const payloads = await Promise.all(metas.map(async (m) => decodePayload((await store.payload(m.id))!, `@${m.id}`)));
    const series = metas.map((meta, i) => ({ meta, findings: payloads[i]!.findings, health: payloads[i]!.health }));
    const r = review({
      since: '2026-08-01T00:00:00.000Z',
      until: '2026-11-01T00:00:00.000Z',
      base: { ...series[0]!, rebuilt: rebuild(payloads[0]!) },
      latest: { ...series[1]!, rebuilt: rebuild(payloads[1]!) },
      series,
      flows: [],
    });
    reviewMarkdown(r, r.notes);
    const reviewMs = performance.now() - t;
    const reviewCpuMs = cpu() - c0;
    await store.close();
    const conn = one.payload.connectivity;
    return {
      size,
      pods: one.rebuilt.inventory.pods.length,
      policies: one.rebuilt.inventory.policies.length,
      inputMiB: g.files.reduce((n, f) => n + f.text.length, 0) / 2 ** 20,
      snapshotMs: built + writeMs,
      snapshotCpuMs,
      reviewCpuMs,
      writeMs,
      storedKiB: one.record.data.length / 1024,
      rawKiB: one.record.rawBytes / 1024,
      connectivityKiB: (conn.rows.length + conn.base.length + conn.podBehaviour.length) / 1024,
      unchangedMs,
      reviewMs,
      rssMiB: process.resourceUsage().maxRSS / 1024,
      loadAvg: loadavg()[0]!,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs each size in its own process and prints the table. */
export async function storeBenchMain(sizes: readonly SizeName[], childSize?: string): Promise<void> {
  if (childSize) {
    process.stdout.write(`${JSON.stringify(await storeChild(childSize as SizeName))}\n`);
    return;
  }
  const script = fileURLToPath(new URL('./run.js', import.meta.url));
  const rows: StoreRow[] = [];
  for (const size of sizes) {
    const p = spawnSync(process.execPath, ['--max-old-space-size=8192', script, '--store', '--store-child', size], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (p.status !== 0) throw new Error(`store bench ${size} failed:\n${p.stderr}`);
    rows.push(JSON.parse(p.stdout.trim().split('\n').pop()!) as StoreRow);
  }
  process.stdout.write('| size | pods / policies | input | snapshot: wall, CPU (write) | stored (raw; connectivity) | review of two snapshots: wall, CPU | peak RSS | load avg |\n|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(`| ${r.size} | ${r.pods} / ${r.policies} | ${r.inputMiB.toFixed(1)} MiB | ${(r.snapshotMs / 1000).toFixed(2)} s, ${(r.snapshotCpuMs / 1000).toFixed(2)} s (${r.writeMs.toFixed(0)} ms) | ${(r.storedKiB / 1024).toFixed(2)} MiB (${(r.rawKiB / 1024).toFixed(1)} MiB; ${(r.connectivityKiB / 1024).toFixed(2)} MiB) | ${(r.reviewMs / 1000).toFixed(2)} s, ${(r.reviewCpuMs / 1000).toFixed(2)} s | ${r.rssMiB.toFixed(0)} MiB | ${r.loadAvg.toFixed(1)} |\n`);
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}
