/**
 * A Kubernetes API server for tests, on loopback with an ephemeral port, speaking the wire protocol the
 * real client uses: discovery (/api, /apis, /apis/GROUP/VERSION), lists with limit/continue and
 * resourceVersion, 410 Gone on an expired continue token, 401 without the bearer token, 403 with a Status
 * body for forbidden verbs, get, and pod create/get/delete for the probe runner (a probe pod completes
 * with the results a test scripts). Every request is logged, so tests can assert what was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type ApiObject = Record<string, unknown> & { metadata: Record<string, unknown> };

export interface ResourceDef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

/** The resources every cluster serves (the part Bulkhead reads), and CRDs a test may install. */
export const CORE_RESOURCES: readonly ResourceDef[] = [
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false },
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true },
  { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true },
  { group: '', version: 'v1', kind: 'ReplicationController', resource: 'replicationcontrollers', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true },
];

export const CRD_RESOURCES: Readonly<Record<string, ResourceDef>> = {
  CiliumNetworkPolicy: { group: 'cilium.io', version: 'v2', kind: 'CiliumNetworkPolicy', resource: 'ciliumnetworkpolicies', namespaced: true },
  AdminNetworkPolicy: { group: 'policy.networking.k8s.io', version: 'v1alpha1', kind: 'AdminNetworkPolicy', resource: 'adminnetworkpolicies', namespaced: false },
  Prometheus: { group: 'monitoring.coreos.com', version: 'v1', kind: 'Prometheus', resource: 'prometheuses', namespaced: true },
};

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
}

/** What a probe pod reports when it completes: its termination message. */
export type ProbeScript = (pod: ApiObject) => string;

export interface TestApiServerOptions {
  /** Bearer token the server requires (401 without it). */
  readonly token?: string;
  /** Resources beyond the core ones (installed CRDs). */
  readonly crds?: readonly ResourceDef[];
  /** "verb resource" pairs answered 403, e.g. "list ciliumnetworkpolicies". */
  readonly forbid?: readonly string[];
  /** Continue tokens handed out before this many are expire (410) once each, to exercise restarts. */
  readonly expireContinues?: number;
  /** How a created pod completes (probe pods); undefined: created pods stay Running. */
  readonly probe?: ProbeScript;
  /** Milliseconds before a created pod runs and before it completes. */
  readonly podDelayMs?: number;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

const status = (code: number, reason: string, message: string): Record<string, unknown> => ({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code,
});

export class TestApiServer {
  readonly log: RequestLogEntry[] = [];
  private readonly server: Server;
  private readonly resources: ResourceDef[];
  private readonly objects = new Map<string, ApiObject[]>();
  private rv = 1000;
  private continuesLeftToExpire: number;
  private port = 0;
  /** Pods created through the API (probe pods), by namespace/name, still present. */
  readonly created = new Set<string>();
  readonly deleted: string[] = [];

  constructor(objects: readonly Record<string, unknown>[], private readonly opts: TestApiServerOptions = {}) {
    this.resources = [...CORE_RESOURCES, ...(opts.crds ?? [])];
    this.continuesLeftToExpire = opts.expireContinues ?? 0;
    for (const o of objects) this.add(o);
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          this.handle(req, res, body);
        } catch (e) {
          json(res, 500, status(500, 'InternalError', (e as Error).message));
        }
      });
    });
  }

  /** Adds an object as the API stores it: resourceVersion, uid and creationTimestamp assigned. */
  add(o: Record<string, unknown>): ApiObject {
    const def = this.defOf(String(o['apiVersion'] ?? ''), String(o['kind'] ?? ''));
    if (!def) throw new Error(`test server: no resource for ${String(o['apiVersion'])} ${String(o['kind'])}`);
    const meta = { ...((o['metadata'] as Record<string, unknown>) ?? {}) };
    if (def.namespaced && !meta['namespace']) meta['namespace'] = 'default';
    const rv = String(++this.rv);
    const obj: ApiObject = {
      ...o,
      metadata: { ...meta, uid: `uid-${rv}`, resourceVersion: rv, creationTimestamp: '2026-01-01T00:00:00Z' },
    };
    const key = this.keyOf(def);
    const list = (this.objects.get(key) ?? []).filter((x) => !(x.metadata['name'] === meta['name'] && x.metadata['namespace'] === meta['namespace']));
    list.push(obj);
    this.objects.set(key, list);
    return obj;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Writes a kubeconfig for this server (plain http needs insecure-skip-tls-verify in client-node). */
  kubeconfig(dir = mkdtempSync(join(tmpdir(), 'bh-kube-')), cluster = 'test-cluster'): string {
    const file = join(dir, 'kubeconfig');
    const user = this.opts.token ? `{token: ${JSON.stringify(this.opts.token)}}` : '{}';
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: ${cluster}, cluster: {server: "${this.url}", insecure-skip-tls-verify: true}}]`,
        `users: [{name: tester, user: ${user}}]`,
        `contexts: [{name: test, context: {cluster: ${cluster}, user: tester}}, {name: other, context: {cluster: ${cluster}, user: tester, namespace: shop-prod}}]`,
        'current-context: test',
        '',
      ].join('\n'),
    );
    return file;
  }

  /** The objects of a kind (as stored). */
  objectsOf(kind: string): ApiObject[] {
    const def = this.resources.find((r) => r.kind === kind);
    return def ? [...(this.objects.get(this.keyOf(def)) ?? [])] : [];
  }

  /** Requests other than GET (writes). */
  writes(): RequestLogEntry[] {
    return this.log.filter((l) => l.method !== 'GET');
  }

  private keyOf(d: ResourceDef): string {
    return `${d.group}/${d.resource}`;
  }

  private defOf(apiVersion: string, kind: string): ResourceDef | undefined {
    const i = apiVersion.lastIndexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    return this.resources.find((r) => r.group === group && r.kind === kind);
  }

  private forbidden(verb: string, resource: string): boolean {
    return (this.opts.forbid ?? []).includes(`${verb} ${resource}`);
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const u = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(u.searchParams.entries());
    const method = req.method ?? 'GET';
    this.log.push({ method, path: u.pathname, query });
    if (this.opts.token && req.headers.authorization !== `Bearer ${this.opts.token}`) {
      json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const p = u.pathname.split('/').filter(Boolean);
    if (u.pathname === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (u.pathname === '/apis') {
      const groups = [...new Set(this.resources.filter((r) => r.group !== '').map((r) => r.group))].map((g) => {
        const versions = [...new Set(this.resources.filter((r) => r.group === g).map((r) => r.version))];
        return { name: g, versions: versions.map((v) => ({ groupVersion: `${g}/${v}`, version: v })), preferredVersion: { groupVersion: `${g}/${versions[0]}`, version: versions[0] } };
      });
      return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    // /api/v1/... or /apis/GROUP/VERSION/...
    let group: string;
    let version: string;
    let rest: string[];
    if (p[0] === 'api' && p.length >= 2) [group, version, rest] = ['', p[1]!, p.slice(2)];
    else if (p[0] === 'apis' && p.length >= 3) [group, version, rest] = [p[1]!, p[2]!, p.slice(3)];
    else return json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const served = this.resources.filter((r) => r.group === group && r.version === version);
    if (served.length === 0) return json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (rest.length === 0) {
      return json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources: served.flatMap((r) => [
          { name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
          ...(r.kind === 'Pod' ? [{ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] }] : []),
        ]),
      });
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = decodeURIComponent(rest[1]!);
      rest = rest.slice(2);
    }
    const def = served.find((r) => r.resource === rest[0]);
    if (!def) return json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const name = rest[1] !== undefined ? decodeURIComponent(rest[1]) : undefined;
    const verb = method === 'GET' ? (name !== undefined ? 'get' : 'list') : method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : method.toLowerCase();
    if (this.forbidden(verb, def.resource)) {
      const scope = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
      return json(res, 403, status(403, 'Forbidden', `${def.resource}${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:audit:bulkhead" cannot ${verb} resource "${def.resource}" in API group "${def.group}" ${scope}`));
    }
    const all = this.objects.get(this.keyOf(def)) ?? [];
    const inScope = all.filter((o) => namespace === undefined || o.metadata['namespace'] === namespace);
    if (verb === 'list') return this.list(res, def, inScope, query);
    if (verb === 'get') {
      const o = def.kind === 'Namespace' && name !== undefined ? all.find((x) => x.metadata['name'] === name) : inScope.find((x) => x.metadata['name'] === name);
      if (!o) return json(res, 404, status(404, 'NotFound', `${def.resource} "${name}" not found`));
      return json(res, 200, { apiVersion: def.group ? `${def.group}/${def.version}` : def.version, kind: def.kind, ...o });
    }
    if (method === 'PATCH' && def.kind === 'Pod' && rest[2] === 'ephemeralcontainers' && namespace !== undefined && name !== undefined) {
      if (this.forbidden('patch', 'pods/ephemeralcontainers')) return json(res, 403, status(403, 'Forbidden', `pods "${name}" is forbidden: cannot patch resource "pods/ephemeralcontainers"`));
      return this.addEphemeral(res, namespace, name, body, req.headers['content-type'] ?? '');
    }
    if (verb === 'create' && def.kind === 'Pod' && namespace !== undefined) return this.createPod(res, namespace, body);
    if (verb === 'delete' && def.kind === 'Pod' && namespace !== undefined && name !== undefined) {
      const key = this.keyOf(def);
      const before = this.objects.get(key) ?? [];
      const found = before.find((x) => x.metadata['namespace'] === namespace && x.metadata['name'] === name);
      if (!found) return json(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
      this.objects.set(key, before.filter((x) => x !== found));
      this.created.delete(`${namespace}/${name}`);
      this.deleted.push(`${namespace}/${name}`);
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: 'pods' } });
    }
    return json(res, 405, status(405, 'MethodNotAllowed', `${method} is not supported by the test server`));
  }

  private list(res: ServerResponse, def: ResourceDef, items: ApiObject[], query: Record<string, string>): void {
    const sorted = [...items].sort((a, b) => `${String(a.metadata['namespace'] ?? '')}/${String(a.metadata['name'])}`.localeCompare(`${String(b.metadata['namespace'] ?? '')}/${String(b.metadata['name'])}`));
    const limit = query['limit'] ? Number(query['limit']) : 0;
    let start = 0;
    if (query['continue']) {
      const t = JSON.parse(Buffer.from(query['continue'], 'base64url').toString()) as { rv: number; start: number };
      if (this.continuesLeftToExpire > 0) {
        this.continuesLeftToExpire--;
        return json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      }
      start = t.start;
    }
    const page = limit > 0 ? sorted.slice(start, start + limit) : sorted.slice(start);
    const more = limit > 0 && start + limit < sorted.length;
    const cont = more ? Buffer.from(JSON.stringify({ rv: this.rv, start: start + limit })).toString('base64url') : undefined;
    json(res, 200, {
      kind: `${def.kind}List`,
      apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
      metadata: { resourceVersion: String(this.rv), ...(cont ? { continue: cont, remainingItemCount: sorted.length - start - limit } : {}) },
      // Items of a list carry no kind or apiVersion on the wire.
      items: page.map((o) => {
        const { kind: _k, apiVersion: _a, ...rest } = o;
        return rest;
      }),
    });
  }

  /** Ephemeral containers are added, never removed; each completes with the probe script's message. */
  private addEphemeral(res: ServerResponse, namespace: string, name: string, body: string, contentType: string): void {
    const pod = this.objectsOf('Pod').find((x) => x.metadata['namespace'] === namespace && x.metadata['name'] === name);
    if (!pod) return json(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
    if (!contentType.startsWith('application/strategic-merge-patch+json')) return json(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format: ${contentType}`));
    const added = ((JSON.parse(body) as { spec?: { ephemeralContainers?: Array<Record<string, unknown>> } }).spec?.ephemeralContainers ?? []);
    const spec = pod['spec'] as Record<string, unknown>;
    const existing = (spec['ephemeralContainers'] as Array<Record<string, unknown>> | undefined) ?? [];
    spec['ephemeralContainers'] = [...existing, ...added.filter((c) => !existing.some((e) => e['name'] === c['name']))];
    pod.metadata['resourceVersion'] = String(++this.rv);
    for (const c of added) {
      setTimeout(() => {
        const env = (c['env'] as Array<{ name: string; value: string }> | undefined) ?? [];
        const probes = env.find((e) => e.name === 'BULKHEAD_PROBES')?.value ?? '[]';
        const message = this.opts.probe ? this.opts.probe({ metadata: { annotations: { 'bulkhead.io/probes': probes } } } as ApiObject) : '';
        const st = (pod['status'] ?? {}) as Record<string, unknown>;
        const statuses = (st['ephemeralContainerStatuses'] as unknown[] | undefined) ?? [];
        pod['status'] = { ...st, ephemeralContainerStatuses: [...statuses, { name: c['name'], state: { terminated: { exitCode: 0, reason: 'Completed', message } } }] };
      }, this.opts.podDelayMs ?? 20);
    }
    json(res, 200, pod);
  }

  private createPod(res: ServerResponse, namespace: string, body: string): void {
    const spec = JSON.parse(body) as ApiObject;
    const meta = spec.metadata ?? {};
    const name = String(meta['name'] ?? `${String(meta['generateName'] ?? 'pod-')}${++this.rv}`);
    const pod = this.add({ ...spec, apiVersion: 'v1', kind: 'Pod', metadata: { ...meta, name, namespace }, status: { phase: 'Pending' } });
    this.created.add(`${namespace}/${name}`);
    const delay = this.opts.podDelayMs ?? 20;
    setTimeout(() => {
      const cur = this.objectsOf('Pod').find((x) => x.metadata['namespace'] === namespace && x.metadata['name'] === name);
      if (!cur) return;
      cur['status'] = { phase: 'Running', podIP: `10.99.0.${this.rv % 250}` };
      if (!this.opts.probe) return;
      setTimeout(() => {
        const again = this.objectsOf('Pod').find((x) => x.metadata['namespace'] === namespace && x.metadata['name'] === name);
        if (!again) return;
        const message = this.opts.probe!(again);
        again['status'] = {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'probe', state: { terminated: { exitCode: 0, reason: 'Completed', message } } }],
        };
      }, delay);
    }, delay);
    json(res, 201, pod);
  }
}

/** The objects of YAML manifests (files or a directory), as a user would `kubectl apply` them. */
export function manifestsOf(path: string): Record<string, unknown>[] {
  const files = path.endsWith('.yaml') || path.endsWith('.yml') ? [path] : readdirSync(path).filter((f) => /\.ya?ml$/.test(f) && f !== 'bulkhead.yaml').sort().map((f) => join(path, f));
  const out: Record<string, unknown>[] = [];
  for (const f of files) {
    for (const d of parseAllDocuments(readFileSync(f, 'utf8'), { version: '1.1', merge: true })) {
      const v = d.toJS() as unknown;
      if (v && typeof v === 'object' && 'kind' in v) out.push(v as Record<string, unknown>);
    }
  }
  return out;
}

/**
 * The manifests with the pods their controllers would create: per workload `replicas` pods (at most two,
 * at least one) owned by it, with its template's labels and containers, Running on a node with an address.
 */
export function withPods(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out = [...objects];
  let n = 0;
  const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
  for (const o of objects) {
    const kind = String(o['kind']);
    const tmpl = kind === 'CronJob' ? at(o, 'spec', 'jobTemplate', 'spec', 'template') : at(o, 'spec', 'template');
    if (!['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'].includes(kind) || !tmpl) continue;
    const meta = o['metadata'] as Record<string, unknown>;
    const replicas = Math.min(2, Math.max(1, Number(at(o, 'spec', 'replicas') ?? 1)));
    for (let i = 0; i < replicas; i++) {
      n++;
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${String(meta['name'])}-${kind === 'StatefulSet' ? i : `x${n}`}`,
          namespace: meta['namespace'] ?? 'default',
          labels: { ...((at(tmpl, 'metadata', 'labels') as Record<string, string>) ?? {}) },
          ownerReferences: [{ apiVersion: String(o['apiVersion']), kind, name: String(meta['name']), uid: `owner-${n}`, controller: true }],
        },
        spec: { ...(at(tmpl, 'spec') as Record<string, unknown>), nodeName: `node-${n % 2}` },
        status: { phase: 'Running', podIP: `10.244.${Math.floor(n / 200)}.${(n % 200) + 10}`, podIPs: [{ ip: `10.244.${Math.floor(n / 200)}.${(n % 200) + 10}` }] },
      });
    }
  }
  return out;
}
