/**
 * `init` on manifests and an AWS snapshot together: one intent with the cluster's segments and the estate's,
 * and outside pieces cut where either layer's draft cuts them. Random estates beside clusters whose policies
 * name outside ranges that overlap the estate's (split, nested, disjoint): audited against the merged intent,
 * neither layer has an unintended, over-broad or broken path, an invariant breach or an unmapped member.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { draftAwsIntent } from '../../src/analyses/aws/init.js';
import { mergeDrafts } from '../../src/analyses/aws/init-mixed.js';
import { awsDrift } from '../../src/analyses/aws/intent.js';
import { draftIntent, renderIntentYaml } from '../../src/analyses/intent/init.js';
import { drift } from '../../src/analyses/intent/index.js';
import { parseIntent } from '../../src/analyses/intent/load.js';
import { analyze } from '../../src/engine/index.js';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { estateArb } from './estate-gen.js';
import { parseCidr } from '../../src/model/address.js';
import { runCli } from '../helpers/run-cli.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CIDRS = ['203.0.113.0/25', '203.0.113.128/26', '203.0.113.0/24', '8.8.0.0/16', '8.8.8.8/32', '10.0.0.0/8', '10.1.0.0/16', '0.0.0.0/1', '198.51.100.0/24', '0.0.0.0/0'];

/** Two workloads; web takes from one outside block and sends to another (each perhaps with an exception). */
function cluster(inFrom: string, inExcept: string | undefined, outTo: string, outExcept: string | undefined): string {
  const block = (cidr: string, except: string | undefined): string => `{ipBlock: {cidr: ${cidr}${except ? `, except: [${except}]` : ''}}}`;
  const deploy = (name: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: app}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, tier: ${name}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
`;
  return `${deploy('web')}---
${deploy('db')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [${block(inFrom, inExcept)}], ports: [{port: 80}]}]
  egress: [{to: [${block(outTo, outExcept)}]}]
`;
}

/** An exception strictly inside the block, from the pool, or none. */
function exceptOf(cidr: string, pick: number): string | undefined {
  const r = parseCidr(cidr)!.range;
  const inside = CIDRS.filter((c) => {
    const x = parseCidr(c)!.range;
    return r.lo <= x.lo && x.hi <= r.hi && (x.lo !== r.lo || x.hi !== r.hi);
  });
  return inside.length && pick % 3 !== 0 ? inside[pick % inside.length] : undefined;
}

test('init on a cluster and an estate together: both layers audit clean against the one merged intent', () => {
  let split = 0;
  // The counts come from random inputs: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || split <= 3); batch++) fc.assert(
    fc.property(estateArb(), fc.constantFrom(...CIDRS), fc.constantFrom(...CIDRS), fc.nat(), fc.nat(), ({ snapshot }, inFrom, outTo, p1, p2) => {
      const aws = analyseAwsInventory(buildAwsInventory([{ path: 'gen.json', text: JSON.stringify(snapshot) }]));
      const k8s = analyze(loadFromTexts([{ path: 'app.yaml', text: cluster(inFrom, exceptOf(inFrom, p1), outTo, exceptOf(outTo, p2)) }]).inventory);
      const c = draftIntent(k8s, { outsideGroup: false });
      const e = draftAwsIntent(aws, c.segments.map((s) => s.name));
      const merged = mergeDrafts({ draft: c, outside: k8s.externals().map((x) => x.range) }, { draft: e, outside: aws.streamReach().view.externals.flatMap((x) => x.ranges) });
      const outsideCount = (d: typeof c): number => d.segments.filter((s) => s.cidrs).length;
      if (outsideCount(merged) > Math.max(outsideCount(c), outsideCount(e))) split++;
      const text = renderIntentYaml(merged);
      const intent = parseIntent(text, 'init.yaml');
      assert.equal(new Set(merged.segments.map((s) => s.name)).size, merged.segments.length, 'segment names are unique');
      const kd = drift(k8s, intent);
      assert.deepEqual([kd.violations.length, kd.overbroad.length, kd.broken.length, kd.breaches.length, kd.unmapped.length], [0, 0, 0, 0, 0], text);
      const ad = awsDrift(aws, intent);
      assert.deepEqual([ad.violations.length, ad.overbroad.length, ad.broken.length, ad.breaches.length, ad.unmapped.length, ad.emptySegments.length], [0, 0, 0, 0, 0, 0], text);
    }),
    { numRuns: 40 },
  );
  assert.ok(split > 3, `outside segments split by the other layer in ${split} runs`);
});

test('bulkhead init on manifests and a snapshot writes one intent that audit on the same inputs finds clean', () => {
  const r = runCli(['init', 'examples/shop', 'examples/aws', '--output-file', '-', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# The flows below are what the policies, security groups, network ACLs and routes allow TODAY/m);
  assert.match(r.stdout, /^ {2}shop-prod-db: \{namespace: shop-prod, labels: \{tier: db\}\}$/m);
  assert.match(r.stdout, /^ {2}prod-db: \{subnet: prod-db\}$/m);
  const dir = join(mkdtempSync(join(tmpdir(), 'bulkhead-init-mixed-')), 'bulkhead.yaml');
  const w = runCli(['init', 'examples/shop', 'examples/aws', '--output-file', dir, '--force', '-q']);
  assert.equal(w.code, 0, w.stderr);
  const a = JSON.parse(runCli(['audit', 'examples/shop', 'examples/aws', '--intent', dir, '-f', 'json', '-q']).stdout);
  const drifted = a.findings.filter((f: { check: string }) => /^(aws-)?intent-/.test(f.check));
  assert.deepEqual(drifted.map((f: { check: string; message: string }) => `${f.check}: ${f.message}`), []);
});
