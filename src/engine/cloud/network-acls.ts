/**
 * Network ACLs (stateless): entries in rule-number order, the first that matches a packet decides, and
 * what no entry matches is denied (the `*` rule). As sets: each matching entry takes what earlier ones left.
 */
import type { NaclEntry, NetworkAcl } from '../../inventory/aws/types.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { formatKey, inRange } from './estate.js';
import type { Step, StepRule } from './steps.js';

export interface AclResult {
  readonly allowed: TrafficSet;
  /** Entries that decided some traffic, with what each decided. */
  readonly decided: readonly StepRule[];
}

function entryId(acl: NetworkAcl, e: NaclEntry): string {
  return `${acl.id} ${e.egress ? 'outbound' : 'inbound'} #${e.ruleNumber === 32767 ? '*' : e.ruleNumber}`;
}

/** What an ACL lets through in one direction for packets whose other end is `peer` (dst outbound, src inbound). */
export function aclAllows(acl: NetworkAcl, direction: 'inbound' | 'outbound', peer: bigint, within: TrafficSet = TrafficSet.ALL): AclResult {
  let left = within;
  let allowed = TrafficSet.EMPTY;
  const decided: StepRule[] = [];
  for (const e of direction === 'inbound' ? acl.inbound : acl.outbound) {
    if (left.isEmpty()) break;
    if (!inRange(e.cidr.range, peer)) continue;
    const took = left.intersect(e.traffic);
    if (took.isEmpty()) continue;
    left = left.subtract(took);
    if (e.action === 'allow') allowed = allowed.union(took);
    decided.push({ id: entryId(acl, e), action: e.action, source: e.source, traffic: took });
  }
  if (!left.isEmpty()) decided.push({ id: `${acl.id} ${direction} * (no entry matches)`, action: 'deny', source: acl.source, traffic: left });
  return { allowed, decided };
}

/** What an ACL lets through, without the entries that decided it (for reach); no ACL known allows all. */
export function aclTraffic(acl: NetworkAcl | undefined, direction: 'inbound' | 'outbound', peer: bigint, within: TrafficSet = TrafficSet.ALL): TrafficSet {
  if (!acl) return within;
  let left = within;
  let allowed = TrafficSet.EMPTY;
  for (const e of direction === 'inbound' ? acl.inbound : acl.outbound) {
    if (left.isEmpty()) break;
    if (!inRange(e.cidr.range, peer)) continue;
    const took = left.intersect(e.traffic);
    if (took.isEmpty()) continue;
    left = left.subtract(took);
    if (e.action === 'allow') allowed = allowed.union(took);
  }
  return allowed;
}

/** The NACL stage of a subnet crossing; a denial lists every entry that denies part of the traffic. */
export function aclStep(acl: NetworkAcl | undefined, subnet: string, direction: 'inbound' | 'outbound', peer: bigint, stage: 'nacl-outbound' | 'nacl-inbound' | 'nacl-reply' = direction === 'inbound' ? 'nacl-inbound' : 'nacl-outbound', within: TrafficSet = TrafficSet.ALL): Step {
  const p = formatKey(peer);
  const toFrom = direction === 'inbound' ? 'from' : 'to';
  if (!acl) {
    // The snapshot has no ACL for the subnet; AWS always has one. Counted as allowing (a diagnostic says so).
    return { stage, resource: `${subnet} (no network ACL in the snapshot)`, verdict: 'allow', traffic: within, rules: [], message: `no network ACL known for ${subnet}: assumed to allow` };
  }
  const r = aclAllows(acl, direction, peer, within);
  const verdict = r.allowed.isEmpty() ? 'deny' : r.allowed.equals(within) ? 'allow' : 'partial';
  const rules = verdict === 'deny' ? r.decided.filter((d) => d.action === 'deny') : r.decided;
  return { stage, resource: acl.id, verdict, traffic: r.allowed, rules, message: `${acl.id} ${direction} ${toFrom} ${p}: ${verdict === 'deny' ? 'denies' : 'allows'} ${verdict === 'deny' ? within : r.allowed}` };
}
