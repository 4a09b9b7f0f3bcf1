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
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';

type Protocol = 'TCP' | 'UDP' | 'SCTP';
type Labels = Record<string, string>;

interface Probe {
  port: number;
  protocol: Protocol;
  /** matrix[src][dst]: true = must connect, false = must not, null = self pair, not asserted. */
  matrix: Record<string, Record<string, boolean | null>>;
}

interface Step {
  name: string;
  /** Extra labels per namespace ("y"), merged over kubernetes.io/metadata.name. */
  namespaceLabels?: Record<string, Labels>;
  /** Extra labels per pod ("x/b"), merged over pod=<name>. */
  podLabels?: Record<string, Labels>;
  policiesYaml: string;
  probes: Probe[];
}

interface E2ECase {
  id: string;
  title: string;
  model: { ports: number[]; protocols: Protocol[] };
  podIPs: Record<string, string>;
  steps: Step[];
}

const NAMESPACES = ['x', 'y', 'z'] as const;
const POD_NAMES = ['a', 'b', 'c'] as const;
const POD_IDS = NAMESPACES.flatMap((ns) => POD_NAMES.map((p) => `${ns}/${p}`));

const cases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/e2e/cases.json', import.meta.url), 'utf8'),
) as E2ECase[];

/** Namespaces and pods of one case step, as multi-document YAML (what `kubectl get -o yaml` would give). */
function clusterYaml(c: E2ECase, step: Step): string {
  const docs: unknown[] = [];
  for (const ns of NAMESPACES) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: { 'kubernetes.io/metadata.name': ns, ...(step.namespaceLabels?.[ns] ?? {}) },
      },
    });
  }
  for (const ns of NAMESPACES) {
    for (const pod of POD_NAMES) {
      const id = `${ns}/${pod}`;
      const ip = c.podIPs[id];
      assert.ok(ip, `${c.id}: cases.json has no IP for ${id}`);
      docs.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: pod,
          namespace: ns,
          labels: { pod, ...(step.podLabels?.[id] ?? {}) },
        },
        spec: {
          containers: c.model.ports.flatMap((port) =>
            c.model.protocols.map((protocol) => ({
              // Container names must be DNS labels: lower-case protocol, as upstream's model.go does.
              name: `cont-${port}-${protocol.toLowerCase()}`,
              image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
              ports: [{ containerPort: port, protocol, name: `serve-${port}-${protocol.toLowerCase()}` }],
            })),
          ),
        },
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
      });
    }
  }
  // YAML 1.1 quoting: kubectl and Bulkhead read YAML 1.1 (namespace y must not become true).
  return docs.map((d) => stringify(d, { version: '1.1' })).join('---\n');
}

/**
 * Upstream builds these policies as Go objects; the transcription writes them as YAML 1.2, where a bare
 * `y` (namespace y) is a string. kubectl reads YAML 1.1, where it is a boolean: re-quote for YAML 1.1.
 */
function asYaml11(text: string): string {
  return parseAllDocuments(text).map((d) => stringify(d.toJS(), { version: '1.1' })).join('---\n');
}

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
