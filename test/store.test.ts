/** The store on SQLite (always available): the contract, a newer schema refused, the CLI commands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { openStore } from '../src/store/index.js';
import { storeContract } from './store/contract.js';
import { storeCliTests } from './store/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-store-'));
const db = join(dir, 'sub', 'bulkhead.db');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', () => openStore(db), async () => rmSync(join(dir, 'sub'), { recursive: true, force: true }));

test('sqlite: a store written by a newer Bulkhead is refused, naming it', async () => {
  const p = join(dir, 'newer.db');
  (await openStore(p)).close();
  const raw = new Database(p);
  raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
  raw.close();
  await assert.rejects(openStore(p), /schema version 999, newer than this Bulkhead knows/);
});

storeCliTests('sqlite', async () => join(mkdtempSync(join(dir, 'cli-')), 'h.db'));
