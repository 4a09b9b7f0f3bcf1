// buildPodClasses takes shortcuts (a replica next to its sibling joins its class, pods sharing label and
// port objects are found without a key); the reference groups pods by podClassKey alone, classes numbered
// in order of their first pod. Same classes, members and numbering on random pod lists built the way the
// loader builds them: runs of replicas sharing objects, pods with IPs, nodes, hostNetwork, equal copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildPodClasses, podClassKey } from '../src/engine/k8s/pod-classes.js';
import { parseCidr } from '../src/model/address.js';
import type { ContainerPort, Inventory, IpBlockPeer, Labels, Pod } from '../src/inventory/types.js';

const LABELS: Labels[] = [{ app: 'a' }, { app: 'b' }, { app: 'a', tier: 'x' }, {}];
const PORTS: ContainerPort[][] = [[], [{ name: 'http', port: 80, protocol: 'TCP' }], [{ port: 81, protocol: 'TCP' }], [{ name: 'http', port: 8080, protocol: 'TCP' }]];
const BLOCKS: IpBlockPeer[] = ['10.0.0.0/24', '10.0.0.0/30'].map((c) => ({ type: 'ipBlock', cidr: parseCidr(c)!, cidrText: c, except: [], exceptText: [], source: { file: 'p', line: 1 } }));

const runArb = fc.record({
  ns: fc.constantFrom('n1', 'n2'),
  workload: fc.constantFrom('w1[Deployment]', 'w2[Deployment]', 'd[DaemonSet]'),
  labels: fc.nat(LABELS.length - 1),
  // A copy: equal content in other objects, as pods read one by one have.
  copyLabels: fc.boolean(),
  ports: fc.nat(PORTS.length - 1),
  copyPorts: fc.boolean(),
  hostNetwork: fc.boolean(),
  node: fc.constantFrom(undefined, 'node-a', 'node-b'),
  ips: fc.constantFrom([], [], ['10.0.0.1'], ['10.0.0.9'], ['10.1.0.1']),
  replicas: fc.integer({ min: 1, max: 4 }),
  // Most runs are the previous one with one field changed (or none): neighbours that almost match.
  likePrev: fc.constantFrom(true, true, true, false),
  // The field taken from this run instead of the previous one.
  keep: fc.constantFrom('ns', 'workload', 'labels', 'copyLabels', 'ports', 'copyPorts', 'hostNetwork', 'node', 'ips', 'none'),
});

type Run = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

function podsOf(runs: Run[]): Pod[] {
  const pods: Pod[] = [];
  let last: Run | undefined;
  let lastLabels: Labels | undefined;
  let lastPorts: readonly ContainerPort[] | undefined;
  runs.forEach((r0, k) => {
    const r: Run = r0.likePrev && last ? (r0.keep === 'none' ? last : { ...last, [r0.keep]: r0[r0.keep as keyof Run] }) : r0;
    const same = r0.likePrev && last !== undefined;
    const labels = same && r.labels === last!.labels && !r.copyLabels ? lastLabels! : r.copyLabels ? { ...LABELS[r.labels]! } : LABELS[r.labels]!;
    const ports = same && r.ports === last!.ports && !r.copyPorts ? lastPorts! : r.copyPorts ? PORTS[r.ports]!.map((p) => ({ ...p })) : PORTS[r.ports]!;
    last = r;
    lastLabels = labels;
    lastPorts = ports;
    for (let i = 0; i < r.replicas; i++) {
      const name = `p${k}-${i}`;
      pods.push({ id: `${r.ns}/${name}`, namespace: r.ns, name, labels, ports, ips: r.ips, hostNetwork: r.hostNetwork, ...(r.node ? { nodeName: r.node } : {}), workload: r.workload, synthetic: r.ips.length === 0 });
    }
  });
  return pods;
}

test('buildPodClasses equals grouping by podClassKey (random pod lists)', () => {
  fc.assert(
    fc.property(fc.array(runArb, { maxLength: 10 }), (runs) => {
      const pods = podsOf(runs);
      const inv = { pods } as unknown as Inventory;
      const { classes, classOfPod } = buildPodClasses(inv, BLOCKS);
      const byKey = new Map<string, number>();
      const members: Pod[][] = [];
      for (const p of pods) {
        const k = podClassKey(p, BLOCKS);
        let c = byKey.get(k);
        if (c === undefined) {
          byKey.set(k, (c = members.length));
          members.push([]);
        }
        members[c]!.push(p);
        assert.equal(classOfPod.get(p.id), c, p.id);
      }
      assert.deepEqual(
        classes.map((c) => c.pods.map((p) => p.id)),
        members.map((m) => m.map((p) => p.id)),
      );
      classes.forEach((c, i) => {
        assert.equal(c.index, i);
        assert.equal(c.namespace, c.pods[0]!.namespace);
        assert.equal(c.hostNetwork, c.pods[0]!.hostNetwork);
        assert.equal(c.labels, c.pods[0]!.labels);
        assert.equal(c.ports, c.pods[0]!.ports);
      });
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 424242), numRuns: Math.max(1, Math.round(500 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
