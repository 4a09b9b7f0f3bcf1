import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import type { Diagnostic } from '../src/inventory/types.js';

const load = (text: string, path = 'in.yaml') => loadFromTexts([{ path, text }]);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');

const ANP_HEAD = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: a
spec:
`;

test('an AdminNetworkPolicy with every peer and port type is read in order, with lines', () => {
  const text = `${ANP_HEAD}  priority: 3
  subject:
    namespaces:
      matchLabels: {team: a}
  ingress:
  - name: from-b
    action: Allow
    from:
    - namespaces: {matchLabels: {team: b}}
    - pods:
        namespaceSelector: {}
        podSelector: {matchLabels: {app: web}}
    ports:
    - portNumber: {port: 80}
    - portRange: {protocol: UDP, start: 5000, end: 5010}
    - namedPort: dns
  - action: Pass
    from:
    - namespaces: {}
  egress:
  - name: out
    action: Deny
    to:
    - nodes: {matchLabels: {kubernetes.io/os: linux}}
    - networks: [0.0.0.0/0, "::/0"]
  - action: Allow
    to:
    - domainNames: ["*.example.com", kubernetes.io]
`;
  const r = load(text);
  assert.deepEqual(errors(r.diagnostics), []);
  const [p] = r.inventory.adminPolicies!;
  assert.ok(p);
  assert.equal(p.id, 'AdminNetworkPolicy/a');
  assert.equal(p.tier, 'admin');
  assert.equal(p.priority, 3);
  assert.equal(p.apiVersion, 'policy.networking.k8s.io/v1alpha1');
  assert.deepEqual(p.subject, { type: 'namespaces', namespaceSelector: { matchLabels: { team: 'a' }, matchExpressions: [] } });
  assert.deepEqual(p.source, { file: 'in.yaml', line: 1 });
  const [i0, i1] = p.ingress;
  assert.equal(i0!.name, 'from-b');
  assert.equal(i0!.action, 'accept');
  assert.equal(i0!.source.line, 11);
  assert.deepEqual(i0!.peers.map((x) => [x.type, x.source.line]), [['namespaces', 14], ['pods', 15]]);
  assert.deepEqual(i0!.ports!.map((x) => (x.type === 'range' ? [x.protocol, x.start, x.end, x.source.line] : [x.name, x.source.line])), [
    ['TCP', 80, 80, 19],
    ['UDP', 5000, 5010, 20],
    ['dns', 21],
  ]);
  assert.equal(i1!.action, 'pass');
  assert.equal(i1!.index, 1);
  assert.equal(i1!.name, undefined);
  assert.equal(i1!.ports, null, 'no ports: every port of every protocol');
  const [e0, e1] = p.egress;
  assert.equal(e0!.action, 'deny');
  assert.deepEqual(e0!.peers.map((x) => x.type), ['nodes', 'networks']);
  const net = e0!.peers[1]!;
  assert.ok(net.type === 'networks');
  assert.deepEqual(net.cidrTexts, ['0.0.0.0/0', '::/0']);
  assert.deepEqual(net.cidrs.map((c) => c.range.family), [4, 6]);
  assert.deepEqual(e1!.peers[0], { type: 'domainNames', names: ['*.example.com', 'kubernetes.io'], source: { file: 'in.yaml', line: 33 } });
  assert.ok(!r.inventory.unmodelled.some((u) => u.kind === 'AdminNetworkPolicy'), 'modelled, not an unmodelled caveat');
});

test('BaselineAdminNetworkPolicy and ClusterNetworkPolicy (v1alpha2 protocols, v1beta1) are read; the order is tier, priority, name', () => {
  const text = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {pods: {namespaceSelector: {}, podSelector: {}}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: z-admin}
spec:
  tier: Admin
  priority: 5
  subject: {pods: {podSelector: {matchLabels: {app: db}}}}
  egress:
  - action: Accept
    to: [{pods: {podSelector: {}}}]
    protocols:
    - tcp: {destinationPort: {number: 5432}}
    - udp: {destinationPort: {range: {start: 53, end: 54}}}
    - destinationNamedPort: metrics
---
apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: base}
spec:
  tier: Baseline
  priority: 7
  subject: {namespaces: {}}
  ingress: [{action: Pass, from: [{namespaces: {}}]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: a-admin}
spec:
  priority: 5
  subject: {namespaces: {}}
`;
  const r = load(text);
  assert.deepEqual(errors(r.diagnostics), []);
  const ps = r.inventory.adminPolicies!;
  assert.deepEqual(ps.map((p) => [p.id, p.tier, p.priority]), [
    ['AdminNetworkPolicy/a-admin', 'admin', 5],
    ['ClusterNetworkPolicy/z-admin', 'admin', 5],
    ['BaselineAdminNetworkPolicy/default', 'baseline', 0],
    ['ClusterNetworkPolicy/base', 'baseline', 7],
  ]);
  const cnp = ps[1]!;
  // v1alpha2's NamespacedPod defaults an absent namespaceSelector to every namespace.
  assert.deepEqual(cnp.subject, { type: 'pods', namespaceSelector: { matchLabels: {}, matchExpressions: [] }, podSelector: { matchLabels: { app: 'db' }, matchExpressions: [] } });
  assert.deepEqual(cnp.egress[0]!.ports!.map((x) => (x.type === 'range' ? `${x.protocol}/${x.start}-${x.end}` : `named ${x.name}`)), ['TCP/5432-5432', 'UDP/53-54', 'named metrics']);
  const tie = r.diagnostics.filter((d) => d.code === 'admin-priority-tie');
  assert.equal(tie.length, 1, 'one tie: the two admin policies at priority 5');
  assert.equal(tie[0]!.severity, 'warning');
  assert.match(tie[0]!.message, /AdminNetworkPolicy\/a-admin, ClusterNetworkPolicy\/z-admin share priority 5 in the admin tier/);
  assert.equal(r.diagnostics.filter((d) => d.code === 'admin-priority-tie' && /baseline/.test(d.message)).length, 0, 'BANP (0) and the baseline CNP (7) differ');
});

test('Node objects: labels as written, InternalIP and ExternalIP addresses; Node is no longer skipped', () => {
  const text = `apiVersion: v1
kind: Node
metadata:
  name: n1
  labels: {kubernetes.io/os: linux}
spec: {podCIDR: 10.244.1.0/24}
status:
  addresses:
  - {type: InternalIP, address: 192.168.1.10}
  - {type: Hostname, address: n1}
  - {type: ExternalIP, address: "2001:db8::1"}
  conditions: [{type: Ready, status: "True"}]
`;
  const r = load(text);
  assert.deepEqual(errors(r.diagnostics), []);
  assert.ok(!r.diagnostics.some((d) => d.code === 'skipped-kind'));
  assert.deepEqual(r.inventory.nodes, [{ name: 'n1', labels: { 'kubernetes.io/os': 'linux' }, addresses: ['192.168.1.10', '2001:db8::1'], source: { file: 'in.yaml', line: 1 } }]);
  const bad = load(text.replace('podCIDR', 'podCIRD'));
  assert.equal(bad.inventory.nodes!.length, 0);
  assert.ok(bad.diagnostics.some((d) => d.code === 'unknown-field' && /did you mean "podCIDR"/.test(d.message)));
  assert.ok(bad.diagnostics.some((d) => d.code === 'invalid-node'));
});

/** Each invalid spec: the code of the error, and the line it names. */
const INVALID: ReadonlyArray<[string, string, string, number]> = [
  ['no priority', '  subject: {namespaces: {}}\n', 'bad-priority', 6],
  ['priority above 1000', '  priority: 1001\n  subject: {namespaces: {}}\n', 'bad-priority', 6],
  ['negative priority', '  priority: -1\n  subject: {namespaces: {}}\n', 'bad-priority', 6],
  ['no subject', '  priority: 1\n  subject:\n', 'bad-subject', 7],
  ['two subjects', '  priority: 1\n  subject:\n    namespaces: {}\n    pods: {namespaceSelector: {}, podSelector: {}}\n', 'bad-subject', 8],
  ['pods subject without podSelector', '  priority: 1\n  subject:\n    pods: {namespaceSelector: {}}\n', 'bad-field', 8],
  ['v1alpha1 pods without namespaceSelector', '  priority: 1\n  subject:\n    pods: {podSelector: {}}\n', 'bad-field', 8],
  ['unknown action', '  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Accept\n    from: [{namespaces: {}}]\n', 'bad-action', 9],
  ['no action', '  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - from: [{namespaces: {}}]\n', 'bad-action', 9],
  ['no from', '  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n', 'bad-rule', 9],
  ['empty to', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: []\n', 'bad-rule', 10],
  ['peer with two fields', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to:\n    - namespaces: {}\n      networks: [10.0.0.0/8]\n', 'bad-peer', 11],
  ['empty peer', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to:\n    - {}\n', 'bad-peer', 11],
  ['networks in an ingress peer', '  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    from:\n    - networks: [10.0.0.0/8]\n', 'unknown-field', 11],
  ['port with two fields', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports:\n    - portNumber: {port: 80}\n      namedPort: web\n', 'bad-port', 12],
  ['port range backwards', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports:\n    - portRange: {start: 10, end: 1}\n', 'bad-port', 12],
  ['port range of one port', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports:\n    - portRange: {start: 10, end: 10}\n', 'bad-port', 12],
  ['port 0', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports:\n    - portNumber: {port: 0}\n', 'bad-port', 12],
  ['protocol ICMP', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports:\n    - portNumber: {protocol: ICMP, port: 1}\n', 'bad-port', 12],
  ['empty ports', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports: []\n', 'bad-port', 11],
  ['named port with networks', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/8]}]\n    ports: [{namedPort: web}]\n', 'bad-rule', 11],
  ['named port with nodes', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{nodes: {}}]\n    ports: [{namedPort: web}]\n', 'bad-rule', 11],
  ['domainNames in a Deny rule', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{domainNames: [example.com]}]\n', 'bad-rule', 9],
  ['bad domain name', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Allow\n    to: [{domainNames: [exa_mple..com]}]\n', 'bad-peer', 10],
  ['invalid CIDR', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/33]}]\n', 'bad-cidr', 10],
  ['duplicate CIDR', '  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/8, 10.0.0.0/8]}]\n', 'bad-cidr', 10],
  ['rule name over 100 characters', `  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - name: ${'n'.repeat(101)}\n    action: Deny\n    from: [{namespaces: {}}]\n`, 'bad-rule', 9],
  ['misspelt field', '  priority: 1\n  subject: {namespaces: {}}\n  ingres: []\n', 'unknown-field', 8],
  ['misspelt rule field', '  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    form: [{namespaces: {}}]\n', 'unknown-field', 10],
  ['bad selector', '  priority: 1\n  subject:\n    namespaces: {matchExpressions: [{key: a, operator: Equals}]}\n', 'bad-selector', 8],
];

test('each CRD validation error rejects the AdminNetworkPolicy with the offending line; valid objects beside it stay', () => {
  const other = `---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: fine}\nspec: {priority: 9, subject: {namespaces: {}}}\n`;
  for (const [what, spec, code, line] of INVALID) {
    const r = load(`${ANP_HEAD}${spec}${other}`);
    const hit = r.diagnostics.find((d) => d.code === code && d.severity === 'error');
    assert.ok(hit, `${what}: expected an error ${code}, got ${r.diagnostics.map((d) => `${d.severity}:${d.code}: ${d.message}`).join(' | ')}`);
    assert.equal(hit.source?.line, line, `${what}: line of ${hit.message}`);
    assert.match(hit.message, /^AdminNetworkPolicy a: /, `${what}: names the object`);
    assert.ok(r.diagnostics.some((d) => d.code === 'invalid-admin-policy' && d.source?.line === 1), `${what}: the object is reported as skipped`);
    assert.deepEqual(r.inventory.adminPolicies!.map((p) => p.name), ['fine'], `${what}: only the valid object is kept`);
  }
});

test('limits: 100 rules per ANP direction; 25 rules and 25 peers per ClusterNetworkPolicy rule', () => {
  const rule = '  - {action: Deny, from: [{namespaces: {}}]}\n';
  const anp = (n: number) => `${ANP_HEAD}  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n${rule.repeat(n)}`;
  assert.equal(load(anp(100)).inventory.adminPolicies!.length, 1);
  assert.ok(load(anp(101)).diagnostics.some((d) => d.code === 'bad-rule' && /101 rules, more than the 100 allowed/.test(d.message)));
  const cnp = (rules: number, peers: number) =>
    `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: c}\nspec:\n  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n${`  - action: Deny\n    from: [${Array(peers).fill('{namespaces: {}}').join(', ')}]\n`.repeat(rules)}`;
  assert.equal(load(cnp(25, 25)).inventory.adminPolicies!.length, 1);
  assert.ok(load(cnp(26, 1)).diagnostics.some((d) => d.code === 'bad-rule' && /26 rules, more than the 25 allowed/.test(d.message)));
  assert.ok(load(cnp(1, 26)).diagnostics.some((d) => d.code === 'bad-rule' && /26 peers, more than the 25 allowed/.test(d.message)));
});

test('BaselineAdminNetworkPolicy: only `default`, no priority, no Pass; ClusterNetworkPolicy needs a tier; v1beta1 CIDRs are masked', () => {
  const banp = (name: string, extra = '') => `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n  subject: {namespaces: {}}\n${extra}`;
  const named = load(banp('other'));
  assert.deepEqual(named.inventory.adminPolicies, []);
  const e = named.diagnostics.find((d) => d.code === 'bad-name')!;
  assert.equal(e.source?.line, 4);
  assert.match(e.message, /only one BaselineAdminNetworkPolicy, with metadata.name=default/);
  assert.ok(load(banp('default', '  priority: 3\n')).diagnostics.some((d) => d.code === 'unknown-field' && /spec.priority/.test(d.message)));
  assert.ok(load(banp('default', '  ingress: [{action: Pass, from: [{namespaces: {}}]}]\n')).diagnostics.some((d) => d.code === 'bad-action'));
  assert.ok(load(banp('default', '  egress: [{action: Allow, to: [{domainNames: [a.com]}]}]\n')).diagnostics.some((d) => d.code === 'unknown-field'), 'BANP peers have no domainNames');
  const twice = load(`${banp('default')}---\n${banp('default', '  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n')}`);
  assert.equal(twice.inventory.adminPolicies!.length, 1);
  assert.equal(twice.inventory.adminPolicies![0]!.ingress.length, 1, 'the later definition is used');
  assert.ok(twice.diagnostics.some((d) => d.code === 'duplicate' && d.severity === 'warning'));

  const cnp = (v: string, spec: string) => `apiVersion: policy.networking.k8s.io/${v}\nkind: ClusterNetworkPolicy\nmetadata: {name: c}\nspec:\n${spec}`;
  assert.ok(load(cnp('v1alpha2', '  priority: 1\n  subject: {namespaces: {}}\n')).diagnostics.some((d) => d.code === 'bad-tier'));
  assert.ok(load(cnp('v1alpha2', '  tier: admin\n  priority: 1\n  subject: {namespaces: {}}\n')).diagnostics.some((d) => d.code === 'bad-tier'));
  assert.ok(load(cnp('v1alpha2', '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress: [{action: Allow, from: [{namespaces: {}}]}]\n')).diagnostics.some((d) => d.code === 'bad-action'), 'v1alpha2 says Accept');
  assert.ok(load(cnp('v1alpha2', '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {port: 80}}]}]\n')).diagnostics.some((d) => d.code === 'unknown-field' && /spec\.ingress\[0\]\.ports/.test(d.message)), 'ports is v1alpha1');
  assert.ok(load(cnp('v1alpha2', '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  egress: [{action: Deny, to: [{namespaces: {}}], protocols: [{tcp: {}}]}]\n')).diagnostics.some((d) => d.code === 'bad-port' && /destinationPort is required/.test(d.message)));
  const hostBits = '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  egress: [{action: Deny, to: [{networks: [10.0.0.1/8]}]}]\n';
  const a2 = load(cnp('v1alpha2', hostBits));
  assert.equal(a2.inventory.adminPolicies!.length, 1);
  assert.ok(a2.diagnostics.some((d) => d.code === 'cidr-host-bits' && d.severity === 'warning'));
  const b1 = load(cnp('v1beta1', hostBits));
  assert.equal(b1.inventory.adminPolicies!.length, 0);
  assert.ok(b1.diagnostics.some((d) => d.code === 'bad-cidr' && d.severity === 'error'));
  assert.ok(load(cnp('v1', '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n')).diagnostics.some((d) => d.code === 'api-version' && d.severity === 'error'));
});

const CORPUS = process.env['BULKHEAD_NETPOL_CORPUS'] ?? '/work/shared/corpus/netpol-analyzer';

test('netpol-analyzer bad-path ANP/BANP inputs: each is rejected with an error in the policy file', { skip: !existsSync(join(CORPUS, 'tests')) && 'shared corpus not found' }, () => {
  const dirs = readdirSync(join(CORPUS, 'tests')).filter((d) => /^b?anp_bad_path_test_/.test(d) && d !== 'anp_bad_path_test_3');
  assert.ok(dirs.length >= 20);
  for (const d of dirs) {
    const dir = join(CORPUS, 'tests', d);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    const r = loadFromTexts(files.map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })));
    assert.ok(r.diagnostics.some((x) => x.code === 'invalid-admin-policy' && !x.source?.file.endsWith('manifests.yaml')), `${d}: ${r.diagnostics.map((x) => x.code).join(', ')}`);
  }
});

test('nodes peers without Node objects, and domainNames, are warnings on the peer', () => {
  const text = `${ANP_HEAD}  priority: 1
  subject: {namespaces: {}}
  egress:
  - name: to-nodes
    action: Deny
    to:
    - nodes: {}
  - action: Allow
    to:
    - domainNames: [example.com]
`;
  const r = load(text);
  const nodes = r.diagnostics.find((d) => d.code === 'admin-nodes-unknown')!;
  assert.equal(nodes.severity, 'warning');
  assert.equal(nodes.source?.line, 12);
  assert.match(nodes.message, /^AdminNetworkPolicy a: spec.egress\[0\] \(to-nodes\): a nodes peer .* the input has none/);
  const dn = r.diagnostics.find((d) => d.code === 'admin-domain-names')!;
  assert.equal(dn.source?.line, 15);
  assert.match(dn.message, /domainNames example.com are resolved by DNS/);
  const withNode = load(`${text}---\napiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n`);
  assert.ok(!withNode.diagnostics.some((d) => d.code === 'admin-nodes-unknown'), 'a Node object in the input: the peer can be evaluated');
});
