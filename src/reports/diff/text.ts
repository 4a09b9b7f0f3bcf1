import type { DiffResult } from '../../analyses/diff.js';
import { exposurePeerText } from '../../analyses/exposure.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { num } from '../numbers.js';
import { changeText, countsText, driftItemText, driftSummary, noChangeText, objectText, unknownHeadline, objectWhere, showId, unmodelledText, unreadableText } from './common.js';

const TITLES = { changed: 'Changed', added: 'Opened (new connectivity)', removed: 'Closed (connectivity removed)' } as const;

/** Human-readable diff: connectivity changes grouped by kind, each with its causes, then the object changes. */
export function diffText(r: DiffResult, notes: Notes = NO_NOTES): string {
  const caveats = notesText(notes);
  const out: string[] = [...(caveats ? [caveats.trimEnd(), ''] : []), `Connectivity diff: ${r.old} → ${r.new} (${r.level} level)`, `${countsText(r)}.`];
  if (r.drift) {
    const d = r.drift;
    out.push(`Intent (${d.intentFile}): ${num(d.introducedPaths)} path${d.introducedPaths === 1 ? ' newly violates' : 's newly violate'} it, ${num(d.fixedPaths)} no longer ${d.fixedPaths === 1 ? 'does' : 'do'}${driftSummary(r).length ? `: ${driftSummary(r).join('; ')}` : ''}.`);
  }
  if (r.changes.length === 0) out.push('', noChangeText(r));
  else if (unknownHeadline(r)) out.push('', unknownHeadline(r));
  if (r.unmodelled.length > 0) {
    out.push('', 'Not evaluated (their effect on connectivity is unknown):');
    for (const c of r.unmodelled) out.push(`  ${unmodelledText(c)}`);
  }
  if (r.unreadable.length > 0) {
    out.push('', 'Unreadable in the new version:');
    for (const u of r.unreadable) out.push(`  ${unreadableText(u)}`);
  }
  for (const kind of ['changed', 'added', 'removed'] as const) {
    const list = r.changes.filter((c) => c.kind === kind);
    if (list.length === 0) continue;
    out.push('', `${TITLES[kind]}:`);
    for (const c of list) {
      out.push(`  ${showId(r, c.src)} => ${showId(r, c.dst)} : ${changeText(c)}${c.endpointsInfo ? `  [${c.endpointsInfo}]` : ''}`);
      out.push(`    because: ${c.causes.length ? c.causes.join('; ') : 'no object change explains it'}`);
    }
  }
  if (r.drift && r.drift.introduced.length + r.drift.fixed.length > 0) {
    out.push('', 'Intent drift:');
    for (const x of r.drift.introduced) out.push(`  NEW    ${driftItemText(x)}`);
    for (const x of r.drift.fixed) out.push(`  FIXED  ${driftItemText(x)}`);
  }
  if (r.exposure.length > 0) {
    out.push('', 'Exposure beyond the input (peers the input does not show):');
    for (const x of r.exposure) {
      const what = x.kind === 'opened' ? `opened ${x.new}` : x.kind === 'closed' ? `closed ${x.old}` : `${x.opened.isEmpty() ? '' : `+${x.opened} `}${x.closed.isEmpty() ? '' : `-${x.closed}`}`.trim();
      out.push(`  ${x.endpoint} ${x.direction === 'ingress' ? '<=' : '=>'} ${exposurePeerText(x.peer)} : ${what}`);
    }
  }
  if (r.objects.length > 0) {
    out.push('', 'Object changes:');
    for (const o of r.objects) {
      const where = objectWhere(o);
      out.push(`  ${objectText(o)}${where ? `  (${where})` : ''}; explains ${num(o.explains)} connectivity change${o.explains === 1 ? '' : 's'}`);
    }
  }
  return `${out.join('\n')}\n`;
}
