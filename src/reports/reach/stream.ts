/**
 * Every reach format written chunk by chunk from a ReachStream, byte-identical to the whole-string
 * reporters, so listings of huge clusters (16 million pairs when 4,000 workloads have no policy yet)
 * never become one giant string.
 */
import type { Connection, PackedListing, ReachStream } from '../../analyses/reach.js';
import { terminalSafe } from '../safe-text.js';
import { jsonLine, jsonSafe, toJsonText } from '../json.js';
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
import { memoized } from '../../util/memo.js';

/** Formats that can be streamed: all of them. */
export const STREAM_FORMATS = ['text', 'csv', 'json', 'md', 'dot', 'html'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

const CHUNK = 1 << 16;

function cell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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

/** Renderings per PortSet object (the engine hands out one object per distinct set) and per endpoint id (each in thousands of lines). */
const memo = memoized<PortSet, string>;
const memoId = memoized<string, string>;

function* tapped(cs: Iterable<Connection>, tap: (c: Connection) => void): Generator<Connection> {
  for (const c of cs) {
    tap(c);
    yield c;
  }
}

/** reachJson's document up to the connections array, which is written one element (one line) at a time. */
function* jsonStart(r: ReachStream, notes: Notes): Generator<string> {
  // The notes are small: render them as the whole document does and cut off its braces.
  const head = `  ${toJsonText(notesJson(notes)).trim().slice(1, -1).trim()}`;
  yield `{\n  "schema": "bulkhead.reach/v1",\n  "level": ${jsonSafe(JSON.stringify(r.level))},\n${head},\n  "endpoints": `;
  if (r.endpoints.length === 0) yield '[]';
  else {
    yield '[\n';
    let first = true;
    for (const e of r.endpoints) {
      yield `${first ? '' : ',\n'}    ${jsonLine(e)}`;
      first = false;
    }
    yield '\n  ]';
  }
  yield ',\n  "connections": ';
}

/** A connection's `"conns": {...}` member as it sits in the connection's line (rendered once per distinct set). */
function jsonConns(p: PortSet): string {
  return `"conns": ${jsonLine(p.toJSON())}`;
}

/** A connection's condition member, when it has one, as it follows the conns. */
function jsonCondition(condition: Connection['condition']): string {
  return condition ? `, "condition": ${jsonSafe(JSON.stringify(condition))}` : '';
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
  yield* jsonStart(r, notes);
  const connsText = memo(jsonConns);
  let first = true;
  let buf = '';
  for (const c of each()) {
    buf += `${first ? '[\n' : ',\n'}    {"src": ${quoted(c.src)}, "dst": ${quoted(c.dst)}, ${connsText(c.conns)}${jsonCondition(c.condition)}${c.aggregate ? `, "pairs": ${c.aggregate.pairs}, "of": ${c.aggregate.of}, "coverage": ${jsonSafe(JSON.stringify(c.aggregate.coverage))}` : ''}}`;
    first = false;
    if (buf.length >= CHUNK) ((yield buf), (buf = ''));
  }
  if (buf) yield buf;
  yield first ? '[]' : '\n  ]';
  yield '\n}\n';
}

/** Formats that can be written from a packed listing (see reachBytes). */
export const BYTE_FORMATS = ['text', 'csv', 'json'] as const;
export type ByteFormat = (typeof BYTE_FORMATS)[number];

const BYTE_CHUNK = 1 << 22;

/**
 * The byte chunks of reachBytes, handed back by the sink once written (`give`) and filled again: a fresh
 * chunk's pages are faulted in and zeroed by the kernel, which cost more than filling them (2.4 GB of
 * JSON at 150k pods). A chunk is reused only after it was given back, so a slow pipe never sees it change.
 */
export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  /** `size`: the length of a chunk (a few MiB; tests use small ones). */
  constructor(readonly size = BYTE_CHUNK) {}

  /** A chunk of at least `min` bytes (and at least `size`), recycled when one was given back. */
  take(min: number): Buffer {
    const ab = this.free.pop();
    if (ab && ab.byteLength >= min) return Buffer.from(ab);
    if (ab) this.free.push(ab);
    return Buffer.allocUnsafeSlow(Math.max(this.size, min));
  }

  /** Hands back a chunk (or a view of one) that `take` gave and nobody reads any more. */
  give(bytes: Uint8Array): void {
    // A few are enough: one being filled, one being written.
    if (bytes.buffer.byteLength >= this.size && this.free.length < 4 && !this.free.includes(bytes.buffer as ArrayBuffer)) this.free.push(bytes.buffer as ArrayBuffer);
  }
}

/**
 * How a format writes one connection of a packed listing: `head` once per source, `tail` once per
 * destination and ports (both with the separator `sep` before an element; `open` before the first).
 */
interface Pieces {
  readonly open: string;
  readonly sep: string;
  head(src: string): string;
  tail(dst: string, conns: PortSet, condition: Connection['condition']): string;
}

/** The pieces of each byte format, byte for byte what `lines` writes per connection. */
function piecesOf(format: ByteFormat): Pieces {
  const show = memoId(displayId);
  const str = memo((p) => p.toString());
  const text = (c: Connection['condition'], p: PortSet): string => connText(c ? { conns: p, condition: c } : { conns: p }, str(p));
  if (format === 'text') return { open: '', sep: '', head: (s) => `${show(s)} => `, tail: (d, p, c) => `${show(d)} : ${text(c, p)}\n` };
  if (format === 'csv') return { open: '', sep: '', head: (s) => `${cell(show(s))},`, tail: (d, p, c) => `${cell(show(d))},${cell(text(c, p))}\n` };
  const connsText = memo(jsonConns);
  const q = (id: string): string => jsonSafe(JSON.stringify(id));
  return { open: '[\n', sep: ',\n', head: (s) => `    {"src": ${q(s)}, "dst": `, tail: (d, p, c) => `${q(d)}, ${connsText(p)}${jsonCondition(c)}}` };
}

/**
 * The text, csv or json listing as reachChunks writes it, but built from packed runs straight into
 * byte chunks of a few MiB: each source's piece is encoded once per source, each destination's piece
 * once per distinct ports in a row, and no object is made per connection. Strings are the small head
 * and foot (written as reachChunks' are); byte chunks are terminal-safe and JSON-safe already, taken
 * from `pool` (give each back once written, or never). Undefined when the listing is not packed
 * (aggregates, filtered listings). `tick` counts connections.
 */
export function reachBytes(r: ReachStream, format: ByteFormat, notes: Notes = NO_NOTES, tick?: (n: number) => void, pool = new ChunkPool()): Iterable<string | Uint8Array> | undefined {
  const merged = mergeOutsideStream(r);
  const packed = merged.packed?.();
  return packed && bytes(merged, packed, format, notes, pool, tick);
}

function* bytes(r: ReachStream, p: PackedListing, format: ByteFormat, notes: Notes, pool: ChunkPool, tick?: (n: number) => void): Generator<string | Uint8Array> {
  if (format === 'text') yield notesText(notes);
  else if (format === 'csv') yield 'src,dst,conn\n';
  // The head and the endpoints in chunks of about 64 KiB, as reachChunks writes them: a write per endpoint
  // (33,000 at 150k pods) cost more than their rendering.
  else yield* batched(jsonStart(r, notes));
  const pieces = piecesOf(format);
  // terminalSafe per piece is terminalSafe of the whole (it maps characters one by one).
  const encode = (s: string): Uint8Array => Buffer.from(format === 'json' ? s : terminalSafe(s));
  const sep = encode(pieces.sep).length;
  const open = encode(pieces.open);
  // Per destination position, the last ports key met and its tail: a column mostly repeats its ports.
  let keys = new Float64Array(p.ends.length).fill(-1);
  let tails: Uint8Array[] = [];
  const tailOf = (pos: number, conn: number, same: number): Uint8Array => {
    if (pos >= keys.length) {
      const grown = new Float64Array(Math.max(pos + 1, 2 * keys.length)).fill(-1);
      grown.set(keys);
      keys = grown;
    }
    const key = conn * 2 + same;
    if (keys[pos] === key) return tails[pos]!;
    keys[pos] = key;
    return (tails[pos] = encode(pieces.tail(p.ends[pos]!, p.ports(conn), same ? 'same-node' : undefined)));
  };
  let chunk = pool.take(0);
  let off = 0;
  let first = true;
  for (const run of p.runs()) {
    const head = encode(pieces.sep + pieces.head(run.src));
    for (let k = 0; k < run.n; k++) {
      const t = tailOf(run.dst[k]!, run.conn[k]!, run.sameNode[k]!);
      const h = first ? Buffer.concat([open, head.subarray(sep)]) : head;
      first = false;
      if (off + h.length + t.length > chunk.length) {
        if (off > 0) yield chunk.subarray(0, off);
        // Reused only once given back: a pipe may still hold the last one.
        chunk = pool.take(h.length + t.length);
        off = 0;
      }
      chunk.set(h, off);
      off += h.length;
      chunk.set(t, off);
      off += t.length;
    }
    tick?.(run.n);
  }
  if (off > 0) yield chunk.subarray(0, off);
  if (format === 'json') yield first ? '[]\n}\n' : '\n  ]\n}\n';
  else if (format === 'text' && first) yield 'No connections allowed.\n';
}

/**
 * The output of one streamable format, in chunks; `tap` sees each connection as listed (outside merged), html aside.
 * JSON chunks are escaped already (jsonSafe): written raw, they skip a scan of every byte.
 */
export function reachChunks(r: ReachStream, format: StreamFormat, notes: Notes = NO_NOTES, tap?: (c: Connection) => void): Iterable<string> {
  return batched(lines(r, format, notes, tap));
}
