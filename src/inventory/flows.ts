/** Observed flows (VPC Flow Logs, Hubble), normalised: one connection attempt seen on the wire. */
import type { SourceRef } from './types.js';

/** One end as the observer saw it: an address, and for Hubble the pod it belonged to. */
export interface FlowEnd {
  readonly ip?: string;
  readonly namespace?: string;
  readonly pod?: string;
  /** Hubble's owning workloads (Cilium 1.13+). */
  readonly workload?: { readonly name: string; readonly kind: string };
}

export interface ObservedFlow {
  readonly origin: 'vpc-flow-logs' | 'hubble';
  /** ISO-8601 UTC. */
  readonly start: string;
  readonly end: string;
  readonly src: FlowEnd;
  readonly dst: FlowEnd;
  /** TCP, UDP, SCTP, ICMP, ICMPv6, or the IANA number as text. */
  readonly protocol: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** allowed: ACCEPT / FORWARDED; denied: REJECT / DROPPED. */
  readonly verdict: 'allowed' | 'denied';
  readonly packets?: number;
  readonly bytes?: number;
  /** Why it was dropped, when the observer says (Hubble drop_reason_desc, VPC reject-reason). */
  readonly reason?: string;
  readonly source: SourceRef;
}
