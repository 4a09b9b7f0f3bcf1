/** propose: least-privilege policies from observed flows, checked against the intent by the engine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../src/engine/index.js';
import { loadFromPaths, loadFromTexts } from '../src/sources/k8s/index.js';
import { loadIntent } from '../src/analyses/intent/index.js';
import { parseFlows } from '../src/sources/flows/index.js';
import { matchFlows } from '../src/analyses/flows/match.js';
import { propose } from '../src/analyses/propose/index.js';
import { explain } from '../src/analyses/explain.js';
import { PortSet } from '../src/model/port-set.js';
import { REPO_ROOT } from './helpers/run-cli.js';

async function shop() {
  const { inventory } = await loadFromPaths([join(REPO_ROOT, 'examples/shop')]);
  const intent = loadIntent(join(REPO_ROOT, 'examples/shop/bulkhead.yaml'));
  const flows = ['hubble.jsonl', 'vpc-flow-logs.log'].flatMap((n) => parseFlows(n, readFileSync(join(REPO_ROOT, 'examples/shop/flows', n), 'utf8'), []));
  return { inventory, intent, groups: matchFlows(analyze(inventory), flows, intent).groups };
}

test('propose: the frontend gets exactly what was observed, and the check passes', async () => {
  const { inventory, intent, groups } = await shop();
  const r = propose(inventory, groups, (w) => w.id === 'shop-prod/frontend[Deployment]', intent);
  assert.equal(r.policies.length, 1);
  assert.deepEqual(r.check, { ok: true, broken: [], opened: [] });
  const p = r.policies[0]!;
  assert.deepEqual(p.replaces, ['shop-prod/frontend']);
  const parsed = loadFromTexts([{ path: 'p.yaml', text: p.yaml }]);
  assert.deepEqual(parsed.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'undeclared-namespace'), []);
  const after = analyze({ ...inventory, policies: [...inventory.policies.filter((x) => x.id !== 'shop-prod/frontend'), ...parsed.inventory.policies] });
  assert.equal(explain(after, 'shop-prod/frontend[Deployment]', 'shop-prod/api[Deployment]', PortSet.of('TCP', 9000)).verdict, 'allowed');
  assert.equal(explain(after, '198.51.100.7', 'shop-prod/frontend[Deployment]', PortSet.of('TCP', 8080)).verdict, 'allowed');
  // Least privilege: what was not observed is closed (before, the frontend's egress reached redis's namespace freely).
  assert.equal(explain(after, 'shop-prod/frontend[Deployment]', 'shop-prod/api[Deployment]', PortSet.of('TCP', 9100)).verdict, 'denied');
  assert.equal(explain(after, '198.51.100.8', 'shop-prod/frontend[Deployment]', PortSet.of('TCP', 8080)).verdict, 'denied');
});

test('propose: a proposal that would block an intended flow never observed is reported as failing the check', async () => {
  const { inventory, intent, groups } = await shop();
  const r = propose(inventory, groups, (w) => w.namespace === 'payments', intent);
  assert.deepEqual(r.policies.map((p) => p.workload), ['payments/payments-api[Deployment]', 'payments/vault[StatefulSet]']);
  assert.equal(r.check?.ok, false);
  assert.deepEqual(r.check?.broken, ['flow #8 payments => dns (TCP 53,UDP 53)']);
  assert.deepEqual(r.check?.opened, []);
});

test('propose: workloads with no observed flow get nothing', async () => {
  const { inventory, intent, groups } = await shop();
  const r = propose(inventory, groups, (w) => w.namespace === 'shop-dev' && w.name === 'redis', intent);
  assert.deepEqual(r.policies, []);
  assert.deepEqual(r.unobserved, ['shop-dev/redis[Deployment]']);
});
