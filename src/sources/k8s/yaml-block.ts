/**
 * The plainest YAML, read by hand: block mappings and sequences (indentless and compact ones too) of plain,
 * single-line single-quoted and escape-free double-quoted scalars, and one-line flow collections of such
 * scalars (sequences, and mappings with plain keys), with comments. Almost every generated
 * or kubectl-written manifest is only that, and this reads it several times faster than js-yaml with its
 * event listener. Anything else (other flow style, anchors, tags, block or multi-line scalars, escapes, tabs,
 * non-ASCII text, keys go-yaml would turn into another string, duplicate keys) throws NotSimple, and the
 * caller hands the document to the general parsers, so this never has to know the rest of YAML.
 * Values and lines are those of the full parser (test/yaml-block.property.test.ts checks it).
 */
import type { LineMap } from './yaml-documents.js';
import { goPlainScalar } from './go-yaml-scalars.js';

/** The document is outside what this reader knows: use the general parsers. */
export class NotSimple extends Error {}
// One instance: thrown per unusual document, a fresh stack each time would cost more than the parse.
const NOT = new NotSimple('not a plain block document');
/** The key lines of a collection without keys (never kept: setNew records the line alone). */
const NO_KEYS: Array<string | number> = [];

/** Per content line of the document being read: indentation, content start and end offsets, line number. */
let ind: Int32Array<ArrayBuffer> = new Int32Array(1024);
let st: Int32Array<ArrayBuffer> = new Int32Array(1024);
let en: Int32Array<ArrayBuffer> = new Int32Array(1024);
let ln: Int32Array<ArrayBuffer> = new Int32Array(1024);

function grow(): void {
  const more = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  ind = more(ind);
  st = more(st);
  en = more(en);
  ln = more(ln);
}
/** A character other than a line break or printable ASCII. */
const NOT_PRINTABLE = /[^\n\x20-\x7e]/;

/** 1 for characters of plain keys that are certainly plain strings to every parser ([A-Za-z0-9_./-], not first: `.`, `/`, `-`). */
const KEY_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9_./-]/.test(String.fromCharCode(c))) KEY_CHAR[c] = 1;

function plainKey(text: string, s: number, e: number): boolean {
  if (s === e) return false;
  const c = text.charCodeAt(s);
  if (c === 46 || c === 47 || c === 45) return false;
  for (let k = s; k < e; k++) if (KEY_CHAR[text.charCodeAt(k)] !== 1) return false;
  return true;
}

/**
 * Keys that passed the checks of mapping() (plain, not `__proto__`, the same string to go-yaml), interned,
 * by length and first character. Manifests repeat a few dozen keys over and over: one found here skips the
 * checks, the slice, and the interning a property store does with a fresh string (most of a mapping's cost).
 */
const KEY_MAX = 48;
const KEY_BUCKET = 6;
const knownKeys: Array<string[] | undefined> = new Array<string[] | undefined>(KEY_MAX * 128).fill(undefined);

function knownKey(text: string, s: number, e: number): string | undefined {
  if (e - s >= KEY_MAX || e === s) return undefined;
  const bucket = knownKeys[(e - s) * 128 + (text.charCodeAt(s) & 127)];
  if (bucket === undefined) return undefined;
  // By hand: faster than startsWith for these few short keys, which mostly differ early.
  const n = e - s;
  next: for (const k of bucket) {
    for (let j = 1; j < n; j++) if (k.charCodeAt(j) !== text.charCodeAt(s + j)) continue next;
    return k;
  }
  return undefined;
}

/** The key, interned, kept for knownKey while its bucket has room. */
function rememberKey(k: string): string {
  if (k.length >= KEY_MAX) return k;
  const i = k.length * 128 + (k.charCodeAt(0) & 127);
  const bucket = (knownKeys[i] ??= []);
  if (bucket.length >= KEY_BUCKET) return k;
  // A property name comes back interned: later look-ups with it need no hashing.
  const interned = Object.keys({ [k]: 0 })[0]!;
  bucket.push(interned);
  return interned;
}

/** 1 for characters that may not start a plain scalar here (YAML indicators, and `-`/`?`/`:` handled apart). */
const INDICATOR = new Uint8Array(128);
for (const c of '[]{}#&*!|>%@`,?:<') INDICATOR[c.charCodeAt(0)] = 1;

/**
 * One document (a chunk of splitDocuments) as the full parser would read it, recording lines in `lines`
 * as it does; throws NotSimple on anything outside the subset above.
 */
export function parseBlockDocument(text: string, firstLine: number, lines: LineMap): unknown {
  // Content lines (blank and comment lines dropped): indentation, content start and end, line; in arrays
  // kept between calls (a document's worth of small arrays each time is what the collector would see).
  // Only printable ASCII between the line breaks (tabs, CR, control and non-ASCII characters: the general
  // parsers); one regular expression scans a document faster than a loop over its characters.
  if (NOT_PRINTABLE.test(text)) throw NOT;
  let count = 0;
  for (let ls = 0, line = firstLine; ls <= text.length; line++) {
    let nl = text.indexOf('\n', ls);
    if (nl < 0) nl = text.length;
    let p = ls;
    while (p < nl && text.charCodeAt(p) === 32) p++;
    if (p < nl && text.charCodeAt(p) !== 35 /* # */) {
      let e = nl;
      while (text.charCodeAt(e - 1) === 32) e--;
      if (count === ind.length) grow();
      ind[count] = p - ls;
      st[count] = p;
      en[count] = e;
      ln[count++] = line;
    }
    ls = nl + 1;
  }
  let i = 0;

  const isDash = (k: number): boolean => text.charCodeAt(st[k]!) === 45 && (st[k]! + 1 === en[k]! || text.charCodeAt(st[k]! + 1) === 32);

  /** The offset of the `:` ending a key in [s, e), or -1 (a comment or the end first). */
  const keyEnd = (s: number, e: number): number => {
    for (let p = s; p < e; p++) {
      const c = text.charCodeAt(p);
      if (c === 58 /* : */ && (p + 1 === e || text.charCodeAt(p + 1) === 32)) return p;
      if (c === 35 /* # */ && text.charCodeAt(p - 1) === 32) return -1;
    }
    return -1;
  };

  /** After a quoted scalar ending at q (exclusive): only blanks, then the end or a comment. */
  const restEmpty = (q: number, e: number): void => {
    if (q === e) return;
    if (text.charCodeAt(q) !== 32) throw NOT;
    let p = q;
    while (p < e && text.charCodeAt(p) === 32) p++;
    if (p < e && text.charCodeAt(p) !== 35) throw NOT;
  };

  /** A quoted scalar starting at p (its quote): its value and the offset after the closing quote. */
  let after = 0;
  const quoted = (p: number, e: number): string => {
    if (text.charCodeAt(p) === 34 /* " */) {
      const q = text.indexOf('"', p + 1);
      if (q < 0 || q >= e) throw NOT;
      const s = text.slice(p + 1, q);
      if (s.includes('\\')) throw NOT;
      after = q + 1;
      return s;
    }
    let q = p + 1;
    let doubled = false;
    for (;;) {
      q = text.indexOf("'", q);
      if (q < 0 || q >= e) throw NOT;
      if (text.charCodeAt(q + 1) === 39 && q + 1 < e) {
        doubled = true;
        q += 2;
      } else break;
    }
    const s = text.slice(p + 1, q);
    after = q + 1;
    return doubled ? s.replace(/''/g, "'") : s;
  };

  /** A plain scalar's value (resolved as go-yaml does). */
  const plain = (s: string): unknown => {
    const v = goPlainScalar(s);
    // NaN and infinities have no JSON form: the full parser names the problem.
    if (typeof v === 'number' && !Number.isFinite(v)) throw NOT;
    return v;
  };

  /** A key of a mapping in [s, e) (`:` at e), checked as go-yaml reads it, interned; throws NotSimple otherwise. */
  const keyOf = (s: number, e: number): string => {
    let k = knownKey(text, s, e);
    if (k === undefined) {
      if (!plainKey(text, s, e)) throw NOT;
      k = text.slice(s, e);
      if (k === '__proto__') throw NOT;
      const r = goPlainScalar(k);
      // `yes`, `0x1F`, `1e3`, `~`: go-yaml's key is another string (or none).
      if (r !== k && !(typeof r === 'number' && Number.isSafeInteger(r) && String(r) === k)) throw NOT;
      k = rememberKey(k);
    }
    return k;
  };

  /** An item of a flow collection closed by `close` at k: a scalar or a nested flow collection; `after` is past it. */
  const flowItem = (k: number, e: number, line: number, close: number): unknown => {
    const c = text.charCodeAt(k);
    if (c === 91 /* [ */ || c === 123 /* { */) return flow(k, e, line);
    if (c === 34 || c === 39) return quoted(k, e);
    if (INDICATOR[c] === 1 || c === 93 || c === 125 || (c === 45 && (k + 1 === e || ' ,]}'.includes(text[k + 1]!)))) throw NOT;
    let m = k;
    for (; m < e; m++) {
      const d = text.charCodeAt(m);
      if (d === 44 /* , */ || d === close) break;
      // Flow indicators, keys, comments and quotes inside an item: the general parsers.
      if (d === 91 || d === 93 || d === 123 || d === 125 || d === 58 || d === 35 || d === 34 || d === 39 || d === 63) throw NOT;
    }
    if (m >= e) throw NOT;
    let end = m;
    while (text.charCodeAt(end - 1) === 32) end--;
    after = m;
    return plain(text.slice(k, end));
  };

  /**
   * A flow collection at p (`[` or `{`), on one line: sequences and mappings (plain keys, each with a value)
   * of scalars and of such collections, as an intent file writes a segment (`{namespace: a, workloads: [a/b]}`);
   * `after` is the offset past its closing bracket.
   */
  const flow = (p: number, e: number, line: number): unknown => {
    const map = text.charCodeAt(p) === 123; /* { */
    const close = map ? 125 : 93;
    let k = p + 1;
    while (text.charCodeAt(k) === 32) k++;
    const o: Record<string, unknown> = {};
    const arr: unknown[] = [];
    const pairs: Array<string | number> = [];
    if (text.charCodeAt(k) !== close) {
      for (;;) {
        if (k >= e) throw NOT;
        if (map) {
          let c = k;
          while (c < e && KEY_CHAR[text.charCodeAt(c)] === 1) c++;
          if (text.charCodeAt(c) !== 58 /* : */ || text.charCodeAt(c + 1) !== 32) throw NOT;
          const key = keyOf(k, c);
          if (Object.hasOwn(o, key)) throw NOT;
          k = c + 2;
          while (text.charCodeAt(k) === 32) k++;
          if (k >= e) throw NOT;
          pairs.push(key, line);
          o[key] = flowItem(k, e, line, close);
        } else arr.push(flowItem(k, e, line, close));
        k = after;
        while (text.charCodeAt(k) === 32) k++;
        const d = text.charCodeAt(k);
        if (k >= e) throw NOT;
        if (d === close) break;
        if (d !== 44) throw NOT;
        k++;
        while (text.charCodeAt(k) === 32) k++;
        if (text.charCodeAt(k) === close) throw NOT; // a trailing comma
      }
    }
    if (k >= e) throw NOT;
    after = k + 1;
    if (map) {
      lines.setNew(o, line, pairs.length ? pairs : NO_KEYS);
      return o;
    }
    lines.setNew(arr, line, NO_KEYS);
    return arr;
  };

  /** A scalar (or an empty or scalar flow collection) filling [p, e) up to an optional comment, on `line`. */
  const scalar = (p: number, e: number, line: number): unknown => {
    const c = text.charCodeAt(p);
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const v = flow(p, e, line);
      restEmpty(after, e);
      return v;
    }
    if (c === 34 || c === 39) {
      const s = quoted(p, e);
      restEmpty(after, e);
      return s;
    }
    if (INDICATOR[c] === 1 || (c === 45 /* - */ && (p + 1 === e || text.charCodeAt(p + 1) === 32))) throw NOT;
    let end = e;
    for (let k = p + 1; k < e; k++) {
      const d = text.charCodeAt(k);
      if (d === 35 && text.charCodeAt(k - 1) === 32) {
        end = k;
        break;
      }
      // `a: b: c` and `a: b:` are errors (or keys) to YAML.
      if (d === 58 && (k + 1 === e || text.charCodeAt(k + 1) === 32)) throw NOT;
    }
    while (text.charCodeAt(end - 1) === 32) end--;
    return plain(text.slice(p, end));
  };

  /** The node starting at line i, indented deeper than its parent. */
  const block = (): unknown => {
    if (isDash(i)) return sequence(ind[i]!);
    if (!isFlow(st[i]!)) return mapping(ind[i]!);
    // A flow collection on its own line: the whole node.
    const v = scalar(st[i]!, en[i]!, ln[i]!);
    i++;
    return v;
  };
  /** A flow collection (`[` or `{`) starts at p. */
  const isFlow = (p: number): boolean => text.charCodeAt(p) === 91 || text.charCodeAt(p) === 123;

  const sequence = (n: number): unknown[] => {
    const arr: unknown[] = [];
    const line = ln[i]!;
    while (i < count && ind[i] === n && isDash(i)) {
      const e = en[i]!;
      let p = st[i]! + 1;
      while (p < e && text.charCodeAt(p) === 32) p++;
      if (p === e || text.charCodeAt(p) === 35) {
        i++;
        arr.push(i < count && ind[i]! > n ? block() : null);
      } else if (text.charCodeAt(p) === 45 && (p + 1 === e || text.charCodeAt(p + 1) === 32)) {
        throw NOT; // `- - a`
      } else if (!isFlow(p) && keyEnd(p, e) >= 0) {
        // A compact mapping `- key: value`: the rest of the line is the mapping's first line, at its column.
        ind[i] = n + p - st[i]!;
        st[i] = p;
        arr.push(mapping(ind[i]!));
      } else {
        arr.push(scalar(p, e, ln[i]!));
        i++;
      }
      if (i < count && ind[i]! > n) throw NOT;
    }
    lines.setNew(arr, line, NO_KEYS);
    return arr;
  };

  const mapping = (n: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    const pairs: Array<string | number> = [];
    const line = ln[i]!;
    while (i < count && ind[i] === n) {
      const s = st[i]!;
      const e = en[i]!;
      const colon = keyEnd(s, e);
      if (colon < 0 || isDash(i)) throw NOT;
      const k = keyOf(s, colon);
      if (Object.hasOwn(o, k)) throw NOT;
      pairs.push(k, ln[i]!);
      let p = colon + 1;
      while (p < e && text.charCodeAt(p) === 32) p++;
      let v: unknown;
      if (p === e || text.charCodeAt(p) === 35) {
        i++;
        if (i < count && ind[i]! > n) v = block();
        else if (i < count && ind[i] === n && isDash(i)) v = sequence(n);
        else v = null;
      } else {
        v = scalar(p, e, ln[i]!);
        i++;
      }
      if (i < count && ind[i]! > n) throw NOT;
      o[k] = v;
    }
    lines.setNew(o, line, pairs);
    return o;
  };

  if (count === 0) throw NOT;
  const value = block();
  if (i !== count || value === null || typeof value !== 'object') throw NOT;
  return value;
}
