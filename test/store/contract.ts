/** The store's behaviour, run on SQLite and on PostgreSQL alike (store.test.ts, store-postgres.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SqlStore } from '../../src/store/index.js';
import { buildSnapshot, rebuild, type SnapshotInputs } from '../../src/store/take.js';
import { decodePayload } from '../../src/store/codec.js';
import { LATEST_VERSION } from '../../src/store/migrations.js';
import { readInputs } from '../../src/sources/input-files.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

async function shopInputs(edit?: (path: string, text: string) => string): Promise<SnapshotInputs> {
  const files = await readInputs([join(REPO_ROOT, 'examples/shop')]);
  return { inputs: ['examples/shop'], files: files.map((f) => ({ path: f.path, text: edit ? edit(f.path, f.text) : f.text })) };
}

const closePostgresPort = (p: string, t: string): string => (p.endsWith('prod-policies.yaml') ? t.replace('port: 5432', 'port: 5433') : t);

/** Registers the contract tests; `open` gives a new connection to the same (initially empty) store. */
export function storeContract(name: string, open: () => Promise<SqlStore>, reset: () => Promise<void>): void {
  test(`${name}: migrations are applied on open, once`, async () => {
    await reset();
    const s = await open();
    assert.equal(await s.schemaVersion(), LATEST_VERSION);
    await s.close();
    const again = await open();
    assert.equal(await again.schemaVersion(), LATEST_VERSION);
    assert.deepEqual(await again.snapshots(), []);
    await again.close();
  });

  test(`${name}: an unchanged input makes no new snapshot; a change does, and its payload rebuilds the inventory`, async () => {
    await reset();
    const s = await open();
    const a = buildSnapshot(await shopInputs(), '2026-09-01T00:00:00.000Z', 'first');
    const r1 = await s.addSnapshot(a.record);
    assert.equal(r1.created, true);
    const r2 = await s.addSnapshot(buildSnapshot(await shopInputs(), '2026-09-02T00:00:00.000Z').record);
    assert.equal(r2.created, false);
    assert.equal(r2.snapshot.id, r1.snapshot.id);
    const b = buildSnapshot(await shopInputs(closePostgresPort), '2026-09-03T00:00:00.000Z');
    const r3 = await s.addSnapshot(b.record);
    assert.equal(r3.created, true);
    assert.notEqual(r3.snapshot.hash, r1.snapshot.hash);
    // Back to the first state: a new snapshot (the history shows the revert), sharing the stored payload.
    const r4 = await s.addSnapshot(buildSnapshot(await shopInputs(), '2026-09-04T00:00:00.000Z').record);
    assert.equal(r4.created, true);
    assert.equal(r4.snapshot.hash, r1.snapshot.hash);
    const all = await s.snapshots();
    assert.deepEqual(all.map((x) => x.takenAt), ['2026-09-01T00:00:00.000Z', '2026-09-03T00:00:00.000Z', '2026-09-04T00:00:00.000Z']);
    assert.equal(all[0]!.label, 'first');
    assert.ok(all[0]!.bytes < all[0]!.rawBytes / 3, `stored ${all[0]!.bytes} of ${all[0]!.rawBytes}`);
    const p = decodePayload((await s.payload(r3.snapshot.id))!, '@3');
    const back = rebuild(p);
    assert.deepEqual(back.inventory.policies.map((x) => x.id), b.rebuilt.inventory.policies.map((x) => x.id));
    assert.deepEqual(back.inventory.pods.map((x) => x.id), b.rebuilt.inventory.pods.map((x) => x.id));
    assert.deepEqual(p.findings.map((f) => f.id), b.payload.findings.map((f) => f.id));
    await s.close();
  });

  test(`${name}: concurrent writers of the same content record it once; of different contents, each`, async () => {
    await reset();
    const [s1, s2] = [await open(), await open()];
    const rec = buildSnapshot(await shopInputs(), '2026-09-01T00:00:00.000Z').record;
    const results = await Promise.all([s1.addSnapshot(rec), s2.addSnapshot(rec), s1.addSnapshot(rec), s2.addSnapshot(rec)]);
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal((await s1.snapshots()).length, 1);
    const other = buildSnapshot(await shopInputs(closePostgresPort), '2026-09-02T00:00:00.000Z').record;
    const third = buildSnapshot(await shopInputs((p, t) => (p.endsWith('prod-policies.yaml') ? t.replace('port: 5432', 'port: 5434') : t)), '2026-09-03T00:00:00.000Z').record;
    const r = await Promise.all([s1.addSnapshot(other), s2.addSnapshot(third)]);
    assert.ok(r.every((x) => x.created));
    assert.equal((await s2.snapshots()).length, 3);
    await s1.close();
    await s2.close();
  });

  test(`${name}: retention deletes old snapshots and flows but keeps the latest snapshot`, async () => {
    await reset();
    const s = await open();
    await s.addSnapshot(buildSnapshot(await shopInputs(), '2026-01-01T00:00:00.000Z').record);
    await s.addSnapshot(buildSnapshot(await shopInputs(closePostgresPort), '2026-02-01T00:00:00.000Z').record);
    const flow = (h: string, at: string): { hash: string; startAt: string; endAt: string; source: string; record: string } => ({ hash: h, startAt: at, endAt: at, source: 'f.log:1', record: '{}' });
    assert.deepEqual(await s.addFlows([flow('a', '2026-01-01T00:00:00.000Z'), flow('b', '2026-03-01T00:00:00.000Z'), flow('a', '2026-01-01T00:00:00.000Z')]), { added: 2, duplicates: 1 });
    assert.deepEqual(await s.addFlows([flow('b', '2026-03-01T00:00:00.000Z')]), { added: 0, duplicates: 1 });
    assert.deepEqual(await s.prune('2026-06-01T00:00:00.000Z'), { snapshots: 1, flows: 2 });
    const left = await s.snapshots();
    assert.deepEqual(left.map((x) => x.takenAt), ['2026-02-01T00:00:00.000Z']);
    assert.ok(await s.payload(left[0]!.id));
    await s.close();
  });

  test(`${name}: flows are read back by time window`, async () => {
    await reset();
    const s = await open();
    await s.addFlows([
      { hash: 'x', startAt: '2026-05-01T00:00:00.000Z', endAt: '2026-05-01T00:01:00.000Z', source: 'a:1', record: '{"n":1}' },
      { hash: 'y', startAt: '2026-07-01T00:00:00.000Z', endAt: '2026-07-01T00:01:00.000Z', source: 'a:2', record: '{"n":2}' },
    ]);
    assert.deepEqual((await s.flows('2026-06-01T00:00:00.000Z')).map((f) => f.record), ['{"n":2}']);
    assert.deepEqual((await s.flows(undefined, '2026-06-01T00:00:00.000Z')).map((f) => f.record), ['{"n":1}']);
    await s.close();
  });

  test(`${name}: reviews are recorded and the last one is found`, async () => {
    await reset();
    const s = await open();
    assert.equal(await s.lastReview(), undefined);
    await s.addReview({ takenAt: '2026-03-01T00:00:00.000Z', snapshotId: 1, summary: '{"a":1}' });
    await s.addReview({ takenAt: '2026-06-01T00:00:00.000Z', snapshotId: 2, summary: '{"a":2}' });
    assert.equal((await s.lastReview())!.summary, '{"a":2}');
    await s.close();
  });
}
