/** The read-only IAM policy docs/aws.md prints is exactly the calls `collect --aws` and scripts/collect-aws.sh make. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { PER_OBJECT_CALLS, REGION_CALLS, readOnlyPolicy, requiredActions } from '../../src/sources/aws/live/index.js';

const kebab = (action: string): string => action.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

test('docs/aws.md prints the policy of the collector\'s calls, all of them Describe*, Get* or Search*', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/aws.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Collecting a snapshot'));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'a JSON policy block in "Collecting a snapshot"');
  assert.deepEqual(JSON.parse(block[1]!), readOnlyPolicy());
  const actions = [...REGION_CALLS, ...PER_OBJECT_CALLS].map((c) => c.action);
  assert.equal(new Set(actions).size, actions.length);
  assert.deepEqual(requiredActions(), actions.map((a) => `ec2:${a}`).sort());
  for (const a of actions) assert.match(a, /^(Describe|Get|Search)[A-Z]/);
});

test('scripts/collect-aws.sh calls the same EC2 actions, writing the same files', () => {
  const script = readFileSync(join(REPO_ROOT, 'scripts/collect-aws.sh'), 'utf8');
  const calls = [...script.matchAll(/^\s*(?:describe|keyed) (\S+\.json) (?:\S+ )?((?:describe|get|search)-[a-z-]+)/gm)].map((m) => [m[1], m[2]]);
  const want = [...REGION_CALLS.map((c) => [c.file, kebab(c.action)]), ...PER_OBJECT_CALLS.map((c) => [c.file, kebab(c.action)])];
  assert.deepEqual(calls.sort(), want.sort());
});
