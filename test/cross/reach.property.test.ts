/**
 * Cross-layer reach on random small mixed inputs equals, packet by packet, the conjunction of the two
 * reference evaluators: the Kubernetes one (test/oracle/reference.ts) for the pod and the AWS end as an
 * address, and the AWS one (test/oracle/aws/reference.ts) for the path from the pod's node interface, the
 * pod seen from its own IP inside its VPC and from the node's primary address (SNAT) outside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { analyze } from '../../src/engine/index.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { crossJoin, crossReach, crossReachStream, type CrossReach, type CrossReachOptions } from '../../src/analyses/cross/reach.js';
import { crossReachChunks, crossReachReport, CROSS_REACH_FORMATS } from '../../src/reports/cross/reach.js';
import { toJsonLines } from '../../src/reports/json.js';
import { notesJson } from '../../src/reports/notes.js';
import { NO_NOTES } from '../../src/analyses/notes.js';
import { parsePortSpec } from '../../src/model/port-set.js';
import { interfaceEndpointId, type NetworkInterface } from '../../src/inventory/aws/types.js';
import type { Pod } from '../../src/inventory/types.js';
import { parseIp } from '../../src/model/address.js';
import { Oracle } from '../oracle/reference.js';
import { referenceVerdict, type OEnd } from '../oracle/aws/reference.js';
import { estateArb, EXTERNALS } from '../aws/estate-gen.js';

const PROBES: Array<{ protocol: 'TCP' | 'UDP'; n: number; port: number }> = [
  { protocol: 'TCP', n: 6, port: 22 }, { protocol: 'TCP', n: 6, port: 443 }, { protocol: 'TCP', n: 6, port: 1055 }, { protocol: 'TCP', n: 6, port: 5500 },
  { protocol: 'UDP', n: 17, port: 53 }, { protocol: 'UDP', n: 17, port: 1055 },
];
const EPH: [number, number] = [1024, 65535];
const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '10.0.0.0/24', '203.0.113.0/24', '8.8.8.8/32'];
const PORTS: Array<Record<string, unknown>> = [{ protocol: 'TCP', port: 22 }, { protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 1000, endPort: 1100 }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 5500 }];

const addr = (s: string): bigint => parseIp(s)!.value;

interface Mixed { snapshot: Record<string, unknown>; manifests: string; externals: readonly string[] }

/** A random estate, one or two of its interfaces made nodes (tagged, with pod IPs as secondary addresses), pods and policies. */
function mixedArb(): fc.Arbitrary<Mixed> {
  return fc.record({
    estate: estateArb(),
    nodes: fc.array(fc.nat(20), { minLength: 1, maxLength: 2 }),
    pods: fc.array(fc.record({ app: fc.constantFrom('a', 'b'), node: fc.nat(3), place: fc.constantFrom('ip', 'name', 'none') }), { minLength: 1, maxLength: 3 }),
    policies: fc.array(fc.record({
      app: fc.constantFrom('a', 'b'),
      egress: fc.boolean(), ingress: fc.boolean(),
      rules: fc.array(fc.record({ cidr: fc.constantFrom(...CIDRS), except: fc.boolean(), ports: fc.subarray(PORTS, { maxLength: 2 }) }), { maxLength: 2 }),
    }), { maxLength: 3 }),
  }).map(({ estate, nodes, pods, policies }) => {
    const snapshot = structuredClone(estate.snapshot) as Record<string, unknown>;
    const enis = snapshot['NetworkInterfaces'] as Array<Record<string, unknown>>;
    const picked = [...new Set(nodes.map((i) => i % enis.length))].map((i) => enis[i]!);
    picked.forEach((e, k) => {
      const ip = String(e['PrivateIpAddress']);
      const base = ip.split('.').slice(0, 3).join('.');
      e['PrivateIpAddresses'] = [{ Primary: true, PrivateIpAddress: ip }, { PrivateIpAddress: `${base}.${150 + 2 * k}` }, { PrivateIpAddress: `${base}.${151 + 2 * k}` }];
      e['TagSet'] = [{ Key: 'kubernetes.io/cluster/c', Value: 'owned' }];
      e['Attachment'] = { InstanceId: `i-${k}` };
    });
    const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }];
    pods.forEach((p, i) => {
      const host = picked[p.node % picked.length]!;
      const secondary = (host['PrivateIpAddresses'] as Array<{ PrivateIpAddress: string }>)[1 + (i % 2)]!.PrivateIpAddress;
      docs.push({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'ns', labels: { app: p.app } },
        spec: { ...(p.place === 'name' ? { nodeName: `i-${picked.indexOf(host)}` } : {}), containers: [{ name: 'c', image: 'x' }] },
        ...(p.place === 'ip' && i < 2 ? { status: { podIP: secondary } } : {}),
      });
    });
    policies.forEach((p, i) => {
      const types = [...(p.egress ? ['Egress'] : []), ...(p.ingress || !p.egress ? ['Ingress'] : [])];
      const rule = (r: (typeof p.rules)[number], key: 'to' | 'from') => ({
        [key]: [{ ipBlock: { cidr: r.cidr, ...(r.except && r.cidr === '10.0.0.0/8' ? { except: ['10.1.0.0/16'] } : {}) } }],
        ...(r.ports.length ? { ports: r.ports } : {}),
      });
      docs.push({
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np${i}`, namespace: 'ns' },
        spec: {
          podSelector: { matchLabels: { app: p.app } }, policyTypes: types,
          ...(types.includes('Egress') ? { egress: p.rules.map((r) => rule(r, 'to')) } : {}),
          ...(types.includes('Ingress') ? { ingress: p.rules.map((r) => rule(r, 'from')) } : {}),
        },
      });
    });
    return { snapshot, manifests: docs.map((d) => JSON.stringify(d)).join('\n---\n'), externals: EXTERNALS };
  });
}

/** The interface a pod's traffic leaves from toward `dst` (own IP inside the VPC, the node's primary address outside it). */
function sourceOf(pod: Pod, node: NetworkInterface, dst: bigint, vpcCidrs: Array<{ lo: bigint; hi: bigint }>): NetworkInterface {
  const inVpc = vpcCidrs.some((c) => c.lo <= dst && dst <= c.hi);
  if (!inVpc) return node;
  const own = pod.ips.find((a) => node.addresses.includes(a)) ?? node.addresses[0]!;
  const { publicIp: _p, ...rest } = node;
  return { ...rest, addresses: [own, ...node.addresses.filter((a) => a !== own)] };
}

/** Where traffic to the pod arrives: its own IP (or the node's primary address), never a public one. */
function targetOf(pod: Pod, node: NetworkInterface): NetworkInterface {
  const own = pod.ips.find((a) => node.addresses.includes(a)) ?? node.addresses[0]!;
  const { publicIp: _p, ...rest } = node;
  return { ...rest, addresses: [own, ...node.addresses.filter((a) => a !== own)] };
}

test('cross reach is the conjunction of the Kubernetes and AWS reference evaluators, pod by pod and packet by packet', () => {
  let allowed = 0;
  let checked = 0;
  let blockedByOne = 0;
  // The counts come from random inputs: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || allowed <= 50 || blockedByOne <= 50); batch++) fc.assert(
    fc.property(mixedArb(), ({ snapshot, manifests, externals }) => {
      const inv = buildAwsInventory([{ path: 'gen.json', text: JSON.stringify(snapshot) }]);
      const k8s = loadFromTexts([{ path: 'gen.yaml', text: manifests }], {});
      const a = analyze(k8s.inventory);
      const aws = analyseAwsInventory(inv, { ephemeral: EPH });
      const j = crossJoin(a, aws);
      const r = crossReach(j, { level: 'pod' });
      assert.ok(r.joined);
      const oracle = new Oracle(k8s.inventory);
      const nodes = inv.interfaces.filter((e) => e.tags['kubernetes.io/cluster/c'] === 'owned');
      const others = inv.interfaces.filter((e) => !nodes.includes(e));
      const conn = (src: string, dst: string) => r.connections.find((c) => c.src === src && c.dst === dst);
      const outsideConn = (pod: string, address: bigint, out: boolean) => r.connections.find((c) => {
        const id = out ? c.dst : c.src;
        if ((out ? c.src : c.dst) !== pod || !/^\d/.test(id)) return false;
        return id.split(',').some((part) => { const [lo, hi] = part.split('-').map(addr); return lo! <= address && address <= hi!; });
      });
      for (const pod of k8s.inventory.pods) {
        const pl = j.placement.pods.get(pod.id)!;
        // Where the test itself places the pod: its IP's interface, its nodeName, else any node (the union).
        const byIp = nodes.filter((n) => pod.ips.some((ip) => n.addresses.includes(ip)));
        const byName = pod.nodeName !== undefined ? nodes.filter((n) => n.instanceId === pod.nodeName) : [];
        const hosts = byIp.length ? byIp : byName.length ? byName : nodes;
        assert.deepEqual(pl.hosts.map((h) => h.enis[0]!.id).sort(), hosts.map((h) => h.id).sort(), `placement of ${pod.id}`);
        const vpc = (n: NetworkInterface) => inv.vpcs.find((v) => v.id === n.vpc)!.cidrs.map((c) => c.range);
        const ends: Array<{ end: OEnd; address: bigint; id?: string }> = [
          ...others.map((e) => ({ end: { kind: 'eni' as const, eni: e }, address: addr(e.addresses[0]!), id: interfaceEndpointId(e) })),
          ...externals.map((x) => ({ end: { kind: 'external' as const, address: addr(x) }, address: addr(x) })),
        ];
        for (const d of ends) for (const p of PROBES) {
          // Egress: the pod to the AWS end.
          const k8sOut = oracle.allowedExternal({ pod }, { address: { family: 4, value: d.address } }, p.protocol, p.port);
          const awsOut = hosts.some((n) => referenceVerdict(inv, { kind: 'eni', eni: sourceOf(pod, n, d.address, vpc(n)) }, d.end, { protocol: p.n, value: p.port }, EPH) === 'allowed');
          const gotOut = (d.id ? conn(pod.id, d.id) : outsideConn(pod.id, d.address, true))?.conns.has(p.n, p.port) ?? false;
          // With several possible nodes the union of each node's conjunction is what reach lists.
          const wantOut = k8sOut && awsOut;
          assert.equal(gotOut, wantOut, `${pod.id} => ${d.id ?? d.address} ${p.protocol}/${p.port}: k8s ${k8sOut}, aws ${awsOut}`);
          // Ingress: the AWS end to the pod (the source as Kubernetes sees it: its address).
          const k8sIn = oracle.allowedExternal({ address: { family: 4, value: d.address } }, { pod }, p.protocol, p.port);
          const awsIn = hosts.some((n) => referenceVerdict(inv, d.end, { kind: 'eni', eni: targetOf(pod, n) }, { protocol: p.n, value: p.port }, EPH) === 'allowed');
          const gotIn = (d.id ? conn(d.id, pod.id) : outsideConn(pod.id, d.address, false))?.conns.has(p.n, p.port) ?? false;
          assert.equal(gotIn, k8sIn && awsIn, `${d.id ?? d.address} => ${pod.id} ${p.protocol}/${p.port}: k8s ${k8sIn}, aws ${awsIn}`);
          checked += 2;
          if (wantOut) allowed++;
          if (k8sIn && awsIn) allowed++;
          if (k8sOut !== awsOut || k8sIn !== awsIn) blockedByOne++;
        }
      }
    }),
    { numRuns: 60 },
  );
  assert.ok(allowed > 50, `allowed ${allowed} of ${checked}`);
  assert.ok(blockedByOne > 50, `one layer blocking ${blockedByOne}`);
});

/** A connection as text: both layers, each on its own, and the Service paths. */
function connectionText(c: ReturnType<typeof crossReach>['connections'][number]): string {
  return `${c.src} ${c.dst} ${c.conns.key()} ${c.responseBlocked.key()} ${c.kubernetes.key()} ${c.aws.key()} ${c.via.map((v) => `${v.route}=${v.conns.key()}|${v.kubernetes.key()}|${v.aws.key()}`).join(',')}`;
}

/** The mixed input with a second node alike the first, replicas of two alike workloads and, with `service`, a NodePort Service. */
function alikeJoin({ snapshot: given, manifests }: Mixed, service: boolean, policy: string): { j: ReturnType<typeof crossJoin> } {
  const snapshot = structuredClone(given);
  // A second node alike the first (same subnet and groups, next addresses), replicas, and a NodePort Service.
  const enis = snapshot['NetworkInterfaces'] as Array<Record<string, unknown>>;
  const node = enis.find((e) => JSON.stringify(e['TagSet'] ?? []).includes('kubernetes.io/cluster/c'))!;
  const base = String(node['PrivateIpAddress']).split('.').slice(0, 3).join('.');
  // The node's groups open the nodePort, so that Service paths are live.
  const groups = new Set(((node['Groups'] as Array<{ GroupId: string }>) ?? []).map((g) => g.GroupId));
  for (const g of snapshot['SecurityGroups'] as Array<Record<string, unknown>>) if (groups.has(String(g['GroupId']))) g['IpPermissions'] = [...(g['IpPermissions'] as unknown[]), { IpProtocol: 'tcp', FromPort: 30080, ToPort: 30080, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
  enis.push({ ...node, NetworkInterfaceId: `${String(node['NetworkInterfaceId'])}-twin`, PrivateIpAddress: `${base}.200`, PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: `${base}.200` }], Attachment: { InstanceId: 'i-twin' }, Association: undefined });
  const docs = [
    manifests,
    JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'rep', namespace: 'ns' }, spec: { replicas: 3, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] } } } }),
    // Alike rep in everything the policies see (they select on app only), but not selected by the Service.
    JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'rep2', namespace: 'ns' }, spec: { replicas: 2, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'batch' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] } } } }),
    ...(service ? [JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'ns' }, spec: { type: 'NodePort', externalTrafficPolicy: policy, selector: { app: 'a', tier: 'web' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] } })] : []),
  ];
  const inv = buildAwsInventory([{ path: 'gen.json', text: JSON.stringify(snapshot) }]);
  const k8s = loadFromTexts([{ path: 'gen.yaml', text: docs.join('\n---\n') }], {});
  const j = crossJoin(analyze(k8s.inventory), analyseAwsInventory(inv, { ephemeral: EPH }));
  return { j };
}

test('cross reach shares answers among alike pods, hosts and interfaces without changing any (against the literal walk)', () => {
  let sharedPods = 0;
  let sharedHosts = 0;
  let viaSeen = 0;
  fc.assert(
    fc.property(mixedArb(), fc.boolean(), fc.constantFrom('Cluster', 'Local'), (mixed, service, policy) => {
      const { j } = alikeJoin(mixed, service, policy);
      for (const level of ['pod', 'workload'] as const) {
        const got = crossReach(j, { level });
        const want = crossReach(j, { level, literal: true });
        assert.deepEqual(got.connections.map(connectionText), want.connections.map(connectionText), level);
        assert.deepEqual(got.outside, want.outside);
        assert.deepEqual([...got.names], [...want.names]);
      }
      if (service && crossReach(j, { level: 'workload' }).connections.some((c) => c.via.length > 0)) viaSeen++;
      const pods = [...j.placement.pods.values()];
      if (pods.filter((p) => p.pod.workload.endsWith('rep[Deployment]')).length > 1) sharedPods++;
      if (j.placement.hosts.length > 1) sharedHosts++;
    }),
    { numRuns: 80 },
  );
  assert.ok(sharedPods > 40 && sharedHosts > 40 && viaSeen > 5, `replicas in ${sharedPods} runs, several nodes in ${sharedHosts}, Service paths in ${viaSeen}`);
});

/** The section's JSON as one document (an endpoint or connection a line), the way the report was written before it was streamed. */
function wholeJson(r: CrossReach): string {
  return toJsonLines({
    schema: 'bulkhead.reach/v1', layer: 'cross', ...notesJson(NO_NOTES), joined: r.joined,
    ...(r.placement.cluster !== undefined ? { cluster: r.placement.cluster } : {}),
    nodes: r.placement.hosts.map((h) => ({ name: h.name, ...(h.instanceId ? { instanceId: h.instanceId } : {}), interfaces: h.enis.map((e) => e.id), evidence: h.evidence })),
    assumptions: r.assumptions,
    endpoints: r.outside.map((o) => ({ id: o.id, kind: 'External', name: o.name, cidrs: o.cidrs })),
    connections: r.connections.map((c) => ({
      src: c.src, dst: c.dst, conns: c.conns.toJSON(), ...(c.responseBlocked.isEmpty() ? {} : { responseBlocked: c.responseBlocked.toJSON() }),
      kubernetes: c.kubernetes.toJSON(), aws: c.aws.toJSON(), ...(c.via.length ? { via: c.via.map((v) => ({ route: v.route, conns: v.conns.toJSON(), kubernetes: v.kubernetes.toJSON(), aws: v.aws.toJSON() })) } : {}),
    })),
  }, ['endpoints', 'connections']);
}

const ENDS = [undefined, 'ns/*', 'ns/rep', 'internet', '10.0.0.0/8', '*eni*', 'ns/p0'];
const PORT_FILTERS = [undefined, 'TCP/443', 'TCP/30080', 'UDP/53'];

test('the streamed cross section is the literal walk sorted whole, pair by pair and byte for byte in every format, with --from, --to and --port', () => {
  let listed = 0;
  let filtered = 0;
  fc.assert(
    fc.property(mixedArb(), fc.boolean(), fc.constantFrom('Cluster', 'Local'), fc.constantFrom('pod', 'workload'), fc.constantFrom(...ENDS), fc.constantFrom(...ENDS), fc.constantFrom(...PORT_FILTERS), (mixed, service, policy, level, from, to, port) => {
      const { j } = alikeJoin(mixed, service, policy);
      const opts: CrossReachOptions = { level, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(port ? { ports: parsePortSpec(port)! } : {}) };
      const want = crossReach(j, { ...opts, literal: true });
      const stream = crossReachStream(j, opts);
      const got = [...stream.pairs()].map((p) => connectionText({ src: p.src, dst: p.dst, ...p.answer }));
      assert.deepEqual(got, want.connections.map(connectionText));
      assert.deepEqual(stream.outside, want.outside);
      assert.deepEqual([...stream.names], [...want.names]);
      // Twice: each pass computes the pairs again.
      assert.equal([...stream.pairs()].length, got.length);
      assert.equal([...crossReachChunks(stream, 'json')].join(''), wholeJson(want));
      for (const f of CROSS_REACH_FORMATS) assert.equal([...crossReachChunks(stream, f)].join(''), crossReachReport(want, f), f);
      listed += got.length;
      if (from || to || port) filtered++;
    }),
    { numRuns: 80 },
  );
  assert.ok(listed > 200 && filtered > 40, `pairs listed ${listed}, filtered runs ${filtered}`);
});
