/**
 * Across cloud and cluster on examples/eks: reach's third section joins the workloads with the estate's
 * endpoints through the nodes that carry them, and explain names both layers' settings with file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const EX = 'examples/eks';
const ENI = (n: string): string => `123456789012/us-east-1/vpc-eks/eni-${n}[${n}]`;

/** The lines of the cross-layer section of a text reach. */
function crossLines(stdout: string): string[] {
  const at = stdout.indexOf('== Across cloud and cluster ==');
  assert.ok(at > stdout.indexOf('== AWS =='), 'the cross section comes after the AWS one');
  return stdout.slice(at).split('\n').filter((l) => l.includes(' => '));
}

/** The line `file:line` points at, and the few after it (a YAML document begins there). */
function linesAt(ref: string, n = 4): string {
  const [file, line] = [ref.slice(0, ref.lastIndexOf(':')), Number(ref.slice(ref.lastIndexOf(':') + 1))];
  return readFileSync(join(REPO_ROOT, file), 'utf8').split('\n').slice(line - 1, line - 1 + n).join('\n');
}

test('reach: app reaches the database, other is blocked by its NetworkPolicy, the cache SG closes what a policy opens', () => {
  const r = runCli(['reach', EX, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = crossLines(r.stdout);
  const has = (s: string): void => assert.ok(lines.includes(s), `${s}\nin:\n${lines.join('\n')}`);
  has(`shop/app[Deployment] => ${ENI('db')} : TCP 5432 (Kubernetes also allows TCP 6379; AWS blocks it)`);
  has(`shop/other[Deployment] => ${ENI('db')} : nothing (AWS allows TCP 5432; Kubernetes blocks it)`);
  has(`shop/app[Deployment] => ${ENI('cache')} : nothing (Kubernetes allows TCP 5432,6379; AWS blocks it)`);
  has(`${ENI('lb')} => shop/app[Deployment] : TCP 8080`);
  has(`${ENI('lb')} => shop/other[Deployment] : nothing (AWS allows TCP 8080; Kubernetes blocks it)`);
  has('shop/batch[Pod] => internet except 10.0.0.0/8 : TCP 443');
  // Node interfaces carry pods: they are not AWS endpoints of the cross section.
  assert.ok(!lines.some((l) => l.includes('eni-node-')), 'no pod => node lines');
  assert.match(r.stdout, /nodes: ip-10-0-1-10\.ec2\.internal \(eni-node-a; Node ip-10-0-1-10\.ec2\.internal spec\.providerID aws:\/\/\/us-east-1a\/i-node-a/);
  assert.match(r.stdout, /AWS_VPC_K8S_CNI_EXTERNALSNAT=false/);
});

test('reach --from/--to/--port narrow the cross section; json has a cross member with each layer', () => {
  const t = crossLines(runCli(['reach', EX, '--from', 'shop/app', '--port', 'TCP/5432', '-q']).stdout);
  assert.deepEqual(t, [
    `shop/app[Deployment] => ${ENI('cache')} : nothing (Kubernetes allows TCP 5432; AWS blocks it)`,
    `shop/app[Deployment] => ${ENI('db')} : TCP 5432`,
    'shop/app[Deployment] => internet : nothing (AWS allows TCP 5432; Kubernetes blocks it)',
  ]);
  const doc = JSON.parse(runCli(['reach', EX, '-o', 'json', '-q']).stdout);
  assert.deepEqual(Object.keys(doc), ['kubernetes', 'aws', 'cross']);
  assert.equal(doc.cross.layer, 'cross');
  assert.equal(doc.cross.joined, true);
  assert.deepEqual(doc.cross.nodes.map((n: { instanceId: string }) => n.instanceId), ['i-node-a', 'i-node-b']);
  const c = doc.cross.connections.find((x: { src: string; dst: string }) => x.src === 'shop/other[Deployment]' && x.dst.endsWith('eni-db'));
  assert.deepEqual(c.conns, {});
  assert.deepEqual(c.kubernetes, {});
  assert.deepEqual(c.aws, { TCP: [[5432, 5432]] });
  const md = runCli(['reach', EX, '-o', 'md', '-q']).stdout;
  assert.match(md, /## Across cloud and cluster\n/);
  assert.match(md, /\| shop\/app\\?\[Deployment\\?\] \| .*eni-db\\?\[db\\?\] \| TCP 5432/);
});

test('explain other => db: denied, blocked by the default-deny policy (file:line), with every AWS stage and its JSON path', () => {
  const r = runCli(['explain', EX, '--from', 'shop/other', '--to', 'db', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^DENIED: shop\/other\[Deployment\] cannot reach .*eni-db\[db\]\n/);
  const ref = /kubernetes +egress of shop\/other\[Deployment\]: nothing allowed, isolated by shop\/default-deny \((examples\/eks\/cluster\.yaml:\d+)\)/.exec(r.stdout);
  assert.ok(ref, r.stdout);
  assert.match(linesAt(ref[1]!), /^apiVersion: networking\.k8s\.io\/v1\nkind: NetworkPolicy\nmetadata:\n {2}name: default-deny/);
  // The AWS layer alone lets TCP 5432 through: it is not named as a blocker, but every stage is shown.
  assert.doesNotMatch(r.stdout, /^ {2}aws /m);
  assert.match(r.stdout, /sg-ingress +partial sg-db allow TCP 5432 from 10\.0\.1\.10\n +allow sg-db ingress #0: TCP 5432 \(examples\/eks\/123456789012\/us-east-1\/security-groups\.json:\d+ SecurityGroups\[2\]\.IpPermissions\[0\]\.UserIdGroupPairs\[0\]\)/);
  assert.match(r.stdout, /route +allow +rtb-private routes 10\.0\.2\.50 locally/);
  assert.equal(runCli(['explain', EX, '--from', 'shop/other', '--to', 'db', '--expect', 'deny', '-q']).code, 0);
  assert.equal(runCli(['explain', EX, '--from', 'shop/other', '--to', 'db', '--expect', 'allow', '-q']).code, 1);
});

test('explain app => cache on TCP 6379: the policy allows it, the cache security group blocks it (named with file and JSON path)', () => {
  const r = runCli(['explain', EX, '--from', 'shop/app', '--to', 'cache', '--port', 'TCP/6379', '-q']);
  assert.match(r.stdout, /^DENIED: /);
  assert.match(r.stdout, /aws +sg-ingress sg-cache: nothing passes \(no ingress rule of sg-cache allows from 10\.0\.1\.10\) \[sg-cache \(examples\/eks\/123456789012\/us-east-1\/security-groups\.json:\d+ SecurityGroups\[3\]\)\]/);
  assert.doesNotMatch(r.stdout, /^ {2}kubernetes /m);
  assert.match(r.stdout, /shop\/app-to-data egress rule #1 \(examples\/eks\/cluster\.yaml:\d+\) admits TCP 5432,6379/);
  const j = JSON.parse(runCli(['explain', EX, '--from', 'shop/app', '--to', 'cache', '--port', 'TCP/6379', '-o', 'json', '-q']).stdout);
  assert.equal(j.layer, 'cross');
  assert.equal(j.verdict, 'denied');
  assert.equal(j.kubernetes.verdict, 'allowed');
  assert.equal(j.aws.layers.find((l: { stage: string }) => l.stage === 'sg-ingress').verdict, 'deny');
});

test('explain the other way and to the internet: the pod IP of a placed pod, SNAT to the node toward the internet', () => {
  const lb = runCli(['explain', EX, '--from', 'lb', '--to', 'shop/app', '-q']).stdout;
  assert.match(lb, /^ALLOWED: .*eni-lb\[lb\] reaches shop\/app\[Deployment\] on TCP 8080\n/);
  assert.match(lb, /shop\/app-from-lb ingress rule #1 \(examples\/eks\/cluster\.yaml:\d+\) admits TCP 8080/);
  const batch = runCli(['explain', EX, '--from', 'lb', '--to', 'shop/batch', '-q']).stdout;
  assert.match(batch, /seen by AWS as pod IP 10\.0\.1\.21 on eni-node-b of node ip-10-0-1-20\.ec2\.internal \(VPC CNI\)/);
  const out = runCli(['explain', EX, '--from', 'shop/batch', '--to', 'internet', '-q']).stdout;
  assert.match(out, /^ALLOWED: shop\/batch reaches 8\.8\.8\.8 on TCP 443\n/);
  assert.match(out, /SNAT to node ip-10-0-1-20\.ec2\.internal's primary address 10\.0\.1\.20/);
  assert.match(out, /gateway .*nat-eks translates to 54\.0\.0\.100/);
});

test('a mixed run whose nodes cannot be found says so in the cross section of every format', () => {
  const r = runCli(['reach', 'examples/shop', 'examples/aws', '-q']);
  assert.match(r.stdout, /== Across cloud and cluster ==\n(.|\n)*no node of the cluster was found in the AWS input/);
  const doc = JSON.parse(runCli(['reach', 'examples/shop', 'examples/aws', '-o', 'json', '-q']).stdout);
  assert.equal(doc.cross.joined, false);
  assert.ok(doc.cross.diagnostics.some((d: { code: string }) => d.code === 'cross-no-nodes'));
  assert.match(runCli(['reach', 'examples/shop', 'examples/aws', '-o', 'md', '-q']).stdout, /## Across cloud and cluster\n(.|\n)*no node of the cluster was found/);
});

test('the cross section and explain carry both inputs\' caveats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-cross-'));
  cpSync(join(REPO_ROOT, EX), dir, { recursive: true });
  writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n');
  writeFileSync(join(dir, 'extra.json'), JSON.stringify({ RouteTables: [{ RouteTableId: 'rtb-vgw', VpcId: 'vpc-eks', Associations: [], Routes: [{ DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'vgw-1', State: 'active' }] }] }, null, 2));
  for (const format of ['text', 'md', 'json']) {
    const r = runCli(['reach', dir, '-o', format, '-q']);
    assert.equal(r.code, 0, r.stderr);
    const cross = format === 'json' ? JSON.stringify(JSON.parse(r.stdout).cross) : r.stdout.slice(r.stdout.indexOf('Across cloud and cluster'));
    assert.match(cross, /broken\.yaml/, `${format}: the manifests' error`);
    assert.match(cross, /vgw-1/, `${format}: the snapshot's unevaluated route`);
    const x = runCli(['explain', dir, '--from', 'shop/app', '--to', 'db', '-o', format, '-q']).stdout;
    assert.match(x, /broken\.yaml/, `explain ${format}`);
    assert.match(x, /vgw-1/, `explain ${format}`);
  }
});

test('docs/aws.md "Across cloud and cluster" shows what reach and explain print on examples/eks', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/aws.md'), 'utf8');
  const blockAfter = (lead: string): string => {
    const at = doc.indexOf(lead);
    assert.ok(at >= 0, `docs/aws.md has ${lead}`);
    const start = doc.indexOf('\n', doc.indexOf('```', at + lead.length)) + 1;
    return doc.slice(start, doc.indexOf('\n```', start) + 1);
  };
  assert.equal(runCli(['reach', EX, '--from', 'shop/app', '-q']).stdout, blockAfter("`bulkhead reach examples/eks --from shop/app` (an end that names only a workload leaves the AWS section out):"));
  assert.equal(runCli(['explain', EX, '--from', 'shop/other', '--to', 'db', '-q']).stdout, blockAfter('`bulkhead explain examples/eks --from shop/other --to db`:'));
});
