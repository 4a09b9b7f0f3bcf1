/**
 * Ends of a run over manifests and AWS input: an end that names an endpoint of either layer is accepted (the
 * layer it names answers), one that names nothing on both is exit 2 with candidates from both layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

const BOTH = ['examples/shop', 'examples/aws'];
const WEB = '123456789012/us-east-1/vpc-prod/eni-web[web]';

test('reach over both layers: an AWS-only --from answers from the estate, a cluster-only one from the cluster', () => {
  const aws = runCli(['reach', ...BOTH, '--from', 'eni-web', '-q']);
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(aws.stdout, new RegExp(`^${WEB.replace(/[[\]]/g, '\\$&')} => `, 'm'));
  assert.doesNotMatch(aws.stdout, /== Kubernetes ==|shop-prod\//);
  const k8s = runCli(['reach', ...BOTH, '--from', 'shop-prod/frontend', '-q']);
  assert.equal(k8s.code, 0, k8s.stderr);
  assert.match(k8s.stdout, /^shop-prod\/frontend\[Deployment\] => /m);
  assert.doesNotMatch(k8s.stdout, /== AWS ==|eni-/);
  // An address names endpoints of both layers: both sections.
  const addr = runCli(['reach', ...BOTH, '--to', '10.0.0.10', '-q']);
  assert.equal(addr.code, 0, addr.stderr);
  assert.match(addr.stdout, /== Kubernetes ==[^]*== AWS ==/);
});

test('an end that names nothing on either layer is exit 2, naming candidates of both, before any output', () => {
  for (const cmd of [['reach'], ['explain', '--to', 'eni-api'], ['explain', '--to', 'shop-prod/api'], ['blast']]) {
    const r = runCli([...cmd, ...BOTH, '--from', 'eni-typo', '-q']);
    assert.equal(r.code, 2, `${cmd.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', cmd.join(' '));
    assert.match(r.stderr, /no endpoint of the manifests or of the AWS input matches --from "eni-typo"/, cmd.join(' '));
    assert.match(r.stderr, /hint: Kubernetes: .*; AWS: .*eni-web\[web\]/, cmd.join(' '));
  }
});

test('explain over both layers: AWS ends answer from the estate, cluster ends from the cluster, one of each needs the cluster\'s nodes in the estate', () => {
  const aws = runCli(['explain', ...BOTH, '--from', 'eni-web', '--to', 'eni-api', '-q']);
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(aws.stdout, /^ALLOWED: .*eni-web reaches .*eni-api on TCP 8080/);
  const k8s = runCli(['explain', ...BOTH, '--from', 'shop-prod/frontend', '--to', 'shop-prod/api', '-q']);
  assert.equal(k8s.code, 0, k8s.stderr);
  const cross = runCli(['explain', ...BOTH, '--from', 'eni-web', '--to', 'shop-prod/api', '-q']);
  // One end on each layer is a path across both, which needs the nodes: examples/aws has none of the shop's.
  assert.equal(cross.code, 2);
  assert.match(cross.stderr, /cannot join eni-web => shop-prod\/api: no node of the cluster was found in the AWS input/);
});
