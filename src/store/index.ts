/**
 * The history store: snapshots, observed flows and reviews. SQLite at `.bulkhead/bulkhead.db` by default,
 * PostgreSQL with `--db postgres://…` or BULKHEAD_DB; the same schema, migrated on open.
 */
import { UserError } from '../util/errors.js';
import { migrate, SqlStore } from './sql.js';

export type { Store, SnapshotMeta, SnapshotSummary, NewSnapshot, StoredFlow, ReviewRecord } from './types.js';
export { SqlStore } from './sql.js';

/** The default SQLite file, beside the intent (or in the working directory). */
export const DEFAULT_DB = '.bulkhead/bulkhead.db';

function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** A URL without its password, for messages. */
export function redact(spec: string): string {
  if (!isPostgresUrl(spec)) return spec;
  try {
    const u = new URL(spec);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens the store named by `spec` (a file path or a postgres:// URL), applying pending migrations. */
export async function openStore(spec: string): Promise<SqlStore> {
  const where = redact(spec);
  let conn;
  try {
    // The drivers load only when a store is opened: most commands never touch one.
    conn = isPostgresUrl(spec) ? await (await import('./postgres.js')).postgresConnection(spec) : (await import('./sqlite.js')).sqliteConnection(spec);
  } catch (e) {
    throw new UserError(`cannot open the store ${where}: ${(e as Error).message}`, isPostgresUrl(spec) ? 'check the URL, that the server runs and accepts this user' : 'check the path is writable');
  }
  const store = new SqlStore(conn, where);
  try {
    await migrate(conn, where);
  } catch (e) {
    await conn.close().catch(() => undefined);
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot prepare the store ${where}: ${(e as Error).message}`);
  }
  return store;
}
