/**
 * The hygiene checks' fast paths against their literal forms on random clusters: dead-peer matches each
 * distinct selector once (memo) instead of per peer, unreachable-workload compares a class's sole workload
 * instead of walking its pods per candidate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import deadPeer from '../src/checks/dead-peer.js';
import unreachableWorkload from '../src/checks/unreachable-workload.js';
import { matchesSelector } from '../src/inventory/selector.js';
import { classesByNamespace, selectableWorkloads } from '../src/checks/util.js';
import { NONE_ID, type Analysis, type Target } from '../src/engine/index.js';
import { PortSet } from '../src/model/port-set.js';
import { DEFAULT_SETTINGS } from '../src/settings/index.js';
import type { Check, Report } from '../src/checks/index.js';
import { clusterCaseArb } from './oracle/generate.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';
import { load, runs } from './oracle/checks.js';

function run(c: Check, a: Analysis, wholeCluster: boolean): Report[] {
  const out: Report[] = [];
  c.check({ analysis: a, inventory: a.inventory, settings: { ...DEFAULT_SETTINGS, wholeCluster }, diagnostics: [], report: (r) => out.push(r) });
  return out;
}

/** dead-peer's verdicts, every peer matched against every namespace and class. */
function literalDeadPeers(a: Analysis): string[] {
  const out: string[] = [];
  const byNs = classesByNamespace(a);
  for (const p of a.inventory.policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of p[direction]) {
        (rule.peers ?? []).forEach((peer, i) => {
          if (peer.type !== 'pods') return;
          const namespaces = peer.namespaceSelector === null ? [p.namespace] : a.inventory.namespaces.filter((n) => matchesSelector(peer.namespaceSelector!, n.labels)).map((n) => n.name);
          if (namespaces.length === 0) return void out.push(`${p.id} ${direction}${rule.index}.${i} namespace`);
          const any = namespaces.some((n) => (byNs.get(n) ?? []).some((c) => peer.podSelector === null || matchesSelector(peer.podSelector, a.layer.classes[c]!.labels)));
          if (!any) out.push(`${p.id} ${direction}${rule.index}.${i} pods in ${namespaces.join(',')}`);
        });
      }
    }
  }
  return out;
}

/** unreachable-workload's verdicts, walking each candidate class's pods. */
function literalUnreachable(a: Analysis): string[] {
  const layer = a.layer;
  const m = a.matrix;
  const out: string[] = [];
  for (const { workload, classes } of selectableWorkloads(a)) {
    let declared = PortSet.NONE;
    for (const p of a.podsOf(workload.id)) for (const cp of p.ports) declared = declared.union(PortSet.of(cp.protocol, cp.port));
    if (declared.isEmpty()) continue;
    const want = a.intern(declared);
    const reachable = classes.some((c) => {
      if (!layer.isolated('ingress', c)) return true;
      const dst: Target = { kind: 'class', index: c };
      for (let x = 0; x < m.blocks.length; x++) if (a.ports.meet(m.fromBlock(x, m.behaviourOf[c]!), want) !== NONE_ID) return true;
      return layer.classes.some((k) => k.pods.some((p) => p.workload !== workload.id) && a.ports.meet(a.allowedId({ kind: 'class', index: k.index }, dst), want) !== NONE_ID);
    });
    if (!reachable) out.push(workload.id);
  }
  return out;
}

const describe = (r: Report): string => `${r.resource.namespace}/${r.resource.name} ${r.key} ${r.messageId}`;

test('dead-peer and unreachable-workload agree with their literal forms', () => {
  fc.assert(
    fc.property(fc.oneof(clusterCaseArb, adminClusterCaseArb), fc.boolean(), (c, whole) => {
      const { analysis: a } = load(c.yaml);
      const dead = run(deadPeer, a, whole);
      const want = literalDeadPeers(a);
      assert.equal(dead.length, want.length, `${dead.map(describe).join('; ')} vs ${want.join('; ')}`);
      dead.forEach((r, i) => {
        const [policy, key, kind] = want[i]!.split(' ');
        assert.equal(`${r.resource.namespace}/${r.resource.name}`, policy);
        assert.equal(r.key, key);
        assert.equal(r.messageId, (kind === 'namespace' ? 'namespace' : 'pods') + (whole ? '' : 'InInput'));
        if (kind !== 'namespace') assert.match(String(r.data?.['what']), new RegExp(want[i]!.split(' in ')[1]!.split(',')[0]!));
      });
      assert.deepEqual(run(unreachableWorkload, a, whole).map((r) => r.data?.['workload']), literalUnreachable(a));
    }),
    { seed: runs(60).seed, numRuns: runs(60).numRuns, includeErrorInReport: true },
  );
});
