/**
 * Test cases from the intent file: the written `tests:` and those the intent implies (every intended
 * flow succeeds; between segments, ports no flow names fail; `never`, `isolated` and `egress` invariants
 * get their denials). Each case is expanded to concrete checks between sampled pods and addresses.
 */
import type { Analysis } from '../../engine/index.js';
import type { Diagnostic, Pod } from '../../inventory/types.js';
import { atomize, formatIp, parseIp, parseCidr, rangesOverlap, type IpRange } from '../../model/address.js';
import { PortSet, PROTOCOLS, type Protocol } from '../../model/port-set.js';
import { clusterEndpoints, endpointMatcher, type Endpoint } from '../endpoints.js';
import { intentRanges, namespaceLabels, rangeSegments, segmentsOf } from '../intent/membership.js';
import { WORLD, type Intent, type IntentTest, type TestEnd } from '../intent/types.js';
import { modelAllows } from './model.js';
import type { Check, CheckEnd, CheckOrigin, Verdict } from './types.js';

/** The port most networks mean to close between segments (SSH). */
export const ADMIN_PORT = 22;

export interface CaseOptions {
  /** At most this many generated checks (written tests are always kept). */
  readonly sample?: number;
  /** Generate checks from the intent (default true); false keeps the written tests only. */
  readonly generate?: boolean;
}

export interface CaseSet {
  readonly checks: Check[];
  readonly notes: string[];
  /** Written tests that check nothing (an end matching no endpoint), with their line. */
  readonly diagnostics: Diagnostic[];
}

/** Addresses the lab and the probes must never pick for an outside host. */
const RESERVED: IpRange[] = ['0.0.0.0/8', '10.244.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/3'].map((c) => parseCidr(c)!.range);

/**
 * A member of a segment, or a matched end of a written test: sampled pods of a workload, sampled network
 * interfaces of one AWS class, or one outside address.
 */
export interface Member {
  readonly key: string;
  readonly ends: readonly CheckEnd[];
  readonly segments: readonly string[];
  /** True for pods and network interfaces, false for an outside address. */
  readonly inside: boolean;
  /** Ports the first end declares (a pod's container ports; none for an interface). */
  readonly ports: ReadonlyArray<readonly [Protocol, number]>;
  /** The value an `isolated` invariant compares (a label, a tag), when the member has one. */
  readonly isolationValue?: (inv: Extract<Intent['invariants'][number], { kind: 'isolated' }>) => string | undefined;
  /** The workload endpoint, for in-cluster members. */
  readonly endpoint?: Endpoint;
  readonly pods?: readonly Pod[];
}

/**
 * Where checks come from: the members of a cluster or of an AWS estate, how a written test's end resolves,
 * and whether the model lets a check through (to pick a pair that satisfies a flow).
 */
export interface Population {
  readonly members: readonly Member[];
  resolve(end: TestEnd): Member[];
  allows(c: Check): boolean;
}

/** Up to two replicas of a workload: identical template copies behave alike, so one stands for them. */
function samplePods(pods: readonly Pod[]): Pod[] {
  if (pods.length <= 1) return [...pods];
  if (pods.every((p) => p.synthetic)) return [pods[0]!];
  return [pods[0]!, pods[pods.length - 1]!];
}

/** A stable pseudo-random high port for a pair, so runs are reproducible. */
export function highPort(a: string, b: string): number {
  let h = 2166136261;
  for (const ch of `${a}\u0000${b}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return 20000 + (h % 40000);
}

/** An address of the range usable for an outside host (not reserved, no pod's), or undefined. */
export function pickAddress(r: IpRange, avoid: readonly IpRange[]): string | undefined {
  if (r.family !== 4) return undefined;
  const blocked = [...RESERVED, ...avoid].filter((x) => x.family === 4 && rangesOverlap(x, r)).sort((x, y) => (x.lo < y.lo ? -1 : 1));
  let lo = r.lo;
  // Skip a network address where the range has room for a host after it.
  if (r.hi > r.lo + 1n) lo += 1n;
  for (const b of blocked) {
    if (b.hi < lo) continue;
    if (b.lo > lo) break;
    lo = b.hi + 1n;
  }
  return lo <= r.hi ? formatIp(4, lo) : undefined;
}

/** The cluster's members: workloads (sampled replicas) and one or two outside addresses per home segment. */
export function clusterPopulation(a: Analysis, intent: Intent): Population {
  const podIps = a.inventory.pods.flatMap((p) => p.ips.map((ip) => parseIp(ip)).filter((x) => x !== undefined).map((x) => ({ family: x.family, lo: x.value, hi: x.value })));
  const cuts: IpRange[] = [...intentRanges(intent)];
  for (const b of a.layer.allIpBlocks) cuts.push(b.cidr.range, ...b.except.map((e) => e.range));
  const atoms = atomize(4, cuts);
  const members: Member[] = [];
  const nsLabels = (): ReadonlyMap<string, Readonly<Record<string, string>>> => namespaceLabels(a);
  for (const e of clusterEndpoints(a, 'workload')) {
    const segs = segmentsOf(a, intent, e.endpoint);
    const pods = samplePods(e.pods.map((id) => a.pod(id)!));
    const labels = e.endpoint.labels ?? {};
    const namespace = e.endpoint.namespace ?? '';
    members.push({
      key: e.endpoint.id,
      ends: pods.map((p) => ({ id: p.id, pod: p.id, workload: e.endpoint.id, ...(segs[0] ? { segment: segs[0] } : {}) })),
      segments: segs,
      inside: pods.length > 0,
      ports: (pods[0]?.ports ?? []).map((cp) => [cp.protocol, cp.port] as const),
      isolationValue: (inv) => {
        const podV = inv.on !== 'namespace' ? labels[inv.label!] : undefined;
        if (podV !== undefined) return podV;
        return inv.on !== 'pod' ? nsLabels().get(namespace)?.[inv.label!] : undefined;
      },
      endpoint: e.endpoint,
      pods,
    });
  }
  members.push(...outsideMembers(intent, atoms, podIps));
  const podMember = (pod: Pod): Member => ({ key: pod.id, ends: [{ id: pod.id, pod: pod.id, workload: pod.workload }], segments: [], inside: true, ports: pod.ports.map((cp) => [cp.protocol, cp.port] as const), pods: [pod] });
  return {
    members,
    allows: (c) => modelAllows(a, c),
    resolve(end) {
      if (end.kind === 'segment') return members.filter((m) => m.segments.includes(end.name));
      if (end.kind === 'address') {
        const r = end.cidr.range;
        const ip = r.lo === r.hi ? formatIp(r.family, r.lo) : pickAddress(r, podIps);
        if (!ip) return [];
        const pod = a.inventory.pods.find((p) => p.ips.includes(ip));
        if (pod) return members.filter((m) => (m.pods ?? []).some((p) => p.id === pod.id) || m.key === pod.workload);
        return [addressMember(intent, ip)];
      }
      const pod = a.pod(end.spec);
      if (pod) return [podMember(pod)];
      const match = endpointMatcher(end.spec);
      return members.filter((m) => m.endpoint !== undefined && match(m.endpoint));
    },
  };
}

/** A member for one outside address, in the segments its address is in. */
export function addressMember(intent: Intent, ip: string): Member {
  const v = parseIp(ip)!.value;
  return { key: ip, ends: [{ id: ip, address: ip }], segments: rangeSegments(intent, { family: 4, lo: v, hi: v }), inside: false, ports: [] };
}

/** Outside addresses: one per elementary block, smallest blocks (those policies single out) first, two per home segment. */
export function outsideMembers(intent: Intent, atoms: readonly IpRange[], avoid: readonly IpRange[]): Member[] {
  const out: Member[] = [];
  const byHome = new Map<string, IpRange[]>();
  for (const atom of atoms) {
    const segs = rangeSegments(intent, atom);
    const l = byHome.get(segs[0]!) ?? [];
    l.push(atom);
    byHome.set(segs[0]!, l);
  }
  for (const [home, list] of byHome) {
    list.sort((x, y) => (x.hi - x.lo < y.hi - y.lo ? -1 : x.hi - x.lo > y.hi - y.lo ? 1 : x.lo < y.lo ? -1 : 1));
    let n = 0;
    for (const atom of list) {
      if (n >= 2) break;
      const ip = pickAddress(atom, avoid);
      if (!ip) continue;
      n++;
      const m = addressMember(intent, ip);
      out.push({ ...m, ends: [{ id: ip, address: ip, segment: home }] });
    }
  }
  return out;
}

class Builder {
  readonly checks: Check[] = [];
  readonly notes: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly bySegment = new Map<string, Member[]>();
  readonly members: readonly Member[];

  constructor(
    readonly pop: Population,
    readonly intent: Intent,
  ) {
    this.members = pop.members;
    for (const m of this.members) {
      for (const s of m.segments) {
        const l = this.bySegment.get(s) ?? [];
        l.push(m);
        this.bySegment.set(s, l);
      }
    }
  }

  private homeCache?: Map<string, Member[]>;
  /** Members whose home (first) segment is this one. */
  homeMembersOf(segment: string): Member[] {
    if (!this.homeCache) {
      this.homeCache = new Map();
      for (const m of this.members) {
        const h = m.segments[0];
        if (h === undefined) continue;
        const l = this.homeCache.get(h) ?? [];
        l.push(m);
        this.homeCache.set(h, l);
      }
    }
    return this.homeCache.get(segment) ?? [];
  }

  membersOf(segment: string): Member[] {
    return this.bySegment.get(segment) ?? [];
  }

  /** Members a written test end names. */
  resolve(end: TestEnd): Member[] {
    return this.pop.resolve(end);
  }

  add(origin: CheckOrigin, from: CheckEnd, to: CheckEnd, protocol: Protocol, port: number, expect: Verdict, group?: string): boolean {
    if (from.address && to.address) return false;
    if (from.pod && from.pod === to.pod) return false;
    // Written tests and generated checks are deduplicated apart, so every flow keeps its own checks.
    const key = `${origin.kind === 'test' ? 'w' : 'g'}:${from.id}>${to.id}>${protocol}/${port}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.checks.push({ id: this.checks.length + 1, origin, from, to, protocol, port, expect, ...(group ? { group } : {}) });
    return true;
  }

  /** Every pair of ends of two members (a written test means each replica). */
  addPair(origin: CheckOrigin, s: Member, d: Member, protocol: Protocol, port: number, expect: Verdict): void {
    for (const f of s.ends) for (const t of d.ends) this.add(origin, f, t, protocol, port, expect);
  }

  private flowsFrom?: Map<string, Intent['flows'][number][]>;
  /** Ports a flow between these two members intends. */
  intended(s: Member, d: Member): PortSet {
    if (!this.flowsFrom) {
      this.flowsFrom = new Map();
      for (const f of this.intent.flows) for (const x of f.from) this.flowsFrom.set(x, [...(this.flowsFrom.get(x) ?? []), f]);
    }
    let p = PortSet.NONE;
    const seen = new Set<number>();
    for (const seg of s.segments) {
      for (const f of this.flowsFrom.get(seg) ?? []) {
        if (seen.has(f.index)) continue;
        seen.add(f.index);
        if (f.to.some((x) => d.segments.includes(x))) p = p.union(f.ports);
      }
    }
    return p;
  }

  /** The ports worth trying towards a member: its declared ports, the admin port, a high port. */
  denyPorts(s: Member, d: Member): Array<[Protocol, number]> {
    const out: Array<[Protocol, number]> = [];
    for (const [p, n] of d.ports) out.push([p, n]);
    out.push(['TCP', ADMIN_PORT], ['TCP', highPort(s.key, d.key)]);
    const seen = new Set<string>();
    return out.filter(([p, n]) => (seen.has(`${p}/${n}`) ? false : (seen.add(`${p}/${n}`), true)));
  }

  /** Does an invariant forbid s => d (so no flow check may expect it open)? */
  forbidden(s: Member, d: Member): boolean {
    for (const inv of this.intent.invariants) {
      if (inv.kind === 'never' && inv.from.some((x) => s.segments.includes(x)) && inv.to.some((x) => d.segments.includes(x))) return true;
      if (inv.kind === 'isolated' && this.isolatedPair(inv, s, d)) return true;
    }
    return false;
  }

  isolatedPair(inv: Extract<Intent['invariants'][number], { kind: 'isolated' }>, s: Member, d: Member): boolean {
    if (!s.inside || !d.inside || s.key === d.key) return false;
    if (inv.within && !(inv.within.some((w) => s.segments.includes(w)) && inv.within.some((w) => d.segments.includes(w)))) return false;
    if (inv.segments) {
      const hs = inv.segments.find((x) => s.segments.includes(x));
      const hd = inv.segments.find((x) => d.segments.includes(x));
      return hs !== undefined && hd !== undefined && hs !== hd;
    }
    const vs = s.isolationValue?.(inv);
    const vd = d.isolationValue?.(inv);
    return vs !== undefined && vd !== undefined && vs !== vd;
  }
}

/** Representative ports of a flow towards a member: the flow's ports it declares, else each range's ends; at most four. */
function flowPorts(ports: PortSet, anyPort: boolean, d: Member): Array<[Protocol, number]> {
  if (anyPort) {
    const declared = d.ports.map(([p, n]) => [p, n] as [Protocol, number]);
    return declared.length ? declared.slice(0, 3) : [['TCP', 443]];
  }
  // A flow to several tiers (db on 5432, cache on 6379) means each its own port: where the destination
  // declares some of the flow's ports, those are the ones it must answer on.
  const declared = d.ports.filter(([p, n]) => ports.has(p, n)).map(([p, n]) => [p, n] as [Protocol, number]);
  if (declared.length) return declared.slice(0, 4);
  const out: Array<[Protocol, number]> = [];
  for (const p of PROTOCOLS) {
    for (const [lo, hi] of ports.get(p).ranges()) {
      out.push([p, lo]);
      if (hi !== lo) out.push([p, hi]);
    }
  }
  return out.slice(0, 4);
}

/**
 * Spreads a bound over groups: round-robin, so every flow and invariant keeps some of its checks. The
 * checks of one flow port (one `group`) are kept or dropped together, since one of them may be the pair
 * that satisfies the others.
 */
function sampleGroups(groups: Check[][], n: number): Check[] {
  const units = groups.map((g) => {
    const byKey = new Map<string, Check[]>();
    g.forEach((c, i) => {
      const k = c.group ?? `#${i}`;
      const l = byKey.get(k) ?? [];
      l.push(c);
      byKey.set(k, l);
    });
    return [...byKey.values()];
  });
  const out: Check[] = [];
  for (let i = 0; ; i++) {
    let any = false;
    for (const g of units) {
      const u = g[i];
      if (!u) continue;
      any = true;
      if (out.length + u.length <= n) out.push(...u);
    }
    if (!any || out.length >= n) break;
  }
  return out;
}

function endLabel(e: TestEnd): string {
  return e.kind === 'segment' ? e.name : e.kind === 'workload' ? e.spec : e.text;
}

/** The checks of an intent: its written tests, then (unless disabled) the generated ones, sampled. */
export function buildChecks(a: Analysis, intent: Intent, opts: CaseOptions = {}): CaseSet {
  return buildChecksOf([clusterPopulation(a, intent)], intent, opts);
}

/**
 * The checks of an intent over one or more populations (a cluster, an AWS estate, both in a mixed run): each
 * written test on every population whose members it names, then the generated checks of each, sampled together.
 */
export function buildChecksOf(pops: readonly Population[], intent: Intent, opts: CaseOptions = {}): CaseSet {
  const builders = pops.map((p) => new Builder(p, intent));
  const written: Check[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const t of intent.tests ?? []) {
    let why: Diagnostic | undefined;
    let any = false;
    for (const b of builders) {
      const before = b.checks.length;
      const d = addWritten(b, t);
      if (d) why ??= d;
      else any = true;
      written.push(...b.checks.slice(before));
    }
    // A test about the estate matches nothing in the cluster read with it, and the other way round.
    if (!any && why) diagnostics.push(why);
  }
  const renumber = (cs: readonly Check[]): Check[] => cs.map((c, i) => ({ ...c, id: i + 1 }));
  if (opts.generate === false) return { checks: renumber(written), notes: [], diagnostics };
  const groups = builders.flatMap((b) => generated(b, intent));
  const total = groups.reduce((n, g) => n + g.length, 0);
  const kept = opts.sample !== undefined && total > opts.sample ? sampleGroups(groups, opts.sample) : groups.flat();
  const notes = kept.length < total ? [`--sample ${opts.sample}: ${kept.length} of ${total} generated checks kept`] : [];
  return { checks: renumber([...written, ...kept]), notes, diagnostics: [...diagnostics, ...builders.flatMap((b) => b.diagnostics)] };
}

/** The checks an intent implies over one population, in groups (one per flow pair, invariant, segment pair). */
function generated(b: Builder, intent: Intent): Check[][] {
  const groups: Check[][] = [];
  const pairsPerGroup = 4;
  const group = (fn: () => void): void => {
    const before = b.checks.length;
    fn();
    groups.push(b.checks.splice(before));
  };
  intent.flows.forEach((f) => {
    for (const fs of f.from) {
      for (const ts of f.to) {
        group(() => {
          const origin: CheckOrigin = { kind: 'flow', label: `flow #${f.index} ${fs} => ${ts}`, source: f.source };
          const srcs = b.membersOf(fs);
          const dsts = b.membersOf(ts);
          const valid = (x: Member, y: Member): boolean => x.key !== y.key && (x.inside || y.inside) && !b.forbidden(x, y);
          const gid = (p: Protocol, n: number): string => `flow #${f.index} ${fs} => ${ts} ${p}/${n}`;
          // Diagonal order: every source, and as many destinations, before any pair repeats a member.
          let pairs = 0;
          outer: for (let shift = 0; shift < dsts.length; shift++) {
            for (let i = 0; i < srcs.length; i++) {
              if (pairs >= 8) break outer;
              const s = srcs[i]!;
              const d = dsts[(i + shift) % dsts.length]!;
              if (!valid(s, d)) continue;
              pairs++;
              for (const [p, n] of flowPorts(f.ports, f.anyPort, d)) b.add(origin, s.ends[0]!, d.ends[0]!, p, n, 'allow', gid(p, n));
            }
          }
          // A flow works when some member pair gets it (as audit reads it): where the sample holds no pair
          // the model lets through, add one that it does, for the kernel to confirm. None: the flow is broken.
          const mine = b.checks.filter((c) => c.origin === origin);
          const satisfied = new Set(mine.filter((c) => b.pop.allows(c)).map((c) => c.group));
          const wanted = new Set(mine.map((c) => c.group).filter((g) => !satisfied.has(g)));
          for (const s of srcs) {
            if (wanted.size === 0) break;
            for (const d of dsts) {
              if (wanted.size === 0 || !valid(s, d)) continue;
              for (const [p, n] of flowPorts(f.ports, f.anyPort, d)) {
                const g = gid(p, n);
                if (!wanted.has(g)) continue;
                const probe: Check = { id: 0, origin, from: s.ends[0]!, to: d.ends[0]!, protocol: p, port: n, expect: 'allow' };
                if (b.pop.allows(probe) && b.add(origin, probe.from, probe.to, p, n, 'allow', g)) wanted.delete(g);
              }
            }
          }
        });
      }
    }
  });
  intent.invariants.forEach((inv, i) => {
    if (inv.kind === 'never') {
      group(() => {
        const origin: CheckOrigin = { kind: 'never', label: `never #${i + 1} ${inv.from.join(',')} => ${inv.to.join(',')}`, source: inv.source };
        const srcs = [...new Set(inv.from.flatMap((x) => b.membersOf(x)))];
        const dsts = [...new Set(inv.to.flatMap((x) => b.membersOf(x)))];
        let pairs = 0;
        for (const s of srcs) for (const d of dsts) {
          if (pairs >= pairsPerGroup * 2 || s.key === d.key || (!s.inside && !d.inside)) continue;
          pairs++;
          for (const [p, n] of b.denyPorts(s, d)) b.add(origin, s.ends[0]!, d.ends[0]!, p, n, 'deny');
        }
      });
    } else if (inv.kind === 'isolated') {
      group(() => {
        const origin: CheckOrigin = { kind: 'isolated', label: `isolated #${i + 1} ${inv.label ?? (inv.segments ?? []).join(',')}`, source: inv.source };
        const cluster = [...new Set(intent.segments.flatMap((s) => b.membersOf(s.name)))].filter((m) => m.inside);
        let pairs = 0;
        for (const s of cluster) for (const d of cluster) {
          if (pairs >= pairsPerGroup * 2 || !b.isolatedPair(inv, s, d)) continue;
          pairs++;
          for (const [p, n] of b.denyPorts(s, d)) b.add(origin, s.ends[0]!, d.ends[0]!, p, n, 'deny');
        }
      });
    } else if (inv.kind === 'egress') {
      group(() => {
        const origin: CheckOrigin = { kind: 'egress', label: `egress #${i + 1} ${inv.from.join(',')}`, source: inv.source };
        const srcs = [...new Set(inv.from.flatMap((x) => b.membersOf(x)))].filter((m) => m.inside);
        const outside = [...new Set([...intent.segments.map((s) => s.name), WORLD].flatMap((x) => b.membersOf(x)))].filter((m) => !m.inside);
        const allowed = (m: Member): boolean => {
          const ip = parseIp(m.key)!;
          return inv.allowSegments.some((x) => m.segments.includes(x)) || inv.allowCidrs.some((c) => c.cidr.range.family === ip.family && c.cidr.range.lo <= ip.value && ip.value <= c.cidr.range.hi);
        };
        for (const s of srcs.slice(0, pairsPerGroup)) for (const d of outside.filter((m) => !allowed(m)).slice(0, 2)) b.add(origin, s.ends[0]!, d.ends[0]!, 'TCP', 443, 'deny');
      });
    }
  });
  // Between home segments, the ports no flow names must fail.
  const homes = [...new Set([...intent.segments.map((s) => s.name), WORLD])];
  for (const hs of homes) {
    for (const hd of homes) {
      group(() => {
        const origin: CheckOrigin = { kind: 'segment-pair', label: `segments ${hs} => ${hd}` };
        let pairs = 0;
        for (const s of b.homeMembersOf(hs)) {
          for (const d of b.homeMembersOf(hd)) {
            if (pairs >= 2) return;
            if (hs === hd || (!s.inside && !d.inside)) continue;
            const open = b.intended(s, d);
            const ports = b.denyPorts(s, d).filter(([p, n]) => !open.has(p, n));
            if (ports.length === 0) continue;
            pairs++;
            for (const [p, n] of ports.slice(0, 3)) b.add(origin, s.ends[0]!, d.ends[0]!, p, n, 'deny');
          }
        }
      });
    }
  }
  return groups;
}

/** Adds a written test's checks; returns why it checks nothing in this population, if it does not. */
function addWritten(b: Builder, t: IntentTest): Diagnostic | undefined {
  const origin: CheckOrigin = { kind: 'test', label: `tests[${t.index - 1}] ${endLabel(t.from)} => ${endLabel(t.to)} ${t.protocol}/${t.port} ${t.expect}${t.description ? ` (${t.description})` : ''}`, source: t.source };
  const srcs = b.resolve(t.from);
  const dsts = b.resolve(t.to);
  if (srcs.length === 0 || dsts.length === 0) {
    return {
      severity: 'warning',
      code: 'test-matches-nothing',
      message: `tests[${t.index - 1}]: ${srcs.length === 0 ? `"${endLabel(t.from)}"` : `"${endLabel(t.to)}"`} matches no endpoint of the inputs: the test checks nothing`,
      source: t.source,
    };
  }
  const before = b.checks.length;
  for (const s of srcs) for (const d of dsts) b.addPair(origin, s, d, t.protocol, t.port, t.expect);
  if (b.checks.length === before) {
    return { severity: 'warning', code: 'test-matches-nothing', message: `tests[${t.index - 1}]: no pair of distinct endpoints to check (both ends are the same pod or interface, or both outside)`, source: t.source };
  }
  return undefined;
}
