// The engine against the reference evaluator on clusters large enough to need more than one 32- or
// 64-bit word per bitset and many classes per policy (33-100 pods, up to 12 policies): the small random
// clusters of engine-vs-oracle.test.ts never cross a word boundary. Fewer runs, same checks.
// BULKHEAD_PROPERTY_SEED / _PATH / _SCALE apply here too.

import { test } from 'node:test';
import fc from 'fast-check';
import { clusterCaseArbOf } from './oracle/generate.js';
import { addressProblems, assertNone, blockProblems, load, pairProblems, reachProblems, runs } from './oracle/checks.js';

const large = clusterCaseArbOf({ minPods: 33, maxPods: 100, maxPolicies: 12 });

test('large clusters: every pod pair, pod <-> address and external block agrees with the oracle', () => {
  fc.assert(
    fc.property(large, (c) => {
      const l = load(c.yaml);
      assertNone([...pairProblems(l), ...addressProblems(l), ...blockProblems(l)], c);
    }),
    runs(15),
  );
});

test('large clusters: workload- and pod-level reach agree with the oracle', () => {
  fc.assert(
    fc.property(large, (c) => {
      const l = load(c.yaml);
      assertNone([...reachProblems(l, 'workload'), ...reachProblems(l, 'pod')], c);
    }),
    runs(10),
  );
});
