// The reach listing visits, per source, only the destinations its sparse matrix row can allow (the row's
// default, its touched columns, the outside): checked against every endpoint pair asked of the engine one by
// one, with and without admin and baseline tiers and a port filter.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../src/engine/index.js';
import { streamReach } from '../src/analyses/reach.js';
import { clusterEndpoints, externalEndpoint } from '../src/analyses/endpoints.js';
import { PortSet } from '../src/model/port-set.js';
import { clusterCaseArb } from './oracle/generate.js';
import { adminClusterCaseArb } from './oracle/generate-admin.js';

/** Every pair from a cluster source without hostNetwork pods (the node rule takes the pair-by-pair path), asked of the engine. */
function densePairs(a: Analysis, level: 'workload' | 'pod', ports: PortSet): string[] {
  const cluster = clusterEndpoints(a, level);
  const outside = a.externals().map(externalEndpoint);
  const out: string[] = [];
  for (const s of cluster) {
    if (s.pods.some((p) => a.pod(p)?.hostNetwork)) continue;
    for (const d of [...cluster, ...outside]) {
      if (d === s) continue;
      let conns = PortSet.NONE;
      for (const x of s.targets) for (const y of d.targets) conns = conns.union(a.allowed(x, y));
      conns = conns.intersect(ports);
      if (!conns.isEmpty()) out.push(`${s.endpoint.id} => ${d.endpoint.id}: ${conns.toString()}`);
    }
  }
  return out.sort();
}

function listed(a: Analysis, level: 'workload' | 'pod', ports: PortSet | undefined): string[] {
  const r = streamReach(a, { level, ...(ports ? { ports } : {}) });
  const hosts = new Set(clusterEndpoints(a, level).filter((e) => e.pods.some((p) => a.pod(p)?.hostNetwork)).map((e) => e.endpoint.id));
  const out: string[] = [];
  const outside = new Set(a.externals().map((b) => externalEndpoint(b).endpoint.id));
  for (const c of r.connections()) if (!outside.has(c.src) && !hosts.has(c.src)) out.push(`${c.src} => ${c.dst}: ${c.conns.toString()}`);
  return out.sort();
}

const filterArb = fc.constantFrom(undefined, PortSet.of('TCP', 1, 5), PortSet.of('UDP', 3).union(PortSet.of('TCP', 7, 12)));

for (const [name, arb] of [
  ['NetworkPolicy', clusterCaseArb],
  ['admin and baseline tiers', adminClusterCaseArb],
] as const) {
  test(`property (${name}): the sparse listing equals every pair asked of the engine, with a port filter too`, () => {
    fc.assert(
      fc.property(arb, filterArb, (c, ports) => {
        const a = analyze(loadFromTexts([{ path: 'gen.yaml', text: c.yaml }]).inventory);
        for (const level of ['workload', 'pod'] as const) assert.deepEqual(listed(a, level, ports), densePairs(a, level, ports ?? PortSet.ALL), level);
      }),
      { numRuns: 150 },
    );
  });
}
