/**
 * Across cloud and cluster on a dual-stack VPC (examples/aws-ipv6 plus an IPv6-only subnet) with an IPv4
 * cluster: pairs are joined in one family, so an interface's IPv6 path is never a pod's (IPv6-only rules
 * used to open IPv4 pods), and explain answers IPv6 ends over IPv6.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

const FX = 'test/fixtures/cross-ipv6';
const SITE = '123456789012/us-east-1/vpc-dual/eni-site[site]';

test('reach joins over IPv4: the site reaches no pod (its only opening to the workers is over IPv6) and says IPv6 ends are not joined', () => {
  const r = runCli(['reach', FX, '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, new RegExp(`${SITE.replace(/[[\]]/g, '\\$&')} => a/(p|hn)\\[Pod\\]`));
  assert.match(r.stdout, /pairs are joined over IPv4, IPv6 outside ranges and interfaces' IPv6 paths are left out/);
});

test('explain from an IPv4 pod to an IPv6-only interface is denied at the route; a hostNetwork pod answers over its node\'s IPv6 address', () => {
  const p = runCli(['explain', FX, '--from', 'a/p', '--to', 'v6only', '-q']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /DENIED: a\/p cannot reach 123456789012\/us-east-1\/vpc-dual\/eni-v6\[v6only\]/);
  assert.match(p.stdout, /a\/p has no IPv6 address: no IPv6 path/);
  const hn = runCli(['explain', FX, '--from', 'a/hn', '--to', '2600:1f18:a:b02::10', '-q']);
  assert.equal(hn.code, 0, hn.stderr);
  assert.match(hn.stdout, /ALLOWED: a\/hn reaches 123456789012\/us-east-1\/vpc-dual\/eni-v6\[v6only\] on TCP 9000/);
  assert.match(hn.stdout, /host network: the node eni-worker's primary interface eni-worker at its IPv6 address/);
});
