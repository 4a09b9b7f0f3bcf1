/**
 * The lab: one network namespace per host (a pod or an outside address), each with a veth link to a
 * bridge in a lab namespace of its own, an agent that listens and probes, and the host's nftables rules.
 * There is no link to the root namespace, so nothing leaves the lab; everything is removed on success,
 * on failure, on Ctrl-C and on SIGTERM (and by --lab-cleanup after a SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Protocol } from '../model/port-set.js';
import { claimRunState, deleteNamespacesSync, listNamespaces, PREFIX, removeRunState, run } from './system.js';

export interface HostSpec {
  readonly key: string;
  readonly address: string;
}

export interface Probe {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** The address to connect to, when not the destination host's own (an interface's public address). */
  readonly address?: string;
  /** The client's source port, when it matters (stateless ACLs check the replies to it). */
  readonly sport?: number;
}

/**
 * A topology other than the default bridge: extra namespaces (routers, gateways) and the links, addresses,
 * routes and rules between them and the hosts. The hosts' namespaces are created empty (loopback up).
 */
export interface Wiring {
  /** Name suffixes of the extra namespaces (`bh-<run>-<suffix>`). */
  readonly namespaces: readonly string[];
  /** Wires everything; every namespace exists when it is called. */
  wire(names: { host(key: string): string; extra(suffix: string): string }): Promise<void>;
}

export interface ProbeResult {
  readonly r: 'open' | 'refused' | 'blocked' | 'timeout' | 'error';
  readonly code?: string;
  readonly ms: number;
}

interface Agent {
  readonly child: ChildProcess;
  readonly pending: Map<number, (m: Record<string, unknown>) => void>;
  waitOp?: (m: Record<string, unknown>) => void;
  /** Set when the agent has exited: what it was asked since gets an error answer, never a hang. */
  exited?: string;
}

interface Host {
  readonly key: string;
  readonly ns: string;
  readonly address: string;
  agent?: Agent;
}

const AGENT = fileURLToPath(new URL('./agent.js', import.meta.url));
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_CODES: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Runs async jobs with at most `n` in flight. */
export async function bounded<T, R>(items: readonly T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

export class Lab {
  readonly runId: string;
  readonly labNs: string;
  private readonly hosts = new Map<string, Host>();
  private readonly created: string[] = [];
  private destroyed = false;
  private nextId = 1;
  private readonly onSignal = new Map<string, () => void>();
  private readonly onExit = (): void => this.destroySync();

  private constructor() {
    // A run id no namespace carries yet and no other run has claimed (its state file, created atomically):
    // a failed build removes what it names, so it must own them all.
    const taken = listNamespaces();
    let id: string;
    do id = randomBytes(3).toString('hex');
    while (taken.some((n) => n.startsWith(`${PREFIX}${id}-`)) || !claimRunState(id));
    this.runId = id;
    this.labNs = `${PREFIX}${this.runId}-lab`;
  }

  /** Builds the lab: namespaces, links, addresses, agents. On any failure it removes what it made and rethrows. */
  static async create(specs: readonly HostSpec[], wiring?: Wiring): Promise<Lab> {
    const lab = new Lab();
    lab.trapSignals();
    try {
      await (wiring ? lab.buildWired(specs, wiring) : lab.build(specs));
      return lab;
    } catch (e) {
      lab.destroySync();
      throw e;
    }
  }

  /** Names of the namespaces this lab made (for tests and reports). */
  get namespaces(): readonly string[] {
    return this.created;
  }

  private trapSignals(): void {
    for (const s of SIGNALS) {
      const h = (): void => {
        this.destroySync();
        process.exit(SIGNAL_CODES[s]);
      };
      this.onSignal.set(s, h);
      process.on(s, h);
    }
    process.on('exit', this.onExit);
  }

  private async buildWired(specs: readonly HostSpec[], wiring: Wiring): Promise<void> {
    // Hosts of different networks may share an address (two VPCs): the wiring keeps them apart.
    specs.forEach((s, i) => this.hosts.set(s.key, { key: s.key, ns: `${PREFIX}${this.runId}-h${i}`, address: s.address }));
    const extra = (suffix: string): string => `${PREFIX}${this.runId}-${suffix}`;
    const hosts = [...this.hosts.values()];
    const all = [...hosts.map((h) => h.ns), ...wiring.namespaces.map(extra)];
    this.created.push(...all);
    await run('ip', ['-batch', '-'], all.map((n) => `netns add ${n}\n`).join(''));
    await bounded(all, 8, (n) => run('ip', ['-n', n, 'link', 'set', 'lo', 'up']));
    await wiring.wire({ host: (key) => this.host(key).ns, extra });
    await bounded(hosts, 8, (h) => this.startAgent(h));
  }

  private async build(specs: readonly HostSpec[]): Promise<void> {
    const seen = new Set<string>();
    specs.forEach((s, i) => {
      if (seen.has(s.address)) throw new Error(`two lab hosts share the address ${s.address}`);
      seen.add(s.address);
      this.hosts.set(s.key, { key: s.key, ns: `${PREFIX}${this.runId}-h${i}`, address: s.address });
    });
    const all = [this.labNs, ...[...this.hosts.values()].map((h) => h.ns)];
    // Recorded before creation, so a failure half-way still removes them.
    this.created.push(...all);
    await run('ip', ['-batch', '-'], all.map((n) => `netns add ${n}\n`).join(''));
    const hosts = [...this.hosts.values()];
    const labCmds = ['link set lo up', 'link add br0 type bridge', 'link set br0 up'];
    hosts.forEach((h, i) => labCmds.push(`link add v${i} type veth peer name eth0 netns ${h.ns}`, `link set v${i} master br0`, `link set v${i} up`));
    await run('ip', ['-n', this.labNs, '-batch', '-'], labCmds.map((c) => `${c}\n`).join(''));
    await bounded(hosts, 8, (h) =>
      run('ip', ['-n', h.ns, '-batch', '-'], ['link set lo up', `addr add ${h.address}/32 dev eth0`, 'link set eth0 up', 'route add default dev eth0'].map((c) => `${c}\n`).join('')),
    );
    await bounded(hosts, 8, (h) => this.startAgent(h));
  }

  private startAgent(h: Host): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', h.ns, process.execPath, AGENT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const agent: Agent = { child, pending: new Map() };
    h.agent = agent;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // A dead agent's stdin fails to write: the exit handler answers for it.
    child.stdin!.on('error', () => {});
    return new Promise((resolve, reject) => {
      agent.waitOp = (m) => {
        if (m.op === 'ready') resolve();
      };
      child.once('error', reject);
      child.once('exit', (code) => {
        agent.exited = `agent exited (${code ?? 'signal'}): ${stderr.trim()}`;
        agent.waitOp?.({ op: 'listening', failed: [agent.exited] });
        for (const cb of agent.pending.values()) cb({ op: 'result', r: 'error', code: agent.exited, ms: 0 });
        agent.pending.clear();
        reject(new Error(`lab agent in ${h.ns} exited (${code}): ${stderr.trim()}`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let m: Record<string, unknown>;
        try {
          m = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        if (m.op === 'result') {
          const cb = agent.pending.get(m.id as number);
          agent.pending.delete(m.id as number);
          cb?.(m);
        } else agent.waitOp?.(m);
      });
    });
  }

  private host(key: string): Host {
    const h = this.hosts.get(key);
    if (!h) throw new Error(`no lab host ${key}`);
    return h;
  }

  /** Replaces each host's nftables ruleset (undefined: no rules, everything passes). */
  async applyRules(rules: ReadonlyMap<string, string | undefined>): Promise<void> {
    await bounded([...this.hosts.values()], 8, (h) => run('ip', ['netns', 'exec', h.ns, 'nft', '-f', '-'], `flush ruleset\n${rules.get(h.key) ?? ''}`));
  }

  /** Starts listeners (on IPv6 too for the hosts in `v6`); returns those that could not start. */
  async listen(ports: ReadonlyMap<string, ReadonlyArray<readonly [Protocol, number]>>, v6: ReadonlySet<string> = new Set()): Promise<string[]> {
    const failed: string[] = [];
    await Promise.all(
      [...ports].map(
        ([key, list]) =>
          new Promise<void>((resolve) => {
            const a = this.host(key).agent!;
            if (a.exited) {
              failed.push(`${key} ${a.exited}`);
              resolve();
              return;
            }
            a.waitOp = (m) => {
              if (m.op !== 'listening') return;
              for (const f of m.failed as string[]) failed.push(`${key} ${f}`);
              resolve();
            };
            a.child.stdin!.write(`${JSON.stringify({ op: 'listen', ports: list, ...(v6.has(key) ? { v6: true } : {}) })}\n`);
          }),
      ),
    );
    return failed;
  }

  /** Probes connections, at most `concurrency` at a time, each bounded by `timeoutMs`. */
  async probe(probes: readonly Probe[], timeoutMs: number, concurrency: number): Promise<ProbeResult[]> {
    return bounded(probes, concurrency, (p) => {
      const src = this.host(p.from);
      const dst = this.host(p.to);
      const a = src.agent!;
      const id = this.nextId++;
      if (a.exited) return Promise.resolve({ r: 'error' as const, code: a.exited, ms: 0 });
      return new Promise<ProbeResult>((resolve) => {
        a.pending.set(id, (m) => resolve({ r: m.r as ProbeResult['r'], ...(m.code ? { code: String(m.code) } : {}), ms: Number(m.ms ?? 0) }));
        a.child.stdin!.write(`${JSON.stringify({ op: 'probe', id, p: p.protocol, host: p.address ?? dst.address, port: p.port, t: timeoutMs, ...(p.sport ? { sp: p.sport } : {}) })}\n`);
      });
    });
  }

  /** Removes everything the lab created. Safe to call twice; synchronous so it also runs from a signal handler. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const h of this.hosts.values()) {
      h.agent?.child.stdin?.end();
      h.agent?.child.kill('SIGKILL');
    }
    deleteNamespacesSync(this.created);
    removeRunState(this.runId);
    for (const [s, h] of this.onSignal) process.removeListener(s, h);
    process.removeListener('exit', this.onExit);
  }
}
