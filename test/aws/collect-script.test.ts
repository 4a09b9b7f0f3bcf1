/**
 * scripts/collect-aws.sh with a fake `aws` on PATH (canned describe-* JSON, `--query` and `--output text`
 * for the ids it lists): the layout it writes reads back to the inventory of the estate it was given; it
 * asks for exactly the outputs `collect --aws` asks for, with the profile and region given; a refused call
 * fails the script and leaves no half-written region.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { KEY_ACTIONS } from '../helpers/ec2-api-server.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { requiredActions } from '../../src/sources/aws/live/index.js';
import { readAwsSnapshot } from '../../src/sources/aws/snapshot.js';
import type { AwsInventory } from '../../src/inventory/aws/types.js';
import { estateArb } from './estate-gen.js';

const SCRIPT = join(REPO_ROOT, 'scripts/collect-aws.sh');
const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-aws-script-'));
const kebab = (action: string): string => action.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

// The fake CLI: canned outputs by subcommand (keyed ones by the id flag's value), a log of every call.
const FAKE = `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_AWS_LOG, JSON.stringify(args) + '\\n');
const data = JSON.parse(fs.readFileSync(process.env.FAKE_AWS_DATA, 'utf8'));
const opt = (n) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : undefined; };
const pos = [];
for (let i = 0; i < args.length; i++) { if (args[i].startsWith('--')) i++; else pos.push(args[i]); }
const [service, sub] = pos;
let out;
if (service === 'configure') { if (!data.region) process.exit(1); process.stdout.write(data.region + '\\n'); process.exit(0); }
else if (service === 'sts' && sub === 'get-caller-identity') out = { UserId: 'AIDAFAKE', Account: data.account, Arn: 'arn:aws:iam::' + data.account + ':user/audit' };
else if (service === 'ec2' && sub === process.env.FAKE_AWS_FAIL) {
  process.stderr.write('\\nAn error occurred (UnauthorizedOperation) when calling the ' + sub + ' operation: You are not authorized to perform this operation.\\n');
  process.exit(254);
} else if (service === 'ec2' && data.keyed[sub]) {
  const id = Object.keys(data.keyed[sub].byId).includes(opt(data.keyed[sub].flag)) ? opt(data.keyed[sub].flag) : undefined;
  out = id ? data.keyed[sub].byId[id] : { [data.keyed[sub].list]: [] };
} else if (service === 'ec2' && data.ec2[sub]) out = data.ec2[sub];
else { process.stderr.write('fake aws: no canned answer for ' + args.join(' ') + '\\n'); process.exit(252); }
const q = opt('--query');
if (q) {
  let m;
  const path = q.replace(/ \\|\\| \`\\[\\]\`$/, '');
  if ((m = /^(\\w+)\\[\\]\\.(\\w+)$/.exec(path))) out = (out[m[1]] || []).map((x) => x[m[2]]);
  else out = out[path] === undefined ? (path !== q ? [] : null) : out[path];
}
if (opt('--output') === 'text') process.stdout.write((Array.isArray(out) ? out.join('\\t') : out === null ? 'None' : String(out)) + '\\n');
else process.stdout.write(JSON.stringify(out, null, 4) + '\\n');
`;

const bin = join(tmp, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'aws'), FAKE);
chmodSync(join(bin, 'aws'), 0o755);

/** The fake's canned data for a describe-* estate. */
function cannedData(estate: Record<string, unknown>, account: string, region?: string, cut = false): unknown {
  const ec2: Record<string, unknown> = {};
  const keyed: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(KEY_ACTIONS)) {
    const sub = kebab(def.action);
    if (def.param === undefined) ec2[sub] = { [def.list]: estate[key] ?? [] };
    else {
      const byId = Object.fromEntries(Object.entries((estate[key] ?? {}) as Record<string, unknown[]>).map(([id, items]) => [id, { [def.list]: items, ...(def.action === 'SearchTransitGatewayRoutes' ? { AdditionalRoutesAvailable: cut } : {}) }]));
      keyed[sub] = { flag: `--${kebab(def.param)}`, list: def.list, byId };
    }
  }
  return { account, region, ec2, keyed };
}

function runScript(args: string[], data: unknown, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; calls: string[][] } {
  const log = join(tmp, `log-${Math.random().toString(36).slice(2)}`);
  const dataFile = `${log}.data.json`;
  writeFileSync(dataFile, JSON.stringify(data));
  writeFileSync(log, '');
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete base[k];
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...base, PATH: `${bin}:${process.env['PATH']}`, FAKE_AWS_LOG: log, FAKE_AWS_DATA: dataFile, ...env } });
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls };
}

function canonical(inv: AwsInventory): Record<string, string[]> {
  const strip = (v: unknown): string => JSON.stringify(v, (k, x: unknown) => (k === 'source' ? undefined : typeof x === 'bigint' ? x.toString() : x));
  return Object.fromEntries(Object.entries(inv).map(([k, list]) => [k, Array.isArray(list) ? list.map(strip).sort() : [strip(list)]]));
}

test('the script writes <account>/<region>/ files that read back to the estate, asking what collect --aws asks', async () => {
  const [e] = fc.sample(estateArb(), { numRuns: 1, seed: 2203 });
  const estate = JSON.parse(JSON.stringify(e!.snapshot).replace(/eu-west-1/g, 'us-east-1')) as Record<string, unknown>;
  assert.ok((estate['TransitGatewayRouteTables'] as unknown[]).length > 0, 'the estate has keyed outputs to write');
  const orig = join(tmp, 'orig/222222222222/us-east-1');
  mkdirSync(orig, { recursive: true });
  writeFileSync(join(orig, 'snapshot.json'), JSON.stringify(estate, null, 2));
  const dir = join(tmp, 'out');
  const r = runScript(['--profile', 'audit', '--region', 'us-east-1', dir], cannedData(estate, '222222222222'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote 1 region\(s\) of account 222222222222 to /);
  assert.deepEqual(readdirSync(join(dir, '222222222222')), ['us-east-1'], 'no work directory left');
  assert.equal(readdirSync(join(dir, '222222222222/us-east-1')).length, requiredActions().length);
  assert.deepEqual(canonical(await readAwsSnapshot(dir)), canonical(await readAwsSnapshot(join(tmp, 'orig'))));
  // Read-only, with the profile and region given, and the same outputs as the SDK collector.
  const ec2 = r.calls.filter((c) => c[2] === 'ec2');
  for (const c of r.calls) {
    assert.deepEqual(c.slice(0, 2), ['--profile', 'audit']);
    assert.ok(c[2] === 'sts' ? c[3] === 'get-caller-identity' : /^(describe|get|search)-/.test(c[3]!), c.join(' '));
  }
  assert.ok(ec2.length > 0 && ec2.every((c) => c.includes('--region') && c[c.indexOf('--region') + 1] === 'us-east-1'));
  assert.deepEqual([...new Set(r.calls.filter((c) => c[2] === 'ec2').map((c) => c[3]))].sort(), requiredActions().map((a) => kebab(a.slice(4))).sort());
});

test('the script keeps a route search AWS cut short as its whole output, which the reader turns into a caveat', async () => {
  const [e] = fc.sample(estateArb().filter((x) => (x.snapshot['TransitGatewayRouteTables'] as unknown[]).length > 0), { numRuns: 1, seed: 11 });
  const estate = JSON.parse(JSON.stringify(e!.snapshot).replace(/eu-west-1/g, 'us-east-1')) as Record<string, unknown>;
  const dir = join(tmp, 'cut');
  const r = runScript(['--region', 'us-east-1', dir], cannedData(estate, '222222222222', undefined, true));
  assert.equal(r.code, 0, r.stderr);
  const stored = JSON.parse(readFileSync(join(dir, '222222222222/us-east-1/transit-gateway-routes.json'), 'utf8')) as { TransitGatewayRouteTableRoutes: Record<string, { AdditionalRoutesAvailable?: boolean }> };
  const tables = (estate['TransitGatewayRouteTables'] as Array<{ TransitGatewayRouteTableId: string }>).map((t) => t.TransitGatewayRouteTableId).sort();
  assert.deepEqual(Object.keys(stored.TransitGatewayRouteTableRoutes).sort(), tables);
  assert.ok(Object.values(stored.TransitGatewayRouteTableRoutes).every((x) => x.AdditionalRoutesAvailable === true));
  const inv = await readAwsSnapshot(dir);
  assert.deepEqual(inv.tgwRouteTables.filter((t) => t.routesTruncated).map((t) => t.id).sort(), tables);
  assert.equal(inv.diagnostics.filter((d) => d.code === 'aws-tgw-routes-truncated').length, tables.length);
});

test('a peering across Regions, which the script writes in both Regions\' files, reads back once and without a warning', async () => {
  const pcx = { VpcPeeringConnectionId: 'pcx-x', RequesterVpcInfo: { VpcId: 'vpc-1', OwnerId: '444444444444', Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: 'vpc-2', OwnerId: '444444444444', Region: 'eu-west-1' }, Status: { Code: 'active' } };
  const dir = join(tmp, 'two-regions');
  // The fake answers every Region alike: only the peering, which AWS too lists in both.
  const r = runScript(['--region', 'us-east-1', '--region', 'eu-west-1', dir], cannedData({ VpcPeeringConnections: [pcx] }, '444444444444'));
  assert.equal(r.code, 0, r.stderr);
  for (const region of ['us-east-1', 'eu-west-1']) {
    const f = JSON.parse(readFileSync(join(dir, '444444444444', region, 'vpc-peering-connections.json'), 'utf8')) as { VpcPeeringConnections: unknown[] };
    assert.equal(f.VpcPeeringConnections.length, 1, `${region} lists it, as the CLI prints it there`);
  }
  const inv = await readAwsSnapshot(dir);
  assert.deepEqual(inv.peerings.map((p) => p.id), ['pcx-x']);
  assert.deepEqual(inv.diagnostics.filter((d) => d.code === 'aws-duplicate-id'), []);
});

test('the script takes the profile\'s region when none is given; a refused call fails it and leaves no region written', () => {
  const data = cannedData({ Vpcs: [{ VpcId: 'vpc-1', OwnerId: '333333333333', CidrBlock: '10.0.0.0/16' }] }, '333333333333', 'ap-south-1');
  const ok = runScript([join(tmp, 'default-region')], data);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(existsSync(join(tmp, 'default-region/333333333333/ap-south-1/vpcs.json')));
  assert.ok(ok.calls.every((c) => c[0] !== '--profile'));
  const dir = join(tmp, 'refused');
  const bad = runScript(['--region', 'us-east-1', dir], data, { FAKE_AWS_FAIL: 'describe-network-acls' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /UnauthorizedOperation\) when calling the describe-network-acls operation/);
  assert.deepEqual(readdirSync(join(dir, '333333333333')), [], 'the work directory is removed, no region written');
  assert.equal(bad.calls.at(-1)?.[1], 'describe-network-acls');
  const usage = runScript(['--bogus'], data);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: /);
});
