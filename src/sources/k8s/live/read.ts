/**
 * Reading a cluster: discovery, then every wanted resource type listed page by page (all namespaces, or
 * the ones asked for), each object scrubbed of what may hold secrets and of what no analysis reads.
 * Read-only: GET requests only (get and list in RBAC terms).
 */
import type { Diagnostic } from '../../../inventory/types.js';
import type { OperatorKind } from '../../../settings/index.js';
import { UserError } from '../../../util/errors.js';
import { lex } from '../../../util/compare.js';
import type { ClusterClient } from './client.js';
import { discoverResources, type ResourceType } from './discovery.js';
import { apiFailure } from './errors.js';
import { ListError, listAll, resourcePath, type ApiObject } from './list.js';
import { lookupKind } from '../kinds/index.js';

export interface ReadOptions {
  /** Only these namespaces (their namespaced objects; cluster-scoped objects are always read). */
  readonly namespaces?: readonly string[];
  /** Operator kinds of the settings, read like the built-in ones. */
  readonly operators?: readonly OperatorKind[];
  /** Items per page. */
  readonly limit?: number;
  /** Called before and after each resource type is read (progress on a terminal). */
  readonly progress?: (event: { type: ResourceType; done: boolean; count: number }) => void;
}

/** One resource type as read: the list's resourceVersion and its objects. */
export interface ReadList {
  readonly type: ResourceType;
  readonly resourceVersion: string;
  readonly items: ApiObject[];
}

/** What was read from a cluster: enough to build the inventory and to write a snapshot. */
export interface ClusterRead {
  readonly cluster: string;
  readonly server: string;
  readonly context: string;
  readonly namespaces?: readonly string[];
  readonly lists: ReadList[];
  readonly diagnostics: Diagnostic[];
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The pod specs of an object: a Pod's own, a workload's template, a CronJob's job template. */
function podSpecs(obj: ApiObject): Array<Record<string, unknown>> {
  const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
  const out: Array<Record<string, unknown>> = [];
  for (const s of [at(obj, 'spec'), at(obj, 'spec', 'template', 'spec'), at(obj, 'spec', 'jobTemplate', 'spec', 'template', 'spec')]) {
    if (s && typeof s === 'object' && !Array.isArray(s) && ('containers' in s || 'initContainers' in s)) out.push(s as Record<string, unknown>);
  }
  return out;
}

/**
 * Removes what may carry credentials or is only bookkeeping: environment variables (literal values are
 * often secrets), the last-applied annotation (a copy of them), managed fields. None of it changes traffic.
 */
export function scrub(obj: ApiObject): ApiObject {
  const out = structuredClone(obj);
  const meta = out['metadata'];
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const m = meta as Record<string, unknown>;
    delete m['managedFields'];
    const ann = m['annotations'];
    if (ann && typeof ann === 'object' && !Array.isArray(ann)) {
      delete (ann as Record<string, unknown>)[LAST_APPLIED];
      if (Object.keys(ann).length === 0) delete m['annotations'];
    }
  }
  for (const spec of podSpecs(out)) {
    for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
      const cs = spec[key];
      if (!Array.isArray(cs)) continue;
      for (const c of cs) {
        if (c && typeof c === 'object') {
          delete (c as Record<string, unknown>)['env'];
          delete (c as Record<string, unknown>)['envFrom'];
        }
      }
    }
  }
  return out;
}

function metaOf(o: ApiObject): { name: string; namespace?: string; resourceVersion?: string } {
  const m = (o['metadata'] ?? {}) as Record<string, unknown>;
  return {
    name: typeof m['name'] === 'string' ? m['name'] : '',
    ...(typeof m['namespace'] === 'string' && m['namespace'] !== '' ? { namespace: m['namespace'] } : {}),
    ...(typeof m['resourceVersion'] === 'string' ? { resourceVersion: m['resourceVersion'] } : {}),
  };
}

/** `cluster/namespace/Kind/name@resourceVersion` (no namespace part for cluster-scoped objects). */
export function liveRef(cluster: string, o: ApiObject): string {
  const m = metaOf(o);
  const kind = typeof o['kind'] === 'string' ? o['kind'] : '?';
  return `${cluster}/${m.namespace !== undefined ? `${m.namespace}/` : ''}${kind}/${m.name}${m.resourceVersion ? `@${m.resourceVersion}` : ''}`;
}

/** A pod that has finished holds no address any more (it may be reused): it is not part of the network. */
function finished(o: ApiObject): boolean {
  const phase = (o['status'] as { phase?: unknown } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** True when the kind decides what the analysis says: without it, no result can be trusted. */
function essential(t: ResourceType): boolean {
  return lookupKind(t.group, t.kind)?.role === 'model';
}

/** Reads the cluster. Refusals of essential kinds (pods, policies, namespaces) are fatal; others become diagnostics. */
export async function readCluster(client: ClusterClient, opts: ReadOptions = {}): Promise<ClusterRead> {
  const diagnostics: Diagnostic[] = [];
  const types = await discoverResources(client, opts.operators ?? []);
  const namespaces = opts.namespaces && opts.namespaces.length > 0 ? [...new Set(opts.namespaces)].sort(lex) : undefined;
  const lists: ReadList[] = [];
  for (const t of types) {
    opts.progress?.({ type: t, done: false, count: 0 });
    try {
      let items: ApiObject[] = [];
      let resourceVersion = '';
      if (t.kind === 'Namespace' && t.group === '' && namespaces) {
        for (const ns of namespaces) items.push(await getNamespace(client, t, ns));
      } else if (t.namespaced && namespaces) {
        const rvs: string[] = [];
        for (const ns of namespaces) {
          const r = await listAll(client, t, ns, opts.limit !== undefined ? { limit: opts.limit } : {});
          items.push(...r.items);
          rvs.push(r.resourceVersion);
        }
        resourceVersion = rvs.join(',');
      } else {
        const r = await listAll(client, t, undefined, opts.limit !== undefined ? { limit: opts.limit } : {});
        items = r.items;
        resourceVersion = r.resourceVersion;
      }
      const kept: ApiObject[] = [];
      let done = 0;
      for (const it of items) {
        if (t.kind === 'Pod' && t.group === '' && finished(it)) done++;
        else kept.push(scrub(it));
      }
      if (done > 0) diagnostics.push({ severity: 'info', code: 'live-finished-pods', message: `${done} finished pod(s) (phase Succeeded or Failed) left out: they hold no address any more` });
      kept.sort((a, b) => lex(metaOf(a).namespace ?? '', metaOf(b).namespace ?? '') || lex(metaOf(a).name, metaOf(b).name));
      lists.push({ type: t, resourceVersion, items: kept });
      opts.progress?.({ type: t, done: true, count: kept.length });
    } catch (e) {
      if (!(e instanceof ListError)) throw e;
      // Without pods, workloads, policies or namespaces no answer holds; a layer that cannot be read is a caveat.
      if (essential(t) || e.status === 401 || e.status >= 500 || e.status === 410) throw e.error;
      diagnostics.push({
        severity: t.kind === 'Node' || t.kind === 'Service' ? 'warning' : 'error',
        code: 'live-unreadable',
        message: `${t.kind} (${t.apiVersion}) could not be read, so the results ignore any: ${e.error.message}`,
      });
      opts.progress?.({ type: t, done: true, count: 0 });
    }
  }
  return { cluster: client.cluster, server: client.server, context: client.context, ...(namespaces ? { namespaces } : {}), lists, diagnostics };
}

async function getNamespace(client: ClusterClient, t: ResourceType, ns: string): Promise<ApiObject> {
  const path = `${resourcePath(t)}/${encodeURIComponent(ns)}`;
  const r = await client.request('GET', path);
  if (r.status === 404) throw new UserError(`no namespace ${ns} in the cluster ${client.cluster}`, 'list them with kubectl get namespaces');
  if (r.status !== 200) throw new ListError(r.status, apiFailure(client, r, { verb: 'get', what: `namespace ${ns}`, path, resource: 'namespaces', group: '' }));
  return { apiVersion: t.apiVersion, kind: t.kind, ...(r.body as ApiObject) };
}
