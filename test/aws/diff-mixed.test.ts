/**
 * `diff OLD NEW` where a side holds manifests and AWS input: a section per layer in every format, the intent
 * gate over both layers, a layer one side lacks taken as empty (and said), caveats of both sides and layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const REGION = '123456789012/us-east-1';
const ROOT = mkdtempSync(join(tmpdir(), 'bulkhead-diff-mixed-'));

/** A side: the manifests of `k8s` (none: no manifests) and the example snapshot (edited by `aws`; null: none). */
function side(name: string, k8s: string | undefined, aws: ((doc: Record<string, unknown[]>) => void) | null | undefined): string {
  const dir = join(ROOT, name);
  mkdirSync(dir);
  if (k8s) {
    cpSync(k8s, join(dir, 'k8s'), { recursive: true });
    rmSync(join(dir, 'k8s', 'bulkhead.yaml'), { force: true });
  }
  if (aws !== null) {
    cpSync('examples/aws', join(dir, 'aws'), { recursive: true });
    if (aws) {
      const f = join(dir, 'aws', REGION, 'network-acls.json');
      const doc = JSON.parse(readFileSync(f, 'utf8'));
      aws(doc);
      writeFileSync(f, JSON.stringify(doc, null, 2));
    }
  }
  return dir;
}

/** dev-box's database requests get their replies: dev reaches db. */
const openDevDb = (doc: Record<string, unknown[]>): void => {
  const acl = doc['NetworkAcls']![1] as { Entries: Array<{ RuleNumber: number; Egress: boolean; PortRange?: unknown }> };
  acl.Entries.find((x) => x.RuleNumber === 110 && x.Egress)!.PortRange = { From: 1024, To: 65535 };
};

const OLD = side('old', 'examples/shop', undefined);
const SAME = side('same', 'examples/shop', undefined);
// shop-pr opens frontend => redis; the NACL edit opens dev-box => db.
const BOTH = side('both', 'examples/shop-pr', openDevDb);
const K8S_CHANGE = side('k8s-change', 'examples/shop-pr', undefined);
const AWS_CHANGE = side('aws-change', 'examples/shop', openDevDb);
const K8S_ONLY = side('k8s-only', 'examples/shop', null);
const AWS_ONLY = side('aws-only', undefined, undefined);

// One intent for both layers: cluster segments by namespace and labels, estate segments by VPC; no flows.
const INTENT = join(ROOT, 'intent.yaml');
writeFileSync(INTENT, `segments:
  web: {namespace: shop-prod, labels: {tier: web}}
  data: {namespace: shop-prod, labels: {tier: [db, cache]}}
  cloud-prod: {vpc: prod}
  cloud-dev: {vpc: dev}
invariants:
  - never: {from: web, to: data}
  - never: {from: cloud-dev, to: cloud-prod}
`);

test('mixed sides: a Kubernetes then an AWS section in text and md (one comment marker), members in json', () => {
  const t = runCli(['diff', OLD, BOTH, '--no-intent']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^== Kubernetes ==\nConnectivity diff: /);
  const k = t.stdout.indexOf('== Kubernetes ==');
  const a = t.stdout.indexOf('\n== AWS ==\nAWS connectivity diff: ');
  assert.ok(k >= 0 && a > k, t.stdout);
  assert.match(t.stdout.slice(k, a), /shop-prod\/frontend\[Deployment\] => shop-prod\/redis\[Deployment\] : TCP 6379/);
  assert.match(t.stdout.slice(a), new RegExp(`${REGION}/vpc-dev/eni-dev\\[dev-box\\] => ${REGION}/vpc-prod/eni-db\\[db\\] : nothing → TCP 5432`));
  const md = runCli(['diff', OLD, BOTH, '--no-intent', '-f', 'md']).stdout;
  assert.equal(md.split('<!-- bulkhead:diff -->').length - 1, 1, md);
  assert.match(md, /^<!-- bulkhead:diff -->\n## Kubernetes\n\n### Bulkhead: network connectivity change\n[^]*\n## AWS\n\n### Bulkhead: AWS network connectivity change\n/);
  const j = JSON.parse(runCli(['diff', OLD, BOTH, '--no-intent', '-f', 'json']).stdout);
  assert.deepEqual(Object.keys(j), ['kubernetes', 'aws']);
  assert.equal(j.aws.layer, 'aws');
  assert.deepEqual(j.aws.changes.map((c: { src: string; dst: string }) => [c.src, c.dst]), [[`${REGION}/vpc-dev/eni-dev`, `${REGION}/vpc-prod/eni-db`]]);
  assert.ok(j.kubernetes.changes.some((c: { src: string; dst: string }) => c.src === 'shop-prod/frontend[Deployment]' && c.dst === 'shop-prod/redis[Deployment]'), JSON.stringify(j.kubernetes.changes));
});

test('--fail-on new-violation fails on a new violation in either layer, and passes when neither has one', () => {
  for (const [neu, layer] of [[K8S_CHANGE, 'Kubernetes'], [AWS_CHANGE, 'AWS'], [BOTH, 'both']] as const) {
    const r = runCli(['diff', OLD, neu, '--intent', INTENT, '--fail-on', 'new-violation', '-q']);
    assert.equal(r.code, 1, `${layer}: ${r.stderr}`);
    assert.match(r.stderr, /the change opens \d+ paths? that violates? the intent/);
  }
  const ok = runCli(['diff', OLD, SAME, '--intent', INTENT, '--fail-on', 'new-violation', '-q']);
  assert.equal(ok.code, 0, ok.stderr);
  // Each section judges its own layer: the estate's violation in the AWS section, the cluster's in its own.
  const j = JSON.parse(runCli(['diff', OLD, BOTH, '--intent', INTENT, '-f', 'json', '-q']).stdout);
  assert.ok(j.kubernetes.drift.introduced.length > 0 && j.aws.drift.introduced.length > 0, JSON.stringify([j.kubernetes.drift, j.aws.drift]));
});

test('a layer one side lacks is empty there: everything opened (or closed), and a warning says so in every format', () => {
  for (const [o, n, missing, verb] of [[K8S_ONLY, BOTH, K8S_ONLY, 'opened'], [BOTH, K8S_ONLY, K8S_ONLY, 'closed'], [AWS_ONLY, BOTH, AWS_ONLY, 'opened']] as const) {
    const layer = missing === K8S_ONLY ? 'AWS' : 'Kubernetes';
    const say = new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds no ${layer === 'AWS' ? 'AWS input' : 'Kubernetes manifests'}: its ${layer} layer is taken as empty, so every ${layer} connection of .* counts as ${verb}`);
    for (const f of ['text', 'md', 'json']) {
      const r = runCli(['diff', o, n, '--no-intent', '-q', '-f', f]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, say, `${f}: ${r.stdout.slice(0, 2000)}`);
    }
    const j = JSON.parse(runCli(['diff', o, n, '--no-intent', '-q', '-f', 'json']).stdout);
    const part = layer === 'AWS' ? j.aws : j.kubernetes;
    assert.ok(part.changes.length > 0 && part.changes.every((c: { kind: string }) => c.kind === (verb === 'opened' ? 'added' : 'removed')), JSON.stringify(part.changes.map((c: { kind: string }) => c.kind)));
  }
  // Sides with no layer in common are still refused.
  const r = runCli(['diff', AWS_ONLY, K8S_ONLY]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is AWS input and .* is not/);
});

test('every format carries the caveats of both sides and both layers', () => {
  const o = side('caveat-old', 'examples/shop', undefined);
  const n = side('caveat-new', 'examples/shop', undefined);
  writeFileSync(join(o, 'k8s', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
  writeFileSync(join(n, 'k8s', 'cilium.yaml'), 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: planted, namespace: shop-prod}\nspec:\n  endpointSelector: {}\n');
  writeFileSync(join(o, 'aws', 'broken-vpcs.json'), '{"Vpcs": [{"VpcId": "vpc-old-broken"}]}\n');
  writeFileSync(join(n, 'aws', 'broken-vpcs.json'), '{"Vpcs": [{"VpcId": "vpc-new-broken"}]}\n');
  for (const f of ['text', 'md', 'json']) {
    const out = runCli(['diff', o, n, '--no-intent', '-q', '-f', f]).stdout;
    for (const planted of ['broken.yaml', 'CiliumNetworkPolicy', 'vpc-old-broken', 'vpc-new-broken']) assert.ok(out.includes(planted), `${f} lacks ${planted}`);
  }
});

test('git:REF:path sides hold both layers too', () => {
  const repo = mkdtempSync(join(tmpdir(), 'bulkhead-diff-mixed-git-'));
  const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  cpSync(OLD, join(repo, 'net'), { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'old');
  rmSync(join(repo, 'net'), { recursive: true });
  cpSync(BOTH, join(repo, 'net'), { recursive: true });
  const r = runCli(['diff', 'git:HEAD:net', 'net', '--no-intent', '-f', 'json'], undefined, repo);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.aws.changes.length, 1);
  assert.ok(j.kubernetes.changes.length > 0);
});
