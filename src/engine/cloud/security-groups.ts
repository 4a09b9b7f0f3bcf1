/**
 * Security groups (stateful, allow-only): what the union of an ENI's groups allows to or from one address.
 * A CIDR peer matches the address; a prefix list matches its entries; a referenced group matches the private
 * addresses of the ENIs in it, only when it is in the same VPC or a VPC peered in the same Region (else the
 * reference is stale and allows nothing).
 */
import type { NetworkInterface, SecurityGroup, SgRule } from '../../inventory/aws/types.js';
import { formatIp } from '../../model/address.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { inRange, type Estate } from './estate.js';
import type { Step, StepRule } from './steps.js';

/** Whether a rule's peer covers an address, from the point of view of the group holding the rule. */
export function peerMatches(est: Estate, holder: SecurityGroup, rule: SgRule, address: bigint): boolean {
  const p = rule.peer;
  if (p.kind === 'cidr') return inRange(p.cidr.range, address);
  if (p.kind === 'prefix-list') {
    const l = est.prefixLists.get(p.id);
    return !!l && l.entries.some((c) => inRange(c.range, address));
  }
  const g = est.groups.get(p.id);
  if (!g) return false;
  if (g.vpc !== holder.vpc && !est.peeredSameRegion(holder.vpc, g.vpc)) return false;
  return est.members.get(g.id)?.has(address) ?? false;
}

/** What the union of some groups allows toward (egress) or from (ingress) an address: the stage without its explanation. */
export function securityGroupTraffic(est: Estate, groups: readonly string[], direction: 'ingress' | 'egress', address: bigint): TrafficSet {
  let traffic = TrafficSet.EMPTY;
  for (const gid of groups) {
    const g = est.groups.get(gid);
    if (!g) continue;
    for (const rule of direction === 'ingress' ? g.ingress : g.egress) if (peerMatches(est, g, rule, address)) traffic = traffic.union(rule.traffic);
  }
  return traffic;
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
      if (!peerMatches(est, g, rule, address)) return;
      traffic = traffic.union(rule.traffic);
      rules.push({ id: `${g.id} ${direction} #${i}`, action: 'allow', source: rule.source, traffic: rule.traffic });
    });
  }
  const who = eni.securityGroups.length > 0 ? eni.securityGroups.join(', ') : 'no security group';
  const peer = formatIp(4, address);
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
