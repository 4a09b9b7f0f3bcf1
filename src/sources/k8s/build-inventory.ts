/** Kubernetes manifests (already parsed into documents) to the inventory. */
import type {
  AdminPolicy,
  ClusterNode,
  ClusterService,
  CustomResourceRef,
  Diagnostic,
  Inventory,
  Namespace,
  NetworkPolicy,
  Pod,
  SourceRef,
  Workload,
  WorkloadKind,
} from '../../inventory/types.js';
import { WORKLOAD_KINDS } from '../../inventory/types.js';
import { FieldReader, type Obj, describe, dnsLabelError, dnsSubdomainError, isObj } from './fields.js';
import { NAMESPACE_SPEC, OBJECT, OBJECT_META } from './known-fields.js';
import { entriesNamed, isKubernetesGroup, lookupKind, splitApiVersion, suggestKind, type KindEntry } from './kinds/index.js';
import { findOperator, operatorPods, type OperatorDefinition } from './operators.js';
import { parseNetworkPolicy } from './parse-network-policy.js';
import { adminPeerNotes, compareAdminPolicies, parseAdminPolicy, type AdminKind } from './parse-admin-policy.js';
import { parseNode } from './parse-node.js';
import { parseService } from './parse-service.js';
import { parseWorkload, type RawWorkload } from './parse-workload.js';
import { resolveUnmodelled, type PendingObject } from './unmodelled.js';
import type { LineMap, ParsedDocument } from './yaml-documents.js';
import { lex } from '../../util/compare.js';
import type { Settings } from '../../settings/index.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface BuildOptions {
  /** Namespace for namespaced objects that name none (kubectl's -n). Default "default". */
  readonly defaultNamespace?: string;
  /** The settings file's view of the input (operator kinds, whether it is the whole cluster). */
  readonly settings?: Settings;
}

interface Located {
  readonly obj: Obj;
  readonly lines: LineMap;
  readonly source: SourceRef;
}

/** The top-level keys of a settings file (src/settings), none of which a Kubernetes object has without a kind. */
const SETTINGS_KEYS = new Set(['version', 'input', 'operators', 'dns', 'audit']);

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
  // And Bulkhead's own documents: a baseline, or a JSON report used as one.
  if (kind === undefined && typeof v['schema'] === 'string' && v['schema'].startsWith('bulkhead.')) {
    diags.push({ severity: 'info', code: 'bulkhead-document', message: `Bulkhead ${v['schema']} document, not a manifest: skipped`, source: doc.source });
    return;
  }
  // So does the settings file (bulkhead.settings.yaml), which is found there.
  if (kind === undefined && v['apiVersion'] === undefined && Object.keys(v).length > 0 && Object.keys(v).every((k) => SETTINGS_KEYS.has(k))) {
    diags.push({ severity: 'info', code: 'settings-file', message: 'settings file (bulkhead.settings.yaml), not a manifest: skipped', source: doc.source });
    return;
  }
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(v['items'])) {
    // Items of a typed list (PodList, from the API or `kubectl get -o json`) may omit their kind.
    const implied = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    v['items'].forEach((it, i) => {
      if (!isObj(it)) {
        // The API's List decoder rejects the whole list; we keep the other items and say so.
        diags.push({ severity: 'error', code: 'bad-list-item', message: `${kind} items[${i}]: expected an object but got ${describe(it)}: skipped`, source: lines.at(v['items'], undefined, doc.source.line) });
        return;
      }
      const src = lines.at(it, undefined, doc.source.line);
      if (implied && it['kind'] === undefined) {
        const filled: Obj = { ...it, kind: implied, ...(it['apiVersion'] === undefined && v['apiVersion'] !== undefined ? { apiVersion: v['apiVersion'] } : {}) };
        lines.set(filled, src.line);
        for (const k of Object.keys(it)) lines.setKey(filled, k, lines.at(it, k, src.line).line);
        out.push({ obj: filled, lines, source: src });
      } else out.push({ obj: it, lines, source: src });
    });
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

/** Which registry entry (or operator kind) an object is, from its apiVersion group and kind. */
interface Resolved {
  readonly group: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly entry?: KindEntry;
  readonly operator?: OperatorDefinition;
}

function resolveKind(obj: Obj, kind: string, label: string, settings: Settings | undefined, source: SourceRef, diags: Diagnostic[]): Resolved | undefined {
  const av = obj['apiVersion'];
  if (av !== undefined && av !== null && typeof av !== 'string') {
    diags.push({ severity: 'error', code: 'api-version', message: `${label}: apiVersion: expected a string but got ${describe(av)}: skipped`, source });
    return undefined;
  }
  const operators = settings?.operators ?? [];
  if (typeof av === 'string' && av !== '') {
    const { group, version } = splitApiVersion(av);
    const entry = lookupKind(group, kind);
    const operator = entry?.role === 'model' && entry.model !== 'operator' ? undefined : findOperator(operators, group, kind);
    return { group, version, apiVersion: av, ...(entry ? { entry } : {}), ...(operator ? { operator } : {}) };
  }
  // No apiVersion (kubectl rejects it): read by kind, Kubernetes' own kind first; say which group was assumed.
  const named = entriesNamed(kind);
  const entry = named.find((e) => e.product === 'Kubernetes' && e.role === 'model') ?? named[0];
  const operator = entry ? undefined : findOperator(operators, '', kind);
  const group = entry?.groups[0] ?? operator?.group ?? '';
  const version = entry?.versions?.[0] ?? 'v1';
  if (entry || operator) {
    const ambiguous = new Set(named.flatMap((e) => e.groups)).size > 1;
    diags.push({
      severity: ambiguous ? 'warning' : 'info',
      code: 'no-api-version',
      message: `${label} has no apiVersion (kubectl rejects it): read as ${group ? `${group}/` : ''}${version}${ambiguous ? `, although ${named.map((e) => e.groups[0]).filter((g) => g !== group).join(', ')} also define a ${kind}` : ''}`,
      source,
    });
  }
  return { group, version, apiVersion: group ? `${group}/${version}` : version, ...(entry ? { entry } : {}), ...(operator ? { operator } : {}) };
}

/** metadata.name and metadata.namespace checked as the API server checks them; undefined when rejected. */
function identity(
  r: FieldReader,
  obj: Obj,
  kind: string,
  namespaced: boolean,
  defaultNs: string,
): { meta: Obj | undefined; name: string; namespace: string } | undefined {
  const meta = r.obj(obj, 'metadata', 'metadata');
  if (obj['metadata'] !== undefined && obj['metadata'] !== null && !meta) return undefined;
  const rawName = meta?.['name'];
  if (rawName === undefined || rawName === null || rawName === '') {
    r.problem(obj, undefined, 'no-name', `${kind} has no metadata.name: skipped`);
    return undefined;
  }
  if (typeof rawName !== 'string') {
    r.problem(meta, 'name', 'bad-name', `metadata.name: expected a string but got ${describe(rawName)}; the API server rejects it`);
    return undefined;
  }
  const nameErr = kind === 'Namespace' ? dnsLabelError(rawName) : dnsSubdomainError(rawName);
  if (nameErr) {
    r.problem(meta, 'name', 'bad-name', `metadata.name "${rawName}": ${nameErr}; the API server rejects it`);
    return undefined;
  }
  const rawNs = meta?.['namespace'];
  let namespace = defaultNs;
  if (namespaced && rawNs !== undefined && rawNs !== null && rawNs !== '') {
    if (typeof rawNs !== 'string') {
      r.problem(meta, 'namespace', 'bad-name', `metadata.namespace: expected a string but got ${describe(rawNs)}; the API server rejects it`);
      return undefined;
    }
    const nsErr = dnsLabelError(rawNs);
    if (nsErr) {
      r.problem(meta, 'namespace', 'bad-name', `metadata.namespace "${rawNs}": ${nsErr}; the API server rejects it`);
      return undefined;
    }
    namespace = rawNs;
  }
  return { meta, name: rawName, namespace };
}

/** A lenient name for objects that are only reported (their own validation is not ours). */
function looseName(obj: Obj): { name: string; namespace?: string } {
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const name = typeof meta['name'] === 'string' && meta['name'] !== '' ? meta['name'] : '(no name)';
  const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : undefined;
  return { name, ...(namespace !== undefined ? { namespace } : {}) };
}

type RawEntry = { raw: RawWorkload; source: SourceRef; annotations?: Record<string, string> };

/** Builds the inventory; every problem is a diagnostic, never an exception. */
export function buildInventory(files: ReadonlyArray<{ docs: Iterable<ParsedDocument>; lines: LineMap }>, diagnostics: Diagnostic[], opts: BuildOptions = {}): Inventory {
  const defaultNs = opts.defaultNamespace ?? 'default';
  // Documents are read one at a time (they may be parsed as they come, see parseDocumentsLazily), and
  // nothing below keeps a parsed tree but the few objects it reports on. Diagnostics are collected apart
  // and appended in the order of reading everything first: flattening's, then the objects'.
  const flatDiags: Diagnostic[] = [];
  const diags: Diagnostic[] = [];
  function* located(): Generator<Located> {
    const one: Located[] = [];
    for (const f of files) {
      for (const d of f.docs) {
        flatten(d, f.lines, flatDiags, one);
        for (const o of one) yield o;
        one.length = 0;
      }
    }
  }
  const objects = located();

  const namespaces = new Map<string, Namespace>();
  const raws = new Map<string, RawEntry>();
  const policies = new Map<string, NetworkPolicy>();
  const adminPolicies = new Map<string, AdminPolicy>();
  const nodes = new Map<string, ClusterNode>();
  const services = new Map<string, ClusterService>();
  const pending: PendingObject[] = [];
  const customResources: CustomResourceRef[] = [];
  const operated: Array<{ def: OperatorDefinition; obj: Obj; namespace: string; name: string; what: string; source: SourceRef }> = [];

  for (const { obj, lines, source } of objects) {
    const kind = obj['kind'];
    if (typeof kind !== 'string' || kind === '') {
      const why = kind === undefined || kind === null || kind === '' ? 'document has no kind' : `kind: expected a string but got ${describe(kind)}`;
      diags.push({ severity: 'error', code: 'no-kind', message: `${why}: skipped`, source });
      continue;
    }
    const loose = looseName(obj);
    const label = `${kind} ${loose.namespace !== undefined ? `${loose.namespace}/` : ''}${loose.name}`;
    const res = resolveKind(obj, kind, label, opts.settings, source, diags);
    if (!res) continue;
    const entry = res.entry;

    if (res.operator && entry?.role !== 'model') {
      const r = new FieldReader(lines, label, source.line);
      const id = identity(r, obj, kind, true, defaultNs);
      diags.push(...r.problems);
      if (id) operated.push({ def: res.operator, obj, namespace: id.namespace, name: id.name, what: `${kind} ${id.namespace}/${id.name}`, source });
      continue;
    }
    if (!entry) {
      const hint = isKubernetesGroup(res.group) ? suggestKind(res.group, kind) : undefined;
      diags.push({
        severity: 'warning',
        code: 'unknown-kind',
        message: `unknown kind ${kind} (${loose.name}) ${typeof obj['apiVersion'] === 'string' && obj['apiVersion'] !== '' ? `in ${res.apiVersion}` : 'without apiVersion'}${hint ? ` (did you mean ${hint}?)` : ''}: skipped`,
        source,
      });
      if (!isKubernetesGroup(res.group)) customResources.push({ kind, apiVersion: res.apiVersion, ...loose, source });
      continue;
    }
    if (entry.role === 'irrelevant') {
      // The cross-layer answer forwards AWS traffic through a Service's nodePorts (the Kubernetes layer does not read it).
      const svc = kind === 'Service' && res.group === '' ? parseService(obj, loose.namespace ?? defaultNs, loose.name, source) : undefined;
      if (svc) services.set(svc.id, svc);
      const read = svc && (svc.type === 'NodePort' || svc.type === 'LoadBalancer') ? ' for the answers across cloud and cluster only (its nodePorts)' : '';
      diags.push({ severity: 'info', code: 'skipped-kind', message: `${kind} ${loose.name} does not affect NetworkPolicy reachability (${entry.why}): ${read ? `read${read}` : 'skipped'}`, source });
      continue;
    }
    if (entry.role === 'unmodelled') {
      const namespace = entry.namespaced ? loose.namespace ?? defaultNs : undefined;
      pending.push({ entry, group: res.group, apiVersion: res.apiVersion, obj, ...(namespace !== undefined ? { namespace } : {}), name: loose.name, source });
      continue;
    }

    // A modelled kind: the API server's checks first (version, fields, names), then the reader.
    if (entry.versions && !entry.versions.includes(res.version)) {
      if (entry.oldVersions?.includes(res.version)) {
        diags.push({ severity: 'warning', code: 'api-version', message: `${label}: ${res.apiVersion} is no longer served by the API server: read as ${res.group ? `${res.group}/` : ''}${entry.versions[0]}`, source });
      } else {
        diags.push({ severity: 'error', code: 'api-version', message: `${label}: no ${kind} in ${res.apiVersion} (served: ${entry.versions.map((v) => (res.group ? `${res.group}/${v}` : v)).join(', ')}); the API server rejects it: skipped`, source });
        continue;
      }
    }
    const where = entry.namespaced ? `${kind} ${loose.namespace ?? defaultNs}/${loose.name}` : `${kind} ${loose.name}`;
    const r = new FieldReader(lines, where, source.line);
    const id = identity(r, obj, kind, entry.namespaced, defaultNs);
    if (!id) {
      diags.push(...r.problems);
      continue;
    }
    const { meta, name } = id;
    const ns = id.namespace;
    r.known(obj, OBJECT, '');
    if (meta) {
      r.known(meta, OBJECT_META, 'metadata');
      // Labels and annotations are maps of strings on every object, also where Bulkhead does not read them.
      if (entry.model !== 'namespace' && entry.model !== 'node' && kind !== 'Pod') r.stringMap(meta, 'labels', 'metadata.labels'); // those read theirs
      r.stringMap(meta, 'annotations', 'metadata.annotations');
    }
    const annotations = annotationsOf(meta);
    const what = `${kind} ${kind === 'Namespace' ? name : `${ns}/${name}`}`;
    if (entry.model === 'namespace') {
      const labels = meta ? r.stringMap(meta, 'labels', 'metadata.labels') : {};
      const spec = r.obj(obj, 'spec', 'spec');
      if (spec) r.known(spec, NAMESPACE_SPEC, 'spec');
      diags.push(...r.problems);
      if (r.rejected) {
        diags.push({ severity: 'error', code: 'invalid-namespace', message: `${what} is invalid (the API server would reject it): skipped, so its labels are not in the results`, source });
        continue;
      }
      if (namespaces.has(name)) diags.push({ severity: 'warning', code: 'duplicate', message: `Namespace ${name} is defined twice: the later definition is used`, source });
      namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name }, declared: true, source, ...(annotations ? { annotations } : {}) });
    } else if (entry.model === 'network-policy') {
      const p = parseNetworkPolicy(r, obj, ns, name);
      diags.push(...r.problems);
      if (!p) {
        diags.push({ severity: 'error', code: 'invalid-policy', message: `NetworkPolicy ${ns}/${name} is invalid (the API server would reject it): skipped, so its rules are not in the results`, source });
        continue;
      }
      if (policies.has(p.id)) diags.push({ severity: 'warning', code: 'duplicate', message: `NetworkPolicy ${p.id} is defined twice: the later definition is used`, source });
      policies.set(p.id, annotations ? { ...p, annotations } : p);
    } else if (entry.model === 'admin-policy') {
      const p = parseAdminPolicy(r, obj, kind as AdminKind, res.apiVersion, res.version, name);
      diags.push(...r.problems);
      if (!p) {
        diags.push({ severity: 'error', code: 'invalid-admin-policy', message: `${kind} ${name} is invalid (the API server would reject it): skipped, so its rules are not in the results`, source });
        continue;
      }
      if (adminPolicies.has(p.id)) diags.push({ severity: 'warning', code: 'duplicate', message: `${kind} ${name} is defined twice: the later definition is used`, source });
      adminPolicies.set(p.id, annotations ? { ...p, annotations } : p);
    } else if (entry.model === 'node') {
      const n = parseNode(r, obj, meta, name);
      diags.push(...r.problems);
      if (!n) {
        diags.push({ severity: 'error', code: 'invalid-node', message: `Node ${name} is invalid (the API server would reject it): skipped, so admin-policy nodes peers do not see it`, source });
        continue;
      }
      if (nodes.has(name)) diags.push({ severity: 'warning', code: 'duplicate', message: `Node ${name} is defined twice: the later definition is used`, source });
      nodes.set(name, n);
    } else if ((WORKLOAD_KINDS as readonly string[]).includes(kind)) {
      const w = parseWorkload(r, obj, kind as WorkloadKind, ns, name);
      diags.push(...r.problems);
      if (r.rejected) {
        diags.push({ severity: 'error', code: 'invalid-workload', message: `${what} is invalid (the API server would reject it): skipped, so its pods are not in the results`, source });
        continue;
      }
      const key = `${kind}/${ns}/${name}`;
      if (raws.has(key)) diags.push({ severity: 'warning', code: 'duplicate', message: `${kind} ${ns}/${name} is defined twice: the later definition is used`, source });
      raws.set(key, { raw: w, source, ...(annotations ? { annotations } : {}) });
    }
  }

  // Pods an operator creates: a StatefulSet per object, unless the input has that StatefulSet or its pods.
  for (const o of operated) {
    for (const s of operatorPods(o.def, o.obj, o.name, o.what, o.source, diags)) {
      const key = `StatefulSet/${o.namespace}/${s.name}`;
      if (raws.has(key)) continue;
      raws.set(key, {
        raw: { kind: 'StatefulSet', namespace: o.namespace, name: s.name, labels: s.labels, ports: s.ports, ips: [], hostNetwork: false, replicas: s.replicas, line: o.source.line },
        source: o.source,
      });
    }
  }

  const { workloads, pods } = resolveWorkloads(raws, diags);

  // Namespaces used but not declared exist with only their automatic label.
  const used = new Set<string>();
  for (const p of pods) used.add(p.namespace);
  for (const p of policies.values()) used.add(p.namespace);
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
  const sortedPods = pods.sort((a, b) => lex(a.id, b.id));
  const sortedAdmin = [...adminPolicies.values()].sort(compareAdminPolicies);
  priorityTies(sortedAdmin, diags);
  diags.push(...adminPeerNotes(sortedAdmin, nodes.size));
  const bySource = (a: { source: SourceRef }, b: { source: SourceRef }): number => lex(a.source.file, b.source.file) || a.source.line - b.source.line;

  const inventory: Inventory = {
    namespaces: [...namespaces.values()].sort((a, b) => lex(a.name, b.name)),
    workloads: workloads.sort((a, b) => lex(a.id, b.id)),
    pods: sortedPods,
    policies: [...policies.values()].sort((a, b) => lex(a.id, b.id)),
    adminPolicies: sortedAdmin,
    nodes: [...nodes.values()].sort((a, b) => lex(a.name, b.name)),
    unmodelled: resolveUnmodelled(pending, sortedPods, namespaces, diags),
    customResources: customResources.sort(bySource),
    ...(services.size > 0 ? { services: [...services.values()].sort((a, b) => lex(a.id, b.id)) } : {}),
  };
  for (const d of flatDiags) diagnostics.push(d);
  for (const d of diags) diagnostics.push(d);
  return inventory;
}

/**
 * Policies of one tier with one priority: which applies first to a connection both match is undefined in
 * the API (implementations may pick either); we evaluate them by name and say so.
 */
function priorityTies(sorted: readonly AdminPolicy[], diags: Diagnostic[]): void {
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.tier === sorted[i]!.tier && sorted[j]!.priority === sorted[i]!.priority) j++;
    const same = sorted.slice(i, j);
    if (same.length > 1) {
      diags.push({
        severity: 'warning',
        code: 'admin-priority-tie',
        message: `${same.map((p) => p.id).join(', ')} share priority ${same[0]!.priority} in the ${same[0]!.tier} tier: for a connection more than one of them matches, the API leaves undefined which applies (an implementation may pick any); Bulkhead evaluates them in name order`,
        source: same[1]!.source,
      });
    }
    i = j;
  }
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
      ...(raw.nodeName ? { nodeName: raw.nodeName } : {}),
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
        ...(raw.nodeName ? { nodeName: raw.nodeName } : {}),
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
        message: `pod ${p.id} uses hostNetwork: NetworkPolicy selectors do not see it; it is reachable, reaches out as its node does, and pods on its node admit it on every port (the node rule)`,
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
    // Template pods share their workload's label and port objects: nothing to compare.
    if (warned.has(p.workload) || (p.labels === f.labels && p.ports === f.ports)) continue;
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
