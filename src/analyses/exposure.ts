/**
 * Exposure beyond the input: an input is often one app or one chart, not the cluster. A rule whose peer is
 * a selector can also match pods (and namespaces) that are not in the input, and a pod no policy isolates
 * is open to the whole cluster. Each is a potential connection, listed per endpoint with a representative
 * peer, as np-guard's netpol-analyzer does with `--exposure`:
 *   `app <= [namespace with {team=frontend}]/[all pods] : TCP 8080`, `app => entire-cluster : UDP 53`.
 * When the settings say the input is the whole cluster (input.wholeCluster), there is nothing beyond it.
 */
import type { Analysis } from '../engine/index.js';
import type { CompiledRule } from '../engine/k8s/network-policy-layer.js';
import type { Direction, Inventory, LabelSelector, PolicyRule, PodPeer } from '../inventory/types.js';
import { isEmptySelector, matchesSelector } from '../inventory/selector.js';
import { PortSet } from '../model/port-set.js';
import { lex } from '../util/compare.js';
import { clusterEndpoints, endpointMatcher, type Level, type ResolvedEndpoint } from './endpoints.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Who beyond the input may connect: any pod of the cluster, or pods matching selectors. */
export type ExposurePeer =
  | { readonly kind: 'entire-cluster' }
  | {
      readonly kind: 'selector';
      /** The one namespace the peer can be in (the policy's own, or pinned by kubernetes.io/metadata.name). */
      readonly namespace?: string;
      /** Otherwise the namespaces' selector (the empty selector: all namespaces). */
      readonly namespaceSelector?: LabelSelector;
      /** Absent: every pod of those namespaces. */
      readonly podSelector?: LabelSelector;
    };

/** One potential connection with an endpoint of the input. */
export interface Exposure {
  /** The endpoint of the input (destination for ingress, source for egress). */
  readonly endpoint: string;
  readonly direction: Direction;
  readonly peer: ExposurePeer;
  readonly conns: PortSet;
  /** Egress named ports ("TCP/http"): they resolve on the unknown peer, so their numbers are not known. */
  readonly namedPorts: readonly string[];
  /** The rules that open it ("policy direction rule #n"); empty when no policy isolates that side. */
  readonly rules: readonly string[];
  /**
   * Admin and baseline policies (`Kind/name`) that apply to this side and are not applied to peers beyond
   * the input: the exposure is NetworkPolicy's, and these may deny part of it or accept more.
   */
  readonly unappliedTiers?: readonly string[];
}

export interface ExposureOptions {
  readonly level?: Level;
  readonly from?: string;
  readonly to?: string;
  /** The input is the whole cluster (settings input.wholeCluster): nothing is beyond it. */
  readonly wholeCluster?: boolean;
  /** clusterEndpoints(a, level), when the caller has them already (diff): not built again. */
  readonly cluster?: readonly ResolvedEndpoint[];
}

/** The representative peer of a selector peer of a rule of a policy in namespace `ns`. */
export function exposurePeer(peer: PodPeer, ns: string): ExposurePeer {
  const pods = peer.podSelector === null || isEmptySelector(peer.podSelector) ? {} : { podSelector: peer.podSelector };
  const sel = peer.namespaceSelector;
  if (sel === null) return { kind: 'selector', namespace: ns, ...pods };
  if (isEmptySelector(sel) && !pods.podSelector) return { kind: 'entire-cluster' };
  const keys = Object.keys(sel.matchLabels);
  if (sel.matchExpressions.length === 0 && keys.length === 1 && keys[0] === NAME_LABEL) return { kind: 'selector', namespace: sel.matchLabels[NAME_LABEL]!, ...pods };
  return { kind: 'selector', namespaceSelector: sel, ...pods };
}

/**
 * A selector as netpol-analyzer prints it: `{a=b,c=d}` and `{Key:k,Operator:In,Values:[x y],}` terms, by key.
 * `canonical` also sorts the values, so that selectors meaning the same print the same.
 */
export function selectorText(s: LabelSelector, canonical = false): string {
  const labels = Object.keys(s.matchLabels)
    .sort(lex)
    .map((k) => `${k}=${s.matchLabels[k]}`);
  const exprs = [...s.matchExpressions]
    .sort((x, y) => lex(x.key, y.key) || lex(x.operator, y.operator))
    .map((e) => `{Key:${e.key},Operator:${e.operator},Values:[${(canonical ? [...e.values].sort(lex) : e.values).join(' ')}],}`);
  return `{${[...labels, ...exprs].join(',')}}`;
}

/** The peer as netpol-analyzer prints it: `entire-cluster`, `backend/[all pods]`, `[namespace with {...}]/[pod with {...}]`. */
export function exposurePeerText(p: ExposurePeer, canonical = false): string {
  if (p.kind === 'entire-cluster') return 'entire-cluster';
  const ns = p.namespace ?? (isEmptySelector(p.namespaceSelector!) ? '[all namespaces]' : `[namespace with ${selectorText(p.namespaceSelector!, canonical)}]`);
  return `${ns}/${p.podSelector ? `[pod with ${selectorText(p.podSelector, canonical)}]` : '[all pods]'}`;
}

function ruleName(policy: string, direction: Direction, rule: PolicyRule): string {
  return `${policy} ${direction} rule #${rule.index + 1}`;
}

/**
 * Whether some selectable (not hostNetwork) pod of the input has exactly-named labels: in `namespace`, or
 * in a namespace whose labels match `namespaces` (one is given), and matching `pods`.
 */
export type InputHas = (namespace: string | undefined, namespaces: LabelSelector | undefined, pods: LabelSelector) => boolean;

/** InputHas from an analysis's selector index (which sees only selectable classes). */
function indexHas(a: Analysis): InputHas {
  const index = a.layer.index;
  return (namespace, namespaces, pods) => (namespace !== undefined ? [namespace] : index.namespacesMatching(namespaces!)).some((n) => index.classesMatching(n, pods).length > 0);
}

/** InputHas by reading an inventory's pods (for an analysis of part of it, whose index does not see them all). */
export function inventoryHas(inv: Inventory): InputHas {
  const nsLabels = new Map(inv.namespaces.map((n) => [n.name, n.labels]));
  const selectable = inv.pods.filter((p) => !p.hostNetwork);
  return (namespace, namespaces, pods) =>
    selectable.some((p) => (namespace !== undefined ? p.namespace === namespace : matchesSelector(namespaces!, nsLabels.get(p.namespace) ?? {})) && matchesSelector(pods, p.labels));
}

/**
 * True when the peer stands for pods of the input: its selectors only name exact labels (matchLabels, or one
 * namespace) and a pod of the input has them. A new pod with those labels is that workload again, so the
 * peer's connections are already listed (netpol-analyzer reads it the same way). Any other selector
 * (empty, or with expressions) can match pods unlike any of the input, and stays an exposure.
 */
function concrete(has: InputHas, peer: ExposurePeer): boolean {
  if (peer.kind !== 'selector' || !peer.podSelector || peer.podSelector.matchExpressions.length > 0) return false;
  const ns = peer.namespaceSelector;
  if (ns && (ns.matchExpressions.length > 0 || isEmptySelector(ns))) return false;
  return has(peer.namespace, ns, peer.podSelector);
}

/** What endpointExposure reads of a rule apart from its ports: the same for every endpoint it applies to. */
interface RuleFacts {
  readonly name: string;
  /** Egress named ports as listed ("TCP/http"); none for ingress. */
  readonly named: readonly string[];
  /** The rule's pod peers that stay exposures (not concrete), with their canonical texts. */
  readonly peers: readonly { readonly peer: ExposurePeer; readonly key: string }[];
}

/** Rule facts by compiled rule, for one analysis, direction and InputHas: a rule is shared by many endpoints. */
type RuleMemo = Map<CompiledRule, RuleFacts>;

function ruleFacts(r: CompiledRule, direction: Direction, has: InputHas, memo: RuleMemo | undefined): RuleFacts {
  let f = memo?.get(r);
  if (f) return f;
  const peers: { peer: ExposurePeer; key: string }[] = [];
  if (!r.allPeers) {
    for (const p of r.rule.peers ?? []) {
      if (p.type !== 'pods') continue;
      const peer = exposurePeer(p, r.policy.namespace);
      if (!concrete(has, peer)) peers.push({ peer, key: exposurePeerText(peer, true) });
    }
  }
  f = { name: ruleName(r.policy.id, direction, r.rule), named: direction === 'egress' ? r.namedPorts.map((np) => `${np.protocol}/${String(np.port)}`) : [], peers };
  memo?.set(r, f);
  return f;
}

const ENTIRE_CLUSTER: ExposurePeer = { kind: 'entire-cluster' };

/** Exposure of one endpoint in one direction, merged by peer; `memo` keeps each rule's facts across the endpoints of one call. */
function endpointExposure(a: Analysis, e: ResolvedEndpoint, direction: Direction, has: InputHas = indexHas(a), memo?: RuleMemo): Exposure[] {
  const layer = a.layer;
  const byPeer = new Map<string, { peer: ExposurePeer; conns: PortSet; named: Set<string>; rules: Set<string> }>();
  const add = (peer: ExposurePeer, k: string, conns: PortSet, named: readonly string[], rule?: string): void => {
    if (conns.isEmpty() && named.length === 0) return;
    let x = byPeer.get(k);
    if (!x) byPeer.set(k, (x = { peer, conns: PortSet.NONE, named: new Set(), rules: new Set() }));
    x.conns = x.conns.union(conns);
    for (const n of named) x.named.add(n);
    if (rule) x.rules.add(rule);
  };
  for (const t of e.targets) {
    if (t.kind !== 'class') continue;
    const c = t.index;
    if (layer.classes[c]!.hostNetwork || !layer.isolated(direction, c)) {
      add(ENTIRE_CLUSTER, 'entire-cluster', PortSet.ALL, []);
      continue;
    }
    for (const r of layer.classRules[direction][c]!) {
      // Ingress ports resolve on this endpoint; egress named ports on the peer, which is not known.
      const conns = direction === 'ingress' ? layer.rulePorts(r, t) : r.fixedPorts;
      const f = ruleFacts(r, direction, has, memo);
      if (r.allPeers) {
        add(ENTIRE_CLUSTER, 'entire-cluster', conns, f.named, f.name);
        continue;
      }
      for (const p of f.peers) add(p.peer, p.key, conns, f.named, f.name);
    }
  }
  // Everything open to the entire cluster is open to each of its parts: a part is listed with that
  // included, and only when it gets more (as netpol-analyzer lists them).
  const all = byPeer.get('entire-cluster');
  if (all) {
    for (const [k, x] of byPeer) {
      if (k === 'entire-cluster') continue;
      if (x.conns.subtract(all.conns).isEmpty() && [...x.named].every((n) => all.named.has(n))) byPeer.delete(k);
      else x.conns = x.conns.union(all.conns);
    }
  }
  // Without admin or baseline policies there are none to name: no list per endpoint.
  const tiers = a.tiers ? [...new Set(e.targets.flatMap((t) => (t.kind === 'class' ? a.adminPoliciesAt(direction, t.index) : [])))].sort(lex) : [];
  return [...byPeer.values()].map((x) => ({
    endpoint: e.endpoint.id,
    direction,
    peer: x.peer,
    conns: x.conns,
    namedPorts: [...x.named].sort(lex),
    rules: [...x.rules].sort(lex),
    ...(tiers.length ? { unappliedTiers: tiers } : {}),
  }));
}

/** Every endpoint's exposure beyond the input, sorted by direction (egress first), endpoint, then peer. */
export function computeExposure(a: Analysis, opts: ExposureOptions = {}): Exposure[] {
  if (opts.wholeCluster) return [];
  const cluster = opts.cluster ?? clusterEndpoints(a, opts.level ?? 'workload');
  const fromOk = opts.from ? endpointMatcher(opts.from) : () => true;
  const toOk = opts.to ? endpointMatcher(opts.to) : () => true;
  const out: Exposure[] = [];
  for (const direction of ['egress', 'ingress'] as const) {
    // --from names the input's side of egress exposure, --to that of ingress exposure; the other side is beyond.
    const keep = direction === 'egress' ? (opts.from !== undefined ? fromOk : opts.to === undefined ? () => true : () => false) : opts.to !== undefined ? toOk : opts.from === undefined ? () => true : () => false;
    const has = indexHas(a);
    const memo: RuleMemo = new Map();
    for (const e of cluster) if (keep(e.endpoint)) out.push(...endpointExposure(a, e, direction, has, memo));
  }
  return out.sort(
    (x, y) => (x.direction === y.direction ? 0 : x.direction === 'egress' ? -1 : 1) || lex(x.endpoint, y.endpoint) || lex(exposurePeerText(x.peer), exposurePeerText(y.peer)),
  );
}

/** The exposure of one endpoint (explain): ingress of `dst` or egress of `src`; `has` says which peers are pods of the input (the analysis's own by default). */
export function exposureOf(a: Analysis, e: ResolvedEndpoint, direction: Direction, wholeCluster = false, has?: InputHas): Exposure[] {
  return wholeCluster ? [] : endpointExposure(a, e, direction, has).sort((x, y) => lex(exposurePeerText(x.peer), exposurePeerText(y.peer)));
}

/** A connection set with the named ports it may also reach, as netpol-analyzer prints it: `TCP 80,TCP http`. */
export function exposureConnsText(x: Pick<Exposure, 'conns' | 'namedPorts'>): string {
  const named = x.namedPorts.map((n) => n.replace('/', ' '));
  if (named.length === 0) return x.conns.toString();
  return x.conns.isEmpty() ? named.join(',') : `${x.conns.toString()},${named.join(',')}`;
}

/** The caveat of an exposure the admin and baseline tiers were not applied to (empty when none), as reports append it. */
export function exposureCaveatText(x: Pick<Exposure, 'unappliedTiers'>): string {
  return x.unappliedTiers?.length ? ` (NetworkPolicy only: ${x.unappliedTiers.join(', ')} not applied beyond the input)` : '';
}
