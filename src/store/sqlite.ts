/**
 * The embedded store: SQLite through libsql, better-sqlite3's API (synchronous, wrapped in the async
 * connection). libsql ships its native binary inside a registry package; better-sqlite3 compiles SQLite
 * from source wherever its prebuilt download cannot be fetched, 90 s of every clean install here.
 */
import Database from 'libsql';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Mutex } from './mutex.js';
import type { Row, SqlConnection } from './sql.js';

const LOCK_WAIT_MS = 60_000;
const BUSY_MS = 10_000;

/** BEGIN IMMEDIATE, retried while another connection holds the write lock. */
async function begin(db: Database.Database): Promise<void> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    // A synchronous busy wait here would block the event loop, and with it a writer of this very process
    // that holds the lock across an await: retry asynchronously instead.
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > until) throw e;
    } finally {
      db.pragma(`busy_timeout = ${BUSY_MS}`);
    }
    await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
  }
}

/** Opens (creating it and its folder when absent) a SQLite database file; `:memory:` for tests. */
export function sqliteConnection(path: string): SqlConnection {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // Reads and the pragmas wait (synchronously) for another process's write to end; taking the write lock
  // does not (begin, below).
  const db = new Database(path, { timeout: BUSY_MS });
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const mutex = new Mutex();
  const all = async (sql: string, params: readonly unknown[] = []): Promise<Row[]> => {
    const st = db.prepare(sql);
    if (st.reader) return st.all(...params) as Row[];
    st.run(...params);
    return [];
  };
  return {
    dialect: 'sqlite',
    all,
    exec: async (sql) => void db.exec(sql),
    locked: (fn) =>
      mutex.run(async () => {
        // IMMEDIATE takes the write lock now, so two processes cannot both read "latest" and then both insert.
        await begin(db);
        try {
          const r = await fn();
          db.exec('COMMIT');
          return r;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    close: async () => void db.close(),
  };
}
