/**
 * A Transit Gateway route search AWS cut short (`AdditionalRoutesAvailable: true`): the routes read are used,
 * but the table is a caveat (a warning with file and line, and a setting not evaluated) in every report, so
 * an answer through it is never presented as complete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { awsNotesOf } from '../../src/analyses/aws/notes.js';
import { runCli } from '../helpers/run-cli.js';

const ROUTE_A = { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-a' }], Type: 'propagated', State: 'active' };
const ROUTE_B = { DestinationCidrBlock: '10.1.0.0/16', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-b' }], Type: 'propagated', State: 'active' };

/** Two VPCs joined by a transit gateway, one interface each; `routes` is the route table's entry as stored. */
function estate(routes: unknown): Record<string, unknown> {
  const vpc = (x: string, i: number) => ({ VpcId: `vpc-${x}`, OwnerId: '111111111111', CidrBlock: `10.${i}.0.0/16` });
  const subnet = (x: string, i: number) => ({ SubnetId: `subnet-${x}`, VpcId: `vpc-${x}`, CidrBlock: `10.${i}.0.0/24`, AvailabilityZone: 'us-east-1a' });
  const allowAll = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }];
  return {
    Vpcs: [vpc('a', 0), vpc('b', 1)],
    Subnets: [subnet('a', 0), subnet('b', 1)],
    NetworkInterfaces: ['a', 'b'].map((x, i) => ({ NetworkInterfaceId: `eni-${x}`, SubnetId: `subnet-${x}`, VpcId: `vpc-${x}`, AvailabilityZone: 'us-east-1a', PrivateIpAddress: `10.${i}.0.10`, Groups: [{ GroupId: `sg-${x}` }], TagSet: [{ Key: 'Name', Value: `box-${x}` }] })),
    SecurityGroups: ['a', 'b'].map((x) => ({ GroupId: `sg-${x}`, VpcId: `vpc-${x}`, GroupName: `sg-${x}`, IpPermissions: allowAll, IpPermissionsEgress: allowAll })),
    NetworkAcls: ['a', 'b'].map((x) => ({ NetworkAclId: `acl-${x}`, VpcId: `vpc-${x}`, IsDefault: true, Associations: [{ SubnetId: `subnet-${x}` }], Entries: [false, true].map((Egress) => ({ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress, CidrBlock: '0.0.0.0/0' })) })),
    RouteTables: ['a', 'b'].map((x, i) => ({ RouteTableId: `rtb-${x}`, VpcId: `vpc-${x}`, Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: `10.${i}.0.0/16`, GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-1', State: 'active' }] })),
    TransitGateways: [{ TransitGatewayId: 'tgw-1', State: 'available' }],
    TransitGatewayAttachments: ['a', 'b'].map((x) => ({ TransitGatewayAttachmentId: `tgw-attach-${x}`, TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: `vpc-${x}`, State: 'available' })),
    TransitGatewayVpcAttachments: ['a', 'b'].map((x) => ({ TransitGatewayAttachmentId: `tgw-attach-${x}`, SubnetIds: [`subnet-${x}`] })),
    TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', TransitGatewayId: 'tgw-1' }],
    TransitGatewayRouteTableAssociations: { 'tgw-rtb-1': [{ TransitGatewayAttachmentId: 'tgw-attach-a', State: 'associated' }, { TransitGatewayAttachmentId: 'tgw-attach-b', State: 'associated' }] },
    TransitGatewayRouteTableRoutes: { 'tgw-rtb-1': routes },
  };
}

const read = (e: Record<string, unknown>) => buildAwsInventory([{ path: 'snap/estate.json', text: JSON.stringify(e, null, 2) }]);

test('a whole search output with AdditionalRoutesAvailable: true is a warning at that entry and a caveat; its routes are used', () => {
  const inv = read(estate({ Routes: [ROUTE_A, ROUTE_B], AdditionalRoutesAvailable: true }));
  const t = inv.tgwRouteTables.find((x) => x.id === 'tgw-rtb-1')!;
  assert.equal(t.routes.length, 2);
  const d = inv.diagnostics.filter((x) => x.code === 'aws-tgw-routes-truncated');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.severity, 'warning');
  assert.match(d[0]!.message, /tgw-rtb-1: the route search was cut short \(AdditionalRoutesAvailable\): the snapshot holds 2 of its routes/);
  assert.match(d[0]!.message, /TransitGatewayRouteTableRoutes\["tgw-rtb-1"\]/);
  assert.equal(d[0]!.source?.file, 'snap/estate.json');
  assert.ok((d[0]!.source?.line ?? 0) > 1);
  assert.deepEqual(inv.unmodelled.map((u) => `${u.kind} ${u.name}`), ['TransitGatewayRouteTable tgw-rtb-1']);
  assert.equal(awsNotesOf(inv).bound, 'unknown');
});

test('a complete search (a bare list, or AdditionalRoutesAvailable: false) reads the same routes and is no caveat', () => {
  const list = read(estate([ROUTE_A, ROUTE_B]));
  const whole = read(estate({ Routes: [ROUTE_A, ROUTE_B], AdditionalRoutesAvailable: false }));
  for (const inv of [list, whole]) {
    assert.deepEqual(inv.diagnostics.filter((x) => x.severity !== 'info').map((x) => x.code), []);
    assert.deepEqual(inv.unmodelled, []);
    assert.equal(awsNotesOf(inv).bound, 'exact');
  }
  const dests = (inv: typeof list) => inv.tgwRouteTables[0]!.routes.map((r) => (r.destination.kind === 'cidr' ? r.destination.text : r.destination.id));
  assert.deepEqual(dests(whole), dests(list));
  assert.equal(read(estate({ Routes: 'x' })).diagnostics.filter((x) => x.code === 'aws-bad-field').length, 1, 'a bad Routes value is an error, not a crash');
});

test('reach, explain, audit and diff carry the cut-short search as a caveat in every format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-tgw-cut-'));
  const cut = join(dir, 'cut');
  const full = join(dir, 'full');
  mkdirSync(cut);
  mkdirSync(full);
  writeFileSync(join(cut, 'estate.json'), JSON.stringify(estate({ Routes: [ROUTE_A, ROUTE_B], AdditionalRoutesAvailable: true }), null, 2));
  writeFileSync(join(full, 'estate.json'), JSON.stringify(estate([ROUTE_A, ROUTE_B]), null, 2));
  const runs: Array<[string[], string[]]> = [
    [['reach', cut], ['text', 'md', 'json', 'csv']],
    [['explain', cut, '--from', 'box-a', '--to', 'box-b'], ['text', 'md', 'json']],
    [['audit', cut, '--no-intent'], ['text', 'md', 'json', 'sarif', 'junit']],
    [['diff', full, cut], ['text', 'md', 'json']],
  ];
  for (const [args, formats] of runs) {
    for (const format of formats) {
      const r = runCli([...args, '-f', format, '-q']);
      assert.ok(r.code === 0 || (args[0] === 'audit' && r.code === 1), `${args[0]} -f ${format}: ${r.stderr}`);
      if (format === 'csv') continue;
      assert.match(r.stdout, /tgw-rtb-1/, `${args[0]} -f ${format} names the table`);
      if (format === 'json' && args[0] !== 'audit') {
        const doc = JSON.parse(r.stdout);
        assert.ok(doc.diagnostics.some((d: { code: string }) => d.code === 'aws-tgw-routes-truncated'), `${args[0]} json diagnostics`);
        assert.equal(doc.bound, 'unknown', `${args[0]} json is not exact`);
      }
    }
  }
  // The change from a complete search to a cut one cannot be judged safe.
  writeFileSync(join(dir, 'intent.yaml'), 'segments:\n  a: {vpc: vpc-a}\n  b: {vpc: vpc-b}\nflows:\n  - {from: a, to: b}\n  - {from: b, to: a}\n');
  const gate = runCli(['diff', full, cut, '--intent', join(dir, 'intent.yaml'), '--fail-on', 'new-violation', '-q']);
  assert.equal(gate.code, 1);
  assert.match(gate.stderr, /cannot be judged safe/);
});
