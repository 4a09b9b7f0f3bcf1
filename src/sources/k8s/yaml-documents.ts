/**
 * YAML/JSON text to plain JS values that remember their line numbers.
 * Kubernetes manifests are YAML streams; JSON (kubectl -o json) is read by the same parser.
 *
 * Two parsers: js-yaml reads each document fast (about ten times faster than `yaml` on large clusters),
 * and a document it cannot read goes to `yaml`, whose messages name the problem precisely and which
 * tolerates what kubectl tolerates (tabs in indentation).
 */
import { load as fastLoad, CORE_SCHEMA } from 'js-yaml';
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isAlias, isPair, type Node, type Document } from 'yaml';
import type { Diagnostic, SourceRef } from '../../inventory/types.js';

/** Line numbers of parsed objects and arrays, and of each key within an object. */
export class LineMap {
  private readonly lines = new WeakMap<object, number>();
  private readonly keyLines = new WeakMap<object, Record<string, number>>();

  constructor(readonly file: string) {}

  set(o: object, line: number): void {
    this.lines.set(o, line);
  }

  setKey(o: object, key: string, line: number): void {
    let m = this.keyLines.get(o);
    if (!m) this.keyLines.set(o, (m = {}));
    m[key] = line;
  }

  /** The source of an object, or of one of its keys when given. Falls back to `fallback`. */
  at(o: unknown, key?: string, fallback = 1): SourceRef {
    if (o !== null && typeof o === 'object') {
      const k = key !== undefined ? this.keyLines.get(o)?.[key] : undefined;
      const l = k ?? this.lines.get(o);
      if (l !== undefined) return { file: this.file, line: l };
    }
    return { file: this.file, line: fallback };
  }
}

export interface ParsedDocument {
  readonly value: unknown;
  readonly source: SourceRef;
}

function toJS(node: Node | null | undefined, doc: Document, lc: LineCounter, lines: LineMap, depth = 0): unknown {
  if (!node || depth > 200) return null;
  if (isAlias(node)) return toJS(node.resolve(doc) as Node | undefined, doc, lc, lines, depth + 1);
  if (isScalar(node)) return node.value;
  const line = node.range ? lc.linePos(node.range[0]).line : 1;
  if (isMap(node)) {
    const o: Record<string, unknown> = {};
    lines.set(o, line);
    for (const it of node.items) {
      if (!isPair(it)) continue;
      const k = isScalar(it.key) ? String(it.key.value) : String(toJS(it.key as Node, doc, lc, lines, depth + 1));
      o[k] = toJS(it.value as Node, doc, lc, lines, depth + 1);
      const kn = it.key as Node | null;
      if (kn && kn.range) lines.setKey(o, k, lc.linePos(kn.range[0]).line);
    }
    return o;
  }
  if (isSeq(node)) {
    const a: unknown[] = [];
    lines.set(a, line);
    for (const it of node.items) a.push(toJS(it as Node, doc, lc, lines, depth + 1));
    return a;
  }
  return null;
}

/** Parses a YAML stream (or JSON); each syntax error becomes a diagnostic and its document is skipped. */
export function parseDocuments(file: string, text: string, diagnostics: Diagnostic[]): { docs: ParsedDocument[]; lines: LineMap } {
  const lines = new LineMap(file);
  const docs: ParsedDocument[] = [];
  if (!jsonSyntaxOk(file, text, diagnostics)) return { docs, lines };
  // Directives (%YAML, %TAG) apply across documents: leave such rare streams to the full parser.
  if (/^%/m.test(text)) {
    parseStrict(file, text, diagnostics, lines, docs);
    return { docs, lines };
  }
  for (const chunk of splitDocuments(text)) {
    try {
      const value = parseFast(chunk.text, chunk.firstLine, lines);
      if (value !== undefined && value !== null) docs.push({ value, source: { file, line: lines.at(value, undefined, chunk.firstLine).line } });
    } catch {
      // Blank lines in front keep the line numbers of the full parser's messages right.
      parseStrict(file, '\n'.repeat(chunk.firstLine - 1) + chunk.text, diagnostics, lines, docs);
    }
  }
  return { docs, lines };
}

/** The full parser alone, on the whole stream (the tests check that both parsers agree). */
export function parseDocumentsStrict(file: string, text: string, diagnostics: Diagnostic[]): { docs: ParsedDocument[]; lines: LineMap } {
  const lines = new LineMap(file);
  const docs: ParsedDocument[] = [];
  parseStrict(file, text, diagnostics, lines, docs);
  return { docs, lines };
}

/** One document of a stream, with the 1-based line it starts on. */
interface Chunk {
  readonly text: string;
  readonly firstLine: number;
}

/** Splits a stream at document markers (`---`, `...` at the start of a line; they end block scalars too). */
function splitDocuments(text: string): Chunk[] {
  const out: Chunk[] = [];
  const linesOf = text.split('\n');
  let start = 0;
  let buf: string[] = [];
  const flush = (): void => {
    if (buf.some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) out.push({ text: buf.join('\n'), firstLine: start + 1 });
    buf = [];
  };
  linesOf.forEach((l, i) => {
    if (/^---(\s|$)/.test(l)) {
      flush();
      start = i;
      buf.push(l);
    } else if (/^\.\.\.(\s|$)/.test(l)) {
      flush();
      start = i + 1;
    } else {
      if (buf.length === 0) start = i;
      buf.push(l);
    }
  });
  flush();
  return out;
}

interface Frame {
  /** Where the parser stood when the node opened: the node starts at the next token from there. */
  readonly position: number;
  readonly children: Array<{ value: unknown; line: number }>;
}

/**
 * One document with js-yaml, recording lines as the full parser does: a node's line is that of its first
 * token (a key, a `-`, a bracket), a key's line that of the scalar naming it. Throws on anything js-yaml rejects.
 */
function parseFast(text: string, firstLine: number, lines: LineMap): unknown {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  /** The 0-based line of the first token at or after `pos` (skipping blanks and comments). */
  const tokenLine = (pos: number): number => {
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
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const stack: Frame[] = [];
  const listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (event === 'open') {
      stack.push({ position: state.position, children: [] });
      return;
    }
    const f = stack.pop()!;
    const v = state.result;
    const line = tokenLine(f.position);
    if (v !== null && typeof v === 'object') {
      lines.set(v, line + firstLine);
      if (!Array.isArray(v)) {
        let from = 0;
        for (const k of Object.keys(v)) {
          // Keys come in document order, each before its value.
          for (let i = from; i < f.children.length; i++) {
            if (String(f.children[i]!.value) === k) {
              lines.setKey(v, k, f.children[i]!.line + firstLine);
              from = i + 1;
              break;
            }
          }
        }
      }
    }
    stack[stack.length - 1]?.children.push({ value: v, line });
  };
  // CORE_SCHEMA: YAML 1.2 scalars as Kubernetes reads them (no timestamps); json: later duplicate keys win.
  return fastLoad(text, { schema: CORE_SCHEMA, json: true, listener } as Parameters<typeof fastLoad>[1]);
}

/** For JSON input, JSON.parse's verdict; false (with a diagnostic) when the file is not valid JSON. */
function jsonSyntaxOk(file: string, text: string, diagnostics: Diagnostic[]): boolean {
  const lc = new LineCounter();
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
        const probe = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
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

/** The full parser (`yaml`): precise errors, tabs tolerated as kubectl does; appends to `docs`. */
function parseStrict(file: string, text: string, diagnostics: Diagnostic[], lines: LineMap, docs: ParsedDocument[]): void {
  let lc = new LineCounter();
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message: `cannot parse: ${(e as Error).message}`, source: { file, line: 1 } });
    return;
  }
  let list = Array.isArray(parsed) ? parsed : [];
  if (list.some((d) => d.errors.length > 0) && /^[ ]*\t/m.test(text)) {
    // kubectl's YAML reader tolerates tabs in indentation; retry with them expanded (lines keep their numbers).
    const expanded = text.replace(/^[ \t]+/gm, (ws) => ws.replace(/\t/g, '        '));
    const retry = parseAllDocuments(expanded, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
    const retryList = Array.isArray(retry) ? retry : [];
    const errs = (l: typeof list): number => l.reduce((n, d) => n + d.errors.length, 0);
    if (errs(retryList) < errs(list)) {
      const lc2 = new LineCounter();
      list = parseAllDocuments(expanded, { lineCounter: lc2, prettyErrors: false, uniqueKeys: false }) as typeof list;
      lc = lc2;
      const line = text.slice(0, text.search(/^[ ]*\t/m)).split('\n').length;
      diagnostics.push({ severity: 'warning', code: 'yaml-tabs', message: 'tabs in indentation (not valid YAML) read as 8 spaces, as kubectl does', source: { file, line } });
    }
  }
  for (const doc of list) {
    const startLine = doc.contents?.range ? lc.linePos(doc.contents.range[0]).line : doc.range ? lc.linePos(doc.range[0]).line : 1;
    if (doc.errors.length > 0) {
      // The first error is the cause; the rest are usually its echoes.
      for (const err of doc.errors.slice(0, 1)) {
        const l = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
        const first = err.message.split('\n')[0];
        diagnostics.push({
          severity: 'error',
          code: 'yaml-syntax',
          message: `invalid YAML, document skipped: ${first}`,
          source: { file, line: l },
        });
      }
      continue;
    }
    if (doc.contents === null) continue;
    docs.push({ value: toJS(doc.contents as Node, doc, lc, lines), source: { file, line: startLine } });
  }
}
