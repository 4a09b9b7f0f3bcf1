/** The team store: PostgreSQL through pg, one connection, writers serialised by an advisory lock. */
import pg from 'pg';
import { Mutex } from './mutex.js';
import type { Row, SqlConnection } from './sql.js';

/** An arbitrary constant naming Bulkhead's advisory lock. */
const LOCK_KEY = 0x42_756c_6b;

function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Connects to a PostgreSQL URL (postgres://user:pass@host:port/db). */
export async function postgresConnection(url: string): Promise<SqlConnection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Notices (e.g. "relation already exists, skipping") are not the user's concern.
  client.on('notice', () => undefined);
  const mutex = new Mutex();
  return {
    dialect: 'postgres',
    all: async (sql, params = []) => (await client.query(numbered(sql), [...params])).rows as Row[],
    exec: async (sql) => void (await client.query(sql)),
    locked: (fn) =>
      mutex.run(async () => {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
          const r = await fn();
          await client.query('COMMIT');
          return r;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }),
    close: () => client.end(),
  };
}
