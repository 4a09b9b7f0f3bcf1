/**
 * A starting intent from the manifests as they are, for a team to edit: segments by namespace and tier,
 * split where pooling would allow more than is open today (see init-partition.ts), the outside address
 * ranges that the policies treat differently, and the flows open today between them. Auditing the same
 * manifests against it finds no drift, and it allows nothing that is not open today.
 */
import type { Analysis } from '../../engine/index.js';
import type { Workload } from '../../inventory/types.js';
import { rangeToCidrs } from '../../model/address.js';
import { mergeRanges } from '../../engine/k8s/address-space.js';
import { PROTOCOLS, type PortSet } from '../../model/port-set.js';
import { lex } from '../../util/compare.js';
import { exactPartition } from './init-partition.js';
import { mergeEdgeFlows, type Grouping } from './init-flows.js';
import { parseIntent } from './load.js';
import { goPlainScalar } from '../../sources/k8s/go-yaml-scalars.js';
import { clusterSegments, namespaceLabels, segmentIndex } from './membership.js';
import { WORLD } from './types.js';

/** Labels that name a tier, in order of preference. */
const TIER_KEYS = ['tier', 'app.kubernetes.io/component'];

export interface DraftSegment {
  readonly name: string;
  readonly namespace?: string;
  /** Several namespaces (the cluster group). */
  readonly namespaces?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** `namespace/name` (or `namespace/name[Kind]` when the name is not unique in its namespace). */
  readonly workloads?: readonly string[];
  readonly cidrs?: readonly string[];
  readonly description?: string;
  /** AWS criteria, written directly in the segment. */
  readonly aws?: { readonly vpc?: string; readonly subnet?: string; readonly securityGroup?: string; readonly interfaces?: readonly string[] };
}

export interface DraftFlow {
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** null: every port. */
  readonly ports: readonly string[] | null;
}

export interface DraftIntent {
  readonly segments: readonly DraftSegment[];
  readonly flows: readonly DraftFlow[];
}

/** A YAML flow scalar: plain when it reads back as this string (YAML 1.1, as kubectl and Bulkhead read), double-quoted otherwise. */
function scalar(s: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) && goPlainScalar(s) === s ? s : JSON.stringify(s);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** "TCP/80", "TCP/9090-9100", "UDP" (every UDP port); null when every port. */
export function portSpecs(p: PortSet): string[] | null {
  if (p.isAll()) return null;
  const out: string[] = [];
  for (const proto of PROTOCOLS) {
    const ranges = p.get(proto).ranges();
    if (ranges.length === 1 && ranges[0]![0] === 1 && ranges[0]![1] === 65535) out.push(proto);
    else for (const [lo, hi] of ranges) out.push(`${proto}/${lo === hi ? lo : `${lo}-${hi}`}`);
  }
  return out;
}

/** Renders a draft as an intent file; `header` lines become comments. */
export function renderIntentYaml(d: DraftIntent, header: readonly string[] = []): string {
  const out: string[] = header.map((h) => `# ${h}`);
  out.push('version: 1', 'segments:');
  for (const s of d.segments) {
    const parts: string[] = [];
    if (s.namespace) parts.push(`namespace: ${scalar(s.namespace)}`);
    if (s.namespaces) parts.push(`namespace: [${s.namespaces.map(scalar).join(', ')}]`);
    if (s.labels) parts.push(`labels: {${Object.entries(s.labels).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`).join(', ')}}`);
    if (s.workloads) parts.push(`workloads: [${s.workloads.map(scalar).join(', ')}]`);
    if (s.cidrs) parts.push(`cidrs: [${s.cidrs.map(scalar).join(', ')}]`);
    if (s.description) parts.push(`description: ${JSON.stringify(s.description)}`);
    if (s.aws?.vpc) parts.push(`vpc: ${scalar(s.aws.vpc)}`);
    if (s.aws?.subnet) parts.push(`subnet: ${scalar(s.aws.subnet)}`);
    if (s.aws?.securityGroup) parts.push(`securityGroup: ${scalar(s.aws.securityGroup)}`);
    if (s.aws?.interfaces) parts.push(`interfaces: [${s.aws.interfaces.map(scalar).join(', ')}]`);
    out.push(`  ${scalar(s.name)}: {${parts.join(', ')}}`);
  }
  if (d.flows.length === 0) out.push('flows: []');
  else {
    out.push('flows:');
    const list = (xs: readonly string[]): string => (xs.length === 1 ? scalar(xs[0]!) : `[${xs.map(scalar).join(', ')}]`);
    for (const f of d.flows) out.push(`  - {from: ${list(f.from)}, to: ${list(f.to)}${f.ports ? `, ports: [${f.ports.map(scalar).join(', ')}]` : ''}}`);
  }
  out.push('invariants: []', '');
  return out.join('\n');
}

/** The namespace and tier segments a team would start from, each with its namespace. */
function tierSegments(a: Analysis): Array<DraftSegment & { namespace: string }> {
  const out: Array<DraftSegment & { namespace: string }> = [];
  const byNamespace = new Map<string, Workload[]>();
  for (const w of a.inventory.workloads) {
    if (a.podsOf(w.id).length === 0) continue;
    let l = byNamespace.get(w.namespace);
    if (!l) byNamespace.set(w.namespace, (l = []));
    l.push(w);
  }
  const namespaces = [...new Set(a.inventory.pods.map((p) => p.namespace))].sort(lex);
  for (const ns of namespaces) {
    const ws = byNamespace.get(ns) ?? [];
    const key = TIER_KEYS.find((k) => ws.some((w) => w.labels[k] !== undefined));
    const tiers = key ? [...new Set(ws.map((w) => w.labels[key]).filter((v): v is string => v !== undefined))].sort(lex) : [];
    for (const t of tiers) out.push({ name: `${ns}-${t}`, namespace: ns, labels: { [key!]: t } });
    if (!key || ws.some((w) => w.labels[key] === undefined)) out.push({ name: ns, namespace: ns });
  }
  return out;
}

/** Hands out segment names: slugs, unique, never `world`. */
export function namer(): { take: (base: string) => string; free: (base: string) => boolean } {
  const used = new Set<string>([WORLD]);
  return {
    take: (base) => {
      let n = slug(base);
      for (let i = 2; used.has(n); i++) n = `${slug(base)}-${i}`;
      used.add(n);
      return n;
    },
    free: (base) => !used.has(slug(base)),
  };
}

/**
 * The starting intent: exact segments and one flow per set of sources, destinations and ports open today.
 * `outsideGroup: false` leaves out the group of the outside ranges (a merged cluster and cloud draft cuts
 * the ranges again, and needs its outside segments disjoint).
 */
export function draftIntent(a: Analysis, opts: { readonly outsideGroup?: boolean } = {}): DraftIntent {
  // Draft (namespace and tier) membership, read per pod class as drift reads it.
  const drafts = tierSegments(a);
  const skeleton = parseIntent(renderIntentYaml({ segments: drafts, flows: [] }), 'bulkhead init');
  const nsl = namespaceLabels(a);
  const among = segmentIndex(skeleton);
  const workloads = a.inventory.workloads.filter((w) => a.podsOf(w.id).length > 0);
  const draftIndex = new Map(drafts.map((d, i) => [d.name, i]));
  const draftOf = new Map<string, number>();
  /** Workloads each draft's matcher takes (some pod class of them), to see whether the matcher is exact. */
  const taken = drafts.map(() => new Set<string>());
  const whole = drafts.map(() => true);
  for (const w of workloads) {
    const homes = a.classesOf(w.id).map((c) => {
      const k = a.layer.classes[c]!;
      const segs = clusterSegments(skeleton, { namespace: k.namespace, namespaceLabels: nsl.get(k.namespace) ?? {}, labels: k.labels, workload: w.id }, among(k.namespace, w.id));
      for (const s of segs) taken[draftIndex.get(s)!]!.add(w.id);
      return segs;
    });
    let home = homes.find((h) => h.length > 0)?.[0];
    if (home === undefined) {
      // No draft takes it (its pods lack the tier its template has): a namespace part of its own.
      home = `${w.namespace}-unlabelled`;
      if (!draftIndex.has(home)) {
        draftIndex.set(home, drafts.length);
        drafts.push({ name: home, namespace: w.namespace });
        taken.push(new Set());
        whole.push(false);
      }
    }
    const d = draftIndex.get(home)!;
    draftOf.set(w.id, d);
    if (!homes.every((h) => h.includes(home))) whole[d] = false;
  }

  const part = exactPartition(a, workloads.map((w) => ({ workload: w, draft: draftOf.get(w.id)! })));
  const partsOfDraft = drafts.map((): number[] => []);
  part.cluster.forEach((p, i) => partsOfDraft[p.draft]!.push(i));

  // A draft keeps its matcher when it is one part and takes exactly its members; otherwise its parts list their workloads.
  const names = namer();
  const name = names.take;
  const sameName = new Map<string, number>();
  for (const w of workloads) sameName.set(`${w.namespace}/${w.name}`, (sameName.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
  const ref = (w: Workload): string => (sameName.get(`${w.namespace}/${w.name}`)! > 1 ? w.id : `${w.namespace}/${w.name}`);
  const segments: DraftSegment[] = [];
  const C = part.cluster.length;
  /** Each part's position in `segments` (the flows' numbers); -1 for the world until its position is known. */
  const partPos = new Int32Array(C + part.external.length).fill(-1);
  const push = (i: number, s: DraftSegment): void => {
    partPos[i] = segments.length;
    segments.push(s);
  };
  drafts.forEach((d, di) => {
    const parts = partsOfDraft[di]!;
    if (parts.length === 0) return;
    const members = parts.flatMap((i) => part.cluster[i]!.workloads.map((w) => w.id));
    if (parts.length === 1 && whole[di] && taken[di]!.size === members.length && members.every((id) => taken[di]!.has(id))) {
      push(parts[0]!, { ...d, name: name(d.name) });
      return;
    }
    // The biggest part keeps the draft's name when it has several workloads; the others are named after their first workload.
    const ordered = [...parts].sort((x, y) => part.cluster[y]!.workloads.length - part.cluster[x]!.workloads.length || x - y);
    const keeps = part.cluster[ordered[0]!]!.workloads.length > 1 ? ordered[0] : undefined;
    const named = new Map(ordered.map((i) => [i, i === keeps ? d.name : `${d.namespace}-${part.cluster[i]!.workloads[0]!.name}`]));
    for (const i of [...parts].sort((x, y) => lex(part.cluster[x]!.workloads[0]!.id, part.cluster[y]!.workloads[0]!.id))) {
      push(i, { name: name(named.get(i)!), namespace: d.namespace!, workloads: part.cluster[i]!.workloads.map(ref) });
    }
  });

  // Outside: the part holding the most IPv4 addresses is the built-in world; the others list their CIDRs.
  const blocks = a.externals();
  const size = (p: { blocks: readonly number[] }): bigint => p.blocks.reduce((s, x) => (blocks[x]!.range.family === 4 ? s + blocks[x]!.range.hi - blocks[x]!.range.lo + 1n : s), 0n);
  let world = -1;
  part.external.forEach((p, k) => {
    if (world < 0 || size(p) > size(part.external[world]!)) world = k;
  });
  part.external.forEach((p, k) => {
    if (k === world) return;
    const cidrs = p.blocks.flatMap((x) => rangeToCidrs(blocks[x]!.range));
    const first = cidrs[0]!;
    const base = first.endsWith('/0') ? (first.includes(':') ? 'internet-v6' : 'internet') : `net-${first.replace(/[/:.]/g, '-')}`;
    push(C + k, { name: name(base), cidrs });
  });

  // Groups: a namespace of several parts, and the whole cluster, as one name each in the flows. Declared
  // after the parts, a group is home to no workload today; it names exactly the union of its parts, so a
  // list holding all of them can name the group instead and mean the same.
  const groups: Array<{ name: string; pos: number; parts: readonly number[] }> = [];
  const nsParts = new Map<string, number[]>();
  part.cluster.forEach((p, i) => {
    const ns = p.workloads[0]!.namespace;
    let l = nsParts.get(ns);
    if (!l) nsParts.set(ns, (l = []));
    l.push(partPos[i]!);
  });
  const clusterParts = Array.from(partPos.subarray(0, C));
  const addGroup = (g: string, parts: readonly number[], s: DraftSegment): void => {
    groups.push({ name: g, pos: segments.length, parts });
    segments.push(s);
  };
  const hasCluster = nsParts.size > 1;
  if (hasCluster) {
    const g = name(names.free('cluster') ? 'cluster' : 'cluster-all');
    // The namespaces by name, not `*`: a workload in a namespace added later stays unmapped, as it should.
    addGroup(g, clusterParts, { name: g, namespaces: [...nsParts.keys()].sort(lex), description: 'every workload (a group for flows)' });
  }
  for (const [ns, ps] of [...nsParts].sort((x, y) => lex(x[0], y[0]))) {
    if (ps.length < 2) continue;
    const g = name(names.free(ns) ? ns : `${ns}-all`);
    addGroup(g, ps, { name: g, namespace: ns, description: `every workload of ${ns} (a group for flows)` });
  }
  // The outside ranges other than the world, as one name: a list holding every one of them (a flow to
  // anywhere outside lists them all, and the world) names the group instead. Its CIDRs are exactly theirs,
  // so it claims no address of the world's, and declared after them it is home to none. Two ranges read
  // better by their own names.
  const outsideParts = part.external.flatMap((_, k) => (k === world ? [] : [partPos[C + k]!]));
  if (opts.outsideGroup !== false && outsideParts.length >= 3) {
    const g = name('outside-ranges');
    const ranges = part.external.flatMap((p, k) => (k === world ? [] : p.blocks.map((x) => blocks[x]!.range)));
    addGroup(g, outsideParts, { name: g, cidrs: mergeRanges(ranges).flatMap(rangeToCidrs), description: 'every outside range above but world (a group for flows)' });
  }
  const S = segments.length;
  if (world >= 0) partPos[C + world] = S;
  const grouping = draftGrouping(S + 1, clusterParts, groups, hasCluster, part.cluster.flatMap((p, i) => (p.twin ? [] : [partPos[i]!])));

  // Port sets are interned: each is written once, and edges with the same words share one id.
  const specOfPort = new Map<number, number>();
  const specIds = new Map<string, number>();
  const specs: Array<string[] | null> = [];
  const specOf = (id: number): number => {
    let k = specOfPort.get(id);
    if (k === undefined) {
      const p = portSpecs(a.ports.get(id));
      const key = p?.join(',') ?? '*';
      k = specIds.get(key);
      if (k === undefined) (specIds.set(key, (k = specs.length)), specs.push(p));
      specOfPort.set(id, k);
    }
    return k;
  };
  const E = part.edges;
  const from = new Int32Array(E.length);
  const to = new Int32Array(E.length);
  const port = new Int32Array(E.length);
  for (let i = 0; i < E.length; i++) {
    from[i] = partPos[E.from[i]!]!;
    to[i] = partPos[E.to[i]!]!;
    port[i] = specOf(E.ports[i]!);
  }
  const flows = mergeEdgeFlows({ length: E.length, from, to, port }, [...segments.map((s) => s.name), WORLD], specs, grouping);
  // Groups no flow names are left out: they would only take new workloads that should stay unmapped.
  const named = new Set<string>();
  for (const f of flows) {
    for (const x of f.from) named.add(x);
    for (const x of f.to) named.add(x);
  }
  const unused = new Set(groups.map((g) => g.name).filter((n) => !named.has(n)));
  return { segments: segments.filter((s) => !unused.has(s.name)), flows };
}

/**
 * draftIntent's lists written with groups, on segment positions (below n): the cluster group (when
 * `hasCluster`, groups[0]) and the namespace groups. A part that is not a twin (`free`) is fully open
 * inside and its inner paths are not checked: a flow from it may list it as a destination for free, which
 * lets a group stand for the rest of its namespace.
 */
function draftGrouping(n: number, clusterParts: readonly number[], groups: ReadonlyArray<{ pos: number; parts: readonly number[] }>, hasCluster: boolean, free: readonly number[]): Grouping {
  const inCluster = new Uint8Array(n);
  for (const x of clusterParts) inCluster[x] = 1;
  const groupOf = new Int32Array(n).fill(-1);
  groups.forEach((g, gi) => {
    if (gi > 0 || !hasCluster) for (const x of g.parts) groupOf[x] = gi;
  });
  const isFree = new Uint8Array(n);
  for (const x of free) isFree[x] = 1;
  const count = new Int32Array(groups.length);
  const inWhole = new Uint8Array(groups.length);
  const withCenter = (list: readonly number[], center: number | undefined): number => (center !== undefined && isFree[center] && !list.includes(center) ? center : -1);
  const clusterSize = clusterParts.length;
  return {
    coversCluster(list, center) {
      if (clusterSize < 2 || list.length + 1 < clusterSize) return false;
      const extra = withCenter(list, center);
      let k = extra >= 0 && inCluster[extra] ? 1 : 0;
      for (const x of list) if (inCluster[x]) k++;
      return k === clusterSize;
    },
    compact(list, source, preferCluster = false) {
      const extra = withCenter(list, source);
      let clusterCount = 0;
      const counted: number[] = [];
      const visit = (x: number): void => {
        if (hasCluster && inCluster[x]) clusterCount++;
        const gi = groupOf[x]!;
        if (gi >= 0 && count[gi]!++ === 0) counted.push(gi);
      };
      for (const x of list) visit(x);
      if (extra >= 0) visit(extra);
      const asCluster = hasCluster && clusterCount === clusterSize && clusterCount - (extra < 0 ? 0 : 1) >= 2 ? [groups[0]!.pos, ...list.filter((x) => !inCluster[x])] : undefined;
      // A group stands for at least two listed names: naming the source's own namespace for one is no shorter.
      const whole = counted.filter((gi) => count[gi] === groups[gi]!.parts.length && count[gi]! - (extra >= 0 && groupOf[extra] === gi ? 1 : 0) >= 2).sort((x, y) => x - y);
      for (const gi of counted) count[gi] = 0;
      let asNamespaces: number[];
      if (whole.length === 0) asNamespaces = [...list];
      else {
        for (const gi of whole) inWhole[gi] = 1;
        asNamespaces = [...whole.map((gi) => groups[gi]!.pos), ...list.filter((x) => groupOf[x]! < 0 || !inWhole[groupOf[x]!])];
        for (const gi of whole) inWhole[gi] = 0;
      }
      // The cluster only when it is shorter: `a -> b` reads better than `a -> cluster` for the same pairs.
      return asCluster && (asCluster.length < asNamespaces.length || (preferCluster && asCluster.length === asNamespaces.length)) ? asCluster : asNamespaces;
    },
  };
}

/**
 * Flows in few lines from edges between named segments (see mergeEdgeFlows), without groups: the AWS
 * draft's. Every edge end is a segment's name or `world`.
 */
export function mergeFlows(edges: ReadonlyArray<{ from: string; to: string; ports: string[] | null }>, segments: readonly DraftSegment[]): DraftFlow[] {
  const order = new Map<string, number>(segments.map((s, i) => [s.name, i]));
  order.set(WORLD, segments.length);
  const names = [...segments.map((s) => s.name), WORLD];
  const portIds = new Map<string, number>();
  const ports: Array<string[] | null> = [];
  const N = edges.length;
  const from = new Int32Array(N);
  const to = new Int32Array(N);
  const port = new Int32Array(N);
  edges.forEach((e, i) => {
    from[i] = order.get(e.from)!;
    to[i] = order.get(e.to)!;
    const k = e.ports?.join(',') ?? '*';
    let id = portIds.get(k);
    if (id === undefined) (portIds.set(k, (id = ports.length)), ports.push(e.ports));
    port[i] = id;
  });
  return mergeEdgeFlows({ length: N, from, to, port }, names, ports);
}
