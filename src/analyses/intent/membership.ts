/**
 * Segment membership: which segments each endpoint belongs to. In-cluster endpoints are matched by
 * namespace, namespace labels, pod labels and workload names; outside addresses by `cidrs`. The first
 * matching segment in file order is an endpoint's home; invariants and flows use every segment it matches.
 */
import type { Analysis } from '../../engine/index.js';
import type { Labels } from '../../inventory/types.js';
import { matchesSelector } from '../../inventory/selector.js';
import { parseCidr, rangeContains, type IpRange } from '../../model/address.js';
import type { Endpoint } from '../endpoints.js';
import { compileGlob } from '../../util/glob.js';
import { WORLD, type Intent, type Segment, type SegmentMatcher } from './types.js';

/** What a k8s matcher looks at. */
export interface ClusterSubject {
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  /** `namespace/name[Kind]` */
  readonly workload: string;
}

const globCache = new Map<string, (text: string) => boolean>();
function glob(g: string): (text: string) => boolean {
  let m = globCache.get(g);
  if (!m) globCache.set(g, (m = compileGlob(g)));
  return m;
}

/** Does a matcher take this in-cluster endpoint? */
export function matcherTakesCluster(m: SegmentMatcher, s: ClusterSubject): boolean {
  if (m.cidrs || m.aws) return false;
  if (m.namespaces && !m.namespaces.some((n) => glob(n)(s.namespace))) return false;
  if (m.namespaceLabels && !matchesSelector(m.namespaceLabels, s.namespaceLabels)) return false;
  if (m.labels && !matchesSelector(m.labels, s.labels)) return false;
  if (m.workloads && !workloadsMatch(m.workloads, s.workload)) return false;
  return true;
}

/** Does one of the patterns take the workload, with or without its `[Kind]` (made once, not per pattern)? */
function workloadsMatch(patterns: readonly string[], workloadId: string): boolean {
  const short = shortWorkload(workloadId);
  for (const w of patterns) {
    const m = glob(w);
    if (m(workloadId) || m(short)) return true;
  }
  return false;
}

/** Does a matcher take this whole outside address range? */
export function matcherTakesRange(m: SegmentMatcher, r: IpRange): boolean {
  if (m.cidrs) for (const c of m.cidrs) if (rangeContains(c.cidr.range, r)) return true;
  return false;
}

/** Segments (declaration order) of an in-cluster endpoint; empty when unmapped. `among` narrows the segments tried (see segmentIndex). */
export function clusterSegments(intent: Intent, s: ClusterSubject, among: readonly Segment[] = intent.segments): string[] {
  // Loops, not filter and some: called once per (workload, pod class), 32,000 times for a 150k-pod cluster.
  const out: string[] = [];
  for (const seg of among) if (takesCluster(seg, s)) out.push(seg.name);
  if (intent.inline) for (const seg of intent.inline) if (takesCluster(seg, s)) out.push(seg.name);
  return out;
}

function takesCluster(seg: Segment, s: ClusterSubject): boolean {
  for (const m of seg.matchers) if (matcherTakesCluster(m, s)) return true;
  return false;
}

/** An endpoint's home: the first of its segments that is declared (segments written in place are never one). */
export function homeOf(intent: Intent, segments: readonly string[]): string | undefined {
  const first = segments[0];
  if (first === undefined || !intent.inline?.length) return first;
  const inline = new Set(intent.inline.map((s) => s.name));
  return segments.find((x) => !inline.has(x));
}

/** A workload id without its `[Kind]`: workload patterns match either. */
function shortWorkload(workloadId: string): string {
  return workloadId.replace(/\[[^\]]*\]$/, '');
}


/**
 * The segments that can take an endpoint of a namespace and workload, in declaration order (a superset:
 * clusterSegments still tests each). A matcher naming exact workloads takes only those (an init intent has
 * one segment per workload), one naming exact namespaces only theirs, one taking no cluster endpoint none;
 * a segment is tried anywhere when one of its matchers is none of these.
 */
export function segmentIndex(intent: Intent): (namespace: string, workload: string) => readonly Segment[] {
  const byNamespace = new Map<string, Set<Segment>>();
  const byWorkload = new Map<string, Set<Segment>>();
  const anywhere = new Set<Segment>();
  const add = (index: Map<string, Set<Segment>>, key: string, seg: Segment): void => {
    let l = index.get(key);
    if (!l) index.set(key, (l = new Set()));
    l.add(seg);
  };
  for (const seg of intent.segments) {
    const narrowed = seg.matchers.every((m) => m.cidrs || m.aws || (m.workloads && m.workloads.every((w) => !w.includes('*'))) || (m.namespaces && m.namespaces.every((n) => !n.includes('*'))));
    if (!narrowed) {
      anywhere.add(seg);
      continue;
    }
    for (const m of seg.matchers) {
      if (m.cidrs || m.aws) continue;
      if (m.workloads && m.workloads.every((w) => !w.includes('*'))) for (const w of m.workloads) add(byWorkload, w, seg);
      else for (const n of m.namespaces ?? []) add(byNamespace, n, seg);
    }
  }
  const order = new Map(intent.segments.map((s, i) => [s, i]));
  const byOrder = (x: Segment, y: Segment): number => order.get(x)! - order.get(y)!;
  const cache = new Map<string, Segment[]>();
  return (namespace, workload) => {
    let l = cache.get(namespace);
    if (!l) {
      // Merged in declaration order from the two lists, not filtered from every segment (20,000 in an init intent).
      l = [...anywhere, ...(byNamespace.get(namespace) ?? [])].sort(byOrder);
      cache.set(namespace, l);
    }
    const own = byWorkload.get(workload);
    const short = byWorkload.get(shortWorkload(workload));
    if (!own && !short) return l;
    if (own && short) return [...new Set([...l, ...own, ...short])].sort(byOrder);
    // One workload list (an init intent names workloads without [Kind]): it and the namespace's list are each
    // in declaration order, so they are merged, not sorted.
    return mergeInOrder(l, [...(own ?? short)!], order);
  };
}

/** Two lists each in declaration order (`order`), merged in that order; a segment in both is taken once. */
export function mergeInOrder(x: readonly Segment[], y: readonly Segment[], order: ReadonlyMap<Segment, number>): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    const a = i < x.length ? order.get(x[i]!)! : Infinity;
    const b = j < y.length ? order.get(y[j]!)! : Infinity;
    if (a <= b) {
      out.push(x[i++]!);
      if (a === b) j++;
    } else out.push(y[j++]!);
  }
  return out;
}

const cidrSegmentCache = new WeakMap<Intent, { declared: readonly Segment[]; inline: readonly Segment[] }>();
/** The segments (declared, then written in place) with a `cidrs` matcher: the only ones an outside range can be in. */
function cidrSegments(intent: Intent): { declared: readonly Segment[]; inline: readonly Segment[] } {
  let c = cidrSegmentCache.get(intent);
  if (!c) {
    const withCidrs = (segs: readonly Segment[]): Segment[] => segs.filter((seg) => seg.matchers.some((m) => m.cidrs));
    cidrSegmentCache.set(intent, (c = { declared: withCidrs(intent.segments), inline: withCidrs(intent.inline ?? []) }));
  }
  return c;
}

/** Segments of an outside address range: the `cidrs` segments holding all of it, else `world`. */
export function rangeSegments(intent: Intent, r: IpRange): string[] {
  const { declared, inline } = cidrSegments(intent);
  const out: string[] = [];
  for (const seg of declared) if (takesRange(seg, r)) out.push(seg.name);
  if (out.length === 0) out.push(WORLD);
  for (const seg of inline) if (takesRange(seg, r)) out.push(seg.name);
  return out;
}

function takesRange(seg: Segment, r: IpRange): boolean {
  for (const m of seg.matchers) if (matcherTakesRange(m, r)) return true;
  return false;
}

/** Every intent CIDR boundary, so outside ranges can be cut where membership changes. */
export function intentRanges(intent: Intent): IpRange[] {
  const out: IpRange[] = [];
  for (const s of [...intent.segments, ...(intent.inline ?? [])]) for (const m of s.matchers) for (const c of m.cidrs ?? []) out.push(c.cidr.range);
  for (const inv of intent.invariants) if (inv.kind === 'egress') for (const c of inv.allowCidrs) out.push(c.cidr.range);
  return out;
}

const nsLabelCache = new WeakMap<Analysis, Map<string, Labels>>();
/** Namespace labels by name, cached per analysis. */
export function namespaceLabels(a: Analysis): Map<string, Labels> {
  let m = nsLabelCache.get(a);
  if (!m) nsLabelCache.set(a, (m = new Map(a.inventory.namespaces.map((n) => [n.name, n.labels]))));
  return m;
}

/**
 * Segments of an endpoint as `reach`/`blast` list them (a workload, a pod or an External block), in
 * declaration order: the first is its home segment. Unmapped in-cluster endpoints get [].
 */
export function segmentsOf(a: Analysis, intent: Intent, e: Endpoint): string[] {
  if (e.kind === 'External') {
    const ranges = (e.cidrs ?? []).map((c) => parseCidr(c)?.range).filter((r): r is IpRange => r !== undefined);
    if (ranges.length === 0) return [WORLD];
    const per = ranges.map((r) => rangeSegments(intent, r));
    // A block belongs to a segment only when every CIDR of it does.
    return per[0]!.filter((s) => per.every((p) => p.includes(s)));
  }
  const ns = e.namespace ?? '';
  const workload = e.workload ?? e.id;
  return clusterSegments(intent, { namespace: ns, namespaceLabels: namespaceLabels(a).get(ns) ?? {}, labels: e.labels ?? {}, workload }, indexOf(intent)(ns, workload));
}

const indexCache = new WeakMap<Intent, ReturnType<typeof segmentIndex>>();
/** The segment index of an intent, made once: an endpoint tries the segments of its namespace and workload, not all (20,000 in an init intent). */
function indexOf(intent: Intent): ReturnType<typeof segmentIndex> {
  let ix = indexCache.get(intent);
  if (!ix) indexCache.set(intent, (ix = segmentIndex(intent)));
  return ix;
}
