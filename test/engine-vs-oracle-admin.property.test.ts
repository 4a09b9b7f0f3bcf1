// The admin and baseline tiers on random clusters (test/oracle/generate-admin.ts): the loader reads every
// generated AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy, and the fast engine
// equals the tiered reference evaluator (test/oracle/tiers/k8s-admin.ts) on every pod pair, protocol and
// checked port, and with addresses at every CIDR edge. Same harness as engine-vs-oracle.test.ts (fixed
// seed; BULKHEAD_PROPERTY_SEED, BULKHEAD_PROPERTY_PATH, BULKHEAD_PROPERTY_SCALE).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { adminClusterCaseArb, type AdminClusterCase } from './oracle/generate-admin.js';
import { clusterCaseArb } from './oracle/generate.js';
import { CHECKED_PORTS, CHECKED_PROTOCOLS } from './oracle/generate.js';
import { Oracle } from './oracle/reference.js';
import { TieredOracle } from './oracle/tiers/k8s-admin.js';
import { addressProblems, assertNone, pairProblems, runs, type Loaded } from './oracle/checks.js';


const seeded = (n: number): fc.Parameters<[AdminClusterCase]> => runs(n) as unknown as fc.Parameters<[AdminClusterCase]>;

function loadTiered(yaml: string): Loaded {
  const { inventory } = loadFromTexts([{ path: 'cluster.yaml', text: yaml }]);
  return { inventory, analysis: analyze(inventory), oracle: new TieredOracle(inventory) };
}

test('generated admin-tier clusters load without errors; every policy and node is read, in tier and priority order', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, (c) => {
      const { inventory, diagnostics } = loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]);
      assertNone(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`), c);
      const got = (inventory.adminPolicies ?? []).map((p) => p.id);
      assert.deepEqual([...got].sort(), c.cluster.adminPolicies.map((p) => `${p.kind}/${p.name}`).sort(), c.yaml);
      const ps = inventory.adminPolicies ?? [];
      for (let i = 1; i < ps.length; i++) {
        const a = ps[i - 1]!;
        const b = ps[i]!;
        assert.ok(a.tier === b.tier ? a.priority <= b.priority : a.tier === 'admin', `${a.id} before ${b.id}`);
      }
      const ties = new Set(ps.filter((p) => ps.some((q) => q !== p && q.tier === p.tier && q.priority === p.priority)).map((p) => p.id));
      const warned = new Set(diagnostics.filter((d) => d.code === 'admin-priority-tie').flatMap((d) => ps.filter((p) => d.message.includes(p.id)).map((p) => p.id)));
      assert.deepEqual([...warned].sort(), [...ties].sort(), `admin-priority-tie names exactly the tied policies\n${c.yaml}`);
      assert.deepEqual((inventory.nodes ?? []).map((n) => n.name), c.cluster.nodes.map((n) => n.name).sort(), c.yaml);
    }),
    seeded(300),
  );
});

test('without admin-tier policies the tiered reference evaluator is the NetworkPolicy one', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const { inventory } = loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]);
      const plain = new Oracle(inventory);
      const tiered = new TieredOracle(inventory);
      const problems: string[] = [];
      for (const s of inventory.pods) {
        for (const d of inventory.pods) {
          if (s.id === d.id) continue;
          for (const proto of CHECKED_PROTOCOLS) for (const port of CHECKED_PORTS) if (plain.verdict(s, d, proto, port) !== tiered.verdict(s, d, proto, port)) problems.push(`${s.id} -> ${d.id} ${proto}/${port}`);
        }
      }
      assertNone(problems, c);
    }),
    runs(200),
  );
});

test('admin tiers: every pod pair, protocol and checked port: engine allowedPorts equals the tiered oracle', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, (c) => assertNone(pairProblems(loadTiered(c.yaml)), c)),
    seeded(1000),
  );
});

test('admin tiers: pod <-> address at every CIDR edge and node address: engine equals the tiered oracle', () => {
  fc.assert(
    fc.property(adminClusterCaseArb, (c) => assertNone(addressProblems(loadTiered(c.yaml)), c)),
    seeded(300),
  );
});
