/**
 * Which resources to read: every kind Bulkhead models or warns about (the kinds registry), plus nodes and
 * services, found through the API's discovery endpoints (/api, /apis, /apis/GROUP/VERSION), so a custom
 * resource whose CRD is not installed is simply absent, never an error.
 */
import { KINDS } from '../kinds/index.js';
import { BUILTIN_OPERATORS } from '../operators.js';
import type { OperatorKind } from '../../../settings/index.js';
import type { ClusterClient } from './client.js';
import { apiFailure } from './errors.js';

/** A listable resource of the cluster. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural resource name in URLs: `pods`, `networkpolicies`. */
  readonly resource: string;
  readonly namespaced: boolean;
  /** The objects' apiVersion: `v1`, `apps/v1`. */
  readonly apiVersion: string;
}

/** Kinds read even though they do not change reachability: the snapshot keeps them (nodes' addresses, services). */
const CONTEXT_KINDS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: '', kind: 'Node' },
  { group: '', kind: 'Service' },
];

/** group/kind pairs wanted: modelled and unmodelled kinds of the registry, operator kinds, nodes and services. */
export function wantedKinds(operators: readonly OperatorKind[] = []): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (group: string, kind: string): void => {
    const s = out.get(group) ?? new Set<string>();
    s.add(kind);
    out.set(group, s);
  };
  for (const e of KINDS) if (e.role !== 'irrelevant') for (const g of e.groups) add(g, e.kind);
  for (const o of [...BUILTIN_OPERATORS, ...operators]) if (o.group !== undefined) add(o.group, o.kind);
  for (const c of CONTEXT_KINDS) add(c.group, c.kind);
  return out;
}

interface GroupVersions {
  readonly name: string;
  readonly versions: string[];
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** GET a discovery document; failures are the clear messages of apiFailure. */
async function discover(client: ClusterClient, path: string, what: string): Promise<unknown> {
  const r = await client.request('GET', path);
  if (r.status !== 200) throw apiFailure(client, r, { verb: 'get', what, path });
  return r.body;
}

/** The groups the server serves, each with its versions, the preferred one first. */
async function servedGroups(client: ClusterClient): Promise<GroupVersions[]> {
  const core = (await discover(client, '/api', 'the API versions (/api)')) as { versions?: unknown };
  const groups: GroupVersions[] = [{ name: '', versions: arrayOf(core?.versions).map(str).filter((v): v is string => !!v) }];
  const list = (await discover(client, '/apis', 'the API groups (/apis)')) as { groups?: unknown };
  for (const g of arrayOf(list?.groups)) {
    const o = g as { name?: unknown; versions?: unknown; preferredVersion?: { version?: unknown } };
    const name = str(o.name);
    if (!name) continue;
    const versions = arrayOf(o.versions).map((v) => str((v as { version?: unknown })?.version)).filter((v): v is string => !!v);
    const preferred = str(o.preferredVersion?.version);
    groups.push({ name, versions: preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions });
  }
  return groups;
}

/**
 * The resource types to list: for each wanted kind, the first version of its group (the preferred one
 * first) that serves it with the list verb. Subresources (`pods/log`) are not objects and are skipped.
 */
export async function discoverResources(client: ClusterClient, operators: readonly OperatorKind[] = []): Promise<ResourceType[]> {
  const wanted = wantedKinds(operators);
  const out: ResourceType[] = [];
  for (const g of await servedGroups(client)) {
    const kinds = wanted.get(g.name);
    if (!kinds) continue;
    const found = new Set<string>();
    for (const version of g.versions) {
      const path = g.name === '' ? `/api/${version}` : `/apis/${g.name}/${version}`;
      const r = await client.request('GET', path);
      // A group version whose aggregated server is down answers 503: its kinds are looked for in other versions.
      if (r.status === 404 || r.status === 503) continue;
      if (r.status !== 200) throw apiFailure(client, r, { verb: 'get', what: `the resources of ${g.name || 'core'}/${version}`, path });
      for (const res of arrayOf((r.body as { resources?: unknown })?.resources)) {
        const o = res as { name?: unknown; kind?: unknown; namespaced?: unknown; verbs?: unknown };
        const name = str(o.name);
        const kind = str(o.kind);
        if (!name || !kind || name.includes('/') || !kinds.has(kind) || found.has(kind)) continue;
        if (!arrayOf(o.verbs).includes('list')) continue;
        found.add(kind);
        out.push({ group: g.name, version, kind, resource: name, namespaced: o.namespaced === true, apiVersion: g.name === '' ? version : `${g.name}/${version}` });
      }
      if (found.size === kinds.size) break;
    }
  }
  // Namespaces first, then the rest by group and kind: the order progress is shown in and objects are read.
  const rank = (t: ResourceType): string => `${t.kind === 'Namespace' ? 0 : 1}/${t.group}/${t.kind}`;
  return out.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
}
