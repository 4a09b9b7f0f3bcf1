/** The CLI on AWS snapshots with an intent (audit --intent, init) and blast, end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

const EX = 'examples/aws';

test('audit on AWS-only input counts network interfaces and VPCs, not workloads and policies', () => {
  const t = runCli(['audit', EX, '--no-intent', '-q']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /checks on 4 network interface\(s\) in 2 VPC\(s\);/);
  assert.doesNotMatch(t.stdout, /workload\(s\)/);
  assert.match(runCli(['audit', EX, '--no-intent', '-q', '-f', 'md']).stdout, /across 4 network interface\(s\) in 2 VPC\(s\)/);
  const j = JSON.parse(runCli(['audit', EX, '--no-intent', '-q', '-f', 'json']).stdout);
  assert.deepEqual(j.summary.aws, { interfaces: 4, securityGroups: 4, vpcs: 2 });
  // Both inputs: the cluster's counts, then the estate's.
  assert.match(runCli(['audit', 'examples/shop', EX, '--no-intent', '-q']).stdout, /checks on \d+ workload\(s\) and \d+ policies, and 4 network interface\(s\) in 2 VPC\(s\);/);
});
