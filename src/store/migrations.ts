/**
 * The store's schema as numbered migrations, one SQL text for both dialects. `{id}` and `{bytes}` are the
 * only dialect words (an autoincrement key, a binary column); times are ISO-8601 UTC text, which sorts
 * the same in SQLite and PostgreSQL.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'snapshots, payload blobs, flows, reviews',
    sql: `
CREATE TABLE blobs (
  hash TEXT PRIMARY KEY,
  data {bytes} NOT NULL,
  raw_bytes INTEGER NOT NULL
);
CREATE TABLE snapshots (
  id {id},
  taken_at TEXT NOT NULL,
  label TEXT,
  hash TEXT NOT NULL REFERENCES blobs(hash),
  summary TEXT NOT NULL
);
CREATE INDEX snapshots_taken_at ON snapshots(taken_at);
CREATE TABLE flows (
  id {id},
  hash TEXT NOT NULL UNIQUE,
  start_at TEXT NOT NULL,
  end_at TEXT NOT NULL,
  source TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX flows_start_at ON flows(start_at);
CREATE TABLE reviews (
  id {id},
  taken_at TEXT NOT NULL,
  snapshot_id INTEGER NOT NULL,
  summary TEXT NOT NULL
);
`,
  },
];

/** The migration's SQL in one dialect. */
export function dialectSql(sql: string, d: Dialect): string {
  return sql
    .replaceAll('{id}', d === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY')
    .replaceAll('{bytes}', d === 'sqlite' ? 'BLOB' : 'BYTEA');
}

/** The statements of a migration, split on semicolons that end a line. */
export function statements(sql: string): string[] {
  return sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
