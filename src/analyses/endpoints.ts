/**
 * Endpoints as users name them: workloads (`ns/name[Kind]`), pods (`ns/pod`), and external address blocks,
 * each mapped to the engine's targets (pod classes or address ranges).
 */
import type { Analysis, ExternalBlock, Target } from '../engine/index.js';
import type { Labels, Pod, Workload, WorkloadKind } from '../inventory/types.js';
import { formatRange, parseCidr, parseIp, rangeToCidrs, rangesOverlap, type IpRange } from '../model/address.js';
import { UserError } from '../util/errors.js';
import { lex } from '../util/compare.js';
import { compileGlob } from '../util/glob.js';

export type Level = 'workload' | 'pod';

export interface Endpoint {
  readonly id: string;
  /** `Namespace` and `Segment`: a group of workloads, at reach's namespace and segment levels. */
  readonly kind: WorkloadKind | 'External' | 'Namespace' | 'Segment';
  readonly namespace?: string;
  readonly name?: string;
  readonly labels?: Labels;
  /** The owning workload, at pod level. */
  readonly workload?: string;
  readonly addresses?: readonly string[];
  /** Outside addresses: the fewest CIDRs covering them exactly. */
  readonly cidrs?: readonly string[];
  /** Outside addresses named `internet except ...`: the CIDRs left out (see analyses/outside.ts). */
  readonly except?: readonly string[];
}

/** An endpoint with the engine targets it stands for. */
export interface ResolvedEndpoint {
  readonly endpoint: Endpoint;
  readonly targets: readonly Target[];
  /** Pod ids behind it (none for external blocks). */
  readonly pods: readonly string[];
}

export function externalEndpoint(b: ExternalBlock): ResolvedEndpoint {
  return {
    endpoint: { id: formatRange(b.range), kind: 'External', cidrs: rangeToCidrs(b.range) },
    targets: [{ kind: 'address', range: b.range }],
    pods: [],
  };
}

/** Every in-cluster endpoint at a level, sorted by id. */
export function clusterEndpoints(a: Analysis, level: Level): ResolvedEndpoint[] {
  if (level === 'pod') return a.inventory.pods.map((p) => podEndpoint(a, p));
  return a.inventory.workloads
    .filter((w) => a.podsOf(w.id).length > 0)
    .map((w) => workloadEndpoint(a, w))
    .sort((x, y) => lex(x.endpoint.id, y.endpoint.id));
}

function podEndpoint(a: Analysis, p: Pod): ResolvedEndpoint {
  return {
    endpoint: {
      id: p.id,
      kind: 'Pod' as const,
      namespace: p.namespace,
      name: p.name,
      labels: p.labels,
      workload: p.workload,
      ...(p.ips.length ? { addresses: p.ips } : {}),
    },
    targets: [{ kind: 'class' as const, index: a.classOf(p.id) }],
    pods: [p.id],
  };
}

function workloadEndpoint(a: Analysis, w: Workload): ResolvedEndpoint {
  const pods = a.podsOf(w.id);
  return {
    endpoint: workloadInfo(w, pods),
    targets: a.classesOf(w.id).map((index) => ({ kind: 'class' as const, index })),
    pods: pods.map((p) => p.id),
  };
}

function workloadInfo(w: Workload, pods: readonly Pod[]): Endpoint {
  const ips = pods.flatMap((p) => p.ips);
  return { id: w.id, kind: w.kind, namespace: w.namespace, name: w.name, labels: w.labels, ...(ips.length ? { addresses: ips } : {}) };
}

/**
 * A predicate over endpoints from a user's spec: an exact id, `ns/name` (any kind), a glob (`prod/*`),
 * a namespace followed by `/` or `/*`, an IP address or CIDR (matching external blocks and pods with that address),
 * or `internet` (every outside block).
 */
export function endpointMatcher(spec: string): (e: Endpoint) => boolean {
  const s = spec.trim();
  // `internet`, as reports name the outside: every address outside the cluster.
  if (s === 'internet') return (e) => e.kind === 'External';
  const cidr = parseCidr(s) ?? (parseIp(s) ? parseCidr(`${s}/${parseIp(s)!.family === 4 ? 32 : 128}`) : undefined);
  if (cidr) {
    const r = cidr.range;
    return (e) => {
      if (e.kind === 'External') return (e.cidrs ?? []).some((c) => rangesOverlap(parseCidr(c)!.range, r));
      return (e.addresses ?? []).some((ip) => {
        const p = parseIp(ip);
        return p !== undefined && rangesOverlap({ family: p.family, lo: p.value, hi: p.value }, r);
      });
    };
  }
  const glob = compileGlob(s.endsWith('/') ? `${s}*` : s);
  return (e) => e.id === s || glob(e.id) || (e.namespace !== undefined && `${e.namespace}/${e.name}` === s) || glob(`${e.namespace}/${e.name}`);
}

/** The error for a --from/--to (or --target) that names nothing in the input, with near names as a hint. */
export function noMatch(a: Analysis, spec: string): UserError {
  if (spec.trim() === 'internet') return new UserError('"internet" is every outside address, and the policies may treat its addresses differently: explain takes one end at a time', 'name one outside address or CIDR, e.g. --from 203.0.113.7 (reach --from internet lists them all)');
  const name = spec.trim().split('/').pop() ?? spec;
  const near = clusterEndpoints(a, 'workload')
    .map((e) => e.endpoint.id)
    .filter((id) => name !== '' && id.includes(name))
    .slice(0, 5);
  return new UserError(
    `no workload, pod or address matches "${spec}"`,
    near.length ? `did you mean ${near.join(', ')}?` : 'use namespace/name, namespace/name[Kind], namespace/pod, or an IP address',
  );
}

/** The address range a spec names (an IP address or a CIDR), if it names one. */
export function addressRange(spec: string): IpRange | undefined {
  const s = spec.trim();
  const ip = parseIp(s);
  if (ip) return { family: ip.family, lo: ip.value, hi: ip.value };
  return s.includes('/') ? parseCidr(s)?.range : undefined;
}

/**
 * Resolves a user's --from/--to for explain: one workload, pod, address, or CIDR. A CIDR must lie in one
 * external block (policies treat all of it alike), so that its answer is every address's answer.
 */
export function resolveOne(a: Analysis, spec: string): ResolvedEndpoint {
  const cidr = spec.includes('/') && !parseIp(spec.trim()) ? parseCidr(spec.trim()) : undefined;
  if (cidr) {
    const r = cidr.range;
    const pieces = a.externals().filter((b) => rangesOverlap(b.range, r));
    if (pieces.length > 1) {
      // Each part by its CIDRs (within the spec), as every report names outside addresses; parts apart by ';'.
      const part = (b: IpRange): string => {
        const cs = rangeToCidrs({ family: b.family, lo: b.lo > r.lo ? b.lo : r.lo, hi: b.hi < r.hi ? b.hi : r.hi });
        return cs.length <= 3 ? cs.join(', ') : `${cs.slice(0, 2).join(', ')} and ${cs.length - 2} more CIDRs`;
      };
      const shown = pieces.slice(0, 4).map((b) => part(b.range));
      throw new UserError(
        `"${spec}" spans addresses that policies treat differently: ${shown.join('; ')}${pieces.length > 4 ? `; and ${pieces.length - 4} more parts` : ''}`,
        'name one address, or a CIDR inside one of these parts (reach --to/--from with the CIDR shows how each part is reached)',
      );
    }
    return { endpoint: { id: spec.trim(), kind: 'External', cidrs: rangeToCidrs(r) }, targets: [{ kind: 'address', range: r }], pods: [] };
  }
  const ip = parseIp(spec.trim());
  if (ip) {
    const range: IpRange = { family: ip.family, lo: ip.value, hi: ip.value };
    const pods = a.inventory.pods.filter((p) => p.ips.some((x) => x === spec.trim() || (parseIp(x)?.value === ip.value && parseIp(x)?.family === ip.family)));
    if (pods.length > 0) {
      return podEndpoint(a, pods[0]!);
    }
    return { endpoint: { id: spec.trim(), kind: 'External', cidrs: rangeToCidrs(range) }, targets: [{ kind: 'address', range }], pods: [] };
  }
  const m = endpointMatcher(spec);
  // Only the matches are resolved: a cluster of 100,000 pods is answered in milliseconds. A spec with no
  // glob and no CIDR can only match a workload by its id or namespace/name, so only those are tested.
  const t = spec.trim();
  const literal = !t.includes('*') && !t.endsWith('/') && !parseCidr(t);
  const slash = t.indexOf('/');
  const [ns, name] = slash >= 0 ? [t.slice(0, slash), t.slice(slash + 1)] : ['', ''];
  const candidates = literal ? a.inventory.workloads.filter((w) => w.id === t || (w.namespace === ns && w.name === name)) : a.inventory.workloads;
  const workloads = candidates
    .filter((w) => a.podsOf(w.id).length > 0 && m(workloadInfo(w, a.podsOf(w.id))))
    .map((w) => workloadEndpoint(a, w))
    .sort((x, y) => lex(x.endpoint.id, y.endpoint.id));
  const pod = a.pod(spec.trim());
  const pods = pod ? [podEndpoint(a, pod)] : [];
  const all = pods.length > 0 ? pods : workloads;
  if (all.length === 0) throw noMatch(a, spec);
  if (all.length > 1) {
    throw new UserError(`"${spec}" matches ${all.length} endpoints: ${all.slice(0, 5).map((e) => e.endpoint.id).join(', ')}${all.length > 5 ? ', ...' : ''}`, 'name one');
  }
  return all[0]!;
}
