/**
 * YAML/JSON text to plain JS values that remember their line numbers.
 * Kubernetes manifests are YAML streams; JSON (kubectl -o json) is read by the same parser.
 */
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
  const lc = new LineCounter();
  const lines = new LineMap(file);
  const docs: ParsedDocument[] = [];
  if (/\.json$/i.test(file) || /^\s*[[{]/.test(text)) {
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
      return { docs, lines };
    }
  }
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message: `cannot parse: ${(e as Error).message}`, source: { file, line: 1 } });
    return { docs, lines };
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
      lc.lineStarts.splice(0, lc.lineStarts.length, ...lc2.lineStarts);
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
  return { docs, lines };
}
