/** Kubernetes manifests (already parsed into documents) to the inventory. */
import type { Diagnostic, Inventory, Namespace, NetworkPolicy, Pod, SourceRef, Workload, WorkloadKind } from '../../inventory/types.js';
import { WORKLOAD_KINDS } from '../../inventory/types.js';
import { FieldReader, type Obj, isObj } from './fields.js';
import { parseNetworkPolicy } from './parse-network-policy.js';
import { parseWorkload, type RawWorkload } from './parse-workload.js';
import type { LineMap, ParsedDocument } from './yaml-documents.js';
import { lex } from '../../util/compare.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Kinds that never affect NetworkPolicy reachability: skipped quietly (info). */
const IRRELEVANT_KINDS = new Set([
  'Service', 'Endpoints', 'EndpointSlice', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding',
  'ClusterRole', 'ClusterRoleBinding', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Ingress',
  'IngressClass', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CustomResourceDefinition', 'LimitRange',
  'ResourceQuota', 'Event', 'Node', 'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'APIService', 'Lease', 'ControllerRevision', 'PodTemplate', 'VerticalPodAutoscaler', 'Kustomization',
  'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Certificate', 'Issuer', 'ClusterIssuer', 'Route', 'Gateway',
  'HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'GatewayClass', 'CSIDriver', 'RuntimeClass',
]);

/** Kinds that do change reachability but are not analysed yet: a loud warning, never silence. */
const UNSUPPORTED_POLICY_KINDS = new Set([
  'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy', 'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy', 'MultiNetworkPolicy', 'AuthorizationPolicy',
  'UserDefinedNetwork', 'ClusterUserDefinedNetwork', 'NetworkAttachmentDefinition',
]);

export interface BuildOptions {
  /** Namespace for namespaced objects that name none (kubectl's -n). Default "default". */
  readonly defaultNamespace?: string;
}

interface Located {
  readonly obj: Obj;
  readonly lines: LineMap;
  readonly source: SourceRef;
}

function flatten(doc: ParsedDocument, lines: LineMap, diags: Diagnostic[], out: Located[]): void {
  const v = doc.value;
  if (!isObj(v)) {
    if (v !== null && v !== undefined) {
      diags.push({ severity: 'warning', code: 'not-an-object', message: 'document is not a Kubernetes object (expected a mapping with kind): skipped', source: doc.source });
    }
    return;
  }
  const kind = v['kind'];
  // An intent file (bulkhead.yaml) often sits beside the manifests it describes.
  if (kind === undefined && 'segments' in v) {
    diags.push({ severity: 'info', code: 'intent-file', message: 'intent file (segments, flows), not a manifest: skipped', source: doc.source });
    return;
  }
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(v['items'])) {
    // Items of a typed list (PodList, from the API or `kubectl get -o json`) may omit their kind.
    const implied = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    for (const it of v['items']) {
      if (!isObj(it)) continue;
      const src = lines.at(it, undefined, doc.source.line);
      if (implied && it['kind'] === undefined) {
        const filled: Obj = { ...it, kind: implied, ...(it['apiVersion'] === undefined && v['apiVersion'] !== undefined ? { apiVersion: v['apiVersion'] } : {}) };
        lines.set(filled, src.line);
        for (const k of Object.keys(it)) lines.setKey(filled, k, lines.at(it, k, src.line).line);
        out.push({ obj: filled, lines, source: src });
      } else out.push({ obj: it, lines, source: src });
    }
    return;
  }
  out.push({ obj: v, lines, source: doc.source });
}

/** String-valued annotations of an object's metadata, or undefined when none. */
function annotationsOf(meta: Obj | undefined): Record<string, string> | undefined {
  const a = meta?.['annotations'];
  if (!isObj(a)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Builds the inventory; every problem is a diagnostic, never an exception. */
export function buildInventory(files: ReadonlyArray<{ docs: ParsedDocument[]; lines: LineMap }>, diags: Diagnostic[], opts: BuildOptions = {}): Inventory {
  const defaultNs = opts.defaultNamespace ?? 'default';
  const objects: Located[] = [];
  for (const f of files) for (const d of f.docs) flatten(d, f.lines, diags, objects);

  const namespaces = new Map<string, Namespace>();
  const raws = new Map<string, { raw: RawWorkload; source: SourceRef; annotations?: Record<string, string> }>();
  const policies = new Map<string, NetworkPolicy>();

  for (const { obj, lines, source } of objects) {
    const kind = obj['kind'];
    if (typeof kind !== 'string' || kind === '') {
      diags.push({ severity: 'error', code: 'no-kind', message: 'document has no kind: skipped', source });
      continue;
    }
    const meta = isObj(obj['metadata']) ? obj['metadata'] : undefined;
    const name = typeof meta?.['name'] === 'string' ? meta['name'] : undefined;
    const nsRaw = typeof meta?.['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : undefined;
    if (IRRELEVANT_KINDS.has(kind)) {
      diags.push({ severity: 'info', code: 'skipped-kind', message: `${kind} ${name ?? ''} does not affect NetworkPolicy reachability: skipped`, source });
      continue;
    }
    if (UNSUPPORTED_POLICY_KINDS.has(kind)) {
      diags.push({
        severity: 'warning',
        code: 'unsupported-policy-kind',
        message: `${kind} ${name ?? ''} is not analysed yet: connectivity it denies or allows is NOT reflected in the results`,
        source,
      });
      continue;
    }
    const isNetpol = kind === 'NetworkPolicy';
    const isWorkload = (WORKLOAD_KINDS as readonly string[]).includes(kind);
    if (kind !== 'Namespace' && !isNetpol && !isWorkload) {
      diags.push({ severity: 'warning', code: 'unknown-kind', message: `unknown kind ${kind}${name ? ` (${name})` : ''}: skipped`, source });
      continue;
    }
    if (!name) {
      diags.push({ severity: 'error', code: 'no-name', message: `${kind} has no metadata.name: skipped`, source });
      continue;
    }
    const ns = nsRaw ?? defaultNs;
    const annotations = annotationsOf(meta);
    const r = new FieldReader(lines, `${kind} ${kind === 'Namespace' ? name : `${ns}/${name}`}`, source.line);
    if (kind === 'Namespace') {
      const labels = meta ? r.stringMap(meta, 'labels', 'metadata.labels') : {};
      diags.push(...r.problems);
      if (namespaces.has(name)) diags.push({ severity: 'warning', code: 'duplicate', message: `Namespace ${name} is defined twice: the later definition is used`, source });
      namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name }, declared: true, source, ...(annotations ? { annotations } : {}) });
    } else if (isNetpol) {
      const apiVersion = obj['apiVersion'];
      if (apiVersion !== undefined && apiVersion !== 'networking.k8s.io/v1') {
        diags.push({ severity: 'warning', code: 'api-version', message: `NetworkPolicy ${ns}/${name}: apiVersion ${String(apiVersion)} read as networking.k8s.io/v1`, source });
      }
      const p = parseNetworkPolicy(r, obj, ns, name);
      diags.push(...r.problems);
      if (!p) {
        diags.push({ severity: 'error', code: 'invalid-policy', message: `NetworkPolicy ${ns}/${name} is invalid (the API server would reject it): skipped, so its rules are not in the results`, source });
        continue;
      }
      if (policies.has(p.id)) diags.push({ severity: 'warning', code: 'duplicate', message: `NetworkPolicy ${p.id} is defined twice: the later definition is used`, source });
      policies.set(p.id, annotations ? { ...p, annotations } : p);
    } else {
      const w = parseWorkload(r, obj, kind as WorkloadKind, ns, name);
      diags.push(...r.problems);
      const key = `${kind}/${ns}/${name}`;
      if (raws.has(key)) diags.push({ severity: 'warning', code: 'duplicate', message: `${kind} ${ns}/${name} is defined twice: the later definition is used`, source });
      raws.set(key, { raw: w, source, ...(annotations ? { annotations } : {}) });
    }
  }

  const { workloads, pods } = resolveWorkloads(raws, diags);

  // Namespaces used but not declared exist with only their automatic label.
  const used = new Set<string>([...pods.map((p) => p.namespace), ...[...policies.values()].map((p) => p.namespace)]);
  for (const ns of [...used].sort(lex)) {
    if (!namespaces.has(ns)) {
      namespaces.set(ns, { name: ns, labels: { [NAMESPACE_NAME_LABEL]: ns }, declared: false });
      diags.push({
        severity: 'warning',
        code: 'undeclared-namespace',
        message: `namespace ${ns} is used but not declared: assuming its only label is ${NAMESPACE_NAME_LABEL}=${ns}`,
      });
    }
  }

  return {
    namespaces: [...namespaces.values()].sort((a, b) => lex(a.name, b.name)),
    workloads: workloads.sort((a, b) => lex(a.id, b.id)),
    pods: pods.sort((a, b) => lex(a.id, b.id)),
    policies: [...policies.values()].sort((a, b) => lex(a.id, b.id)),
    unmodelled: [],
  };
}

/**
 * Template pods synthesized per workload at most: replicas of one template are indistinguishable, so
 * `replicas: 100000000` is analysed as this many pods (and says so) instead of exhausting memory.
 */
export const MAX_SYNTHETIC_REPLICAS = 100;

function resolveWorkloads(raws: Map<string, { raw: RawWorkload; source: SourceRef; annotations?: Record<string, string> }>, diags: Diagnostic[]): { workloads: Workload[]; pods: Pod[] } {
  const keyOf = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;
  /** The top owner of an object: followed through objects present in the input. */
  const top = (w: RawWorkload): { kind: WorkloadKind; name: string } => {
    let cur: { kind: WorkloadKind; name: string; owner?: { kind: string; name: string } } = w;
    for (let hops = 0; hops < 10 && cur.owner; hops++) {
      const o = cur.owner;
      if (!(WORKLOAD_KINDS as readonly string[]).includes(o.kind)) break;
      const next = raws.get(keyOf(o.kind, w.namespace, o.name));
      if (!next) return { kind: o.kind as WorkloadKind, name: o.name };
      cur = next.raw;
    }
    return { kind: cur.kind, name: cur.name };
  };

  const workloads = new Map<string, Workload>();
  const pods: Pod[] = [];
  const hasRealPods = new Set<string>();
  // Sorted, so nothing below depends on the order of the input documents.
  const realPods = [...raws.values()]
    .filter(({ raw }) => raw.kind === 'Pod')
    .sort((a, b) => lex(`${a.raw.namespace}/${a.raw.name}`, `${b.raw.namespace}/${b.raw.name}`));
  for (const { raw, source, annotations } of realPods) {
    const t = top(raw);
    const wid = `${raw.namespace}/${t.name}[${t.kind}]`;
    hasRealPods.add(wid);
    if (!workloads.has(wid)) {
      const def = raws.get(keyOf(t.kind, raw.namespace, t.name));
      workloads.set(wid, {
        id: wid,
        kind: t.kind,
        namespace: raw.namespace,
        name: t.name,
        labels: def ? def.raw.labels : raw.labels,
        source: def ? def.source : source,
        ...((def ? def.annotations : annotations) ? { annotations: (def ? def.annotations : annotations)! } : {}),
      });
    }
    pods.push({
      id: `${raw.namespace}/${raw.name}`,
      namespace: raw.namespace,
      name: raw.name,
      labels: raw.labels,
      ports: raw.ports,
      ips: raw.ips,
      hostNetwork: raw.hostNetwork,
      workload: wid,
      synthetic: false,
      source,
    });
  }
  // A workload known only through its pods is labelled with what all of them share.
  const podsOf = new Map<string, Pod[]>();
  for (const p of pods) {
    const l = podsOf.get(p.workload);
    if (l) l.push(p);
    else podsOf.set(p.workload, [p]);
  }
  for (const [wid, w] of workloads) {
    if (raws.has(`${w.kind}/${w.namespace}/${w.name}`)) continue;
    const mine = podsOf.get(wid)!;
    const shared = Object.fromEntries(Object.entries(mine[0]!.labels).filter(([k, v]) => mine.every((p) => p.labels[k] === v)));
    workloads.set(wid, { ...w, labels: shared });
  }
  for (const { raw, source, annotations } of raws.values()) {
    if (raw.kind === 'Pod') continue;
    const t = top(raw);
    if (t.kind !== raw.kind || t.name !== raw.name) continue; // pods come from its owner
    const wid = `${raw.namespace}/${raw.name}[${raw.kind}]`;
    if (!workloads.has(wid)) {
      workloads.set(wid, { id: wid, kind: raw.kind, namespace: raw.namespace, name: raw.name, labels: raw.labels, source, ...(annotations ? { annotations } : {}) });
    }
    if (hasRealPods.has(wid)) continue;
    let n = raw.replicas;
    if (n <= 0) {
      diags.push({ severity: 'info', code: 'zero-replicas', message: `${raw.kind} ${raw.namespace}/${raw.name} has ${n} replicas: analysed as if it had one pod`, source });
      n = 1;
    }
    if (n > MAX_SYNTHETIC_REPLICAS) {
      // Template pods are identical (same labels and ports, no IPs): more of them change no verdict.
      n = MAX_SYNTHETIC_REPLICAS;
      workloads.set(wid, { ...workloads.get(wid)!, replicas: raw.replicas });
      diags.push({
        severity: 'info',
        code: 'replicas-capped',
        message: `${raw.kind} ${raw.namespace}/${raw.name} has ${raw.replicas} replicas: analysed as ${n} identical pods (${raw.name}-0 to ${raw.name}-${n - 1}); every verdict holds for all ${raw.replicas}, but pod-level listings and counts show ${n}`,
        source,
      });
    }
    for (let i = 0; i < n; i++) {
      pods.push({
        id: `${raw.namespace}/${raw.name}-${i}`,
        namespace: raw.namespace,
        name: `${raw.name}-${i}`,
        labels: raw.labels,
        ports: raw.ports,
        ips: [],
        hostNetwork: raw.hostNetwork,
        workload: wid,
        synthetic: true,
        source,
      });
    }
  }
  for (const p of pods) {
    if (p.hostNetwork) {
      diags.push({
        severity: 'warning',
        code: 'host-network',
        message: `pod ${p.id} uses hostNetwork: NetworkPolicy selectors do not see it; it is reachable and reaches out as its node does`,
        ...(p.source ? { source: p.source } : {}),
      });
    }
  }
  // Pods of one workload normally share labels and ports; when they do not, workload rows are unions.
  const firstOf = new Map<string, Pod>();
  const warned = new Set<string>();
  for (const p of pods) {
    const f = firstOf.get(p.workload);
    if (!f) {
      firstOf.set(p.workload, p);
      continue;
    }
    if (warned.has(p.workload)) continue;
    if (JSON.stringify(sortedLabels(f.labels)) !== JSON.stringify(sortedLabels(p.labels)) || JSON.stringify(f.ports) !== JSON.stringify(p.ports)) {
      warned.add(p.workload);
      diags.push({
        severity: 'warning',
        code: 'workload-pods-differ',
        message: `pods of ${p.workload} differ in labels or ports (${f.id}, ${p.id}): its workload-level connections are the union over its pods; use --level pod to see each`,
        ...(p.source ? { source: p.source } : {}),
      });
    }
  }
  // Duplicate pod ids (a synthetic pod named like a real one) would make pod-level output ambiguous.
  const seen = new Set<string>();
  const unique = pods.filter((p) => {
    if (seen.has(p.id)) {
      diags.push({ severity: 'warning', code: 'duplicate', message: `pod ${p.id} appears twice: the second is ignored`, ...(p.source ? { source: p.source } : {}) });
      return false;
    }
    seen.add(p.id);
    return true;
  });
  return { workloads: [...workloads.values()], pods: unique };
}

function sortedLabels(l: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(l).sort(([a], [b]) => lex(a, b));
}
