// The upstream Kubernetes e2e NetworkPolicy truth tables (test/e2e/network/netpol/, "Netpol" suites),
// transcribed by scripts/transcribe-e2e.mjs into test/fixtures/e2e/cases.json.
//
// Each case step is a cluster of namespaces x, y, z with bare pods a, b, c (label pod=<name>), one
// container per (port, protocol) of the case, plus the policies present at that step. Every non-self
// cell of every probe matrix must match what the engine computes for that (src, dst, protocol, port).
// Upstream probes go to the destination's Service ClusterIP; policies see the post-DNAT pod IP and
// port, so pod-to-pod reachability is the right thing to compare with.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';

import { asYaml11, cases, clusterYaml, POD_IDS } from './helpers/e2e-cases.js';

function expectationText(v: boolean): string {
  return v ? 'allowed' : 'denied';
}

test('e2e fixture: all upstream cases are present', () => {
  assert.equal(cases.length, 39, 'cases.json should hold E01..E39');
  const probes = cases.reduce((n, c) => n + c.steps.reduce((m, s) => m + s.probes.length, 0), 0);
  assert.equal(probes, 54, 'cases.json should hold 54 probes');
  for (const c of cases) {
    for (const s of c.steps) {
      for (const p of s.probes) {
        assert.deepEqual(Object.keys(p.matrix), POD_IDS, `${c.id} ${s.name} ${p.port}/${p.protocol}: matrix rows`);
      }
    }
  }
});

for (const c of cases) {
  c.steps.forEach((step, k) => {
    const label = c.steps.length > 1 ? `${c.id} ${step.name}` : c.id;
    test(`${label} — ${c.title}`, () => {
      const base = `e2e/${c.id}/step-${k + 1}`;
      const { inventory, diagnostics } = loadFromTexts([
        { path: `${base}/cluster.yaml`, text: clusterYaml(c, step) },
        { path: `${base}/policies.yaml`, text: asYaml11(step.policiesYaml) },
      ]);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      assert.equal(errors.length, 0, `${label}: loader reported errors:\n${errors.map((d) => `  ${JSON.stringify(d)}`).join('\n')}`);

      const analysis = analyze(inventory);
      const mismatches: string[] = [];
      let asserted = 0;
      for (const probe of step.probes) {
        for (const src of POD_IDS) {
          const row = probe.matrix[src];
          assert.ok(row, `${label}: matrix row ${src} missing`);
          for (const dst of POD_IDS) {
            const want = row[dst];
            if (want === null || want === undefined) continue;
            asserted++;
            const got = analysis.allowedPorts(src, dst).has(probe.protocol, probe.port);
            if (got !== want) {
              mismatches.push(
                `${src}→${dst} ${probe.port}/${probe.protocol}: expected ${expectationText(want)}, got ${expectationText(got)}`,
              );
            }
          }
        }
      }
      assert.ok(asserted > 0, `${label}: no cells asserted`);
      assert.equal(
        mismatches.length,
        0,
        `${label}: ${mismatches.length} of ${asserted} cells differ from the upstream truth table:\n  ${mismatches.join('\n  ')}`,
      );
    });
  });
}
