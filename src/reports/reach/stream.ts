/**
 * Every reach format written chunk by chunk from a ReachStream, byte-identical to the whole-string
 * reporters, so listings of huge clusters (16 million pairs when 4,000 workloads have no policy yet)
 * never become one giant string.
 */
import type { Connection, ReachStream } from '../../analyses/reach.js';
import { jsonSafe, toJsonText } from '../json.js';
import type { PortSet } from '../../model/port-set.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesDot, notesJson, notesMarkdown, notesText } from '../notes.js';
import { connText, displayId } from './text.js';
import { mdCell } from '../markdown.js';
import { reachMarkdownHead } from './markdown.js';
import { mapDot } from '../dot.js';
import { reachHtmlFrom } from './html.js';
import { mergeOutsideStream } from '../../analyses/outside-merge.js';
import { buildMap } from '../../analyses/map.js';

/** Formats that can be streamed: all of them. */
export const STREAM_FORMATS = ['text', 'csv', 'json', 'md', 'dot', 'html'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

const CHUNK = 1 << 16;

function cell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One array element as it appears inside the whole document (see reports/json.ts). */
function element(v: unknown): string {
  return toJsonText(v).slice(0, -1).replace(/^/gm, '    ');
}

/** Joins small strings into chunks of about 64 KiB. */
function* batched(parts: Iterable<string>): Generator<string> {
  let buf = '';
  for (const p of parts) {
    buf += p;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** Memoizes a rendering per PortSet object: the engine hands out one object per distinct set. */
function memo(f: (p: PortSet) => string): (p: PortSet) => string {
  const cache = new Map<PortSet, string>();
  return (p) => {
    let v = cache.get(p);
    if (v === undefined) cache.set(p, (v = f(p)));
    return v;
  };
}

/** Memoizes a rendering per endpoint id: each endpoint is in thousands of lines, its string made once. */
function memoId(f: (id: string) => string): (id: string) => string {
  const cache = new Map<string, string>();
  return (id) => {
    let v = cache.get(id);
    if (v === undefined) cache.set(id, (v = f(id)));
    return v;
  };
}

function* tapped(cs: Iterable<Connection>, tap: (c: Connection) => void): Generator<Connection> {
  for (const c of cs) {
    tap(c);
    yield c;
  }
}

function* lines(listing: ReachStream, format: StreamFormat, notes: Notes, tap?: (c: Connection) => void): Generator<string> {
  if (format === 'html') {
    yield reachHtmlFrom(listing, notes);
    return;
  }
  // Every other format names outside addresses merged per pair (text and csv never read `endpoints`: one pass).
  const r = mergeOutsideStream(listing);
  const each = (): Iterable<Connection> => (tap ? tapped(r.connections(), tap) : r.connections());
  const show = memoId(displayId);
  const quoted = memoId((id) => jsonSafe(JSON.stringify(id)));
  const str = memo((p) => p.toString());
  if (format === 'text') {
    yield notesText(notes);
    let any = false;
    // Lines are joined here into chunks (one yield per chunk, not per line).
    let buf = '';
    for (const c of each()) {
      any = true;
      buf += `${show(c.src)} => ${show(c.dst)} : ${connText(c, str(c.conns))}\n`;
      if (buf.length >= CHUNK) ((yield buf), (buf = ''));
    }
    if (buf) yield buf;
    if (!any) yield 'No connections allowed.\n';
    return;
  }
  if (format === 'csv') {
    yield 'src,dst,conn\n';
    for (const c of each()) yield `${cell(show(c.src))},${cell(show(c.dst))},${cell(connText(c, str(c.conns)))}\n`;
    return;
  }
  if (format === 'md') {
    yield notesMarkdown(notes);
    yield reachMarkdownHead(r.level, r.count());
    let any = false;
    for (const c of each()) {
      if (!any) yield '<details><summary>Connections</summary>\n\n| src | dst | conn |\n|---|---|---|\n';
      any = true;
      yield `| ${mdCell(show(c.src))} | ${mdCell(show(c.dst))} | ${mdCell(connText(c, str(c.conns)))} |\n`;
    }
    yield any ? '\n</details>\n' : '_No connections allowed._\n';
    return;
  }
  if (format === 'dot') {
    // One pass that keeps nodes and edges, never the pairs: the map is at most a few dozen nodes, or folded.
    yield mapDot(buildMap(r.level, r.endpoints, each()), 'bulkhead', notesDot(notes));
    return;
  }
  // toJsonText(doc), one array element at a time.
  // The notes are small: render them as the whole document does and cut off its braces.
  const head = `  ${toJsonText(notesJson(notes)).trim().slice(1, -1).trim()}`;
  yield `{\n  "schema": "bulkhead.reach/v1",\n  "level": ${jsonSafe(JSON.stringify(r.level))},\n${head},\n  "endpoints": `;
  if (r.endpoints.length === 0) yield '[]';
  else {
    yield '[\n';
    let first = true;
    for (const e of r.endpoints) {
      yield `${first ? '' : ',\n'}${element(e)}`;
      first = false;
    }
    yield '\n  ]';
  }
  yield ',\n  "connections": ';
  // The conns object renders the same wherever it sits: render it once per distinct set.
  const connsText = memo((p) => element({ conns: p.toJSON() }).split('\n').slice(1, -1).join('\n'));
  let first = true;
  let buf = '';
  for (const c of each()) {
    buf += `${first ? '[\n' : ',\n'}    {\n      "src": ${quoted(c.src)},\n      "dst": ${quoted(c.dst)},\n${connsText(c.conns)}${c.condition ? `,\n      "condition": ${jsonSafe(JSON.stringify(c.condition))}` : ''}${c.aggregate ? `,\n      "pairs": ${c.aggregate.pairs},\n      "of": ${c.aggregate.of},\n      "coverage": ${jsonSafe(JSON.stringify(c.aggregate.coverage))}` : ''}\n    }`;
    first = false;
    if (buf.length >= CHUNK) ((yield buf), (buf = ''));
  }
  if (buf) yield buf;
  yield first ? '[]' : '\n  ]';
  yield '\n}\n';
}

/**
 * The output of one streamable format, in chunks; `tap` sees each connection as listed (outside merged), html aside.
 * JSON chunks are escaped already (jsonSafe): written raw, they skip a scan of every byte.
 */
export function reachChunks(r: ReachStream, format: StreamFormat, notes: Notes = NO_NOTES, tap?: (c: Connection) => void): Iterable<string> {
  return batched(lines(r, format, notes, tap));
}
