/** AWS reach in text, JSON, Markdown and CSV, streamed: connections are written as they are expanded from classes. */
import type { AwsConnection, AwsReachStream } from '../../analyses/aws/reach.js';
import { awsConnectionsOf, type AwsReachFilter } from '../../analyses/aws/select.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { jsonLine, toJsonLines } from '../json.js';
import { notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdText, oneLine } from '../safe-text.js';
import { awsOutsideName, cidrRanges } from '../../analyses/outside.js';

export type { AwsReachFilter } from '../../analyses/aws/select.js';

export const AWS_REACH_FORMATS = ['text', 'json', 'md', 'csv'] as const;
export type AwsReachFormat = (typeof AWS_REACH_FORMATS)[number];

/** "TCP 443" or "All Connections", with the requests whose replies a NACL drops. */
export function awsConnText(c: AwsConnection): string {
  const allowed = c.conns.isEmpty() ? 'nothing' : c.conns.equals(TrafficSet.ALL) ? 'All Connections' : c.conns.toString();
  return c.responseBlocked.isEmpty() ? allowed : `${allowed} (replies blocked by a network ACL: ${c.responseBlocked})`;
}

/** Ids as printed: interfaces with their Name tag, outside ranges named as in cluster reach (`internet`, ...). */
function shown(r: AwsReachStream): (id: string) => string {
  // Every outside address of the estate is in some External endpoint: their union is what `internet` means.
  const universe = r.endpoints.flatMap((e) => (e.kind === 'External' ? cidrRanges(e.cidrs ?? []) : []));
  const names = new Map(r.endpoints.map((e) => [e.id, e.kind === 'External' ? e.name ?? awsOutsideName(cidrRanges(e.cidrs ?? []), universe).name : `${e.id}${e.name ? `[${e.name}]` : ''}`]));
  return (id) => names.get(id) ?? id;
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report in chunks (a large estate lists millions of pairs). */
export function* awsReachChunks(r: AwsReachStream, format: AwsReachFormat, notes: Notes = NO_NOTES, f: AwsReachFilter = {}): Iterable<string> {
  const show = shown(r);
  const conns = awsConnectionsOf(r, f);
  if (format === 'json') {
    // An endpoint or connection a line, as the cluster's reach writes them (reports/reach/json.ts).
    const head = toJsonLines({ schema: 'bulkhead.reach/v1', layer: 'aws', ...notesJson(notes), endpoints: r.endpoints, connections: [] }, ['endpoints', 'connections']).trimEnd();
    // The document is written around its connections list, which is streamed.
    const at = head.lastIndexOf('"connections": []');
    yield head.slice(0, at) + '"connections": [';
    let first = true;
    for (const c of conns) {
      const item = { src: c.src, dst: c.dst, conns: c.conns.toJSON(), ...(c.responseBlocked.isEmpty() ? {} : { responseBlocked: c.responseBlocked.toJSON() }) };
      yield `${first ? '' : ','}\n    ${jsonLine(item)}`;
      first = false;
    }
    yield `${first ? '' : '\n  '}]${head.slice(at + '"connections": []'.length)}\n`;
    return;
  }
  if (format === 'csv') {
    yield 'src,dst,conn\n';
    for (const c of conns) yield `${csvCell(show(c.src))},${csvCell(show(c.dst))},${csvCell(awsConnText(c))}\n`;
    return;
  }
  if (format === 'md') {
    yield notesMarkdown(notes);
    yield '| src | dst | conn |\n|---|---|---|\n';
    for (const c of conns) yield `| ${mdText(show(c.src))} | ${mdText(show(c.dst))} | ${mdText(awsConnText(c))} |\n`;
    return;
  }
  yield notesText(notes);
  let n = 0;
  for (const c of conns) {
    n++;
    yield `${oneLine(show(c.src))} => ${oneLine(show(c.dst))} : ${awsConnText(c)}\n`;
  }
  if (n === 0) yield 'no connections\n';
}
