/** What an audit looked at, in words: the cluster's workloads and policies, an AWS estate's interfaces, or both. */
import type { AuditSummary } from '../../analyses/audit.js';
import { num } from '../numbers.js';

/** "14 workload(s) and 15 policies", "5 network interface(s) in 2 VPC(s)", or both joined; `policyWord` names the policies. */
export function auditSubjects(s: AuditSummary, policyWord = 'policies'): string {
  const cluster = `${num(s.workloads)} workload(s) and ${num(s.policies)} ${policyWord}${s.adminPolicies ? ` (and ${num(s.adminPolicies)} admin/baseline)` : ''}`;
  if (!s.aws) return cluster;
  const estate = `${num(s.aws.interfaces)} network interface(s) in ${num(s.aws.vpcs)} VPC(s)`;
  return s.workloads > 0 || s.policies > 0 ? `${cluster}, and ${estate}` : estate;
}
