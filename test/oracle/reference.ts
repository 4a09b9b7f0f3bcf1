/**
 * The reference evaluator: Kubernetes NetworkPolicy semantics written out literally, one connection
 * (source, destination, protocol, port) at a time. Slow on purpose and independent of src/engine, so
 * property tests can hold the fast engine to it. It reads the normalized inventory (defaults already
 * applied by the loader) and re-derives selector matching and CIDR membership on its own.
 *
 * The spec, as implemented here (see ../../shared/cases/netpol-semantics.md, sections A-D):
 * - a connection S -> D is allowed iff S's egress side allows it AND D's ingress side allows it;
 * - a side allows everything unless some policy of the pod's namespace selects the pod and lists that
 *   direction in its (defaulted) policyTypes; then it allows exactly what some rule of some such policy allows;
 * - a rule matches a peer when its peer list is absent (everything, external included) or one of its peers
 *   matches; a selector peer is namespaceSelector AND podSelector, a missing namespaceSelector meaning the
 *   policy's own namespace; an ipBlock peer matches addresses (and pods by their IPs) in cidr minus except;
 * - a rule matches a port when its port list is absent or one entry matches: same protocol and (no port, or
 *   the number, or port..endPort, or a name that the DESTINATION pod declares for that protocol and number);
 * - hostNetwork pods are never selected, as subjects or by selector peers; only ipBlocks see them;
 * - the node rule: "When a pod is isolated for ingress, the only allowed connections into the pod are those
 *   from the pod's node and those allowed by the ingress list" (kubernetes.io, Network Policies). A hostNetwork
 *   pod sends as its node, so an ingress-isolated pod on the same node admits it on every port. Same node:
 *   both spec.nodeName set and equal; a DaemonSet pod without nodeName runs on every node; otherwise it is
 *   not known, and the verdict is 'same-node' (allowed only if the two run on one node).
 */
import type { Direction, Inventory, IpBlockPeer, LabelSelector, Labels, NetworkPolicy, Peer, Pod, PolicyRule, PortRule } from '../../src/inventory/types.js';
import { parseIp, type Family } from '../../src/model/address.js';
import type { Protocol } from '../../src/model/port-set.js';

/** One address outside (or regardless of) the cluster's pods. */
export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

/** Either end of a connection: a pod, or a bare address. */
export type OracleEndpoint = { readonly pod: Pod } | { readonly address: Address };

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** Label selector semantics from the API docs: every requirement must hold; NotIn/DoesNotExist accept a missing key. */
export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(sel.matchLabels)) if (!has(k) || labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const ok =
      e.operator === 'In'
        ? has(e.key) && e.values.includes(labels[e.key]!)
        : e.operator === 'NotIn'
          ? !has(e.key) || !e.values.includes(labels[e.key]!)
          : e.operator === 'Exists'
            ? has(e.key)
            : !has(e.key);
    if (!ok) return false;
  }
  return true;
}

/** CIDR membership by comparing the first `prefix` bits, read from the CIDR text (host bits ignored, like ParseCIDRSloppy). */
export function cidrContains(cidrText: string, a: Address): boolean {
  const [ipText, prefixText] = cidrText.split('/');
  const base = parseIp(ipText ?? '');
  if (!base || base.family !== a.family) return false;
  const shift = BigInt(BITS[a.family] - Number(prefixText));
  return base.value >> shift === a.value >> shift;
}

function ipBlockMatches(b: IpBlockPeer, a: Address): boolean {
  return cidrContains(b.cidrText, a) && !b.exceptText.some((e) => cidrContains(e, a));
}

function podAddresses(p: Pod): Address[] {
  const out: Address[] = [];
  for (const s of p.ips) {
    const ip = parseIp(s);
    if (ip) out.push({ family: ip.family, value: ip.value });
  }
  return out;
}

/** Where a hostNetwork source runs relative to a destination pod's node. */
export type OracleNodeRelation = 'same' | 'possible' | 'other';

/** One connection's verdict: 'same-node' is allowed only when the (hostNetwork) source runs on the destination's node. */
export type OracleVerdict = 'allowed' | 'same-node' | 'denied';

/** The reference evaluator over one inventory. */
export class Oracle {
  private readonly nsLabels: Map<string, Labels>;
  // Memoized only because property tests ask the same question thousands of times; it is a pure function.
  private readonly isolatingCache = new Map<string, NetworkPolicy[]>();
  private readonly peerRuleCache = new Map<string, readonly PolicyRule[]>();

  private readonly kindOf: Map<string, string>;

  constructor(readonly inventory: Inventory) {
    this.nsLabels = new Map(inventory.namespaces.map((n) => [n.name, n.labels]));
    this.kindOf = new Map(inventory.workloads.map((w) => [w.id, w.kind]));
  }

  /** Same node when both nodeNames are known and equal; a DaemonSet pod not yet placed is on every node. */
  nodeRelation(src: Pod, dst: Pod): OracleNodeRelation {
    if (src.nodeName !== undefined && dst.nodeName !== undefined) return src.nodeName === dst.nodeName ? 'same' : 'other';
    if (src.nodeName === undefined && this.kindOf.get(src.workload) === 'DaemonSet') return 'same';
    return 'possible';
  }

  /** Policies that select the pod and isolate it in this direction (empty: not isolated). */
  isolatingPolicies(pod: Pod, dir: Direction): NetworkPolicy[] {
    const key = `${pod.id}\u0000${dir}`;
    let out = this.isolatingCache.get(key);
    if (!out) {
      out = pod.hostNetwork ? [] : this.inventory.policies.filter((p) => p.namespace === pod.namespace && p.isolates[dir] && selectorMatches(p.podSelector, pod.labels));
      this.isolatingCache.set(key, out);
    }
    return out;
  }

  private peerMatches(policy: NetworkPolicy, peer: Peer, e: OracleEndpoint): boolean {
    if (peer.type === 'ipBlock') {
      if ('address' in e) return ipBlockMatches(peer, e.address);
      return podAddresses(e.pod).some((a) => ipBlockMatches(peer, a));
    }
    if (!('pod' in e) || e.pod.hostNetwork) return false;
    const pod = e.pod;
    const nsOk =
      peer.namespaceSelector === null ? pod.namespace === policy.namespace : selectorMatches(peer.namespaceSelector, this.nsLabels.get(pod.namespace) ?? {});
    const podOk = peer.podSelector === null || selectorMatches(peer.podSelector, pod.labels);
    return nsOk && podOk;
  }

  private portEntryMatches(pr: PortRule, dst: OracleEndpoint, protocol: Protocol, port: number): boolean {
    if (pr.protocol !== protocol) return false;
    if (pr.port === undefined) return true;
    if (typeof pr.port === 'number') return port >= pr.port && port <= (pr.endPort ?? pr.port);
    // A named port means whatever the destination pod calls that name, for that protocol.
    if (!('pod' in dst)) return false;
    return dst.pod.ports.some((cp) => cp.name === pr.port && cp.protocol === protocol && cp.port === port);
  }

  private rulePeerMatches(policy: NetworkPolicy, rule: PolicyRule, peer: OracleEndpoint): boolean {
    return rule.peers === null || rule.peers.some((p) => this.peerMatches(policy, p, peer));
  }

  /** A rule whose peers match allows the connection when one of its port entries (or its absent list) matches. */
  private ruleAllows(rule: PolicyRule, dst: OracleEndpoint, protocol: Protocol, port: number): boolean {
    return rule.ports === null || rule.ports.some((pr) => this.portEntryMatches(pr, dst, protocol, port));
  }

  /** Does `pod`'s side of direction `dir` let the connection through? `peer` is the other end. */
  sideAllows(pod: Pod, dir: Direction, peer: OracleEndpoint, protocol: Protocol, port: number): boolean {
    const policies = this.isolatingPolicies(pod, dir);
    if (policies.length === 0) return true;
    const dst: OracleEndpoint = dir === 'ingress' ? { pod } : peer;
    return this.peerRules(pod, dir, peer, policies).some((rule) => this.ruleAllows(rule, dst, protocol, port));
  }

  /** The rules of the isolating policies whose peers match `peer`: memoized per (pod, direction, peer), since peers do not depend on the port. */
  private peerRules(pod: Pod, dir: Direction, peer: OracleEndpoint, policies: readonly NetworkPolicy[]): readonly PolicyRule[] {
    const key = `${pod.id}\u0000${dir}\u0000${'pod' in peer ? `p${peer.pod.id}` : `a${peer.address.family}:${peer.address.value}`}`;
    let rules = this.peerRuleCache.get(key);
    if (!rules) {
      rules = policies.flatMap((pol) => pol[dir].filter((rule) => this.rulePeerMatches(pol, rule, peer)));
      this.peerRuleCache.set(key, rules);
    }
    return rules;
  }

  /** Pod to pod, one protocol and port: the source's egress AND (the destination's ingress OR the node rule). */
  verdict(src: Pod, dst: Pod, protocol: Protocol, port: number): OracleVerdict {
    if (!this.sideAllows(src, 'egress', { pod: dst }, protocol, port)) return 'denied';
    if (this.sideAllows(dst, 'ingress', { pod: src }, protocol, port)) return 'allowed';
    // Ingress-isolated and no rule admits it: only the pod's own node still gets in.
    if (!src.hostNetwork) return 'denied';
    const rel = this.nodeRelation(src, dst);
    return rel === 'same' ? 'allowed' : rel === 'possible' ? 'same-node' : 'denied';
  }

  /** Pod to pod, one protocol and port: allowed for certain (see verdict). */
  allowed(src: Pod, dst: Pod, protocol: Protocol, port: number): boolean {
    return this.verdict(src, dst, protocol, port) === 'allowed';
  }

  /** Like `allowed`, either end may be a bare address (whose own side, outside the cluster, allows everything). */
  allowedExternal(src: OracleEndpoint, dst: OracleEndpoint, protocol: Protocol, port: number): boolean {
    if ('pod' in src && 'pod' in dst) return this.allowed(src.pod, dst.pod, protocol, port);
    const out = 'pod' in src ? this.sideAllows(src.pod, 'egress', dst, protocol, port) : true;
    return out && ('pod' in dst ? this.sideAllows(dst.pod, 'ingress', src, protocol, port) : true);
  }
}
