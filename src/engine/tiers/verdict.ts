/**
 * How ordered tiers compose, per direction (egress at the source, ingress at the destination):
 *   admin tier (first match by priority, then rule order: accept / deny / pass)
 *   -> NetworkPolicy (a pod isolated in this direction accepts its rules' union and denies the rest; else pass)
 *   -> baseline tier (first match: accept / deny; pass falls through)
 *   -> default accept.
 * A tier's answer for one (endpoint, peer) is two disjoint port sets, accept and deny; the rest passes.
 */
import { PortSet } from '../../model/port-set.js';
import type { AdminAction, AdminPolicy, Direction, SourceRef } from '../../inventory/types.js';

/** What one tier decided for one endpoint and peer: the rest of the ports passes to the next tier. */
export interface TierAnswer {
  readonly accept: PortSet;
  readonly deny: PortSet;
}

/**
 * One direction's verdict: admin accepts, else (not denied by admin) what NetworkPolicy allows when it
 * isolates the pod, else what the baseline tier does not deny.
 */
export function composeSide(admin: TierAnswer, npIsolated: boolean, np: PortSet, baseline: TierAnswer): PortSet {
  const below = npIsolated ? np : PortSet.ALL.subtract(baseline.deny);
  return admin.accept.union(below.subtract(admin.deny));
}

/** The stages of the Kubernetes pipeline, in order. */
export type StageId = 'k8s-admin' | 'k8s-networkpolicy' | 'k8s-baseline' | 'default';

/** An admin or baseline rule that decided some ports, as explanations name it. */
export interface AdminRuleRef {
  readonly policy: string;
  readonly kind: AdminPolicy['kind'];
  readonly priority: number;
  readonly direction: Direction;
  /** 1-based, as people count rules. */
  readonly rule: number;
  readonly name?: string;
  readonly action: AdminAction;
  readonly source: SourceRef;
}

/** One stage's verdict on some ports of one direction, with the rule or policy behind it. */
export interface StageStep {
  readonly stage: StageId;
  readonly direction: Direction;
  readonly decision: 'accept' | 'deny' | 'pass';
  /** The admin/baseline rule that matched (absent: no rule of that tier matched, it passed). */
  readonly rule?: AdminRuleRef;
  /** NetworkPolicy stage: the rules (policy ingress/egress rule #n) that admit these ports, or the isolating policies. */
  readonly policies?: readonly string[];
  readonly source?: SourceRef;
}
