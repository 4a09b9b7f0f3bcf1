import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import type { BlastFromResult, BlastRankingResult, BlastResult } from '../../analyses/blast.js';
import { num } from '../numbers.js';
import { distinctHops, excludedText, pathText, sideText, startText, summaryText } from './common.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function fromText(r: BlastFromResult): string {
  const out: string[] = [];
  out.push(`Blast radius from ${startText(r)} (${r.level} level${r.hops !== undefined ? `, at most ${r.hops} hop${r.hops === 1 ? '' : 's'}` : ''}; boundaries are ${r.boundary}s)`);
  out.push(`${summaryText(r)}.`);
  if (r.excluded) out.push(excludedText(r.excluded, false));
  if (r.reached.length === 0) {
    out.push('', 'Nothing is reachable: the compromise stays contained.');
    return `${out.join('\n')}\n`;
  }
  const byHop = new Map<number, BlastFromResult['reached'][number][]>();
  for (const e of r.reached) {
    // Pushed, not spread: copying the list per endpoint was quadratic (20,000 reached at 100k pods).
    let l = byHop.get(e.hop);
    if (!l) byHop.set(e.hop, (l = []));
    l.push(e);
  }
  for (const [h, list] of byHop) {
    out.push('', `Hop ${h}${h === 1 ? ' (direct)' : ''}:`);
    const w = Math.max(...list.map((e) => e.endpoint.id.length));
    for (const e of list) {
      const id = e.endpoint.id;
      const last = e.path[e.path.length - 1]!;
      const flags = [r.boundary === 'segment' ? `segment ${e.segments.join('+') || '(unmapped)'}` : '', e.boundaries > 0 ? `${e.boundaries} boundar${e.boundaries === 1 ? 'y' : 'ies'}` : '', e.sensitive.length ? `SENSITIVE: ${e.sensitive.join(', ')}` : ''].filter(Boolean);
      out.push(`  ${pad(id, w)}  ${last.conns.toString()}${h > 1 ? `  via ${pathText(e.path.slice(0, -1))}` : ''}${flags.length ? `  [${flags.join('; ')}]` : ''}`);
    }
  }
  if (r.sensitive.length > 0) {
    // The first reached endpoint of each id, as a search from the front would find it.
    const reachedById = new Map<string, (typeof r.reached)[number]>();
    for (const x of r.reached) if (!reachedById.has(x.endpoint.id)) reachedById.set(x.endpoint.id, x);
    out.push('', 'Sensitive targets:');
    for (const s of r.sensitive) {
      if (s.reached.length === 0) {
        out.push(`  ${s.name}: not reached`);
        continue;
      }
      out.push(`  ${s.name}: ${num(s.reached.length)} reached`);
      for (const id of s.reached) {
        const e = reachedById.get(id)!;
        out.push(`    ${pathText(e.path)}  (${e.hop} hop${e.hop === 1 ? '' : 's'})`);
      }
    }
  }
  out.push('', 'Hops and the rules that open them:');
  for (const h of distinctHops(r)) {
    out.push(`  ${h.from} => ${h.to} : ${h.conns.toString()}${h.condition ? ' (only from the same node)' : ''}${h.crossesBoundary ? `  (crosses a ${r.boundary} boundary)` : ''}`);
    out.push(`    egress:  ${sideText(h.egress, 'egress')}`);
    out.push(`    ingress: ${sideText(h.ingress, 'ingress')}`);
  }
  return `${out.join('\n')}\n`;
}

function rankingText(r: BlastRankingResult): string {
  const out: string[] = [];
  out.push(
    `Blast radius ranking: ${num(r.endpoints)} ${r.level}s, riskiest first${r.hops !== undefined ? ` (at most ${r.hops} hop${r.hops === 1 ? '' : 's'})` : ''}` +
      (r.sensitiveNames.length ? `; sensitive: ${r.sensitiveNames.join(', ')}` : ''),
  );
  if (r.excluded) out.push(excludedText(r.excluded, true));
  const head = ['rank', 'reached', 'direct', 'outside', ...(r.sensitiveNames.length ? ['sensitive'] : []), r.level];
  const rows = r.ranking.map((e, i) => [num(i + 1), num(e.reached), num(e.direct), e.outside || '-', ...(r.sensitiveNames.length ? [num(e.sensitive)] : []), e.endpoint.id]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === cells.length - 1 ? c : pad(c, widths[k]!))).join('  ');
  out.push(line(head), ...rows.map(line));
  return `${out.join('\n')}\n`;
}

function blastBody(r: BlastResult): string {
  return r.mode === 'from' ? fromText(r) : rankingText(r);
}

/** Human-readable blast radius, after the input's caveats. */
export function blastText(r: BlastResult, notes: Notes = NO_NOTES): string {
  return notesText(notes) + blastBody(r);
}
