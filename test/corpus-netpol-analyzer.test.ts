// Agreement with np-guard/netpol-analyzer's test corpus (../shared/corpus/netpol-analyzer, see its SOURCE.md).
//
// Every case the core engine can answer is run through loadFromPaths -> analyze -> computeReach and compared
// with the expected output by meaning: connectivity as port sets, external peers as address ranges. Cases
// that need features Bulkhead does not model yet (ANP/BANP connectivity, multi-network, Ingress/Route, diff) are skipped
// with a reason. Cases where the tools differ are listed below, each with its reason: a NEW disagreement fails,
// and so does a FIXED one (remove it from the list). docs/peer-differences.md explains each difference.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PortSet } from '../src/model/port-set.js';
import { compareTriples, parseConnSet } from './corpus/conns.js';
import { parseExplain, parseListOutput } from './corpus/expected.js';
import { CorpusRunner, focusMatches, loadCases, type Outcome } from './corpus/run-case.js';

const ROOT = fileURLToPath(new URL('../../../shared/corpus/netpol-analyzer/', import.meta.url));

const HOST_NETWORK = 'hostNetwork pods: we treat them as the node (selectors do not see them, nothing isolates them, and a hostNetwork DaemonSet is admitted by every ingress-isolated pod: the node rule); they apply policies to them like ordinary pods';

const ANP_REQUIRED_SELECTOR = 'an AdminNetworkPolicy/BaselineAdminNetworkPolicy `pods` peer or subject without podSelector (or namespaceSelector): the CRD requires both, so the API server rejects the policy and we leave it out with an error; they read the missing selector as empty (every pod)';
const ANP_NAMED_PORT_NETWORKS = 'a namedPort in a rule with `networks` peers: the CRD forbids it (the API server rejects the policy, we leave it out with an error); they drop the named port with a warning and keep the rule';
const ANP_IPV6 = 'IPv6: they do not model IPv6 (warning "IPv6 addresses are not supported") and list no IPv6 peers; we model IPv6 networks, so the IPv6 outside ranges appear with their connections';
const ANP_WARNINGS = 'their warnings for what they do not support (nodes peers, IPv6) or find suspicious (a named port no destination declares): we support nodes and IPv6, and an unmatched named port simply matches no port';

/** Case id -> why Bulkhead and netpol-analyzer disagree on it. */
const KNOWN_DIFFERENCES: ReadonlyMap<number, string> = new Map([
  [0, HOST_NETWORK],
  [52, HOST_NETWORK],
  [646, HOST_NETWORK],
  [41, HOST_NETWORK],
  [42, HOST_NETWORK],
  [649, HOST_NETWORK],
  [45, HOST_NETWORK],
  [46, HOST_NETWORK],
  [47, HOST_NETWORK],
  [48, HOST_NETWORK],
  [869, HOST_NETWORK],
  [870, HOST_NETWORK],
  [501, 'ownerReferences without kind (invalid in the API): they group the pods under the owner name as [Pod]; we ignore the reference, each pod is its own workload'],
  [782, 'a YAML syntax error in one document: they drop the rest of the file; we skip that document only and analyse the others'],
  [806, 'a named port in a rule whose peers are ipBlocks is valid in the API; they reject it as fatal, we accept it (it matches pods with that named port)'],
  [807, `pods of one owner with different labels: they reject it as fatal; we analyse each pod (the workload unions its pods)`],
  [808, 'pods that name one owner (in ownerReferences without kind) and differ in labels: they reject it as fatal; we ignore the kind-less reference (invalid in the API), each pod is its own workload'],
  [288, 'a Deployment container port spelt `containerport`: the API server rejects the unknown field (strict validation); they ignore it, we leave the Deployment out with an unknown-field error'],
  [291, ANP_REQUIRED_SELECTOR],
  [304, ANP_REQUIRED_SELECTOR],
  [305, ANP_REQUIRED_SELECTOR],
  [306, ANP_REQUIRED_SELECTOR],
  [307, ANP_REQUIRED_SELECTOR],
  [308, ANP_REQUIRED_SELECTOR],
  [309, ANP_REQUIRED_SELECTOR],
  [310, ANP_REQUIRED_SELECTOR],
  [311, ANP_REQUIRED_SELECTOR],
  [312, ANP_REQUIRED_SELECTOR],
  [313, ANP_REQUIRED_SELECTOR],
  [314, ANP_REQUIRED_SELECTOR],
  [315, ANP_REQUIRED_SELECTOR],
  [316, ANP_REQUIRED_SELECTOR],
  [317, ANP_REQUIRED_SELECTOR],
  [318, ANP_REQUIRED_SELECTOR],
  [319, ANP_REQUIRED_SELECTOR],
  [320, ANP_REQUIRED_SELECTOR],
  [321, ANP_REQUIRED_SELECTOR],
  [322, ANP_REQUIRED_SELECTOR],
  [394, ANP_REQUIRED_SELECTOR],
  [395, ANP_REQUIRED_SELECTOR],
  [396, ANP_REQUIRED_SELECTOR],
  [397, ANP_REQUIRED_SELECTOR],
  [398, ANP_REQUIRED_SELECTOR],
  [486, ANP_REQUIRED_SELECTOR],
  [487, ANP_REQUIRED_SELECTOR],
  [488, ANP_REQUIRED_SELECTOR],
  [489, ANP_REQUIRED_SELECTOR],
  [490, ANP_REQUIRED_SELECTOR],
  [491, ANP_REQUIRED_SELECTOR],
  [492, ANP_REQUIRED_SELECTOR],
  [493, ANP_REQUIRED_SELECTOR],
  [494, ANP_REQUIRED_SELECTOR],
  [495, ANP_REQUIRED_SELECTOR],
  [645, ANP_REQUIRED_SELECTOR],
  [450, ANP_REQUIRED_SELECTOR],
  [676, ANP_REQUIRED_SELECTOR],
  [451, ANP_REQUIRED_SELECTOR],
  [452, ANP_REQUIRED_SELECTOR],
  [453, ANP_REQUIRED_SELECTOR],
  [454, ANP_REQUIRED_SELECTOR],
  [455, ANP_REQUIRED_SELECTOR],
  [456, ANP_REQUIRED_SELECTOR],
  [457, ANP_REQUIRED_SELECTOR],
  [458, ANP_REQUIRED_SELECTOR],
  [459, ANP_REQUIRED_SELECTOR],
  [460, ANP_REQUIRED_SELECTOR],
  [502, `${ANP_REQUIRED_SELECTOR}; and pods without ownerReferences kind grouped under the owner name (see #501)`],
  [503, `${ANP_REQUIRED_SELECTOR}; and pods without ownerReferences kind grouped under the owner name (see #501)`],
  [403, ANP_NAMED_PORT_NETWORKS],
  [855, ANP_NAMED_PORT_NETWORKS],
  [401, ANP_IPV6],
  [852, ANP_WARNINGS],
  [853, ANP_WARNINGS],
  [854, ANP_WARNINGS],
  [813, 'two AdminNetworkPolicies with the same name: they reject it as fatal; we warn (duplicate) and use the later one, as kubectl apply would'],
  [809, `pods of one owner with different labels: they reject it as fatal; we analyse each pod (the workload unions its pods)`],
  [810, 'two NetworkPolicies with the same namespace/name: they reject it as fatal; we warn (duplicate) and use the later one, as kubectl apply would'],
  [813, 'two AdminNetworkPolicies with the same name: they reject it as fatal; we warn (duplicate) and use the later one, as kubectl apply would'],
]);

const CATEGORIES = ['list', 'list-focus', 'list-exposure', 'list-explain', 'cli_list', 'eval', 'pod_matrix', 'list_property', 'errors', 'diff'];

/** Compared cases that agree today; coverage may grow, never shrink. */
const MIN_AGREEING = 486;

if (!existsSync(ROOT)) {
  const reason = `netpol-analyzer corpus not found at ${ROOT}: peer agreement not checked`;
  console.log(`# ${reason}`);
  test('netpol-analyzer corpus agreement', { skip: reason }, () => {});
} else {
  const runner = new CorpusRunner(ROOT);
  const cases = loadCases(ROOT);
  const outcomes = new Map<number, Outcome>();
  const ready = (async () => {
    for (const c of cases) outcomes.set(c.id, await runner.run(c));
  })();

  for (const category of CATEGORIES) {
    test(`netpol-analyzer corpus: ${category}`, async (t) => {
      await ready;
      const mine = cases.filter((c) => outcomes.get(c.id)!.category === category);
      for (const c of mine) {
        const o = outcomes.get(c.id)!;
        const label = `#${c.id} ${c.kind} ${c.expected ?? c.name ?? c.dirs.join(',')}`;
        if (o.status === 'skip') continue;
        await t.test(label, () => {
          const known = KNOWN_DIFFERENCES.get(c.id);
          if (o.status === 'differ') {
            assert.ok(known, `new disagreement with netpol-analyzer: ${o.detail}`);
          } else {
            assert.equal(known, undefined, `case now agrees: remove it from KNOWN_DIFFERENCES (was: ${known})`);
          }
        });
      }
    });
  }

  test('netpol-analyzer corpus: tally', async () => {
    await ready;
    const all = [...outcomes.values()];
    const agree = all.filter((o) => o.status === 'agree').length;
    const differ = all.filter((o) => o.status === 'differ').length;
    const skipped = new Map<string, number>();
    for (const o of all) if (o.status === 'skip') skipped.set(o.reason, (skipped.get(o.reason) ?? 0) + 1);
    console.log(`# netpol-analyzer corpus: ${agree} of ${agree + differ} compared cases agree; skipped: ${[...skipped].map(([r, n]) => `${n} ${r}`).join('; ')}`);
    assert.ok(agree >= MIN_AGREEING, `only ${agree} cases agree (was ${MIN_AGREEING}): some compared cases are now skipped or differ`);
    for (const o of all) assert.ok(CATEGORIES.includes(o.category), `category ${o.category} has no test`);
    for (const id of KNOWN_DIFFERENCES.keys()) assert.ok(outcomes.has(id), `known difference #${id} is not a case of the corpus`);
  });
}

// The harness itself: these must hold whether or not the corpus is present.
test('corpus harness: connection sets in both of netpol-analyzer spellings', () => {
  assert.ok(parseConnSet('All Connections').isAll());
  assert.ok(parseConnSet('No Connections').isEmpty());
  assert.ok(parseConnSet('TCP 80,8080-8090,UDP 53').equals(PortSet.of('TCP', 80).union(PortSet.of('TCP', 8080, 8090)).union(PortSet.of('UDP', 53))));
  assert.ok(parseConnSet('TCP, UDP, SCTP').isAll());
  assert.ok(parseConnSet('TCP:[1-79,81-65535], UDP').equals(PortSet.allOf('TCP').subtract(PortSet.of('TCP', 80)).union(PortSet.allOf('UDP'))));
  assert.throws(() => parseConnSet('TCP eighty'));
});

test('corpus harness: external peers compare by address, not by how ranges are cut', () => {
  const all = PortSet.ALL;
  const theirs = [
    { src: '0.0.0.0-9.255.255.255[External]', dst: 'ns/a[Deployment]', conns: all },
    { src: '10.0.0.0-10.255.255.255[External]', dst: 'ns/a[Deployment]', conns: all },
    { src: '11.0.0.0-255.255.255.255[External]', dst: 'ns/a[Deployment]', conns: all },
  ];
  const ours = [{ src: '0.0.0.0-255.255.255.255', dst: 'ns/a[Deployment]', conns: all }];
  assert.deepEqual(compareTriples(theirs, ours), []);
  const narrower = [{ src: '0.0.0.0-10.255.255.255', dst: 'ns/a[Deployment]', conns: all }];
  const m = compareTriples(theirs, narrower);
  assert.deepEqual(m.map((x) => x.pair), ['11.0.0.0-255.255.255.255 => ns/a[Deployment]']);
  const fewerPorts = [{ src: '0.0.0.0-255.255.255.255', dst: 'ns/a[Deployment]', conns: PortSet.allOf('TCP') }];
  assert.equal(compareTriples(theirs, fewerPorts).length, 3);
});

test('corpus harness: output formats parse to the same triples', () => {
  const txt = 'a/x[Pod] => b/y[Deployment] : TCP 80,UDP 53\n0.0.0.0-255.255.255.255[External] => a/x[Pod] : All Connections\n';
  const csv = 'src,dst,conn\na/x[Pod],b/y[Deployment],"TCP 80,UDP 53"\n0.0.0.0-255.255.255.255[External],a/x[Pod],All Connections\n';
  const md = '| src | dst | conn |\n|-----|-----|------|\n| a/x[Pod] | b/y[Deployment] | TCP 80,UDP 53 |\n| 0.0.0.0-255.255.255.255[External] | a/x[Pod] | All Connections |\n';
  const json = JSON.stringify({ connlist_results: [{ src: 'a/x[Pod]', dst: 'b/y[Deployment]', conn: 'TCP 80,UDP 53' }, { src: '0.0.0.0-255.255.255.255[External]', dst: 'a/x[Pod]', conn: 'All Connections' }] });
  const dot = 'digraph {\n\t"a/x[Pod]" -> "b/y[Deployment]" [label="TCP 80,UDP 53" color="gold2"]\n\t"0.0.0.0-255.255.255.255[External]" -> "a/x[Pod]" [label="All Connections" color="gold2"]\n\t"a/x[Pod]" -> "entire-cluster" [label="UDP 53" style=dashed]\n}';
  const ref = parseListOutput('txt', txt).triples;
  assert.equal(ref.length, 2);
  for (const [f, text] of [['csv', csv], ['md', md], ['json', json], ['dot', dot]] as const) {
    assert.deepEqual(compareTriples(ref, parseListOutput(f, text).triples), [], f);
  }
  const explain = [
    'Connections between a/x[Pod] => b/y[Deployment]:',
    '',
    'Allowed connections:',
    '\tAllowed TCP:[80] due to the following policies and rules:',
    '\tAllowed UDP:[53] due to the following policies and rules:',
    'Denied connections:',
    '\tDenied TCP:[1-79,81-65535], UDP:[1-52,54-65535], SCTP due to the following policies and rules:',
    '# All Connections due to the system default (Allow all) #',
    '0.0.0.0-255.255.255.255[External] => a/x[Pod]',
  ].join('\n');
  const ex = parseExplain(explain).pairs.map((p) => ({ src: p.src, dst: p.dst, conns: p.allowed }));
  assert.deepEqual(compareTriples(ref, ex), []);
});

test('corpus harness: focus workloads match by name or namespace/name, never IP peers', () => {
  assert.ok(focusMatches('default/emailservice[Deployment]', 'emailservice'));
  assert.ok(focusMatches('default/emailservice[Deployment]', 'default/emailservice'));
  assert.ok(!focusMatches('default/emailservice[Deployment]', 'other/emailservice'));
  assert.ok(!focusMatches('0.0.0.0-255.255.255.255[External]', '0.0.0.0-255.255.255.255'));
  assert.ok(focusMatches('{ingress-controller}', 'ingress-controller'));
});
