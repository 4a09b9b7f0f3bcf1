/**
 * Parsers of netpol-analyzer's expected `list` outputs (txt, json, csv, md, dot, explain) into triples.
 * Exposure sections are cut off: only the connection list part is compared.
 */
import { PortSet } from '../../src/model/port-set.js';
import { isComparablePeer, parseConnSet, type Triple } from './conns.js';

export type Format = 'txt' | 'json' | 'csv' | 'md' | 'dot';

export interface ParsedList {
  /** Pairs between peers both tools name (workloads, external ranges, `{ingress-controller}`). */
  readonly triples: Triple[];
  /** Peers named only by netpol-analyzer's exposure analysis (representative peers, entire-cluster), left out. */
  readonly skippedPeers: number;
}

/** Adds a pair; with --focus-conn their outputs drop the conn column, so a pair without one has `focus`. */
function keep(src: string, dst: string, conn: string | undefined, out: Triple[], focus: PortSet | undefined): number {
  const ok = (p: string): boolean => isComparablePeer(p) || p === '{ingress-controller}';
  if (!ok(src) || !ok(dst)) return 1;
  const conns = conn === undefined || conn === '' ? focus : parseConnSet(conn);
  if (!conns) throw new Error(`no connection given for ${src} => ${dst}`);
  out.push({ src, dst, conns });
  return 0;
}

function parseTxt(text: string, focus: PortSet | undefined): ParsedList {
  const triples: Triple[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('Exposure Analysis Result:')) break;
    const m = /^(\S+) => (\S+)(?: : (.*))?$/.exec(line);
    if (m) skipped += keep(m[1]!, m[2]!, m[3], triples, focus);
  }
  return { triples, skippedPeers: skipped };
}

function parseJson(text: string, focus: PortSet | undefined): ParsedList {
  const j = JSON.parse(text) as unknown;
  const o = j as { connlist_results?: unknown; connlist_conn_focus_results?: unknown };
  const rows = (Array.isArray(j) ? j : (o.connlist_results ?? o.connlist_conn_focus_results)) as Array<{ src: string; dst: string; conn?: string }> | null | undefined;
  const triples: Triple[] = [];
  let skipped = 0;
  for (const r of rows ?? []) skipped += keep(r.src, r.dst, r.conn, triples, focus);
  return { triples, skippedPeers: skipped };
}

/** CSV cells: netpol-analyzer quotes a cell when it holds a comma ("TCP 80,UDP 53"). */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseCsv(text: string, focus: PortSet | undefined): ParsedList {
  const triples: Triple[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('Exposure Analysis Result:')) break;
    const c = csvCells(line);
    if (c.length < 2 || (c[0] === 'src' && c[1] === 'dst') || c[0] === '' || /:$/.test(c[0]!)) continue;
    skipped += keep(c[0]!, c[1]!, c.length > 2 ? c.slice(2).join(',') : undefined, triples, focus);
  }
  return { triples, skippedPeers: skipped };
}

function parseMd(text: string, focus: PortSet | undefined): ParsedList {
  const triples: Triple[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('## Exposure Analysis Result')) break;
    const m = /^\| (.*?) \| (.*?) \|(?: (.*?) \|)?$/.exec(line);
    if (!m || m[1] === 'src' || m[1]!.startsWith('-')) continue;
    skipped += keep(m[1]!, m[2]!, m[3], triples, focus);
  }
  return { triples, skippedPeers: skipped };
}

function parseDot(text: string, focus: PortSet | undefined): ParsedList {
  const triples: Triple[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*"([^"]+)" -> "([^"]+)" \[label="([^"]*)"(.*)\]\s*$/.exec(line);
    if (!m) continue;
    // Dashed edges are exposure-analysis edges (to or from representative peers).
    if (/style=dashed/.test(m[4]!)) {
      skipped++;
      continue;
    }
    skipped += keep(m[1]!, m[2]!, m[3]!, triples, focus);
  }
  return { triples, skippedPeers: skipped };
}

/** The connection list of a `list` output in one of the five formats (not explain); `focus`: the --focus-conn set. */
export function parseListOutput(format: Format, text: string, focus?: PortSet): ParsedList {
  switch (format) {
    case 'txt':
      return parseTxt(text, focus);
    case 'json':
      return parseJson(text, focus);
    case 'csv':
      return parseCsv(text, focus);
    case 'md':
      return parseMd(text, focus);
    case 'dot':
      return parseDot(text, focus);
  }
}

/** One pair of an explain output: what is allowed (union of its "Allowed ..." lines). */
export interface ExplainPair {
  readonly src: string;
  readonly dst: string;
  readonly allowed: PortSet;
  /** True when the pair is in the "system default (Allow all)" section. */
  readonly systemDefault: boolean;
}

/** Parses `list --explain` txt: the specific pairs with their allowed sets, then the system-default pairs. */
export function parseExplain(text: string): { pairs: ExplainPair[]; skippedPeers: number } {
  const pairs: ExplainPair[] = [];
  let skipped = 0;
  let cur: { src: string; dst: string; allowed: ReturnType<typeof parseConnSet> } | undefined;
  let inDefault = false;
  const flush = (): void => {
    if (cur) pairs.push({ ...cur, systemDefault: false });
    cur = undefined;
  };
  const ok = (p: string): boolean => isComparablePeer(p) || p === '{ingress-controller}';
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('Exposure Analysis Result:')) break;
    let m = /^Connections between (\S+) => (\S+):$/.exec(line);
    if (m) {
      flush();
      if (ok(m[1]!) && ok(m[2]!)) cur = { src: m[1]!, dst: m[2]!, allowed: parseConnSet('No Connections') };
      else skipped++;
      continue;
    }
    if (/^# All Connections due to the system default/.test(line)) {
      flush();
      inDefault = true;
      continue;
    }
    if (inDefault) {
      m = /^(\S+) => (\S+)$/.exec(line);
      if (m) {
        if (ok(m[1]!) && ok(m[2]!)) pairs.push({ src: m[1]!, dst: m[2]!, allowed: parseConnSet('All Connections'), systemDefault: true });
        else skipped++;
      }
      continue;
    }
    m = /^\tAllowed (.*) due to /.exec(line);
    if (m && cur) cur.allowed = cur.allowed.union(parseConnSet(m[1]!));
  }
  flush();
  return { pairs, skippedPeers: skipped };
}
