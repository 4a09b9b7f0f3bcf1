/**
 * The lab runner: builds the hosts the checks need, compiles every pod's policies to nftables (tier by
 * tier), listens on every destination port, probes every check and maps what the kernel did to a verdict.
 */
import type { Check, Observation, Runner } from '../analyses/test/types.js';
import type { Inventory, Labels, Pod } from '../inventory/types.js';
import { formatIp, parseCidr, parseIp, rangeContains } from '../model/address.js';
import type { Protocol } from '../model/port-set.js';
import { UserError } from '../util/errors.js';
import { Lab, type Probe, type ProbeResult } from './lab.js';
import { NetworkPolicyTier } from './nft-network-policy.js';
import { labUnavailable } from './system.js';
import { hostRuleset, type LabHost, type LabWorld, type TierCompiler } from './tier.js';

export interface LabOptions {
  /** Per probe, in ms (default 1000). */
  readonly timeoutMs?: number;
  /** At most this many probes; the checks beyond are skipped with a note (default 5000). */
  readonly maxProbes?: number;
  /** Probes in flight at once (default 64). */
  readonly concurrency?: number;
  /** The tiers, in order (default: NetworkPolicy). */
  readonly tiers?: readonly TierCompiler[];
  /** Called with each phase and its time, for progress and benchmarks. */
  readonly onPhase?: (phase: string, ms: number) => void;
}

/** The lab's own addresses for pods the input gives none: a private range, used only inside the lab. */
const POOL = parseCidr('10.244.0.0/16')!.range;
const UNUSABLE = ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3'].map((c) => parseCidr(c)!.range);

/** Maps a probe's outcome to a verdict: a refusal means the packet passed but nothing listened, a lab defect. */
export function observation(r: ProbeResult): Observation {
  if (r.r === 'open') return { verdict: 'allow', ms: r.ms };
  if (r.r === 'blocked') return { verdict: 'deny', detail: `rejected (${r.code ?? 'ICMP'})`, ms: r.ms };
  if (r.r === 'timeout') return { verdict: 'deny', detail: 'no answer before the timeout', ms: r.ms };
  if (r.r === 'refused') return { verdict: 'error', detail: 'connection refused: the packet passed but no listener answered', ms: r.ms };
  return { verdict: 'error', detail: r.code ?? 'probe error', ms: r.ms };
}

interface Planned {
  readonly hosts: LabHost[];
  readonly skipped: Map<number, string>;
}

/** Lab hosts for the checks' ends: pods at their input address (IPv4) or one from the pool, outside addresses as given. */
export function planHosts(inventory: Inventory, checks: readonly Check[]): Planned {
  const skipped = new Map<number, string>();
  const hosts = new Map<string, LabHost>();
  const used = new Set<string>();
  const unusable = new Map<string, string>();
  const pods = new Map(inventory.pods.map((p) => [p.id, p]));
  const podAddress = (p: Pod): string | undefined => {
    for (const ip of p.ips) {
      const a = parseIp(ip);
      if (a?.family !== 4) continue;
      const r = { family: 4 as const, lo: a.value, hi: a.value };
      if (UNUSABLE.some((u) => rangeContains(u, r))) continue;
      return formatIp(4, a.value);
    }
    return undefined;
  };
  // Addresses the input gives first, so the pool never hands one of them out.
  for (const c of checks) {
    for (const e of [c.from, c.to]) {
      if (hosts.has(e.id) || unusable.has(e.id)) continue;
      if (e.pod) {
        const p = pods.get(e.pod)!;
        if (p.ips.length === 0) continue;
        const a = podAddress(p);
        if (!a) unusable.set(e.id, `the lab is IPv4 only and ${p.id} has no usable IPv4 address (${p.ips.join(', ')})`);
        else if (used.has(a)) unusable.set(e.id, `${p.id} shares the address ${a} with another lab host`);
        else {
          used.add(a);
          hosts.set(e.id, { key: e.id, address: a, pod: p, assigned: false });
        }
      } else {
        const a = parseIp(e.address!);
        if (a?.family !== 4) unusable.set(e.id, `the lab is IPv4 only: ${e.address}`);
        else if (used.has(formatIp(4, a.value))) unusable.set(e.id, `${e.address} is also a pod's address`);
        else {
          used.add(formatIp(4, a.value));
          hosts.set(e.id, { key: e.id, address: formatIp(4, a.value), assigned: false });
        }
      }
    }
  }
  let next = POOL.lo + 2n;
  for (const c of checks) {
    for (const e of [c.from, c.to]) {
      if (hosts.has(e.id) || unusable.has(e.id) || !e.pod) continue;
      while (used.has(formatIp(4, next)) && next < POOL.hi) next++;
      if (next >= POOL.hi) throw new UserError('the lab ran out of addresses in 10.244.0.0/16', 'test fewer pods at once (--sample)');
      const a = formatIp(4, next++);
      used.add(a);
      hosts.set(e.id, { key: e.id, address: a, pod: pods.get(e.pod)!, assigned: true });
    }
  }
  for (const c of checks) {
    const why = unusable.get(c.from.id) ?? unusable.get(c.to.id);
    if (why) skipped.set(c.id, why);
    else if (c.protocol === 'SCTP') skipped.set(c.id, 'SCTP is not probed: Node has no SCTP sockets and this kernel may lack the module');
  }
  return { hosts: [...hosts.values()], skipped };
}

function namespaceLabels(inv: Inventory): Map<string, Labels> {
  return new Map(inv.namespaces.map((n) => [n.name, n.labels]));
}

/** Every host's ruleset, compiled from the inventory's policies by each tier. */
export function compileRules(inventory: Inventory, hosts: readonly LabHost[], tiers: readonly TierCompiler[] = [new NetworkPolicyTier()]): Map<string, string | undefined> {
  const world: LabWorld = { inventory, hosts, namespaceLabels: namespaceLabels(inventory) };
  return new Map(hosts.map((h) => [h.key, hostRuleset(h, tiers, world)]));
}

export class LabRunner implements Runner {
  readonly name = 'lab';
  constructor(
    private readonly inventory: Inventory,
    private readonly opts: LabOptions = {},
  ) {}

  async observe(checks: readonly Check[]): Promise<Map<number, Observation>> {
    const why = labUnavailable();
    if (why) throw new UserError(`cannot run the lab: ${why}`, 'use --runner model, or run as root with nftables and iproute2 installed');
    const phase = this.opts.onPhase ?? (() => {});
    const out = new Map<number, Observation>();
    const { hosts, skipped } = planHosts(this.inventory, checks);
    for (const [id, reason] of skipped) out.set(id, { verdict: 'skipped', detail: reason });
    const max = this.opts.maxProbes ?? 5000;
    const todo = checks.filter((c) => !skipped.has(c.id));
    for (const c of todo.slice(max)) out.set(c.id, { verdict: 'skipped', detail: `beyond --max-probes ${max}` });
    const probed = todo.slice(0, max);
    if (probed.length === 0) return out;
    const needed = new Set(probed.flatMap((c) => [c.from.id, c.to.id]));
    const labHosts = hosts.filter((h) => needed.has(h.key));
    let t = performance.now();
    const rules = compileRules(this.inventory, labHosts, this.opts.tiers);
    const lab = await Lab.create(labHosts.map((h) => ({ key: h.key, address: h.address })));
    try {
      phase('build', performance.now() - t);
      t = performance.now();
      await lab.applyRules(rules);
      const listen = new Map<string, Array<[Protocol, number]>>();
      for (const c of probed) {
        const l = listen.get(c.to.id) ?? [];
        if (!l.some(([p, n]) => p === c.protocol && n === c.port)) l.push([c.protocol, c.port]);
        listen.set(c.to.id, l);
      }
      const failed = new Set(await lab.listen(listen));
      phase('rules+listen', performance.now() - t);
      t = performance.now();
      const probes: Probe[] = probed.map((c) => ({ from: c.from.id, to: c.to.id, protocol: c.protocol, port: c.port }));
      const results = await lab.probe(probes, this.opts.timeoutMs ?? 1000, this.opts.concurrency ?? 64);
      phase('probe', performance.now() - t);
      probed.forEach((c, i) => {
        const f = [...failed].find((x) => x.startsWith(`${c.to.id} ${c.protocol}/${c.port}:`));
        out.set(c.id, f ? { verdict: 'error', detail: `no listener: ${f}` } : observation(results[i]!));
      });
    } finally {
      t = performance.now();
      lab.destroySync();
      phase('cleanup', performance.now() - t);
    }
    return out;
  }
}
