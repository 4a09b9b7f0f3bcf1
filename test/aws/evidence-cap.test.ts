/**
 * The AWS intent checks cap their evidence as the cluster's do (test/evidence-cap.test.ts): the first pairs
 * are listed, the rest counted exactly (`and N more` in the message, `evidenceOmitted` in JSON and SARIF),
 * and the finding's id and message do not depend on the limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

type J = Record<string, any>;
const N = 12;

/** One VPC, N interfaces alike (one class) whose group lets them all reach each other: N*(N-1) pairs. */
function estate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-aws-cap-'));
  const all = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/16' }] }];
  const snap = {
    Vpcs: [{ VpcId: 'vpc-1', OwnerId: '111111111111', CidrBlock: '10.0.0.0/16' }],
    Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }],
    NetworkInterfaces: Array.from({ length: N }, (_, i) => ({ NetworkInterfaceId: `eni-${String(i).padStart(2, '0')}`, SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', PrivateIpAddress: `10.0.0.${10 + i}`, Groups: [{ GroupId: 'sg-1' }], TagSet: [{ Key: 'env', Value: 'prod' }] })),
    SecurityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-1', GroupName: 'all', IpPermissions: all, IpPermissionsEgress: all }],
    NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: true, Associations: [{ SubnetId: 'subnet-1' }], Entries: [false, true].map((Egress) => ({ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress, CidrBlock: '0.0.0.0/0' })) }],
    RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }] }],
  };
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snap, null, 2));
  writeFileSync(join(dir, 'intent.yaml'), 'segments:\n  prod: {tags: {env: prod}}\nflows: []\ninvariants:\n  - never: {from: prod, to: prod}\n');
  return dir;
}

const DIR = estate();
const audit = (format: string, limit: string): string => {
  const r = runCli(['audit', join(DIR, 'snapshot.json'), '--intent', join(DIR, 'intent.yaml'), '-f', format, '--evidence-limit', limit, '-q']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return r.stdout;
};
const findings = (limit: string): J[] => JSON.parse(audit('json', limit)).findings;

test('AWS intent findings list the first pairs and count the rest; id, message and count do not depend on the limit', () => {
  const full = findings('all'), capped = findings('5'), dflt = findings('100');
  const never = (fs: J[]): J => fs.find((f) => f.message.includes('must never reach'))!;
  const f = never(full), c = never(capped), d = never(dflt);
  assert.equal(f.evidence.length, N * (N - 1));
  assert.equal(f.evidenceOmitted, undefined);
  assert.equal(c.evidence.length, 5);
  assert.equal(c.evidenceOmitted, N * (N - 1) - 5);
  assert.equal(d.evidence.length, 100, 'the default limit is the cluster\'s (100)');
  assert.equal(d.evidenceOmitted, N * (N - 1) - 100);
  assert.deepEqual(c.evidence, f.evidence.slice(0, 5));
  assert.equal(c.id, f.id);
  assert.equal(c.message, f.message);
  assert.match(c.message, new RegExp(` and ${N * (N - 1) - 3} more; opened by`));
  const sarif = JSON.parse(audit('sarif', '5'));
  const r = sarif.runs[0].results.find((x: J) => x.message.text.includes('must never reach'));
  assert.equal(r.properties.evidenceOmitted, N * (N - 1) - 5);
  assert.equal(r.properties.evidence.length, 5);
  for (const format of ['text', 'junit']) assert.match(audit(format, '5'), new RegExp(`and ${N * (N - 1) - 3} more`), format);
  // Markdown cuts the message in its table; its verdict line counts every pair.
  assert.match(audit('md', '5'), new RegExp(`prod must never reach prod, yet these paths are open \\(${N * (N - 1)} pairs\\)`));
});
