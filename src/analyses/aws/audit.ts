/**
 * The audit over AWS input, for `audit` and the library: the cloud checks beside the cluster's (only the
 * input checks when no cluster is read with it), and with an intent the segments with aws criteria judged
 * on the estate. One list of findings, rendered by every audit format.
 */
import { CHECKS } from '../../checks/index.js';
import type { Check } from '../../checks/types.js';
import type { AuditResult } from '../audit.js';
import type { Intent } from '../intent/index.js';
import { awsChecks } from './checks.js';
import { awsIntentChecks } from './intent-checks.js';
import type { AwsAnalysis } from './reach.js';

/** The checks one audit runs over an estate, and over the cluster read with it (`clusterToo`). */
export function awsAuditChecks(aws: AwsAnalysis, intent: Intent | undefined, clusterToo: boolean): Check[] {
  return [...(clusterToo ? CHECKS : CHECKS.filter((c) => c.meta.category === 'input')), ...awsChecks(aws), ...(intent ? awsIntentChecks(aws, intent) : [])];
}

/** The result with the estate's size in its summary. */
export function withAwsSummary(r: AuditResult, aws: AwsAnalysis): AuditResult {
  const ai = aws.inventory;
  return { ...r, summary: { ...r.summary, aws: { interfaces: ai.interfaces.length, securityGroups: ai.securityGroups.length, vpcs: ai.vpcs.length } } };
}
