/**
 * The one store implementation, over a minimal SQL connection that SQLite and PostgreSQL both provide.
 * Queries are written once with `?` placeholders; writers serialise on the database's own lock
 * (BEGIN IMMEDIATE in SQLite, an advisory transaction lock in PostgreSQL), so concurrent `snapshot` runs
 * against one database neither lose a snapshot nor record the same content twice in a row.
 */
import { UserError } from '../util/errors.js';
import { dialectSql, LATEST_VERSION, MIGRATIONS, statements, type Dialect } from './migrations.js';
import type { NewSnapshot, ReviewRecord, SnapshotMeta, SnapshotSummary, Store, StoredFlow } from './types.js';

export type Row = Record<string, unknown>;

/** What a dialect offers: queries, and a transaction holding the database's write lock. */
export interface SqlConnection {
  readonly dialect: Dialect;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  exec(sql: string): Promise<void>;
  /** Runs fn in a transaction that excludes every other writer until it ends. */
  locked<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

function metaOf(r: Row): SnapshotMeta {
  return {
    id: num(r['id']),
    takenAt: String(r['taken_at']),
    ...(r['label'] != null ? { label: String(r['label']) } : {}),
    hash: String(r['hash']),
    summary: JSON.parse(String(r['summary'])) as SnapshotSummary,
    bytes: num(r['bytes']),
    rawBytes: num(r['raw_bytes']),
  };
}

const META = 'SELECT s.id, s.taken_at, s.label, s.hash, s.summary, b.raw_bytes, LENGTH(b.data) AS bytes FROM snapshots s JOIN blobs b ON b.hash = s.hash';

/** Brings the schema to the latest version; refuses a database written by a newer Bulkhead. */
export async function migrate(c: SqlConnection, where: string): Promise<void> {
  await c.locked(async () => {
    await c.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await c.all('SELECT version FROM schema_migrations')).map((r) => num(r['version'])));
    const newest = Math.max(0, ...done);
    if (newest > LATEST_VERSION) {
      throw new UserError(`the store ${where} has schema version ${newest}, newer than this Bulkhead knows (${LATEST_VERSION})`, 'upgrade Bulkhead, or use another --db');
    }
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const s of statements(dialectSql(m.sql, c.dialect))) await c.exec(s);
      await c.all('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
    }
  });
}

/** A Store over any SqlConnection. */
export class SqlStore implements Store {
  constructor(
    private readonly c: SqlConnection,
    readonly location: string,
  ) {}

  get dialect(): Dialect {
    return this.c.dialect;
  }

  async addSnapshot(s: NewSnapshot): Promise<{ snapshot: SnapshotMeta; created: boolean }> {
    return this.c.locked(async () => {
      const latest = (await this.c.all(`${META} ORDER BY s.taken_at DESC, s.id DESC LIMIT 1`))[0];
      // Unchanged since the latest snapshot: nothing new to record (a label given now is not lost: it is kept only on new content).
      if (latest && String(latest['hash']) === s.hash) return { snapshot: metaOf(latest), created: false };
      const existing = await this.c.all('SELECT hash FROM blobs WHERE hash = ?', [s.hash]);
      if (existing.length === 0) await this.c.all('INSERT INTO blobs (hash, data, raw_bytes) VALUES (?, ?, ?)', [s.hash, s.data, s.rawBytes]);
      const id = num((await this.c.all('INSERT INTO snapshots (taken_at, label, hash, summary) VALUES (?, ?, ?, ?) RETURNING id', [s.takenAt, s.label ?? null, s.hash, JSON.stringify(s.summary)]))[0]!['id']);
      const row = (await this.c.all(`${META} WHERE s.id = ?`, [id]))[0]!;
      return { snapshot: metaOf(row), created: true };
    });
  }

  async snapshots(): Promise<SnapshotMeta[]> {
    return (await this.c.all(`${META} ORDER BY s.taken_at, s.id`)).map(metaOf);
  }

  async payload(id: number): Promise<Buffer | undefined> {
    const r = (await this.c.all('SELECT b.data FROM snapshots s JOIN blobs b ON b.hash = s.hash WHERE s.id = ?', [id]))[0];
    if (!r) return undefined;
    const d = r['data'];
    return Buffer.isBuffer(d) ? d : Buffer.from(d as Uint8Array);
  }

  async prune(before: string): Promise<{ snapshots: number; flows: number }> {
    return this.c.locked(async () => {
      const latest = (await this.c.all('SELECT id FROM snapshots ORDER BY taken_at DESC, id DESC LIMIT 1'))[0];
      const keep = latest ? num(latest['id']) : -1;
      const gone = await this.c.all('DELETE FROM snapshots WHERE taken_at < ? AND id <> ? RETURNING id', [before, keep]);
      await this.c.all('DELETE FROM blobs WHERE hash NOT IN (SELECT hash FROM snapshots) RETURNING hash');
      const flows = await this.c.all('DELETE FROM flows WHERE end_at < ? RETURNING id', [before]);
      return { snapshots: gone.length, flows: flows.length };
    });
  }

  async addFlows(flows: readonly StoredFlow[]): Promise<{ added: number; duplicates: number }> {
    return this.c.locked(async () => {
      let added = 0;
      for (const f of flows) {
        const r = await this.c.all('INSERT INTO flows (hash, start_at, end_at, source, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING RETURNING id', [f.hash, f.startAt, f.endAt, f.source, f.record]);
        added += r.length;
      }
      return { added, duplicates: flows.length - added };
    });
  }

  async flows(from?: string, to?: string): Promise<StoredFlow[]> {
    const rows = await this.c.all('SELECT hash, start_at, end_at, source, record FROM flows WHERE end_at >= ? AND start_at <= ? ORDER BY start_at, id', [from ?? '', to ?? '9999']);
    return rows.map((r) => ({ hash: String(r['hash']), startAt: String(r['start_at']), endAt: String(r['end_at']), source: String(r['source']), record: String(r['record']) }));
  }

  async addReview(r: Omit<ReviewRecord, 'id'>): Promise<number> {
    return this.c.locked(async () => num((await this.c.all('INSERT INTO reviews (taken_at, snapshot_id, summary) VALUES (?, ?, ?) RETURNING id', [r.takenAt, r.snapshotId, r.summary]))[0]!['id']));
  }

  async lastReview(): Promise<ReviewRecord | undefined> {
    const r = (await this.c.all('SELECT id, taken_at, snapshot_id, summary FROM reviews ORDER BY taken_at DESC, id DESC LIMIT 1'))[0];
    return r ? { id: num(r['id']), takenAt: String(r['taken_at']), snapshotId: num(r['snapshot_id']), summary: String(r['summary']) } : undefined;
  }

  async schemaVersion(): Promise<number> {
    return Math.max(0, ...(await this.c.all('SELECT version FROM schema_migrations')).map((r) => num(r['version'])));
  }

  close(): Promise<void> {
    return this.c.close();
  }
}
