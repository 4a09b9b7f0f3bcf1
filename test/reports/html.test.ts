/** The HTML reports are one self-contained file: no URL fetched at view time, the data safe inside its script element, big clusters folded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { analyze } from '../../src/engine/index.js';
import { computeReach } from '../../src/analyses/reach.js';
import { REACH_FORMATS } from '../../src/reports/reach/index.js';
import { scriptJson, htmlText } from '../../src/reports/html/page.js';
import { generateCluster } from '../../bench/generate.js';
import { runCli } from '../helpers/run-cli.js';

/** Every URL an element would fetch: src=, href= (but #anchors), url(), @import. */
function fetched(html: string): string[] {
  const noScripts = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
  return [...noScripts.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]!).filter((u) => !u.startsWith('#')).concat([...noScripts.matchAll(/url\(|@import/gi)].map((m) => m[0]));
}

test('html: reach, audit and blast pages are self-contained and carry their data as JSON', () => {
  for (const args of [['reach', 'examples/shop'], ['audit', 'examples/shop'], ['blast', 'examples/shop', '--from', 'shop-prod/frontend']]) {
    const r = runCli([...args, '--format', 'html', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<!DOCTYPE html>/);
    assert.deepEqual(fetched(r.stdout), [], `${args[0]}: nothing fetched`);
    assert.match(r.stdout, /<script>\/\*\*\s*\n \* Copyright \(c\) 2016-\d+, The Cytoscape Consortium/, 'cytoscape inlined');
    const json = /<script type="application\/json" id="bulkhead-data">([\s\S]*?)<\/script>/.exec(r.stdout);
    assert.ok(json, 'the map data');
    const data = JSON.parse(json[1]!);
    assert.ok(data.edges.length > 0 && data.edges.every((e: { explanation: string }) => e.explanation.length > 0), 'every edge explained');
    assert.equal(data.nodes.filter((n: { kind: string }) => n.kind === 'internet').length, 1, 'one internet node');
    // A blast hop, to the internet too, says which rules open it.
    if (args[0] === 'blast') assert.ok(data.edges.every((e: { explanation: string }) => /egress: /.test(e.explanation)), JSON.stringify(data.edges.map((e: { explanation: string }) => e.explanation)));
  }
});

test('html: the reach page explains an edge with its rule and file:line', () => {
  const r = runCli(['reach', 'examples/shop', '--format', 'html', '-q']);
  const data = JSON.parse(/id="bulkhead-data">([\s\S]*?)<\/script>/.exec(r.stdout)![1]!);
  const e = data.edges.find((x: { src: string; dst: string }) => x.src === 'shop-dev/api[Deployment]' && x.dst === 'shop-prod/postgres[StatefulSet]');
  assert.match(e.explanation, /shop-prod\/postgres ingress rule #1 \(examples\/shop\/prod-policies\.yaml:89\)/);
});

test('html: text from the input cannot close the data script or inject markup', () => {
  const evil = '</script><script>alert(1)</script><!-- \u2028';
  const j = scriptJson({ evil });
  assert.doesNotMatch(j, /<|>|\u2028/);
  assert.deepEqual(JSON.parse(j), { evil });
  assert.doesNotMatch(htmlText(evil), /[<>]/);
});

test('html: a generated cluster of 1,000 pods is folded by namespace and stays small', () => {
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: generateCluster(1_000, 3).files[0]!.text }]).inventory);
  const html = REACH_FORMATS.html(computeReach(a));
  const data = JSON.parse(/id="bulkhead-data">([\s\S]*?)<\/script>/.exec(html)![1]!);
  assert.ok(data.nodes.every((n: { kind: string }) => n.kind !== 'endpoint'), 'folded: groups and the internet only');
  assert.ok(html.length < 2_000_000, `${html.length} bytes`);
});
