/** The blast radius as one HTML page: the paths drawn (click a hop: the rules that open it), the reached endpoints. */
import type { BlastResult } from '../../analyses/blast.js';
import { buildMap, INTERNET, sampleEnd } from '../../analyses/map.js';
import type { Connection } from '../../analyses/reach.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { htmlPage, htmlTable, htmlText as esc, mapData } from '../html/page.js';
import { num } from '../numbers.js';
import { distinctHops, pathText, sideText, startText, summaryText } from './common.js';

/** Renders a blast result as a self-contained HTML page. */
export function blastHtml(r: BlastResult, notes: Notes = NO_NOTES): string {
  if (r.mode === 'ranking') {
    const sens = r.sensitiveNames.length > 0;
    const rows = r.ranking.map((e, i) => [num(i + 1), e.endpoint.id, num(e.reached), num(e.direct), e.outside || '-', ...(sens ? [num(e.sensitive)] : [])]);
    const top = r.ranking[0];
    const headline = top ? `Riskiest: ${top.endpoint.id} reaches ${num(top.reached)} endpoint(s). Draw its paths with --from.` : 'Nothing to rank.';
    return htmlPage({ title: `Bulkhead: blast radius ranking (${num(r.endpoints)} ${r.level}s)`, headline, notes, sections: [{ title: 'Ranking', html: htmlTable(['rank', r.level, 'reached', 'direct', 'outside', ...(sens ? ['sensitive'] : [])], rows) }] });
  }
  const hops = distinctHops(r);
  const endpoints = [...r.start, ...r.reached.map((e) => e.endpoint)];
  const external = new Set(endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  // Keyed as the map samples its edges, outside ends by an address.
  const byHop = new Map(hops.map((h) => [`${sampleEnd(byId.get(h.from), h.from)}>${sampleEnd(byId.get(h.to), h.to)}`, h]));
  const conns: Connection[] = hops.map((h) => ({ src: h.from, dst: h.to, conns: h.conns, ...(h.condition ? { condition: h.condition } : {}) }));
  const m = buildMap(r.level, endpoints, conns);
  const onSensitive = new Set(r.reached.filter((e) => e.sensitive.length > 0).flatMap((e) => e.path.map((h) => `${external.has(h.from) ? INTERNET : h.from}>${external.has(h.to) ? INTERNET : h.to}`)));
  const start = new Set(r.start.map((e) => (e.kind === 'External' ? INTERNET : e.id)));
  const sensitiveIds = new Set(r.reached.filter((e) => e.sensitive.length > 0).map((e) => e.endpoint.id));
  const data = mapData(
    m,
    (e) => {
      const h = byHop.get(`${e.sample.src}>${e.sample.dst}`);
      if (!h) return e.conns.toString();
      return [`${h.from} => ${h.to} : ${h.conns.toString()}${h.crossesBoundary ? `  (crosses a ${r.boundary} boundary)` : ''}`, `egress:  ${sideText(h.egress, 'egress')}`, `ingress: ${sideText(h.ingress, 'ingress')}`].join('\n');
    },
    (e) => (onSensitive.has(`${e.src}>${e.dst}`) ? 'sensitive' : 'hop'),
    [
      { status: 'hop', text: 'a hop of a shortest path' },
      { status: 'sensitive', text: 'on a path to a sensitive endpoint' },
    ],
    (id) => [...(start.has(id) ? ['start'] : []), ...(sensitiveIds.has(id) ? ['sensitive'] : [])],
  );
  const rows = r.reached.map((e) => `<tr><td>${e.hop}</td><td>${esc(e.endpoint.id)}</td><td>${esc(e.segments.join('+'))}</td><td>${esc(e.sensitive.join(', '))}</td><td>${esc(pathText(e.path))}</td></tr>`);
  const paths = `<table id="paths"><thead><tr><th>hop</th><th>endpoint</th><th>${r.boundary}</th><th>sensitive</th><th>path</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return htmlPage({ title: `Bulkhead: blast radius from ${startText(r)}`, headline: `${summaryText(r)}.`, notes, map: data, sections: [{ title: `Reached (${num(r.reached.length)})`, html: paths }] });
}

