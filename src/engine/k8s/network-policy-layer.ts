/**
 * The Kubernetes NetworkPolicy enforcement layer, computed per pod class.
 *
 * A connection S -> D on a port is allowed by this layer iff
 *   (S is not isolated for egress, or some egress rule of a policy selecting S matches D and the port) and
 *   (D is not isolated for ingress, or some ingress rule of a policy selecting D matches S and the port).
 * Named ports always resolve against the destination pod's container ports (ingress and egress alike).
 */
import type { Direction, Inventory, IpBlockPeer, NetworkPolicy, PolicyRule, PortRule } from '../../inventory/types.js';
import { matchesSelector } from '../../inventory/selector.js';
import { SelectorIndex } from './selector-index.js';
import { BitSet } from '../../model/bitset.js';
import { parseIp, type Family, type IpRange } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { adminNetworkBlocks } from '../tiers/k8s-admin/index.js';
import { buildPodClasses, ipBlockContains, patchPodClasses, type PodClass } from './pod-classes.js';
import { indexOfSorted } from '../../util/sorted-search.js';

/** A rule compiled against the pod classes. */
export interface CompiledRule {
  readonly id: number;
  readonly policy: NetworkPolicy;
  readonly direction: Direction;
  readonly rule: PolicyRule;
  /** Rule with no from/to: every peer, in and outside the cluster. */
  readonly allPeers: boolean;
  /** Classes matched by the rule's peers (selectors, or ipBlocks containing a pod IP). */
  readonly peerClasses: BitSet;
  /** peerClasses.has(c), without building a set for sparse peer lists. */
  hasPeer(c: number): boolean;
  readonly ipBlocks: readonly IpBlockPeer[];
  /** Ports that do not depend on the destination (numbers, ranges, whole protocols). */
  readonly fixedPorts: PortSet;
  /** Named port entries, resolved per destination class. */
  readonly namedPorts: readonly PortRule[];
  /** The members of peerClasses, sorted. */
  readonly peerList: readonly number[];
}

/** Sorted union of sorted lists of class indices. */
function mergeSorted(lists: (readonly number[])[]): readonly number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  let total = 0;
  for (const l of nonEmpty) total += l.length;
  const all = new Int32Array(total);
  let i = 0;
  for (const l of nonEmpty) for (const x of l) all[i++] = x;
  all.sort();
  const out: number[] = [];
  for (let j = 0; j < total; j++) if (j === 0 || all[j] !== all[j - 1]) out.push(all[j]!);
  return out;
}

class Rule implements CompiledRule {
  private bits?: BitSet;

  constructor(
    readonly id: number,
    readonly policy: NetworkPolicy,
    readonly direction: Direction,
    readonly rule: PolicyRule,
    readonly allPeers: boolean,
    readonly peerList: readonly number[],
    private readonly classCount: number,
    readonly ipBlocks: readonly IpBlockPeer[],
    readonly fixedPorts: PortSet,
    readonly namedPorts: readonly PortRule[],
  ) {}

  /** Built on first use: most rules are only ever walked as lists. */
  get peerClasses(): BitSet {
    if (!this.bits) {
      this.bits = new BitSet(this.classCount);
      for (const c of this.peerList) this.bits.add(c);
    }
    return this.bits;
  }

  hasPeer(c: number): boolean {
    const list = this.peerList;
    // A set of classCount bits for every rule is most of the heap at 100k pods (tens of thousands of
    // rules, each a few peers): a binary search for lists shorter than the set would be, the set above.
    if (this.bits !== undefined || list.length * 32 >= this.classCount) return this.peerClasses.has(c);
    return indexOfSorted(list, c) >= 0;
  }
}

/** A policy compiled against pod classes, independent of its position among the policies. */
interface CompiledPolicy {
  readonly rules: ReadonlyArray<{
    readonly direction: Direction;
    readonly rule: PolicyRule;
    readonly allPeers: boolean;
    readonly peerList: readonly number[];
    readonly ipBlocks: readonly IpBlockPeer[];
    readonly fixedPorts: PortSet;
    readonly namedPorts: readonly PortRule[];
  }>;
  readonly selected: readonly number[];
}

/** What changed since a base layer whose work can be reused. */
export interface LayerChanges {
  readonly base: NetworkPolicyLayer;
  readonly policies: readonly string[];
  readonly pods: readonly string[];
}

/** Where traffic goes to or comes from: a pod class, or an address range outside it. */
export type Target = { readonly kind: 'class'; readonly index: number } | { readonly kind: 'address'; readonly range: IpRange };

export class NetworkPolicyLayer {
  readonly classes: PodClass[];
  readonly classOfPod: Map<string, number>;
  readonly rules: CompiledRule[] = [];
  readonly allIpBlocks: IpBlockPeer[] = [];
  /** Per class: policies selecting it that isolate each direction. */
  readonly selecting: Record<Direction, NetworkPolicy[][]>;
  /** Per class: the rules of those policies. */
  readonly classRules: Record<Direction, CompiledRule[][]>;
  /** Per policy (in inventory order): the classes its podSelector selects. */
  readonly selectedBy: (readonly number[])[] = [];
  private readonly namedCache = new Map<string, PortSet>();

  /** Inverted label indexes over the classes, shared with the matrix builder. */
  readonly index: SelectorIndex;

  /** Per policy object: its rules compiled against these classes (reused by derived layers). */
  private readonly compiled: Map<NetworkPolicy, CompiledPolicy>;

  constructor(
    readonly inventory: Inventory,
    changes?: LayerChanges,
  ) {
    for (const p of inventory.policies) {
      for (const r of p.ingress) for (const peer of r.peers ?? []) if (peer.type === 'ipBlock') this.allIpBlocks.push(peer);
      for (const r of p.egress) for (const peer of r.peers ?? []) if (peer.type === 'ipBlock') this.allIpBlocks.push(peer);
    }
    // Admin `networks` CIDRs match pod IPs too: pods are kept apart by them as by ipBlocks.
    if (inventory.adminPolicies && inventory.adminPolicies.length > 0) this.allIpBlocks.push(...adminNetworkBlocks(inventory.adminPolicies).blocks);
    const podPatch = changes ? this.podPatch(changes) : undefined;
    if (podPatch && changes) {
      // One pod moved between existing classes: policies, rules and selections all stand.
      const b = changes.base;
      this.classes = podPatch.classes;
      this.classOfPod = podPatch.classOfPod;
      this.index = b.index;
      this.compiled = b.compiled;
      this.rules = b.rules;
      this.selecting = b.selecting;
      this.classRules = b.classRules;
      this.selectedBy = b.selectedBy;
      this.allIpBlocks = b.allIpBlocks;
      this.sameStructure = true;
      return;
    }
    const base = changes && this.classesReusable(changes) ? changes.base : undefined;
    if (base) {
      // Same pods, and no changed policy's ipBlock holds a pod: the classes stand, ipBlock indices move.
      const newIndex = new Map(this.allIpBlocks.map((b, i) => [b, i]));
      const moved = base.classes.some((c) => c.ipBlocks.some((bi) => newIndex.get(base.allIpBlocks[bi]!) !== bi));
      this.classes = moved ? base.classes.map((c) => ({ ...c, ipBlocks: c.ipBlocks.map((bi) => newIndex.get(base.allIpBlocks[bi]!)!) })) : base.classes;
      this.classOfPod = base.classOfPod;
      this.index = base.index;
      this.compiled = base.compiled;
      this.reusedClasses = true;
    } else {
      const { classes, classOfPod } = buildPodClasses(inventory, this.allIpBlocks);
      this.classes = classes;
      this.classOfPod = classOfPod;
      this.index = new SelectorIndex(classes, inventory.namespaces);
      this.compiled = new Map();
    }
    const classes = this.classes;
    this.selecting = { ingress: classes.map(() => []), egress: classes.map(() => []) };
    this.classRules = { ingress: classes.map(() => []), egress: classes.map(() => []) };
    let classesInBlock: Map<IpBlockPeer, number[]> | undefined;
    for (const policy of inventory.policies) {
      let cp = this.compiled.get(policy);
      if (!cp) {
        if (!classesInBlock) {
          classesInBlock = new Map();
          for (const c of classes) {
            for (const bi of c.ipBlocks) {
              const b = this.allIpBlocks[bi]!;
              let l = classesInBlock.get(b);
              if (!l) classesInBlock.set(b, (l = []));
              l.push(c.index);
            }
          }
        }
        cp = this.compile(policy, classesInBlock);
        this.compiled.set(policy, cp);
      }
      this.addPolicy(policy, cp);
    }
  }

  /** True when this layer's classes were taken over from a base layer. */
  readonly reusedClasses: boolean = false;
  /** True when only pods moved between existing classes: every class-level answer of the base holds. */
  readonly sameStructure: boolean = false;

  private podPatch(ch: LayerChanges): ReturnType<typeof patchPodClasses> {
    const b = ch.base;
    if (ch.policies.length > 0 || ch.pods.length !== 1) return undefined;
    if (b.inventory.policies !== this.inventory.policies || b.inventory.namespaces !== this.inventory.namespaces) return undefined;
    const id = ch.pods[0]!;
    const ci = b.classOfPod.get(id);
    const before = ci === undefined ? undefined : b.classes[ci]!.pods.find((p) => p.id === id);
    const after = this.inventory.pods.find((p) => p.id === id);
    if (!before && !after) return undefined;
    return patchPodClasses(b.classes, b.classOfPod, before, after, b.allIpBlocks);
  }

  /** Pod classes survive a change that touches no pod and no ipBlock holding a pod address. */
  private classesReusable(ch: LayerChanges): boolean {
    if (ch.pods.length > 0) return false;
    if (ch.base.inventory.pods !== this.inventory.pods || ch.base.inventory.namespaces !== this.inventory.namespaces) return false;
    const ids = new Set(ch.policies);
    const blocks = [...ch.base.inventory.policies, ...this.inventory.policies]
      .filter((p) => ids.has(p.id))
      .flatMap((p) => [...p.ingress, ...p.egress].flatMap((r) => (r.peers ?? []).filter((x): x is IpBlockPeer => x.type === 'ipBlock')));
    if (blocks.length === 0) return true;
    for (const pod of this.inventory.pods) {
      for (const ip of pod.ips) {
        const a = parseIp(ip);
        if (a && blocks.some((b) => ipBlockContains(b, { family: a.family, lo: a.value, hi: a.value }))) return false;
      }
    }
    return true;
  }

  private compile(policy: NetworkPolicy, classesInBlock: Map<IpBlockPeer, number[]>): CompiledPolicy {
    const rules: CompiledPolicy['rules'][number][] = [];
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of policy[direction]) {
        const ipBlocks: IpBlockPeer[] = [];
        const lists: (readonly number[])[] = [];
        for (const peer of rule.peers ?? []) {
          if (peer.type === 'ipBlock') {
            ipBlocks.push(peer);
            lists.push(classesInBlock.get(peer) ?? []);
            continue;
          }
          lists.push(peer.namespaceSelector === null ? this.index.classesMatching(policy.namespace, peer.podSelector) : this.index.classesAcross(peer.namespaceSelector, peer.podSelector));
        }
        let fixedPorts = rule.ports === null ? PortSet.ALL : PortSet.NONE;
        const namedPorts: PortRule[] = [];
        for (const pr of rule.ports ?? []) {
          if (typeof pr.port === 'string') namedPorts.push(pr);
          else if (pr.port === undefined) fixedPorts = fixedPorts.union(PortSet.allOf(pr.protocol));
          else fixedPorts = fixedPorts.union(PortSet.of(pr.protocol, pr.port, pr.endPort ?? pr.port));
        }
        rules.push({ direction, rule, allPeers: rule.peers === null, peerList: mergeSorted(lists), ipBlocks, fixedPorts, namedPorts });
      }
    }
    return { rules, selected: this.index.classesMatching(policy.namespace, policy.podSelector) };
  }

  private addPolicy(policy: NetworkPolicy, cp: CompiledPolicy): void {
    const n = this.classes.length;
    const compiled: Record<Direction, CompiledRule[]> = { ingress: [], egress: [] };
    for (const r of cp.rules) {
      const cr = new Rule(this.rules.length, policy, r.direction, r.rule, r.allPeers, r.peerList, n, r.ipBlocks, r.fixedPorts, r.namedPorts);
      this.rules.push(cr);
      compiled[r.direction].push(cr);
    }
    this.selectedBy.push(cp.selected);
    for (const c of cp.selected) {
      for (const direction of ['ingress', 'egress'] as const) {
        if (!policy.isolates[direction]) continue;
        this.selecting[direction][c]!.push(policy);
        const cr = this.classRules[direction][c]!;
        for (const r of compiled[direction]) cr.push(r);
      }
    }
  }

  isolated(direction: Direction, cls: number): boolean {
    return this.selecting[direction][cls]!.length > 0;
  }

  /** Does the rule's peer list match the target? */
  ruleMatches(r: CompiledRule, t: Target): boolean {
    if (r.allPeers) return true;
    if (t.kind === 'class') return r.hasPeer(t.index);
    return r.ipBlocks.some((b) => ipBlockContains(b, t.range));
  }

  /** The index of the first peer of the rule matching the target, or -1 (also for a rule without peers). */
  matchingPeer(r: CompiledRule, t: Target): number {
    const peers = r.rule.peers ?? [];
    for (let i = 0; i < peers.length; i++) {
      const p = peers[i]!;
      if (p.type === 'ipBlock') {
        if (t.kind === 'address' ? ipBlockContains(p, t.range) : this.classes[t.index]!.ipBlocks.includes(this.blockNumber(p))) return i;
      } else if (t.kind === 'class') {
        const c = this.classes[t.index]!;
        if (c.hostNetwork) continue;
        const nsLabels = this.index.namespaceLabels(c.namespace);
        const nsOk = p.namespaceSelector === null ? c.namespace === r.policy.namespace : matchesSelector(p.namespaceSelector, nsLabels);
        if (nsOk && (p.podSelector === null || matchesSelector(p.podSelector, c.labels))) return i;
      }
    }
    return -1;
  }

  private blockNumbers?: Map<IpBlockPeer, number>;

  /** The index of an ipBlock peer in allIpBlocks (a map look-up; indexOf is linear in the blocks). */
  blockNumber(p: IpBlockPeer): number {
    if (!this.blockNumbers) {
      this.blockNumbers = new Map();
      this.allIpBlocks.forEach((b, i) => {
        if (!this.blockNumbers!.has(b)) this.blockNumbers!.set(b, i);
      });
    }
    return this.blockNumbers.get(p) ?? -1;
  }

  /** The ports a rule admits towards a destination (named ports resolved against the destination pod). */
  rulePorts(r: CompiledRule, dst: Target): PortSet {
    if (r.namedPorts.length === 0 || dst.kind === 'address') return r.fixedPorts;
    const key = `${r.id}:${dst.index}`;
    let s = this.namedCache.get(key);
    if (!s) {
      s = r.fixedPorts;
      const ports = this.classes[dst.index]!.ports;
      for (const np of r.namedPorts) {
        for (const cp of ports) if (cp.name === np.port && cp.protocol === np.protocol) s = s.union(PortSet.of(cp.protocol, cp.port));
      }
      this.namedCache.set(key, s);
    }
    return s;
  }

  /** What the source's egress side allows towards the destination. */
  egressAllowed(src: number, dst: Target): PortSet {
    if (this.classes[src]!.hostNetwork || !this.isolated('egress', src)) return PortSet.ALL;
    let s = PortSet.NONE;
    for (const r of this.classRules.egress[src]!) if (this.ruleMatches(r, dst)) s = s.union(this.rulePorts(r, dst));
    return s;
  }

  /** What the destination's ingress side allows from the source. */
  ingressAllowed(dst: number, src: Target): PortSet {
    if (this.classes[dst]!.hostNetwork || !this.isolated('ingress', dst)) return PortSet.ALL;
    let s = PortSet.NONE;
    const d: Target = { kind: 'class', index: dst };
    for (const r of this.classRules.ingress[dst]!) if (this.ruleMatches(r, src)) s = s.union(this.rulePorts(r, d));
    return s;
  }

  /** Allowed connections between two targets; at least one must be a pod class. */
  allowed(src: Target, dst: Target): PortSet {
    // An address range that ipBlocks cut is allowed what every piece of it is allowed.
    const addr = src.kind === 'address' ? src.range : dst.kind === 'address' ? dst.range : undefined;
    if (addr && addr.lo !== addr.hi) {
      const pieces = this.piecesOf(addr);
      if (pieces.length > 1) {
        let s = PortSet.ALL;
        for (const range of pieces) {
          const t: Target = { kind: 'address', range };
          s = s.intersect(this.allowedUniform(src.kind === 'address' ? t : src, dst.kind === 'address' ? t : dst));
          if (s.isEmpty()) break;
        }
        return s;
      }
    }
    return this.allowedUniform(src, dst);
  }

  /** Per family: every address where an ipBlock (or except) starts or just ends, sorted, built on first use. */
  private cutsCache?: Record<Family, bigint[]>;

  /** Cuts a range where any ipBlock (or except) starts or ends: a binary search, not a pass over every block. */
  private piecesOf(r: IpRange): IpRange[] {
    if (!this.cutsCache) {
      const sets: Record<Family, Set<bigint>> = { 4: new Set(), 6: new Set() };
      for (const b of this.allIpBlocks) {
        for (const x of [b.cidr.range, ...b.except.map((e) => e.range)]) {
          sets[x.family].add(x.lo);
          sets[x.family].add(x.hi + 1n);
        }
      }
      const sorted = (s: Set<bigint>): bigint[] => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.cutsCache = { 4: sorted(sets[4]), 6: sorted(sets[6]) };
    }
    const cuts = this.cutsCache[r.family];
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid]! <= r.lo) lo = mid + 1;
      else hi = mid;
    }
    const out: IpRange[] = [];
    let start = r.lo;
    for (let i = lo; i < cuts.length && cuts[i]! <= r.hi; i++) {
      out.push({ family: r.family, lo: start, hi: cuts[i]! - 1n });
      start = cuts[i]!;
    }
    out.push({ family: r.family, lo: start, hi: r.hi });
    return out;
  }

  private allowedUniform(src: Target, dst: Target): PortSet {
    let s = PortSet.ALL;
    if (src.kind === 'class') s = this.egressAllowed(src.index, dst);
    if (s.isEmpty()) return s;
    if (dst.kind === 'class') s = s.intersect(this.ingressAllowed(dst.index, src));
    return s;
  }
}
