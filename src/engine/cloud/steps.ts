/** The hop-by-hop explanation of a cloud path: each stage's verdict and the settings behind it. */
import type { AwsSourceRef } from '../../inventory/aws/types.js';
import type { TrafficSet } from '../../model/traffic-set.js';

export type StageId =
  | 'sg-egress' | 'nacl-outbound' | 'route' | 'tgw-route' | 'gateway' | 'return-route' | 'nacl-inbound' | 'sg-ingress'
  | 'nacl-reply';

/** A setting that decided (part of) a stage: a rule, an entry, a route, or the resource itself. */
export interface StepRule {
  /** e.g. "sg-1 ingress #0", "acl-1 inbound #100", "rtb-1 10.1.0.0/16 -> pcx-1". */
  readonly id: string;
  readonly action: 'allow' | 'deny';
  readonly source?: AwsSourceRef;
  /** The traffic this setting decided. */
  readonly traffic?: TrafficSet;
}

export interface Step {
  readonly stage: StageId;
  /** The resource evaluated: a security group list, an ACL, a route table, a gateway. */
  readonly resource: string;
  /** allow: all traffic passes; deny: none; partial: some. */
  readonly verdict: 'allow' | 'deny' | 'partial';
  /** What passes this stage. */
  readonly traffic: TrafficSet;
  /** For an allow, the settings that let traffic through; for a denial, every setting that blocks. */
  readonly rules: readonly StepRule[];
  readonly message: string;
  /** For a NACL stage at a transit gateway attachment's subnet: the attachment. */
  readonly attachment?: string;
}
