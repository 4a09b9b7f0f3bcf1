/** The AWS lab runner (placeholder until the VPC emulation lands): every check is skipped with the reason. */
import type { AwsAnalysis } from '../analyses/aws/reach.js';
import type { Check, Observation, Runner } from '../analyses/test/types.js';

export interface AwsLabOptions {
  readonly timeoutMs?: number;
  readonly maxProbes?: number;
}

export class AwsLabRunner implements Runner {
  readonly name = 'lab';
  constructor(
    readonly aws: AwsAnalysis,
    readonly opts: AwsLabOptions = {},
  ) {}

  async observe(checks: readonly Check[]): Promise<Map<number, Observation>> {
    return new Map(checks.map((c) => [c.id, { verdict: 'skipped', detail: 'the AWS lab is not built yet' }]));
  }
}
