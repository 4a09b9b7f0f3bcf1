/** Why one side (the source's egress or the destination's ingress) allows or denies, rule by rule. */
import type { Direction, SourceRef } from '../../inventory/types.js';
import { PortSet } from '../../model/port-set.js';
import { describePeer } from '../../inventory/selector.js';
import type { NetworkPolicyLayer, Target } from './network-policy-layer.js';
import type { NodeRelation } from './node-rule.js';

export interface PolicyRef {
  readonly policy: string;
  readonly source: SourceRef;
}

export interface RuleMatch {
  readonly policy: string;
  readonly direction: Direction;
  /** 1-based, as people count rules. */
  readonly rule: number;
  /** 1-based index of the peer that matched, absent when the rule has no from/to (all peers). */
  readonly peer?: number;
  /** The matching peer in words, and where it is written. */
  readonly peerText: string;
  readonly peerSource?: SourceRef;
  /** What this rule admits towards the destination (named ports resolved). */
  readonly ports: PortSet;
  readonly source: SourceRef;
}

export interface SideExplanation {
  readonly layer: 'kubernetes-networkpolicy';
  readonly direction: Direction;
  /** False when no NetworkPolicy can apply (an external address, a hostNetwork pod). */
  readonly applies: boolean;
  readonly isolated: boolean;
  readonly selectedBy: readonly PolicyRef[];
  readonly allowed: PortSet;
  /** Rules whose peers match the other side (even when they admit no port towards it). */
  readonly rules: readonly RuleMatch[];
  readonly reason: string;
  /**
   * Ingress of an isolated pod from a hostNetwork source: the node rule ('same-node': it is the pod's
   * node, so `allowed` is everything; 'possibly-same-node': it would be, if the two share a node).
   */
  readonly nodeRule?: NodeRelation;
}

/**
 * Explains one side. For egress, `self` is the source class and `other` the destination;
 * for ingress, `self` is the destination and `other` the source.
 */
export function explainSide(layer: NetworkPolicyLayer, direction: Direction, self: Target, other: Target, selfName: string, otherName: string): SideExplanation {
  const base = { layer: 'kubernetes-networkpolicy' as const, direction };
  if (self.kind === 'address') {
    return { ...base, applies: false, isolated: false, selectedBy: [], allowed: PortSet.ALL, rules: [], reason: `${selfName} is outside the cluster: no NetworkPolicy applies to its ${direction}` };
  }
  const cls = layer.classes[self.index]!;
  if (cls.hostNetwork) {
    return { ...base, applies: false, isolated: false, selectedBy: [], allowed: PortSet.ALL, rules: [], reason: `${selfName} uses hostNetwork: NetworkPolicy does not select it` };
  }
  const selecting = layer.selecting[direction][self.index]!;
  if (selecting.length === 0) {
    return {
      ...base,
      applies: true,
      isolated: false,
      selectedBy: [],
      allowed: PortSet.ALL,
      rules: [],
      reason: `no NetworkPolicy with ${direction === 'ingress' ? 'Ingress' : 'Egress'} in its policyTypes selects ${selfName}: all ${direction} allowed`,
    };
  }
  const dst: Target = direction === 'egress' ? other : self;
  const rules: RuleMatch[] = [];
  let allowed = PortSet.NONE;
  for (const r of layer.classRules[direction][self.index]!) {
    if (!layer.ruleMatches(r, other)) continue;
    const ports = layer.rulePorts(r, dst);
    allowed = allowed.union(ports);
    const peer = layer.matchingPeer(r, other);
    const p = peer >= 0 ? r.rule.peers![peer]! : undefined;
    rules.push({
      policy: r.policy.id,
      direction,
      rule: r.rule.index + 1,
      ...(p ? { peer: peer + 1, peerSource: p.source } : {}),
      peerText: p ? describePeer(p) : `no ${direction === 'ingress' ? 'from' : 'to'}: every ${direction === 'ingress' ? 'source' : 'destination'}`,
      ports,
      source: r.rule.source,
    });
  }
  const selectedBy = selecting.map((p) => ({ policy: p.id, source: p.source }));
  const names = selectedBy.map((p) => p.policy).join(', ');
  let reason: string;
  if (rules.length === 0) reason = `selected by ${names}, but no ${direction} rule matches ${otherName}`;
  else if (allowed.isEmpty()) reason = `selected by ${names}; ${rules.length} rule(s) match ${otherName} but admit no port of it (named ports that do not resolve)`;
  else reason = `selected by ${names}; allowed by ${rules.map((r) => `${r.policy} ${direction} rule #${r.rule}`).join(', ')}`;
  return { ...base, applies: true, isolated: true, selectedBy, allowed, rules, reason };
}
