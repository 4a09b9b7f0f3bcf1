/** Helpers the checks share: naming resources, and finding the rule (or missing policy) behind an open path. */
import type { Analysis, CompiledRule, Target } from '../engine/index.js';
import type { NetworkPolicy, SourceRef, Workload } from '../inventory/types.js';
import type { PathBundle, PathEnd } from '../analyses/intent/index.js';
import { WORLD } from '../analyses/intent/index.js';
import { PortSet } from '../model/port-set.js';
import type { Report, ResourceRef } from './types.js';

/** The resource of a workload. */
export function workloadRef(w: Workload): ResourceRef {
  return { kind: w.kind, namespace: w.namespace, name: w.name };
}

/** The resource of a NetworkPolicy. */
export function policyRef(p: NetworkPolicy): ResourceRef {
  return { kind: 'NetworkPolicy', namespace: p.namespace, name: p.name };
}

/** The rule, or the missing policy, that lets one path through: what a user edits to close it. */
export interface Blame {
  readonly resource: ResourceRef;
  readonly location?: SourceRef;
  /** "ingress rule #1 of NetworkPolicy shop-prod/postgres" or "no NetworkPolicy isolates the ingress of ...". */
  readonly why: string;
  readonly key: string;
}

function ruleAdmitting(a: Analysis, rules: readonly CompiledRule[], other: Target, dst: Target): CompiledRule | undefined {
  return rules.find((r) => a.layer.ruleMatches(r, other) && !a.layer.rulePorts(r, dst).isEmpty());
}

function ruleBlame(r: CompiledRule): Blame {
  return {
    resource: { kind: 'NetworkPolicy', namespace: r.policy.namespace, name: r.policy.name },
    location: r.rule.source,
    why: `${r.direction} rule #${r.rule.index + 1} of NetworkPolicy ${r.policy.id}`,
    key: `${r.policy.id}#${r.direction}${r.rule.index}`,
  };
}

// Per analysis: whether a namespace has a namespace-wide policy isolating a direction (`ns#direction`).
const nsWideCache = new WeakMap<Analysis, Map<string, boolean>>();

function missingBlame(a: Analysis, end: PathEnd, direction: 'ingress' | 'egress'): Blame {
  // Pods a namespace-wide policy would cover are blamed on the namespace, so one finding names them all.
  const ns = end.namespace ?? '';
  // The namespace's own policies, not every policy, and once per namespace: this runs once per blamed pair.
  const objects = objectsByNamespace(a).get(ns);
  let cache = nsWideCache.get(a);
  if (!cache) nsWideCache.set(a, (cache = new Map()));
  const ck = `${ns}#${direction}`;
  let nsWide = cache.get(ck);
  if (nsWide === undefined) {
    nsWide = objects?.policies.some((p) => p.isolates[direction] && Object.keys(p.podSelector.matchLabels).length === 0 && p.podSelector.matchExpressions.length === 0) ?? false;
    cache.set(ck, nsWide);
  }
  if (!nsWide) {
    const loc = objects?.manifest ?? a.workload(end.id)?.source;
    return { resource: { kind: 'Namespace', name: ns }, ...(loc ? { location: loc } : {}), why: `no NetworkPolicy isolates ${direction} in namespace ${ns}`, key: `ns:${ns}#no-${direction}` };
  }
  const w = a.workload(end.id);
  const resource: ResourceRef = w ? workloadRef(w) : { kind: 'Workload', name: end.id };
  return {
    resource,
    ...(w?.source ? { location: w.source } : {}),
    why: `no NetworkPolicy isolates the ${direction} of ${end.id}`,
    key: `${end.id}#no-${direction}`,
  };
}

/** The admin or baseline rule that accepts some of src -> dst in one direction, when the tiers decide it. */
function tierBlame(a: Analysis, src: PathEnd, dst: PathEnd): Blame | undefined {
  const tiers = a.tiers;
  if (!tiers) return undefined;
  const sides: ['ingress' | 'egress', Target, Target][] = [];
  if (dst.target.kind === 'class') sides.push(['ingress', dst.target, src.target]);
  if (src.target.kind === 'class') sides.push(['egress', src.target, dst.target]);
  for (const [dir, self, other] of sides) {
    if (self.kind !== 'class') continue;
    for (const t of [tiers.admin, tiers.baseline]) {
      // The baseline speaks only where no NetworkPolicy isolates the pod.
      if (t === tiers.baseline && a.layer.isolated(dir, self.index)) continue;
      const step = t.decide(dir, self.index, other).steps.find((x) => x.rule.rule.action === 'accept');
      if (!step) continue;
      const r = tiers.admin === t ? tiers.admin.ref(step.rule) : tiers.baseline.ref(step.rule);
      return {
        resource: { kind: r.kind, name: r.policy },
        location: r.source,
        why: `${dir} rule #${r.rule}${r.name ? ` (${r.name})` : ''} of ${r.kind} ${r.policy}`,
        key: `${r.kind}/${r.policy}#${dir}${r.rule - 1}`,
      };
    }
  }
  return undefined;
}

/** Who to blame for src -> dst being open: an admin tier's accepting rule, the destination's admitting ingress rule, else the source's egress rule, else the unisolated side. */
export function blame(a: Analysis, src: PathEnd, dst: PathEnd): Blame {
  const byTier = tierBlame(a, src, dst);
  if (byTier) return byTier;
  const layer = a.layer;
  if (dst.target.kind === 'class') {
    const d = dst.target.index;
    if (!layer.classes[d]!.hostNetwork && layer.isolated('ingress', d)) {
      const r = ruleAdmitting(a, layer.classRules.ingress[d]!, src.target, dst.target);
      if (r) return ruleBlame(r);
    }
    if (src.target.kind === 'class' && layer.isolated('egress', src.target.index)) {
      const r = ruleAdmitting(a, layer.classRules.egress[src.target.index]!, dst.target, dst.target);
      if (r && !layer.isolated('ingress', d)) return ruleBlame(r);
    }
    return missingBlame(a, dst, 'ingress');
  }
  if (src.target.kind === 'class' && layer.isolated('egress', src.target.index)) {
    const r = ruleAdmitting(a, layer.classRules.egress[src.target.index]!, dst.target, dst.target);
    if (r) return ruleBlame(r);
  }
  return missingBlame(a, src, 'egress');
}

/** Endpoint name with its segment: "shop-dev/api[Deployment] (dev)". */
export function endName(e: PathEnd): string {
  return `${e.id} (${e.segments[0] ?? 'unmapped'})`;
}

/** How many pairs a finding lists as evidence; the rest are counted (`evidenceOmitted`), not listed. */
export const EVIDENCE_LIMIT = 100;

/** One distinct (source, destination) of a group, with the ports of every bundle that holds it. */
export interface BlamedPair {
  readonly src: string;
  readonly dst: string;
  ports: PortSet;
}

export interface BlameGroup<B extends PathBundle> {
  readonly blame: Blame;
  readonly bundles: B[];
  /** The first distinct (source, destination) names found, up to the limit; outside addresses folded into their segment. */
  readonly pairs: BlamedPair[];
  /** How many distinct pairs in all (`pairs` lists the first of them). */
  pairCount: number;
  /** The source and destination names of every pair, listed or not. */
  readonly ends: ReadonlySet<string>;
  ports: PortSet;
}

function endKey(e: PathEnd): string {
  // One notation for the outside: the built-in segment of unclaimed addresses is the internet.
  const seg = e.segments[0];
  return e.kind === 'external' ? (seg === undefined || seg === WORLD ? 'internet' : `${seg} addresses`) : e.id;
}

interface GroupState<B extends PathBundle> extends BlameGroup<B> {
  /** Every distinct pair seen that names an end which is not plain (see groupByBlame), as a number. */
  readonly seen: Set<number>;
  /** The listed pairs by that number, to widen their ports when a later bundle holds them again. */
  readonly listed: Map<number, BlamedPair>;
  /** The interned names of every pair's ends. */
  readonly endIds: Set<number>;
}

/** What groupByBlame keeps of one end list (bundles share their lists): interned names and the blame shortcut's flags. */
interface EndList {
  readonly index: number;
  readonly ids: Int32Array;
  /** Per end: a class whose egress some NetworkPolicy isolates (an egress rule may be blamed). */
  readonly egress: Uint8Array;
  /** Per end: a class, not hostNetwork, whose ingress some NetworkPolicy isolates (an ingress rule may be blamed). */
  readonly ingress: Uint8Array;
  /** Per end, filled on demand: the missing policy blamed for its ingress, and for its egress. */
  readonly missingIn: (Blame | undefined)[];
  readonly missingEg: (Blame | undefined)[];
}

/**
 * Groups the pairs of bundles by blame; each group becomes one finding. Every pair is counted exactly
 * but only the first `limit` are kept as evidence, in the order found.
 *
 * Pairs are visited in the order of test/oracle/group-by-blame.ts (the literal form), with less work each:
 * - a name that occurs once in all the end lists, in lists no two bundles pair alike, is plain: a pair of
 *   two plain names comes from one bundle only, so it is new to its group without a set of seen pairs
 *   (an open namespace breaks an invariant with millions of such pairs);
 * - without admin tiers, a pair whose source no NetworkPolicy isolates for egress and whose destination
 *   none isolates for ingress is blamed on a missing policy of one end, the same for every pair of that
 *   end: blamed once per end, not once per pair.
 */
export function groupByBlame<B extends PathBundle>(a: Analysis, bundles: readonly B[], extraKey: (b: B) => string, limit = EVIDENCE_LIMIT): BlameGroup<B>[] {
  const byExtra = new Map<string, Map<string, GroupState<B>>>();
  const made: GroupState<B>[] = [];
  const names = new Map<string, number>();
  const nameIds: string[] = [];
  const layer = a.layer;
  const lists = new Map<readonly PathEnd[], EndList>();
  const listOf = (ends: readonly PathEnd[]): EndList => {
    let l = lists.get(ends);
    if (!l) {
      const n = ends.length;
      const ids = new Int32Array(n);
      const egress = new Uint8Array(n);
      const ingress = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const e = ends[i]!;
        const k = endKey(e);
        let id = names.get(k);
        if (id === undefined) {
          names.set(k, (id = nameIds.length));
          nameIds.push(k);
        }
        ids[i] = id;
        if (e.target.kind === 'class') {
          const c = e.target.index;
          if (layer.isolated('egress', c)) egress[i] = 1;
          if (!layer.classes[c]!.hostNetwork && layer.isolated('ingress', c)) ingress[i] = 1;
        }
      }
      lists.set(ends, (l = { index: lists.size, ids, egress, ingress, missingIn: new Array<Blame | undefined>(n), missingEg: new Array<Blame | undefined>(n) }));
    }
    return l;
  };
  // Plain names: occurring once over the distinct end lists, in lists whose pairing no other bundle repeats.
  const ofBundle = bundles.map((b) => [listOf(b.src), listOf(b.dst)] as const);
  const paired = new Set<number>();
  const repeated = new Uint8Array(lists.size);
  for (const [S, D] of ofBundle) {
    const k = S.index * lists.size + D.index;
    if (paired.has(k)) repeated[S.index] = repeated[D.index] = 1;
    else paired.add(k);
  }
  const occurs = new Uint32Array(nameIds.length);
  for (const l of lists.values()) for (const id of l.ids) occurs[id] += repeated[l.index] ? 2 : 1;
  const plain = new Uint8Array(nameIds.length);
  for (let id = 0; id < plain.length; id++) if (occurs[id] === 1) plain[id] = 1;
  const tiers = a.tiers !== undefined;
  // A pair's number: exact, and a small integer (no heap number per pair) while there are under 2^15 names.
  const N = nameIds.length;

  bundles.forEach((b, bi) => {
    // Ends of one bundle share a behaviour class, so a rule blamed for one pair is blamed for all.
    let ruleBlamed: Blame | undefined;
    const extra = extraKey(b);
    let groups = byExtra.get(extra);
    if (!groups) byExtra.set(extra, (groups = new Map()));
    const [S, D] = ofBundle[bi]!;
    const srcIds = S.ids;
    const dstIds = D.ids;
    // The group each destination was last added to as an end, in this bundle (a cheap test before the set).
    const dstMarked = new Array<GroupState<B> | undefined>(b.dst.length);
    let last: GroupState<B> | undefined;
    for (let i = 0; i < b.src.length; i++) {
      const s = b.src[i]!;
      const si = srcIds[i]!;
      const sPlain = plain[si] === 1;
      const sFree = !tiers && S.egress[i] === 0;
      let srcMarked: GroupState<B> | undefined;
      for (let j = 0; j < b.dst.length; j++) {
        const d = b.dst[j]!;
        if (s.id === d.id) continue;
        let bl: Blame;
        if (ruleBlamed) bl = ruleBlamed;
        else {
          if (sFree && D.ingress[j] === 0) {
            // What blame() answers when neither side is isolated: the missing policy of one end.
            if (d.target.kind === 'class') bl = D.missingIn[j] ??= missingBlame(a, d, 'ingress');
            else bl = S.missingEg[i] ??= missingBlame(a, s, 'egress');
          } else bl = blame(a, s, d);
          if (bl.resource.kind === 'NetworkPolicy') ruleBlamed = bl;
        }
        let g = last && last.blame.key === bl.key ? last : undefined;
        if (!g) {
          g = groups.get(bl.key);
          if (!g) {
            groups.set(bl.key, (g = { blame: bl, bundles: [], pairs: [], pairCount: 0, ends: new Set(), ports: b.ports, seen: new Set(), listed: new Map(), endIds: new Set() }));
            made.push(g);
          }
          if (g.bundles[g.bundles.length - 1] !== b) {
            g.bundles.push(b);
            if (g.ports !== b.ports) g.ports = g.ports.union(b.ports);
          }
          last = g;
        }
        const dj = dstIds[j]!;
        if (sPlain && plain[dj] === 1) {
          // Only this bundle holds the pair: new, and never seen again (so not remembered either).
          g.pairCount++;
          if (srcMarked !== g) {
            g.endIds.add(si);
            srcMarked = g;
          }
          if (dstMarked[j] !== g) {
            g.endIds.add(dj);
            dstMarked[j] = g;
          }
          if (g.pairs.length < limit) g.pairs.push({ src: nameIds[si]!, dst: nameIds[dj]!, ports: b.ports });
          continue;
        }
        const code = si * N + dj;
        if (!g.seen.has(code)) {
          g.seen.add(code);
          g.pairCount++;
          g.endIds.add(si).add(dj);
          if (g.pairs.length < limit) {
            const p: BlamedPair = { src: nameIds[si]!, dst: nameIds[dj]!, ports: b.ports };
            g.pairs.push(p);
            g.listed.set(code, p);
          }
        } else {
          const p = g.listed.get(code);
          if (p && p.ports !== b.ports) p.ports = p.ports.union(b.ports);
        }
      }
    }
  });
  return made.map(({ blame, bundles, pairs, pairCount, endIds, ports }) => ({ blame, bundles, pairs, pairCount, ends: new Set([...endIds].map((i) => nameIds[i]!)), ports }));
}

/** "a => b (TCP 5432), c => d (All Connections) and 3 more" */
export function describePairs(g: { pairs: readonly BlamedPair[]; pairCount: number }, max = 3): string {
  const shown = g.pairs.slice(0, max).map((p) => `${p.src} => ${p.dst} (${p.ports.toString()})`);
  return `${shown.join(', ')}${g.pairCount > shown.length ? ` and ${g.pairCount - shown.length} more` : ''}`;
}

/** Report fields for a blamed path group: with the group, its listed pairs as evidence and how many were left out. */
export function blameReport(bl: Blame, g?: { pairs: readonly BlamedPair[]; pairCount: number; ends?: ReadonlySet<string> }): Pick<Report, 'resource' | 'location' | 'evidence' | 'evidenceOmitted' | 'evidenceEnds'> {
  const evidence = g ? g.pairs.map((p) => ({ src: p.src, dst: p.dst, ports: p.ports, rule: bl.why, ...(bl.location ? { location: bl.location } : {}) })) : undefined;
  const omitted = g ? g.pairCount - g.pairs.length : 0;
  return { resource: bl.resource, ...(bl.location ? { location: bl.location } : {}), ...(evidence ? { evidence } : {}), ...(omitted > 0 ? { evidenceOmitted: omitted, ...(g?.ends ? { evidenceEnds: g.ends } : {}) } : {}) };
}

/** Namespaces that have at least one pod NetworkPolicy can select, sorted. */
export function namespacesWithPods(a: Analysis): string[] {
  return [...new Set(a.inventory.pods.filter((p) => !p.hostNetwork).map((p) => p.namespace))].sort();
}

/** A namespace's objects, in inventory order. */
export interface NamespaceObjects {
  readonly workloads: Workload[];
  readonly policies: NetworkPolicy[];
  /** Its manifest's place (the first Namespace of the name). */
  manifest?: SourceRef;
  /** Its manifest's place, else its first workload's. */
  location?: SourceRef;
}

const byNamespaceCache = new WeakMap<Analysis, Map<string, NamespaceObjects>>();
/** Workloads and policies by namespace, cached per analysis (a check per namespace then costs its own objects). */
export function objectsByNamespace(a: Analysis): Map<string, NamespaceObjects> {
  let m = byNamespaceCache.get(a);
  if (!m) {
    const map = new Map<string, NamespaceObjects>();
    const of = (ns: string): NamespaceObjects => {
      let o = map.get(ns);
      if (!o) map.set(ns, (o = { workloads: [], policies: [] }));
      return o;
    };
    for (const w of a.inventory.workloads) of(w.namespace).workloads.push(w);
    for (const p of a.inventory.policies) of(p.namespace).policies.push(p);
    const manifests = new Map<string, SourceRef | undefined>();
    for (const n of a.inventory.namespaces) if (!manifests.has(n.name)) manifests.set(n.name, n.source);
    for (const n of manifests.keys()) of(n);
    for (const [ns, o] of map) {
      const manifest = manifests.get(ns);
      if (manifest) o.manifest = manifest;
      const loc = manifest ?? o.workloads[0]?.source;
      if (loc) o.location = loc;
    }
    byNamespaceCache.set(a, (m = map));
  }
  return m;
}

/** Where to point for a namespace: its manifest, else its first workload. */
export function namespaceLocation(a: Analysis, ns: string): SourceRef | undefined {
  return objectsByNamespace(a).get(ns)?.location;
}

/** Workloads with their pod classes, NetworkPolicy-selectable ones only. */
export function selectableWorkloads(a: Analysis): Array<{ workload: Workload; classes: number[] }> {
  return a.inventory.workloads
    .map((workload) => ({ workload, classes: a.classesOf(workload.id).filter((c) => !a.layer.classes[c]!.hostNetwork) }))
    .filter((w) => w.classes.length > 0);
}

const classesByNsCache = new WeakMap<Analysis, Map<string, number[]>>();
/** NetworkPolicy-selectable pod classes by namespace (hostNetwork classes excluded), cached per analysis. */
export function classesByNamespace(a: Analysis): Map<string, number[]> {
  let m = classesByNsCache.get(a);
  if (!m) {
    m = new Map();
    for (const c of a.layer.classes) {
      if (c.hostNetwork) continue;
      let l = m.get(c.namespace);
      if (!l) m.set(c.namespace, (l = []));
      l.push(c.index);
    }
    classesByNsCache.set(a, m);
  }
  return m;
}

const ingressTargetsCache = new WeakMap<Analysis, Map<number, number[]>>();
/** Per ingress rule id: the classes it applies to (those its policy selects and isolates for ingress). */
export function ingressTargets(a: Analysis): Map<number, number[]> {
  let m = ingressTargetsCache.get(a);
  if (!m) {
    m = new Map();
    for (const c of a.layer.classes) {
      for (const r of a.layer.classRules.ingress[c.index]!) {
        let l = m.get(r.id);
        if (!l) m.set(r.id, (l = []));
        l.push(c.index);
      }
    }
    ingressTargetsCache.set(a, m);
  }
  return m;
}

/**
 * Does one side of a pod class admit every connection, from (ingress) or to (egress) every pod and
 * every outside address? True when nothing isolates it, and also when its rules together allow all
 * (an `ingress: [{}]` rule, or `namespaceSelector: {}` plus `0.0.0.0/0` on every port).
 */
export function sideAllowsAll(a: Analysis, direction: 'ingress' | 'egress', cls: number): boolean {
  const layer = a.layer;
  const tiers = a.tiers;
  if (tiers?.touches(direction, cls)) {
    // A Deny that matches anyone closes the side (unless an earlier Allow covers all it matches: not worth the walk).
    const denies = (t: typeof tiers.admin): boolean => t.classRules[direction][cls]!.some((r) => r.rule.action === 'deny' && (r.peerList.length > 0 || r.ranges.length > 0));
    if (denies(tiers.admin)) return false;
    if (!layer.isolated(direction, cls)) return !denies(tiers.baseline);
  }
  if (layer.classes[cls]!.hostNetwork || !layer.isolated(direction, cls)) return true;
  const rules = layer.classRules[direction][cls]!;
  if (rules.some((r) => r.allPeers && r.fixedPorts.isAll())) return true;
  // Outside addresses are admitted only on the fixed ports of rules without peers or with ipBlocks: a cheap
  // necessary condition that spares the exact walk below for almost every class.
  let outside = PortSet.NONE;
  for (const r of rules) if (r.allPeers || r.ipBlocks.length > 0) outside = outside.union(r.fixedPorts);
  if (!outside.isAll()) return false;
  const side = (t: Target): PortSet => (direction === 'egress' ? layer.egressAllowed(cls, t) : layer.ingressAllowed(cls, t));
  for (const b of a.externals()) if (!side({ kind: 'address', range: b.range }).isAll()) return false;
  for (const c of layer.classes) if (!side({ kind: 'class', index: c.index }).isAll()) return false;
  return true;
}
