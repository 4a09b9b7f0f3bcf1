// The hand reader of plain block documents (yaml-block.ts) against the full parser (`yaml` walked with
// go-yaml's rules): on random block documents with tricky scalars and keys, random quoting, comments,
// indentation, indentless and compact collections, flow collections (nested, on one line), and random foreign lines, whatever the hand reader
// accepts must be exactly what the full parser reads (values and every line); the rest it must refuse.
// Also: a generated cluster loads to the same inventory with the hand reader as with the full parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineMap, parseDocuments, parseDocumentsStrict } from '../src/sources/k8s/yaml-documents.js';
import { NotSimple, parseBlockDocument } from '../src/sources/k8s/yaml-block.js';
import { buildInventory } from '../src/sources/k8s/build-inventory.js';
import type { Diagnostic } from '../src/inventory/types.js';
import { generateCluster } from '../bench/generate.js';
import { sameLines } from './helpers/same-lines.js';

// Scalars and keys the hand reader takes (however they resolve), then ones it should refuse or mis-split.
const PLAIN_SCALARS = ['web', 'yes', 'No', 'on', 'OFF', 'y', 'true', '~', 'null', '', '0', '0700', '0x1F', '1e3', '1_000', '12:30:00', '2001-12-14', '1.5', '-1', '+1', '08', 'a#b', 'a:b', 'http://x:80/y', '-a', 'TCP', '8080', 'x  y', "it's", 'a"b', 'registry.example.com/app:1.0'];
const PLAIN_KEYS = ['a', 'b', 'c', 'name', 'app', 'k8s-app', 'app.kubernetes.io/name', '80', 'constructor', 'x_y'];
const SCALARS = [
  'web', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', '~', 'null', 'Null', '', '0', '0700', '0o700', '0x1F', '0b101', '1e3', '1E-2', '1_000', '12:30:00', '190:20:30',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '.nan', '1.5', '-0', '+1', '007', '08', '-1', '123456789012345678901', '1.0', '0.', '.5',
  '---', '...', 'a #b', 'a#b', 'a: b', 'a:b', 'a:', 'http://x:80/y', '- a', '-a', '-', '&a', '*a', '!tag x', '!!str 5', '|', '>', '[a, b]', '{a: 1}', 'a, b', '"q"', "'s'",
  "it's", '%x', '@x', '`x', '?x', '? x', ':x', '<<', 'x  y', 'é', 'a\\b', 'a"b', 'a\\"b', ' lead', 'trail ', 'TCP', '8080', 'registry.example.com/app:1.0', '#c',
];
const KEYS = ['a', 'b', 'name', 'app', 'k8s-app', 'app.kubernetes.io/name', '80', '0700', '1e3', '1.5', 'yes', 'on', 'y', 'true', '~', 'null', '', 'a b', 'a:b', '__proto__', 'constructor', '<<', '-x', '"q"', "'s'", '"a b"', '? c', '[k]', 'é', '1_0', '12345678901234567'];

type Tree = { s: string } | { m: Array<[string, Tree]> } | { q: Tree[] };

const scalarArb: fc.Arbitrary<Tree> = fc.oneof({ arbitrary: fc.constantFrom(...PLAIN_SCALARS), weight: 12 }, { arbitrary: fc.constantFrom(...SCALARS), weight: 1 }).map((s) => ({ s }));
const keyArb = fc.oneof({ arbitrary: fc.constantFrom(...PLAIN_KEYS), weight: 15 }, { arbitrary: fc.constantFrom(...KEYS), weight: 1 });
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(fc.tuple(keyArb, tie('t')), { maxLength: 4 }).map((m) => ({ m })),
    fc.array(tie('t'), { maxLength: 3 }).map((q) => ({ q })),
  ),
})).t;

/** How to write each node: choices taken in order from a random stream. */
interface Style {
  next(n: number): number;
}

function quote(s: string, how: number): string {
  if (how === 1) return `"${s}"`;
  if (how === 2) return `'${s.replace(/'/g, "''")}'`;
  if (how === 3) return `'${s}'`;
  return s;
}

const COMMENTS = ['', '', '', ' # note', ' #', '#x', '  # a: b'];

/** A node in flow style, on one line (mappings and sequences nest; scalars randomly quoted). */
function flowText(t: Tree, st: Style): string {
  // Scalars that cannot be plain in flow style are mostly quoted (else the whole document is refused).
  if ('s' in t) return quote(t.s, /[,:#'"[\]{}?]/.test(t.s) && st.next(4) !== 0 ? 2 : st.next(3));
  const inner = [' ', '', '  '][st.next(3)]!;
  const sep = [', ', ',', ' , ', ',  '][st.next(4)]!;
  const items = 'm' in t ? t.m.map(([k, v]) => `${k}:${[' ', '  ', ''][st.next(3)]}${flowText(v, st)}`) : t.q.map((x) => flowText(x, st));
  const [open, close] = 'm' in t ? ['{', '}'] : ['[', ']'];
  return `${open}${items.length ? inner + items.join(sep) + inner : ''}${close}`;
}

/** Lines for a node placed after `head` (a key with its colon, or a dash), at indentation `ind`. */
function render(t: Tree, ind: number, head: string, st: Style, out: string[]): void {
  const pad = ' '.repeat(ind);
  if ('s' in t) {
    out.push(`${pad}${head}${head ? ' ' : ''}${quote(t.s, st.next(4))}${COMMENTS[st.next(COMMENTS.length)]}`);
    return;
  }
  const step = 1 + st.next(3);
  const sp = head ? ' ' : '';
  const flowSpace = [' ', '', '  '];
  // Any collection may be written in flow style on one line (an intent file's segments and flows are).
  if (st.next(6) === 0) {
    out.push(`${pad}${head}${sp}${flowText(t, st)}${COMMENTS[st.next(COMMENTS.length)]}`);
    return;
  }
  if ('m' in t && t.m.length === 0) {
    out.push(`${pad}${head}${sp}{${flowSpace[st.next(3)]}}${COMMENTS[st.next(COMMENTS.length)]}`);
    return;
  }
  // Sequences of scalars may be written in flow style, and an empty one must be.
  if ('q' in t && t.q.every((x) => 's' in x) && (t.q.length === 0 || st.next(3) === 0)) {
    const inner = flowSpace[st.next(3)]!;
    const sep = [', ', ',', ' , '][st.next(3)]!;
    const items = t.q.map((x) => quote((x as { s: string }).s, st.next(3))).join(sep);
    out.push(`${pad}${head}${sp}[${items ? inner + items + inner : ''}]${COMMENTS[st.next(COMMENTS.length)]}`);
    return;
  }
  if ('m' in t) {
    // A mapping in a sequence item may start on the dash's line (compact).
    const compact = head === '-' && st.next(2) === 0;
    let first = true;
    if (head && !compact) out.push(`${pad}${head}${COMMENTS[st.next(COMMENTS.length)]}`);
    const at = compact ? ind + 2 : head ? ind + step : ind;
    for (const [k, v] of t.m) {
      if (st.next(6) === 0) out.push(st.next(2) ? '' : `${' '.repeat(st.next(6))}# comment`);
      const key = `${k}:`;
      if (compact && first) {
        const before = out.length;
        render(v, at, key, st, out);
        out[before] = `${pad}- ${out[before]!.slice(at)}`;
      } else render(v, at, key, st, out);
      first = false;
    }
    return;
  }
  // A sequence under a key may sit at the key's indentation (indentless).
  const indentless = head.endsWith(':') && st.next(2) === 0;
  if (head) out.push(`${pad}${head}${COMMENTS[st.next(COMMENTS.length)]}`);
  const at = !head ? ind : indentless ? ind : ind + step;
  for (const v of t.q) render(v, at, '-', st, out);
}

const FOREIGN = ['f: {a: b, a: c}', 'f: {a: b,}', 'f: {a}', 'f: {a:b}', 'f: {a: b: c}', 'f: {a: [b, {c: d}]}', 'f: {a: b} x', 'f: {"a": b}', 'f: {a: {b: c}, d: []}', 'f: [{a: b}, [c]]', 'f: {a: b', 'f: {? a: b}', 'f: {a: -}', 'f: {a: - b}', '  x', 'f: [a, [b]]', 'f: [a,]', 'f: [a: b]', 'f: {a: b}', 'f: [-]', 'f: [a #c]', 'a: [1, 2]', 'b: {c: d}', '- y', 'k: &x v', 'k2: *x', 'k: |', '  block', 'k: >', 'k: !!str 1', '? k', ': v', '\tk: v', 'k: "multi', '  line"', 'k: a\\tb', 'k: "a\\tb"', 'k:\tv', 'k: v\r', '   ', '#', 'z: é'];

const docArb = fc.record({
  tree: treeArb.filter((t) => !('s' in t)),
  choices: fc.array(fc.nat(1000), { minLength: 64, maxLength: 64 }),
  foreign: fc.oneof({ arbitrary: fc.constant([] as Array<[number, string]>), weight: 3 }, { arbitrary: fc.array(fc.tuple(fc.nat(40), fc.constantFrom(...FOREIGN)), { minLength: 1, maxLength: 2 }), weight: 1 }),
  lead: fc.nat(3),
});

function text(d: { tree: Tree; choices: number[]; foreign: Array<[number, string]>; lead: number }): string {
  let k = 0;
  const st: Style = { next: (n) => d.choices[k++ % d.choices.length]! % n };
  const out: string[] = [];
  render(d.tree, 0, '', st, out);
  for (const [at, line] of d.foreign) out.splice(at % (out.length + 1), 0, line);
  return '\n'.repeat(d.lead) + out.join('\n') + '\n';
}

test('the hand reader accepts only what the full parser reads the same way (values and lines)', () => {
  let accepted = 0;
  let flowMaps = 0;
  let runs = 0;
  fc.assert(
    fc.property(docArb, (d) => {
      runs++;
      const t = text(d);
      const lines = new LineMap('t.yaml');
      let value: unknown;
      try {
        value = parseBlockDocument(t, 1, lines);
      } catch (e) {
        if (!(e instanceof NotSimple)) throw e;
        return;
      }
      accepted++;
      if (/\{ *[^} ]/.test(t)) flowMaps++;
      const diags: Diagnostic[] = [];
      const full = parseDocumentsStrict('t.yaml', t, diags);
      // A file starting with `{` draws kubectl's JSON warning: about the file, whichever parser reads it.
      assert.deepEqual(diags.filter((x) => x.code !== 'json-stream'), [], t);
      assert.equal(full.docs.length, 1, t);
      assert.deepEqual(value, full.docs[0]!.value, t);
      assert.equal(lines.at(value).line, full.docs[0]!.source.line, t);
      const problems: string[] = [];
      sameLines(value, lines, full.docs[0]!.value, full.lines, '', problems);
      assert.deepEqual(problems, [], t);
    }),
    { seed: Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 515151), numRuns: Math.max(1, Math.round(3000 * Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1))), includeErrorInReport: true },
  );
  // Not vacuous: a good share of random documents is read by hand (flow-written ones with odd scalars are refused more).
  assert.ok(accepted > runs / 8, `${accepted} of ${runs} accepted`);
  // Flow mappings with keys among them (what an intent file is mostly written in).
  assert.ok(flowMaps > runs / 50, `${flowMaps} of ${runs} accepted with a flow mapping`);
});

test('a generated cluster loads to the same inventory through the hand reader as through the full parser', () => {
  const f = generateCluster(400, 2).files[0]!;
  const d1: Diagnostic[] = [];
  const d2: Diagnostic[] = [];
  const fast = parseDocuments(f.path, f.text, d1);
  const full = parseDocumentsStrict(f.path, f.text, d2);
  // Every document of a generated cluster is plain block YAML: the hand reader takes them all.
  const chunks = f.text.split(/^---$/m).filter((c) => c.trim() !== '');
  assert.equal(fast.docs.length, chunks.length);
  for (const c of chunks.slice(0, 50)) parseBlockDocument(c, 1, new LineMap('x'));
  assert.deepEqual(d1, d2);
  const problems: string[] = [];
  fast.docs.forEach((doc, i) => {
    assert.deepEqual(doc.value, full.docs[i]!.value);
    assert.equal(doc.source.line, full.docs[i]!.source.line);
    sameLines(doc.value, fast.lines, full.docs[i]!.value, full.lines, `#${i + 1}`, problems);
  });
  assert.deepEqual(problems.slice(0, 10), []);
  const i1 = buildInventory([fast], d1, {});
  const i2 = buildInventory([full], d2, {});
  assert.deepEqual(i1, i2);
  assert.deepEqual(d1, d2);
});
