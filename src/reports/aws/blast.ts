/**
 * The AWS blast radius in text, JSON, Markdown, Graphviz and HTML: the reached interfaces and outside ranges
 * by hop, each hop's path with the settings that open it (security group rules, NACL entries, routes, with
 * file, line and JSON path), or the ranking of every interface. The snapshot's caveats come first in each.
 */
import type { AwsBlastEndpoint, AwsBlastFromResult, AwsBlastRankingResult, AwsBlastResult, AwsHop, AwsExcluded } from '../../analyses/aws/blast.js';
import type { StepRule } from '../../engine/cloud/steps.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { DOT_HEAD, dotId, dotLines } from '../dot.js';
import { htmlPage, htmlTable, type HtmlMapData } from '../html/page.js';
import { toJsonText } from '../json.js';
import { mdTable } from '../markdown.js';
import { notesDot, notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdText, oneLine } from '../safe-text.js';

export const AWS_BLAST_FORMATS = ['text', 'json', 'md', 'dot', 'html'] as const;
export type AwsBlastFormat = (typeof AWS_BLAST_FORMATS)[number];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const traffic = (t: TrafficSet): string => (t.equals(TrafficSet.ALL) ? 'all traffic' : t.toString());
const boundaryName = (r: AwsBlastFromResult): string => (r.boundary === 'vpc' ? 'VPC' : 'segment');

/** Printed names of every endpoint of a result, by id. */
function labels(r: AwsBlastFromResult): (id: string) => string {
  const m = new Map<string, string>();
  for (const e of [...r.start, ...r.reached.map((x) => x.endpoint)]) m.set(e.id, e.label);
  // A first hop from outside names the part of the start it holds for.
  for (const x of r.reached) for (const h of x.path) if (h.outside && !m.has(h.outside.id)) m.set(h.outside.id, h.outside.label);
  return (id) => m.get(id) ?? id;
}

/** Every distinct hop of the shortest paths, in order of first use. */
function distinctHops(r: AwsBlastFromResult): AwsHop[] {
  const seen = new Map<string, AwsHop>();
  for (const e of r.reached) for (const h of e.path) if (!seen.has(`${h.from}>${h.to}`)) seen.set(`${h.from}>${h.to}`, h);
  return [...seen.values()];
}

function pathText(hops: readonly AwsHop[], name: (id: string) => string): string {
  return hops.length === 0 ? '' : [hops[0]!.from, ...hops.map((h) => h.to)].map(name).join(' => ');
}

function startText(r: AwsBlastFromResult): string {
  if (r.from.trim() === 'internet' && r.start.every((e) => e.kind === 'External')) return 'internet';
  return r.start.length <= 3 ? r.start.map((e) => e.label).join(', ') : `${r.from} (${r.start.length} endpoints)`;
}

function summaryText(r: AwsBlastFromResult): string {
  const s = r.summary;
  const parts = [
    `reaches ${plural(s.reached, 'network interface')} (${s.direct} directly)`,
    plural(s.external, 'outside range'),
    `deepest shortest path ${plural(s.maxHop, 'hop')}`,
    `up to ${plural(s.maxBoundaries, `${boundaryName(r)} boundary`, `${boundaryName(r)} boundaries`)} crossed`,
  ];
  if (r.sensitive.length > 0) parts.push(`${plural(s.sensitiveReached, 'sensitive endpoint')} reached`);
  return parts.join('; ');
}

function excludedText(x: AwsExcluded | undefined, ranked: boolean): string {
  if (!x) return '';
  const list = x.endpoints.length <= 5 ? x.endpoints.join(', ') : `${x.endpoints.slice(0, 5).join(', ')} and ${x.endpoints.length - 5} more`;
  return `Excluded as pivots (${x.specs.join(', ')}): ${list}; reached, but no path goes on from them${ranked ? ', and not ranked' : ''}.`;
}

/** "sg-web ingress #0: TCP 443 (file:12 SecurityGroups[0]...)" */
export function ruleText(r: StepRule): string {
  const where = r.source ? ` (${r.source.file}:${r.source.line} ${r.source.path}${r.source.address ? ` ${r.source.address}` : ''})` : '';
  return `${r.id}${r.traffic ? `: ${traffic(r.traffic)}` : ''}${where}`;
}

/** Per stage of a hop: its name and the settings behind it, or what it did when no setting is named (a gateway's translation). */
function stageLines(h: AwsHop): Array<[string, string]> {
  return h.stages.flatMap((s): Array<[string, string]> => (s.rules.length ? s.rules.map((x) => [s.stage, ruleText(x)]) : [[s.stage, s.message]]));
}

function fromText(r: AwsBlastFromResult): string {
  const name = labels(r);
  const out: string[] = [`Blast radius from ${startText(r)} (AWS${r.hops !== undefined ? `, at most ${plural(r.hops, 'hop')}` : ''}; boundaries are ${boundaryName(r)}s)`, `${summaryText(r)}.`];
  if (r.excluded) out.push(excludedText(r.excluded, false));
  if (r.reached.length === 0) return `${[...out, '', 'Nothing is reachable: the compromise stays contained.'].map(oneLine).join('\n')}\n`;
  const byHop = new Map<number, typeof r.reached[number][]>();
  for (const e of r.reached) byHop.set(e.hop, [...(byHop.get(e.hop) ?? []), e]);
  for (const [h, list] of byHop) {
    out.push('', `Hop ${h}${h === 1 ? ' (direct)' : ''}:`);
    const w = Math.max(...list.map((e) => e.endpoint.label.length));
    for (const e of list) {
      const last = e.path[e.path.length - 1]!;
      const flags = [r.boundary === 'segment' ? `segment ${e.segments.join('+') || '(unmapped)'}` : '', e.boundaries > 0 ? plural(e.boundaries, 'boundary', 'boundaries') : '', e.sensitive.length ? `SENSITIVE: ${e.sensitive.join(', ')}` : ''].filter(Boolean);
      out.push(`  ${e.endpoint.label.padEnd(w)}  ${traffic(last.conns)}${h > 1 ? `  via ${pathText(e.path.slice(0, -1), name)}` : ''}${flags.length ? `  [${flags.join('; ')}]` : ''}`);
    }
  }
  if (r.sensitive.length > 0) {
    out.push('', 'Sensitive targets:');
    for (const s of r.sensitive) {
      out.push(`  ${s.name}: ${s.reached.length ? `${s.reached.length} reached` : 'not reached'}`);
      for (const id of s.reached) {
        const e = r.reached.find((x) => x.endpoint.id === id)!;
        out.push(`    ${pathText(e.path, name)}  (${plural(e.hop, 'hop')})`);
      }
    }
  }
  out.push('', 'Hops and the settings that open them:');
  for (const h of distinctHops(r)) {
    out.push(`  ${name(h.from)} => ${name(h.to)} : ${traffic(h.conns)}${h.crossesBoundary ? `  (crosses a ${boundaryName(r)} boundary)` : ''}`);
    for (const [stage, text] of stageLines(h)) out.push(`    ${stage.padEnd(13)} ${text}`);
  }
  return `${out.map(oneLine).join('\n')}\n`;
}

function rankingRows(r: AwsBlastRankingResult): { head: string[]; rows: string[][] } {
  const sens = r.sensitiveNames.length > 0;
  const roles = r.ranking.some((e) => e.endpoint.role);
  return {
    head: ['rank', 'reached', 'direct', 'outside', ...(sens ? ['sensitive'] : []), ...(roles ? ['role'] : []), 'interface'],
    rows: r.ranking.map((e, i) => [String(i + 1), String(e.reached), String(e.direct), String(e.external), ...(sens ? [String(e.sensitive)] : []), ...(roles ? [e.endpoint.role ?? ''] : []), e.endpoint.label]),
  };
}

function rankingHead(r: AwsBlastRankingResult): string {
  return `Blast radius ranking: ${plural(r.endpoints, 'network interface')} (${plural(r.classes, 'endpoint class', 'endpoint classes')}), riskiest first${r.hops !== undefined ? ` (at most ${plural(r.hops, 'hop')})` : ''}${r.sensitiveNames.length ? `; sensitive: ${r.sensitiveNames.join(', ')}` : ''}`;
}

function rankingText(r: AwsBlastRankingResult): string {
  const out = [rankingHead(r)];
  if (r.excluded) out.push(excludedText(r.excluded, true));
  const { head, rows } = rankingRows(r);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]!))).join('  ');
  out.push(line(head), ...rows.map(line));
  return `${out.map(oneLine).join('\n')}\n`;
}

/** Text: the caveats, then the reach by hop and the settings of every hop (or the ranking). */
export function awsBlastText(r: AwsBlastResult, notes: Notes = NO_NOTES): string {
  return notesText(notes) + (r.mode === 'from' ? fromText(r) : rankingText(r));
}

function ruleJson(r: StepRule): unknown {
  return { id: r.id, action: r.action, ...(r.traffic ? { traffic: r.traffic.toJSON() } : {}), ...(r.source ? { file: r.source.file, line: r.source.line, path: r.source.path, ...(r.source.address ? { address: r.source.address } : {}) } : {}) };
}

function hopJson(h: AwsHop): unknown {
  return { from: h.from, to: h.to, conns: h.conns.toJSON(), crossesBoundary: h.crossesBoundary, ...(h.outside ? { outside: { id: h.outside.id, label: h.outside.label, cidrs: h.outside.cidrs } } : {}), stages: h.stages.map((s) => ({ stage: s.stage, resource: s.resource, message: s.message, rules: s.rules.map(ruleJson) })) };
}

/** JSON: bulkhead.blast/v1 with `layer: "aws"`. */
export function awsBlastJson(r: AwsBlastResult, notes: Notes = NO_NOTES): string {
  const head = { schema: 'bulkhead.blast/v1', layer: 'aws', ...notesJson(notes), mode: r.mode, ...(r.hops !== undefined ? { hops: r.hops } : {}) };
  if (r.mode === 'ranking') {
    return toJsonText({ ...head, endpoints: r.endpoints, classes: r.classes, sensitive: r.sensitiveNames, ...(r.excluded ? { excluded: r.excluded } : {}), ranking: r.ranking.map((e, i) => ({ rank: i + 1, id: e.endpoint.id, name: e.endpoint.label, ...(e.endpoint.role ? { role: e.endpoint.role } : {}), reached: e.reached, direct: e.direct, external: e.external, sensitive: e.sensitive })) });
  }
  return toJsonText({
    ...head,
    from: r.from,
    start: r.start,
    boundary: r.boundary,
    summary: r.summary,
    reached: r.reached.map((e) => ({ endpoint: e.endpoint, hop: e.hop, boundaries: e.boundaries, ...(e.segments.length ? { segments: e.segments } : {}), ...(e.sensitive.length ? { sensitive: e.sensitive } : {}), path: e.path.map(hopJson) })),
    sensitive: r.sensitive,
    ...(r.excluded ? { excluded: r.excluded } : {}),
  });
}

/** Markdown (a pull-request comment): summary first, the reached endpoints and the hops' settings folded. */
export function awsBlastMarkdown(r: AwsBlastResult, notes: Notes = NO_NOTES): string {
  const out: string[] = [];
  if (r.mode === 'ranking') {
    out.push(`### ${mdText(rankingHead(r))}`, '');
    if (r.excluded) out.push(mdText(excludedText(r.excluded, true)), '');
    const top = r.ranking[0];
    if (top) out.push(`Riskiest: \`${mdText(top.endpoint.label)}\` reaches ${plural(top.reached, 'network interface')}.`, '');
    const { head, rows } = rankingRows(r);
    out.push('<details><summary>Ranking</summary>', '', mdTable(head, rows), '</details>', '');
    return notesMarkdown(notes) + out.join('\n');
  }
  const name = labels(r);
  out.push(`### Blast radius from \`${mdText(startText(r))}\` (AWS)`, '', `${mdText(summaryText(r))}.`, '');
  if (r.excluded) out.push(mdText(excludedText(r.excluded, false)), '');
  for (const s of r.sensitive) {
    out.push(`- sensitive **${mdText(s.name)}**: ${s.reached.length ? s.reached.map((id) => `\`${mdText(pathText(r.reached.find((e) => e.endpoint.id === id)!.path, name))}\``).join(', ') : 'not reached'}`);
  }
  if (r.sensitive.length) out.push('');
  if (r.reached.length === 0) return `${notesMarkdown(notes)}${out.join('\n')}Nothing is reachable.\n`;
  out.push('<details><summary>Reached endpoints</summary>', '');
  out.push(mdTable(['hop', 'endpoint', 'traffic (last hop)', `${boundaryName(r)} boundaries`, 'path'], r.reached.map((e) => [String(e.hop), e.endpoint.label + (e.sensitive.length ? ' ⚠' : ''), traffic(e.path[e.path.length - 1]!.conns), String(e.boundaries), pathText(e.path, name)])));
  out.push('</details>', '', '<details><summary>Hops and the settings that open them</summary>', '');
  out.push(mdTable(['from', 'to', 'traffic', 'stage', 'setting'], distinctHops(r).flatMap((h) => stageLines(h).map(([stage, text], k) => (k === 0 ? [name(h.from), name(h.to), traffic(h.conns), stage, text] : ['', '', '', stage, text])))));
  out.push('</details>', '');
  return notesMarkdown(notes) + out.join('\n');
}

/** Graphviz: the shortest paths, the start in bold, sensitive endpoints in red, edges labelled with traffic. */
export function awsBlastDot(r: AwsBlastResult, notes: Notes = NO_NOTES): string {
  const out = ['digraph blast {', ...DOT_HEAD, ...notesDot(notes)];
  if (r.mode === 'ranking') {
    const max = Math.max(1, ...r.ranking.map((e) => e.reached));
    for (const e of r.ranking) out.push(`  ${dotId(e.endpoint.id)} [label=${dotLines([e.endpoint.label, `${e.reached} reached`])}, width=${(0.75 + (1.5 * e.reached) / max).toFixed(2)}];`);
    return `${[...out, '}'].join('\n')}\n`;
  }
  const name = labels(r);
  const all = new Map<string, AwsBlastEndpoint>([...r.start, ...r.reached.map((e) => e.endpoint)].map((e) => [e.id, e]));
  const hopOf = new Map(r.reached.map((e) => [e.endpoint.id, e]));
  const start = new Set(r.start.map((e) => e.id));
  const hops = distinctHops(r);
  const ids = [...new Set([...start, ...hops.flatMap((h) => [h.from, h.to])])].sort();
  for (const id of ids) {
    const e = hopOf.get(id);
    const attrs: string[] = [];
    if (start.has(id)) attrs.push('style="bold,filled"', 'fillcolor="#ffd8a8"');
    else if (e?.sensitive.length) attrs.push('color=red', 'fontcolor=red', 'style=bold');
    if (all.get(id)?.kind === 'External') attrs.push('shape=box');
    attrs.push(`label=${dotLines(e ? [name(id), `hop ${e.hop}`] : [name(id)])}`);
    out.push(`  ${dotId(id)} [${attrs.join(', ')}];`);
  }
  const onSensitive = new Set(r.reached.filter((e) => e.sensitive.length).flatMap((e) => e.path.map((h) => `${h.from}>${h.to}`)));
  for (const h of hops) {
    const attrs = [`label=${dotId(traffic(h.conns))}`];
    if (onSensitive.has(`${h.from}>${h.to}`)) attrs.push('color=red', 'penwidth=2');
    if (h.crossesBoundary) attrs.push('style=dashed');
    out.push(`  ${dotId(h.from)} -> ${dotId(h.to)} [${attrs.join(', ')}];`);
  }
  return `${[...out, '}'].join('\n')}\n`;
}

/** HTML: one page with the paths drawn (click a hop: the settings that open it) and the reached endpoints. */
export function awsBlastHtml(r: AwsBlastResult, notes: Notes = NO_NOTES): string {
  if (r.mode === 'ranking') {
    const { head, rows } = rankingRows(r);
    const top = r.ranking[0];
    const headline = top ? `Riskiest: ${top.endpoint.label} reaches ${plural(top.reached, 'network interface')}. Draw its paths with --from.` : 'Nothing to rank.';
    return htmlPage({ title: `Bulkhead: AWS blast radius ranking (${plural(r.endpoints, 'network interface')})`, headline, notes, sections: [{ title: 'Ranking', html: htmlTable(head, rows) }] });
  }
  const name = labels(r);
  const all = new Map<string, AwsBlastEndpoint>([...r.start, ...r.reached.map((e) => e.endpoint)].map((e) => [e.id, e]));
  const group = (id: string): string => all.get(id)?.vpc ?? 'internet';
  const hops = distinctHops(r);
  const start = new Set(r.start.map((e) => e.id));
  const sensitive = new Set(r.reached.filter((e) => e.sensitive.length).map((e) => e.endpoint.id));
  const onSensitive = new Set(r.reached.filter((e) => e.sensitive.length).flatMap((e) => e.path.map((h) => `${h.from}>${h.to}`)));
  const ids = [...new Set([...start, ...hops.flatMap((h) => [h.from, h.to])])].sort();
  const map: HtmlMapData = {
    groups: [...new Set(ids.map(group))].filter((g) => g !== 'internet').sort(),
    nodes: ids.map((id) => ({ id, label: name(id), kind: 'endpoint' as const, group: group(id), title: id, classes: [...(start.has(id) ? ['start'] : []), ...(sensitive.has(id) ? ['sensitive'] : [])] })),
    edges: hops.map((h) => ({
      src: h.from, dst: h.to, srcLabel: name(h.from), dstLabel: name(h.to), srcGroup: group(h.from), dstGroup: group(h.to), label: traffic(h.conns), conns: h.conns.toJSON(),
      status: onSensitive.has(`${h.from}>${h.to}`) ? 'sensitive' : 'hop',
      explanation: [`${name(h.from)} => ${name(h.to)} : ${traffic(h.conns)}`, ...stageLines(h).map(([s, t]) => `${s.padEnd(13)} ${t}`)].join('\n'),
    })),
    statuses: [{ status: 'hop', text: 'a hop of a shortest path' }, { status: 'sensitive', text: 'on a path to a sensitive endpoint' }],
    note: 'Interfaces drawn in their VPC; outside ranges in the internet group.',
  };
  const rows = r.reached.map((e) => [String(e.hop), e.endpoint.label, e.segments.join('+'), e.sensitive.join(', '), pathText(e.path, name)]);
  return htmlPage({ title: `Bulkhead: AWS blast radius from ${startText(r)}`, headline: `${summaryText(r)}.`, notes, map, sections: [{ title: `Reached (${r.reached.length})`, html: htmlTable(['hop', 'endpoint', 'segment', 'sensitive', 'path'], rows) }] });
}

export const AWS_BLAST_RENDER: Record<AwsBlastFormat, (r: AwsBlastResult, notes?: Notes) => string> = { text: awsBlastText, json: awsBlastJson, md: awsBlastMarkdown, dot: awsBlastDot, html: awsBlastHtml };
