/**
 * The reference evaluator with the admin and baseline tiers around NetworkPolicy (AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy), written out literally per connection and direction
 * from the API docs (../../../shared/cases/anp-cases.md, layers-semantics.md). Independent of src/engine.
 *
 * Per direction, at the pod whose side it is (egress at the source, ingress at the destination):
 * 1. admin-tier policies whose subject selects the pod, by priority ascending (equal priorities: by name,
 *    kind — the API leaves that order undefined), rules in written order: the first rule whose peers match
 *    the other end and whose ports match decides: accept (allowed), deny (denied), pass (go to 2);
 * 2. if a NetworkPolicy isolates the pod in that direction, NetworkPolicy decides (Oracle.sideAllows), final;
 * 3. else baseline-tier policies the same way: accept, deny; pass (ClusterNetworkPolicy) goes to 4;
 * 4. allowed.
 * Host-network pods are never subjects nor `namespaces`/`pods` peers. `nodes` peers match an address of a
 * Node object the selector matches, or a host-network pod whose spec.nodeName is such a node. `networks`
 * match an address, or a pod by any of its IPs (pod-to-pod traffic too). `domainNames` match nothing we
 * can see. A named port is the destination pod's container port of that name (its protocol and number).
 * The node rule stays above every tier: a host-network source on the destination pod's node gets in on
 * ingress whatever the tiers say. Hairpin: a pod to itself is not subject to the admin tiers.
 */
import type { AdminPeer, AdminPolicy, AdminPort, AdminRule, AdminTier, ClusterNode, Direction, Inventory, Labels, Pod } from '../../../src/inventory/types.js';
import type { Protocol } from '../../../src/model/port-set.js';
import { parseIp } from '../../../src/model/address.js';
import { Oracle, cidrContains, selectorMatches, type Address, type OracleEndpoint, type OracleVerdict } from '../reference.js';

/** What one tier says about one side of a connection: a final word, a pass, or nothing. */
type TierWord = 'accept' | 'deny' | 'pass' | undefined;

function sameAddress(a: Address, b: Address): boolean {
  return a.family === b.family && a.value === b.value;
}

function addressesOf(texts: readonly string[]): Address[] {
  return texts.flatMap((t) => {
    const ip = parseIp(t);
    return ip ? [{ family: ip.family, value: ip.value }] : [];
  });
}

/** The reference evaluator over one inventory, tiers included. */
export class TieredOracle extends Oracle {
  private readonly nsLabelsOf: Map<string, Labels>;
  private readonly nodes: readonly ClusterNode[];
  private readonly byTier: Record<AdminTier, AdminPolicy[]>;
  // Memoized only because property tests ask the same question thousands of times; it is a pure function.
  private readonly peerMatchCache = new Map<string, readonly AdminRule[]>();

  constructor(inventory: Inventory) {
    super(inventory);
    this.nsLabelsOf = new Map(inventory.namespaces.map((n) => [n.name, n.labels]));
    this.nodes = inventory.nodes ?? [];
    // Re-sorted here rather than trusting the loader's order: the oracle states the order itself.
    const order = (a: AdminPolicy, b: AdminPolicy): number =>
      a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
    const all = inventory.adminPolicies ?? [];
    this.byTier = { admin: all.filter((p) => p.tier === 'admin').sort(order), baseline: all.filter((p) => p.tier === 'baseline').sort(order) };
  }

  private labelsOfNamespace(ns: string): Labels {
    return this.nsLabelsOf.get(ns) ?? { 'kubernetes.io/metadata.name': ns };
  }

  /** Does the policy's subject select the pod? Never a host-network pod. */
  subjectSelects(policy: AdminPolicy, pod: Pod): boolean {
    if (pod.hostNetwork) return false;
    const s = policy.subject;
    if (!selectorMatches(s.namespaceSelector, this.labelsOfNamespace(pod.namespace))) return false;
    return s.type === 'namespaces' || selectorMatches(s.podSelector, pod.labels);
  }

  private nodeMatches(peer: AdminPeer & { type: 'nodes' }, e: OracleEndpoint): boolean {
    const selected = this.nodes.filter((n) => selectorMatches(peer.nodeSelector, n.labels));
    if ('pod' in e) return e.pod.hostNetwork && e.pod.nodeName !== undefined && selected.some((n) => n.name === e.pod.nodeName);
    return selected.some((n) => addressesOf(n.addresses).some((a) => sameAddress(a, e.address)));
  }

  /** Does one peer of a rule match the other end of the connection? */
  adminPeerMatches(peer: AdminPeer, e: OracleEndpoint): boolean {
    switch (peer.type) {
      case 'namespaces':
        return 'pod' in e && !e.pod.hostNetwork && selectorMatches(peer.namespaceSelector, this.labelsOfNamespace(e.pod.namespace));
      case 'pods':
        return 'pod' in e && !e.pod.hostNetwork && selectorMatches(peer.namespaceSelector, this.labelsOfNamespace(e.pod.namespace)) && selectorMatches(peer.podSelector, e.pod.labels);
      case 'nodes':
        return this.nodeMatches(peer, e);
      case 'networks': {
        const addrs = 'pod' in e ? addressesOf(e.pod.ips) : [e.address];
        return peer.cidrTexts.some((c) => addrs.some((a) => cidrContains(c, a)));
      }
      case 'domainNames':
        return false;
    }
  }

  private portMatches(p: AdminPort, dst: OracleEndpoint, protocol: Protocol, port: number): boolean {
    if (p.type === 'range') return p.protocol === protocol && port >= p.start && port <= p.end;
    return 'pod' in dst && dst.pod.ports.some((cp) => cp.name === p.name && cp.protocol === protocol && cp.port === port);
  }

  /** Does the rule match: some peer is the other end, and (no ports, or some port entry is the connection's)? */
  ruleMatches(rule: AdminRule, other: OracleEndpoint, dst: OracleEndpoint, protocol: Protocol, port: number): boolean {
    return rule.peers.some((p) => this.adminPeerMatches(p, other)) && (rule.ports === null || rule.ports.some((p) => this.portMatches(p, dst, protocol, port)));
  }

  /** The first matching rule of the tier's policies selecting the pod, in order; undefined when none matches. */
  tierWord(tier: AdminTier, pod: Pod, dir: Direction, other: OracleEndpoint, protocol: Protocol, port: number): TierWord {
    const dst: OracleEndpoint = dir === 'ingress' ? { pod } : other;
    for (const rule of this.peerMatchedRules(tier, pod, dir, other)) {
      if (rule.ports === null || rule.ports.some((p) => this.portMatches(p, dst, protocol, port))) return rule.action;
    }
    return undefined;
  }

  /**
   * The rules, in tier order, of the policies selecting the pod whose peers match `other`. Peers do not
   * depend on the port, so this is memoized per (tier, pod, direction, other end); the first of them whose
   * ports match is the first matching rule, as the tier reads them.
   */
  private peerMatchedRules(tier: AdminTier, pod: Pod, dir: Direction, other: OracleEndpoint): readonly AdminRule[] {
    const key = `${tier}\u0000${pod.id}\u0000${dir}\u0000${'pod' in other ? `p${other.pod.id}` : `a${other.address.family}:${other.address.value}`}`;
    let rules = this.peerMatchCache.get(key);
    if (!rules) {
      rules = this.byTier[tier].filter((pol) => this.subjectSelects(pol, pod)).flatMap((pol) => pol[dir].filter((rule) => rule.peers.some((p) => this.adminPeerMatches(p, other))));
      this.peerMatchCache.set(key, rules);
    }
    return rules;
  }

  /** Does `pod`'s side of `dir` let the connection through, tiers included? `other` is the other end. */
  tieredSideAllows(pod: Pod, dir: Direction, other: OracleEndpoint, protocol: Protocol, port: number): boolean {
    const hairpin = 'pod' in other && other.pod.id === pod.id;
    if (!hairpin) {
      const admin = this.tierWord('admin', pod, dir, other, protocol, port);
      if (admin === 'accept') return true;
      if (admin === 'deny') return false;
    }
    if (this.isolatingPolicies(pod, dir).length > 0) return this.sideAllows(pod, dir, other, protocol, port);
    if (hairpin) return true;
    return this.tierWord('baseline', pod, dir, other, protocol, port) !== 'deny';
  }

  /** Pod to pod: the source's egress AND (the destination's ingress OR the node rule). */
  override verdict(src: Pod, dst: Pod, protocol: Protocol, port: number): OracleVerdict {
    if (!this.tieredSideAllows(src, 'egress', { pod: dst }, protocol, port)) return 'denied';
    if (this.tieredSideAllows(dst, 'ingress', { pod: src }, protocol, port)) return 'allowed';
    if (!src.hostNetwork) return 'denied';
    const rel = this.nodeRelation(src, dst);
    return rel === 'same' ? 'allowed' : rel === 'possible' ? 'same-node' : 'denied';
  }

  override allowed(src: Pod, dst: Pod, protocol: Protocol, port: number): boolean {
    return this.verdict(src, dst, protocol, port) === 'allowed';
  }

  /** Either end may be a bare address; the outside end's own side allows everything. */
  override allowedExternal(src: OracleEndpoint, dst: OracleEndpoint, protocol: Protocol, port: number): boolean {
    if ('pod' in src && 'pod' in dst) return this.allowed(src.pod, dst.pod, protocol, port);
    const out = 'pod' in src ? this.tieredSideAllows(src.pod, 'egress', dst, protocol, port) : true;
    return out && ('pod' in dst ? this.tieredSideAllows(dst.pod, 'ingress', src, protocol, port) : true);
  }
}

/** The tiered reference verdict for one inventory (same shape as Oracle.verdict). */
export function tieredOracle(inventory: Inventory): TieredOracle {
  return new TieredOracle(inventory);
}
