/**
 * `reach --level namespace|segment` on the command line: every format says what the JSON says, the JSON is
 * the workload listing summed by group, segment level finds its intent as audit does, and the commands
 * that answer per workload or pod refuse these levels with a pointer to reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortSet } from '../src/model/port-set.js';
import { connText } from '../src/reports/reach/text.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const SHOP = 'examples/shop';
const INTENT = 'examples/shop/bulkhead.yaml';

interface JsonConn {
  src: string;
  dst: string;
  conns: Record<string, Array<[number, number]>>;
  condition?: 'same-node';
  pairs?: number;
  of?: number;
  coverage?: string;
}
interface JsonDoc {
  level: string;
  endpoints: Array<{ id: string; kind: string; namespace?: string; labels?: Record<string, string> }>;
  connections: JsonConn[];
}

function json(args: readonly string[]): JsonDoc {
  const r = runCli(['reach', SHOP, '-q', '-o', 'json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonDoc;
}

/** The text line of a JSON connection, as reach prints it. */
const textLine = (c: JsonConn): string => `${c.src} => ${c.dst} : ${connText({ conns: PortSet.fromJSON(c.conns), ...(c.condition ? { condition: c.condition } : {}) })}`;

test('--level namespace: each line is the union of the workload lines between the two namespaces, with their count', () => {
  const w = json([]);
  const ns = json(['--level', 'namespace']);
  assert.equal(ns.level, 'namespace');
  const byId = new Map(w.endpoints.map((e) => [e.id, e]));
  const group = (id: string): string => (byId.get(id)!.kind === 'External' ? id : byId.get(id)!.namespace!);
  const want = new Map<string, { conns: PortSet; n: number; same: boolean }>();
  for (const c of w.connections) {
    const k = `${group(c.src)} => ${group(c.dst)}${c.condition ?? ''}`;
    const p = PortSet.fromJSON(c.conns);
    const x = want.get(k);
    want.set(k, x ? { conns: x.conns.union(p), n: x.n + 1, same: x.same && x.conns.equals(p) } : { conns: p, n: 1, same: true });
  }
  assert.equal(ns.connections.length, want.size);
  const size = new Map<string, number>();
  for (const e of w.endpoints) if (e.kind !== 'External') size.set(e.namespace!, (size.get(e.namespace!) ?? 0) + 1);
  for (const c of ns.connections) {
    const x = want.get(`${c.src} => ${c.dst}${c.condition ?? ''}`);
    assert.ok(x, `${c.src} => ${c.dst} is a sum of workload lines`);
    assert.ok(PortSet.fromJSON(c.conns).equals(x.conns), `${c.src} => ${c.dst}: the union of the ports`);
    assert.equal(c.pairs, x.n);
    const of = size.has(c.src) && size.has(c.dst) ? size.get(c.src)! * size.get(c.dst)! - (c.src === c.dst ? size.get(c.src)! : 0) : size.get(size.has(c.src) ? c.src : c.dst)!;
    assert.equal(c.of, of, `${c.src} => ${c.dst}: pairs of the aggregate`);
    assert.equal(c.coverage, x.n === of && x.same ? 'all' : 'some');
  }
  assert.ok(ns.connections.some((c) => c.coverage === 'some') && ns.connections.some((c) => c.coverage === 'all'), 'the example has both');
  assert.ok(ns.connections.some((c) => c.src === 'internet' || c.dst === 'internet'), 'outside ends named as reach names them');
  assert.deepEqual(ns.endpoints.filter((e) => e.kind === 'Namespace').map((e) => e.id), [...size.keys()].sort());
});

for (const level of ['namespace', 'segment'] as const) {
  test(`--level ${level}: text, csv, md, dot and html say what the JSON says`, () => {
    const args = ['--level', level, '--intent', INTENT];
    const doc = json(args);
    assert.ok(doc.connections.length > 0);
    const lines = doc.connections.map(textLine);
    const out = (format: string): string => {
      const r = runCli(['reach', SHOP, '-q', '-o', format, ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    assert.deepEqual(out('text').trimEnd().split('\n'), lines);
    const csv = out('csv').trimEnd().split('\n');
    assert.equal(csv[0], 'src,dst,conn');
    assert.deepEqual(csv.slice(1), doc.connections.map((c) => [c.src, c.dst, textLine(c).split(' : ')[1]!].map((x) => (/[",]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x)).join(',')));
    const md = out('md');
    assert.match(md, new RegExp(`\\*\\*${doc.connections.length}\\*\\* allowed connections? \\(${level} level\\)`));
    assert.equal(md.split('\n').filter((l) => / => | \| /.test(l) && l.startsWith('| ') && !l.startsWith('| src')).length, doc.connections.length);
    const dot = out('dot');
    assert.match(dot, /^digraph /m);
    for (const e of doc.endpoints.filter((x) => x.kind !== 'External')) assert.ok(dot.includes(JSON.stringify(e.id)) || dot.includes(e.id), `${e.id} is drawn`);
    const html = out('html');
    assert.match(html, new RegExp(`${doc.connections.length} allowed connections? at ${level} level`));
    for (const c of doc.connections.slice(0, 5)) assert.ok(html.includes(c.src.replace(/&/g, '&amp;')), `${c.src} in the page`);
  });
}

test('--level segment groups by the intent\'s segments, found beside the inputs as audit finds it', () => {
  const given = json(['--level', 'segment', '--intent', INTENT]);
  const found = runCli(['reach', SHOP, '-o', 'json', '--level', 'segment']);
  assert.equal(found.code, 0, found.stderr);
  assert.match(found.stderr, /using intent examples\/shop\/bulkhead\.yaml/);
  assert.deepEqual(JSON.parse(found.stdout), given);
  assert.ok(given.endpoints.every((e) => e.kind === 'Segment' || e.kind === 'External'));
  // Without an intent there are no segments: exit 2, saying how to give one.
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-level-'));
  try {
    cpSync(join(REPO_ROOT, SHOP, 'prod-workloads.yaml'), join(dir, 'w.yaml'));
    const none = runCli(['reach', join(dir, 'w.yaml'), '--level', 'segment'], undefined, dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--level segment needs an intent/);
    assert.equal(runCli(['reach', join(dir, 'w.yaml'), '--level', 'namespace', '-q'], undefined, dir).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--level namespace keeps --from/--to/--port and -n: the workload listing so narrowed, summed', () => {
  const args = ['--from', 'shop-*/*', '-p', 'TCP/5432', '-n', 'shop-prod'];
  const w = json(args);
  const ns = json([...args, '--level', 'namespace']);
  const byId = new Map(w.endpoints.map((e) => [e.id, e]));
  const pairs = new Set(w.connections.map((c) => `${byId.get(c.src)!.namespace ?? c.src} => ${byId.get(c.dst)!.namespace ?? c.dst}`));
  assert.deepEqual(new Set(ns.connections.map((c) => `${c.src} => ${c.dst}`)), pairs);
  assert.ok(ns.connections.every((c) => PortSet.fromJSON(c.conns).toString() === 'TCP 5432'));
});

test('levels a command does not take: exit 2 with what to do instead', () => {
  for (const args of [
    ['explain', SHOP, '--from', 'shop-dev/api', '--to', 'shop-prod/postgres', '--level', 'namespace'],
    ['diff', SHOP, 'examples/shop-pr', '--level', 'segment'],
    ['blast', SHOP, '--level', 'namespace'],
  ]) {
    const r = runCli([...args, '-q']);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /sums many pairs into one line, which reach lists/);
  }
  for (const [args, re] of [
    [['reach', SHOP, '--level', 'namespace', '--exposure'], /--exposure is not available at --level namespace/],
    [['reach', SHOP, '--level', 'namespace', '--summary'], /--summary is not available/],
    [['reach', 'examples/aws', '--level', 'namespace'], /not available for AWS input/],
    [['reach', SHOP, '--level', 'cluster'], /unknown level "cluster"/],
  ] as const) {
    const r = runCli([...args, '-q']);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
});
