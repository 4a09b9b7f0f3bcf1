/**
 * The live runner of `bulkhead test`: the checks tried from real pods of a cluster. For each source pod a
 * short-lived probe pod with the source's namespace and labels (so the same policies select it), owned by
 * the source pod (so no ReplicaSet adopts it, and it goes if the source goes), runs the connection attempts
 * to the destinations' real addresses and writes the outcomes to its termination message. Bounded
 * concurrency, timeouts, and every created pod deleted at the end, on errors and on Ctrl-C.
 */
import type { Check, Observation, Runner } from '../analyses/test/types.js';
import type { Inventory, Pod } from '../inventory/types.js';
import type { ClusterClient } from '../sources/k8s/live/client.js';
import { apiFailure } from '../sources/k8s/live/errors.js';
import { parseIp } from '../model/address.js';

export interface LiveRunnerOptions {
  /** Per connection attempt, in ms (default 1000). */
  readonly timeoutMs?: number;
  /** Probe pods at once (default 4). */
  readonly concurrency?: number;
  /** Probes at most; the rest are skipped (default 5000). */
  readonly maxProbes?: number;
  /** The probe image: needs sh and nc (default busybox). */
  readonly image?: string;
  /** How long a probe pod may take to start, in ms (default 120000). */
  readonly startTimeoutMs?: number;
  /** Poll interval for pod status, in ms (default 500). */
  readonly pollMs?: number;
  /** Progress and what was left behind (stderr). */
  readonly log?: (line: string) => void;
  /** A name for this run, in the pods' names (default: time-based). */
  readonly runId?: string;
  /**
   * Probe from an ephemeral container in the source pod itself instead of a probe pod. Ephemeral
   * containers cannot be removed: each one stays in its pod's spec until the pod is replaced.
   */
  readonly ephemeral?: boolean;
}

/** The annotation on each probe pod listing what it tries (for people, and for test servers to simulate). */
export const PROBES_ANNOTATION = 'bulkhead.io/probes';
export const PROBE_PREFIX = 'bulkhead-probe-';
/** A termination message holds 4096 bytes: at most this many probes per pod. */
const PER_POD = 200;

interface Planned {
  readonly source: Pod;
  readonly probes: Array<{ id: number; ip: string; port: number }>;
}

/** The shell script a probe pod runs: one `nc -z` per probe, outcomes to the termination message. */
export function probeScript(probes: Planned['probes'], timeoutMs: number): string {
  const t = Math.max(1, Math.ceil(timeoutMs / 1000));
  const lines = probes.map((p) => `p ${p.id} ${p.ip} ${p.port}`);
  return [
    'r=""',
    `p() { if nc -z -w ${t} "$2" "$3" >/dev/null 2>&1; then r="$r$1 open\n"; else r="$r$1 closed\n"; fi; }`,
    ...lines,
    'printf "$r" > /dev/termination-log',
  ].join('\n');
}

/** Parses a termination message: `id open|closed` per line. */
export function parseOutcomes(message: string): Map<number, 'open' | 'closed'> {
  const out = new Map<number, 'open' | 'closed'>();
  for (const line of message.split('\n')) {
    const m = /^(\d+) (open|closed)$/.exec(line.trim());
    if (m) out.set(Number(m[1]), m[2] as 'open' | 'closed');
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LiveRunner implements Runner {
  readonly name = 'live';
  /** Pods created and not yet deleted: `namespace/name`. */
  readonly live = new Set<string>();
  /** Ephemeral containers added (they cannot be removed): `namespace/pod:container`. */
  readonly leftEphemeral: string[] = [];
  private readonly runId: string;
  private seq = 0;
  private aborted = false;
  /** Create requests in flight: an interrupt waits for them, so a pod created meanwhile is deleted too. */
  private readonly creating = new Set<Promise<unknown>>();

  constructor(
    private readonly inventory: Inventory,
    private readonly client: ClusterClient,
    private readonly opts: LiveRunnerOptions = {},
  ) {
    this.runId = opts.runId ?? Date.now().toString(36);
  }

  /** Plans probes per source pod; what cannot be tried from a real pod is skipped with the reason. */
  plan(checks: readonly Check[]): { planned: Planned[]; skipped: Map<number, string> } {
    const pods = new Map(this.inventory.pods.map((p) => [p.id, p]));
    const skipped = new Map<number, string>();
    const bySource = new Map<string, Planned>();
    const max = this.opts.maxProbes ?? 5000;
    let n = 0;
    for (const c of checks) {
      const src = c.from.pod ? pods.get(c.from.pod) : undefined;
      const dst = c.to.pod ? pods.get(c.to.pod) : undefined;
      const ip = dst ? dst.ips.find((a) => parseIp(a)?.family === 4) ?? dst.ips[0] : c.to.address;
      let why: string | undefined;
      if (!src) why = 'the source is not a pod: a live probe starts from a pod';
      else if (src.synthetic) why = `${src.workload} has no running pod in the cluster`;
      else if (c.to.pod && (!dst || dst.synthetic)) why = `${c.to.workload ?? c.to.id} has no running pod in the cluster`;
      else if (!ip) why = `${c.to.id} has no address`;
      else if (c.protocol !== 'TCP') why = `${c.protocol} is not probed live: without a listener that answers, a probe cannot tell allowed from denied`;
      else if (n >= max) why = `beyond --max-probes ${max}`;
      if (why) {
        skipped.set(c.id, why);
        continue;
      }
      n++;
      const p = bySource.get(src!.id) ?? { source: src!, probes: [] };
      p.probes.push({ id: c.id, ip: ip!, port: c.port });
      bySource.set(src!.id, p);
    }
    // One probe pod holds at most PER_POD probes (the termination message's size).
    const planned: Planned[] = [];
    for (const p of bySource.values()) for (let i = 0; i < p.probes.length; i += PER_POD) planned.push({ source: p.source, probes: p.probes.slice(i, i + PER_POD) });
    return { planned, skipped };
  }

  async observe(checks: readonly Check[]): Promise<Map<number, Observation>> {
    const out = new Map<number, Observation>();
    const { planned, skipped } = this.plan(checks);
    for (const [id, why] of skipped) out.set(id, { verdict: 'skipped', detail: why });
    const onSignal = (): void => {
      this.aborted = true;
      void Promise.allSettled([...this.creating])
        .then(() => this.cleanup())
        .then(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < planned.length && !this.aborted) {
          const p = planned[next++]!;
          const got = await this.runPod(p);
          for (const [id, o] of got) out.set(id, o);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, planned.length) }, worker));
    } finally {
      await this.cleanup();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    return out;
  }

  /** Deletes every pod this run created; says what could not be deleted. */
  async cleanup(): Promise<void> {
    if (this.leftEphemeral.length > 0) {
      this.opts.log?.(`live: left ${this.leftEphemeral.length} ephemeral container(s), which Kubernetes cannot remove (they stay until their pod is replaced): ${this.leftEphemeral.join(', ')}`);
    }
    for (const key of [...this.live]) {
      const [ns, name] = key.split('/') as [string, string];
      const r = await this.client.request('DELETE', `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`, { gracePeriodSeconds: '0' }).catch(() => undefined);
      if (r && (r.status === 200 || r.status === 202 || r.status === 404)) {
        this.live.delete(key);
        this.opts.log?.(`live: deleted probe pod ${key}`);
      } else this.opts.log?.(`live: could not delete probe pod ${key}: delete it with kubectl delete pod -n ${ns} ${name}`);
    }
  }

  private async runPod(p: Planned): Promise<Map<number, Observation>> {
    const out = new Map<number, Observation>();
    const fail = (detail: string): Map<number, Observation> => {
      for (const x of p.probes) out.set(x.id, { verdict: 'error', detail });
      return out;
    };
    const ns = p.source.namespace;
    const name = `${PROBE_PREFIX}${this.runId}-${++this.seq}`;
    const timeoutMs = this.opts.timeoutMs ?? 1000;
    if (this.opts.ephemeral) return this.runEphemeral(p, name, fail);
    // Owned by the source pod: no controller adopts the probe, and it is collected if the source goes.
    const src = await this.client.request('GET', `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(p.source.name)}`);
    if (src.status !== 200) return fail(apiFailure(this.client, src, { verb: 'get', what: `pod ${p.source.id}`, path: '', resource: 'pods', group: '' }).message);
    const uid = ((src.body as { metadata?: { uid?: unknown } }).metadata?.uid ?? '') as string;
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: { ...p.source.labels },
        annotations: { [PROBES_ANNOTATION]: JSON.stringify(p.probes), 'bulkhead.io/probe-source': p.source.id },
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: p.source.name, uid, controller: true, blockOwnerDeletion: false }] } : {}),
      },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        ...(p.source.hostNetwork ? { hostNetwork: true, ...(p.source.nodeName ? { nodeName: p.source.nodeName } : {}) } : {}),
        containers: [{
          name: 'probe',
          image: this.opts.image ?? 'busybox:1.36',
          command: ['/bin/sh', '-c', probeScript(p.probes, timeoutMs)],
          terminationMessagePolicy: 'File',
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
        }],
      },
    };
    if (this.aborted) return fail('interrupted');
    const creating = this.client.request('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`, {}, body).then((r) => {
      if (r.status === 201 || r.status === 200) this.live.add(`${ns}/${name}`);
      return r;
    });
    this.creating.add(creating);
    const created = await creating.finally(() => this.creating.delete(creating));
    if (created.status !== 201 && created.status !== 200) {
      return fail(apiFailure(this.client, created, { verb: 'create', what: `a probe pod in namespace ${ns}`, path: '', resource: 'pods', group: '' }).message);
    }
    this.opts.log?.(`live: created probe pod ${ns}/${name} for ${p.source.id} (${p.probes.length} probe(s))`);
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 120_000) + p.probes.length * (timeoutMs + 200);
    const t0 = Date.now();
    while (!this.aborted) {
      await sleep(this.opts.pollMs ?? 500);
      const r = await this.client.request('GET', `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`);
      if (r.status !== 200) return fail(`the probe pod ${ns}/${name} disappeared (${r.status})`);
      const st = (r.body as { status?: { phase?: string; containerStatuses?: Array<{ state?: { terminated?: { message?: string } } }> } }).status;
      if (st?.phase === 'Succeeded' || st?.phase === 'Failed') {
        const got = parseOutcomes(st.containerStatuses?.[0]?.state?.terminated?.message ?? '');
        const ms = Math.round((Date.now() - t0) / Math.max(1, p.probes.length));
        for (const x of p.probes) {
          const o = got.get(x.id);
          out.set(x.id, o === 'open' ? { verdict: 'allow', ms } : o === 'closed' ? { verdict: 'deny', detail: 'no connection before the timeout (dropped or refused)', ms } : { verdict: 'error', detail: `the probe pod ${ns}/${name} reported nothing for it (${st.phase})` });
        }
        await this.deletePod(ns, name);
        return out;
      }
      if (Date.now() > deadline) {
        await this.deletePod(ns, name);
        return fail(`the probe pod ${ns}/${name} did not finish in time (phase ${st?.phase ?? 'unknown'})`);
      }
    }
    return fail('interrupted');
  }

  /** The probes from an ephemeral container of the source pod: it shares the pod's network, labels and policies. */
  private async runEphemeral(p: Planned, name: string, fail: (d: string) => Map<number, Observation>): Promise<Map<number, Observation>> {
    const out = new Map<number, Observation>();
    const ns = p.source.namespace;
    const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(p.source.name)}`;
    const timeoutMs = this.opts.timeoutMs ?? 1000;
    const container = {
      name,
      image: this.opts.image ?? 'busybox:1.36',
      command: ['/bin/sh', '-c', probeScript(p.probes, timeoutMs)],
      env: [{ name: 'BULKHEAD_PROBES', value: JSON.stringify(p.probes) }],
      terminationMessagePolicy: 'File',
    };
    if (this.aborted) return fail('interrupted');
    const r = await this.client.request('PATCH', `${path}/ephemeralcontainers`, {}, { spec: { ephemeralContainers: [container] } }, 'application/strategic-merge-patch+json');
    if (r.status !== 200) return fail(apiFailure(this.client, r, { verb: 'patch', what: `pods/ephemeralcontainers of ${p.source.id}`, path: '', resource: 'pods/ephemeralcontainers', group: '' }).message);
    this.leftEphemeral.push(`${ns}/${p.source.name}:${name}`);
    this.opts.log?.(`live: added ephemeral container ${name} to ${p.source.id} (${p.probes.length} probe(s)); it cannot be removed`);
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 120_000) + p.probes.length * (timeoutMs + 200);
    const t0 = Date.now();
    while (!this.aborted && Date.now() <= deadline) {
      await sleep(this.opts.pollMs ?? 500);
      const g = await this.client.request('GET', path);
      if (g.status !== 200) return fail(`the source pod ${p.source.id} disappeared (${g.status})`);
      const statuses = ((g.body as { status?: { ephemeralContainerStatuses?: Array<{ name?: string; state?: { terminated?: { message?: string } } }> } }).status?.ephemeralContainerStatuses ?? []);
      const done = statuses.find((c) => c.name === name)?.state?.terminated;
      if (!done) continue;
      const got = parseOutcomes(done.message ?? '');
      const ms = Math.round((Date.now() - t0) / Math.max(1, p.probes.length));
      for (const x of p.probes) {
        const o = got.get(x.id);
        out.set(x.id, o === 'open' ? { verdict: 'allow', ms } : o === 'closed' ? { verdict: 'deny', detail: 'no connection before the timeout (dropped or refused)', ms } : { verdict: 'error', detail: `the ephemeral container ${name} reported nothing for it` });
      }
      return out;
    }
    return fail(this.aborted ? 'interrupted' : `the ephemeral container ${name} in ${p.source.id} did not finish in time`);
  }

  private async deletePod(ns: string, name: string): Promise<void> {
    const r = await this.client.request('DELETE', `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`, { gracePeriodSeconds: '0' });
    if (r.status === 200 || r.status === 202 || r.status === 404) this.live.delete(`${ns}/${name}`);
  }
}

/**
 * Deletes the probe pods that killed live runs left (named bulkhead-probe-*, with the probe annotation),
 * in the namespaces given or in all; returns what was deleted.
 */
export async function cleanupProbePods(client: ClusterClient, namespaces?: readonly string[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const ns of namespaces && namespaces.length ? namespaces : [undefined]) {
    const path = ns === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
    let cont: string | undefined;
    const found: Array<{ ns: string; name: string }> = [];
    do {
      const r = await client.request('GET', path, { limit: '500', ...(cont ? { continue: cont } : {}) });
      if (r.status !== 200) throw apiFailure(client, r, { verb: 'list', what: ns ? `pods in namespace ${ns}` : 'pods in all namespaces', path, resource: 'pods', group: '' });
      const body = r.body as { items?: Array<{ metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } }>; metadata?: { continue?: string } };
      for (const it of body.items ?? []) {
        const m = it.metadata ?? {};
        if (m.name?.startsWith(PROBE_PREFIX) && m.annotations?.[PROBES_ANNOTATION] !== undefined && m.namespace) found.push({ ns: m.namespace, name: m.name });
      }
      cont = body.metadata?.continue || undefined;
    } while (cont);
    for (const f of found) {
      const r = await client.request('DELETE', `/api/v1/namespaces/${encodeURIComponent(f.ns)}/pods/${encodeURIComponent(f.name)}`, { gracePeriodSeconds: '0' });
      if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw apiFailure(client, r, { verb: 'delete', what: `pod ${f.ns}/${f.name}`, path: '', resource: 'pods', group: '' });
      deleted.push(`${f.ns}/${f.name}`);
    }
  }
  return deleted;
}
