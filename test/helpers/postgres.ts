/**
 * A PostgreSQL server for the store tests: BULKHEAD_TEST_POSTGRES_URL when set, else a throwaway one from
 * scripts/start-test-postgres.sh (stopped and removed by stop()). When neither can be had, `skip` says why.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './run-cli.js';

export interface TestPostgres {
  readonly url?: string;
  readonly skip?: string;
  stop(): void;
}

/** Starts (or finds) a server; never throws. */
export function startTestPostgres(): TestPostgres {
  const given = process.env['BULKHEAD_TEST_POSTGRES_URL'];
  if (given) return { url: given, stop: () => undefined };
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/start-test-postgres.sh')], { encoding: 'utf8', timeout: 120_000 });
  const url = /^URL=(.*)$/m.exec(r.stdout ?? '')?.[1];
  const dir = /^DIR=(.*)$/m.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !url || !dir) return { skip: `no PostgreSQL server for the store tests: ${(r.stderr ?? '').trim() || r.error?.message || `exit ${r.status}`}`, stop: () => undefined };
  return { url, stop: () => void spawnSync('bash', [join(REPO_ROOT, 'scripts/stop-test-postgres.sh'), dir], { timeout: 60_000 }) };
}

/** A fresh database on the server, so test files do not see each other's rows. */
export async function freshDatabase(url: string, name: string): Promise<string> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
