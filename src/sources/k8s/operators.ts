/**
 * Custom resources whose objects an operator turns into pods that are not in the input. The Prometheus
 * operator's kinds are built in, with the labels, names and ports its sources set (prometheus-operator
 * pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go, pkg/thanos/statefulset.go);
 * the settings file declares others.
 */
import type { ContainerPort, Diagnostic, SourceRef } from '../../inventory/types.js';
import { PortSet, PROTOCOLS } from '../../model/port-set.js';
import type { OperatorKind } from '../../settings/index.js';
import { isObj, type Obj } from './fields.js';

/** One StatefulSet-like group of pods an operator creates for an object. */
export interface OperatorPods {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ports: ContainerPort[];
  readonly replicas: number;
}

export interface OperatorDefinition extends OperatorKind {
  /** The StatefulSets the operator creates for the object (default: one named like the object). */
  readonly statefulSets?: (obj: Obj, name: string) => Array<{ name: string; labels: Record<string, string> }>;
  /** Ports that depend on the object (a Thanos sidecar). */
  readonly extraPorts?: (obj: Obj) => ContainerPort[];
}

const MANAGED = { 'app.kubernetes.io/managed-by': 'prometheus-operator' };
const tcp = (port: number, name: string): { name: string; spec: string; ports: PortSet } => ({ name, spec: `TCP/${port}`, ports: PortSet.of('TCP', port) });
const udp = (port: number, name: string): { name: string; spec: string; ports: PortSet } => ({ name, spec: `UDP/${port}`, ports: PortSet.of('UDP', port) });
const ORIGIN = 'built in (prometheus-operator)';

function spec(o: Obj): Obj {
  return isObj(o['spec']) ? o['spec'] : {};
}

/** Prometheus: one StatefulSet per shard, `prometheus-NAME` then `prometheus-NAME-shard-N`. */
function prometheusShards(o: Obj, name: string): Array<{ name: string; labels: Record<string, string> }> {
  const shards = typeof spec(o)['shards'] === 'number' && (spec(o)['shards'] as number) > 1 ? Math.min(spec(o)['shards'] as number, 64) : 1;
  return Array.from({ length: shards }, (_, i) => ({
    name: i === 0 ? `prometheus-${name}` : `prometheus-${name}-shard-${i}`,
    labels: { 'operator.prometheus.io/shard': String(i) },
  }));
}

export const BUILTIN_OPERATORS: readonly OperatorDefinition[] = [
  {
    group: 'monitoring.coreos.com',
    kind: 'Prometheus',
    podLabels: {
      'app.kubernetes.io/name': 'prometheus',
      ...MANAGED,
      'app.kubernetes.io/instance': '{{name}}',
      prometheus: '{{name}}',
      'operator.prometheus.io/name': '{{name}}',
    },
    podLabelsFrom: 'spec.podMetadata.labels',
    ports: [tcp(9090, 'web'), tcp(8080, 'reloader-web')],
    origin: ORIGIN,
    statefulSets: prometheusShards,
    // spec.thanos adds the thanos-sidecar container: grpc 10901, http 10902.
    extraPorts: (o) => (isObj(spec(o)['thanos']) ? [{ name: 'grpc', port: 10901, protocol: 'TCP' }, { name: 'http', port: 10902, protocol: 'TCP' }] : []),
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'Alertmanager',
    podLabels: { 'app.kubernetes.io/name': 'alertmanager', ...MANAGED, 'app.kubernetes.io/instance': '{{name}}', alertmanager: '{{name}}' },
    podLabelsFrom: 'spec.podMetadata.labels',
    ports: [tcp(9093, 'web'), tcp(9094, 'mesh-tcp'), udp(9094, 'mesh-udp'), tcp(8080, 'reloader-web')],
    origin: ORIGIN,
    statefulSets: (_o, name) => [{ name: `alertmanager-${name}`, labels: {} }],
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'ThanosRuler',
    podLabels: { 'app.kubernetes.io/name': 'thanos-ruler', ...MANAGED, 'app.kubernetes.io/instance': '{{name}}', 'thanos-ruler': '{{name}}' },
    podLabelsFrom: 'spec.podMetadata.labels',
    ports: [tcp(10901, 'grpc'), tcp(10902, 'web'), tcp(8080, 'reloader-web')],
    origin: ORIGIN,
    statefulSets: (_o, name) => [{ name: `thanos-ruler-${name}`, labels: {} }],
  },
];

/** The operator kind for an object: the user's declarations first, then the built-in ones. */
export function findOperator(operators: readonly OperatorKind[], group: string, kind: string): OperatorDefinition | undefined {
  return [...operators, ...BUILTIN_OPERATORS].find((o) => o.kind === kind && (o.group === undefined || o.group === group));
}

function atPath(o: Obj, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.split('.')) cur = isObj(cur) ? cur[part] : undefined;
  return cur;
}

/** A declared port set as container ports (a range is every port in it, up to 64). */
function containerPorts(def: OperatorKind): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const p of def.ports) {
    const json = p.ports.toJSON();
    for (const proto of PROTOCOLS) {
      for (const [lo, hi] of json[proto] ?? []) {
        for (let port = lo; port <= Math.min(hi, lo + 63); port++) out.push({ ...(p.name && lo === hi ? { name: p.name } : {}), port, protocol: proto });
      }
    }
  }
  return out;
}

/** The pods an operator creates for one object, with an info diagnostic saying they are modelled, not read. */
export function operatorPods(def: OperatorDefinition, obj: Obj, name: string, what: string, source: SourceRef, diags: Diagnostic[]): OperatorPods[] {
  const labels: Record<string, string> = {};
  const extra = def.podLabelsFrom ? atPath(obj, def.podLabelsFrom) : undefined;
  if (isObj(extra)) for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') labels[k] = v;
  // The operator's own labels win over podMetadata (it overwrites them, they select its pods).
  for (const [k, v] of Object.entries(def.podLabels)) labels[k] = v.replaceAll('{{name}}', name);
  const r = spec(obj)['replicas'];
  const replicas = typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : 1;
  const ports = [...containerPorts(def), ...(def.extraPorts ? def.extraPorts(obj) : [])];
  const sets = def.statefulSets ? def.statefulSets(obj, name) : [{ name, labels: {} }];
  const out = sets.map((s) => ({ name: s.name, labels: { ...labels, ...s.labels }, ports, replicas }));
  const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
  diags.push({
    severity: 'info',
    code: 'operator-pods',
    message: `${what}: its pods are not in the input; modelled as StatefulSet ${out.map((s) => s.name).join(', ')} with ${replicas} replica(s) labelled ${shown} (${def.origin === ORIGIN ? "the labels the prometheus-operator documents and sets" : `declared in ${def.origin}`})`,
    source,
  });
  return out;
}
