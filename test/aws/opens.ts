/** A crafted-estate check shared by the AWS tests: the engine's answer, asserted equal to the reference evaluator's. */
import assert from 'node:assert/strict';
import type { AwsAnalysis } from '../../src/analyses/aws/reach.js';
import { PROTO_TCP } from '../../src/model/traffic-set.js';
import { referenceVerdict } from '../oracle/aws/reference.js';

/** TCP `port` from `from` to `to` (endpoint names as the CLI takes them): allowed or not, the same in both evaluators. */
export function opens(a: AwsAnalysis, from: string, to: string, port: number): boolean {
  const s = a.endpointOf(from)!;
  const d = a.endpointOf(to)!;
  const got = a.explainPath(s, d).conns.has(PROTO_TCP, port);
  assert.equal(got, referenceVerdict(a.inventory, s, d, { protocol: PROTO_TCP, value: port }) === 'allowed', `${from} -> ${to} TCP ${port}: engine and reference differ`);
  return got;
}
