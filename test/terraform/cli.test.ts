/** The CLI on Terraform JSON and AWS diffs: state vs plan end to end, one plan alone, describe snapshots, refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const STATE = 'examples/terraform/state.json';
const PLAN = 'examples/terraform/plan.json';
const DEV = '123456789012/us-east-1/vpc-0b7d2e8f1a3c4d902/eni-0c3d4e5f6a7b80903';
const DB = '123456789012/us-east-1/vpc-0f3a9c1d2e4b5a601/eni-0b2c3d4e5f6a70802';
const CI = '123456789012/us-east-1/vpc-0b7d2e8f1a3c4d902/tf:aws_instance.ci_runner';

test('reach reads a state and a plan (its after-state); the plan\'s new instance has a placeholder id', () => {
  const s = runCli(['reach', STATE]);
  assert.equal(s.code, 0, s.stderr);
  assert.doesNotMatch(s.stdout, new RegExp(`${DEV}.* => ${DB}`));
  const p = runCli(['reach', PLAN]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, new RegExp(`${DEV}\\[dev-box\\] => ${DB}\\[prod-db\\] : TCP 5432\\n`));
  assert.match(p.stdout, new RegExp(`${CI.replace(/[.]/g, '\\.')}\\[ci-runner\\] => ${DB}\\[prod-db\\] : TCP 5432\\n`));
});

test('diff state plan: text says what opens, from where to where, and the rule that opens it with file and JSON path', () => {
  const r = runCli(['diff', STATE, PLAN]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^AWS connectivity diff: examples\/terraform\/state\.json → examples\/terraform\/plan\.json\n2 pairs opened, 0 closed, 0 changed; 1 unchanged\./);
  assert.match(r.stdout, /This change opens TCP 5432 from dev-box \(VPC dev\) to prod-db \(VPC prod\)\./);
  const line = readFileSync(PLAN, 'utf8').split('\n').findIndex((l) => l.includes('"address": "aws_vpc_security_group_ingress_rule.db_from_dev"')) + 1;
  assert.ok(line > 0);
  const cause = new RegExp(`because now: sg-ingress allow sg-0b6c7d8e9f0a1b202 ingress #\\d: TCP 5432 \\(aws_vpc_security_group_ingress_rule\\.db_from_dev, examples/terraform/plan\\.json:(\\d+) planned_values\\.root_module\\.resources\\[\\d+\\]\\.values\\)`);
  const m = cause.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= line - 1 && Number(m[1]) < line + 10, `line ${m[1]} is the rule's resource (its address at ${line})`);
  // The new CI runner: named as added, its causes only what the plan adds (its group, the new rule).
  assert.match(r.stdout, /\[interface .*tf:aws_instance\.ci_runner added\]\n(    because now: .*\n)+/);
  const ciBlock = r.stdout.slice(r.stdout.indexOf('[interface'));
  assert.match(ciBlock, /aws_security_group\.ci/);
  assert.doesNotMatch(ciBlock.split('\n').slice(0, 4).join('\n'), /aws_default_network_acl/);
});

test('diff state plan in json and md: the same changes, causes with file, line, path and address; md has the comment marker', () => {
  const j = JSON.parse(runCli(['diff', STATE, PLAN, '-f', 'json']).stdout);
  assert.equal(j.schema, 'bulkhead.diff/v1');
  assert.equal(j.layer, 'aws');
  assert.deepEqual(j.changes.map((c: { kind: string; src: string; dst: string }) => [c.kind, c.src, c.dst]), [['added', DEV, DB], ['added', CI, DB]]);
  const dev = j.changes.find((c: { src: string }) => c.src === DEV);
  assert.deepEqual(dev.opened, { TCP: [[5432, 5432]] });
  assert.ok(dev.causes.some((c: { change: string; address?: string; file?: string; path?: string }) => c.change === 'added' && c.address === 'aws_vpc_security_group_ingress_rule.db_from_dev' && c.file === PLAN && /^planned_values\./.test(c.path ?? '')));
  assert.ok(Array.isArray(j.diagnostics) && 'bound' in j);
  const md = runCli(['diff', STATE, PLAN, '-f', 'md']).stdout;
  assert.match(md, /^<!-- bulkhead:diff -->\n### Bulkhead: AWS network connectivity change/);
  assert.match(md, /This change opens TCP 5432 from dev-box \(VPC dev\) to prod-db \(VPC prod\)/);
  assert.match(md, /<details><summary>Opened: 2<\/summary>/);
});

test('diff PLAN alone and diff --plan PLAN compare the prior state with the after-state', () => {
  for (const args of [['diff', PLAN], ['diff', '--plan', PLAN]]) {
    const r = runCli([...args, '-f', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.old, `${PLAN} (prior state)`);
    assert.equal(j.summary.added, 2);
    // The same settings on both sides of one file are not causes: only the new rule (and the old denial).
    const dev = j.changes.find((c: { src: string }) => c.src === DEV);
    assert.deepEqual(dev.causes.map((c: { change: string; address: string }) => `${c.change} ${c.address}`), ['added aws_vpc_security_group_ingress_rule.db_from_dev', 'removed aws_security_group.db']);
  }
  const bad = runCli(['diff', '--plan', STATE]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not `terraform show -json` output of a plan/);
  assert.equal(runCli(['diff', '--plan', PLAN, STATE]).code, 2);
});

test('diff refuses AWS input against manifests, and --fail-on new-violation without an intent (exit 2)', () => {
  const mixed = runCli(['diff', STATE, 'examples/shop']);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /is AWS input and examples\/shop is not/);
  assert.equal(runCli(['diff', STATE, PLAN, '--fail-on', 'new-violation']).code, 2);
});

test('diff of two describe-* snapshots: a NACL entry that lets replies back opens dev -> db, caused by that entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-aws-diff-'));
  cpSync('examples/aws', dir, { recursive: true });
  const f = join(dir, '123456789012/us-east-1/network-acls.json');
  const doc = JSON.parse(readFileSync(f, 'utf8'));
  const e = doc.NetworkAcls[1].Entries.find((x: { RuleNumber: number; Egress: boolean }) => x.RuleNumber === 110 && x.Egress);
  e.PortRange = { From: 1024, To: 65535 };
  writeFileSync(f, JSON.stringify(doc, null, 2));
  const r = runCli(['diff', 'examples/aws', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /0 pairs opened, 0 closed, 1 changed/);
  assert.match(r.stdout, /eni-dev\[dev-box\] => .*eni-db\[db\] : nothing → TCP 5432 \(opened TCP 5432; replies blocked by a network ACL: none now\)/);
  assert.match(r.stdout, /because now: nacl-reply allow acl-prod-db outbound #110: TCP 1024-65535.*network-acls\.json:\d+ NetworkAcls\[1\]\.Entries\[3\]/);
  const same = runCli(['diff', 'examples/aws', 'examples/aws']);
  assert.match(same.stdout, /No connectivity change\./);
});

test('the diff carries both sides\' caveats in every format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-tf-caveat-'));
  const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
  plan.planned_values.root_module.resources.push({ address: 'aws_lb.front', mode: 'managed', type: 'aws_lb', name: 'front', values: { id: 'lb-1' } });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  for (const format of ['text', 'md', 'json']) {
    const r = runCli(['diff', STATE, join(dir, 'plan.json'), '-f', format, '-q']);
    assert.equal(r.code, 0, r.stderr);
    if (format === 'json') assert.ok(JSON.parse(r.stdout).diagnostics.some((d: { code: string; side?: string }) => d.code === 'tf-unread-resource' && d.side === 'new'));
    else assert.match(r.stdout, /aws\\?_lb/);
  }
});

test('docs/aws.md shows the real output of the Terraform diff example', () => {
  const doc = readFileSync('docs/aws.md', 'utf8');
  const head = '`bulkhead diff examples/terraform/state.json examples/terraform/plan.json`:\n\n```\n';
  const at = doc.indexOf(head);
  assert.ok(at > 0);
  const shown = doc.slice(at + head.length, doc.indexOf('\n```', at + head.length) + 1);
  assert.equal(shown, runCli(['diff', STATE, PLAN]).stdout);
});
