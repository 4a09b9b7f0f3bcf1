/**
 * Segmentation tests: concrete checks (one source, one destination, one port, an expectation), the
 * verdict the model gives, what a runner observed, and the interface every runner implements.
 */
import type { Diagnostic, SourceRef } from '../../inventory/types.js';
import type { Protocol } from '../../model/port-set.js';

export type Verdict = 'allow' | 'deny';

/** One end of a check: a pod (a sampled replica of a workload), an AWS network interface, or an outside address. */
export interface CheckEnd {
  /** What the report prints: the pod id, the interface (`eni-0abc[Name]`), or the address. */
  readonly id: string;
  /** The interface's endpoint id (`account/region/vpc/eni`), when an AWS network interface. */
  readonly eni?: string;
  /** The instance the interface is attached to, when any. */
  readonly instance?: string;
  /** `namespace/name` of the pod; absent for an address. */
  readonly pod?: string;
  /** The pod's workload id, when a pod. */
  readonly workload?: string;
  /** The outside address, when not a pod. */
  readonly address?: string;
  /** The segment it was taken from, when generated from one. */
  readonly segment?: string;
}

/** Where a check comes from: a written test, or what the intent implies. */
export interface CheckOrigin {
  readonly kind: 'test' | 'flow' | 'segment-pair' | 'never' | 'isolated' | 'egress';
  /** e.g. "tests[2]", "flow #3 web → api", "never #1 dev → data". */
  readonly label: string;
  readonly source?: SourceRef;
}

export interface Check {
  /** 1-based, stable for one input and intent. */
  readonly id: number;
  readonly origin: CheckOrigin;
  readonly from: CheckEnd;
  readonly to: CheckEnd;
  readonly protocol: Protocol;
  readonly port: number;
  readonly expect: Verdict;
  /**
   * Checks of one group (a flow, a segment pair of it, one port) stand for the flow as `audit` reads it:
   * it works when some member pair gets it, so one allowed check satisfies the others of its group.
   */
  readonly group?: string;
}

/** What the engine says about a check, and the rule that decides it. */
export interface ModelVerdict {
  readonly verdict: Verdict;
  /** The deciding rule in words, e.g. "allowed by shop-prod/api ingress rule #1 (prod-policies.yaml:60)". */
  readonly rule: string;
  readonly ruleSource?: SourceRef;
  /** Between two dual-stack interfaces: each family's verdict (the check's is allow when either allows). */
  readonly families?: FamilyVerdicts;
}

/** A verdict per address family, for the checks taken in both. */
export type FamilyVerdicts = Partial<Record<4 | 6, Verdict>>;

/** What a runner saw when it tried the connection. */
export interface Observation {
  /** skipped: not probed (reason in detail); error: the probe itself failed (a lab defect, not a verdict). */
  readonly verdict: Verdict | 'skipped' | 'error';
  readonly detail?: string;
  readonly ms?: number;
  /** What each family's probe saw, when the check was probed in both. */
  readonly families?: FamilyVerdicts;
}

/**
 * A way to try connections: the lab (network namespaces and nftables on this machine), later a live
 * cluster. The model's verdict is always computed beside it; a runner only observes.
 */
export interface Runner {
  readonly name: string;
  /** Tries every check; returns an observation per check id. */
  observe(checks: readonly Check[]): Promise<Map<number, Observation>>;
}

export type CheckStatus = 'pass' | 'fail';

export interface CheckResult {
  readonly check: Check;
  readonly model: ModelVerdict;
  readonly observed?: Observation;
  readonly status: CheckStatus;
  /** Why it failed: the expectation is not met, or the model and the runner disagree. */
  readonly reasons: readonly string[];
  /** True when a runner observed a verdict other than the model's: a defect of one of them. */
  readonly disagreement: boolean;
  /** A denied check of a group passes when this check of the group got through. */
  readonly satisfiedBy?: number;
}

export interface TestRun {
  readonly schema: 'bulkhead.test/v1';
  /** model, or the runner that observed. */
  readonly runner: string;
  readonly intent?: string;
  readonly results: readonly CheckResult[];
  readonly summary: {
    readonly checks: number;
    readonly passed: number;
    readonly failed: number;
    /** Model/runner disagreements among the failures. */
    readonly disagreements: number;
    /** Checks a runner did not probe (SCTP without a kernel module, --max-probes). */
    readonly skipped: number;
    readonly probes: number;
    readonly ms: number;
  };
  /** Notes on what was generated, sampled or left out. */
  readonly notes: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}
