/**
 * The diff's fast paths against its slow ones on random clusters and random edits: outside connections
 * computed once per group of endpoints that reach blocks alike equal those computed endpoint by endpoint,
 * exposure from the connectivity diff's endpoints equals exposure that builds its own, and exposure with
 * each rule's facts kept across endpoints equals exposure found endpoint by endpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { diffConnectivity } from '../src/analyses/diff/connectivity.js';
import { diffExposure } from '../src/analyses/diff/exposure-delta.js';
import { computeExposure, exposureOf, exposurePeerText, type Exposure } from '../src/analyses/exposure.js';
import { clusterEndpoints, type Level } from '../src/analyses/endpoints.js';
import type { Analysis } from '../src/engine/index.js';
import { lex } from '../src/util/compare.js';
import { PortSet } from '../src/model/port-set.js';
import { clusterArb, clusterYaml, type GenCluster } from './oracle/generate.js';
import { adminClusterArbOf, adminClusterYaml } from './oracle/generate-admin.js';
import { SMALL } from './oracle/generate.js';

/** The cluster after a random edit: a policy dropped or taken from another cluster, a pod relabelled, or another cluster. */
function edited(x: GenCluster, other: GenCluster, mode: number, pick: number): GenCluster {
  if (mode === 0 && x.policies.length > 0) return { ...x, policies: x.policies.filter((_, i) => i !== pick % x.policies.length) };
  if (mode === 1 && x.pods.length > 1) {
    const i = pick % x.pods.length;
    const from = x.pods[(i + 1) % x.pods.length]!;
    return { ...x, pods: x.pods.map((p, k) => (k === i ? { ...p, labels: from.labels } : p)) };
  }
  if (mode === 2) return { ...x, policies: [...x.policies, ...other.policies.filter((p) => x.namespaces.some((n) => n.name === p.namespace)).slice(0, 2).map((p, i) => ({ ...p, name: `added${i}` }))] };
  return other;
}

/** Exposure endpoint by endpoint (exposureOf, no facts shared between endpoints), in computeExposure's order. */
function exposureOneByOne(a: Analysis, level: Level): Exposure[] {
  const cluster = clusterEndpoints(a, level);
  const out = (['egress', 'ingress'] as const).flatMap((d) => cluster.flatMap((e) => exposureOf(a, e, d)));
  return out.sort((x, y) => (x.direction === y.direction ? 0 : x.direction === 'egress' ? -1 : 1) || lex(x.endpoint, y.endpoint) || lex(exposurePeerText(x.peer), exposurePeerText(y.peer)));
}

/** diffExposure as first written: every key of both sides sorted and compared (the reference for the one that sorts only what differs). */
function exposureDeltaLiteral(a: Analysis, b: Analysis, level: Level): unknown[] {
  const key = (x: Exposure): string => `${x.direction}\u0000${x.endpoint}\u0000${exposurePeerText(x.peer, true)}`;
  const before = new Map(computeExposure(a, { level }).map((x) => [key(x), x]));
  const after = new Map(computeExposure(b, { level }).map((x) => [key(x), x]));
  const out: unknown[] = [];
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort(lex)) {
    const o = before.get(k);
    const n = after.get(k);
    const oc = o?.conns ?? PortSet.NONE;
    const nc = n?.conns ?? PortSet.NONE;
    if (oc.equals(nc)) continue;
    const x = (n ?? o)!;
    out.push({ kind: !o ? 'opened' : !n ? 'closed' : 'changed', endpoint: x.endpoint, direction: x.direction, peer: x.peer, old: oc, new: nc, opened: nc.subtract(oc), closed: oc.subtract(nc) });
  }
  return out;
}

/** Both paths of the connectivity and exposure comparison give the same answer at both levels. */
function check(oldYaml: string, newYaml: string): void {
  const a = analyze(loadFromTexts([{ path: 'old.yaml', text: oldYaml }]).inventory);
  const b = analyze(loadFromTexts([{ path: 'new.yaml', text: newYaml }]).inventory);
  for (const level of ['workload', 'pod'] as const) {
    const fast = diffConnectivity(a, b, level);
    const slow = diffConnectivity(a, b, level, { literalAtoms: true });
    assert.deepEqual(fast.changes, slow.changes, level);
    assert.deepEqual([...fast.endpoints], [...slow.endpoints], level);
    assert.equal(fast.unchanged, slow.unchanged, level);
    assert.deepEqual(diffExposure(a, b, level, false, fast.cluster), diffExposure(a, b, level), level);
    for (const x of [a, b]) assert.deepEqual(computeExposure(x, { level }), exposureOneByOne(x, level), level);
    assert.deepEqual(diffExposure(a, b, level), exposureDeltaLiteral(a, b, level), level);
  }
}

test('property: outside connections per group of endpoints equal them endpoint by endpoint, and exposure is the same with the shared endpoints', () => {
  fc.assert(
    fc.property(clusterArb, clusterArb, fc.nat(3), fc.nat(), (x, y, mode, pick) => check(clusterYaml(x), clusterYaml(edited(x, y, mode, pick)))),
    { numRuns: 150 },
  );
});

test('property: the same with admin and baseline policies (the tiers decide blocks per behaviour)', () => {
  const arb = adminClusterArbOf(SMALL);
  fc.assert(
    fc.property(arb, arb, fc.nat(3), fc.nat(), (x, y, mode, pick) => {
      const z = mode === 3 ? y : { ...x, ...edited(x, y, mode, pick), nodes: x.nodes, adminPolicies: mode === 2 ? [...x.adminPolicies, ...y.adminPolicies.slice(0, 1)] : x.adminPolicies };
      check(adminClusterYaml(x), adminClusterYaml(z));
    }),
    { numRuns: 60 },
  );
});
