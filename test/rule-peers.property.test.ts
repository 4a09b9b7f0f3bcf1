// CompiledRule.hasPeer answers by binary search over the sorted peer list when the list is sparse, and
// through the class bit set when it is dense: either way what membership of the list says, for every
// rule and class of random clusters (many classes, so both paths are taken).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clusterCaseArbOf } from './oracle/generate.js';
import { load, runs } from './oracle/checks.js';

const clusters = clusterCaseArbOf({ minPods: 33, maxPods: 100, maxPolicies: 12 });

test('hasPeer equals membership of the peer list, before and after the bit set is built', () => {
  let sparse = 0;
  fc.assert(
    fc.property(clusters, (c) => {
      const { analysis } = load(c.yaml);
      const layer = analysis.layer;
      const n = layer.classes.length;
      for (const r of layer.rules) {
        const list = r.peerList;
        for (let k = 1; k < list.length; k++) assert.ok(list[k - 1]! < list[k]!, `peer list of rule ${r.id} not strictly increasing`);
        const members = new Set(list);
        if (list.length * 32 < n) sparse++;
        for (let cls = -1; cls <= n; cls++) assert.equal(r.hasPeer(cls), members.has(cls), `rule ${r.id} class ${cls}`);
        for (let cls = 0; cls < n; cls++) assert.equal(r.peerClasses.has(cls), members.has(cls), `rule ${r.id} class ${cls} (bit set)`);
        for (let cls = 0; cls < n; cls++) assert.equal(r.hasPeer(cls), members.has(cls), `rule ${r.id} class ${cls} (after the bit set)`);
      }
    }),
    runs(15),
  );
  assert.ok(sparse > 0, 'no sparse rule generated: the binary search went untested');
});
