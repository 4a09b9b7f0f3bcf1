/**
 * Paged lists (`limit` and `continue`), as kubectl pages them. A continue token the server has expired
 * (410 Gone: its snapshot was compacted away) restarts that list from the start, so a list is always one
 * consistent snapshot of the resource, never two halves taken at different times.
 */
import type { ClusterClient } from './client.js';
import type { ResourceType } from './discovery.js';
import { apiFailure } from './errors.js';
import { UserError } from '../../../util/errors.js';

/** An object of a list, with kind and apiVersion filled in as `kubectl get -o yaml` prints list items. */
export type ApiObject = Record<string, unknown>;

export interface ListResult {
  readonly items: ApiObject[];
  /** The list's resourceVersion: the snapshot it was read at. */
  readonly resourceVersion: string;
  /** Times an expired continue token restarted the list. */
  readonly restarts: number;
}

export interface ListOptions {
  /** Items per page (default 500, kubectl's chunk size). */
  readonly limit?: number;
  /** Restarts after 410 Gone before giving up (default 3). */
  readonly maxRestarts?: number;
}

/** The URL path of a resource, in one namespace or across all. */
export function resourcePath(t: ResourceType, namespace?: string): string {
  const base = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  return namespace !== undefined && t.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace)}/${t.resource}` : `${base}/${t.resource}`;
}

/** A failed request for one resource type; the caller decides whether it is fatal. */
export class ListError extends Error {
  constructor(readonly status: number, readonly error: UserError) {
    super(error.message);
    this.name = 'ListError';
  }
}

/** Lists every object of a type (in one namespace, or all), page by page. */
export async function listAll(client: ClusterClient, t: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
  const limit = opts.limit ?? 500;
  const maxRestarts = opts.maxRestarts ?? 3;
  const path = resourcePath(t, namespace);
  const what = `${t.resource}${t.namespaced ? (namespace !== undefined ? ` in namespace ${namespace}` : ' in all namespaces') : ''}`;
  let restarts = 0;
  for (;;) {
    const items: ApiObject[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    let expired = false;
    do {
      const r = await client.request('GET', path, { limit: String(limit), ...(cont ? { continue: cont } : {}) });
      if (r.status === 410 && cont !== undefined) {
        expired = true;
        break;
      }
      if (r.status !== 200) {
        throw new ListError(r.status, apiFailure(client, r, { verb: 'list', what, path, resource: t.resource, group: t.group }));
      }
      const body = (r.body ?? {}) as { items?: unknown; metadata?: { continue?: unknown; resourceVersion?: unknown } };
      // The first page's resourceVersion is the snapshot; later pages repeat it.
      if (cont === undefined && typeof body.metadata?.resourceVersion === 'string') resourceVersion = body.metadata.resourceVersion;
      for (const it of Array.isArray(body.items) ? body.items : []) {
        if (it && typeof it === 'object' && !Array.isArray(it)) items.push({ apiVersion: t.apiVersion, kind: t.kind, ...(it as ApiObject) });
      }
      const next = body.metadata?.continue;
      cont = typeof next === 'string' && next !== '' ? next : undefined;
    } while (cont !== undefined);
    if (!expired) return { items, resourceVersion, restarts };
    restarts++;
    if (restarts > maxRestarts) {
      throw new ListError(410, new UserError(`listing ${what} failed: the server expired the continue token ${restarts} times (410 Gone)`, 'the cluster changes faster than it can be paged: retry, or give a larger page size'));
    }
  }
}
