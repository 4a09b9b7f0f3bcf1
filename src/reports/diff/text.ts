import type { DiffResult } from '../../analyses/diff.js';
import { exposurePeerText } from '../../analyses/exposure.js';
import { changeText, countsText, driftItemText, driftSummary, objectText, objectWhere, showId } from './common.js';

const TITLES = { changed: 'Changed', added: 'Opened (new connectivity)', removed: 'Closed (connectivity removed)' } as const;

/** Human-readable diff: connectivity changes grouped by kind, each with its causes, then the object changes. */
export function diffText(r: DiffResult): string {
  const out: string[] = [`Connectivity diff: ${r.old} -> ${r.new} (${r.level} level)`, `${countsText(r)}.`];
  if (r.drift) {
    const d = r.drift;
    out.push(`Intent (${d.intentFile}): ${d.introducedPaths} path${d.introducedPaths === 1 ? ' newly violates' : 's newly violate'} it, ${d.fixedPaths} no longer ${d.fixedPaths === 1 ? 'does' : 'do'}${driftSummary(r).length ? `: ${driftSummary(r).join('; ')}` : ''}.`);
  }
  if (r.changes.length === 0) out.push('', `No connectivity change${r.exposure.length ? ` within the input (${r.exposure.length} exposure change${r.exposure.length === 1 ? '' : 's'} beyond it, below)` : ''}.`);
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
      out.push(`  ${objectText(o)}${where ? `  (${where})` : ''}  -> ${o.explains} connectivity change${o.explains === 1 ? '' : 's'}`);
    }
  }
  return `${out.join('\n')}\n`;
}
