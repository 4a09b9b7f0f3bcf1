// explain on the inventory cut down to the two ends (src/analyses/explain-pair.ts) against explain on the
// whole analysis: the same report, byte for byte in every format, or the same error, for random pairs of
// workloads, pods, pod addresses, outside addresses and CIDRs on random clusters (hostNetwork pods and
// nodes, ipBlocks, named ports), with and without the admin and baseline tiers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import type { Inventory } from '../src/inventory/types.js';
import { explain, type Explanation } from '../src/analyses/explain.js';
import { explainPair } from '../src/analyses/explain-pair.js';
import { EXPLAIN_FORMATS } from '../src/reports/explain/index.js';
import { PortSet, parsePortSpec } from '../src/model/port-set.js';
import { UserError } from '../src/util/errors.js';
import { clusterCaseArbOf } from './oracle/generate.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { runs } from './oracle/checks.js';

/** The specs a user could give for this inventory: workload ids and ns/name, pod ids, pod IPs, outside addresses and CIDRs, a glob. */
function specsOf(inv: Inventory): string[] {
  return [
    ...inv.workloads.flatMap((w) => [w.id, `${w.namespace}/${w.name}`]),
    ...inv.pods.flatMap((p) => [p.id, ...p.ips]),
    '8.8.8.8',
    '10.0.0.1',
    '0.0.0.0/0',
    'nowhere/nothing',
    `${inv.namespaces[0]?.name ?? 'x'}/*`,
  ];
}

type Outcome = { texts: string[] } | { error: string };

function outcome(run: () => Explanation | undefined): Outcome | undefined {
  try {
    const e = run();
    return e && { texts: Object.values(EXPLAIN_FORMATS).map((f) => f(e)) };
  } catch (err) {
    if (err instanceof UserError) return { error: err.message };
    throw err;
  }
}

function check(yaml: string, pick: (n: number) => number, ports: PortSet, wholeCluster: boolean): void {
  const { inventory } = loadFromTexts([{ path: 'cluster.yaml', text: yaml }]);
  const specs = specsOf(inventory);
  const full = analyze(inventory);
  for (let k = 0; k < 6; k++) {
    const from = specs[pick(specs.length)]!;
    const to = specs[pick(specs.length)]!;
    const slow = outcome(() => explain(full, from, to, ports, { wholeCluster }))!;
    const fast = outcome(() => explainPair(inventory, from, to, ports, { wholeCluster }));
    // The cut declines (undefined) what it cannot answer; whatever it answers is the whole analysis's answer.
    if (fast === undefined) assert.ok(!('texts' in slow) || from.includes('/0') || to.includes('/0') || from.includes('*') || to.includes('*'), `declined ${from} -> ${to}`);
    else assert.deepEqual(fast, slow, `${from} -> ${to}`);
  }
}

const pickArb = fc.infiniteStream(fc.nat()).map((s) => {
  const it = s[Symbol.iterator]();
  return (n: number): number => it.next().value % n;
});
const seeded = <T extends unknown[]>(n: number): fc.Parameters<T> => runs(n) as unknown as fc.Parameters<T>;
const portsArb = fc.constantFrom(PortSet.ALL, parsePortSpec('TCP/80')!, parsePortSpec('TCP/1-1000')!.union(parsePortSpec('UDP/53')!));

test('explain of one pair on the cut inventory equals explain on the whole analysis (random clusters)', () => {
  fc.assert(
    fc.property(clusterCaseArbOf({ minPods: 2, maxPods: 12, maxPolicies: 8 }), pickArb, portsArb, fc.boolean(), (c, pick, ports, whole) => check(c.yaml, pick, ports, whole)),
    seeded(120),
  );
});

test('the same with ipBlock-heavy policies', () => {
  fc.assert(
    fc.property(clusterCaseArbOf({ minPods: 2, maxPods: 10, maxPolicies: 8, ipBlockHeavy: true }), pickArb, portsArb, (c, pick, ports) => check(c.yaml, pick, ports, false)),
    seeded(60),
  );
});

test('the same under the admin and baseline tiers', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, pickArb, portsArb, (c, pick, ports) => check(c.yaml, pick, ports, false)),
    seeded(80),
  );
});
