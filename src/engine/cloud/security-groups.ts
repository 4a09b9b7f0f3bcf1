/**
 * Security groups (stateful, allow-only): what the union of an ENI's groups allows to or from one address.
 * A CIDR peer matches the address; a prefix list matches its entries; a referenced group matches the private
 * addresses of the ENIs in it, only when it is in the same VPC, a VPC peered in the same Region, or for an
 * inbound rule a VPC sharing a transit gateway with security group referencing (group-references.ts; else
 * the reference is stale and allows nothing).
 */
import type { NetworkInterface, SecurityGroup, SgRule } from '../../inventory/aws/types.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { formatKey, inRange, type Estate } from './estate.js';
import type { Step, StepRule } from './steps.js';

/** Whether a rule's peer covers an address, from the point of view of the group holding the rule. */
export function peerMatches(est: Estate, holder: SecurityGroup, rule: SgRule, address: bigint, direction: 'ingress' | 'egress'): boolean {
  const p = rule.peer;
  if (p.kind === 'cidr') return inRange(p.cidr.range, address);
  if (p.kind === 'prefix-list') {
    const l = est.prefixLists.get(p.id);
    return !!l && l.entries.some((c) => inRange(c.range, address));
  }
  const g = est.groups.get(p.id);
  if (!g) return false;
  if (!est.referenceWorks(holder.vpc, g.vpc, direction)) return false;
  return est.members.get(g.id)?.has(address) ?? false;
}

/** What the union of some groups allows toward (egress) or from (ingress) an address: the stage without its explanation. */
export function securityGroupTraffic(est: Estate, groups: readonly string[], direction: 'ingress' | 'egress', address: bigint): TrafficSet {
  let traffic = TrafficSet.EMPTY;
  for (const gid of groups) {
    const g = est.groups.get(gid);
    if (!g) continue;
    for (const rule of direction === 'ingress' ? g.ingress : g.egress) if (peerMatches(est, g, rule, address, direction)) traffic = traffic.union(rule.traffic);
  }
  return traffic;
}

/**
 * A group set's rules in one direction, matched in two parts that reach caches apart: CIDR and prefix-list
 * peers by the address (so by its atom), group references by the groups the address is a member of. The
 * union of the two masks is the set of rules `peerMatches` matches; at most 30 rules (else undefined).
 */
export class RuleMasks {
  private readonly rules: ReadonlyArray<{ g: SecurityGroup; rule: SgRule }>;
  /** Referenced group -> the rules whose (valid) reference names it. */
  private readonly byGroup = new Map<string, number>();
  private readonly addressRules: number[] = [];

  private constructor(private readonly est: Estate, rules: ReadonlyArray<{ g: SecurityGroup; rule: SgRule }>, private readonly direction: 'ingress' | 'egress') {
    this.rules = rules;
    rules.forEach(({ g, rule }, n) => {
      const p = rule.peer;
      if (p.kind !== 'group') {
        this.addressRules.push(n);
        return;
      }
      const ref = est.groups.get(p.id);
      // A reference to a group of another VPC works only where peerMatches lets it.
      if (!ref || !est.referenceWorks(g.vpc, ref.vpc, direction)) return;
      this.byGroup.set(ref.id, (this.byGroup.get(ref.id) ?? 0) | (1 << n));
    });
  }

  /** The rules of `groups` in one direction, or undefined when there are more than 30. */
  static of(est: Estate, groups: readonly string[], direction: 'ingress' | 'egress'): RuleMasks | undefined {
    const rules: Array<{ g: SecurityGroup; rule: SgRule }> = [];
    for (const gid of groups) {
      const g = est.groups.get(gid);
      if (g) for (const rule of direction === 'ingress' ? g.ingress : g.egress) rules.push({ g, rule });
    }
    return rules.length <= 30 ? new RuleMasks(est, rules, direction) : undefined;
  }

  /** Bit n set when rule n's CIDR or prefix-list peer covers the address. */
  addressMask(address: bigint): number {
    let mask = 0;
    for (const n of this.addressRules) if (peerMatches(this.est, this.rules[n]!.g, this.rules[n]!.rule, address, this.direction)) mask |= 1 << n;
    return mask;
  }

  /** The groups that (valid) references of the rules name. */
  referencedGroups(): Iterable<string> {
    return this.byGroup.keys();
  }

  /** Bit n set when rule n references one of these groups (the groups an address is a member of). */
  memberMask(groups: readonly string[]): number {
    let mask = 0;
    for (const g of groups) mask |= this.byGroup.get(g) ?? 0;
    return mask;
  }

  /** What the rules of a mask allow together. */
  traffic(mask: number): TrafficSet {
    let t = TrafficSet.EMPTY;
    for (let n = 0; n < this.rules.length; n++) if (mask & (1 << n)) t = t.union(this.rules[n]!.rule.traffic);
    return t;
  }
}

/** The security group stage of one ENI toward (egress) or from (ingress) an address. */
export function securityGroupStep(est: Estate, eni: NetworkInterface, direction: 'ingress' | 'egress', address: bigint): Step {
  let traffic = TrafficSet.EMPTY;
  const rules: StepRule[] = [];
  for (const gid of eni.securityGroups) {
    const g = est.groups.get(gid);
    if (!g) continue;
    const list = direction === 'ingress' ? g.ingress : g.egress;
    list.forEach((rule, i) => {
      if (!peerMatches(est, g, rule, address, direction)) return;
      traffic = traffic.union(rule.traffic);
      rules.push({ id: `${g.id} ${direction} #${i}`, action: 'allow', source: rule.source, traffic: rule.traffic });
    });
  }
  const who = eni.securityGroups.length > 0 ? eni.securityGroups.join(', ') : 'no security group';
  const peer = formatKey(address);
  const stage = direction === 'ingress' ? 'sg-ingress' : 'sg-egress';
  if (traffic.isEmpty()) {
    const blockers: StepRule[] = eni.securityGroups.map((gid) => {
      const g = est.groups.get(gid);
      return { id: g ? g.id : `${gid} (not in the snapshot)`, action: 'deny', ...(g ? { source: g.source } : {}) };
    });
    return { stage, resource: who, verdict: 'deny', traffic, rules: blockers, message: `no ${direction} rule of ${who} allows ${direction === 'ingress' ? 'from' : 'to'} ${peer}` };
  }
  const verdict = traffic.equals(TrafficSet.ALL) ? 'allow' : 'partial';
  return { stage, resource: who, verdict, traffic, rules, message: `${who} allow ${traffic} ${direction === 'ingress' ? 'from' : 'to'} ${peer}` };
}
