/** Text from the input never forges terminal lines, Markdown markup or invalid XML. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mdCode, mdText, oneLine, terminalSafe, xmlText } from '../../src/reports/safe-text.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { auditOf, pod } from '../fixtures/audit/builders.js';
import { auditJunit, auditMarkdown } from '../../src/reports/audit/index.js';
import { notesOf } from '../../src/analyses/notes.js';
import { loadFromTexts } from '../../src/sources/k8s/index.js';

test('oneLine makes line breaks, ESC and bidi overrides visible', () => {
  assert.equal(oneLine('a\nb\u001b[2Kc\u202ed'), 'a\\nb\\x1b[2Kc\\u202ed');
});

test('terminalSafe keeps line breaks and our own colours, and escapes every other control', () => {
  assert.equal(terminalSafe('x\n\u001b[31mred\u001b[39m\r\u0007', true), 'x\n\u001b[31mred\u001b[39m\\r\\x07');
  assert.equal(terminalSafe('\u001b[31mred', false), '\\x1b[31mred');
  // A forged cursor movement is not a colour.
  assert.equal(terminalSafe('\u001b[2A', true), '\\x1b[2A');
});

test('xmlText drops what XML 1.0 forbids, lone surrogates included', () => {
  assert.equal(xmlText('a\uffffb\ufffe\u0001<&>"\ud800'), 'ab&lt;&amp;&gt;&quot;');
  assert.equal(xmlText('emoji \ud83d\ude00'), 'emoji \ud83d\ude00');
});

test('mdText shows HTML instead of rendering it; mdCode survives backticks', () => {
  assert.equal(mdText('<img src=x onerror=alert(1)> *b*'), '&lt;img src=x onerror=alert(1)&gt; \\*b\\*');
  assert.equal(mdCode('a`b'), '``a`b``');
});

test('an annotation value with HTML, a newline and U+FFFF stays inert in Markdown and JUnit', () => {
  const evil = 'web<script>alert(1)</script>\n| forged | row |\uffff';
  const text = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
  podSelector: {matchLabels: {app: ${JSON.stringify(evil)}}}
`;
  const loaded = loadFromTexts([{ path: 'm.yaml', text }]);
  const r = auditOf(text);
  const md = auditMarkdown(r, notesOf(loaded.inventory, loaded.diagnostics));
  assert.ok(!md.includes('<script>'), 'no raw HTML in the PR comment');
  assert.ok(!/^\| forged \| row \|/m.test(md), 'no forged table row');
  const xml = auditJunit(r, notesOf(loaded.inventory, loaded.diagnostics));
  assert.ok(!xml.includes('\uffff'));
  assert.ok(!xml.includes('<script>'));
  void pod;
});

test('CLI: a name with ANSI escapes and a line break forges no line on stdout or stderr', () => {
  const input = `apiVersion: v1
kind: Pod
metadata: {name: "evil\\u001b[2K\\nFORGED => everything : All", namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: shop, labels: {app: ok}}
spec: {containers: [{name: c, image: x}]}
`;
  for (const args of [['reach', '-'], ['audit', '-', '--no-intent'], ['reach', '-', '-o', 'md']]) {
    const r = runCli(args, input);
    for (const out of [r.stdout, r.stderr]) {
      assert.ok(!out.includes('\u001b'), `${args.join(' ')}: no raw ESC`);
      assert.ok(!/^FORGED/m.test(out), `${args.join(' ')}: no forged line`);
    }
  }
});

test('CLI: JSON reports write DEL, C1 controls and bidi overrides from the input as \\u escapes, and stay valid JSON', () => {
  const kind = 'Evil\u202e\u0085\u007f\u2028';
  const input = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: example.com/v1
kind: ${JSON.stringify(kind)}
metadata: {name: x, namespace: shop}
`;
  for (const args of [['reach', '-', '-o', 'json', '--no-intent'], ['audit', '-', '-o', 'json', '--no-intent']]) {
    const r = runCli(args, input);
    assert.ok(r.code === 0 || r.code === 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(!/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(r.stdout), `${args.join(' ')}: no raw control or override`);
    // A terminal-style `\x85` would be no JSON escape: the document must parse, and keep the kind as written.
    assert.ok(JSON.stringify(JSON.parse(r.stdout)).includes(JSON.stringify(kind).slice(1, -1)), `${args.join(' ')}: the kind survives`);
  }
});

test('CLI: the AWS reach JSON stays valid JSON when an id from the input holds a C1 control', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-escape-'));
  try {
    cpSync(join(REPO_ROOT, 'examples/aws'), dir, { recursive: true });
    const file = join(dir, '123456789012/us-east-1/network-interfaces.json');
    const text = readFileSync(file, 'utf8');
    const id = /"NetworkInterfaceId": "([^"]+)"/.exec(text)![1]!;
    writeFileSync(file, text.split(`"${id}"`).join(`"${id}\\u0085x"`));
    const r = runCli(['reach', dir, '-o', 'json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!/[\u007f-\u009f]/.test(r.stdout), 'no raw C1 control');
    assert.ok(JSON.stringify(JSON.parse(r.stdout)).includes(`${id}\u0085x`), 'the id survives as written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
