/** The store on a real PostgreSQL server (scripts/start-test-postgres.sh), or skipped saying why. */
import { after, before, test } from 'node:test';
import { openStore } from '../src/store/index.js';
import { freshDatabase, startTestPostgres, type TestPostgres } from './helpers/postgres.js';
import { storeContract } from './store/contract.js';
import { storeCliTests } from './store/cli.js';

const server: TestPostgres = startTestPostgres();
let counter = 0;
let current = '';

if (server.skip) {
  test('postgres store', { skip: server.skip }, () => undefined);
  process.stdout.write(`# skipped: ${server.skip}\n`);
} else {
  before(async () => void (current = await freshDatabase(server.url!, 'bulkhead_contract')));
  after(() => server.stop());
  storeContract('postgres', () => openStore(current), async () => void (current = await freshDatabase(server.url!, 'bulkhead_contract')));
  storeCliTests('postgres', () => freshDatabase(server.url!, `bulkhead_cli_${++counter}`));
}
