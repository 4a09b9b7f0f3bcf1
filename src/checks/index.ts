/** Every check, registered explicitly and sorted by id (no folder scanning: a test keeps it sorted and documented). */
import adminDenyBreaksFlow from './admin-deny-breaks-flow.js';
import adminPassToBaseline from './admin-pass-to-baseline.js';
import adminPriorityOverlap from './admin-priority-overlap.js';
import adminShadowedRule from './admin-shadowed-rule.js';
import allNamespacesPeer from './all-namespaces-peer.js';
import baselineAllowsPastDefaultDeny from './baseline-allows-past-default-deny.js';
import allowAllEgress from './allow-all-egress.js';
import allowAllIngress from './allow-all-ingress.js';
import cniDependentRule from './cni-dependent-rule.js';
import deadPeer from './dead-peer.js';
import egressToInternet from './egress-to-internet.js';
import egressWithoutDns from './egress-without-dns.js';
import intentBrokenFlow from './intent-broken-flow.js';
import intentEgress from './intent-egress.js';
import intentEmptySegment from './intent-empty-segment.js';
import intentFlatSegment from './intent-flat-segment.js';
import intentIsolated from './intent-isolated.js';
import intentNever from './intent-never.js';
import intentOverbroad from './intent-overbroad.js';
import intentUnmapped from './intent-unmapped.js';
import inputError from './input-error.js';
import intentViolation from './intent-violation.js';
import missingDefaultDenyEgress from './missing-default-deny-egress.js';
import missingDefaultDenyIngress from './missing-default-deny-ingress.js';
import obsoleteIsolationAnnotation from './obsolete-isolation-annotation.js';
import policySelectsNothing from './policy-selects-nothing.js';
import shadowedRule from './shadowed-rule.js';
import unmodelledObject from './unmodelled-object.js';
import unreachableWorkload from './unreachable-workload.js';
import unresolvedNamedPort from './unresolved-named-port.js';
import unselectedPods from './unselected-pods.js';
import voidedDefaultDeny from './voided-default-deny.js';
import type { Check } from './types.js';

export const CHECKS: readonly Check[] = [
  adminDenyBreaksFlow,
  adminPassToBaseline,
  adminPriorityOverlap,
  adminShadowedRule,
  allNamespacesPeer,
  allowAllEgress,
  allowAllIngress,
  baselineAllowsPastDefaultDeny,
  cniDependentRule,
  deadPeer,
  egressToInternet,
  egressWithoutDns,
  inputError,
  intentBrokenFlow,
  intentEgress,
  intentEmptySegment,
  intentFlatSegment,
  intentIsolated,
  intentNever,
  intentOverbroad,
  intentUnmapped,
  intentViolation,
  missingDefaultDenyEgress,
  missingDefaultDenyIngress,
  obsoleteIsolationAnnotation,
  policySelectsNothing,
  shadowedRule,
  unmodelledObject,
  unreachableWorkload,
  unresolvedNamedPort,
  unselectedPods,
  voidedDefaultDeny,
];

/** A check by id. */
export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}

export * from './types.js';
