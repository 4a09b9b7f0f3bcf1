/**
 * The bundled example's history: three snapshots of examples/shop (September: no export job and a
 * correct database policy; October: the export job and its policy to the whole internet; November:
 * today's files, whose database policy lets every namespace in) and the flow files of examples/shop/flows.
 * `review` on it is the output shown in the README and docs/review.md.
 *
 *   node dist/test/helpers/example-history.js [DB]     (default examples/shop/.bulkhead/bulkhead.db)
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/index.js';
import { buildSnapshot } from '../../src/store/take.js';
import { storedFlow } from '../../src/store/flows.js';
import { parseFlows } from '../../src/sources/flows/index.js';
import type { Diagnostic } from '../../src/inventory/types.js';
import { REPO_ROOT } from './run-cli.js';

export const EXAMPLE_DB = 'examples/shop/.bulkhead/bulkhead.db';
const DIR = 'examples/shop';

type Edit = (file: string, text: string) => string;

const withoutExportJob: Edit = (f, t) => (f.endsWith('prod-workloads.yaml') ? t.split('\n---\n').filter((d) => !d.includes('name: report-export')).join('\n---\n') : t);
const correctDatabasePolicy: Edit = (f, t) => (f.endsWith('prod-policies.yaml') ? t.replace('        - namespaceSelector: {}\n', '') : t);
const exportToPartnerOnly: Edit = (f, t) => (f.endsWith('prod-policies.yaml') ? t.replace('cidr: 0.0.0.0/0\n            except: [10.0.0.0/8]', 'cidr: 203.0.113.0/24') : t);

const STATES: readonly { at: string; label: string; edits: readonly Edit[] }[] = [
  { at: '2026-09-01T00:00:00.000Z', label: 'q3-baseline', edits: [withoutExportJob, correctDatabasePolicy, exportToPartnerOnly] },
  { at: '2026-10-15T00:00:00.000Z', label: 'export-job', edits: [correctDatabasePolicy] },
  { at: '2026-11-15T00:00:00.000Z', label: 'db-policy-edit', edits: [] },
];

/** Writes the example history into a fresh store at `db` (relative to the repo root, or a URL). */
export async function buildExampleHistory(db: string = EXAMPLE_DB): Promise<void> {
  const names = readdirSync(join(REPO_ROOT, DIR)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const read = (n: string): string => readFileSync(join(REPO_ROOT, DIR, n), 'utf8');
  if (!db.includes('://')) rmSync(resolve(REPO_ROOT, db), { force: true });
  const store = await openStore(db.includes('://') ? db : resolve(REPO_ROOT, db));
  try {
    for (const s of STATES) {
      const files = names.filter((n) => n !== 'bulkhead.yaml').map((n) => ({ path: `${DIR}/${n}`, text: s.edits.reduce((t, e) => e(n, t), read(n)) }));
      const intent = { path: `${DIR}/bulkhead.yaml`, text: read('bulkhead.yaml') };
      await store.addSnapshot(buildSnapshot({ inputs: [DIR], files, intent }, s.at, s.label).record);
    }
    const diags: Diagnostic[] = [];
    for (const n of readdirSync(join(REPO_ROOT, DIR, 'flows')).sort()) {
      await store.addFlows(parseFlows(`${DIR}/flows/${n}`, readFileSync(join(REPO_ROOT, DIR, 'flows', n), 'utf8'), diags).map(storedFlow));
    }
  } finally {
    await store.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildExampleHistory(process.argv[2]);
