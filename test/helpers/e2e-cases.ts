/**
 * The upstream Kubernetes e2e NetworkPolicy truth tables (test/fixtures/e2e/cases.json) and the cluster
 * each case step describes, shared by the model test (e2e-truth-tables) and the lab test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';

type Protocol = 'TCP' | 'UDP' | 'SCTP';
type Labels = Record<string, string>;

export interface Probe {
  port: number;
  protocol: Protocol;
  /** matrix[src][dst]: true = must connect, false = must not, null = self pair, not asserted. */
  matrix: Record<string, Record<string, boolean | null>>;
}

export interface Step {
  name: string;
  /** Extra labels per namespace ("y"), merged over kubernetes.io/metadata.name. */
  namespaceLabels?: Record<string, Labels>;
  /** Extra labels per pod ("x/b"), merged over pod=<name>. */
  podLabels?: Record<string, Labels>;
  policiesYaml: string;
  probes: Probe[];
}

export interface E2ECase {
  id: string;
  title: string;
  model: { ports: number[]; protocols: Protocol[] };
  podIPs: Record<string, string>;
  steps: Step[];
}

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const POD_NAMES = ['a', 'b', 'c'] as const;
export const POD_IDS = NAMESPACES.flatMap((ns) => POD_NAMES.map((p) => `${ns}/${p}`));

export const cases = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/e2e/cases.json', import.meta.url), 'utf8'),
) as E2ECase[];

/** Namespaces and pods of one case step, as multi-document YAML (what `kubectl get -o yaml` would give). */
export function clusterYaml(c: E2ECase, step: Step): string {
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
export function asYaml11(text: string): string {
  return parseAllDocuments(text).map((d) => stringify(d.toJS(), { version: '1.1' })).join('---\n');
}

