/** docs/aws.md shows real output: its reach, audit --intent, init and diff-with-intent examples, run as printed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const DOC = readFileSync(join(REPO_ROOT, 'docs/aws.md'), 'utf8');

/** The fenced block that follows `lead` in the page. */
function blockAfter(lead: string): string {
  const at = DOC.indexOf(lead);
  assert.ok(at >= 0, `docs/aws.md has ${lead}`);
  const open = DOC.indexOf('```', at + lead.length);
  const start = DOC.indexOf('\n', open) + 1;
  return DOC.slice(start, DOC.indexOf('\n```', start) + 1);
}

/** A working directory where `examples/aws` is the repository's and the page's other files can be written. */
const CWD = mkdtempSync(join(tmpdir(), 'bulkhead-aws-docs-'));
mkdirSync(join(CWD, 'examples'));
symlinkSync(join(REPO_ROOT, 'examples/aws'), join(CWD, 'examples/aws'));
symlinkSync(join(REPO_ROOT, 'examples/aws-ipv6'), join(CWD, 'examples/aws-ipv6'));
writeFileSync(join(CWD, 'aws-intent.yaml'), blockAfter('`aws-intent.yaml` for `examples/aws`'));

test('docs/aws.md: reach and init on examples/aws print what the page shows', () => {
  assert.equal(runCli(['reach', 'examples/aws'], undefined, CWD).stdout, blockAfter('`bulkhead reach examples/aws`:'));
  assert.equal(runCli(['init', 'examples/aws', '--output-file', '-'], undefined, CWD).stdout, blockAfter('`bulkhead init examples/aws --output-file -`:'));
});

test('docs/aws.md: audit against aws-intent.yaml prints what the page shows', () => {
  const lead = '`bulkhead audit examples/aws --intent aws-intent.yaml --disable aws-allow-all-network-acl,aws-subnet-auto-public-ip,aws-unrestricted-egress`';
  const r = runCli(['audit', 'examples/aws', '--intent', 'aws-intent.yaml', '--disable', 'aws-allow-all-network-acl,aws-subnet-auto-public-ip,aws-unrestricted-egress'], undefined, CWD);
  assert.equal(r.stdout, blockAfter(lead));
});

test('docs/aws.md: the diff against an intent prints what the page shows', () => {
  // The page's change: acl-prod-db lets the database's replies back to the dev VPC; the intent beside it.
  const neu = join(CWD, 'new');
  cpSync(join(REPO_ROOT, 'examples/aws'), neu, { recursive: true });
  const f = join(neu, '123456789012/us-east-1/network-acls.json');
  const doc = JSON.parse(readFileSync(f, 'utf8'));
  doc.NetworkAcls[1].Entries.find((x: { RuleNumber: number; Egress: boolean }) => x.RuleNumber === 110 && x.Egress).PortRange = { From: 1024, To: 65535 };
  writeFileSync(f, JSON.stringify(doc, null, 2));
  writeFileSync(join(neu, 'bulkhead.yaml'), readFileSync(join(CWD, 'aws-intent.yaml')));
  const r = runCli(['diff', 'examples/aws', 'new', '-q'], undefined, CWD);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, blockAfter('(`bulkhead diff examples/aws new`):'));
});

/** The page's gateway endpoint example: examples/aws whose private subnets reach S3 through a gateway endpoint instead of the NAT. */
function s3Estate(): string {
  const dir = join(CWD, 's3');
  cpSync(join(REPO_ROOT, 'examples/aws'), dir, { recursive: true });
  const at = join(dir, '123456789012/us-east-1');
  const f = join(at, 'route-tables.json');
  const doc = JSON.parse(readFileSync(f, 'utf8'));
  const main = doc.RouteTables.find((t: { RouteTableId: string }) => t.RouteTableId === 'rtb-prod-main');
  main.Routes = main.Routes.filter((r: { NatGatewayId?: string }) => !r.NatGatewayId);
  main.Routes.push({ DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-0s3', Origin: 'CreateRoute', State: 'active' });
  writeFileSync(f, JSON.stringify(doc, null, 2));
  writeFileSync(join(at, 'vpc-endpoints.json'), JSON.stringify({ VpcEndpoints: [{ VpcEndpointId: 'vpce-0s3', VpcEndpointType: 'Gateway', VpcId: 'vpc-prod', ServiceName: 'com.amazonaws.us-east-1.s3', State: 'available', RouteTableIds: ['rtb-prod-main'] }] }, null, 2));
  writeFileSync(join(at, 'prefix-lists.json'), JSON.stringify({ PrefixLists: [{ PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3', AddressFamily: 'IPv4' }] }, null, 2));
  writeFileSync(join(at, 'prefix-list-entries.json'), JSON.stringify({ ManagedPrefixListEntries: { 'pl-63a5400a': [{ Cidr: '3.5.0.0/19' }, { Cidr: '52.216.0.0/15' }] } }, null, 2));
  return dir;
}

test('docs/aws.md: the gateway endpoint example prints what the page shows', () => {
  s3Estate();
  assert.equal(runCli(['reach', 's3', '--from', 'api'], undefined, CWD).stdout, blockAfter('`bulkhead reach s3 --from api`:'));
  assert.equal(runCli(['explain', 's3', '--from', 'api', '--to', '52.216.1.1'], undefined, CWD).stdout, blockAfter('`bulkhead explain s3 --from api --to 52.216.1.1`:'));
});

test('docs/aws.md: the IPv6 example prints what the page shows', () => {
  assert.equal(runCli(['reach', 'examples/aws-ipv6', '--from', 'worker'], undefined, CWD).stdout, blockAfter('`bulkhead reach examples/aws-ipv6 --from worker`:'));
  assert.equal(runCli(['explain', 'examples/aws-ipv6', '--from', '2606:4700::1111', '--to', 'worker'], undefined, CWD).stdout, blockAfter('`bulkhead explain examples/aws-ipv6 --from 2606:4700::1111 --to worker`:'));
});
