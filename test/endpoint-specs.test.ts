// --from/--to as users type them: a spec that names nothing is an error (exit 2) with one message in reach and
// explain, and an IPv6 address or CIDR gets the same answer from reach, explain and blast, whether or not the
// input mentions IPv6 anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../src/engine/index.js';
import { computeReach } from '../src/analyses/reach.js';
import { explain } from '../src/analyses/explain.js';
import { blast } from '../src/analyses/blast.js';
import { endpointMatcher } from '../src/analyses/endpoints.js';
import { PortSet } from '../src/model/port-set.js';
import { UserError } from '../src/util/errors.js';
import { runCli } from './helpers/run-cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKLOADS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: open, namespace: a}
spec: {template: {metadata: {labels: {app: open}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
    ports: [{port: 80}]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 443}]
`;

/** The same, plus a policy that lets IPv6 2001:db8::/32 reach web on TCP 8080 (so the engine models IPv6). */
const WITH_V6 = `${WORKLOADS}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-v6, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{ipBlock: {cidr: '2001:db8::/32'}}]
    ports: [{port: 8080}]
`;

function load(text: string): Analysis {
  return analyze(loadFromTexts([{ path: 'c.yaml', text }]).inventory);
}

/** What reach says from `spec` to the workload (union over the blocks the spec matches). */
function reachFrom(a: Analysis, spec: string, dst: string): PortSet {
  let s = PortSet.NONE;
  for (const c of computeReach(a, { from: spec, to: dst }).connections) s = s.union(c.conns);
  return s;
}

function reachTo(a: Analysis, src: string, spec: string): PortSet {
  let s = PortSet.NONE;
  for (const c of computeReach(a, { from: src, to: spec }).connections) s = s.union(c.conns);
  return s;
}

for (const [name, text] of [['IPv4-only input', WORKLOADS], ['input with an IPv6 ipBlock', WITH_V6]] as const) {
  test(`IPv6 addresses answer the same in reach, explain and blast (${name})`, () => {
    const a = load(text);
    for (const spec of ['2001:db8::1', '2001:db8::/32', '::/0', 'fd00::1']) {
      // ::/0 spans two blocks when 2001:db8::/32 is cut out: explain asks for one block, the others agree.
      const splits = text === WITH_V6 && spec === '::/0';
      for (const w of ['a/web', 'a/open']) {
        const r = reachFrom(a, spec, w);
        if (!splits) assert.ok(explain(a, spec, w).conns.equals(r), `${spec} => ${w}: explain ${explain(a, spec, w).conns} reach ${r}`);
        const back = reachTo(a, w, spec);
        if (!splits) assert.ok(explain(a, w, spec).conns.equals(back), `${w} => ${spec}`);
        const reached = blast(a, { from: spec, hops: 1 });
        assert.equal(reached.mode, 'from');
        const hit = reached.mode === 'from' && reached.reached.some((x) => x.endpoint.id === `${w}[Deployment]`);
        assert.equal(hit, !r.isEmpty(), `blast from ${spec} reaches ${w} iff reach says so`);
      }
      // Unisolated: everything, both ways. Isolated web: nothing to or from IPv6, but 8080 from 2001:db8::/32.
      assert.ok(reachFrom(a, spec, 'a/open').isAll(), `${spec} => a/open`);
      assert.ok(reachTo(a, 'a/open', spec).isAll(), `a/open => ${spec}`);
      assert.ok(reachTo(a, 'a/web', spec).isEmpty(), `a/web => ${spec}: egress allows IPv4 only`);
      const inV6 = text === WITH_V6 && spec !== 'fd00::1';
      assert.ok(reachFrom(a, spec, 'a/web').equals(inV6 ? PortSet.of('TCP', 8080) : PortSet.NONE), `${spec} => a/web`);
    }
    if (text === WITH_V6) assert.throws(() => explain(a, '::/0', 'a/web'), (e: unknown) => e instanceof UserError && /spans addresses that policies treat differently/.test(e.message));
  });
}

test('explain takes a CIDR inside one block as the outside endpoint', () => {
  const a = load(WORKLOADS);
  assert.ok(explain(a, '10.1.0.0/16', 'a/web').conns.equals(PortSet.of('TCP', 80)));
  assert.throws(() => explain(a, '0.0.0.0/0', 'a/web'), (e: unknown) => e instanceof UserError && /spans addresses that policies treat differently/.test(e.message));
});

test('reach --from/--to that match nothing: the error explain gives', () => {
  const a = load(WORKLOADS);
  for (const spec of ['a/nothing', 'b/*', 'zz/']) {
    let explained: UserError | undefined;
    try {
      explain(a, spec, 'a/web');
    } catch (e) {
      explained = e as UserError;
    }
    // A glob matching nothing: explain's resolver says the same words.
    assert.ok(explained instanceof UserError, spec);
    for (const opts of [{ from: spec }, { to: spec }]) {
      assert.throws(() => computeReach(a, opts), (e: unknown) => e instanceof UserError && e.message === explained!.message, JSON.stringify(opts));
    }
  }
  // A spec matching something stays quiet even when nothing is allowed.
  assert.ok(endpointMatcher('a/web')({ id: 'a/web[Deployment]', kind: 'Deployment', namespace: 'a', name: 'web' }));
  assert.deepEqual(computeReach(a, { from: 'a/web', to: 'a/open' }).connections, []);
});

test('CLI: reach --from matching nothing exits 2 with explain\'s message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-spec-'));
  writeFileSync(join(dir, 'c.yaml'), WORKLOADS);
  const r = runCli(['reach', dir, '--from', 'a/nothing', '-q', '--no-settings']);
  const e = runCli(['explain', dir, '--from', 'a/nothing', '--to', 'a/web', '-q', '--no-settings']);
  assert.equal(r.code, 2, r.stdout);
  assert.equal(e.code, 2);
  assert.equal(r.stderr, e.stderr);
  assert.match(r.stderr, /no workload, pod or address matches "a\/nothing"/);
  const v6 = runCli(['reach', dir, '--to', '::/0', '-q', '--no-settings']);
  assert.equal(v6.code, 0, v6.stderr);
  assert.match(v6.stdout, /^(?:[^\n]*\n)*a\/open\[Deployment\] => ::\/0 : All Connections\n$/);
});

test('--from/--to internet: reach lists every outside endpoint; explain asks for one address', () => {
  const all = runCli(['reach', 'examples/shop', '-o', 'json', '-q']);
  const outside = (JSON.parse(all.stdout).connections as Array<{ src: string; dst: string }>).filter((c) => c.src.startsWith('internet') || /^\d/.test(c.src));
  const from = runCli(['reach', 'examples/shop', '--from', 'internet', '-o', 'json', '-q']);
  assert.equal(from.code, 0, from.stderr);
  const got = JSON.parse(from.stdout).connections as Array<{ src: string; dst: string }>;
  assert.ok(got.length > 0);
  assert.deepEqual(got.map((c) => `${c.src}>${c.dst}`), outside.map((c) => `${c.src}>${c.dst}`));
  assert.ok(endpointMatcher('internet')({ id: '0.0.0.0-9.255.255.255', kind: 'External' }));
  assert.ok(!endpointMatcher('internet')({ id: 'a/web[Deployment]', kind: 'Deployment', namespace: 'a', name: 'web' }));
  const ex = runCli(['explain', 'examples/shop', '--from', 'internet', '--to', 'shop-prod/frontend']);
  assert.equal(ex.code, 2);
  assert.match(ex.stderr, /"internet" is every outside address/);
});

test('--from internet on an AWS snapshot: every outside range, as the AWS listing names them', () => {
  const all = runCli(['reach', 'examples/aws', '-o', 'json', '-q']);
  const from = runCli(['reach', 'examples/aws', '--from', 'internet', '-o', 'json', '-q']);
  assert.equal(from.code, 0, from.stderr);
  const doc = JSON.parse(all.stdout) as { endpoints: Array<{ id: string; kind: string }>; connections: Array<{ src: string; dst: string }> };
  const outside = new Set(doc.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  const got = (JSON.parse(from.stdout) as typeof doc).connections.map((c) => `${c.src}>${c.dst}`);
  assert.ok(got.length > 0);
  assert.deepEqual(got, doc.connections.filter((c) => outside.has(c.src)).map((c) => `${c.src}>${c.dst}`));
});
