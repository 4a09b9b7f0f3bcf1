/**
 * The AdminNetworkPolicy conformance cases (test/cases/k8s-admin/*.yaml, transcribed from
 * kubernetes-sigs/network-policy-api v0.1.7, see ../../../shared/cases/anp-cases.md): the conformance
 * cluster, each case's manifests, and its steps. A step's patches persist into later steps, as upstream's
 * subtests patch the same live objects. Each case also runs as v1alpha2 ClusterNetworkPolicy, by
 * upstream's own mechanical mapping (ANP -> tier Admin, BANP -> tier Baseline, Allow -> Accept, ports ->
 * protocols).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parse, parseAllDocuments, stringify } from 'yaml';

type Protocol = 'TCP' | 'UDP' | 'SCTP';
type Obj = Record<string, unknown>;

export interface AdminProbe {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly expect: 'allow' | 'deny';
}

/** One edit of the live objects, addressed by `Kind/name` or `Kind/namespace/name`. */
export type AdminPatch =
  | { readonly swap: { readonly object: string; readonly path: string; readonly a: number; readonly b: number } }
  | { readonly set: { readonly object: string; readonly path: string; readonly value: unknown } }
  | { readonly insert: { readonly object: string; readonly path: string; readonly index: number; readonly value: unknown } }
  | { readonly delete: { readonly object: string } };

export interface AdminStep {
  readonly name: string;
  readonly patches?: readonly AdminPatch[];
  readonly probes: readonly AdminProbe[];
}

export interface AdminCase {
  readonly file: string;
  readonly id: string;
  readonly title: string;
  readonly manifests: string;
  readonly steps: readonly AdminStep[];
}

const DIR = new URL('../../../test/cases/k8s-admin/', import.meta.url);

/** The conformance cluster (namespaces, pods with IPs and nodes, Node objects). */
export const CLUSTER_YAML = readFileSync(new URL('cluster.yaml', DIR), 'utf8');

/** Every case file but the cluster, in name order. */
export const ADMIN_CASES: readonly AdminCase[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'cluster.yaml')
  .sort()
  .map((file) => ({ file, ...(parse(readFileSync(new URL(file, DIR), 'utf8')) as Omit<AdminCase, 'file'>) }));

/** Pod name -> `namespace/name` and IP, from the cluster. */
export const CLUSTER_PODS: ReadonlyMap<string, { id: string; ip: string }> = new Map(
  parseAllDocuments(CLUSTER_YAML)
    .map((d) => d.toJS() as Obj)
    .filter((o) => o['kind'] === 'Pod')
    .map((o) => {
      const meta = o['metadata'] as Obj;
      const status = o['status'] as Obj;
      return [String(meta['name']), { id: `${String(meta['namespace'])}/${String(meta['name'])}`, ip: String(status['podIP']) }];
    }),
);

function keyOf(o: Obj): string {
  const meta = (o['metadata'] ?? {}) as Obj;
  return [o['kind'], meta['namespace'], meta['name']].filter((x) => x !== undefined).join('/');
}

/** `${ip:POD}` -> the pod's IP. */
function substitute(v: unknown): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{ip:([^}]+)\}/g, (_, name: string) => {
      const p = CLUSTER_PODS.get(name);
      if (!p) throw new Error(`no pod ${name} in cluster.yaml`);
      return p.ip;
    });
  }
  if (Array.isArray(v)) return v.map(substitute);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x)]));
  return v;
}

/** The value at a dotted path (`spec.ingress.0.action`): its parent and last key. */
function locate(o: Obj, path: string): { parent: Obj | unknown[]; key: string } {
  const keys = path.split('.');
  let cur: unknown = o;
  for (const k of keys.slice(0, -1)) cur = (cur as Obj)[k];
  if (cur === null || typeof cur !== 'object') throw new Error(`no ${path}`);
  return { parent: cur as Obj, key: keys[keys.length - 1]! };
}

function listAt(o: Obj, path: string): unknown[] {
  const { parent, key } = locate(o, path);
  const l = (parent as Obj)[key];
  if (!Array.isArray(l)) throw new Error(`${path} is not a list`);
  return l;
}

/** Applies one step's patches to the live objects (in place). */
export function applyPatches(docs: Obj[], patches: readonly AdminPatch[]): void {
  const find = (object: string): Obj => {
    const o = docs.find((d) => keyOf(d) === object);
    if (!o) throw new Error(`patch names ${object}, which is not in the case`);
    return o;
  };
  for (const p of patches) {
    if ('swap' in p) {
      const l = listAt(find(p.swap.object), p.swap.path);
      [l[p.swap.a], l[p.swap.b]] = [l[p.swap.b], l[p.swap.a]];
    } else if ('set' in p) {
      const { parent, key } = locate(find(p.set.object), p.set.path);
      (parent as Obj)[key] = substitute(p.set.value);
    } else if ('insert' in p) {
      listAt(find(p.insert.object), p.insert.path).splice(p.insert.index, 0, substitute(p.insert.value));
    } else {
      const i = docs.indexOf(find(p.delete.object));
      docs.splice(i, 1);
    }
  }
}

/** The case's manifests as live objects. */
export function caseObjects(c: AdminCase): Obj[] {
  return parseAllDocuments(c.manifests).map((d) => d.toJS() as Obj);
}

const ACTION: Record<string, string> = { Allow: 'Accept', Deny: 'Deny', Pass: 'Pass' };

function toProtocol(p: Obj): Obj {
  if (p['namedPort'] !== undefined) return { destinationNamedPort: p['namedPort'] };
  const n = p['portNumber'] as Obj | undefined;
  const r = p['portRange'] as Obj | undefined;
  const proto = String((n ?? r)?.['protocol'] ?? 'TCP').toLowerCase();
  return { [proto]: { destinationPort: n ? { number: n['port'] } : { range: { start: r!['start'], end: r!['end'] } } } };
}

function toCnpRule(rule: Obj): Obj {
  const out: Obj = { ...rule, action: ACTION[String(rule['action'])] ?? rule['action'] };
  delete out['ports'];
  if (Array.isArray(rule['ports'])) out['protocols'] = (rule['ports'] as Obj[]).map(toProtocol);
  return out;
}

/**
 * Upstream's mapping of v1alpha1 objects to v1alpha2 ClusterNetworkPolicy (commit 8c1c5fa): ANP -> tier
 * Admin with its priority, BANP -> tier Baseline (priority 0 here), Allow -> Accept, ports -> protocols.
 */
export function asClusterNetworkPolicies(docs: readonly Obj[]): Obj[] {
  return docs.map((d) => {
    if (d['kind'] !== 'AdminNetworkPolicy' && d['kind'] !== 'BaselineAdminNetworkPolicy') return d;
    const spec = d['spec'] as Obj;
    const admin = d['kind'] === 'AdminNetworkPolicy';
    const rules = (key: string): Obj => (Array.isArray(spec[key]) ? { [key]: (spec[key] as Obj[]).map(toCnpRule) } : {});
    return {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: d['metadata'],
      spec: { tier: admin ? 'Admin' : 'Baseline', priority: admin ? spec['priority'] : 0, subject: spec['subject'], ...rules('ingress'), ...rules('egress') },
    };
  });
}

/** Live objects as YAML 1.1 text (what kubectl reads). */
export function objectsYaml(docs: readonly Obj[]): string {
  return docs.map((d) => stringify(d, { version: '1.1' })).join('---\n');
}
