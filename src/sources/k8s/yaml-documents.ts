/**
 * YAML/JSON text to plain JS values that remember their line numbers, read as kubectl reads them.
 *
 * kubectl splits a stream at `---` lines (k8s.io/apimachinery's YAMLReader) and turns each document into
 * JSON with sigs.k8s.io/yaml, which decodes with go-yaml v2: YAML 1.1 scalars (`yes` is true, `0700` is
 * 448), merge keys, no tabs in indentation, a cap on alias expansion. This module does the same; where
 * kubectl would silently lose something (a duplicate key, content after `...`) it says so.
 *
 * Three parsers: the plainest documents (block style, simple scalars) are read by hand (yaml-block.ts);
 * js-yaml with a go-yaml scalar schema reads other ordinary documents fast (about ten times faster
 * than `yaml` on large clusters); anything unusual (merge keys, tags, tabs, aliases that expand, odd keys)
 * and anything it rejects goes to `yaml`, walked here with go-yaml's rules, whose messages name the place.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type * as Yaml from 'yaml';
import type { LineCounter, Scalar, Node, Document } from 'yaml';
import type { Diagnostic, SourceRef } from '../../inventory/types.js';
import { GoYamlError, excessiveAliasing, goKey, goPlainScalar, goScalar } from './go-yaml-scalars.js';
import { NotSimple, parseBlockDocument } from './yaml-block.js';

/** An object's line and its keys' lines (pairs key, line in the order set; a later pair wins). */
interface LineRecord {
  line: number | undefined;
  keys: Array<string | number>;
  /** Built on the first look-up in a large mapping. */
  index: Map<string, number> | undefined;
}

/** Keys looked up by scanning their pairs below this many entries, through an index above. */
const SCAN_LIMIT = 32;

/**
 * A private field that can be put on any object (a base constructor returning the object lets a subclass
 * add its field there). One class per call, so each map has its own field. Invisible to keys, JSON,
 * spreads, deep equality and proxies, and cheaper than a WeakMap entry per node.
 */
function stamps<T>(): { get(o: object): T | undefined; put(o: object, v: T): void; add(o: object, v: T): void } {
  class Base {
    constructor(o: object) {
      return o as Base;
    }
  }
  class Stamp extends Base {
    #v: T;
    constructor(o: object, v: T) {
      super(o);
      this.#v = v;
    }
    static get(o: object): T | undefined {
      return #v in o ? (o as Stamp).#v : undefined;
    }
    static put(o: object, v: T): void {
      if (#v in o) (o as Stamp).#v = v;
      else new Stamp(o, v);
    }
  }
  return { get: (o) => Stamp.get(o), put: (o, v) => Stamp.put(o, v), add: (o, v) => new Stamp(o, v) };
}

/** Line numbers of parsed objects and arrays, and of each key within an object (kept on the objects, see stamps). */
export class LineMap {
  /** A line alone, or the record of a mapping with key lines. */
  private readonly tag = stamps<number | LineRecord>();
  /** Values parsed for another map at other lines (see borrow): that map, and how far the lines moved. */
  private readonly moved = stamps<{ readonly from: LineMap; readonly delta: number }>();
  /** Maps whose values this one holds at the same lines (see borrow). */
  private readonly origins: LineMap[] = [];

  constructor(readonly file: string) {}

  /**
   * Takes over a value parsed for `from` (the same document text, `delta` lines further down here): its
   * lines here are those of `from`, moved. At the same lines nothing is stamped; `from` answers.
   */
  borrow(value: unknown, from: LineMap, delta: number): void {
    if (delta === 0) {
      if (!this.origins.includes(from)) this.origins.push(from);
      return;
    }
    const mark = { from, delta };
    const walk = (v: unknown): void => {
      if (v === null || typeof v !== 'object') return;
      this.moved.put(v, mark);
      if (Array.isArray(v)) for (const x of v) walk(x);
      else for (const k in v) walk((v as Record<string, unknown>)[k]);
    };
    walk(value);
  }

  /** The line this map stamped on an object (or its key) itself, undefined when none. */
  private stamped(o: object, key: string | undefined): number | undefined {
    const r = this.tag.get(o);
    return typeof r === 'object' ? (key !== undefined ? keyLine(r, key) : undefined) ?? r.line : r;
  }

  /**
   * The line of an object (or of its key), undefined when not known here. A value is stamped only by the
   * map that parsed it; maps that borrowed it read those stamps.
   */
  private lineOf(o: object, key: string | undefined): number | undefined {
    const own = this.stamped(o, key);
    if (own !== undefined || this.tag.get(o) !== undefined) return own;
    const m = this.moved.get(o);
    if (m !== undefined) {
      const l = m.from.stamped(o, key);
      return l === undefined ? undefined : l + m.delta;
    }
    for (const f of this.origins) {
      const l = f.stamped(o, key);
      if (l !== undefined) return l;
    }
    return undefined;
  }

  set(o: object, line: number): void {
    const r = this.tag.get(o);
    if (typeof r === 'object') r.line = line;
    else this.tag.put(o, line);
  }

  setKey(o: object, key: string, line: number): void {
    const r = this.tag.get(o);
    if (typeof r === 'object') {
      r.keys.push(key, line);
      r.index?.set(key, line);
    } else this.tag.put(o, { line: r, keys: [key, line], index: undefined });
  }

  /** An object's line and its keys' lines at once (`keys`: key, line, key, line...; taken over, not copied). */
  setAll(o: object, line: number, keys: Array<string | number>): void {
    const r = this.tag.get(o);
    if (r === undefined) this.tag.put(o, keys.length === 0 ? line : { line, keys, index: undefined });
    else {
      this.set(o, line);
      for (let i = 0; i < keys.length; i += 2) this.setKey(o, keys[i] as string, keys[i + 1] as number);
    }
  }

  /** setAll for an object just made, never seen by this map (the parsers' own nodes): no look-up first. */
  setNew(o: object, line: number, keys: Array<string | number>): void {
    this.tag.add(o, keys.length === 0 ? line : { line, keys, index: undefined });
  }

  /** The source of an object, or of one of its keys when given. Falls back to `fallback`. */
  at(o: unknown, key?: string, fallback = 1): SourceRef {
    if (o !== null && typeof o === 'object') {
      const l = this.lineOf(o, key);
      if (l !== undefined) return { file: this.file, line: l };
    }
    return { file: this.file, line: fallback };
  }
}

function keyLine(r: LineRecord, key: string): number | undefined {
  const keys = r.keys;
  if (keys.length > 2 * SCAN_LIMIT) {
    if (!r.index) {
      r.index = new Map();
      for (let i = 0; i < keys.length; i += 2) r.index.set(keys[i] as string, keys[i + 1] as number);
    }
    return r.index.get(key);
  }
  for (let i = keys.length - 2; i >= 0; i -= 2) if (keys[i] === key) return keys[i + 1] as number;
  return undefined;
}

export interface ParsedDocument {
  readonly value: unknown;
  readonly source: SourceRef;
}

/**
 * Documents parsed in one run, by their text, for texts that share most documents (the two sides of a
 * diff): a document met again is the same value, its lines those of the first parse moved to where it is
 * now (LineMap.borrow). Only documents read without a diagnostic are kept, so a reused one needs nothing
 * but its value. Parsed values are never changed (the readers only read them), so inventories may share one.
 */
export class DocumentCache {
  /** Per document text: where it was parsed, its value, and the maps it was lent to. */
  private readonly byText = new Map<string, { readonly firstLine: number; readonly value: unknown; readonly lines: LineMap; readonly lent: LineMap[] }>();
  /** Documents taken from the cache (for tests). */
  hits = 0;

  /**
   * The document's value, its lines now known to `lines` too; undefined when it was not parsed before, or
   * when `lines` has it already (one value twice in a file would have one set of lines): parse it again.
   */
  take(chunk: Chunk, lines: LineMap): unknown {
    const known = this.byText.get(chunk.text);
    if (!known || known.lines === lines || known.lent.includes(lines)) return undefined;
    this.hits++;
    known.lent.push(lines);
    lines.borrow(known.value, known.lines, chunk.firstLine - known.firstLine);
    return known.value;
  }

  /** Lets the parsed documents go (the inventories keep what they need). */
  clear(): void {
    this.byText.clear();
  }

  /** Keeps a document parsed for `lines` (the first parse of a text is kept). */
  put(chunk: Chunk, value: unknown, lines: LineMap): void {
    if (!this.byText.has(chunk.text)) this.byText.set(chunk.text, { firstLine: chunk.firstLine, value, lines, lent: [] });
  }
}

/**
 * Parses a YAML stream (or JSON); each document kubectl would refuse becomes an error diagnostic and is skipped.
 * With a cache, documents parsed before (in another file too) are taken from it.
 */
export function parseDocuments(file: string, text: string, diagnostics: Diagnostic[], cache?: DocumentCache): { docs: ParsedDocument[]; lines: LineMap } {
  const { docs, lines } = parseDocumentsLazily(file, text, diagnostics, cache);
  return { docs: [...docs], lines };
}

/**
 * parseDocuments one document at a time: the stream is checked and split now, each document is parsed
 * (and its diagnostics pushed) when the iteration reaches it. A consumer that keeps only what it reads
 * from each document (buildInventory) lets the parsed trees die young, which the collector does almost
 * for free; kept all at once, they are copied and promoted (a third of the time at 150k pods).
 */
export function parseDocumentsLazily(file: string, text: string, diagnostics: Diagnostic[], cache?: DocumentCache): { docs: Iterable<ParsedDocument>; lines: LineMap } {
  const lines = new LineMap(file);
  if (!jsonSyntaxOk(file, text, diagnostics)) return { docs: [], lines };
  const chunks = splitDocuments(file, text, diagnostics);
  jsonStreamCheck(file, text, chunks, diagnostics);
  return { docs: eachDocument(file, chunks, diagnostics, lines, cache), lines };
}

function* eachDocument(file: string, chunks: readonly Chunk[], diagnostics: Diagnostic[], lines: LineMap, cache: DocumentCache | undefined): Generator<ParsedDocument> {
  // parseStrict appends to an array: one reused, emptied after each document.
  const out: ParsedDocument[] = [];
  for (const chunk of chunks) {
    const known = cache?.take(chunk, lines);
    if (known !== undefined) {
      yield { value: known, source: { file, line: lines.at(known, undefined, chunk.firstLine).line } };
      continue;
    }
    try {
      const value = parseBlockDocument(chunk.text, chunk.firstLine, lines);
      // A document of only comments is null, and null is never a cached value: parsed again, cheaply.
      if (cache && value !== null && value !== undefined) cache.put(chunk, value, lines);
      yield { value, source: { file, line: lines.at(value, undefined, chunk.firstLine).line } };
      continue;
    } catch (e) {
      if (!(e instanceof NotSimple)) throw e;
    }
    if (needsFullParser(chunk.text)) parseStrict(file, chunk, diagnostics, lines, out);
    else {
      try {
        const value = parseFast(chunk.text, chunk.firstLine, lines);
        if (value !== undefined && value !== null) {
          out.push({ value, source: { file, line: lines.at(value, undefined, chunk.firstLine).line } });
          cache?.put(chunk, value, lines);
        }
      } catch {
        parseStrict(file, chunk, diagnostics, lines, out);
      }
    }
    for (const d of out) yield d;
    out.length = 0;
  }
}

/** The full parser alone, on every document (the tests check that both parsers agree). */
export function parseDocumentsStrict(file: string, text: string, diagnostics: Diagnostic[]): { docs: ParsedDocument[]; lines: LineMap } {
  const lines = new LineMap(file);
  const docs: ParsedDocument[] = [];
  const chunks = splitDocuments(file, text, diagnostics);
  jsonStreamCheck(file, text, chunks, diagnostics);
  for (const chunk of chunks) parseStrict(file, chunk, diagnostics, lines, docs);
  return { docs, lines };
}

/** One document of a stream, with the 1-based line it starts on. */
export interface Chunk {
  readonly text: string;
  readonly firstLine: number;
}


/**
 * Splits a stream as apimachinery's YAMLReader does: at lines starting `---` followed by nothing or a
 * comment. Another `---` line (`--- !tag`, `--- {}`, `----`) makes kubectl stop reading the file with
 * "invalid Yaml document separator"; so does this, with an error. Within a document go-yaml reads up to
 * `...` and kubectl ignores the rest; so does this, with a warning.
 */
export function splitDocuments(file: string, text: string, diagnostics: Diagnostic[]): Chunk[] {
  // Lines as split(/\r?\n/) gives them, walked by offset: only lines starting `-` or `.` are looked at.
  const t = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n/g, '\n');
  const out: Chunk[] = [];
  /** Lines [line, ...) from offset `from` to `to` (exclusive, no final newline): a document, up to its `...` line. */
  const flush = (line: number, from: number, to: number, end: { line: number; offset: number } | undefined): void => {
    if (end) {
      const next = t.indexOf('\n', end.offset);
      const at = next < 0 || next >= to ? -1 : firstContent(t, next + 1, to);
      if (at >= 0) {
        diagnostics.push({
          severity: 'warning',
          code: 'yaml-ignored',
          message: `content after the document end marker "..." (line ${end.line + 1}) up to the next "---" is ignored, as kubectl ignores it`,
          source: { file, line: end.line + 2 + at },
        });
      }
      to = end.offset - 1;
    }
    if (to > from && firstContent(t, from, to) >= 0) out.push({ text: t.slice(from, to), firstLine: line + 1 });
  };
  let docLine = 0;
  let docFrom = 0;
  let end: { line: number; offset: number } | undefined;
  for (let i = 0, ls = 0; ls <= t.length; i++) {
    const nl = t.indexOf('\n', ls);
    const le = nl < 0 ? t.length : nl;
    const c = t.charCodeAt(ls);
    if (c === 45 /* - */ && t.startsWith('---', ls)) {
      const rest = t.slice(ls + 3, le).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        flush(docLine, docFrom, ls - 1, end);
        diagnostics.push({
          severity: 'error',
          code: 'yaml-separator',
          message: `invalid document separator "${t.slice(ls, le).trim().slice(0, 40)}": kubectl stops reading the file here ("invalid Yaml document separator"), so the rest of the file is skipped; put the content on the next line`,
          source: { file, line: i + 1 },
        });
        return out;
      }
      flush(docLine, docFrom, ls - 1, end);
      docLine = i + 1;
      docFrom = le + 1;
      end = undefined;
    } else if (c === 46 /* . */ && !end && t.startsWith('...', ls) && (ls + 3 === le || ' \t\r'.includes(t[ls + 3]!))) {
      end = { line: i, offset: ls };
    }
    if (nl < 0) break;
    ls = nl + 1;
  }
  flush(docLine, docFrom, t.length, end);
  return out;
}

/** The index (from 0) of the first line in t[from, to) that is neither blank nor a comment, or -1. */
function firstContent(t: string, from: number, to: number): number {
  for (let i = 0, ls = from; ls <= to; i++) {
    const nl = t.indexOf('\n', ls);
    const le = nl < 0 || nl > to ? to : nl;
    if (!blankOrComment(t.slice(ls, le))) return i;
    if (le >= to) return -1;
    ls = le + 1;
  }
  return -1;
}

function blankOrComment(l: string): boolean {
  const t = l.trim();
  return t === '' || t.startsWith('#');
}

/**
 * Text the fast parser cannot be trusted with: tabs starting a line (go-yaml allows them only inside flow
 * collections and quoted scalars), directives, tags, complex or collection keys. All rare in manifests.
 */
function needsFullParser(text: string): boolean {
  // Each pattern only where its character occurs at all (a scan for one character is far cheaper).
  const has = (c: string): boolean => text.includes(c);
  return (
    (has('\t') && /^[ ]*\t/m.test(text)) ||
    (has('%') && /^%/m.test(text)) ||
    (has('!') && /(?:^|[\s[{,])!/.test(text)) ||
    (has('?') && /^[ \t-]*\?(?:[ \t]|$)/m.test(text)) ||
    ((has(']') || has('}')) && /[\]}][ \t]*:(?:[ \t]|$)/m.test(text))
  );
}

/** Thrown by the fast path when a document needs the full parser. */
class NeedsFullParser extends Error {}

// Both parsers load on first use: the hand reader takes most documents, and loading js-yaml and `yaml`
// costs more than reading a small input (every command run pays it otherwise). CommonJS builds, since an
// ES module cannot be loaded synchronously.
const requireCjs = createRequire(import.meta.url);
let fastLib: { load: typeof JsYaml.load; schema: JsYaml.Schema } | undefined;
let fullLib: typeof Yaml | undefined;

/** The `yaml` package (the full parser). */
function yamlLib(): typeof Yaml {
  return (fullLib ??= requireCjs('yaml') as typeof Yaml);
}

/** Plain scalars as go-yaml v2 resolves them (js-yaml tries it only on unquoted, untagged scalars). */
let lastPlain: string | undefined;
let lastValue: unknown;

/** js-yaml with a schema whose plain scalars resolve as go-yaml's do. */
function fastParser(): { load: typeof JsYaml.load; schema: JsYaml.Schema } {
  if (fastLib) return fastLib;
  const js = requireCjs('js-yaml') as typeof JsYaml;
  const GO_PLAIN = new js.Type('tag:bulkhead,2026:go-yaml-plain', {
    kind: 'scalar',
    resolve: (data: string | null): boolean => {
      if (data === null) return false;
      const v = goPlainScalar(data);
      lastPlain = data;
      lastValue = v;
      return v !== data;
    },
    construct: (data: string): unknown => {
      const v = data === lastPlain ? lastValue : goPlainScalar(data);
      // NaN and infinities have no JSON form (kubectl refuses the document); `<<` is a merge: both for the full parser.
      if ((typeof v === 'number' && !Number.isFinite(v)) || v === '<<') throw new NeedsFullParser();
      return v;
    },
  });
  return (fastLib = { load: js.load, schema: js.FAILSAFE_SCHEMA.extend({ implicit: [GO_PLAIN] }) });
}

/** Keys whose JSON form needs go-yaml's rules (merge, null, float or huge-integer keys). */
const SPECIAL_KEY = /^(?:<<|null|)$|^[-+]?(?:\d*\.|\d+[eE]|\d{16,}|Infinity|NaN)/;

/**
 * One document with js-yaml, recording lines as the full parser does: a node's line is that of its first
 * token (a key, a `-`, a bracket), a key's line that of the scalar naming it. Throws on anything js-yaml
 * rejects and on anything that needs go-yaml's rules (see NeedsFullParser).
 */
function parseFast(text: string, firstLine: number, lines: LineMap): unknown {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  /** The offset of the first token at or after `pos` (skipping blanks and comments). */
  const tokenAt = (pos: number): number => {
    let p = pos;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) p++;
      else if (c === 35 && (p === 0 || /\s/.test(text[p - 1]!))) {
        const nl = text.indexOf('\n', p);
        if (nl < 0) break;
        p = nl + 1;
      } else break;
    }
    return p;
  };
  /** The 0-based line of an offset. */
  const lineOf = (p: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Nodes as go-yaml would decode them, aliases expanded: js-yaml shares one object per anchor instead.
  // Without an anchor (`&`) there is no alias to expand (js-yaml rejects an unknown one).
  const anchors = text.includes('&');
  const expanded = new WeakMap<object, number>();
  let nodes = 0;
  // The children of the open nodes, flat: a node's children are values[opened[k]..].
  const values: unknown[] = [];
  const valueLines: number[] = [];
  let top = 0;
  const opened: number[] = [];
  const openedAt: number[] = [];
  const listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (event === 'open') {
      opened.push(top);
      openedAt.push(state.position);
      return;
    }
    const from0 = opened.pop()!;
    const v = state.result;
    const start = tokenAt(openedAt.pop()!);
    const line = lineOf(start);
    nodes++;
    if (anchors && text.charCodeAt(start) === 42 /* * */) {
      // An alias: its anchor not yet closed means the anchor contains itself.
      if (v !== null && typeof v === 'object' && !expanded.has(v)) throw new NeedsFullParser();
    } else if (v !== null && typeof v === 'object') {
      if (anchors) {
        let size = 1;
        for (let i = from0; i < top; i++) {
          const c = values[i];
          if (c !== null && typeof c === 'object') {
            const n = expanded.get(c);
            // A child not yet closed is an ancestor: an anchor containing itself.
            if (n === undefined) throw new NeedsFullParser();
            size += n;
          } else size++;
        }
        expanded.set(v, size);
      }
      if (Array.isArray(v)) lines.set(v, line + firstLine);
      else {
        const pairs: Array<string | number> = [];
        let from = from0;
        for (const k of Object.keys(v)) {
          if (SPECIAL_KEY.test(k)) throw new NeedsFullParser();
          // Keys come in document order, each before its value.
          for (let i = from; i < top; i++) {
            // Keys are scalars: String() of a collection could be huge (aliases) and never matches.
            const cv = values[i];
            if ((cv === null || typeof cv !== 'object') && (cv === k || String(cv) === k)) {
              pairs.push(k, valueLines[i]! + firstLine);
              from = i + 1;
              break;
            }
          }
        }
        lines.setAll(v, line + firstLine, pairs);
      }
    }
    // Slots above `top` are stale, overwritten by later nodes.
    top = from0;
    if (opened.length > 0) {
      values[top] = v;
      valueLines[top++] = line;
    }
  };
  // json: false makes a duplicate key an error (the full parser then names it).
  const { load, schema } = fastParser();
  const value = load(text, { schema, json: false, listener } as Parameters<typeof load>[1]);
  // Aliases that expand: go-yaml's expansion cap counts in document order, which the full parser follows.
  const total = anchors && value !== null && typeof value === 'object' ? expanded.get(value)! : nodes;
  if (total - nodes > 100) throw new NeedsFullParser();
  return value;
}

/**
 * kubectl reads a stream whose first character is `{` as JSON values one after another, not as YAML: a
 * `---` or YAML after the first object stops it ("invalid character"). Bulkhead reads such a file as YAML,
 * like netpol-analyzer, and warns where kubectl would stop.
 */
function jsonStreamCheck(file: string, text: string, chunks: readonly Chunk[], diagnostics: Diagnostic[]): void {
  if (/\.json$/i.test(file) || !/^\ufeff?\s*\{/.test(text) || chunks.length === 0) return;
  let firstIsJson = true;
  try {
    JSON.parse(chunks[0]!.text);
  } catch {
    firstIsJson = false;
  }
  if (firstIsJson && chunks.length === 1) return;
  const line = firstIsJson ? chunks[1]!.firstLine - 1 : chunks[0]!.firstLine;
  diagnostics.push({
    severity: 'warning',
    code: 'json-stream',
    message: firstIsJson
      ? 'this file starts with "{", so kubectl reads it as a stream of JSON objects and stops here with an error: it would apply only what comes before; read as YAML here'
      : 'this file starts with "{", so kubectl reads it as JSON and refuses it (a YAML flow mapping is not JSON); read as YAML here',
    source: { file, line },
  });
}

/** For JSON input, JSON.parse's verdict; false (with a diagnostic) when the file is not valid JSON. */
function jsonSyntaxOk(file: string, text: string, diagnostics: Diagnostic[]): boolean {
  // Only for .json files: a .yaml stream may start with a JSON document and go on with `---`.
  if (/\.json$/i.test(file)) {
    // JSON is YAML too, but JSON.parse names the real problem of a truncated or broken file.
    try {
      JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = /position (\d+)/.exec(msg);
      let line: number;
      let truncated = /end of JSON input/i.test(msg);
      if (pos) {
        const offset = Number(pos[1]);
        line = text.slice(0, offset).split('\n').length;
        truncated ||= offset >= text.trimEnd().length;
      } else {
        // Some JSON.parse messages carry no position: the YAML parser's error finds the line.
        const lc = new (yamlLib().LineCounter)();
        const probe = yamlLib().parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
        const first = (Array.isArray(probe) ? probe : []).flatMap((d) => d.errors)[0];
        line = first ? lc.linePos(first.pos[0]).line : 1;
      }
      diagnostics.push({
        severity: 'error',
        code: 'json-syntax',
        message: `invalid JSON, file skipped: ${truncated ? 'the file ends early (truncated?)' : msg.replace(/, ".*" is not valid JSON$/, '')}`,
        source: { file, line },
      });
      return false;
    }
  }
  return true;
}

/** A document kubectl refuses, at a node: its code and what to say. */
class NodeError extends Error {
  constructor(
    readonly node: Node | null | undefined,
    readonly code: string,
    message: string,
    readonly fallbackOffset = 0,
  ) {
    super(message);
  }
}

const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** Builds JS values from the `yaml` AST with go-yaml v2's rules, counting alias expansion as go-yaml does. */
class GoDecoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly open = new Set<Node>();
  /** Alias targets: `yaml` finds one by walking the document, so each alias is looked up once. */
  private readonly targets = new Map<Node, Node | undefined>();

  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
    private readonly lines: LineMap,
  ) {}

  private line(node: Node): number {
    return node.range ? this.lc.linePos(node.range[0]).line : 1;
  }

  private count(node: Node | null | undefined): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (excessiveAliasing(this.decodeCount, this.aliasCount)) {
      throw new NodeError(node, 'yaml-alias-limit', `aliases expand past go-yaml's limit ("document contains excessive aliasing"): kubectl refuses such a document (a "billion laughs" guard)`);
    }
  }

  private target(alias: Node): Node {
    const a = alias as unknown as { source: string; resolve(doc: Document): Node | undefined };
    let t = this.targets.get(alias);
    if (t === undefined && !this.targets.has(alias)) this.targets.set(alias, (t = a.resolve(this.doc)));
    if (!t) throw new NodeError(alias, 'yaml-alias', `unknown alias *${a.source}: no anchor &${a.source} before it in this document`);
    if (this.open.has(t)) throw new NodeError(alias, 'yaml-alias', `anchor &${a.source} contains an alias to itself`);
    return t;
  }

  value(node: Node | null | undefined): unknown {
    this.count(node);
    if (!node) return null;
    if (yamlLib().isAlias(node)) {
      const t = this.target(node);
      this.aliasDepth++;
      const v = this.value(t);
      this.aliasDepth--;
      return v;
    }
    if (yamlLib().isScalar(node)) {
      const v = this.scalar(node).value;
      if (typeof v === 'number' && !Number.isFinite(v)) throw new NodeError(node, 'yaml-value', `${String(node.source)} has no JSON form: kubectl refuses the document ("json: unsupported value")`);
      return v;
    }
    if (yamlLib().isSeq(node)) {
      const a: unknown[] = [];
      this.lines.set(a, this.line(node));
      this.open.add(node);
      for (const it of node.items) a.push(this.value(it as Node));
      this.open.delete(node);
      return a;
    }
    if (yamlLib().isMap(node)) return this.mapping(node);
    return null;
  }

  private scalar(node: Scalar): ReturnType<typeof goScalar> {
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const block = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL';
    try {
      return goScalar(String(node.source ?? node.value ?? ''), quoted || block, node.tag);
    } catch (e) {
      if (e instanceof GoYamlError) throw new NodeError(node, 'yaml-value', e.message);
      throw e;
    }
  }

  private key(node: Node | null): string {
    this.count(node);
    let n = node;
    if (n && yamlLib().isAlias(n)) n = this.target(n);
    if (n && yamlLib().isCollection(n)) throw new NodeError(node, 'yaml-value', `a ${yamlLib().isMap(n) ? 'mapping' : 'sequence'} as a mapping key has no JSON form: kubectl refuses the document`);
    try {
      return goKey(n && yamlLib().isScalar(n) ? this.scalar(n) : { tag: 'tag:yaml.org,2002:null', value: null });
    } catch (e) {
      if (e instanceof GoYamlError) throw new NodeError(node, 'yaml-value', e.message);
      throw e;
    }
  }

  private mapping(node: Node & { items: unknown[] }): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    const line = this.line(node);
    this.lines.set(o, line);
    this.open.add(node);
    const explicit = new Map<string, number>();
    for (const it of node.items) {
      if (!yamlLib().isPair(it)) continue;
      const kn = it.key as Node | null;
      if (kn && yamlLib().isScalar(kn) && ((kn.type === 'PLAIN' && kn.source === '<<' && kn.tag === undefined) || kn.tag === MERGE_TAG)) {
        this.merge(o, it.value as Node | null, kn);
        continue;
      }
      const k = this.key(kn);
      const kl = kn ? this.line(kn) : line;
      const before = explicit.get(k);
      if (before !== undefined) {
        throw new NodeError(kn, 'yaml-duplicate-key', `key "${k}" is given twice in one mapping (lines ${before} and ${kl}); kubectl apply would silently keep the later value`);
      }
      explicit.set(k, kl);
      set(o, k, this.value(it.value as Node | null));
      this.lines.setKey(o, k, kl);
    }
    this.open.delete(node);
    return o;
  }

  /** `<<: *a` or `<<: [*a, *b]`: go-yaml decodes the merged mappings into this one (earlier ones win). */
  private merge(o: Record<string, unknown>, value: Node | null, at: Node): void {
    const isMapNode = (n: Node | null): boolean => !!n && (yamlLib().isMap(n) || (yamlLib().isAlias(n) && yamlLib().isMap(this.target(n))));
    const sources = value && yamlLib().isSeq(value) ? [...(value.items as Node[])].reverse() : [value];
    for (const s of sources) {
      if (!isMapNode(s)) throw new NodeError(s ?? at, 'yaml-merge', 'a merge key "<<" needs a mapping, an alias of one, or a list of them (go-yaml: "map merge requires map or sequence of maps as the value")');
      const m = this.value(s) as Record<string, unknown>;
      for (const k of Object.keys(m)) {
        set(o, k, m[k]);
        this.lines.setKey(o, k, this.lines.at(m, k, this.line(at)).line);
      }
    }
  }
}

function set(o: Record<string, unknown>, k: string, v: unknown): void {
  // `__proto__` is an ordinary key in JSON.
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Offsets (in `text`) of tabs that start a line's indentation. */
function indentTabs(text: string): number[] {
  const out: number[] = [];
  const re = /^[ ]*\t/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index + m[0].length - 1);
  return out;
}

/** Where go-yaml takes a tab starting a line as whitespace: inside flow collections and quoted scalars. */
function tabAllowedRanges(doc: Document): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  yamlLib().visit(doc, (_k, n) => {
    const node = n as Node;
    if (!node.range) return;
    if ((yamlLib().isCollection(node) && (node as { flow?: boolean }).flow) || (yamlLib().isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'))) {
      ranges.push([node.range[0], node.range[1]]);
    }
  });
  return ranges;
}

/** The full parser (`yaml`) on one document, walked with go-yaml's rules; appends to `docs`. */
function parseStrict(file: string, chunk: Chunk, diagnostics: Diagnostic[], lines: LineMap, docs: ParsedDocument[]): void {
  // Blank lines in front keep the line numbers of the parser's messages right.
  const original = '\n'.repeat(chunk.firstLine - 1) + chunk.text;
  const tabs = indentTabs(original);
  // Tabs go-yaml accepts (in flow context) are whitespace there: one space keeps every offset.
  const text = tabs.length ? original.replace(/^[ \t]+/gm, (ws) => ws.replace(/\t/g, ' ')) : original;
  const lc = new (yamlLib().LineCounter)();
  let parsed: ReturnType<typeof Yaml.parseAllDocuments>;
  try {
    parsed = yamlLib().parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, schema: 'failsafe', merge: false });
  } catch (e) {
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message: `cannot parse: ${(e as Error).message}`, source: { file, line: chunk.firstLine } });
    return;
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const doc = list[0];
  if (!doc) return;
  const error = (code: string, line: number, message: string): void => {
    diagnostics.push({ severity: 'error', code, message: `invalid YAML, document skipped: ${message}`, source: { file, line } });
  };
  if (doc.errors.length > 0) {
    // The first error is the cause; the rest are usually its echoes.
    const err = doc.errors[0]!;
    const l = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    const tabLine = tabs.map((t) => lc.linePos(t).line).find((tl) => tl <= l);
    if (tabLine !== undefined) error('yaml-tabs', tabLine, 'a tab in indentation: YAML forbids it and kubectl rejects it ("found a tab character that violates indentation"); indent with spaces');
    else error('yaml-syntax', l, err.message.split('\n')[0]!);
    return;
  }
  if (tabs.length) {
    const ok = tabAllowedRanges(doc);
    const bad = tabs.find((t) => !ok.some(([a, b]) => t > a && t < b));
    if (bad !== undefined) {
      error('yaml-tabs', lc.linePos(bad).line, 'a tab in indentation: YAML forbids it outside flow collections and quoted strings, and kubectl rejects it ("found a tab character that violates indentation"); indent with spaces');
      return;
    }
  }
  if (doc.contents === null) return;
  try {
    const value = new GoDecoder(doc, lc, lines).value(doc.contents as Node);
    if (value === null) return;
    const startLine = doc.contents.range ? lc.linePos(doc.contents.range[0]).line : chunk.firstLine;
    docs.push({ value, source: { file, line: startLine } });
  } catch (e) {
    if (!(e instanceof NodeError)) throw e;
    const at = e.node?.range ? lc.linePos(e.node.range[0]).line : chunk.firstLine;
    error(e.code, at, e.message);
  }
}
