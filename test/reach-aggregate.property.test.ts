/**
 * reach --level namespace|segment against its definition (src/analyses/reach-aggregate.ts): on random
 * small clusters, the aggregate computed on behaviours equals the workload-level listing (outside ends
 * merged as reports print them) summed literally, pair by pair, with --from/--to/--port and -n/-l.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze, type Analysis } from '../src/engine/index.js';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { computeReach, type Connection, type ReachOptions } from '../src/analyses/reach.js';
import { mergeOutside } from '../src/analyses/outside-merge.js';
import { endpointFilter, filterReachResult } from '../src/analyses/endpoint-filter.js';
import { endpointMatcher, type Endpoint } from '../src/analyses/endpoints.js';
import { aggregateReach, groupsFor } from '../src/analyses/reach-aggregate.js';
import { parseIntent } from '../src/analyses/intent/index.js';
import { draftIntent, renderIntentYaml } from '../src/analyses/intent/init.js';
import { PortSet, parsePortSpec } from '../src/model/port-set.js';
import { clusterCaseArb } from './oracle/generate.js';
import { intentArb } from './oracle/intent-arb.js';

interface Line {
  readonly key: string;
  readonly conns: string;
  readonly pairs: number;
  readonly of: number;
  readonly coverage: 'all' | 'some';
}

/** The definition, literally: every workload pair of the listing, summed by (group, group, condition). */
function literal(a: Analysis, o: ReachOptions, groupsOf: (e: Endpoint) => readonly string[], spec: { namespaces?: readonly string[]; selector?: string }): Line[] {
  const keep = endpointFilter(spec);
  const whole = computeReach(a, { ...o, level: 'workload' });
  const listing = mergeOutside(keep ? filterReachResult(whole, keep) : whole);
  const byId = new Map(listing.endpoints.map((e) => [e.id, e]));
  const workloads = whole.endpoints.filter((e) => e.kind !== 'External');
  const groups = (e: Endpoint): readonly string[] => (e.kind === 'External' ? [e.id] : groupsOf(e).length ? groupsOf(e) : ['(unmapped)']);
  const kept = (e: Endpoint): boolean => (keep ? keep(e) : true);
  const fromOk = o.from ? endpointMatcher(o.from) : () => true;
  const toOk = o.to ? endpointMatcher(o.to) : () => true;
  // How many pairs the listing is about between two groups (an outside end is one endpoint).
  const of = (g: string, h: string, outside: 'src' | 'dst' | undefined): number => {
    let n = 0;
    if (outside === 'dst') for (const s of workloads) n += fromOk(s) && kept(s) && groups(s).includes(g) ? 1 : 0;
    else if (outside === 'src') for (const d of workloads) n += toOk(d) && kept(d) && groups(d).includes(h) ? 1 : 0;
    else for (const s of workloads) for (const d of workloads) if (s !== d && fromOk(s) && toOk(d) && (kept(s) || kept(d)) && groups(s).includes(g) && groups(d).includes(h)) n++;
    return n;
  };
  const sums = new Map<string, { g: string; h: string; outside: 'src' | 'dst' | undefined; list: Connection[] }>();
  for (const c of listing.connections) {
    const s = byId.get(c.src)!;
    const d = byId.get(c.dst)!;
    const outside = s.kind === 'External' ? 'src' : d.kind === 'External' ? 'dst' : undefined;
    for (const g of groups(s)) {
      for (const h of groups(d)) {
        const key = `${g} => ${h} ${c.condition ?? ''}`;
        const x = sums.get(key) ?? { g, h, outside, list: [] };
        x.list.push(c);
        sums.set(key, x);
      }
    }
  }
  return [...sums].map(([key, x]) => {
    const union = x.list.reduce((u, c) => u.union(c.conns), PortSet.NONE);
    const n = of(x.g, x.h, x.outside);
    return { key, conns: union.toString(), pairs: x.list.length, of: n, coverage: x.list.length === n && x.list.every((c) => c.conns.equals(union)) ? 'all' : 'some' };
  });
}

function computed(a: Analysis, o: ReachOptions, level: 'namespace' | 'segment', groupsOf: (e: Endpoint) => readonly string[], spec: { namespaces?: readonly string[]; selector?: string }): Line[] {
  const keep = endpointFilter(spec);
  const r = aggregateReach(a, { ...o, level, groupsOf, ...(keep ? { keep } : {}) });
  const lines = [...r.connections()];
  assert.equal(r.count(), lines.length);
  const ids = new Set(r.endpoints.map((e) => e.id));
  for (const c of lines) assert.ok(ids.has(c.src) && ids.has(c.dst), `${c.src} and ${c.dst} are endpoints`);
  return lines.map((c) => ({ key: `${c.src} => ${c.dst} ${c.condition ?? ''}`, conns: c.conns.toString(), pairs: c.aggregate!.pairs, of: c.aggregate!.of, coverage: c.aggregate!.coverage }));
}

const sorted = (l: Line[]): Line[] => l.slice().sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

const optionsArb = fc.record({
  from: fc.option(fc.constantFrom('ns1/*', 'ns2/*', '*/p0*', 'internet', '10.0.0.0/8'), { nil: undefined }),
  to: fc.option(fc.constantFrom('ns1/*', 'ns3/*', '*/p1*', 'internet'), { nil: undefined }),
  ports: fc.option(fc.constantFrom('TCP/1-5', 'UDP/3', 'TCP/100'), { nil: undefined }),
  namespaces: fc.option(fc.constantFrom(['ns1'], ['ns2', 'ns3']), { nil: undefined }),
  selector: fc.option(fc.constantFrom('app=a', 'tier', '!app'), { nil: undefined }),
});

/** A grouping with workloads in several groups, or in none, as intent segments may be. */
const labelGroups = (e: Endpoint): readonly string[] => Object.entries(e.labels ?? {}).map(([k, v]) => `${k}=${v}`).sort();

/** A query as optionsArb draws it. */
type Query = { from?: string | undefined; to?: string | undefined; ports?: string | undefined; namespaces?: readonly string[] | undefined; selector?: string | undefined };

/** The options and -n/-l of a query, and whether reach refuses it (--from/--to that match nothing: at every level). */
function prepared(a: Analysis, q: Query): { o: ReachOptions; spec: { namespaces?: readonly string[]; selector?: string }; refused: boolean } {
  const o: ReachOptions = { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.ports ? { ports: parsePortSpec(q.ports)! } : {}) };
  const spec = { ...(q.namespaces ? { namespaces: q.namespaces } : {}), ...(q.selector ? { selector: q.selector } : {}) };
  try {
    computeReach(a, o);
  } catch {
    return { o, spec, refused: true };
  }
  return { o, spec, refused: false };
}

test('reach --level namespace|segment equals the workload listing summed pair by pair', () => {
  fc.assert(
    fc.property(clusterCaseArb, optionsArb, (c, q) => {
      const a = analyze(loadFromTexts([{ path: 'gen.yaml', text: c.yaml }]).inventory);
      const { o, spec, refused } = prepared(a, q);
      if (refused) {
        assert.throws(() => aggregateReach(a, { ...o, level: 'namespace', groupsOf: (e) => [e.namespace ?? ''] }));
        return;
      }
      const byNs = (e: Endpoint): readonly string[] => [e.namespace ?? ''];
      assert.deepEqual(sorted(computed(a, o, 'namespace', byNs, spec)), sorted(literal(a, o, byNs, spec)));
      assert.deepEqual(sorted(computed(a, o, 'segment', labelGroups, spec)), sorted(literal(a, o, labelGroups, spec)));
    }),
    { numRuns: 300 },
  );
});

// The groups of an intent's segments, as the CLI takes them: a random intent (overlapping segments, some
// workloads in none) and the init draft, which has a segment per workload, so most group pairs have no
// connection and the aggregate must count the pairs without one from the group sizes alone.
test('reach --level segment with an intent (a random one, the init draft) equals the workload listing summed pair by pair', () => {
  fc.assert(
    fc.property(clusterCaseArb, optionsArb, intentArb, (c, q, text) => {
      const a = analyze(loadFromTexts([{ path: 'gen.yaml', text: c.yaml }]).inventory);
      const p = prepared(a, q);
      if (p.refused) return;
      for (const intent of [parseIntent(text, 'random.yaml'), parseIntent(renderIntentYaml(draftIntent(a)), 'init.yaml')]) {
        const bySegment = groupsFor(a, 'segment', intent);
        assert.deepEqual(sorted(computed(a, p.o, 'segment', bySegment, p.spec)), sorted(literal(a, p.o, bySegment, p.spec)));
      }
    }),
    { numRuns: 300 },
  );
});
