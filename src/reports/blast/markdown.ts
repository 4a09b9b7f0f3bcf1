import type { BlastFromResult, BlastResult } from '../../analyses/blast.js';
import { mdTable } from '../markdown.js';
import { mdText } from '../safe-text.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesMarkdown } from '../notes.js';
import { num } from '../numbers.js';
import { distinctHops, excludedText, pathText, sideText, startText, summaryText } from './common.js';

function fromMd(r: BlastFromResult): string {
  const out: string[] = [`### Blast radius from \`${startText(r)}\``, '', `${summaryText(r)}.`, ''];
  if (r.excluded) out.push(mdText(excludedText(r.excluded, false)), '');
  if (r.sensitive.length > 0) {
    const hit = r.sensitive.filter((s) => s.reached.length > 0);
    out.push(hit.length ? `**Sensitive targets reached:** ${hit.map((s) => `${s.name} (${num(s.reached.length)})`).join(', ')}` : 'No sensitive target is reached.', '');
    for (const s of hit) {
      for (const id of s.reached) out.push(`- ${s.name}: \`${pathText(r.reached.find((e) => e.endpoint.id === id)!.path)}\``);
    }
    if (hit.length) out.push('');
  }
  if (r.reached.length === 0) return `${out.join('\n')}Nothing is reachable.\n`;
  out.push('<details><summary>Reached endpoints</summary>', '');
  out.push(
    mdTable(
      ['hop', 'endpoint', 'ports (last hop)', `${r.boundary} boundaries`, 'path'],
      r.reached.map((e) => [num(e.hop), e.endpoint.id + (e.sensitive.length ? ' ⚠' : ''), e.path[e.path.length - 1]!.conns.toString(), String(e.boundaries), pathText(e.path)]),
    ),
  );
  out.push('</details>', '', '<details><summary>Hops and the rules that open them</summary>', '');
  out.push(mdTable(['from', 'to', 'ports', 'egress', 'ingress'], distinctHops(r).map((h) => [h.from, h.to, h.conns.toString(), sideText(h.egress, 'egress'), sideText(h.ingress, 'ingress')])));
  out.push('</details>', '');
  return out.join('\n');
}

/** Markdown for pull-request comments and docs: summary first, details folded. */
export function blastMarkdown(r: BlastResult, notes: Notes = NO_NOTES): string {
  return notesMarkdown(notes) + blastMarkdownBody(r);
}

function blastMarkdownBody(r: BlastResult): string {
  if (r.mode === 'from') return fromMd(r);
  const top = r.ranking[0];
  const out = [`### Blast radius ranking (${num(r.endpoints)} ${r.level}s)`, ''];
  if (r.excluded) out.push(mdText(excludedText(r.excluded, true)), '');
  if (top) out.push(`Riskiest: \`${top.endpoint.id}\` reaches ${num(top.reached)} endpoint${top.reached === 1 ? '' : 's'}${r.sensitiveNames.length ? ` (${num(top.sensitive)} sensitive)` : ''}.`, '');
  const sens = r.sensitiveNames.length > 0;
  out.push('<details><summary>Ranking</summary>', '');
  out.push(
    mdTable(
      ['rank', r.level, 'reached', 'direct', 'outside', ...(sens ? ['sensitive'] : [])],
      r.ranking.map((e, i) => [num(i + 1), e.endpoint.id, num(e.reached), num(e.direct), e.outside || '-', ...(sens ? [num(e.sensitive)] : [])]),
    ),
  );
  out.push('</details>', '');
  return out.join('\n');
}
