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
import { clusterSegments, namespaceLabels } from './membership.js';
import { WORLD } from './types.js';

/** Labels that name a tier, in order of preference. */
const TIER_KEYS = ['tier', 'app.kubernetes.io/component'];

export interface DraftSegment {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** `namespace/name` (or `namespace/name[Kind]` when the name is not unique in its namespace). */
  readonly workloads?: readonly string[];
  readonly cidrs?: readonly string[];
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
    if (s.labels) parts.push(`labels: {${Object.entries(s.labels).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`).join(', ')}}`);
    if (s.workloads) parts.push(`workloads: [${s.workloads.map(scalar).join(', ')}]`);
    if (s.cidrs) parts.push(`cidrs: [${s.cidrs.map(scalar).join(', ')}]`);
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
  const namespaces = [...new Set(a.inventory.pods.map((p) => p.namespace))].sort(lex);
  for (const ns of namespaces) {
    const ws = a.inventory.workloads.filter((w) => w.namespace === ns && a.podsOf(w.id).length > 0);
    const key = TIER_KEYS.find((k) => ws.some((w) => w.labels[k] !== undefined));
    const tiers = key ? [...new Set(ws.map((w) => w.labels[key]).filter((v): v is string => v !== undefined))].sort(lex) : [];
    for (const t of tiers) out.push({ name: `${ns}-${t}`, namespace: ns, labels: { [key!]: t } });
    if (!key || ws.some((w) => w.labels[key] === undefined)) out.push({ name: ns, namespace: ns });
  }
  return out;
}

/** Hands out segment names: slugs, unique, never `world`. */
export function namer(): (base: string) => string {
  const used = new Set<string>([WORLD]);
  return (base) => {
    let n = slug(base);
    for (let i = 2; used.has(n); i++) n = `${slug(base)}-${i}`;
    used.add(n);
    return n;
  };
}

/** The starting intent: exact segments and one flow per set of sources, destinations and ports open today. */
export function draftIntent(a: Analysis): DraftIntent {
  // Draft (namespace and tier) membership, read per pod class as drift reads it.
  const drafts = tierSegments(a);
  const skeleton = parseIntent(renderIntentYaml({ segments: drafts, flows: [] }), 'bulkhead init');
  const nsl = namespaceLabels(a);
  const workloads = a.inventory.workloads.filter((w) => a.podsOf(w.id).length > 0);
  const draftIndex = new Map(drafts.map((d, i) => [d.name, i]));
  const draftOf = new Map<string, number>();
  /** Workloads each draft's matcher takes (some pod class of them), to see whether the matcher is exact. */
  const taken = drafts.map(() => new Set<string>());
  const whole = drafts.map(() => true);
  for (const w of workloads) {
    const homes = a.classesOf(w.id).map((c) => {
      const k = a.layer.classes[c]!;
      const segs = clusterSegments(skeleton, { namespace: k.namespace, namespaceLabels: nsl.get(k.namespace) ?? {}, labels: k.labels, workload: w.id });
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
  const name = namer();
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

  return { segments, flows: mergeFlows(part.edges.map((e) => ({ from: partName[e.from]!, to: partName[e.to]!, ports: portSpecs(e.ports) })), segments) };
}

/**
 * Flows in few lines: per source and port set the destinations, then per destination list and port set
 * the sources. Exact either way: a flow allows its ports from each source to each destination it lists.
 */
export function mergeFlows(edges: ReadonlyArray<{ from: string; to: string; ports: string[] | null }>, segments: readonly DraftSegment[]): DraftFlow[] {
  const order = new Map<string, number>(segments.map((s, i) => [s.name, i]));
  order.set(WORLD, segments.length);
  const byOrder = (x: string, y: string): number => order.get(x)! - order.get(y)!;
  const bySource = new Map<string, { from: string; to: string[]; ports: string[] | null }>();
  for (const e of [...edges].sort((x, y) => byOrder(x.from, y.from) || byOrder(x.to, y.to))) {
    const ports = e.ports;
    const k = `${e.from}\u0000${ports?.join(',') ?? '*'}`;
    const f = bySource.get(k);
    if (f) f.to.push(e.to);
    else bySource.set(k, { from: e.from, to: [e.to], ports });
  }
  const byTargets = new Map<string, { from: string[]; to: string[]; ports: string[] | null }>();
  for (const f of bySource.values()) {
    const k = `${f.to.join('\u0001')}\u0000${f.ports?.join(',') ?? '*'}`;
    const g = byTargets.get(k);
    if (g) g.from.push(f.from);
    else byTargets.set(k, { from: [f.from], to: f.to, ports: f.ports });
  }
  return [...byTargets.values()];
}
