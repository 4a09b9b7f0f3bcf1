/**
 * serviceRoutes against the literal reading of the Service API: a pod is an endpoint of a nodePort when it is
 * in the Service's namespace, carries every selector label, and (for a named targetPort) declares a container
 * port of that name and the Service port's protocol; ClusterIP Services, ports without a nodePort and Services
 * without a selector forward nothing from a node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { serviceRoutes } from '../../src/engine/cross/services.js';
import type { ClusterService, Inventory, Pod, ServicePort } from '../../src/inventory/types.js';
import type { Protocol } from '../../src/model/port-set.js';

const proto = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');
const labels = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b'), { maxKeys: 2 });
const podArb = fc.record({
  namespace: fc.constantFrom('n1', 'n2'),
  labels,
  ports: fc.array(fc.record({ name: fc.option(fc.constantFrom('http', 'web'), { nil: undefined }), port: fc.integer({ min: 1, max: 9 }), protocol: proto }), { maxLength: 3 }),
});
const portArb: fc.Arbitrary<ServicePort> = fc.record({
  protocol: proto,
  port: fc.integer({ min: 1, max: 9 }),
  targetPort: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom('http', 'web')),
  nodePort: fc.option(fc.integer({ min: 30000, max: 30005 }), { nil: undefined }),
}).map(({ nodePort, ...p }) => (nodePort === undefined ? p : { ...p, nodePort }));
const serviceArb = fc.record({
  namespace: fc.constantFrom('n1', 'n2'),
  type: fc.constantFrom<ClusterService['type']>('ClusterIP', 'NodePort', 'LoadBalancer'),
  selector: fc.option(fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b'), { minKeys: 1, maxKeys: 2 }), { nil: undefined }),
  ports: fc.array(portArb, { maxLength: 3 }),
  externalTrafficPolicy: fc.constantFrom<'Cluster' | 'Local'>('Cluster', 'Local'),
});

test('serviceRoutes equals the literal endpoint selection', () => {
  fc.assert(fc.property(fc.array(podArb, { maxLength: 6 }), fc.array(serviceArb, { maxLength: 4 }), (ps, ss) => {
    const pods: Pod[] = ps.map((p, i) => ({ id: `${p.namespace}/p${i}`, name: `p${i}`, namespace: p.namespace, labels: p.labels, ports: p.ports.map(({ name, ...c }) => (name ? { name, ...c } : c)), ips: [], hostNetwork: false, workload: `${p.namespace}/p${i}`, synthetic: false }));
    const services: ClusterService[] = ss.map((s, i) => ({ id: `${s.namespace}/s${i}`, name: `s${i}`, namespace: s.namespace, type: s.type, ...(s.selector ? { selector: s.selector } : {}), ports: s.ports, externalTrafficPolicy: s.externalTrafficPolicy, loadBalancerSourceRanges: [], externalIPs: [], source: { file: 'f', line: i + 1 } }));
    const inv = { namespaces: [], workloads: [], pods, policies: [], unmodelled: [], customResources: [], services } as Inventory;
    const got = new Set<string>();
    for (const [pod, rs] of serviceRoutes(inv).byPod) for (const r of rs) got.add(`${pod} ${r.service.id} ${r.port.protocol} ${r.nodePort} ${r.targetPort}`);
    const want = new Set<string>();
    for (const s of services) {
      if ((s.type !== 'NodePort' && s.type !== 'LoadBalancer') || !s.selector) continue;
      for (const port of s.ports) {
        if (port.nodePort === undefined || port.protocol === 'SCTP') continue;
        for (const p of pods) {
          if (p.namespace !== s.namespace || !Object.entries(s.selector).every(([k, v]) => p.labels[k] === v)) continue;
          const target = typeof port.targetPort === 'number' ? port.targetPort : p.ports.find((c) => c.name === port.targetPort && c.protocol === port.protocol)?.port;
          if (target !== undefined) want.add(`${p.id} ${s.id} ${port.protocol} ${port.nodePort} ${target}`);
        }
      }
    }
    assert.deepEqual([...got].sort(), [...want].sort());
  }), { numRuns: 300 });
});
