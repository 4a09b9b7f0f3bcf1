// The fast engine against the reference evaluator (test/oracle/reference.ts) on random clusters.
// Clusters are generated as YAML and loaded through loadFromTexts, so the loader's defaulting is under
// test too. Every property runs with a fixed seed; on failure fast-check prints seed and path, and the
// shrunk counterexample prints as YAML with the list of mismatches. Replay or widen with the environment:
// BULKHEAD_PROPERTY_SEED, BULKHEAD_PROPERTY_PATH, BULKHEAD_PROPERTY_SCALE (multiplies every numRuns).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import type { LabelSelector, NetworkPolicy, PolicyRule } from '../src/inventory/types.js';
import { parseIp, type IpRange } from '../src/model/address.js';
import type { Protocol } from '../src/model/port-set.js';
import { clusterCaseArb, defaultedPolicy, type DefaultedPolicy, type NormalSelector } from './oracle/generate.js';
import { Oracle, type OracleEndpoint } from './oracle/reference.js';
import { addrTarget, addressProblems, assertNone, blockProblems, load, pairProblems, reachJson, reachProblems, runs } from './oracle/checks.js';

function normalSelector(s: LabelSelector): NormalSelector {
  return { matchLabels: { ...s.matchLabels }, matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: [...e.values] })) };
}

function loadedRule(r: PolicyRule): DefaultedPolicy['ingress'][number] {
  return {
    peers:
      r.peers === null
        ? null
        : r.peers.map((p) =>
            p.type === 'ipBlock'
              ? { type: 'ipBlock' as const, cidrText: p.cidrText, exceptText: [...p.exceptText] }
              : {
                  type: 'pods' as const,
                  namespaceSelector: p.namespaceSelector && normalSelector(p.namespaceSelector),
                  podSelector: p.podSelector && normalSelector(p.podSelector),
                },
          ),
    ports: r.ports === null ? null : r.ports.map((p) => ({ protocol: p.protocol, ...(p.port !== undefined ? { port: p.port } : {}), ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) })),
  };
}

function loadedPolicy(p: NetworkPolicy): DefaultedPolicy {
  return { id: p.id, isolates: { ...p.isolates }, podSelector: normalSelector(p.podSelector), ingress: p.ingress.map(loadedRule), egress: p.egress.map(loadedRule) };
}

test('generated clusters load without errors and with the API defaults applied', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const { inventory, diagnostics } = loadFromTexts([{ path: 'cluster.yaml', text: c.yaml }]);
      assertNone(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`), c);
      assert.equal(inventory.pods.length, c.cluster.pods.length + c.cluster.deployments.reduce((n, d) => n + (d.daemonSet ? 1 : d.replicas), 0), c.yaml);
      const expected = c.cluster.policies.map(defaultedPolicy).sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(inventory.policies.map(loadedPolicy), expected, c.yaml);
    }),
    runs(400),
  );
});

test('every pod pair, protocol and checked port: engine allowedPorts equals the oracle', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => assertNone(pairProblems(load(c.yaml)), c)),
    runs(2000),
  );
});

test('pod <-> address at, inside and just outside every ipBlock: engine equals the oracle', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => assertNone(addressProblems(load(c.yaml)), c)),
    runs(600),
  );
});

test('external blocks partition each family, behave uniformly and are as few as possible', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => assertNone(blockProblems(load(c.yaml)), c)),
    runs(500),
  );
});

test('workload-level reach equals the union of the oracle over each workload pair, never self, sorted and deterministic', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const problems = reachProblems(load(c.yaml), 'workload');
      if (reachJson(c.yaml, 'workload') !== reachJson(c.yaml, 'workload')) problems.push('two runs on the same input differ');
      assertNone(problems, c);
    }),
    runs(500),
  );
});

test('pod-level reach equals the oracle pod pair by pod pair, and is deterministic', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const problems = reachProblems(load(c.yaml), 'pod');
      if (reachJson(c.yaml, 'pod') !== reachJson(c.yaml, 'pod')) problems.push('two runs on the same input differ');
      assertNone(problems, c);
    }),
    runs(600),
  );
});

test('reach output does not depend on the order of the input documents', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const reversed = c.yaml.split('---\n').reverse().join('---\n');
      const problems = (['workload', 'pod'] as const)
        .filter((level) => reachJson(c.yaml, level) !== reachJson(reversed, level))
        .map((level) => `--level ${level}: reversing the documents changes the JSON`);
      assertNone(problems, c);
    }),
    runs(200),
  );
});

// ---------------------------------------------------------------------------------------------------
// Hand-written regressions for pitfalls a random cluster rarely hits. Each verdict is checked against
// BOTH the oracle and the engine, so a wrong oracle cannot hide behind agreement with the engine.

// Names are quoted: YAML 1.1 (kubectl, Bulkhead) reads a bare y or n as a boolean.
const NS = (name: string, labels: Record<string, string> = {}): string =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${JSON.stringify(name)}\n  labels: ${JSON.stringify(labels)}\n`;

function pod(ns: string, name: string, labels: Record<string, string>, opts: { ip?: string; ports?: string; hostNetwork?: boolean } = {}): string {
  return [
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${JSON.stringify(name)}\n  namespace: ${JSON.stringify(ns)}\n  labels: ${JSON.stringify(labels)}`,
    `spec:\n  hostNetwork: ${opts.hostNetwork ?? false}\n  containers:\n    - name: c\n      image: img\n      ports: ${opts.ports ?? '[]'}`,
    opts.ip ? `status:\n  podIP: ${opts.ip}` : '',
  ].join('\n');
}

function policy(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${JSON.stringify(name)}\n  namespace: ${JSON.stringify(ns)}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
}

/** [src, dst, "PROTO/port", allowed?]; src/dst are pod ids (ns/name) or IP addresses. */
type Verdict = [string, string, string, boolean];

function checkVerdicts(docs: string[], verdicts: Verdict[]): void {
  const yaml = docs.join('\n---\n');
  const { inventory, diagnostics } = loadFromTexts([{ path: 'regression.yaml', text: yaml }]);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], yaml);
  const analysis = analyze(inventory);
  const oracle = new Oracle(inventory);
  const endpoint = (s: string): { o: OracleEndpoint; t: { kind: 'class'; index: number } | { kind: 'address'; range: IpRange } } => {
    const p = inventory.pods.find((x) => x.id === s);
    if (p) return { o: { pod: p }, t: { kind: 'class', index: analysis.classOf(p.id) } };
    const ip = parseIp(s);
    assert.ok(ip, `bad endpoint ${s}`);
    const a = { family: ip.family, value: ip.value };
    return { o: { address: a }, t: addrTarget(a) };
  };
  for (const [src, dst, conn, want] of verdicts) {
    const [proto, portText] = conn.split('/') as [Protocol, string];
    const port = Number(portText);
    const s = endpoint(src);
    const d = endpoint(dst);
    assert.equal(oracle.allowedExternal(s.o, d.o, proto, port), want, `oracle ${src} -> ${dst} ${conn}\n${yaml}`);
    const got = s.t.kind === 'class' && d.t.kind === 'class' ? analysis.allowedPorts(src, dst) : analysis.allowed(s.t, d.t);
    assert.equal(got.has(proto, port), want, `engine ${src} -> ${dst} ${conn}\n${yaml}`);
  }
}

/** [src pod, dst pod, "PROTO/port", verdict]: the node rule's three answers, from the oracle and the engine. */
type NodeVerdict = [string, string, string, 'allowed' | 'same-node' | 'denied'];

function checkNodeVerdicts(docs: string[], verdicts: NodeVerdict[]): void {
  const yaml = docs.join('\n---\n');
  const { inventory } = loadFromTexts([{ path: 'regression.yaml', text: yaml }]);
  const analysis = analyze(inventory);
  const oracle = new Oracle(inventory);
  for (const [src, dst, conn, want] of verdicts) {
    const [proto, portText] = conn.split('/') as [Protocol, string];
    const port = Number(portText);
    const s = inventory.pods.find((x) => x.id === src)!;
    const d = inventory.pods.find((x) => x.id === dst)!;
    assert.equal(oracle.verdict(s, d, proto, port), want, `oracle ${src} -> ${dst} ${conn}\n${yaml}`);
    const got = analysis.allowedPorts(src, dst).has(proto, port) ? 'allowed' : analysis.sameNodePorts(src, dst).has(proto, port) ? 'same-node' : 'denied';
    assert.equal(got, want, `engine ${src} -> ${dst} ${conn}\n${yaml}`);
  }
}

test('regression: a policy with only egress rules and no policyTypes also isolates ingress', () => {
  checkVerdicts(
    [NS('a'), pod('a', 'x', { app: 'x' }), pod('a', 'y', { app: 'y' }), policy('a', 'eg', 'podSelector: {matchLabels: {app: x}}\negress:\n  - to: [{podSelector: {matchLabels: {app: "y"}}}]\n    ports: [{port: 80}]')],
    [
      ['a/x', 'a/y', 'TCP/80', true],
      ['a/x', 'a/y', 'TCP/81', false],
      ['a/y', 'a/x', 'TCP/80', false], // ingress defaulted in, no ingress rules
    ],
  );
});

test('regression: egress: [] without policyTypes does not isolate egress', () => {
  checkVerdicts(
    [NS('a'), pod('a', 'x', { app: 'x' }), pod('a', 'y', { app: 'y' }), policy('a', 'np', 'podSelector: {matchLabels: {app: x}}\negress: []')],
    [
      ['a/x', 'a/y', 'TCP/80', true],
      ['a/x', '8.8.8.8', 'UDP/53', true],
      ['a/y', 'a/x', 'TCP/80', false],
    ],
  );
});

test('regression: policyTypes [Egress] ignores ingress rules; ports: [{}] means all TCP only', () => {
  checkVerdicts(
    [
      NS('a'),
      pod('a', 'x', { app: 'x' }),
      pod('a', 'y', { app: 'y' }),
      policy('a', 'np', 'podSelector: {matchLabels: {app: x}}\npolicyTypes: [Egress]\ningress: [{}]\negress:\n  - ports: [{}]'),
    ],
    [
      ['a/x', 'a/y', 'TCP/65535', true],
      ['a/x', '1.2.3.4', 'TCP/1', true],
      ['a/x', 'a/y', 'UDP/53', false],
      ['a/x', 'a/y', 'SCTP/1', false],
      ['a/y', 'a/x', 'UDP/9', true], // ingress not isolated
    ],
  );
});

test('regression: egress named ports resolve against the destination pod, and match nothing towards addresses', () => {
  checkVerdicts(
    [
      NS('a'),
      pod('a', 'src', { app: 's' }, { ports: '[{name: http, containerPort: 1}, {name: metrics, containerPort: 4}]' }),
      pod('a', 'dst', { app: 'd' }, { ports: '[{name: http, containerPort: 2}, {name: dns, containerPort: 3, protocol: UDP}, {name: metrics, containerPort: 5}]' }),
      policy(
        'a',
        'np',
        'podSelector: {matchLabels: {app: s}}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: http}, {port: dns}]\n  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: http}]\n  - to: [{podSelector: {}}]\n    ports: [{port: metrics}]',
      ),
    ],
    [
      ['a/src', 'a/dst', 'TCP/5', true],
      ['a/src', 'a/dst', 'TCP/4', false],
      ['a/src', 'a/dst', 'TCP/2', true],
      ['a/src', 'a/dst', 'TCP/1', false], // the source's own number for the name is irrelevant
      ['a/src', 'a/dst', 'UDP/3', false], // dns entry defaults to TCP; dst declares dns only for UDP
      ['a/src', 'a/dst', 'TCP/3', false],
      ['a/src', '9.9.9.9', 'TCP/1', false],
      ['a/src', '9.9.9.9', 'TCP/2', false],
    ],
  );
});

test('regression: peer scoping: podSelector alone = own namespace; namespaceSelector {} = all pods, no externals; absent from = everything', () => {
  checkVerdicts(
    [
      NS('a'),
      NS('b'),
      pod('a', 'srv', { app: 'srv' }),
      pod('a', 'cli', { app: 'cli' }),
      pod('b', 'cli', { app: 'cli' }),
      pod('a', 'srv2', { app: 'srv2' }),
      policy('a', 'own-ns', 'podSelector: {matchLabels: {app: srv}}\ningress:\n  - from: [{podSelector: {matchLabels: {app: cli}}}]\n    ports: [{port: 1}]\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: 2}]\n  - ports: [{port: 3}]'),
      policy('a', 'pods-with-empty-ns', 'podSelector: {matchLabels: {app: srv2}}\ningress:\n  - from: [{namespaceSelector: {}, podSelector: {}}]'),
    ],
    [
      ['a/cli', 'a/srv', 'TCP/1', true],
      ['b/cli', 'a/srv', 'TCP/1', false],
      ['b/cli', 'a/srv', 'TCP/2', true],
      ['8.8.8.8', 'a/srv', 'TCP/2', false],
      ['8.8.8.8', 'a/srv', 'TCP/3', true],
      ['b/cli', 'a/srv2', 'UDP/7', true],
      ['8.8.8.8', 'a/srv2', 'TCP/1', false],
    ],
  );
});

test('regression: namespaceSelector and podSelector in one peer AND, in two peers OR; NotIn matches a missing key', () => {
  checkVerdicts(
    [
      NS('a', { env: 'prod' }),
      NS('b', { env: 'dev' }),
      pod('a', 'srv', { app: 'srv' }),
      pod('a', 'web', { app: 'web' }),
      pod('b', 'web', { app: 'web' }),
      pod('b', 'other', {}),
      policy(
        'a',
        'np',
        'podSelector: {matchLabels: {app: srv}}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {env: dev}}, podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 1}]\n  - from: [{namespaceSelector: {matchLabels: {env: dev}}}, {podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 2}]\n  - from: [{namespaceSelector: {}, podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}}]\n    ports: [{port: 3}]',
      ),
    ],
    [
      ['b/web', 'a/srv', 'TCP/1', true],
      ['a/web', 'a/srv', 'TCP/1', false],
      ['b/other', 'a/srv', 'TCP/1', false],
      ['a/web', 'a/srv', 'TCP/2', true],
      ['b/other', 'a/srv', 'TCP/2', true],
      ['b/other', 'a/srv', 'TCP/3', true],
      ['b/web', 'a/srv', 'TCP/3', false],
    ],
  );
});

test('regression: hostNetwork pods are neither isolated nor selected by selectors, only by ipBlocks', () => {
  checkVerdicts(
    [
      NS('a'),
      pod('a', 'srv', { app: 'srv' }),
      pod('a', 'node-agent', { app: 'agent' }, { hostNetwork: true, ip: '192.168.0.5' }),
      pod('a', 'node-agent2', { app: 'agent' }, { hostNetwork: true, ip: '192.168.0.6' }),
      policy('a', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
      policy('a', 'srv', 'podSelector: {matchLabels: {app: srv}}\ningress:\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: 1}]\n  - from: [{ipBlock: {cidr: 192.168.0.0/24, except: [192.168.0.6/32]}}]\n    ports: [{port: 2}]'),
    ],
    [
      ['a/node-agent', 'a/srv', 'TCP/1', false],
      ['a/node-agent', 'a/srv', 'TCP/2', true],
      ['a/node-agent2', 'a/srv', 'TCP/2', false],
      ['a/node-agent', 'a/node-agent2', 'UDP/9', true],
      ['8.8.8.8', 'a/node-agent', 'TCP/22', true],
      ['a/srv', 'a/node-agent', 'TCP/1', false], // srv's egress is isolated by deny-all
    ],
  );
});

test('regression: the node rule: an ingress-isolated pod admits its own node (hostNetwork pods on it), on every port', () => {
  const onNode = (p: string, node: string): string => p.replace('spec:\n', `spec:\n  nodeName: ${node}\n`);
  const exporter =
    'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: node-exporter, namespace: mon}\nspec:\n  selector: {matchLabels: {app: ne}}\n  template:\n    metadata: {labels: {app: ne}}\n    spec: {hostNetwork: true, containers: [{name: c, image: img}]}';
  checkNodeVerdicts(
    [
      NS('a'),
      NS('mon'),
      exporter,
      onNode(pod('a', 'srv', { app: 'srv' }), 'n1'),
      pod('a', 'srv-unplaced', { app: 'srv' }),
      onNode(pod('a', 'agent-n1', { app: 'agent' }, { hostNetwork: true }), 'n1'),
      onNode(pod('a', 'agent-n2', { app: 'agent' }, { hostNetwork: true }), 'n2'),
      pod('a', 'agent-unplaced', { app: 'agent' }, { hostNetwork: true }),
      onNode(pod('a', 'plain-n1', { app: 'plain' }), 'n1'),
      policy('a', 'srv', 'podSelector: {matchLabels: {app: srv}}\ningress:\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: 1}]'),
    ],
    [
      ['mon/node-exporter-0', 'a/srv', 'TCP/9', 'allowed'], // a DaemonSet runs on every node
      ['mon/node-exporter-0', 'a/srv-unplaced', 'UDP/53', 'allowed'],
      ['a/agent-n1', 'a/srv', 'TCP/9', 'allowed'],
      ['a/agent-n2', 'a/srv', 'TCP/9', 'denied'],
      ['a/agent-n2', 'a/srv', 'TCP/1', 'denied'], // selectors never see a hostNetwork pod
      ['a/agent-unplaced', 'a/srv', 'TCP/9', 'same-node'],
      ['a/agent-n1', 'a/srv-unplaced', 'SCTP/7', 'same-node'],
      ['a/plain-n1', 'a/srv', 'TCP/9', 'denied'], // only the node itself, not every pod on it
      ['a/plain-n1', 'a/srv', 'TCP/1', 'allowed'],
      ['a/agent-n2', 'a/plain-n1', 'TCP/9', 'allowed'], // not isolated
    ],
  );
});

test('regression: ipBlock except, endPort inclusive, IPv4 blocks never match IPv6, SCTP-only policy still isolates TCP', () => {
  checkVerdicts(
    [
      NS('a'),
      pod('a', 'srv', { app: 'srv' }, { ip: '10.0.0.100' }),
      pod('a', 'in-except', { app: 'c' }, { ip: '10.0.0.5' }),
      pod('a', 'in-cidr', { app: 'c' }, { ip: '10.0.0.20' }),
      pod('a', 'sctp', { app: 'sctp' }),
      policy('a', 'srv', 'podSelector: {matchLabels: {app: srv}}\ningress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/28]}}]\n    ports: [{port: 5, endPort: 7}]\n  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: 9, protocol: UDP}]'),
      policy('a', 'sctp', 'podSelector: {matchLabels: {app: sctp}}\ningress:\n  - ports: [{protocol: SCTP}]'),
    ],
    [
      ['a/in-cidr', 'a/srv', 'TCP/5', true],
      ['a/in-cidr', 'a/srv', 'TCP/7', true],
      ['a/in-cidr', 'a/srv', 'TCP/8', false],
      ['a/in-cidr', 'a/srv', 'TCP/4', false],
      ['a/in-except', 'a/srv', 'TCP/6', false],
      ['10.0.0.15', 'a/srv', 'TCP/6', false],
      ['10.0.0.16', 'a/srv', 'TCP/6', true],
      ['10.0.1.0', 'a/srv', 'TCP/6', false],
      ['fd00::1', 'a/srv', 'UDP/9', false],
      ['8.8.8.8', 'a/srv', 'UDP/9', true],
      ['a/srv', 'a/sctp', 'SCTP/4000', true],
      ['a/srv', 'a/sctp', 'TCP/80', false],
    ],
  );
});

test('regression: policies are a union and only select pods of their own namespace', () => {
  checkVerdicts(
    [
      NS('a'),
      NS('b'),
      pod('a', 'srv', { app: 'srv' }),
      pod('b', 'srv', { app: 'srv' }),
      pod('a', 'cli', { app: 'cli' }),
      policy('a', 'one', 'podSelector: {matchLabels: {app: srv}}\ningress:\n  - ports: [{port: 1}]'),
      policy('a', 'two', 'podSelector: {}\ningress:\n  - ports: [{port: 2, protocol: UDP}]'),
    ],
    [
      ['a/cli', 'a/srv', 'TCP/1', true],
      ['a/cli', 'a/srv', 'UDP/2', true],
      ['a/cli', 'a/srv', 'TCP/2', false],
      ['a/cli', 'b/srv', 'TCP/3', true],
      ['b/srv', 'a/cli', 'TCP/1', false],
    ],
  );
});

test('regression: an external block covered by two ipBlocks of one rule reaches the pod (reach must not need one block to contain it)', () => {
  const yaml = [
    NS('ns2'),
    pod('ns2', 'p0', {}, { ip: '10.0.0.0' }),
    policy('ns2', 'np0', 'podSelector: {}\ningress:\n  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}, {ipBlock: {cidr: 10.0.0.0/8}}]\n    ports: [{port: 1}]'),
  ].join('\n---\n');
  const l = load(yaml);
  assert.deepEqual(
    l.analysis.externals().map((b) => b.range),
    [{ family: 4, lo: 0n, hi: 0xffffffffn }],
  );
  assertNone([...blockProblems(l), ...reachProblems(l, 'pod'), ...reachProblems(l, 'workload')], { yaml });
});
