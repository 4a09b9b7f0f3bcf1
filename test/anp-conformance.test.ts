// The AdminNetworkPolicy / BaselineAdminNetworkPolicy conformance truth tables of kubernetes-sigs/network-policy-api
// (v0.1.7; ../shared/cases/anp-cases.md A1-A7), transcribed into test/cases/k8s-admin/*.yaml. Each step's
// objects (patches applied, and kept for later steps) go through the real loader with the conformance
// cluster; every probe must match (a) the tiered reference evaluator and (b) the engine. Each case runs a
// second time as v1alpha2 ClusterNetworkPolicy by upstream's mechanical mapping. Upstream probes go to pod
// IPs, so pod-to-pod reachability is what is compared.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts, type LoadResult } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import type { Pod } from '../src/inventory/types.js';
import { Oracle } from './oracle/reference.js';
import { TieredOracle } from './oracle/tiers/k8s-admin.js';
import { ADMIN_CASES, CLUSTER_PODS, CLUSTER_YAML, applyPatches, asClusterNetworkPolicies, caseObjects, objectsYaml, type AdminCase, type AdminProbe } from './helpers/admin-cases.js';


type Flavour = 'v1alpha1' | 'v1alpha2';

interface LoadedStep {
  readonly label: string;
  readonly load: LoadResult;
  readonly probes: readonly AdminProbe[];
}

/** Every step of a case, loaded, with the objects as they are at that step. */
function steps(c: AdminCase, flavour: Flavour): LoadedStep[] {
  const docs = caseObjects(c);
  return c.steps.map((s, k) => {
    applyPatches(docs, s.patches ?? []);
    const text = objectsYaml(flavour === 'v1alpha1' ? docs : asClusterNetworkPolicies(docs));
    const load = loadFromTexts([
      { path: 'k8s-admin/cluster.yaml', text: CLUSTER_YAML },
      { path: `k8s-admin/${c.file}#step-${k + 1}`, text },
    ]);
    return { label: `${c.id} ${flavour} step ${s.name}`, load, probes: s.probes };
  });
}

function podOf(load: LoadResult, name: string): Pod {
  const id = CLUSTER_PODS.get(name)?.id;
  const pod = load.inventory.pods.find((p) => p.id === id);
  assert.ok(pod, `probe names ${name}, which is not a pod of cluster.yaml`);
  return pod;
}

const probeText = (p: AdminProbe): string => `${p.from} -> ${p.to} ${p.protocol}/${p.port}`;

test('k8s-admin cases: every case of anp-cases.md is transcribed, with probes', () => {
  const ids = ADMIN_CASES.map((c) => c.id);
  for (const want of ['A1-tcp', 'A1-udp', 'A1-sctp', 'A2', 'A3', 'A4', 'A5', 'A6', 'A6-named', 'A7-egress-tcp', 'A7-egress-sctp', 'A7-inline-cidr', 'A7-gress-combined']) {
    assert.ok(ids.includes(want), `missing case ${want}`);
  }
  const probes = ADMIN_CASES.reduce((n, c) => n + c.steps.reduce((m, s) => m + s.probes.length, 0), 0);
  assert.equal(probes, 150);
});

for (const c of ADMIN_CASES) {
  for (const flavour of ['v1alpha1', 'v1alpha2'] as const) {
    test(`${c.id} (${flavour}) — ${c.title}: the reference evaluator`, () => {
      let differFromPlain = 0;
      const mismatches: string[] = [];
      for (const s of steps(c, flavour)) {
        const errors = s.load.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors, [], `${s.label}: the loader reported errors`);
        assert.ok((s.load.inventory.adminPolicies ?? []).length > 0, `${s.label}: no admin policies read`);
        const oracle = new TieredOracle(s.load.inventory);
        const plain = new Oracle(s.load.inventory);
        for (const p of s.probes) {
          const src = podOf(s.load, p.from);
          const dst = podOf(s.load, p.to);
          const got = oracle.verdict(src, dst, p.protocol, p.port) === 'allowed' ? 'allow' : 'deny';
          if (got !== p.expect) mismatches.push(`${s.label}: ${probeText(p)}: expected ${p.expect}, got ${got}`);
          if (plain.allowed(src, dst, p.protocol, p.port) !== (p.expect === 'allow')) differFromPlain++;
        }
      }
      assert.deepEqual(mismatches, []);
      // The case is about the tiers: NetworkPolicy alone gets some of its probes wrong.
      assert.ok(differFromPlain > 0, `${c.id}: every probe has the NetworkPolicy-only answer`);
    });

    test(`${c.id} (${flavour}) — ${c.title}: the engine`, () => {
      const mismatches: string[] = [];
      for (const s of steps(c, flavour)) {
        const analysis = analyze(s.load.inventory);
        for (const p of s.probes) {
          const got = analysis.allowedPorts(podOf(s.load, p.from).id, podOf(s.load, p.to).id).has(p.protocol, p.port) ? 'allow' : 'deny';
          if (got !== p.expect) mismatches.push(`${s.label}: ${probeText(p)}: expected ${p.expect}, got ${got}`);
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }
}
