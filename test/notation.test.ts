// One notation in every command (issue 13): outside addresses named as reach names them (`internet`,
// `internet except 10.0.0.0/8`, CIDRs), blocks that behave alike merged into one endpoint, `=>` for a
// connection, counts with thousands separators. One fixture through reach, blast, diff and review: a
// `0.0.0.0/0 except 10.0.0.0/8` rule, and an unrelated policy that cuts the outside space elsewhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from './helpers/run-cli.js';
import { num } from '../src/reports/numbers.js';
import { mdText } from '../src/reports/safe-text.js';
import { mergeOutsideChanges } from '../src/analyses/diff/outside.js';
import { awsOutsideName, cidrRanges, outsideName } from '../src/analyses/outside.js';
import type { Endpoint } from '../src/analyses/endpoints.js';
import { formatRange, rangeToCidrs } from '../src/model/address.js';

const NAME = 'internet except 10.0.0.0/8';

function cluster(webPort: number): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, ports: [{containerPort: ${webPort}}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, ports: [{containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress, Ingress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
  - to: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
    ports: [{port: ${webPort}}]
---
# Unrelated to web: it cuts the outside space at 192.168.0.0/16 and 203.0.113.0/24.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
  - from: [{ipBlock: {cidr: 203.0.113.0/24}}, {ipBlock: {cidr: 192.168.0.0/16}}]
    ports: [{port: 5432}]
`;
}

function fixture(): { dir: string; old: string; neu: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-notation-'));
  const old = join(dir, 'old.yaml');
  const neu = join(dir, 'new.yaml');
  writeFileSync(old, cluster(80));
  writeFileSync(neu, cluster(8080));
  return { dir, old, neu };
}

/** What no command may print any more: `[External]`, an address range `a.b.c.d-e.f.g.h`, another connection arrow. */
function assertNotation(what: string, out: string): void {
  assert.doesNotMatch(out, /\[External\]/, `${what}: [External]`);
  assert.doesNotMatch(out, /\d+\.\d+\.\d+\.\d+-\d+\.\d+/, `${what}: an address range`);
  assert.doesNotMatch(out, /\](?: -> | → )|(?: -> | → )(?:shop\/|internet)/, `${what}: a connection arrow other than =>`);
}

/** The lines of `out` that name `name`. */
function linesWith(out: string, name: string): string[] {
  return out.split('\n').filter((l) => l.includes(name));
}

test('reach, blast, diff and review name the same outside addresses alike, once, with the same arrow', () => {
  const { dir, old, neu } = fixture();
  const reach = runCli(['reach', old]);
  assert.equal(reach.code, 0, reach.stderr);
  assertNotation('reach', reach.stdout);
  assert.deepEqual(linesWith(reach.stdout, NAME), [`shop/web[Pod] => ${NAME} : All Connections`, `${NAME} => shop/web[Pod] : TCP 80`]);

  const blast = runCli(['blast', old, '--from', 'shop/web']);
  assert.equal(blast.code, 0, blast.stderr);
  assertNotation('blast', blast.stdout);
  // One endpoint in the hop listing (not one per block the other policy cuts), one hop to it.
  assert.equal(blast.stdout.split('\n').filter((l) => new RegExp(`^  ${NAME} +All Connections`).test(l)).length, 1, blast.stdout);
  assert.match(blast.stdout, new RegExp(`^  shop/web\\[Pod\\] => ${NAME} : All Connections`, 'm'));
  assert.match(blast.stdout, /1 outside endpoint;/);
  for (const f of ['md', 'html']) {
    const r = runCli(['blast', old, '--from', 'shop/web', '-o', f]);
    assertNotation(`blast -o ${f}`, r.stdout);
    assert.ok(r.stdout.includes(NAME), `blast -o ${f} names ${NAME}`);
  }
  const bj = JSON.parse(runCli(['blast', old, '--from', 'shop/web', '-o', 'json']).stdout) as { reached: Array<{ endpoint: Endpoint }> };
  const outside = bj.reached.filter((e) => e.endpoint.kind === 'External').map((e) => e.endpoint);
  assert.deepEqual(outside.map((e) => [e.id, e.except]), [[NAME, ['10.0.0.0/8']]]);
  const ranking = runCli(['blast', old]);
  assert.match(ranking.stdout, new RegExp(`^1 +1 +1 +${NAME} +shop/web\\[Pod\\]$`, 'm'));

  const diff = runCli(['diff', old, neu]);
  assert.equal(diff.code, 0, diff.stderr);
  assertNotation('diff', diff.stdout);
  assert.deepEqual(linesWith(diff.stdout, NAME), [`  ${NAME} => shop/web[Pod] : TCP 80 → TCP 8080 (opened TCP 8080; closed TCP 80)`]);
  assert.match(diff.stdout, /0 pairs opened, 0 closed, 1 changed/);
  const md = runCli(['diff', old, neu, '--format', 'md']);
  assertNotation('diff --format md', md.stdout);
  assert.equal(linesWith(md.stdout, NAME).length, 1, md.stdout);
  const dj = JSON.parse(runCli(['diff', old, neu, '--format', 'json']).stdout) as { changes: Array<{ src: string }>; endpoints: Endpoint[] };
  assert.deepEqual(dj.changes.map((c) => c.src), [NAME]);
  assert.deepEqual(dj.endpoints.find((e) => e.id === NAME)?.except, ['10.0.0.0/8']);

  const db = join(dir, 'store.db');
  for (const [file, at] of [[old, '2026-09-01T10:00:00Z'], [neu, '2026-09-02T10:00:00Z']] as const) {
    const s = runCli(['snapshot', file, '--db', db, '--at', at]);
    assert.equal(s.code, 0, s.stderr);
  }
  const review = runCli(['review', '--since', '2026-08-01', '--db', db, '--no-record']);
  assert.equal(review.code, 0, review.stderr);
  assertNotation('review', review.stdout);
  assert.deepEqual(linesWith(review.stdout, NAME), [`- changed: ${NAME} => shop/web[Pod]: TCP 80 → TCP 8080 (because of NetworkPolicy shop/web)`]);

  // explain takes one outside address at a time; its error names the parts by their CIDRs too.
  const ex = runCli(['explain', old, '--from', 'shop/web', '--to', '0.0.0.0/0']);
  assert.equal(ex.code, 2);
  assertNotation('explain error', ex.stderr);
  assert.match(ex.stderr, /spans addresses that policies treat differently: 0\.0\.0\.0\/5, 8\.0\.0\.0\/7; 10\.0\.0\.0\/8; /);
});

test('Markdown keeps the connection arrow readable and still escapes every other >', () => {
  assert.equal(mdText('a/x[Pod] => b/y[Pod] > <b>'), 'a/x[Pod] => b/y[Pod] &gt; &lt;b&gt;');
});

test('counts carry thousands separators', () => {
  assert.equal(num(0), '0');
  assert.equal(num(999), '999');
  assert.equal(num(1000), '1,000');
  assert.equal(num(12345), '12,345');
  assert.equal(num(-1234567), '-1,234,567');
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => num(n).replace(/,/g, '') === String(n) && /^\d{1,3}(,\d{3})*$/.test(num(n))));
});

test('diff: merged outside changes stand for exactly the block changes they replace', () => {
  // Blocks 0..7 of IPv4, each a /3; a change per (block, peer) with one of two port labels.
  const blocks = Array.from({ length: 8 }, (_, i) => `${i * 32}.0.0.0/3`);
  const endpoints = new Map<string, Endpoint>(blocks.map((c) => [formatRange(cidrRanges([c])[0]!), { id: formatRange(cidrRanges([c])[0]!), kind: 'External', cidrs: [c] }]));
  for (const p of ['a/x[Pod]', 'a/y[Pod]']) endpoints.set(p, { id: p, kind: 'Pod' });
  const ids = [...endpoints.keys()];
  const change = fc.record({ block: fc.integer({ min: 0, max: 7 }), peer: fc.constantFrom('a/x[Pod]', 'a/y[Pod]'), inbound: fc.boolean(), label: fc.constantFrom('p', 'q'), kind: fc.constantFrom('added', 'removed') });
  fc.assert(
    fc.property(fc.uniqueArray(change, { selector: (c) => `${c.block}|${c.peer}|${c.inbound}` }), (cs) => {
      const input = cs.map((c) => ({ src: c.inbound ? ids[c.block]! : c.peer, dst: c.inbound ? c.peer : ids[c.block]!, kind: c.kind, label: c.label }));
      const merged = mergeOutsideChanges(input, endpoints, (c) => c.label, ['changed', 'added', 'removed']);
      const atoms = (id: string): string[] => (merged.endpoints.get(id)?.kind === 'External' ? cidrRanges(merged.endpoints.get(id)!.cidrs!).flatMap((r) => blocks.filter((b) => { const x = cidrRanges([b])[0]!; return x.lo >= r.lo && x.hi <= r.hi; })) : [id]);
      const expand = (l: ReadonlyArray<{ src: string; dst: string; kind: string; label: string }>): string[] => l.flatMap((c) => atoms(c.src).flatMap((s) => atoms(c.dst).map((d) => `${s}>${d}:${c.kind}:${c.label}`))).sort();
      const before = input.map((c) => `${endpoints.get(c.src)?.cidrs?.[0] ?? c.src}>${endpoints.get(c.dst)?.cidrs?.[0] ?? c.dst}:${c.kind}:${c.label}`).sort();
      assert.deepEqual(expand(merged.changes), before);
      // One line per (peer, direction, kind, label): nothing that changes alike is listed twice.
      const lines = merged.changes.map((c) => `${merged.endpoints.get(c.src)?.kind === 'External' ? `<${c.dst}` : `>${c.src}`}|${c.kind}|${c.label}`);
      assert.equal(new Set(lines).size, lines.length);
    }),
    { numRuns: 200 },
  );
});

test('AWS input with IPv6: the outside is named per family (internet (IPv4), internet (IPv6)) in reach and blast; internet when both behave alike', () => {
  const u4 = cidrRanges(['0.0.0.0/1', '128.0.0.0/1']);
  const u6 = cidrRanges(['::/1', '8000::/1']);
  const u = [...u4, ...u6];
  assert.equal(awsOutsideName(u, u).name, 'internet');
  assert.equal(awsOutsideName(u4, u).name, 'internet (IPv4)');
  assert.equal(awsOutsideName(u6, u).name, 'internet (IPv6)');
  assert.equal(awsOutsideName(cidrRanges(['::/1', '8000::/2', 'c000::/3', 'e000::/4']), u).name, 'internet (IPv6) except f000::/4');
  assert.equal(awsOutsideName([...cidrRanges(['8.8.8.0/24']), ...u6], u).name, '8.8.8.0/24 + internet (IPv6)');
  // One family in the universe: the cluster's notation, unchanged.
  assert.equal(awsOutsideName(cidrRanges(['0.0.0.0/1']), u4).name, outsideName(cidrRanges(['0.0.0.0/1']), u4).name);
  const reach = runCli(['reach', 'examples/aws-ipv6', '--no-settings']);
  assert.match(reach.stdout, /^internet \(IPv6\) => .*eni-site\[site\] : TCP 22,443$/m);
  assert.match(reach.stdout, /^internet \(IPv4\) => .*eni-legacy\[legacy\] : TCP 443$/m);
  assert.ok(!/internet except/.test(reach.stdout));
  const blast = runCli(['blast', 'examples/aws-ipv6', '--from', 'site', '--no-settings']);
  assert.match(blast.stdout, /^\s+internet \(IPv6\)\s+all traffic/m);
  assert.match(blast.stdout, /^\s+internet \(IPv4\)\s+all traffic\s+via/m);
  // An IPv4-only estate keeps `internet`.
  assert.match(runCli(['reach', 'examples/aws', '--no-settings']).stdout, /^internet => .*eni-web\[web\] : TCP 443$/m);
});
