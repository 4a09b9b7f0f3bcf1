/**
 * The connection to a cluster's API: the kubeconfig resolved as kubectl resolves it (--kubeconfig, then
 * KUBECONFIG, then ~/.kube/config, then the in-cluster service account), through @kubernetes/client-node's
 * own HTTP stack and authentication, answering raw JSON: the API's documents exactly as it sends them, never
 * the client's typed models (which drop unknown fields and turn timestamps into Dates).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
// Types only: the client library takes over a second to load, so it is imported when a command connects.
import type { KubeConfig, RequestContext, HttpMethod, Configuration } from '@kubernetes/client-node';
import { UserError } from '../../../util/errors.js';

export interface ClusterOptions {
  /** --kubeconfig FILE (else KUBECONFIG, ~/.kube/config, the in-cluster service account). */
  readonly kubeconfig?: string;
  /** --context NAME (else the kubeconfig's current context). */
  readonly context?: string;
}

/** A response of the API: the HTTP status and the parsed JSON body (undefined when not JSON). */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The verbs a request can use; reading the cluster uses GET only. */
export type Verb = 'GET' | 'POST' | 'DELETE' | 'PATCH';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Raw requests through the client's configured server, TLS and authentication. */
class RawApi {
  constructor(readonly configuration: Configuration) {}
}

/** A connection to one cluster. Credentials stay inside the client: nothing here prints or stores them. */
export class ClusterClient {
  private constructor(
    /** The cluster's name in the kubeconfig: the first part of every live reference. */
    readonly cluster: string,
    /** The API server's URL (no credentials: kubeconfigs keep those apart). */
    readonly server: string,
    /** The context used, or "in-cluster". */
    readonly context: string,
    /** The kubeconfig context's namespace, when it names one. */
    readonly contextNamespace: string | undefined,
    private readonly kc: KubeConfig,
    private readonly api: RawApi,
  ) {}

  /** Resolves the kubeconfig and context; a missing file or an unknown context is a UserError. */
  static async connect(opts: ClusterOptions = {}): Promise<ClusterClient> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    try {
      if (opts.kubeconfig) {
        if (!existsSync(opts.kubeconfig)) throw new UserError(`cannot read kubeconfig ${opts.kubeconfig}: no such file`);
        kc.loadFromFile(opts.kubeconfig);
      } else if (!process.env['KUBECONFIG'] && !existsSync(join(homedir(), '.kube', 'config')) && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
        // loadFromDefault would fall back to http://localhost:8080 without saying so.
        throw new UserError('no kubeconfig: KUBECONFIG is not set, ~/.kube/config does not exist and this is not a pod with a service account', 'give --kubeconfig FILE, or set KUBECONFIG');
      } else kc.loadFromDefault();
    } catch (e) {
      if (e instanceof UserError) throw e;
      // The client's parse errors name the file, never its secrets.
      throw new UserError(`cannot read the kubeconfig: ${(e as Error).message}`);
    }
    if (opts.context) {
      if (!kc.getContexts().some((c) => c.name === opts.context)) {
        const known = kc.getContexts().map((c) => c.name);
        throw new UserError(`no context "${opts.context}" in the kubeconfig`, known.length ? `contexts: ${known.join(', ')}` : 'the kubeconfig defines no context');
      }
      kc.setCurrentContext(opts.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new UserError(`the kubeconfig's context "${kc.getCurrentContext()}" names no cluster`, 'give --context NAME of a context with a cluster');
    const ctx = kc.getContextObject(kc.getCurrentContext());
    return new ClusterClient(cluster.name, cluster.server, kc.getCurrentContext() || 'in-cluster', ctx?.namespace || undefined, kc, kc.makeApiClient(RawApi));
  }

  /** One request; the body is sent as JSON. Network failures become a UserError naming the server. */
  async request(verb: Verb, path: string, query: Readonly<Record<string, string>> = {}, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
    const cfg = this.api.configuration;
    // HttpMethod's members are the verbs' own names.
    const method = verb as HttpMethod;
    const ctx: RequestContext = cfg.baseServer.makeRequestContext(path, method);
    for (const [k, v] of Object.entries(query)) ctx.setQueryParam(k, v);
    ctx.setHeaderParam('Accept', 'application/json');
    if (body !== undefined) {
      ctx.setHeaderParam('Content-Type', contentType);
      ctx.setBody(JSON.stringify(body));
    }
    try {
      await cfg.authMethods.default?.applySecurityAuthentication(ctx);
    } catch (e) {
      // The kubeconfig's TLS settings or its credential plugin (exec, OIDC) failed before any request.
      throw new UserError(`cannot connect to the cluster ${this.cluster} at ${this.server}: ${networkWords(e)}`, 'check the kubeconfig context (--context): its certificates, TLS settings and login');
    }
    let status: number;
    let text: string;
    try {
      const res = await cfg.httpApi.send(ctx).toPromise();
      status = res.httpStatusCode;
      text = await res.body.text();
    } catch (e) {
      throw new UserError(`cannot reach the cluster ${this.cluster} at ${this.server}: ${networkWords(e)}`, 'check the kubeconfig context (--context) and that the API server is reachable');
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status, body: parsed };
  }

  /** The KubeConfig, for the client's other helpers (never printed). */
  get kubeConfig(): KubeConfig {
    return this.kc;
  }
}

/** The cause of a failed connection in words, without the request (whose headers carry credentials). */
function networkWords(e: unknown): string {
  const err = e as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host';
  if (code === 'ETIMEDOUT') return 'timed out';
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `the server's certificate is not trusted (${code})`;
  return (err.cause?.message ?? err.message ?? String(e)).replace(/Bearer\s+\S+/gi, 'Bearer <redacted>');
}

/** The message of a Status body, when the API sent one. */
export function statusMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') {
    const m = (body as { message?: unknown }).message;
    return typeof m === 'string' ? m : undefined;
  }
  return undefined;
}

/** The reason of a Status body (Expired, Forbidden, NotFound...). */
export function statusReason(body: unknown): string | undefined {
  if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') {
    const r = (body as { reason?: unknown }).reason;
    return typeof r === 'string' ? r : undefined;
  }
  return undefined;
}
