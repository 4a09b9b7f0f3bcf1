/**
 * Observed flows against the model: each flow is mapped to its endpoints (Hubble's pod identity, a pod's
 * IP, an address Hubble saw a pod use, else outside the cluster) and, aggregated per endpoint pair, port
 * and verdict, to the rules that allow it. Flows the intent does not allow are unexpected; observed
 * denials of intended flows are broken; a verdict on the wire that the manifests contradict is a mismatch
 * (the network is not doing what the manifests say); rules and workload paths no allowed flow used are
 * candidates to close.
 */
import type { Analysis } from '../../engine/index.js';
import type { ObservedFlow, FlowEnd } from '../../inventory/flows.js';
import type { SourceRef, Workload } from '../../inventory/types.js';
import { PortSet, parseProtocol, type Protocol } from '../../model/port-set.js';
import { explain } from '../explain.js';
import { resolveOne } from '../endpoints.js';
import { streamReach } from '../reach.js';
import { segmentsOf, type Intent } from '../intent/index.js';
import { parseIp } from '../../model/address.js';
import { lex } from '../../util/compare.js';

export interface FlowGroup {
  /** Workload id, or the outside address. */
  readonly src: string;
  readonly dst: string;
  readonly srcKind: 'workload' | 'external';
  readonly dstKind: 'workload' | 'external';
  readonly protocol: string;
  readonly port?: number;
  readonly verdict: 'allowed' | 'denied';
  readonly count: number;
  readonly first: string;
  readonly last: string;
  /** Up to three records, for the reader to look at. */
  readonly sources: readonly SourceRef[];
  /** What the manifests say about this port between these endpoints ('unknown' for protocols the model lacks). */
  readonly model: 'allowed' | 'denied' | 'unknown';
  /** The rules that admit it on each side ("ns/name ingress rule #1"). */
  readonly rules: readonly string[];
  readonly intent: 'allowed' | 'forbidden' | 'unconstrained';
  readonly srcSegments: readonly string[];
  readonly dstSegments: readonly string[];
}

export interface RuleRef {
  readonly key: string;
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly rule: number;
  readonly source: SourceRef;
}

export interface FlowMatch {
  readonly flows: number;
  readonly groups: readonly FlowGroup[];
  /** Allowed on the wire, yet no intent flow allows it. */
  readonly unexpected: readonly FlowGroup[];
  /** Denied on the wire, yet the intent allows it. */
  readonly broken: readonly FlowGroup[];
  /** The wire's verdict contradicts the manifests'. */
  readonly mismatch: readonly FlowGroup[];
  /** Rules of the manifests that no allowed flow used. */
  readonly unusedRules: readonly RuleRef[];
  /** Workload pairs the manifests connect that no allowed flow used (in-cluster only). */
  readonly unobserved: readonly { readonly src: string; readonly dst: string; readonly conns: string }[];
  /** Flows with an end that is neither a known pod nor an address. */
  readonly unresolved: number;
  /** Records taken as replies of a connection seen the other way (VPC logs record both directions). */
  readonly replies: number;
}

type End = { readonly id: string; readonly kind: 'workload' | 'external' } | undefined;

function workloadByPodName(ws: readonly Workload[], ns: string, pod: string): Workload | undefined {
  let best: Workload | undefined;
  for (const w of ws) if (w.namespace === ns && (pod === w.name || pod.startsWith(`${w.name}-`)) && (!best || w.name.length > best.name.length)) best = w;
  return best;
}

/** Maps flow ends to endpoints of an analysis. */
class Resolver {
  private readonly byId = new Map<string, Workload>();
  private readonly byIp = new Map<string, string>();

  constructor(private readonly a: Analysis, flows: readonly ObservedFlow[]) {
    for (const w of a.inventory.workloads) this.byId.set(w.id, w);
    for (const p of a.inventory.pods) for (const ip of p.ips) this.byIp.set(canon(ip), p.workload);
    // Hubble names the pod behind an address: VPC records of the same address then resolve too.
    for (const f of flows) {
      for (const e of [f.src, f.dst]) {
        if (!e.ip || this.byIp.has(canon(e.ip))) continue;
        const w = this.identity(e);
        if (w) this.byIp.set(canon(e.ip), w);
      }
    }
  }

  private identity(e: FlowEnd): string | undefined {
    if (!e.namespace) return undefined;
    if (e.workload) {
      const id = `${e.namespace}/${e.workload.name}[${e.workload.kind}]`;
      if (this.byId.has(id)) return id;
    }
    if (e.pod) {
      const p = this.a.pod(`${e.namespace}/${e.pod}`);
      if (p) return p.workload;
      return workloadByPodName(this.a.inventory.workloads, e.namespace, e.pod)?.id;
    }
    return undefined;
  }

  resolve(e: FlowEnd): End {
    const w = this.identity(e);
    if (w) return { id: w, kind: 'workload' };
    if (e.ip) {
      const byIp = this.byIp.get(canon(e.ip));
      if (byIp) return { id: byIp, kind: 'workload' };
      if (parseIp(e.ip)) return { id: e.ip, kind: 'external' };
    }
    return undefined;
  }
}

function canon(ip: string): string {
  const p = parseIp(ip);
  return p ? `${p.family}:${p.value}` : ip;
}

function intentVerdict(intent: Intent | undefined, src: readonly string[], dst: readonly string[], proto: Protocol | undefined, port: number | undefined): FlowGroup['intent'] {
  if (!intent || src.length === 0 || dst.length === 0 || src.some((s) => dst.includes(s))) return 'unconstrained';
  const ok = intent.flows.some((f) => f.from.some((x) => src.includes(x)) && f.to.some((x) => dst.includes(x)) && (f.anyPort || (proto !== undefined && port !== undefined && f.ports.has(proto, port))));
  return ok ? 'allowed' : 'forbidden';
}

/** Matches observed flows to the model of one snapshot (and its intent). */
export function matchFlows(a: Analysis, flows: readonly ObservedFlow[], intent?: Intent): FlowMatch {
  const r = new Resolver(a, flows);
  type Acc = { src: NonNullable<End>; dst: NonNullable<End>; protocol: string; port?: number; verdict: 'allowed' | 'denied'; count: number; first: string; last: string; sources: SourceRef[] };
  const acc = new Map<string, Acc>();
  let unresolved = 0;
  let replies = 0;
  // Both directions of one TCP/UDP exchange: the side whose destination port is the lower is the request.
  const seen = new Set(flows.map((f) => `${f.src.ip}|${f.srcPort}|${f.dst.ip}|${f.dstPort}|${f.protocol}`));
  for (const f of flows) {
    if (f.origin === 'vpc-flow-logs' && f.srcPort !== undefined && f.dstPort !== undefined && f.srcPort < f.dstPort && seen.has(`${f.dst.ip}|${f.dstPort}|${f.src.ip}|${f.srcPort}|${f.protocol}`)) {
      replies++;
      continue;
    }
    const s = r.resolve(f.src);
    const d = r.resolve(f.dst);
    if (!s || !d) {
      unresolved++;
      continue;
    }
    if (s.kind === 'external' && d.kind === 'external') {
      unresolved++;
      continue;
    }
    const port = f.protocol === 'ICMP' || f.protocol === 'ICMPv6' ? undefined : f.dstPort;
    const key = `${s.id}|${d.id}|${f.protocol}|${port ?? ''}|${f.verdict}`;
    let g = acc.get(key);
    if (!g) acc.set(key, (g = { src: s, dst: d, protocol: f.protocol, ...(port !== undefined ? { port } : {}), verdict: f.verdict, count: 0, first: f.start, last: f.end, sources: [] }));
    g.count++;
    if (f.start < g.first) g.first = f.start;
    if (f.end > g.last) g.last = f.end;
    if (g.sources.length < 3) g.sources.push(f.source);
  }
  const groups: FlowGroup[] = [];
  const usedRules = new Set<string>();
  const usedPairs = new Set<string>();
  for (const g of [...acc.values()].sort((x, y) => lex(x.src.id, y.src.id) || lex(x.dst.id, y.dst.id) || lex(x.protocol, y.protocol) || (x.port ?? 0) - (y.port ?? 0) || lex(x.verdict, y.verdict))) {
    const proto = parseProtocol(g.protocol);
    let model: FlowGroup['model'] = 'unknown';
    let rules: string[] = [];
    if (proto && g.port !== undefined) {
      const e = explain(a, g.src.id, g.dst.id, PortSet.of(proto, g.port));
      model = e.verdict;
      const rv = e.ranges[0];
      if (rv) rules = [...rv.egressRules, ...rv.ingressRules];
    }
    const srcSegments = intent ? segmentsOf(a, intent, resolveOne(a, g.src.id).endpoint) : [];
    const dstSegments = intent ? segmentsOf(a, intent, resolveOne(a, g.dst.id).endpoint) : [];
    const grp: FlowGroup = {
      src: g.src.id,
      dst: g.dst.id,
      srcKind: g.src.kind,
      dstKind: g.dst.kind,
      protocol: g.protocol,
      ...(g.port !== undefined ? { port: g.port } : {}),
      verdict: g.verdict,
      count: g.count,
      first: g.first,
      last: g.last,
      sources: g.sources,
      model,
      rules,
      intent: intentVerdict(intent, srcSegments, dstSegments, proto, g.port),
      srcSegments,
      dstSegments,
    };
    groups.push(grp);
    if (g.verdict === 'allowed') {
      for (const k of rules) usedRules.add(k);
      usedPairs.add(`${g.src.id}|${g.dst.id}`);
    }
  }
  const allRules: RuleRef[] = [];
  for (const p of a.inventory.policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      if (!p.isolates[direction]) continue;
      for (const rule of p[direction]) {
        const key = `${p.id} ${direction} rule #${rule.index + 1}`;
        allRules.push({ key, policy: p.id, direction, rule: rule.index + 1, source: rule.source });
      }
    }
  }
  const unobserved: FlowMatch['unobserved'][number][] = [];
  if (groups.length > 0) {
    const kinds = new Map(a.inventory.workloads.map((w) => [w.id, true]));
    for (const c of streamReach(a, { level: 'workload' }).connections()) {
      if (c.condition || !kinds.has(c.src) || !kinds.has(c.dst)) continue;
      if (!usedPairs.has(`${c.src}|${c.dst}`)) unobserved.push({ src: c.src, dst: c.dst, conns: c.conns.toString() });
    }
  }
  return {
    flows: flows.length,
    groups,
    unexpected: groups.filter((g) => g.verdict === 'allowed' && g.intent === 'forbidden'),
    broken: groups.filter((g) => g.verdict === 'denied' && g.intent === 'allowed'),
    mismatch: groups.filter((g) => g.model !== 'unknown' && g.model !== g.verdict),
    unusedRules: groups.length > 0 ? allRules.filter((x) => !usedRules.has(x.key)) : [],
    unobserved,
    unresolved,
    replies,
  };
}
