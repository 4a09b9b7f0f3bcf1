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
import { BitSet } from '../../model/bitset.js';
import type { IpRange } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { buildPodClasses, ipBlockContains, type PodClass } from './pod-classes.js';

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
  readonly ipBlocks: readonly IpBlockPeer[];
  /** Ports that do not depend on the destination (numbers, ranges, whole protocols). */
  readonly fixedPorts: PortSet;
  /** Named port entries, resolved per destination class. */
  readonly namedPorts: readonly PortRule[];
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
  private readonly namedCache = new Map<string, PortSet>();

  constructor(readonly inventory: Inventory) {
    for (const p of inventory.policies) {
      for (const r of [...p.ingress, ...p.egress]) for (const peer of r.peers ?? []) if (peer.type === 'ipBlock') this.allIpBlocks.push(peer);
    }
    const { classes, classOfPod } = buildPodClasses(inventory, this.allIpBlocks);
    this.classes = classes;
    this.classOfPod = classOfPod;
    const n = classes.length;
    this.selecting = { ingress: classes.map(() => []), egress: classes.map(() => []) };
    this.classRules = { ingress: classes.map(() => []), egress: classes.map(() => []) };
    const nsLabels = new Map(inventory.namespaces.map((ns) => [ns.name, ns.labels]));
    const ipBlockIndex = new Map(this.allIpBlocks.map((b, i) => [b, i]));

    for (const policy of inventory.policies) {
      const compiled: Record<Direction, CompiledRule[]> = { ingress: [], egress: [] };
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of policy[direction]) {
          const peerClasses = new BitSet(n);
          const ipBlocks: IpBlockPeer[] = [];
          for (const peer of rule.peers ?? []) {
            if (peer.type === 'ipBlock') {
              ipBlocks.push(peer);
              const bi = ipBlockIndex.get(peer)!;
              for (const c of classes) if (c.ipBlocks.includes(bi)) peerClasses.add(c.index);
              continue;
            }
            for (const c of classes) {
              if (c.hostNetwork) continue;
              const nsOk = peer.namespaceSelector === null ? c.namespace === policy.namespace : matchesSelector(peer.namespaceSelector, nsLabels.get(c.namespace) ?? {});
              if (nsOk && (peer.podSelector === null || matchesSelector(peer.podSelector, c.labels))) peerClasses.add(c.index);
            }
          }
          let fixedPorts = rule.ports === null ? PortSet.ALL : PortSet.NONE;
          const namedPorts: PortRule[] = [];
          for (const pr of rule.ports ?? []) {
            if (typeof pr.port === 'string') namedPorts.push(pr);
            else if (pr.port === undefined) fixedPorts = fixedPorts.union(PortSet.allOf(pr.protocol));
            else fixedPorts = fixedPorts.union(PortSet.of(pr.protocol, pr.port, pr.endPort ?? pr.port));
          }
          const cr: CompiledRule = { id: this.rules.length, policy, direction, rule, allPeers: rule.peers === null, peerClasses, ipBlocks, fixedPorts, namedPorts };
          this.rules.push(cr);
          compiled[direction].push(cr);
        }
      }
      for (const c of classes) {
        if (c.hostNetwork || c.namespace !== policy.namespace || !matchesSelector(policy.podSelector, c.labels)) continue;
        for (const direction of ['ingress', 'egress'] as const) {
          if (!policy.isolates[direction]) continue;
          this.selecting[direction][c.index]!.push(policy);
          this.classRules[direction][c.index]!.push(...compiled[direction]);
        }
      }
    }
  }

  isolated(direction: Direction, cls: number): boolean {
    return this.selecting[direction][cls]!.length > 0;
  }

  /** Does the rule's peer list match the target? */
  ruleMatches(r: CompiledRule, t: Target): boolean {
    if (r.allPeers) return true;
    if (t.kind === 'class') return r.peerClasses.has(t.index);
    return r.ipBlocks.some((b) => ipBlockContains(b, t.range));
  }

  /** The index of the first peer of the rule matching the target, or -1 (also for a rule without peers). */
  matchingPeer(r: CompiledRule, t: Target): number {
    const peers = r.rule.peers ?? [];
    for (let i = 0; i < peers.length; i++) {
      const p = peers[i]!;
      if (p.type === 'ipBlock') {
        if (t.kind === 'address' ? ipBlockContains(p, t.range) : this.classes[t.index]!.ipBlocks.includes(this.allIpBlocks.indexOf(p))) return i;
      } else if (t.kind === 'class') {
        const c = this.classes[t.index]!;
        if (c.hostNetwork) continue;
        const nsLabels = this.inventory.namespaces.find((n) => n.name === c.namespace)?.labels ?? {};
        const nsOk = p.namespaceSelector === null ? c.namespace === r.policy.namespace : matchesSelector(p.namespaceSelector, nsLabels);
        if (nsOk && (p.podSelector === null || matchesSelector(p.podSelector, c.labels))) return i;
      }
    }
    return -1;
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
    let s = PortSet.ALL;
    if (src.kind === 'class') s = this.egressAllowed(src.index, dst);
    if (s.isEmpty()) return s;
    if (dst.kind === 'class') s = s.intersect(this.ingressAllowed(dst.index, src));
    return s;
  }
}
