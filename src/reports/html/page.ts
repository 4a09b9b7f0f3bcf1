/**
 * The shell of every HTML report: one self-contained file (cytoscape inlined, the data as JSON, no
 * network at view time) with the caveats first, a headline, the interactive map, and the tables.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ConnectivityMap, MapEdge } from '../../analyses/map.js';
import { INTERNET } from '../../analyses/map.js';
import { outsideSpan, outsideSpanText } from '../../analyses/outside.js';
import { noteworthy, type Notes } from '../../analyses/notes.js';
import { notesHeadline } from '../notes.js';
import { oneLine } from '../safe-text.js';
import { CLIENT_JS } from './client.js';

/** Escapes text for HTML element content and attribute values. */
export function htmlText(s: string): string {
  return oneLine(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON inside a <script> element: nothing in it can close the element or start a comment. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

let cytoscapeJs: string | undefined;
/** cytoscape's minified build, read from the installed package (so the packaged tool finds it too). */
function cytoscapeSource(): string {
  if (cytoscapeJs === undefined) {
    const path = createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js');
    // A script element ends at the first "</script": the build has none, but make sure.
    cytoscapeJs = readFileSync(path, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  }
  return cytoscapeJs;
}

/** One edge of the drawn map, as the page's script reads it. */
export interface HtmlEdge {
  readonly src: string;
  readonly dst: string;
  readonly srcLabel: string;
  readonly dstLabel: string;
  readonly srcGroup: string;
  readonly dstGroup: string;
  readonly label: string;
  readonly conns: unknown;
  readonly status: string;
  readonly explanation: string;
}

export interface HtmlNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'endpoint' | 'group' | 'internet';
  readonly group?: string;
  readonly title?: string;
  readonly classes?: readonly string[];
}

export interface HtmlMapData {
  readonly groups: readonly string[];
  readonly nodes: readonly HtmlNode[];
  readonly edges: readonly HtmlEdge[];
  /** Status values with their legend text, in legend order. */
  readonly statuses: readonly { readonly status: string; readonly text: string }[];
  readonly note: string;
}

/** The ports of a map edge as shown. */
export function edgePorts(e: MapEdge, folded: boolean): string {
  const ports = [e.conns.isEmpty() ? '' : e.conns.toString(), e.sameNode.isEmpty() ? '' : `${e.sameNode.toString()} only from the same node`].filter(Boolean).join('; ');
  return folded ? `${ports} (${e.pairs} pair${e.pairs === 1 ? '' : 's'})` : ports;
}

/** The page's map data from a connectivity map; `explain` and `status` fill in each edge. */
export function mapData(
  m: ConnectivityMap,
  explain: (e: MapEdge) => string,
  status: (e: MapEdge) => string = () => 'open',
  statuses: HtmlMapData['statuses'] = [{ status: 'open', text: 'open' }],
  classesOf: (id: string) => readonly string[] = () => [],
): HtmlMapData {
  const byId = new Map(m.nodes.map((n) => [n.id, n]));
  const groupOf = (id: string): string => {
    const n = byId.get(id);
    return n?.kind === 'endpoint' ? (n.group ?? '') : n?.kind === 'group' ? n.label : INTERNET;
  };
  const label = (id: string): string => (byId.get(id)?.kind === 'group' ? `${byId.get(id)!.label} (${m.groupBy})` : id);
  const groups = m.folded ? [] : [...new Set(m.nodes.filter((n) => n.kind === 'endpoint').map((n) => n.group ?? ''))].sort();
  const nodes: HtmlNode[] = m.nodes.map((n) => ({
    id: n.id,
    label: n.kind === 'group' ? `${n.label} (${n.members})` : n.label,
    kind: n.kind,
    ...(n.group !== undefined ? { group: n.group } : {}),
    title: n.kind === 'internet' ? `internet: ${outsideSpanText(outsideSpan(n.cidrs ?? []))}` : n.kind === 'group' ? `${m.groupBy} ${n.label}: ${n.members} ${m.level}${n.members === 1 ? '' : 's'}` : n.id,
    classes: classesOf(n.id),
  }));
  const edges: HtmlEdge[] = m.edges.map((e) => ({
    src: e.src,
    dst: e.dst,
    srcLabel: label(e.src),
    dstLabel: label(e.dst),
    srcGroup: groupOf(e.src),
    dstGroup: groupOf(e.dst),
    label: edgePorts(e, m.folded),
    conns: e.conns.union(e.sameNode).toJSON(),
    status: status(e),
    explanation: explain(e),
  }));
  const note = [
    m.folded ? `Folded: one box per ${m.groupBy} (more than a few dozen ${m.level}s); each edge is every connection between two ${m.groupBy}s, explained for one pair.` : '',
    m.isolated ? `${m.isolated} ${m.level}(s) with no connection are not drawn.` : '',
    m.withinGroups ? `${m.withinGroups} connection(s) within a ${m.groupBy} are not drawn.` : '',
  ].filter(Boolean).join(' ');
  return { groups, nodes, edges, statuses, note };
}

/** The caveats block: the input's problems before any result. */
function notesHtml(n: Notes): string {
  const list = noteworthy(n);
  if (list.length === 0 && n.unmodelled.length === 0) return '';
  const head = n.bound === 'exact' ? `${list.length} note(s) on the input` : `These results are NOT exact: ${notesHeadline(n)}.`;
  const items = list.map((d) => `<li>${htmlText(d.severity)} ${d.source ? `<code>${htmlText(`${d.source.file}:${d.source.line}`)}</code>` : ''}: ${htmlText(d.message)}</li>`);
  return `<div class="caveats ${n.bound === 'exact' ? 'note' : 'caution'}"><strong>${htmlText(head)}</strong><ul>${items.join('')}</ul></div>`;
}

/** A plain HTML table from a header and rows of text (escaped). */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const tr = (cells: readonly string[], tag: string): string => `<tr>${cells.map((c) => `<${tag}>${htmlText(c)}</${tag}>`).join('')}</tr>`;
  return `<table${cls ? ` class="${cls}"` : ''}><thead>${tr(header, 'th')}</thead><tbody>${rows.map((r) => tr(r, 'td')).join('')}</tbody></table>`;
}

export interface HtmlPage {
  readonly title: string;
  /** One or two sentences: the verdict. */
  readonly headline: string;
  readonly notes: Notes;
  readonly map?: HtmlMapData;
  readonly sections: readonly { readonly title: string; readonly html: string }[];
}

const CSS = `
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#212529;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #dee2e6}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 8px}
.headline{margin:0;font-size:14px}
main{padding:0 20px 20px}
.caveats{margin:12px 0;padding:8px 12px;border-left:4px solid #e03131;background:#fff5f5;font-size:13px}
.caveats.note{border-color:#1971c2;background:#e7f5ff}
.caveats ul{margin:4px 0 0;padding-left:18px}
.mapwrap{display:flex;gap:12px;height:560px;margin-top:12px}
#map{flex:3;border:1px solid #dee2e6;border-radius:6px;min-width:0}
aside{flex:2;display:flex;flex-direction:column;min-width:0;font-size:13px}
.filters{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}
.filters label{display:flex;flex-direction:column;font-size:11px;color:#495057}
.legend{font-size:12px;margin:4px 0 8px}.legend span{display:inline-block;margin-right:10px}
.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
#explanation-title{font-weight:bold;margin:4px 0}
#explanation{flex:1;overflow:auto;background:#f8f9fa;border:1px solid #dee2e6;border-radius:6px;padding:8px;white-space:pre-wrap;font:12px ui-monospace,Menlo,Consolas,monospace;margin:0}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{border:1px solid #dee2e6;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f3f5}tr.error td:first-child{color:#c92a2a;font-weight:bold}
.mapnote{font-size:12px;color:#495057}
`;

const COLORS: Record<string, string> = { open: '#868e96', allowed: '#2f9e44', violation: '#f08c00', never: '#e03131', internal: '#adb5bd', hop: '#1971c2', sensitive: '#e03131' };

function mapHtml(m: HtmlMapData): string {
  const options = ['<option value="">all</option>', ...[...new Set(m.edges.flatMap((e) => [e.srcGroup, e.dstGroup]))].sort().map((g) => `<option value="${htmlText(g)}">${htmlText(g)}</option>`)].join('');
  const status = m.statuses.length > 1 ? `<label>status<select id="filter-status"><option value="">all</option>${m.statuses.map((s) => `<option value="${htmlText(s.status)}">${htmlText(s.text)}</option>`).join('')}</select></label>` : '';
  const legend = m.statuses.map((s) => `<span><i style="background:${COLORS[s.status] ?? '#868e96'}"></i>${htmlText(s.text)}</span>`).join('') + '<span>◆ internet (every address outside the cluster)</span>';
  return `<h2>Map</h2>${m.note ? `<p class="mapnote">${htmlText(m.note)}</p>` : ''}<div class="mapwrap"><div id="map"></div><aside>
<div class="filters"><label>namespace or segment<select id="filter-group">${options}</select></label><label>port<input id="filter-port" placeholder="TCP 5432, 53, udp" size="14"></label>${status}</div>
<div class="legend">${legend}</div>
<div id="explanation-title">Click an edge for why it is open.</div><pre id="explanation"></pre></aside></div>
<script type="application/json" id="bulkhead-data">${scriptJson(m)}</script>
<script>${cytoscapeSource()}</script>
<script>${CLIENT_JS}</script>`;
}

/** The whole page. */
export function htmlPage(p: HtmlPage): string {
  const sections = p.sections.map((s) => `<h2>${htmlText(s.title)}</h2>${s.html}`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${htmlText(p.title)}</title><style>${CSS}</style></head>
<body><header><h1>${htmlText(p.title)}</h1><p class="headline">${htmlText(p.headline)}</p></header>
<main>${notesHtml(p.notes)}${p.map ? mapHtml(p.map) : ''}
${sections}
</main></body></html>
`;
}
