/** The intent file: loading with precise errors, segment membership, and drift checked against a pair-by-pair reference. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { loadIntent, parseIntent, IntentError, segmentsOf, clusterSegments, rangeSegments, drift, pairsOf, WORLD, type Intent } from '../src/analyses/intent/index.js';
import { familyMax, formatIp } from '../src/model/address.js';
import { probeAddresses } from './oracle/compare.js';
import { clusterEndpoints, externalEndpoint } from '../src/analyses/endpoints.js';
import { PortSet } from '../src/model/port-set.js';
import { analysisOf, ns, pod, policy, defaultDeny, yaml } from './fixtures/audit/builders.js';
import { clusterCaseArb, CHECKED_PORTS, CHECKED_PROTOCOLS, NAMESPACE_NAMES } from './oracle/generate.js';
import { load } from './oracle/checks.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import { intentModel } from '../src/analyses/intent/drift.js';

const EXAMPLE = new URL('../../examples/shop/bulkhead.yaml', import.meta.url);

test('the bundled example intent loads, and every name it uses is a segment', () => {
  const intent = loadIntent(EXAMPLE.pathname);
  const names = new Set([...intent.segments.map((s) => s.name), WORLD]);
  assert.ok(intent.segments.length > 0 && intent.flows.length > 0);
  for (const f of intent.flows) for (const n of [...f.from, ...f.to]) assert.ok(names.has(n), n);
  for (const s of intent.sensitive) assert.ok(names.has(s));
  // Same text, same result: loadIntent(path, text) parses without touching the disk.
  const again = loadIntent('copy.yaml', readFileSync(EXAMPLE, 'utf8'));
  assert.deepEqual(again.segments.map((s) => s.name), intent.segments.map((s) => s.name));
});

/** Bad intent files: the line and a phrase of the message each must produce. */
const BAD: ReadonlyArray<{ name: string; text: string; line: number; says: string }> = [
  { name: 'YAML syntax', text: 'segments:\n  web: {namespace: shop\n', line: 3, says: 'invalid YAML' },
  { name: 'empty file', text: '', line: 1, says: 'empty' },
  { name: 'not a mapping', text: '- a\n- b\n', line: 1, says: 'expected a mapping with segments' },
  { name: 'no segments', text: 'flows: []\n', line: 1, says: 'segments' },
  { name: 'unknown top-level key', text: 'segments:\n  a: {namespace: x}\nflow: []\n', line: 3, says: 'did you mean "flows"' },
  { name: 'misspelt segment key', text: 'segments:\n  a:\n    namespace: x\n    lables: {app: a}\n', line: 4, says: 'did you mean "labels"' },
  { name: 'label value not a string', text: 'segments:\n  a:\n    labels: {app: {x: 1}}\n', line: 3, says: 'label value' },
  { name: 'bad label key', text: 'segments:\n  a:\n    labels: {"-bad": x}\n', line: 3, says: 'bad label key' },
  { name: 'segment without criteria', text: 'segments:\n  a: {description: nothing}\n', line: 2, says: 'needs at least one of' },
  { name: 'cidrs mixed with labels', text: 'segments:\n  a: {namespace: x, cidrs: [10.0.0.0/8]}\n', line: 2, says: 'cannot be combined' },
  { name: 'bad CIDR', text: 'segments:\n  a:\n    cidrs: [10.0.0.0/33]\n', line: 3, says: 'bad CIDR "10.0.0.0/33"' },
  { name: 'reserved name', text: 'segments:\n  world: {namespace: x}\n', line: 2, says: 'built-in' },
  { name: 'unknown segment in a flow', text: 'segments:\n  api: {namespace: x}\nflows:\n  - {from: api, to: apii}\n', line: 4, says: 'did you mean "api"' },
  { name: 'bad port', text: 'segments:\n  a: {namespace: x}\nflows:\n  - from: a\n    to: a\n    ports: [TCP/99999]\n', line: 6, says: 'bad port "TCP/99999"' },
  { name: 'flow without to', text: 'segments:\n  a: {namespace: x}\nflows:\n  - {from: a}\n', line: 4, says: 'to' },
  { name: 'unknown invariant', text: 'segments:\n  a: {namespace: x}\ninvariants:\n  - nevr: {from: a, to: a}\n', line: 4, says: 'did you mean "never"' },
  { name: 'isolated with two keys', text: 'segments:\n  a: {namespace: x}\ninvariants:\n  - isolated: {label: t, namespaceLabel: t}\n', line: 4, says: 'exactly one of' },
  { name: 'threshold out of range', text: 'settings: {flatThreshold: 2}\nsegments:\n  a: {namespace: x}\n', line: 1, says: 'flatThreshold' },
  { name: 'wrong version', text: 'version: 2\nsegments:\n  a: {namespace: x}\n', line: 1, says: 'version: 1' },
  { name: 'segment defined twice', text: 'segments:\n  web: {namespace: x}\n  api: {namespace: x}\n  web: {namespace: y}\n', line: 4, says: '"web" is given twice' },
];

for (const c of BAD) {
  test(`a bad intent file names the line and what was expected: ${c.name}`, () => {
    assert.throws(
      () => parseIntent(c.text, 'bad.yaml'),
      (e: unknown) => {
        assert.ok(e instanceof IntentError, String(e));
        const p = e.problems.find((x) => x.message.includes(c.says) || x.path.includes(c.says));
        assert.ok(p, `no problem says "${c.says}": ${e.message}`);
        assert.equal(p.source.line, c.line, e.message);
        assert.ok(e.message.includes(`bad.yaml:${c.line}:`), e.message);
        return true;
      },
    );
  });
}

test('every problem of a file is reported at once, in line order', () => {
  const text = 'segments:\n  a: {namespace: x, lables: {}}\n  b: {cidrs: [nope]}\nflows:\n  - {from: a, to: c}\n';
  assert.throws(
    () => parseIntent(text, 'f.yaml'),
    (e: unknown) => e instanceof IntentError && e.problems.length === 3 && e.problems.map((p) => p.source.line).join() === '2,3,5',
  );
});

test('segment membership: first match is home, globs, namespace labels, workloads, cidrs', () => {
  const a = analysisOf([ns('shop-prod', { env: 'prod' }), ns('shop-dev', { env: 'dev' }), pod('shop-prod', 'db', { tier: 'db' }), pod('shop-dev', 'api', { tier: 'api' }), pod('shop-prod', 'web', { tier: 'web' })]);
  const intent = parseIntent(`segments:
  db: {namespace: "shop-*", labels: {tier: [db, cache]}}
  front: {workloads: ["shop-prod/web[Pod]"]}
  prod: {namespaceLabels: {env: prod}}
  dev: {anyOf: [{namespaceLabels: {env: dev}}, {namespace: sandbox}]}
  partner: {cidrs: [203.0.113.0/24]}
`);
  const byId = new Map(clusterEndpoints(a, 'workload').map((e) => [e.endpoint.id, e.endpoint]));
  assert.deepEqual(segmentsOf(a, intent, byId.get('shop-prod/db[Pod]')!), ['db', 'prod']);
  assert.deepEqual(segmentsOf(a, intent, byId.get('shop-prod/web[Pod]')!), ['front', 'prod']);
  assert.deepEqual(segmentsOf(a, intent, byId.get('shop-dev/api[Pod]')!), ['dev']);
  const pods = clusterEndpoints(a, 'pod');
  assert.deepEqual(segmentsOf(a, intent, pods.find((p) => p.endpoint.id === 'shop-prod/web')!.endpoint), ['front', 'prod'], 'a pod belongs where its workload does');
  const ext = (cidr: string) => ({ id: cidr, kind: 'External' as const, cidrs: [cidr] });
  assert.deepEqual(segmentsOf(a, intent, ext('203.0.113.8/29')), ['partner']);
  assert.deepEqual(segmentsOf(a, intent, ext('203.0.112.0/23')), [WORLD], 'a block only partly inside a cidrs segment is not in it');
  for (const b of a.externals()) assert.ok(segmentsOf(a, intent, externalEndpoint(b).endpoint).length > 0);
});

test('drift on a small cluster: violation, over-broad, broken, never, egress, unmapped, empty, health', () => {
  const a = analysisOf([
    ns('p', { env: 'prod' }),
    ns('d', { env: 'dev' }),
    pod('p', 'web', { app: 'web' }),
    pod('p', 'db', { app: 'db' }),
    pod('p', 'new', { app: 'new' }),
    pod('d', 'dev', { app: 'dev' }),
    defaultDeny('p', ['Ingress']),
    policy('p', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { namespaceSelector: { matchLabels: { env: 'dev' } } }] }] }),
  ]);
  const intent = parseIntent(`segments:
  web: {namespace: p, labels: {app: web}}
  db: {namespace: p, labels: {app: db}}
  dev: {namespace: d}
  cache: {labels: {app: redis}}
  partner: {cidrs: [203.0.113.0/24]}
flows:
  - {from: web, to: db, ports: [TCP/5432]}
  - {from: db, to: web, ports: [TCP/8080]}
invariants:
  - never: {from: dev, to: db}
  - egress: {from: web, allow: [partner]}
`);
  const d = drift(a, intent);
  const pairs = (bs: typeof d.violations) => bs.flatMap((b) => [...pairsOf(b)].map(([s, t]) => `${s.id}>${t.id}`)).sort();
  assert.ok(pairs(d.violations).includes('d/dev[Pod]>p/db[Pod]'), 'dev reaches db with no flow');
  assert.ok(!pairs(d.violations).includes('p/web[Pod]>p/db[Pod]'), 'web → db has a flow: over-broad, not a violation');
  assert.deepEqual(pairs(d.overbroad), ['p/web[Pod]>p/db[Pod]']);
  assert.ok(d.overbroad[0]!.ports.equals(PortSet.ALL.subtract(PortSet.of('TCP', 5432))));
  assert.deepEqual(d.broken.map((b) => `${b.flow.index}:${b.from}>${b.to}:${b.reason}`), ['2:db>web:blocked']);
  assert.deepEqual(d.unmapped.map((u) => u.workload.id), ['p/new[Pod]']);
  assert.deepEqual(d.emptySegments.map((s) => s.name), ['cache']);
  const kinds = d.breaches.map((b) => b.invariant.kind);
  assert.ok(kinds.includes('never') && kinds.includes('egress'));
  const egress = d.breaches.filter((b) => b.invariant.kind === 'egress');
  for (const b of egress) for (const e of b.dst) assert.ok(e.kind === 'external' && !e.segments.includes('partner'));
  const dev = d.health.find((h) => h.segment.name === 'dev')!;
  assert.equal(dev.others, 3);
  assert.equal(dev.reaches, 1, 'dev reaches db only: web and new are behind the default deny');
});

/** A random intent over the generated clusters' vocabulary: segments by namespace and/or label, flows with port windows. */
const intentArb = fc
  .record({
    segments: fc.array(fc.record({ ns: fc.option(fc.constantFrom(...NAMESPACE_NAMES), { nil: undefined }), label: fc.option(fc.tuple(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b')), { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
    flows: fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), ports: fc.option(fc.tuple(fc.constantFrom('TCP', 'UDP'), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 4 })), { nil: undefined }) }), { maxLength: 4 }),
  })
  .map(({ segments, flows }) => {
    const segs = segments.map((s) => (s.ns || s.label ? s : { ...s, ns: 'ns1' as const })).map((s, i) => ({ ...s, name: `s${i}` }));
    const lines = ['segments:'];
    for (const s of segs) lines.push(`  ${s.name}: {${[s.ns ? `namespace: ${s.ns}` : '', s.label ? `labels: {${s.label[0]}: ${s.label[1]}}` : ''].filter(Boolean).join(', ')}}`);
    lines.push('flows:');
    for (const f of flows) {
      const from = segs[f.from % segs.length]!.name;
      const to = segs[f.to % segs.length]!.name;
      lines.push(`  - {from: ${from}, to: ${to}${f.ports ? `, ports: [${f.ports[0]}/${f.ports[1]}-${Math.min(65535, f.ports[1] + f.ports[2])}]` : ''}}`);
    }
    if (flows.length === 0) lines.push('  []');
    return { segs, text: lines.join('\n').replace('flows:\n  []', 'flows: []') + '\n' };
  });

test('drift violations equal a pod-by-pod reference on random clusters and intents (sampled ports)', () => {
  fc.assert(
    fc.property(clusterCaseArb, intentArb, (c, gi) => {
      const { inventory, analysis, oracle } = load(c.yaml);
      const intent: Intent = parseIntent(gi.text, 'random.yaml');
      const segsOf = (p: (typeof inventory.pods)[number]): string[] =>
        gi.segs.filter((s) => (!s.ns || p.namespace === s.ns) && (!s.label || p.labels[s.label[0]] === s.label[1])).map((s) => s.name);
      const expected = new Set<string>();
      for (const p1 of inventory.pods) {
        for (const p2 of inventory.pods) {
          if (p1.workload === p2.workload) continue;
          const s1 = segsOf(p1);
          const s2 = segsOf(p2);
          if (s1.length === 0 || s2.length === 0 || s1[0] === s2[0]) continue;
          const flows = intent.flows.filter((f) => f.from.some((x) => s1.includes(x)) && f.to.some((x) => s2.includes(x)));
          for (const proto of CHECKED_PROTOCOLS) {
            for (const port of CHECKED_PORTS) {
              // Like blast, drift counts what the node rule may allow (a hostNetwork pod possibly on the node).
              if (oracle.verdict(p1, p2, proto, port) !== 'denied' && !flows.some((f) => f.ports.has(proto, port))) expected.add(`${p1.workload}>${p2.workload} ${proto}/${port}`);
            }
          }
        }
      }
      const d = drift(analysis, intent);
      const actual = new Set<string>();
      for (const b of [...d.violations, ...d.overbroad]) {
        for (const [s, t] of pairsOf(b)) {
          if (s.kind !== 'workload' || t.kind !== 'workload') continue;
          for (const proto of CHECKED_PROTOCOLS) for (const port of CHECKED_PORTS) if (b.ports.has(proto, port)) actual.add(`${s.id}>${t.id} ${proto}/${port}`);
        }
      }
      assert.deepEqual([...actual].sort(), [...expected].sort(), `intent:\n${gi.text}`);
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 424242), numRuns: Math.max(1, Math.round(60 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});

/**
 * What an intent allows from one endpoint to another, read literally from the file's semantics: nothing is
 * checked between two endpoints of one home segment; otherwise the union of the ports of every flow from
 * a segment of the source to a segment of the destination.
 */
function intentAllows(intent: Intent, src: readonly string[], dst: readonly string[]): PortSet {
  if (src[0] !== undefined && src[0] === dst[0]) return PortSet.ALL;
  let s = PortSet.NONE;
  for (const f of intent.flows) if (f.from.some((x) => src.includes(x)) && f.to.some((x) => dst.includes(x))) s = s.union(f.ports);
  return s;
}

/**
 * Every pair of endpoints (workloads, probe addresses) and every checked port: the intent allows it iff it
 * is open today. Open today is the workload-level connection (some pod of one to some pod of the other, as
 * the reference evaluator says); the intent is asked for every pod, with the segments that pod is in.
 */
function exactnessProblems(loaded: ReturnType<typeof load>, intent: Intent): string[] {
  const { inventory: inv, oracle } = loaded;
  const nsl = new Map(inv.namespaces.map((n) => [n.name, n.labels]));
  const segsOfPod = (p: (typeof inv.pods)[number]): string[] => clusterSegments(intent, { namespace: p.namespace, namespaceLabels: nsl.get(p.namespace) ?? {}, labels: p.labels, workload: p.workload });
  const byWorkload = new Map<string, (typeof inv.pods)[number][]>();
  for (const p of inv.pods) byWorkload.set(p.workload, [...(byWorkload.get(p.workload) ?? []), p]);
  const problems: string[] = [];
  const ports = CHECKED_PROTOCOLS.flatMap((proto) => CHECKED_PORTS.map((port) => [proto, port] as const));
  const compare = (what: string, pairs: ReadonlyArray<{ allows: PortSet }>, open: (proto: (typeof CHECKED_PROTOCOLS)[number], port: number) => boolean): void => {
    for (const [proto, port] of ports) {
      const today = open(proto, port);
      for (const { allows } of pairs) if (allows.has(proto, port) !== today) problems.push(`${what} ${proto}/${port}: open today ${today}, intent allows ${!today}`);
    }
  };
  const workloads = [...byWorkload.entries()];
  for (const [w1, ps1] of workloads) {
    for (const [w2, ps2] of workloads) {
      if (w1 === w2) continue;
      const pairs = ps1.flatMap((p1) => ps2.map((p2) => ({ allows: intentAllows(intent, segsOfPod(p1), segsOfPod(p2)) })));
      // Open today, as drift reads it: a connection possible from the same node (the node rule) counts as open.
      compare(`${w1} -> ${w2}`, pairs, (proto, port) => ps1.some((p1) => ps2.some((p2) => oracle.verdict(p1, p2, proto, port) !== 'denied')));
    }
  }
  const probes = probeAddresses(inv);
  for (const cidrs of intent.segments.flatMap((s) => s.matchers.flatMap((m) => m.cidrs ?? []))) {
    for (const v of [cidrs.cidr.range.lo - 1n, cidrs.cidr.range.lo, cidrs.cidr.range.hi, cidrs.cidr.range.hi + 1n]) if (v >= 0n && v <= familyMax(cidrs.cidr.range.family)) probes.push({ family: cidrs.cidr.range.family, value: v });
  }
  for (const addr of probes) {
    const segs = rangeSegments(intent, { family: addr.family, lo: addr.value, hi: addr.value });
    for (const [w, ps] of workloads) {
      compare(`${w} -> ${formatIp(addr.family, addr.value)}`, ps.map((p) => ({ allows: intentAllows(intent, segsOfPod(p), segs) })), (proto, port) => ps.some((p) => oracle.allowedExternal({ pod: p }, { address: addr }, proto, port)));
      compare(`${formatIp(addr.family, addr.value)} -> ${w}`, ps.map((p) => ({ allows: intentAllows(intent, segs, segsOfPod(p)) })), (proto, port) => ps.some((p) => oracle.allowedExternal({ address: addr }, { pod: p }, proto, port)));
    }
  }
  return problems;
}

test('init drafts an intent that allows exactly what is open today: no drift, nothing wider (random clusters)', () => {
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const loaded = load(c.yaml);
      const { analysis } = loaded;
      const text = renderIntentYaml(draftIntent(analysis));
      const intent = parseIntent(text, 'init.yaml');
      const d = drift(analysis, intent);
      const issues = [...d.violations.map((v) => `violation ${v.srcSegment}>${v.dstSegment}`), ...d.overbroad.map((v) => `overbroad ${v.srcSegment}>${v.dstSegment}`), ...d.broken.map((b) => `broken ${b.from}>${b.to}`)];
      assert.deepEqual(issues, [], text);
      assert.deepEqual(d.unmapped.map((u) => u.workload.id), [], 'init maps every workload');
      const problems = exactnessProblems(loaded, intent);
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} mismatch(es); intent:\n${text}\n--- cluster ---\n${c.yaml}`);
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 424242), numRuns: Math.max(1, Math.round(60 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});

test('init: a connection opened after init is a violation, even between workloads that share a namespace and tier', () => {
  // web takes 8080 from monitoring, redis takes 9121 (metrics) from monitoring: pooled as one segment, the
  // flow monitoring → shop would carry both ports to both, and opening web's 9121 would pass unnoticed.
  const web = pod('shop', 'web', { app: 'web', tier: 'app' }, [{ name: 'http', containerPort: 8080 }]);
  const redis = pod('shop', 'redis', { app: 'redis', tier: 'app' }, [{ name: 'metrics', containerPort: 9121 }]);
  const prom = pod('monitoring', 'prom', { app: 'prom' });
  const from = (app: string, port: number): object =>
    policy('shop', `${app}-${port}`, { podSelector: { matchLabels: { app } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port }] }] });
  const today = [ns('shop'), ns('monitoring'), web, redis, prom, defaultDeny('shop', ['Ingress']), from('web', 8080), from('redis', 9121)];
  const intent = parseIntent(renderIntentYaml(draftIntent(analysisOf(today))), 'init.yaml');
  assert.deepEqual(drift(analysisOf(today), intent).violations, []);
  const d = drift(analysisOf([...today, from('web', 9121)]), intent);
  const opened = [...d.violations, ...d.overbroad].flatMap((v) => [...pairsOf(v)].map(([s, t]) => `${s.id} -> ${t.id} ${v.ports.toString()}`));
  assert.deepEqual(opened, ['monitoring/prom[Pod] -> shop/web[Pod] TCP 9121']);
});

test('a flow from a one-workload segment to itself has no pair to check: not broken', () => {
  const text = `segments:
  a: {namespace: shop, labels: {app: a}}
  b: {namespace: shop, labels: {app: b}}
flows:
  - {from: [a, b], to: [a, b], ports: [TCP/80]}
`;
  const open = analysisOf([pod('shop', 'a', { app: 'a' }), pod('shop', 'b', { app: 'b' })]);
  assert.deepEqual(drift(open, parseIntent(text, 'i.yaml')).broken, []);
  // Two workloads in one segment do form a pair: closed between them, the flow is broken.
  const both = `segments:\n  s: {namespace: shop}\nflows:\n  - {from: s, to: s, ports: [TCP/80]}\n`;
  const closed = analysisOf([pod('shop', 'a', { app: 'a' }), pod('shop', 'b', { app: 'b' }), defaultDeny('shop')]);
  assert.deepEqual(drift(closed, parseIntent(both, 'i.yaml')).broken.map((b) => `${b.from}>${b.to} ${b.reason}`), ['s>s blocked']);
});

test('init: workloads that behave alike but are not fully open to each other become segments of their own, with one flow among them', () => {
  // Same policies for all three (twins), open to each other on TCP 8080 only: one segment would allow every port.
  const apps = ['a', 'b', 'c'].map((n) => pod('shop', n, { app: n }, [{ containerPort: 8080 }]));
  const sameNs = policy('shop', 'same-namespace', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080 }] }] });
  const loaded = load(yaml([ns('shop'), ...apps, defaultDeny('shop', ['Ingress']), sameNs]));
  const draft = draftIntent(loaded.analysis);
  const intent = parseIntent(renderIntentYaml(draft), 'init.yaml');
  assert.deepEqual(draft.segments.filter((s) => s.namespace === 'shop').map((s) => s.workloads), [['shop/a'], ['shop/b'], ['shop/c'], undefined]);
  assert.deepEqual(draft.segments.filter((s) => s.namespace === 'shop').map((s) => s.name), ['shop-a', 'shop-b', 'shop-c', 'shop']);
  // The namespace's group names the three at once, in both lists.
  assert.deepEqual(draft.flows.filter((f) => f.ports?.join() === 'TCP/8080').map((f) => [f.from.join(), f.to.join()]), [['shop', 'shop']]);
  assert.deepEqual(draft.segments.find((s) => s.name === 'shop')?.namespace, 'shop');
  assert.deepEqual(exactnessProblems(loaded, intent), []);
  const d = drift(loaded.analysis, intent);
  assert.deepEqual([...d.violations, ...d.overbroad, ...d.broken].length, 0);
});

test('init: a namespace open to everything is one flow from the cluster and the world; a namespace of several segments is one name', () => {
  // a: no policies (open to all). b: default-deny ingress, TCP 80 from a only, so b1 and b2 (alike) are twins.
  const pods = [pod('a', 'a1', { app: 'a1' }), pod('a', 'a2', { app: 'a2' }), pod('b', 'b1', { app: 'b1' }), pod('b', 'b2', { app: 'b2' })];
  const fromA = policy('b', 'from-a', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }], ports: [{ port: 80 }] }] });
  const loaded = load(yaml([ns('a'), ns('b'), ...pods, defaultDeny('b', ['Ingress']), fromA]));
  const draft = draftIntent(loaded.analysis);
  const text = renderIntentYaml(draft);
  assert.deepEqual(draft.flows.map((f) => `${f.from.join(',')} -> ${f.to.join(',')} ${f.ports?.join(',') ?? 'all'}`).sort(), ['a -> b TCP/80', 'cluster -> world all', 'cluster,world -> a all'], text);
  assert.deepEqual(draft.segments.find((s) => s.name === 'cluster')?.namespaces, ['a', 'b']);
  assert.deepEqual(exactnessProblems(loaded, parseIntent(text, 'init.yaml')), []);
  const d = drift(loaded.analysis, parseIntent(text, 'init.yaml'));
  assert.deepEqual([...d.violations, ...d.overbroad, ...d.broken, ...d.unmapped].length, 0);
  // A workload in a namespace that was not there at init is unmapped: the cluster group lists namespaces by name.
  const later = load(yaml([ns('a'), ns('b'), ns('c'), ...pods, pod('c', 'new', { app: 'new' }), defaultDeny('b', ['Ingress']), fromA]));
  assert.deepEqual(drift(later.analysis, parseIntent(text, 'init.yaml')).unmapped.map((u) => u.workload.id), ['c/new[Pod]']);
});

test('init: the outside ranges other than the world are one group name in a flow to anywhere; two ranges keep their names', () => {
  // a1 has no policy (open to every address); b1, b2 and b3 may reach one range each, so the outside splits in four.
  const egressTo = (app: string, cidr: string): object => policy('b', `to-${app}`, { podSelector: { matchLabels: { app } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ port: 443 }] }] });
  const pods = [pod('a', 'a1', { app: 'a1' }), pod('b', 'b1', { app: 'b1' }), pod('b', 'b2', { app: 'b2' }), pod('b', 'b3', { app: 'b3' })];
  const egress = [egressTo('b1', '203.0.113.0/25'), egressTo('b2', '198.51.100.0/24'), egressTo('b3', '203.0.113.128/25')];
  const loaded = load(yaml([ns('a'), ns('b'), ...pods, ...egress]));
  const draft = draftIntent(loaded.analysis);
  const text = renderIntentYaml(draft);
  const group = draft.segments.find((s) => s.name === 'outside-ranges');
  // Its CIDRs are the ranges' own, adjacent ones joined.
  assert.deepEqual(group?.cidrs, ['198.51.100.0/24', '203.0.113.0/24'], text);
  assert.ok(draft.segments.indexOf(group!) > draft.segments.findIndex((s) => s.cidrs && s.name !== 'outside-ranges'), 'declared after the ranges it holds');
  // Every list that held both ranges names the group instead.
  const lists = draft.flows.flatMap((f) => [f.from, f.to]);
  assert.ok(lists.some((l) => l.includes('outside-ranges') && l.includes('world')), text);
  const ranges = draft.segments.filter((s) => s.cidrs && s.name !== 'outside-ranges').map((s) => s.name);
  assert.equal(ranges.length, 3, text);
  assert.ok(!lists.some((l) => ranges.every((r) => l.includes(r))), text);
  const intent = parseIntent(text, 'init.yaml');
  assert.deepEqual(exactnessProblems(loaded, intent), []);
  const d = drift(loaded.analysis, intent);
  assert.deepEqual([...d.violations, ...d.overbroad, ...d.broken, ...d.unmapped, ...d.emptySegments].length, 0, text);
  // Two ranges besides the world are listed by name.
  const two = draftIntent(load(yaml([ns('a'), ns('b'), ...pods, ...egress.slice(0, 2)])).analysis);
  assert.equal(two.segments.filter((s) => s.cidrs).length, 2);
  assert.equal(two.segments.some((s) => s.name === 'outside-ranges'), false);
  // Not in a draft merged with an estate's, whose outside segments must not overlap.
  assert.equal(draftIntent(loaded.analysis, { outsideGroup: false }).segments.some((s) => s.name === 'outside-ranges'), false);
});

/** Segment health from its definition, over every pair of intent groups (the slow reference for drift's health). */
function referenceHealth(a: Parameters<typeof intentModel>[0], intent: Intent): unknown[] {
  const m = intentModel(a, intent);
  const out: unknown[] = [];
  const cluster = m.groups.filter((g) => !g.external);
  const all = new Set(cluster.flatMap((g) => g.ends.map((e) => e.id)));
  for (const seg of intent.segments) {
    const mine = cluster.filter((g) => g.segments.includes(seg.name));
    if (mine.length === 0) continue;
    const members = new Set(mine.flatMap((g) => g.ends.map((e) => e.id)));
    const side = (forward: boolean): { n: number; segs: string[]; outside: boolean } => {
      const ids = new Set<string>();
      const segs = new Set<string>();
      let outside = false;
      for (const g1 of mine) {
        for (const g2 of m.groups) {
          if (g1 === g2) continue;
          const open = forward ? m.conns(g1, g2) : m.conns(g2, g1);
          if (open.isEmpty()) continue;
          if (g2.external) outside = true;
          const outsiders = g2.ends.filter((e) => !members.has(e.id));
          if (outsiders.length === 0) continue;
          if (!g2.external) for (const e of outsiders) ids.add(e.id);
          if (g2.home && g2.home !== seg.name) segs.add(g2.home);
        }
      }
      return { n: ids.size, segs: [...segs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), outside };
    };
    const r = side(true);
    const b = side(false);
    out.push({ segment: seg.name, members: members.size, others: [...all].filter((w) => !members.has(w)).length, reaches: r.n, reachedBy: b.n, reachesSegments: r.segs, reachedBySegments: b.segs, reachesOutside: r.outside, reachedFromOutside: b.outside });
  }
  return out;
}

test('segment health equals its definition over every pair of groups (init intents and overlapping segments, random clusters)', () => {
  const broad = parseIntent(
    `segments:\n${NAMESPACE_NAMES.map((n) => `  ${n}: {namespace: ${n}}`).join('\n')}\n  everything: {namespace: "*"}\n  net: {cidrs: [10.0.0.0/8]}\n  apps: {labels: {app: [a]}}\n`,
    'broad.yaml',
  );
  fc.assert(
    fc.property(clusterCaseArb, (c) => {
      const { analysis } = load(c.yaml);
      for (const intent of [parseIntent(renderIntentYaml(draftIntent(analysis)), 'init.yaml'), broad]) {
        const got = drift(analysis, intent).health.map((h) => ({ segment: h.segment.name, members: h.members, others: h.others, reaches: h.reaches, reachedBy: h.reachedBy, reachesSegments: h.reachesSegments, reachedBySegments: h.reachedBySegments, reachesOutside: h.reachesOutside, reachedFromOutside: h.reachedFromOutside }));
        assert.deepEqual(got, referenceHealth(analysis, intent));
      }
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 515151), numRuns: Math.max(1, Math.round(40 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
});
