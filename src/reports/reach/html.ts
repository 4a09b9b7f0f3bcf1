/** The reach map as one self-contained HTML page: the map (click an edge: why), then the listing. */
import type { Connection, ReachResult, ReachStream } from '../../analyses/reach.js';
import type { Explanation } from '../../analyses/explain.js';
import { buildMap, INTERNET, type MapEdge } from '../../analyses/map.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { explainText } from '../explain/text.js';
import { htmlPage, htmlTable, mapData } from '../html/page.js';
import { connText, displayId } from './text.js';
import { mergeOutsideStream } from '../../analyses/outside-merge.js';

/** Rows of the listing on the page; the rest is in `--format json`. */
const MAX_ROWS = 500;

/** How an edge's explanation reads: the pair explained, then `explain`'s text. */
export function edgeExplanation(e: MapEdge, folded: boolean, x: Explanation | undefined): string {
  const pair = `${e.sample.src} => ${e.sample.dst}`;
  const head = folded || e.src === INTERNET || e.dst === INTERNET ? `One pair of this edge: ${pair}\n\n` : '';
  if (!x) return `${head}${e.conns.toString()}\nRun: bulkhead explain INPUTS --from '${e.sample.src}' --to '${e.sample.dst}'`;
  return head + explainText(x);
}

/** The page from any reach listing (whole or streamed: its connections are read three times), outside addresses merged per pair. */
export function reachHtmlFrom(listing: ReachStream, notes: Notes = NO_NOTES, explainPair?: (src: string, dst: string) => Explanation | undefined): string {
  const merged = mergeOutsideStream(listing);
  const { level, endpoints } = merged;
  const connections = (): Iterable<Connection> => merged.connections();
  const external = new Set(endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  const ns = new Map(endpoints.map((e) => [e.id, e.namespace]));
  let total = 0;
  let across = 0;
  const fromOutside = new Set<string>();
  const toOutside = new Set<string>();
  function* counted(): Generator<Connection> {
    for (const c of connections()) {
      total++;
      if (external.has(c.src)) fromOutside.add(c.dst);
      else if (external.has(c.dst)) toOutside.add(c.src);
      else if (ns.get(c.src) !== ns.get(c.dst)) across++;
      yield c;
    }
  }
  const m = buildMap(level, endpoints, counted());
  // A summed edge stands for many workload pairs: it names them, it does not explain one.
  const summed = level === 'namespace' || level === 'segment';
  const data = mapData(m, (e) => (summed ? `${e.conns.toString()}\nThe workload pairs behind it: bulkhead reach INPUTS --level workload` : edgeExplanation(e, m.folded, explainPair?.(e.sample.src, e.sample.dst))));
  const rows: string[][] = [];
  for (const c of connections()) {
    if (rows.length >= MAX_ROWS) break;
    rows.push([displayId(c.src), displayId(c.dst), connText(c)]);
  }
  const headline = `${total} allowed connection${total === 1 ? '' : 's'} at ${level} level, ${across} across namespaces; ${fromOutside.size} endpoint(s) reachable from the internet, ${toOutside.size} can reach it.`;
  const more = total > rows.length ? `<p>${total - rows.length} more: run <code>bulkhead reach --format json</code> for every one.</p>` : '';
  return htmlPage({ title: 'Bulkhead: what can reach what', headline, notes, map: data, sections: [{ title: 'Connections', html: htmlTable(['source', 'destination', 'ports'], rows) + more }] });
}

/** The HTML page of a reach result (without explanations: the CLI passes them through reachHtmlFrom). */
export function reachHtml(r: ReachResult, notes: Notes = NO_NOTES): string {
  return reachHtmlFrom({ ...r, connections: () => r.connections.values(), count: () => r.connections.length }, notes);
}
