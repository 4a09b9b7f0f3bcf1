/**
 * A starting intent from the manifests as they are, for a team to edit: segments by namespace and tier,
 * split where pooling would allow more than is open today (see init-partition.ts), the outside address
 * ranges that the policies treat differently, and the flows open today between them. Auditing the same
 * manifests against it finds no drift, and it allows nothing that is not open today.
 */
import type { Analysis } from '../../engine/index.js';
import type { Workload } from '../../inventory/types.js';
import { rangeToCidrs } from '../../model/address.js';
import { PROTOCOLS, type PortSet } from '../../model/port-set.js';
import { lex } from '../../util/compare.js';
import { exactPartition } from './init-partition.js';
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

/** The starting intent: exact segments and one flow per set of sources, destinations and ports open today. */
export function draftIntent(a: Analysis): DraftIntent {
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
      const segs = clusterSegments(skeleton, { namespace: k.namespace, namespaceLabels: nsl.get(k.namespace) ?? {}, labels: k.labels, workload: w.id }, among(k.namespace));
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
  const partName: string[] = new Array(part.cluster.length + part.external.length);
  drafts.forEach((d, di) => {
    const parts = partsOfDraft[di]!;
    if (parts.length === 0) return;
    const members = parts.flatMap((i) => part.cluster[i]!.workloads.map((w) => w.id));
    if (parts.length === 1 && whole[di] && taken[di]!.size === members.length && members.every((id) => taken[di]!.has(id))) {
      partName[parts[0]!] = name(d.name);
      segments.push({ ...d, name: partName[parts[0]!]! });
      return;
    }
    // The biggest part keeps the draft's name when it has several workloads; the others are named after their first workload.
    const ordered = [...parts].sort((x, y) => part.cluster[y]!.workloads.length - part.cluster[x]!.workloads.length || x - y);
    const keeps = part.cluster[ordered[0]!]!.workloads.length > 1 ? ordered[0] : undefined;
    const named = new Map(ordered.map((i) => [i, i === keeps ? d.name : `${d.namespace}-${part.cluster[i]!.workloads[0]!.name}`]));
    for (const i of [...parts].sort((x, y) => lex(part.cluster[x]!.workloads[0]!.id, part.cluster[y]!.workloads[0]!.id))) {
      partName[i] = name(named.get(i)!);
      segments.push({ name: partName[i]!, namespace: d.namespace!, workloads: part.cluster[i]!.workloads.map(ref) });
    }
  });

  // Outside: the part holding the most IPv4 addresses is the built-in world; the others list their CIDRs.
  const blocks = a.externals();
  const size = (p: { blocks: readonly number[] }): bigint => p.blocks.reduce((s, x) => (blocks[x]!.range.family === 4 ? s + blocks[x]!.range.hi - blocks[x]!.range.lo + 1n : s), 0n);
  let world = -1;
  part.external.forEach((p, k) => {
    if (world < 0 || size(p) > size(part.external[world]!)) world = k;
  });
  const C = part.cluster.length;
  part.external.forEach((p, k) => {
    if (k === world) {
      partName[C + k] = WORLD;
      return;
    }
    const cidrs = p.blocks.flatMap((x) => rangeToCidrs(blocks[x]!.range));
    const first = cidrs[0]!;
    const base = first.endsWith('/0') ? (first.includes(':') ? 'internet-v6' : 'internet') : `net-${first.replace(/[/:.]/g, '-')}`;
    partName[C + k] = name(base);
    segments.push({ name: partName[C + k]!, cidrs });
  });

  // Groups: a namespace of several parts, and the whole cluster, as one name each in the flows. Declared
  // after the parts, a group is home to no workload today; it names exactly the union of its parts, so a
  // list holding all of them can name the group instead and mean the same.
  const groups: Array<{ name: string; parts: ReadonlySet<string> }> = [];
  const nsParts = new Map<string, string[]>();
  part.cluster.forEach((p, i) => {
    const ns = p.workloads[0]!.namespace;
    let l = nsParts.get(ns);
    if (!l) nsParts.set(ns, (l = []));
    l.push(partName[i]!);
  });
  const clusterParts = part.cluster.map((_, i) => partName[i]!);
  const clusterPartSet = new Set(clusterParts);
  if (nsParts.size > 1) {
    const g = name(names.free('cluster') ? 'cluster' : 'cluster-all');
    // The namespaces by name, not `*`: a workload in a namespace added later stays unmapped, as it should.
    segments.push({ name: g, namespaces: [...nsParts.keys()].sort(lex), description: 'every workload (a group for flows)' });
    groups.push({ name: g, parts: new Set(clusterParts) });
  }
  for (const [ns, ps] of [...nsParts].sort((x, y) => lex(x[0], y[0]))) {
    if (ps.length < 2) continue;
    const g = name(names.free(ns) ? ns : `${ns}-all`);
    segments.push({ name: g, namespace: ns, description: `every workload of ${ns} (a group for flows)` });
    groups.push({ name: g, parts: new Set(ps) });
  }
  const groupOf = new Map<string, number>();
  groups.forEach((g, gi) => {
    if (gi > 0 || nsParts.size <= 1) for (const n of g.parts) groupOf.set(n, gi);
  });
  // A part that is not a twin is fully open inside and its inner paths are not checked: a flow from it
  // may list it as a destination for free, which lets a group stand for the rest of its namespace.
  const free = new Set(part.cluster.flatMap((p, i) => (p.twin ? [] : [partName[i]!])));
  const withCenter = (list: readonly string[], center: string | undefined): string | undefined => (center !== undefined && free.has(center) && !list.includes(center) ? center : undefined);
  const coversCluster = (list: readonly string[], center: string): boolean => {
    if (clusterParts.length < 2) return false;
    const extra = withCenter(list, center);
    let n = extra !== undefined && clusterPartSet.has(extra) ? 1 : 0;
    for (const x of list) if (clusterPartSet.has(x)) n++;
    return n === clusterParts.length;
  };
  const compact = (list: readonly string[], source?: string, preferCluster = false): string[] => {
    const extra = withCenter(list, source);
    const all = extra === undefined ? list : [...list, extra];
    const inList = new Map<number, number>();
    let clusterCount = 0;
    for (const n of all) {
      if (nsParts.size > 1 && groups[0]!.parts.has(n)) clusterCount++;
      const gi = groupOf.get(n);
      if (gi !== undefined) inList.set(gi, (inList.get(gi) ?? 0) + 1);
    }
    const asCluster = nsParts.size > 1 && clusterCount === groups[0]!.parts.size && clusterCount - (extra === undefined ? 0 : 1) >= 2 ? [groups[0]!.name, ...list.filter((n) => !groups[0]!.parts.has(n))] : undefined;
    // A group stands for at least two listed names: naming the source's own namespace for one is no shorter.
    const whole = new Set([...inList].filter(([gi, c]) => c === groups[gi]!.parts.size && c - (extra !== undefined && groupOf.get(extra) === gi ? 1 : 0) >= 2).map(([gi]) => gi));
    const asNamespaces = whole.size === 0 ? [...list] : [...[...whole].sort((x, y) => x - y).map((gi) => groups[gi]!.name), ...list.filter((n) => !whole.has(groupOf.get(n) ?? -1))];
    // The cluster only when it is shorter: `a -> b` reads better than `a -> cluster` for the same pairs.
    return asCluster && (asCluster.length < asNamespaces.length || (preferCluster && asCluster.length === asNamespaces.length)) ? asCluster : asNamespaces;
  };

  // Port sets are interned: each is written once, and edges share the words (mergeFlows keys on them).
  const specs = new Map<PortSet, string[] | null>();
  const specsOf = (p: PortSet): string[] | null => {
    let s = specs.get(p);
    if (s === undefined) specs.set(p, (s = portSpecs(p)));
    return s;
  };
  const flows = mergeFlows(part.edges.map((e) => ({ from: partName[e.from]!, to: partName[e.to]!, ports: specsOf(e.ports) })), segments, { compact, coversCluster });
  // Groups no flow names are left out: they would only take new workloads that should stay unmapped.
  const named = new Set(flows.flatMap((f) => [...f.from, ...f.to]));
  const unused = new Set(groups.map((g) => g.name).filter((n) => !named.has(n)));
  return { segments: segments.filter((s) => !unused.has(s.name)), flows };
}

/** How draftIntent's lists are written with groups. */
export interface Grouping {
  /** The list with groups standing for the parts they hold; `center` (the other end of a star) may be counted in for free; ties go to namespaces unless `preferCluster`. */
  compact(list: readonly string[], center?: string, preferCluster?: boolean): string[];
  /** Does the list (with `center` for free) hold every in-cluster part? */
  coversCluster(list: readonly string[], center: string): boolean;
}

/** No groups: every list as it is. */
const NO_GROUPS: Grouping = { compact: (list) => [...list], coversCluster: () => false };

/**
 * Flows in few lines. First the stars into a destination that the whole cluster reaches on the same
 * ports (a namespace open to everything is one flow from the cluster and the outside), merged per source
 * list and port set; then, for the other connections, per source and port set the destinations, then per
 * destination list and port set the sources. Each list is written with its groups. Exact either way: a
 * flow allows its ports from each source to each destination it lists, and a group names exactly the
 * parts it replaces.
 */
export function mergeFlows(edges: ReadonlyArray<{ from: string; to: string; ports: string[] | null }>, segments: readonly DraftSegment[], g: Grouping = NO_GROUPS): DraftFlow[] {
  const order = new Map<string, number>(segments.map((s, i) => [s.name, i]));
  order.set(WORLD, segments.length);
  // Numbers for names and port sets, so sorting and grouping compare numbers, not strings.
  const portIds = new Map<string, number>();
  const portKey = (p: readonly string[] | null): string => p?.join(',') ?? '*';
  const keyOf = new Map<readonly string[] | null, number>();
  const portId = (p: readonly string[] | null): number => {
    let id = keyOf.get(p);
    if (id === undefined) {
      const k = portKey(p);
      id = portIds.get(k);
      if (id === undefined) portIds.set(k, (id = portIds.size));
      keyOf.set(p, id);
    }
    return id;
  };
  const N = edges.length;
  const from = new Float64Array(N);
  const to = new Float64Array(N);
  const port = new Float64Array(N);
  edges.forEach((e, i) => {
    from[i] = order.get(e.from)!;
    to[i] = order.get(e.to)!;
    port[i] = portId(e.ports);
  });
  const P = portIds.size + 1;
  const sorted = Array.from({ length: N }, (_, i) => i).sort((x, y) => from[x]! - from[y]! || to[x]! - to[y]! || x - y);

  const intoDest = new Map<number, { to: string; ports: string[] | null; from: string[] }>();
  for (const i of sorted) {
    const e = edges[i]!;
    const k = to[i]! * P + port[i]!;
    const f = intoDest.get(k);
    if (f) f.from.push(e.from);
    else intoDest.set(k, { to: e.to, ports: e.ports, from: [e.from] });
  }
  const starred = new Set<number>();
  const stars = new Map<string, { from: string[]; to: string[]; ports: string[] | null }>();
  for (const [k, f] of intoDest) {
    if (!g.coversCluster(f.from, f.to)) continue;
    starred.add(k);
    const from = g.compact(f.from, f.to, true);
    const sk = `${from.join('\u0001')}\u0000${portKey(f.ports)}`;
    const st = stars.get(sk);
    if (st) st.to.push(f.to);
    else stars.set(sk, { from, to: [f.to], ports: f.ports });
  }

  const bySource = new Map<number, { from: string; to: string[]; ports: string[] | null }>();
  for (const i of sorted) {
    const e = edges[i]!;
    if (starred.has(to[i]! * P + port[i]!)) continue;
    const k = from[i]! * P + port[i]!;
    const f = bySource.get(k);
    if (f) f.to.push(e.to);
    else bySource.set(k, { from: e.from, to: [e.to], ports: e.ports });
  }
  const byTargets = new Map<string, { from: string[]; to: string[]; ports: string[] | null }>();
  for (const f of bySource.values()) {
    const to = g.compact(f.to, f.from);
    const k = `${to.join('\u0001')}\u0000${portKey(f.ports)}`;
    const t = byTargets.get(k);
    if (t) t.from.push(f.from);
    else byTargets.set(k, { from: [f.from], to, ports: f.ports });
  }
  return [...[...stars.values()].map((f) => ({ ...f, to: g.compact(f.to) })), ...[...byTargets.values()].map((f) => ({ ...f, from: g.compact(f.from) }))];
}
