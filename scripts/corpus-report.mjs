#!/usr/bin/env node
// Runs every netpol-analyzer corpus case through Bulkhead and prints the agreement tally
// (build first: npx tsc -p tsconfig.json). Usage: node scripts/corpus-report.mjs [--verbose] [--json]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../shared/corpus/netpol-analyzer/', import.meta.url));
if (!existsSync(root)) {
  console.error(`corpus not found at ${root}`);
  process.exit(2);
}
const { CorpusRunner, loadCases } = await import('../dist/test/corpus/run-case.js');
const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');
const runner = new CorpusRunner(root);
const cases = loadCases(root);
const results = [];
for (const c of cases) results.push({ id: c.id, kind: c.kind, expected: c.expected ?? c.name ?? '', ...(await runner.run(c)) });
if (asJson) {
  console.log(JSON.stringify(results, null, 1));
  process.exit(0);
}
const byCat = new Map();
for (const r of results) {
  const t = byCat.get(r.category) ?? { agree: 0, differ: 0, skip: 0 };
  t[r.status]++;
  byCat.set(r.category, t);
}
const agree = results.filter((r) => r.status === 'agree').length;
const differ = results.filter((r) => r.status === 'differ').length;
console.log(`netpol-analyzer corpus: ${agree} of ${agree + differ} compared cases agree (${cases.length} cases in all)`);
for (const [cat, t] of [...byCat].sort()) console.log(`  ${cat.padEnd(14)} agree ${t.agree}  differ ${t.differ}  skipped ${t.skip}`);
const reasons = new Map();
for (const r of results.filter((x) => x.status === 'skip')) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
console.log('skipped:');
for (const [k, v] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(4)}  ${k}`);
console.log('disagreements:');
for (const r of results.filter((x) => x.status === 'differ')) console.log(`  #${r.id} ${r.kind} ${r.expected}\n      ${verbose ? r.detail : r.detail.slice(0, 400)}`);
if (verbose) {
  console.log('skipped cases:');
  for (const r of results.filter((x) => x.status === 'skip')) console.log(`  #${r.id} ${r.kind} ${r.expected}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
}
