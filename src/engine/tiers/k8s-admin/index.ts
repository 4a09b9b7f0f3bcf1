/**
 * The admin and baseline tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy),
 * compiled against the pod classes. One instance per tier; each answers, for a class and a peer, the ports
 * its first matching rules accept and deny (policies by priority, rules in written order).
 *
 * What a peer matches: `namespaces`/`pods` selectors see pods that are not host-network; `nodes` sees the
 * Node objects' addresses and the host-network pods scheduled on those nodes (spec.nodeName); `networks`
 * sees addresses, pod IPs included; `domainNames` match no address we can know offline (a caveat says so).
 * Host-network pods are never subjects.
 */
import type { AdminPeer, AdminPolicy, AdminRule, AdminTier as TierName, ClusterNode, Direction, Inventory, IpBlockPeer } from '../../../inventory/types.js';
import { matchesSelector } from '../../../inventory/selector.js';
import { parseIp, type IpRange } from '../../../model/address.js';
import { PortSet } from '../../../model/port-set.js';
import { mergeRanges } from '../../k8s/address-space.js';
import type { PodClass } from '../../k8s/pod-classes.js';
import type { SelectorIndex } from '../../k8s/selector-index.js';
import type { AdminRuleRef, TierAnswer } from '../verdict.js';
import { lex } from '../../../util/compare.js';

/** The synthetic ipBlocks standing for admin `networks` CIDRs, so pod classes split on them. */
export interface AdminBlocks {
  readonly blocks: readonly IpBlockPeer[];
  readonly ofPeer: ReadonlyMap<AdminPeer, readonly IpBlockPeer[]>;
}

const blocksMemo = new WeakMap<readonly AdminPolicy[], AdminBlocks>();

/** The ipBlocks of every admin `networks` peer (memoized per policy list, so identities are stable). */
export function adminNetworkBlocks(policies: readonly AdminPolicy[]): AdminBlocks {
  let m = blocksMemo.get(policies);
  if (!m) {
    const blocks: IpBlockPeer[] = [];
    const ofPeer = new Map<AdminPeer, IpBlockPeer[]>();
    for (const p of policies) {
      for (const r of [...p.ingress, ...p.egress]) {
        for (const peer of r.peers) {
          if (peer.type !== 'networks') continue;
          const list = peer.cidrs.map((cidr, i) => ({ type: 'ipBlock' as const, cidr, cidrText: peer.cidrTexts[i] ?? '', except: [], exceptText: [], source: peer.source }));
          ofPeer.set(peer, list);
          blocks.push(...list);
        }
      }
    }
    blocksMemo.set(policies, (m = { blocks, ofPeer }));
  }
  return m;
}

/** A rule compiled against the classes. */
export interface CompiledAdminRule {
  /** Position in evaluation order across the tier (priority, policy name, rule index). */
  readonly order: number;
  readonly policy: AdminPolicy;
  readonly direction: Direction;
  readonly rule: AdminRule;
  /** Classes its peers match, sorted. */
  readonly peerList: readonly number[];
  /** Outside addresses its peers match (networks, node addresses), merged and sorted. */
  readonly ranges: readonly IpRange[];
  /** Ports given by number or range; named ports are resolved per destination class. */
  readonly fixedPorts: PortSet;
  readonly namedPorts: readonly string[];
}

/** One tier (admin or baseline) compiled against pod classes. */
export class AdminTierModel {
  readonly rules: CompiledAdminRule[] = [];
  /** Per direction, per class: the tier's rules for the class as subject, in evaluation order. */
  readonly classRules: Record<Direction, CompiledAdminRule[][]>;
  /** Policies of this tier, in evaluation order, and the classes each selects. */
  readonly policies: readonly AdminPolicy[];
  readonly subjects: ReadonlyMap<AdminPolicy, readonly number[]>;
  private readonly namedCache = new Map<string, PortSet>();

  constructor(
    readonly tier: TierName,
    inventory: Inventory,
    private readonly classes: readonly PodClass[],
    index: SelectorIndex,
    blockNumber: (b: IpBlockPeer) => number,
  ) {
    this.policies = (inventory.adminPolicies ?? []).filter((p) => p.tier === tier).sort((a, b) => a.priority - b.priority || lex(a.name, b.name));
    const nodes = inventory.nodes ?? [];
    const subjects = new Map<AdminPolicy, readonly number[]>();
    this.classRules = { ingress: classes.map(() => []), egress: classes.map(() => []) };
    const blocks = adminNetworkBlocks(inventory.adminPolicies ?? []);
    const byBlock = new Map<number, number[]>();
    for (const c of classes) for (const b of c.ipBlocks) {
      let l = byBlock.get(b);
      if (!l) byBlock.set(b, (l = []));
      l.push(c.index);
    }
    for (const policy of this.policies) {
      const subject = subjectClasses(policy, index);
      subjects.set(policy, subject);
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of policy[direction]) {
          const lists: (readonly number[])[] = [];
          const ranges: IpRange[] = [];
          for (const peer of rule.peers) {
            if (peer.type === 'namespaces') for (const ns of index.namespacesMatching(peer.namespaceSelector)) lists.push(index.classesMatching(ns, null));
            else if (peer.type === 'pods') for (const ns of index.namespacesMatching(peer.namespaceSelector)) lists.push(index.classesMatching(ns, peer.podSelector));
            else if (peer.type === 'nodes') {
              const matching = nodes.filter((n) => matchesSelector(peer.nodeSelector, n.labels));
              const names = new Set(matching.map((n) => n.name));
              lists.push(classes.filter((c) => c.hostNetwork && c.pods[0]!.nodeName !== undefined && names.has(c.pods[0]!.nodeName)).map((c) => c.index));
              ranges.push(...nodeRanges(matching));
            } else if (peer.type === 'networks') {
              for (const b of blocks.ofPeer.get(peer) ?? []) {
                ranges.push(b.cidr.range);
                lists.push(byBlock.get(blockNumber(b)) ?? []);
              }
            }
          }
          let fixedPorts = rule.ports === null ? PortSet.ALL : PortSet.NONE;
          const namedPorts: string[] = [];
          for (const p of rule.ports ?? []) {
            if (p.type === 'named') namedPorts.push(p.name);
            else fixedPorts = fixedPorts.union(PortSet.of(p.protocol, p.start, p.end));
          }
          const cr: CompiledAdminRule = {
            order: this.rules.length,
            policy,
            direction,
            rule,
            peerList: [...new Set(lists.flat())].sort((a, b) => a - b),
            ranges: mergeRanges(ranges),
            fixedPorts,
            namedPorts,
          };
          this.rules.push(cr);
          for (const c of subject) this.classRules[direction][c]!.push(cr);
        }
      }
    }
    this.subjects = subjects;
    // Evaluation order is policy order then rule order; rules were pushed per policy, ingress before egress.
    for (const dir of ['ingress', 'egress'] as const) for (const l of this.classRules[dir]) l.sort((a, b) => a.order - b.order);
  }

  /** True when the tier has no rule for anyone. */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** The ports a rule names towards a destination (a class resolves named ports; an address has none). */
  rulePorts(r: CompiledAdminRule, dstClass: number | undefined): PortSet {
    if (r.namedPorts.length === 0 || dstClass === undefined) return r.fixedPorts;
    const key = `${r.order}:${dstClass}`;
    let s = this.namedCache.get(key);
    if (!s) {
      s = r.fixedPorts;
      for (const cp of this.classes[dstClass]!.ports) if (cp.name !== undefined && r.namedPorts.includes(cp.name)) s = s.union(PortSet.of(cp.protocol, cp.port));
      this.namedCache.set(key, s);
    }
    return s;
  }

  /** Does the rule's peer list match the other end (a class, or an address range lying wholly in one of its ranges)? */
  matches(r: CompiledAdminRule, other: { kind: 'class'; index: number } | { kind: 'address'; range: IpRange }): boolean {
    if (other.kind === 'class') return binaryHas(r.peerList, other.index);
    const x = other.range;
    return r.ranges.some((g) => g.family === x.family && g.lo <= x.lo && x.hi <= g.hi);
  }

  /**
   * First-match answer of this tier at `self` (the subject) for traffic with `other`: the ports accepted
   * and denied, and the steps (rule, ports) that decided them.
   */
  decide(dir: Direction, self: number, other: { kind: 'class'; index: number } | { kind: 'address'; range: IpRange }): TierAnswer & { readonly steps: readonly { readonly rule: CompiledAdminRule; readonly ports: PortSet }[] } {
    let remaining = PortSet.ALL;
    let accept = PortSet.NONE;
    let deny = PortSet.NONE;
    const steps: { rule: CompiledAdminRule; ports: PortSet }[] = [];
    if (this.classes[self]!.hostNetwork) return { accept, deny, steps };
    const dstClass = dir === 'ingress' ? self : other.kind === 'class' ? other.index : undefined;
    for (const r of this.classRules[dir][self]!) {
      if (remaining.isEmpty()) break;
      if (!this.matches(r, other)) continue;
      const p = this.rulePorts(r, dstClass).intersect(remaining);
      if (p.isEmpty()) continue;
      remaining = remaining.subtract(p);
      if (r.rule.action === 'accept') accept = accept.union(p);
      else if (r.rule.action === 'deny') deny = deny.union(p);
      steps.push({ rule: r, ports: p });
    }
    return { accept, deny, steps };
  }

  /** True when some rule of this tier applies to the class in this direction. */
  applies(dir: Direction, cls: number): boolean {
    return this.classRules[dir][cls]!.length > 0;
  }

  /** What tells classes apart for this tier: subject memberships, peer memberships, named port resolution. */
  signatures(): string[] {
    const sig: string[][] = this.classes.map(() => []);
    this.policies.forEach((p, i) => {
      for (const c of this.subjects.get(p) ?? []) sig[c]!.push(`s${i}`);
    });
    for (const r of this.rules) {
      for (const c of r.peerList) sig[c]!.push(`p${r.order}`);
      if (r.namedPorts.length > 0) for (const c of this.classes) sig[c.index]!.push(`n${r.order}=${this.rulePorts(r, c.index).key()}`);
    }
    return sig.map((s) => s.join(','));
  }

  /** Address boundaries this tier's rules cut the outside into. */
  cuts(): IpRange[] {
    return this.rules.flatMap((r) => r.ranges);
  }

  /** How explanations name a compiled rule. */
  ref(r: CompiledAdminRule): AdminRuleRef {
    return {
      policy: r.policy.name,
      kind: r.policy.kind,
      priority: r.policy.priority,
      direction: r.direction,
      rule: r.rule.index + 1,
      ...(r.rule.name !== undefined ? { name: r.rule.name } : {}),
      action: r.rule.action,
      source: r.rule.source,
    };
  }
}

/** Classes a policy's subject selects (host-network pods never). */
function subjectClasses(p: AdminPolicy, index: SelectorIndex): readonly number[] {
  const out: number[] = [];
  for (const ns of index.namespacesMatching(p.subject.namespaceSelector)) {
    out.push(...index.classesMatching(ns, p.subject.type === 'pods' ? p.subject.podSelector : null));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Every address of the nodes, as single-address ranges. */
function nodeRanges(nodes: readonly ClusterNode[]): IpRange[] {
  const out: IpRange[] = [];
  for (const n of nodes) {
    for (const a of n.addresses) {
      const ip = parseIp(a);
      if (ip) out.push({ family: ip.family, lo: ip.value, hi: ip.value });
    }
  }
  return out;
}

function binaryHas(sorted: readonly number[], x: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid;
  }
  return false;
}
