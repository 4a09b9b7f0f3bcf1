/** The check registry and a table-driven CheckTester: each check's valid and invalid clusters, built in code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CHECKS, type Check } from '../src/checks/index.js';
import { auditOf, defaultDeny, ns, pod, policy } from './fixtures/audit/builders.js';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../src/settings/index.js';

const NOT_CHECKS = new Set(['types.ts', 'controls.ts', 'util.ts', 'admin-util.ts', 'index.ts']);

test('the registry is sorted, unique, and holds every check file', () => {
  const ids = CHECKS.map((c) => c.meta.id);
  assert.deepEqual(ids, [...ids].sort(), 'src/checks/index.ts must stay sorted by id');
  assert.equal(new Set(ids).size, ids.length, 'duplicate check id');
  const files = readdirSync(new URL('../../src/checks/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && !NOT_CHECKS.has(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual(files, [...ids].sort(), 'each src/checks/<id>.ts must be registered under its file name');
});

test('every check carries complete metadata', () => {
  for (const c of CHECKS) {
    const m = c.meta;
    assert.match(m.id, /^[a-z][a-z0-9-]*$/);
    assert.ok(m.title.length > 0 && m.remediation.length > 20, `${m.id}: title and remediation`);
    assert.ok(m.controls.length > 0, `${m.id}: maps to no control`);
    assert.ok(Object.keys(m.messages).length > 0, `${m.id}: no messages`);
    assert.equal(m.requiresIntent === true, m.category !== 'hygiene' && m.category !== 'input', `${m.id}: only hygiene and input checks run without an intent`);
  }
});

interface Case {
  readonly name: string;
  readonly manifests: readonly object[];
  readonly intent?: string;
}
interface Invalid extends Case {
  readonly errors: ReadonlyArray<{ readonly messageId?: string; readonly resource?: string; readonly severity?: string; readonly message?: string }>;
}

const tested = new Set<string>();

/** ESLint's RuleTester for Bulkhead: valid cases yield no finding of the check, invalid ones exactly the listed findings. */
function checkTester(id: string, cases: { valid: readonly Case[]; invalid: readonly Invalid[] }): void {
  const check = CHECKS.find((c) => c.meta.id === id) as Check;
  tested.add(id);
  for (const v of cases.valid) {
    test(`${id} valid: ${v.name}`, () => {
      const fs = auditOf(v.manifests, v.intent, { checks: [check] }).findings;
      assert.deepEqual(fs.map((f) => f.message), []);
    });
  }
  for (const inv of cases.invalid) {
    test(`${id} invalid: ${inv.name}`, () => {
      const fs = auditOf(inv.manifests, inv.intent, { checks: [check] }).findings;
      assert.equal(fs.length, inv.errors.length, `expected ${inv.errors.length} finding(s), got: ${fs.map((f) => `${f.resource}: ${f.message}`).join(' | ')}`);
      inv.errors.forEach((e, i) => {
        const f = fs[i]!;
        if (e.messageId) assert.equal(f.messageId, e.messageId);
        if (e.resource) assert.equal(f.resource, e.resource);
        if (e.severity) assert.equal(f.severity, e.severity);
        if (e.message) assert.ok(f.message.includes(e.message), `"${f.message}" does not say "${e.message}"`);
        assert.ok(f.location, 'finding without a location');
      });
    });
  }
}

const web = pod('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]);
const api = pod('shop', 'api', { app: 'api' }, [{ name: 'http', containerPort: 9000 }]);
const db = pod('shop', 'db', { app: 'db' }, [{ name: 'pg', containerPort: 5432 }]);
const dns = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]);
const openshiftDns = pod('openshift-dns', 'dns-default', { 'dns.operator.openshift.io/daemonset-dns': 'default' }, [
  { name: 'dns', containerPort: 5353, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 5353, protocol: 'TCP' },
]);
const toOpenshiftDns = (ports: number[]): object => ({
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } } }],
  ports: ports.flatMap((port) => [{ port, protocol: 'UDP' }, { port, protocol: 'TCP' }]),
});
const toDns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] };

checkTester('all-namespaces-peer', {
  valid: [
    { name: 'named namespace', manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }] }] })] },
    { name: 'own namespace (no namespaceSelector)', manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })] },
  ],
  invalid: [
    {
      name: 'every pod of every namespace',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 5432 }] }] })],
      errors: [{ messageId: 'ingress', severity: 'warning', resource: 'NetworkPolicy shop/db', message: 'every pod of every namespace, including namespaces created later, on TCP 5432' }],
    },
    {
      name: 'egress, with an empty podSelector',
      manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }] }] })],
      errors: [{ messageId: 'egress', severity: 'warning' }],
    },
    {
      name: 'a podSelector narrows it: info',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] }] })],
      errors: [{ messageId: 'ingress', severity: 'info', message: 'the pods labelled app=prometheus' }],
    },
  ],
});

checkTester('allow-all-ingress', {
  valid: [{ name: 'named sources', manifests: [db, policy('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })] }],
  invalid: [
    { name: 'empty rule', manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{}] })], errors: [{ messageId: 'all', severity: 'warning', resource: 'NetworkPolicy shop/db' }] },
    { name: 'ports only', manifests: [web, policy('shop', 'web', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] })], errors: [{ messageId: 'ports', severity: 'info' }] },
  ],
});

checkTester('allow-all-egress', {
  valid: [{ name: 'ports only is egress-to-internet, not allow-all', manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] })] }],
  invalid: [{ name: 'empty rule', manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })], errors: [{ messageId: 'all' }] }],
});

checkTester('dead-peer', {
  valid: [
    { name: 'peer matches a pod', manifests: [web, api, policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })] },
    { name: 'ipBlocks are never dead', manifests: [api, policy('shop', 'api', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })] },
  ],
  invalid: [
    { name: 'pod typo', manifests: [web, api, policy('shop', 'api', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'wbe' } } }] }] })], errors: [{ messageId: 'podsInInput', severity: 'info' }] },
    {
      name: 'namespace typo',
      manifests: [web, api, policy('shop', 'api', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'nobody' } } }] }] })],
      errors: [{ messageId: 'namespaceInInput', severity: 'info' }],
    },
  ],
});

test('dead-peer: a whole-cluster input (settings) makes it a warning that the peer matches nothing at all', () => {
  const check = CHECKS.find((c) => c.meta.id === 'dead-peer') as Check;
  const manifests = [web, api, policy('shop', 'api', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'nobody' } } }, { podSelector: { matchLabels: { app: 'wbe' } } }] }] })];
  const whole = auditOf(manifests, undefined, { checks: [check], settings: { ...DEFAULT_SETTINGS, wholeCluster: true } }).findings;
  assert.deepEqual(whole.map((f) => [f.messageId, f.severity]), [['namespace', 'warning'], ['pods', 'warning']]);
  assert.match(whole[0]!.message, /matches no namespace \(the input is the whole cluster\)/);
  const part = auditOf(manifests, undefined, { checks: [check] }).findings;
  assert.deepEqual(part.map((f) => [f.messageId, f.severity]), [['namespaceInInput', 'info'], ['podsInInput', 'info']]);
  assert.match(part[1]!.message, /matches nothing in the input/);
});

checkTester('cni-dependent-rule', {
  valid: [
    {
      name: 'ipBlock outside every known pod address, numeric port, no endPort',
      manifests: [{ ...(pod('shop', 'api', { app: 'api' }) as Record<string, unknown>), status: { podIP: '10.244.1.7' } }, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] })],
    },
    { name: 'named port towards pods', manifests: [web, policy('shop', 'w', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'http' }] }] })] },
  ],
  invalid: [
    {
      name: 'ipBlock holding a pod address',
      manifests: [{ ...(pod('shop', 'api', { app: 'api' }) as Record<string, unknown>), status: { podIP: '10.244.1.7' } }, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }] })],
      errors: [{ messageId: 'ipblockPods', resource: 'NetworkPolicy shop/w' }],
    },
    {
      name: 'the except clause leaves the pod out',
      manifests: [{ ...(pod('shop', 'api', { app: 'api' }) as Record<string, unknown>), status: { podIP: '10.244.1.7' } }, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } }], ports: [{ port: 'http' }] }] })],
      errors: [{ messageId: 'namedPortIpBlock' }],
    },
    {
      name: 'endPort is info',
      manifests: [web, policy('shop', 'w', { podSelector: {}, ingress: [{ ports: [{ port: 9090, endPort: 9100 }] }] })],
      errors: [{ messageId: 'endPort', severity: 'info' }],
    },
  ],
});

checkTester('egress-to-internet', {
  valid: [{ name: 'a partner CIDR', manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }] })] }],
  invalid: [
    { name: '0.0.0.0/0', manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], errors: [{ messageId: 'block' }] },
    { name: '::/0', manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }] })], errors: [{ messageId: 'block' }] },
    { name: 'no to, some ports', manifests: [web, policy('shop', 'w', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] })], errors: [{ messageId: 'any' }] },
  ],
});

checkTester('egress-without-dns', {
  valid: [
    { name: 'egress not isolated', manifests: [web] },
    { name: 'DNS allowed to kube-dns', manifests: [web, dns, defaultDeny('shop'), policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [toDns] })] },
  ],
  invalid: [
    { name: 'default deny only', manifests: [web, dns, defaultDeny('shop')], errors: [{ resource: 'Pod shop/web' }] },
    { name: 'DNS rule towards no pod', manifests: [web, defaultDeny('shop'), policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [toDns] })], errors: [{}] },
    // UDP 53 open, but to pods that are not the DNS: the DNS pods of the input are where lookups go.
    { name: 'UDP 53 to the wrong pods', manifests: [web, api, dns, defaultDeny('shop'), policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] })], errors: [{}, {}] },
    // OpenShift: the DNS pods listen on 5353 (the Service maps 53 to it, and policies see the pod port).
    { name: 'OpenShift: port 53 is not where the DNS listens', manifests: [web, openshiftDns, defaultDeny('shop'), policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [toOpenshiftDns([53])] })], errors: [{ resource: 'Pod shop/web', message: 'UDP 5353, declared by openshift-dns/dns-default' }] },
  ],
});

test('egress-without-dns: the DNS pods\' declared ports, else the settings, else UDP 53', () => {
  const check = CHECKS.find((c) => c.meta.id === 'egress-without-dns')!;
  const run = (manifests: object[], settings?: Settings): string[] => auditOf(manifests, undefined, { checks: [check], ...(settings ? { settings } : {}) }).findings.map((f) => f.message);
  const allow = (ports: number[]): object => policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [toOpenshiftDns(ports)] });
  // Declared ports win: 5353 is right, 53 is not.
  assert.deepEqual(run([web, openshiftDns, defaultDeny('shop'), allow([5353])]), []);
  assert.equal(run([web, openshiftDns, defaultDeny('shop'), allow([53])]).length, 1);
  // DNS pods without declared ports (or not in the input): the settings say where DNS listens.
  const bare = pod('openshift-dns', 'dns-default-x', { 'dns.operator.openshift.io/daemonset-dns': 'default' });
  const settings = parseSettings('dns: {ports: [UDP/5353, TCP/5353]}\n', 'bulkhead.settings.yaml');
  assert.deepEqual(run([web, bare, defaultDeny('shop'), allow([5353])], settings), []);
  assert.match(run([web, bare, defaultDeny('shop'), allow([53])], settings).join(), /UDP 5353, set in bulkhead\.settings\.yaml/);
  // Neither: UDP 53.
  assert.deepEqual(run([web, bare, defaultDeny('shop'), allow([53])]), []);
  assert.match(run([web, bare, defaultDeny('shop'), allow([5353])]).join(), /UDP 53, the default/);
  // DNS on the host network is reached at node addresses: a rule towards an ipBlock carries it.
  const hostDns = { ...(openshiftDns as { spec: object }), spec: { ...(openshiftDns as { spec: object }).spec, hostNetwork: true } };
  const toNodes = policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }], ports: [{ port: 5353, protocol: 'UDP' }] }] });
  assert.deepEqual(run([web, hostDns, defaultDeny('shop'), toNodes]), []);
  assert.equal(run([web, hostDns, defaultDeny('shop'), allow([5353])]).length, 1, 'selectors never match hostNetwork pods');
  // A named port resolves against the DNS pods.
  assert.deepEqual(run([web, openshiftDns, defaultDeny('shop'), policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'dns', protocol: 'UDP' }] }] })]), []);
});

const only = (name: string, app: string, spec: object): object => policy('shop', name, { podSelector: { matchLabels: { app } }, ...spec });
checkTester('missing-default-deny-ingress', {
  valid: [{ name: 'namespace-wide ingress policy', manifests: [web, defaultDeny('shop', ['Ingress'])] }],
  invalid: [
    { name: 'no policy', manifests: [web, api], errors: [{ resource: 'Namespace shop', messageId: 'missing', severity: 'warning', message: '2 of 2 workload(s) accept' }] },
    { name: 'a per-app policy is not a default', manifests: [web, api, only('web', 'web', { ingress: [] })], errors: [{ messageId: 'missing', message: '1 of 2 workload(s)' }] },
    // Isolated, but by a policy that admits everything: still open from anywhere.
    { name: 'allow-all policies count as open', manifests: [web, api, only('web', 'web', { ingress: [{}] }), only('api', 'api', { ingress: [{ from: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }] }] })], errors: [{ messageId: 'missing', message: '2 of 2 workload(s)' }] },
    // Nothing is open today: the finding says so and is only info, not a warning about "0 of 2".
    { name: 'every workload closed one by one', manifests: [web, api, only('web', 'web', { ingress: [] }), only('api', 'api', { ingress: [{ ports: [{ port: 9000 }] }] })], errors: [{ messageId: 'future', severity: 'info', message: 'each of its 2 workload(s)' }] },
  ],
});

checkTester('missing-default-deny-egress', {
  valid: [{ name: 'namespace-wide egress policy', manifests: [web, defaultDeny('shop', ['Egress'])] }],
  invalid: [
    { name: 'ingress-only default', manifests: [web, defaultDeny('shop', ['Ingress'])], errors: [{ resource: 'Namespace shop', severity: 'info', message: '1 of 1 workload(s) may connect anywhere' }] },
    { name: 'allow-all egress counts as open', manifests: [web, api, only('w', 'web', { policyTypes: ['Egress'], egress: [{}] }), only('a', 'api', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }] }] })], errors: [{ messageId: 'missing', message: '2 of 2 workload(s) may connect anywhere' }] },
    { name: 'egress to 0.0.0.0/0 on one port is not anywhere', manifests: [web, only('w', 'web', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] })], errors: [{ messageId: 'future', message: 'each of its 1 workload(s)' }] },
  ],
});

const annotated = (value: string): object => ns('legacy', {}, { 'net.beta.kubernetes.io/network-policy': value });
const legacyPod = pod('legacy', 'app', { app: 'app' });
checkTester('obsolete-isolation-annotation', {
  valid: [{ name: 'a default-deny policy, no annotation', manifests: [ns('legacy'), legacyPod, defaultDeny('legacy', ['Ingress'])] }],
  invalid: [
    { name: 'the annotation alone', manifests: [annotated('{"ingress": {"isolation": "DefaultDeny"}}'), legacyPod], errors: [{ messageId: 'ignored', severity: 'warning', resource: 'Namespace legacy', message: 'ignores since 1.7' }] },
    { name: 'beside a real default deny: info', manifests: [annotated('{"ingress": {"isolation": "DefaultDeny"}}'), legacyPod, defaultDeny('legacy', ['Ingress'])], errors: [{ messageId: 'redundant', severity: 'info' }] },
  ],
});

checkTester('policy-selects-nothing', {
  valid: [{ name: 'selects a pod', manifests: [web, policy('shop', 'p', { podSelector: { matchLabels: { app: 'web' } } })] }],
  invalid: [
    { name: 'typo', manifests: [web, policy('shop', 'p', { podSelector: { matchLabels: { app: 'wbe' } } })], errors: [{ resource: 'NetworkPolicy shop/p' }] },
    { name: 'another namespace', manifests: [web, policy('other', 'p', { podSelector: {} })], errors: [{}] },
  ],
});

checkTester('shadowed-rule', {
  valid: [
    {
      name: 'AND peer',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }] }] })],
    },
    {
      name: 'different ports are not shadowed',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 80 }] }, { from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] }] })],
    },
    {
      name: 'a policy on other pods does not shadow',
      manifests: [db, api, policy('shop', 'a', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{}] }), policy('shop', 'b', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 1 }] }] })],
    },
  ],
  invalid: [
    {
      name: 'OR peers',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { app: 'api' } } }] }] })],
      errors: [{ messageId: 'peer' }],
    },
    {
      name: 'rule under a broader rule of a namespace-wide policy',
      manifests: [
        db,
        policy('shop', 'all', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
        policy('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] }] }),
      ],
      errors: [{ messageId: 'rule', resource: 'NetworkPolicy shop/db' }],
    },
    {
      name: 'identical rules: only the later one',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ ports: [{ port: 1 }] }, { ports: [{ port: 1 }] }] })],
      errors: [{ messageId: 'rule' }],
    },
    {
      name: 'narrower ipBlock',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '10.1.0.0/16' } }] }] })],
      errors: [{ messageId: 'peer' }],
    },
  ],
});

// A client that declares no port, so that it is not itself reported.
const client = pod('shop', 'client', { app: 'api' });
checkTester('unreachable-workload', {
  valid: [
    { name: 'not isolated', manifests: [db] },
    { name: 'a client may connect', manifests: [db, client, defaultDeny('shop', ['Ingress']), only('db', 'db', { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] }] })] },
    { name: 'no declared port', manifests: [pod('shop', 'job', { app: 'job' }), defaultDeny('shop', ['Ingress'])] },
    { name: 'reachable from outside', manifests: [web, defaultDeny('shop', ['Ingress']), only('web', 'web', { ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }] })] },
  ],
  invalid: [
    { name: 'default deny and nothing else', manifests: [db, defaultDeny('shop', ['Ingress'])], errors: [{ resource: 'Pod shop/db', message: 'declares TCP 5432' }] },
    // Admitted on the wrong port, or from a client whose egress cannot get there: still cut off.
    { name: 'the rule names another port', manifests: [db, client, defaultDeny('shop', ['Ingress']), only('db', 'db', { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5433 }] }] })], errors: [{ resource: 'Pod shop/db' }] },
    {
      name: 'the client may not send',
      manifests: [db, client, defaultDeny('shop'), only('db', 'db', { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })],
      errors: [{ resource: 'Pod shop/db' }],
    },
  ],
});

checkTester('unresolved-named-port', {
  valid: [{ name: 'port declared', manifests: [web, policy('shop', 'w', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })] }],
  invalid: [
    { name: 'ingress name unknown', manifests: [web, policy('shop', 'w', { podSelector: {}, ingress: [{ ports: [{ port: 'https' }] }] })], errors: [{ messageId: 'ingress' }] },
    { name: 'wrong protocol', manifests: [web, policy('shop', 'w', { podSelector: {}, ingress: [{ ports: [{ port: 'http', protocol: 'UDP' }] }] })], errors: [{ messageId: 'ingress' }] },
    {
      name: 'egress name unknown on the peers',
      manifests: [web, db, policy('shop', 'w', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 'http' }] }] })],
      errors: [{ messageId: 'egress' }],
    },
  ],
});

checkTester('unselected-pods', {
  valid: [{ name: 'selected', manifests: [web, defaultDeny('shop', ['Egress'])] }],
  invalid: [{ name: 'nothing selects it', manifests: [web, policy('shop', 'other', { podSelector: { matchLabels: { app: 'nope' } } })], errors: [{ resource: 'Pod shop/web' }] }],
});

const tiers = `segments:
  web: {namespace: shop, labels: {app: web}}
  api: {namespace: shop, labels: {app: api}}
  db: {namespace: shop, labels: {app: db}, sensitive: true}
flows:
  - {from: web, to: api, ports: [TCP/9000]}
  - {from: api, to: db, ports: [TCP/5432]}
`;
const closed = [defaultDeny('shop')];
const allowIn = (name: string, to: string, from: string, port: number): object =>
  policy('shop', name, { podSelector: { matchLabels: { app: to } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: from } } }], ports: [{ port }] }] });
const allowOut = (name: string, from: string, to: string, port?: number): object =>
  policy('shop', name, { podSelector: { matchLabels: { app: from } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: to } } }], ...(port ? { ports: [{ port }] } : {}) }] });
const wired = [web, api, db, ...closed, allowIn('api-in', 'api', 'web', 9000), allowOut('web-out', 'web', 'api', 9000), allowIn('db-in', 'db', 'api', 5432), allowOut('api-out', 'api', 'db', 5432)];

checkTester('intent-violation', {
  valid: [{ name: 'exactly the flows', manifests: wired, intent: tiers }],
  invalid: [
    {
      name: 'web reaches the sensitive db',
      manifests: [...wired, allowIn('db-web', 'db', 'web', 5432), allowOut('web-db', 'web', 'db', 5432)],
      intent: tiers,
      errors: [{ severity: 'error', resource: 'NetworkPolicy shop/db-web' }],
    },
    // api → web, web and api to and from the world (unclaimed outside addresses); web → api is a flow.
    { name: 'nothing isolated: blamed on the namespace', manifests: [web, api], intent: tiers, errors: Array(5).fill({ resource: 'Namespace shop' }) },
  ],
});

checkTester('intent-overbroad', {
  valid: [{ name: 'exactly the ports', manifests: wired, intent: tiers }],
  invalid: [{ name: 'db ingress on every port', manifests: [web, api, db, ...closed, allowIn('api-in', 'api', 'web', 9000), allowOut('web-out', 'web', 'api', 9000), allowOut('api-out', 'api', 'db'), policy('shop', 'db-in', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })], intent: tiers, errors: [{ resource: 'NetworkPolicy shop/db-in' }] }],
});

checkTester('intent-broken-flow', {
  valid: [{ name: 'flows open', manifests: wired, intent: tiers }],
  invalid: [
    { name: 'api to db blocked', manifests: [web, api, db, ...closed, allowIn('api-in', 'api', 'web', 9000), allowOut('web-out', 'web', 'api', 9000)], intent: tiers, errors: [{ messageId: 'blocked', resource: 'Flow #2 api => db' }] },
    { name: 'segment without members', manifests: [web, api, ...closed, allowIn('api-in', 'api', 'web', 9000), allowOut('web-out', 'web', 'api', 9000)], intent: tiers, errors: [{ messageId: 'no-destination' }] },
  ],
});

checkTester('intent-unmapped', {
  valid: [{ name: 'all mapped', manifests: [web, api, db], intent: tiers }],
  invalid: [{ name: 'a new service', manifests: [web, api, db, pod('shop', 'report', { app: 'report' })], intent: tiers, errors: [{ resource: 'Pod shop/report' }] }],
});

checkTester('intent-empty-segment', {
  valid: [{ name: 'all segments used', manifests: [web, api, db], intent: tiers }],
  invalid: [{ name: 'no db', manifests: [web, api], intent: tiers, errors: [{ resource: 'Segment db' }] }],
});

const envs = `segments:
  prod: {namespaceLabels: {env: prod}}
  dev: {namespaceLabels: {env: dev}}
invariants:
  - never: {from: dev, to: prod}
`;
const envCluster = [ns('p', { env: 'prod' }), ns('d', { env: 'dev' }), pod('p', 'db', { app: 'db' }), pod('d', 'api', { app: 'api' })];
checkTester('intent-never', {
  valid: [{ name: 'prod admits prod only', manifests: [...envCluster, policy('p', 'in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }] })], intent: envs }],
  invalid: [{ name: 'open', manifests: envCluster, intent: envs, errors: [{ severity: 'error' }] }],
});

const tenants = `segments:
  all: {namespace: "*"}
invariants:
  - isolated: tenant
`;
const tenantCluster = [ns('a'), ns('b'), pod('a', 'x', { tenant: 'acme' }), pod('b', 'y', { tenant: 'globex' }), pod('a', 'z', { tenant: 'acme', role: 'z' })];
checkTester('intent-isolated', {
  valid: [
    {
      name: 'tenants closed to each other',
      manifests: [...tenantCluster, ...['a', 'b'].map((n) => policy(n, 'same-tenant', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { tenant: n === 'a' ? 'acme' : 'globex' } } }] }] }))],
      intent: tenants,
    },
  ],
  invalid: [{ name: 'open both ways', manifests: tenantCluster, intent: tenants, errors: [{ messageId: 'label' }, { messageId: 'label' }] }],
});

const egressIntent = `segments:
  app: {namespace: shop}
  partner: {cidrs: [203.0.113.0/24]}
invariants:
  - egress: {from: app, allow: [partner, 198.51.100.7]}
`;
checkTester('intent-egress', {
  valid: [
    {
      name: 'only the allowed addresses',
      manifests: [web, policy('shop', 'e', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '198.51.100.7/32' } }] }] })],
      intent: egressIntent,
    },
  ],
  invalid: [{ name: 'anywhere', manifests: [web], intent: egressIntent, errors: [{ severity: 'error' }] }],
});

const flatIntent = `settings: {flatThreshold: 0.6}
segments:
  tools: {namespace: tools}
  rest: {namespace: "*"}
`;
const flatCluster = [pod('tools', 't', { app: 't' }), pod('a', 'a', { app: 'a' }), pod('b', 'b', { app: 'b' }), pod('c', 'c', { app: 'c' })];
const onlyTo = (n: string): object => policy('tools', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } }] }] });
checkTester('intent-flat-segment', {
  valid: [{ name: 'reaches one of three', manifests: [...flatCluster, onlyTo('a')], intent: flatIntent }],
  invalid: [
    { name: 'reaches all', manifests: flatCluster, intent: flatIntent, errors: [{ resource: 'Segment tools' }] },
    { name: 'reaches two of three, above a 60% threshold', manifests: [...flatCluster, defaultDeny('c', ['Ingress'])], intent: flatIntent, errors: [{}] },
  ],
});

checkTester('policy-selects-nothing', {
  valid: [],
  invalid: [
    {
      name: 'a policy that selects only hostNetwork pods protects nothing, and says why',
      manifests: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'node-exporter', namespace: 'mon', labels: { app: 'ne' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x' }] } },
        policy('mon', 'ne', { podSelector: { matchLabels: { app: 'ne' } }, ingress: [] }),
      ],
      errors: [{ messageId: 'hostNetworkOnly', severity: 'warning', resource: 'NetworkPolicy mon/ne' }],
    },
  ],
});

const cilium = (name: string, endpointSelector: object): object => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name, namespace: 'shop' },
  spec: { endpointSelector, ingress: [{ fromEndpoints: [{}] }] },
});

checkTester('unmodelled-object', {
  valid: [{ name: 'only Kubernetes NetworkPolicies', manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{}] })] }],
  invalid: [
    { name: 'a CiliumNetworkPolicy', manifests: [db, cilium('db-only', { matchLabels: { app: 'db' } })], errors: [{ severity: 'error', resource: 'CiliumNetworkPolicy shop/db-only' }] },
  ],
});

checkTester('input-error', {
  valid: [{ name: 'a valid policy', manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })] }],
  invalid: [
    {
      name: 'a policy the API server rejects (bad CIDR)',
      manifests: [db, policy('shop', 'db', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] })],
      // The field problem and the policy skipped: both are errors the results do not reflect.
      errors: [{ messageId: 'error', severity: 'error' }, { messageId: 'error', severity: 'error' }],
      },
    ],
  });

checkTester('voided-default-deny', {
  valid: [
    { name: 'default deny and narrow allows', manifests: [web, db, defaultDeny('shop'), only('db', 'db', { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] })] },
    { name: 'allow-all without a default deny is allow-all-ingress, not this', manifests: [web, only('web', 'web', { ingress: [{}] })] },
  ],
  invalid: [
    {
      name: 'ingress: [{}] on one of two workloads',
      manifests: [web, db, defaultDeny('shop', ['Ingress']), only('web', 'web', { ingress: [{}] })],
      errors: [{ messageId: 'ingress', resource: 'NetworkPolicy shop/default-deny-ingress', message: 'void for 1 of 2 workload(s) (shop/web[Pod]): through shop/web, every connection' }],
    },
    {
      name: 'egress: every namespace plus the internet adds up to everything',
      manifests: [web, defaultDeny('shop', ['Egress']), policy('shop', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })],
      errors: [{ messageId: 'egress', message: 'through shop/out, they may connect anywhere' }],
    },
  ],
});

test('every registered check has CheckTester cases', () => {
  assert.deepEqual(CHECKS.map((c) => c.meta.id).filter((id) => !tested.has(id)), []);
});

/** An AdminNetworkPolicy (v1alpha1) object. */
function anp(name: string, priority: number, spec: object): object {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec: { priority, ...spec } };
}
/** The BaselineAdminNetworkPolicy (named default). */
function banp(spec: object): object {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec };
}
const nsSel = (name: string): object => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const inShop = { namespaces: nsSel('shop') };
const scraper = pod('monitoring', 'prometheus', { app: 'prometheus' });

checkTester('admin-shadowed-rule', {
  valid: [
    {
      name: 'a narrow rule before a broad one',
      manifests: [api, scraper, anp('a', 10, { subject: inShop, ingress: [{ name: 'scrape', action: 'Allow', from: [{ namespaces: nsSel('monitoring') }], ports: [{ portNumber: { protocol: 'TCP', port: 9090 } }] }, { name: 'rest', action: 'Deny', from: [{ namespaces: {} }] }] })],
    },
    {
      name: 'a later rule on other ports than the earlier one',
      manifests: [api, scraper, anp('a', 10, { subject: inShop, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { protocol: 'TCP', port: 22 } }] }, { action: 'Allow', from: [{ namespaces: nsSel('monitoring') }] }] })],
    },
  ],
  invalid: [
    {
      name: 'a rule below a broader one in the same policy',
      manifests: [api, scraper, anp('a', 10, { subject: inShop, ingress: [{ name: 'all', action: 'Deny', from: [{ namespaces: {} }] }, { name: 'scrape', action: 'Allow', from: [{ namespaces: nsSel('monitoring') }] }] })],
      errors: [{ messageId: 'shadowed', resource: 'AdminNetworkPolicy a', message: 'ingress rule #2 (scrape) (accept) is never reached: for every pod and peer it matches, AdminNetworkPolicy a (priority 10) ingress rule #1 (all)' }],
    },
    {
      name: 'a rule of a policy with a higher priority number, shadowed by another policy',
      manifests: [api, scraper, anp('first', 5, { subject: { namespaces: {} }, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }), anp('second', 50, { subject: inShop, ingress: [{ action: 'Deny', from: [{ namespaces: nsSel('monitoring') }] }] })],
      errors: [{ messageId: 'shadowed', resource: 'AdminNetworkPolicy second', message: 'AdminNetworkPolicy first (priority 5) ingress rule #1' }],
    },
  ],
});

checkTester('admin-pass-to-baseline', {
  valid: [{ name: 'a NetworkPolicy isolates the pods below the Pass', manifests: [api, defaultDeny('shop', ['Ingress']), anp('d', 20, { subject: inShop, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] })] }],
  invalid: [
    {
      name: 'nothing below the Pass but the default',
      manifests: [api, anp('d', 20, { subject: inShop, ingress: [{ name: 'delegate', action: 'Pass', from: [{ namespaces: {} }] }] })],
      errors: [{ messageId: 'pass', resource: 'AdminNetworkPolicy d', message: 'no NetworkPolicy isolates the ingress of 1 workload(s) it applies to (shop/api[Pod]): their traffic falls to the default (allow)' }],
    },
    {
      name: 'a baseline below: named',
      manifests: [api, anp('d', 20, { subject: inShop, egress: [{ action: 'Pass', to: [{ namespaces: {} }] }] }), banp({ subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }] }] })],
      errors: [{ messageId: 'pass', message: 'falls to the baseline tier, then the default (allow)' }],
    },
  ],
});

checkTester('admin-priority-overlap', {
  valid: [
    { name: 'different priorities', manifests: [api, anp('a', 10, { subject: inShop, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] }), anp('b', 11, { subject: inShop, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] })] },
    { name: 'same priority, other directions', manifests: [api, anp('a', 10, { subject: inShop, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] }), anp('b', 10, { subject: inShop, egress: [{ action: 'Allow', to: [{ namespaces: {} }] }] })] },
  ],
  invalid: [
    {
      name: 'same priority, same pods, same direction',
      manifests: [api, anp('a', 10, { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] }), anp('b', 10, { subject: inShop, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] })],
      errors: [{ messageId: 'overlap', resource: 'AdminNetworkPolicy b', message: 'AdminNetworkPolicy a and AdminNetworkPolicy b have the same priority 10 and both apply to the ingress of 1 workload(s) (shop/api[Pod])' }],
    },
  ],
});

const dbIn = (ns: string): object => pod(ns, 'db', { app: 'db' }, [{ name: 'pg', containerPort: 5432 }]);
const webTo = 'segments:\n  web: {namespace: shop, labels: {app: web}}\n  db: {namespace: data, labels: {app: db}}\nflows:\n  - {from: web, to: db, ports: [TCP/5432]}\n';
checkTester('admin-deny-breaks-flow', {
  valid: [
    { name: 'the admin tier allows the flow above its deny', manifests: [web, dbIn('data'), anp('closed', 10, { subject: { namespaces: nsSel('data') }, ingress: [{ action: 'Allow', from: [{ namespaces: nsSel('shop') }], ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }] }, { action: 'Deny', from: [{ namespaces: {} }] }] })], intent: webTo },
    { name: 'blocked by a NetworkPolicy, not the admin tier (intent-broken-flow says so)', manifests: [web, dbIn('data'), defaultDeny('data', ['Ingress'])], intent: webTo },
  ],
  invalid: [
    {
      name: 'an admin Deny on the destination',
      manifests: [web, dbIn('data'), anp('closed', 10, { subject: { namespaces: nsSel('data') }, ingress: [{ name: 'nobody', action: 'Deny', from: [{ namespaces: {} }] }] })],
      intent: webTo,
      errors: [{ messageId: 'denied', severity: 'error', resource: 'AdminNetworkPolicy closed', message: 'flow #1 web => db on TCP 5432 is denied by AdminNetworkPolicy closed (priority 10) ingress rule #1 (nobody) (shop/web[Pod] => data/db[Pod])' }],
    },
    {
      name: 'a baseline Deny at the source (no NetworkPolicy isolates it)',
      manifests: [web, dbIn('data'), banp({ subject: inShop, egress: [{ name: 'stay-home', action: 'Deny', to: [{ namespaces: nsSel('data') }] }] })],
      intent: webTo,
      errors: [{ messageId: 'denied', resource: 'BaselineAdminNetworkPolicy default', message: 'egress rule #1 (stay-home)' }],
    },
  ],
});

checkTester('baseline-allows-past-default-deny', {
  valid: [
    { name: 'default deny in both directions', manifests: [dbIn('data'), defaultDeny('data'), banp({ subject: { namespaces: {} }, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] })] },
    { name: 'a baseline Deny opens nothing', manifests: [dbIn('data'), defaultDeny('data', ['Egress']), banp({ subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] })] },
  ],
  invalid: [
    {
      name: 'egress-only default deny, baseline allows ingress',
      manifests: [dbIn('data'), defaultDeny('data', ['Egress']), banp({ subject: { namespaces: {} }, ingress: [{ name: 'all', action: 'Allow', from: [{ namespaces: {} }] }] })],
      errors: [{ messageId: 'opens', resource: 'BaselineAdminNetworkPolicy default', message: 'namespace data has a default deny for egress only (data/default-deny-egress); its ingress is left to the baseline tier, where BaselineAdminNetworkPolicy default ingress rule #1 (all) allows it for 1 workload(s) (data/db[Pod])' }],
    },
  ],
});
