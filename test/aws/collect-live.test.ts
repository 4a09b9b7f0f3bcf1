/**
 * `collect --aws` through the real AWS SDK against a test EC2 endpoint on loopback that answers with EC2's
 * XML: pages, throttling, expired and refused credentials, a refused action, a profile of the shared files,
 * several regions. What it writes reads back to what the recorded estate reads to; only Describe*, Get* and
 * Search* actions are asked; no credential reaches an output or a file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { TestEc2Server, estateOfDir, type Ec2Fault, type Estate } from '../helpers/ec2-api-server.js';
import { runCliAsync } from '../helpers/run-cli-async.js';
import { REPO_ROOT, type CliResult } from '../helpers/run-cli.js';
import { collectAws, defaultRegion, requiredActions, writeAwsSnapshot, AWS_SNAPSHOT_MANIFEST } from '../../src/sources/aws/live/index.js';
import { readAwsSnapshot } from '../../src/sources/aws/snapshot.js';
import type { AwsInventory } from '../../src/inventory/aws/types.js';
import { UserError } from '../../src/util/errors.js';
import { estateArb } from './estate-gen.js';

const KEY_ID = 'AKIABULKHEADTEST0001';
const SECRET = 'bhTestSecret/8c1d9f0e7a6b5c4d3e2f1a0b9c8d';
const TOKEN = 'bhTestSessionToken+FwoGZXIvYXdzEJr//////////wEaDH1c2';
const SECRETS = [KEY_ID, SECRET, TOKEN];
const EX = join(REPO_ROOT, 'examples/aws');
const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-aws-collect-'));
let n = 0;
const newDir = (): string => join(tmp, `out-${++n}`);

type Env = Record<string, string | undefined>;
// The SDK's chain must find only what a test gives it: no shared files, no instance metadata (undefined: unset).
const BASE_ENV: Env = {
  AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN, AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: join(tmp, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-credentials'), AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PROFILE: undefined, AWS_DEFAULT_REGION: undefined, AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_EC2: undefined,
};
/** Sets and unsets `env` in this process; returns how to put it back. */
function applyEnv(env: Env): () => void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const put = (e: Env): void => {
    for (const [k, v] of Object.entries(e)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  };
  put(env);
  return () => put(saved);
}
before(() => applyEnv(BASE_ENV));

const servers: TestEc2Server[] = [];
async function serve(estate: Estate, opts: ConstructorParameters<typeof TestEc2Server>[1] = {}): Promise<{ s: TestEc2Server; url: string }> {
  const s = new TestEc2Server(estate, { pageSize: 1, ...opts });
  servers.push(s);
  return { s, url: await s.start() };
}
after(async () => {
  for (const s of servers) await s.stop();
});


/** The CLI with this process's AWS settings changed by `env` (the child is spawned before they are restored). */
function cli(args: string[], url: string, env: Env = {}): Promise<CliResult> {
  const restore = applyEnv({ ...BASE_ENV, AWS_ENDPOINT_URL_EC2: url, ...env });
  try {
    return runCliAsync(args);
  } finally {
    restore();
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? filesUnder(join(dir, e)) : [join(dir, e)]));
}

function assertNoSecret(texts: readonly string[]): void {
  for (const t of texts) for (const s of SECRETS) assert.ok(!t.includes(s), `a credential appears in: ${t.slice(0, 200)}`);
}

/** The inventory without provenance, each list in a fixed order. */
function canonical(inv: AwsInventory): Record<string, string[]> {
  const strip = (v: unknown): string => JSON.stringify(v, (k, x: unknown) => (k === 'source' || k === 'digest' ? undefined : typeof x === 'bigint' ? x.toString() : x));
  return Object.fromEntries(Object.entries(inv).map(([k, list]) => [k, Array.isArray(list) ? list.map(strip).sort() : [strip(list)]]));
}

test('collect --aws of the recorded examples/aws estate, one object a page, reads back to the same reach', async () => {
  const { s, url } = await serve(estateOfDir(EX));
  const dir = newDir();
  const r = await cli(['collect', '--aws', '--region', 'us-east-1', dir], url);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^read us-east-1: 2 Vpcs, 4 Subnets, 3 RouteTables, 4 SecurityGroups, 3 NetworkAcls, 4 NetworkInterfaces, 1 InternetGateways, 1 NatGateways, 1 VpcPeeringConnections\n/);
  assert.match(r.stderr, /wrote 23 object\(s\) in 21 file\(s\) of account 123456789012 \(us-east-1\) to /);
  assert.ok(existsSync(join(dir, '123456789012/us-east-1/vpcs.json')));
  // Every list was read to its last page: two VPCs, one a page, is two DescribeVpcs requests.
  const vpcs = s.requests.filter((q) => q.action === 'DescribeVpcs');
  assert.deepEqual(vpcs.map((q) => q.params['NextToken']), [undefined, 'page-1']);
  assert.ok(vpcs.every((q) => q.params['MaxResults'] === '1000' && q.region === 'us-east-1'));
  const [want, got] = await Promise.all([runCliAsync(['reach', EX]), runCliAsync(['reach', dir])]);
  assert.equal(want.code, 0, want.stderr);
  assert.equal(got.stdout, want.stdout);
  assert.ok(got.stdout.split('\n').length > 5);
  // And the same model, object by object (so every other answer is the same too).
  assert.deepEqual(canonical(await readAwsSnapshot(dir)), canonical(await readAwsSnapshot(EX)));
  assertNoSecret([r.stdout, r.stderr, ...filesUnder(dir).map((f) => readFileSync(f, 'utf8'))]);
  // The SDK signed with the key id (a header AWS needs), never sent the secret.
  assert.ok(s.requests.every((q) => String(q.headers['authorization']).includes(`Credential=${KEY_ID}/`) && !JSON.stringify(q).includes(SECRET)));
  const m = JSON.parse(readFileSync(join(dir, AWS_SNAPSHOT_MANIFEST), 'utf8')) as { account: string; regions: string[]; files: Array<{ file: string; action: string }> };
  assert.equal(m.account, '123456789012');
  assert.deepEqual(m.regions, ['us-east-1']);
  assert.ok(m.files.every((f) => f.file.startsWith('123456789012/us-east-1/') && requiredActions().includes(`ec2:${f.action}`)));
});

/**
 * examples/aws with instances: `i-app` holds two ENIs (eni-api with its own Name, eni-api2 with no tag of its
 * own), `i-web` one; `i-gone` is terminated (no interface). The reservations repeat the ENIs as
 * describe-instances does: without their TagSet, AZ or Attachment.InstanceId.
 */
function withInstances(): { estate: Record<string, unknown>; dir: string } {
  const base = estateOfDir(EX)['us-east-1']!;
  const nics = (base['NetworkInterfaces'] as Array<Record<string, unknown>>).map((n) => structuredClone(n));
  const api = nics.find((n) => n['NetworkInterfaceId'] === 'eni-api')!;
  api['Attachment'] = { AttachmentId: 'eni-attach-1', InstanceId: 'i-app', DeviceIndex: 0, Status: 'attached' };
  const api2 = { ...structuredClone(api), NetworkInterfaceId: 'eni-api2', PrivateIpAddress: '10.0.1.11', PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.1.11' }], TagSet: [], Attachment: { AttachmentId: 'eni-attach-2', InstanceId: 'i-app', DeviceIndex: 1, Status: 'attached' } };
  const web = nics.find((n) => n['NetworkInterfaceId'] === 'eni-web')!;
  web['Attachment'] = { AttachmentId: 'eni-attach-3', InstanceId: 'i-web', DeviceIndex: 0, Status: 'attached' };
  nics.push(api2);
  const copy = (n: Record<string, unknown>): Record<string, unknown> => {
    const { TagSet: _t, AvailabilityZone: _a, InterfaceType: _i, Attachment, ...rest } = n;
    const { InstanceId: _id, ...attachment } = Attachment as Record<string, unknown>;
    return { ...rest, Attachment: attachment };
  };
  const instance = (id: string, subnet: string, tags: Record<string, string>, enis: Array<Record<string, unknown>>) => ({
    InstanceId: id, SubnetId: subnet, VpcId: 'vpc-prod', Placement: { AvailabilityZone: 'us-east-1a' }, State: { Code: 16, Name: 'running' },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), NetworkInterfaces: enis.map(copy),
  });
  const Reservations = [
    { ReservationId: 'r-1', OwnerId: '123456789012', Instances: [instance('i-app', 'subnet-prod-app', { Name: 'app-server', team: 'payments' }, [api, api2])] },
    { ReservationId: 'r-2', OwnerId: '123456789012', Instances: [instance('i-web', 'subnet-prod-public', { team: 'edge' }, [web])] },
    { ReservationId: 'r-3', OwnerId: '123456789012', Instances: [{ InstanceId: 'i-gone', State: { Code: 48, Name: 'terminated' }, Tags: [{ Key: 'team', Value: 'payments' }], NetworkInterfaces: [] }] },
  ];
  const estate = { ...base, NetworkInterfaces: nics, Reservations };
  const dir = join(tmp, 'with-instances');
  mkdirSync(join(dir, '123456789012/us-east-1'), { recursive: true });
  for (const [key, value] of Object.entries(estate)) writeFileSync(join(dir, '123456789012/us-east-1', `${key}.json`), JSON.stringify({ [key]: value }, null, 4));
  return { estate, dir };
}

test('collect --aws reads DescribeInstances to its last page: the instances\' tags reach their ENIs as from the describe-* files, each ENI once', async () => {
  const { estate, dir: orig } = withInstances();
  const { s, url } = await serve({ 'us-east-1': estate });
  const dir = newDir();
  const r = await cli(['collect', '--aws', '--region', 'us-east-1', dir], url);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /5 NetworkInterfaces, 3 Reservations, /);
  const asks = s.requests.filter((q) => q.action === 'DescribeInstances');
  assert.deepEqual(asks.map((q) => q.params['NextToken']), [undefined, 'page-1', 'page-2'], 'one reservation a page');
  assert.ok(asks.every((q) => q.params['MaxResults'] === '1000'));
  assert.ok(existsSync(join(dir, '123456789012/us-east-1/instances.json')));
  const [want, got] = await Promise.all([readAwsSnapshot(orig), readAwsSnapshot(dir)]);
  assert.deepEqual(canonical(got), canonical(want));
  // Each ENI once, its own tags kept (instances.json is read before network-interfaces.json), the instance's added.
  assert.deepEqual(got.interfaces.map((e) => e.id), ['eni-api', 'eni-api2', 'eni-db', 'eni-dev', 'eni-web']);
  assert.ok(!got.diagnostics.some((d) => d.code === 'aws-duplicate-id'), JSON.stringify(got.diagnostics));
  const tags = Object.fromEntries(got.interfaces.map((e) => [e.id, e.tags]));
  assert.deepEqual(tags['eni-api'], { Name: 'api', team: 'payments' });
  assert.deepEqual(tags['eni-api2'], { Name: 'app-server', team: 'payments' });
  assert.deepEqual(tags['eni-web'], { Name: 'web', team: 'edge' });
  assert.equal(got.interfaces.find((e) => e.id === 'eni-api')!.availabilityZone, 'us-east-1a');
  // The CLI sees them: an end by an instance tag names both of i-app's ENIs (and nothing of the terminated instance).
  const [a, b] = await Promise.all([runCliAsync(['reach', dir, '--from', 'tag:team=payments', '--to', 'db']), runCliAsync(['reach', orig, '--from', 'tag:team=payments', '--to', 'db'])]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /eni-api\[api\] => \S+eni-db\[db\] : TCP 5432\n/);
  assert.match(a.stdout, /eni-api2\[app-server\] => \S+eni-db\[db\] : TCP 5432\n/);
});

test('random estates with transit gateways and prefix lists collect to the same inventory as their describe-* files', async () => {
  // Dual-stack ones too: IPv6 blocks, addresses, rules and routes, egress-only gateways go through the SDK and back.
  const estates = [...fc.sample(estateArb(), { numRuns: 6, seed: 1017 }), ...fc.sample(estateArb({ ipv6: true }), { numRuns: 3, seed: 1017 })];
  let eigws = 0;
  for (const [i, e] of estates.entries()) {
    // One region: the generator spreads VPCs over two, which a single-region endpoint cannot tell apart.
    const snapshot = JSON.parse(JSON.stringify(e.snapshot).replace(/eu-west-1/g, 'us-east-1')) as Record<string, unknown>;
    const orig = join(tmp, `estate-${i}`);
    mkdirSync(join(orig, '111111111111/us-east-1'), { recursive: true });
    writeFileSync(join(orig, '111111111111/us-east-1/snapshot.json'), JSON.stringify(snapshot, null, 2));
    const { s, url } = await serve({ 'us-east-1': snapshot }, { pageSize: 2 });
    const c = await collectAws({ regions: ['us-east-1'], endpoint: url });
    const dir = newDir();
    writeAwsSnapshot(dir, c, undefined);
    const want = await readAwsSnapshot(orig);
    const got = await readAwsSnapshot(dir);
    assert.deepEqual(canonical(got), canonical(want), `estate ${i}`);
    assert.ok(got.tgwRouteTables.length === 0 || got.tgwRouteTables.some((t) => t.routes.length > 0));
    assert.ok(got.prefixLists[0]!.entriesKnown);
    eigws += got.egressOnlyGateways.length;
    // The per-object calls name their object: each route table's routes asked with the type filter.
    const searches = s.requests.filter((q) => q.action === 'SearchTransitGatewayRoutes');
    assert.ok(searches.every((q) => q.params['TransitGatewayRouteTableId']?.startsWith('tgw-rtb') && q.params['Filter.1.Name'] === 'type'));
    assert.deepEqual(new Set(searches.map((q) => q.params['TransitGatewayRouteTableId'])), new Set(got.tgwRouteTables.map((t) => t.id)));
  }
  assert.ok(eigws > 0, 'some estate has an egress-only gateway');
});

test('a route search AWS cuts short (more routes available, no next page) is a warning, kept in the manifest and in the snapshot', async () => {
  const [e] = fc.sample(estateArb().filter((x) => (x.snapshot['TransitGatewayRouteTables'] as unknown[]).length > 0), { numRuns: 1, seed: 5 });
  const { url } = await serve({ 'us-east-1': e!.snapshot }, { extra: { SearchTransitGatewayRoutes: { AdditionalRoutesAvailable: true } } });
  const c = await collectAws({ regions: ['us-east-1'], endpoint: url });
  const tables = (e!.snapshot['TransitGatewayRouteTables'] as Array<{ TransitGatewayRouteTableId: string }>).map((t) => t.TransitGatewayRouteTableId);
  assert.equal(c.warnings.length, tables.length);
  assert.match(c.warnings[0]!, /^us-east-1: SearchTransitGatewayRoutes for tgw-rtb-\S+ returned \d+ routes and said more are available without a next page: the snapshot may lack some of its routes$/);
  const dir = newDir();
  assert.deepEqual(writeAwsSnapshot(dir, c, undefined).warnings, c.warnings);
  assert.deepEqual((JSON.parse(readFileSync(join(dir, AWS_SNAPSHOT_MANIFEST), 'utf8')) as { warnings: string[] }).warnings, c.warnings);
  // Whoever reads the snapshot later is told too: each table is a caveat, its routes still read.
  const inv = await readAwsSnapshot(dir);
  assert.deepEqual(inv.tgwRouteTables.filter((t) => t.routesTruncated).map((t) => t.id).sort(), [...tables].sort());
  assert.equal(inv.diagnostics.filter((d) => d.code === 'aws-tgw-routes-truncated').length, tables.length);
  assert.ok(inv.unmodelled.some((u) => u.kind === 'TransitGatewayRouteTable'));
  const routes = (e!.snapshot['TransitGatewayRouteTableRoutes'] as Record<string, unknown[]>);
  for (const t of inv.tgwRouteTables) assert.ok(t.routes.length <= (routes[t.id] ?? []).length && (routes[t.id] ?? []).length > 0 === t.routes.length > 0, t.id);
});

test('throttling (RequestLimitExceeded, 503) is retried by the SDK until the call succeeds', async () => {
  const faults: Ec2Fault[] = [
    { action: 'DescribeSubnets', code: 'RequestLimitExceeded', status: 503, times: 2, message: 'Request limit exceeded.' },
    { action: 'DescribeSecurityGroups', code: 'Unavailable', status: 503, times: 1, message: 'The service is unavailable.' },
  ];
  const { s, url } = await serve(estateOfDir(EX), { faults });
  const c = await collectAws({ regions: ['us-east-1'], endpoint: url });
  assert.equal(c.regions[0]!.files.find((f) => f.key === 'Subnets')!.count, 4);
  assert.equal(c.regions[0]!.files.find((f) => f.key === 'SecurityGroups')!.count, 4);
  const subnetAsks = s.requests.filter((q) => q.action === 'DescribeSubnets');
  assert.equal(subnetAsks.length, 2 + 4, 'two throttled, then four pages of one subnet');
  assert.deepEqual(subnetAsks.slice(0, 3).map((q) => q.params['NextToken']), [undefined, undefined, undefined]);
  assert.ok(faults.every((f) => f.times === 0));
});

// The server echoes the key id and secret in its message: the collector must still not print them.
const echo = `Request has expired for ${KEY_ID} ${SECRET} ${TOKEN}`;

test('an expired token stops with exit 2, says what to do, names no secret, and writes nothing', async () => {
  const { s, url } = await serve(estateOfDir(EX), { faults: [{ action: '*', code: 'RequestExpired', status: 400, times: 99, message: echo }] });
  const dir = newDir();
  const r = await cli(['collect', '--aws', dir], url);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^bulkhead: AWS credentials have expired: us-east-1 refused DescribeVpcs \(RequestExpired: Request has expired for \[redacted\]/);
  assert.match(r.stderr, /\nhint: renew them \(aws sso login/);
  assertNoSecret([r.stdout, r.stderr]);
  assert.equal(existsSync(dir), false);
  assert.deepEqual(s.actions(), ['DescribeVpcs'], 'not retried, nothing else asked');
});

test('refused credentials (AuthFailure, 401) are a UserError saying so, with no secret', async () => {
  const { s, url } = await serve(estateOfDir(EX), { faults: [{ action: '*', code: 'AuthFailure', status: 401, times: 99, message: echo }] });
  await assert.rejects(collectAws({ regions: ['us-east-1'], endpoint: url }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /^AWS refused the credentials: us-east-1 answered DescribeVpcs with AuthFailure .*they are invalid or expired$/);
    assertNoSecret([e.message, e.hint ?? '']);
    return true;
  });
  assert.deepEqual(s.actions(), ['DescribeVpcs']);
});

test('a refused action (UnauthorizedOperation) names it and its IAM permission; nothing is written', async () => {
  const { s, url } = await serve(estateOfDir(EX), {
    faults: [{ action: 'DescribeNetworkAcls', code: 'UnauthorizedOperation', status: 403, times: 99, message: 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/audit is not authorized to perform: ec2:DescribeNetworkAcls because no identity-based policy allows the ec2:DescribeNetworkAcls action. Encoded authorization failure message: 4f2QmVzdCBzZWNyZXQ' }],
  });
  const dir = newDir();
  const r = await cli(['collect', '--aws', '--region', 'us-east-1', dir], url);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not allowed to call DescribeNetworkAcls in us-east-1 \(UnauthorizedOperation\): the identity lacks the IAM permission ec2:DescribeNetworkAcls/);
  assert.match(r.stderr, /hint: grant the read-only policy of docs\/aws\.md/);
  assert.ok(!r.stderr.includes('4f2QmVzdCBzZWNyZXQ'));
  assert.equal(existsSync(dir), false);
  assert.equal(s.actions().at(-1), 'DescribeNetworkAcls', 'stopped at the refused call');
  assertNoSecret([r.stdout, r.stderr]);
});

test('--profile takes keys and region from the shared files through the SDK chain; several regions, a peering written once', async () => {
  const creds = join(tmp, 'credentials');
  const config = join(tmp, 'config');
  const profileKey = 'AKIAPROFILEKEY000002';
  const profileSecret = 'profileSecret/0a9b8c7d6e5f4a3b2c1d0e9f8a7b';
  writeFileSync(creds, `[default]\naws_access_key_id = AKIAWRONGDEFAULT0003\naws_secret_access_key = wrong\n\n[audit]\naws_access_key_id = ${profileKey}\naws_secret_access_key = ${profileSecret}\n`);
  writeFileSync(config, '[profile audit]\nregion = eu-west-1\n');
  const ex = estateOfDir(EX)['us-east-1']!;
  const { s, url } = await serve({ 'eu-west-1': { VpcPeeringConnections: ex['VpcPeeringConnections'] }, 'us-east-1': ex }, { accessKeyId: profileKey });
  const env = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_REGION: undefined, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds };
  const one = newDir();
  const r1 = await cli(['collect', '--profile', 'audit', one], url, env);
  assert.equal(r1.code, 0, r1.stderr);
  assert.ok(s.requests.length > 0 && s.requests.every((q) => q.region === 'eu-west-1'), 'the profile\'s region');
  assert.match(r1.stderr, /no VPC found, so no account directory/);
  assert.ok(existsSync(join(one, 'eu-west-1/vpc-peering-connections.json')));
  const both = newDir();
  const restore = applyEnv(env);
  try {
    writeAwsSnapshot(both, await collectAws({ profile: 'audit', regions: ['us-east-1', 'eu-west-1'], endpoint: url }), 'audit');
  } finally {
    restore();
  }
  assert.deepEqual([...new Set(s.requests.map((q) => q.region))], ['eu-west-1', 'us-east-1']);
  const later = JSON.parse(readFileSync(join(both, '123456789012/eu-west-1/vpc-peering-connections.json'), 'utf8')) as { VpcPeeringConnections: unknown[] };
  assert.deepEqual(later.VpcPeeringConnections, [], 'the peering both regions list is written by the first');
  const inv = await readAwsSnapshot(both);
  assert.equal(inv.peerings.length, 1);
  assert.ok(!inv.diagnostics.some((d) => d.code === 'aws-duplicate-id'));
  for (const t of [r1.stderr, ...[...filesUnder(one), ...filesUnder(both)].map((f) => readFileSync(f, 'utf8'))]) assert.ok(!t.includes(profileSecret) && !t.includes(profileKey));
});

test('no region, no credentials, --cluster beside --aws, a directory that is not a snapshot: exit 2 with what to do', async () => {
  const { url } = await serve(estateOfDir(EX));
  const restore = applyEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_REGION: undefined });
  try {
    await assert.rejects(defaultRegion({}), (e: unknown) => e instanceof UserError && e.message === 'no AWS region: nothing says which region to read' && /^give --region R/.test(e.hint ?? ''));
    await assert.rejects(collectAws({ regions: ['us-east-1'], endpoint: url }), (e: unknown) => e instanceof UserError && /^no usable AWS credentials: /.test(e.message) && /aws sso login/.test(e.hint ?? ''));
  } finally {
    restore();
  }
  const both = await cli(['collect', '--aws', '--cluster', newDir()], url);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--aws and --cluster cannot be combined/);
  const taken = newDir();
  mkdirSync(taken);
  writeFileSync(join(taken, 'notes.txt'), 'mine');
  const c = await collectAws({ regions: ['us-east-1'], endpoint: url });
  assert.throws(() => writeAwsSnapshot(taken, c, undefined), (e: unknown) => e instanceof UserError && /is not empty and not a Bulkhead AWS snapshot/.test(e.message));
  assert.equal(readFileSync(join(taken, 'notes.txt'), 'utf8'), 'mine');
});

test('collecting again into a snapshot replaces its files; in the library a failure is a UserError', async () => {
  const { url } = await serve(estateOfDir(EX));
  const dir = newDir();
  writeAwsSnapshot(dir, await collectAws({ regions: ['us-east-1'], endpoint: url }), undefined);
  writeFileSync(join(dir, '123456789012/us-east-1/vpcs.json'), '{"Vpcs": []}');
  const again = await cli(['collect', '--aws', '-q', dir], url);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stderr, '');
  assert.equal((JSON.parse(readFileSync(join(dir, '123456789012/us-east-1/vpcs.json'), 'utf8')) as { Vpcs: unknown[] }).Vpcs.length, 2);
  const bad = await serve({}, { faults: [{ action: 'DescribeVpcs', code: 'OptInRequired', status: 401, times: 1 }] });
  await assert.rejects(collectAws({ regions: ['ap-east-1'], endpoint: bad.url }), (e: unknown) => e instanceof UserError && /region ap-east-1 is not enabled/.test(e.message));
});

test('commands other than collect --aws do not load the EC2 SDK (about 0.7 s of start-up)', async () => {
  const probe = `import { createRequire } from 'node:module'; const { main } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/src/cli/main.js'))}); await main(['node', 'bulkhead', 'reach', ${JSON.stringify(EX)}, '-q']); const req = createRequire(import.meta.url); process.stderr.write(Object.keys(req.cache).some((k) => k.includes('client-ec2')) ? 'LOADED' : 'NOT-LOADED');`;
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  assert.match(r.stdout, /eni-web/);
  assert.match(r.stderr, /NOT-LOADED$/);
});

// Last: it reads what the tests above asked.
test('over every request of these tests: only Describe*, Get* and Search* actions, and every action of the IAM policy', () => {
  const actions = new Set(servers.flatMap((s) => s.actions()));
  for (const a of actions) assert.match(a, /^(Describe|Get|Search)[A-Z]/);
  assert.deepEqual([...actions].filter((a) => !['InvalidAction'].includes(a)).map((a) => `ec2:${a}`).sort(), requiredActions());
});
