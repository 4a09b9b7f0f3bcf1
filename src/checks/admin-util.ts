/** Helpers of the admin and baseline tier checks: naming their policies and rules. */
import type { AdminRuleRef } from '../engine/tiers/verdict.js';
import type { CompiledAdminRule } from '../engine/tiers/k8s-admin/index.js';
import type { ResourceRef } from './types.js';

/** The resource of an admin or baseline policy (cluster-scoped). */
export function adminPolicyRef(r: CompiledAdminRule | AdminRuleRef): ResourceRef {
  return 'order' in r ? { kind: r.policy.kind, name: r.policy.name } : { kind: r.kind, name: r.policy };
}

/** "AdminNetworkPolicy deny-dev (priority 10) ingress rule #2 (block-db)". */
export function adminRuleName(r: CompiledAdminRule): string {
  const prio = r.policy.kind === 'BaselineAdminNetworkPolicy' ? '' : ` (priority ${r.policy.priority})`;
  return `${r.policy.kind} ${r.policy.name}${prio} ${r.direction} rule #${r.rule.index + 1}${r.rule.name ? ` (${r.rule.name})` : ''}`;
}
