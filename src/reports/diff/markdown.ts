import type { DiffResult } from '../../analyses/diff.js';
import { mdTable } from '../markdown.js';
import { exposurePeerText } from '../../analyses/exposure.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesMarkdown } from '../notes.js';
import { changeText, countsText, driftSummary, driftWhy, objectText, objectWhere, scopeText, showId, unknownHeadline, unmodelledText, unreadableText } from './common.js';
import { mdText } from '../safe-text.js';
import { num } from '../numbers.js';

/** Rows per folded table: pull-request comments are capped (GitHub: 65,536 characters). */
const MAX_ROWS = 100;

function capped<T>(rows: readonly T[]): { rows: readonly T[]; note: string } {
  return rows.length <= MAX_ROWS ? { rows, note: '' } : { rows: rows.slice(0, MAX_ROWS), note: `\n_… and ${num(rows.length - MAX_ROWS)} more: run \`bulkhead diff --format json\` for all._\n` };
}

/** Invisible in the rendered comment: a CI job finds its own earlier comment by it and updates it. */
export const DIFF_COMMENT_MARKER = '<!-- bulkhead:diff -->';

/** A pull-request comment: the verdict and counts first, every detail folded. */
export function diffMarkdown(r: DiffResult, notes: Notes = NO_NOTES): string {
  const out: string[] = [DIFF_COMMENT_MARKER, '### Bulkhead: network connectivity change', ''];
  const caveats = notesMarkdown(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  if (r.drift) {
    const d = r.drift;
    const lines = driftSummary(r);
    if (d.introduced.length > 0) out.push(`:warning: **This change opens ${num(d.introducedPaths)} ${d.introducedPaths === 1 ? 'path that violates' : 'paths that violate'} the intent** (\`${d.intentFile}\`).`, '');
    else out.push(`:white_check_mark: No new intent violation (\`${d.intentFile}\`)${d.fixedPaths ? `; ${num(d.fixedPaths)} violating path${d.fixedPaths === 1 ? '' : 's'} closed` : ''}.`, '');
    for (const l of lines) out.push(`- ${l}`);
    if (lines.length) out.push('');
  }
  if (r.unmodelled.length > 0 || r.unreadable.length > 0) {
    out.push(`:x: **${mdText(unknownHeadline(r))}**`, '');
    for (const c of r.unmodelled) out.push(`- ${mdText(unmodelledText(c))}`);
    for (const u of r.unreadable) out.push(`- ${mdText(unreadableText(u))}`);
    out.push('');
  }
  if (r.changes.length === 0 && r.unmodelled.length + r.unreadable.length === 0) out.push(`No connectivity change${r.scope ? ` with an endpoint in scope (${mdText(scopeText(r.scope))})` : ''} between \`${r.old}\` and \`${r.new}\`${r.objects.length ? ` (${r.objects.length} object change${r.objects.length === 1 ? '' : 's'} with no effect on reachability)` : ''}.`, '');
  else if (r.changes.length > 0) {
    out.push(`**${countsText(r)}** (\`${r.old}\` → \`${r.new}\`, ${r.level} level).`, '');
    const top = r.objects.filter((o) => o.explains > 0).sort((a, b) => b.explains - a.explains || (a.key < b.key ? -1 : 1)).slice(0, 5);
    for (const o of top) out.push(`- ${objectText(o)}: ${num(o.explains)} connectivity change${o.explains === 1 ? '' : 's'}`);
    if (top.length) out.push('');
  }
  for (const kind of ['added', 'removed', 'changed'] as const) {
    const list = r.changes.filter((c) => c.kind === kind);
    if (list.length === 0) continue;
    const title = { added: 'Opened', removed: 'Closed', changed: 'Changed' }[kind];
    out.push(`<details><summary>${title}: ${num(list.length)}</summary>`, '');
    const { rows, note } = capped(list);
    out.push(mdTable(['source', 'destination', kind === 'changed' ? 'change' : 'ports', 'because'], rows.map((c) => [showId(r, c.src), showId(r, c.dst), changeText(c) + (c.endpointsInfo ? ` (${c.endpointsInfo})` : ''), c.causes.join('; ') || '—'])) + note);
    out.push('</details>', '');
  }
  if (r.exposure.length > 0) {
    const opened = r.exposure.filter((x) => x.kind === 'opened').length;
    const closed = r.exposure.filter((x) => x.kind === 'closed').length;
    out.push(`<details><summary>Exposure beyond the input: ${opened} opened, ${closed} closed, ${r.exposure.length - opened - closed} changed</summary>`, '');
    const { rows, note } = capped(r.exposure);
    const peer = (x: (typeof rows)[number]): string => exposurePeerText(x.peer);
    out.push(mdTable(['source', 'destination', 'old', 'new'], rows.map((x) => [x.direction === 'ingress' ? peer(x) : x.endpoint, x.direction === 'ingress' ? x.endpoint : peer(x), x.old.isEmpty() ? '—' : x.old.toString(), x.new.isEmpty() ? '—' : x.new.toString()])) + note);
    out.push('</details>', '');
  }
  if (r.drift && r.drift.introduced.length + r.drift.fixed.length > 0) {
    // Counted as the headline counts them: paths, not the reasons (a path may break a flow and an invariant).
    const d = r.drift;
    out.push(`<details><summary>Intent drift: ${num(d.introducedPaths)} path${d.introducedPaths === 1 ? '' : 's'} newly violating, ${num(d.fixedPaths)} fixed (${num(d.introduced.length + d.fixed.length)} reason${d.introduced.length + d.fixed.length === 1 ? '' : 's'})</summary>`, '');
    const { rows, note } = capped([...r.drift.introduced.map((x) => ['new', x] as const), ...r.drift.fixed.map((x) => ['fixed', x] as const)]);
    out.push(mdTable(['', 'path', 'ports', 'why'], rows.map(([k, x]) => [k, `${x.src} => ${x.dst}`, x.ports.toString(), driftWhy(x)])) + note);
    out.push('</details>', '');
  }
  if (r.objects.length > 0) {
    out.push(`<details><summary>Object changes: ${num(r.objects.length)}</summary>`, '');
    const { rows, note } = capped(r.objects);
    out.push(mdTable(['object', 'where', 'explains'], rows.map((o) => [objectText(o), objectWhere(o), String(o.explains)])) + note);
    out.push('</details>', '');
  }
  return out.join('\n');
}
