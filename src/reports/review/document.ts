/** The review as a format-neutral document (headings, paragraphs, lists, tables, charts), rendered by markdown.ts and html.ts. */
import type { ReviewResult } from '../../analyses/review/index.js';
import { formatSource, type SourceRef } from '../../inventory/types.js';
import { num } from '../numbers.js';

export type Block =
  | { readonly h: string; readonly level: 2 | 3 }
  | { readonly p: string }
  | { readonly ul: readonly string[] }
  | { readonly table: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] } }
  | { readonly chart: 'health' | 'findings' };

const MAX_ROWS = 25;

function at(s?: SourceRef): string {
  return s ? formatSource(s) : '';
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function more<T>(xs: readonly T[], f: (x: T) => string, what: string): string[] {
  const out = xs.slice(0, MAX_ROWS).map(f);
  if (xs.length > MAX_ROWS) out.push(`… and ${num(xs.length - MAX_ROWS)} more ${what} (--format json lists every one)`);
  return out;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The review's blocks, in reading order. */
export function reviewDocument(r: ReviewResult): Block[] {
  const b: Block[] = [];
  const c = r.changes;
  b.push({ p: `Period since ${day(r.since)}: snapshot @${r.base.id} (${r.base.takenAt}${r.base.label ? `, ${r.base.label}` : ''}) to @${r.latest.id} (${r.latest.takenAt}${r.latest.label ? `, ${r.latest.label}` : ''}), ${num(r.snapshots.length)} snapshot(s)${r.intentFile ? `; intent ${r.intentFile}` : ''}.` });
  const openedPaths = c.changes.filter((x) => x.kind === 'added').length;
  b.push({ p: `${num(r.proposals.length)} proposed change(s). ${num(c.summary.objects)} object change(s); ${num(openedPaths)} path(s) opened, ${num(c.summary.removed)} closed, ${num(c.summary.changed)} changed; ${num(r.newFindings.length)} new finding(s), ${num(r.resolvedFindings.length)} resolved; ${num(r.flat.length)} flat segment(s); ${r.flows ? `${num(r.flows.flows)} observed flow(s)` : 'no observed flows in the period'}.` });

  b.push({ h: 'Proposed changes', level: 2 });
  if (r.proposals.length === 0) b.push({ p: 'None.' });
  else b.push({ table: { head: ['#', 'change', 'edit', 'why'], rows: r.proposals.map((p, i) => [String(i + 1), p.title, at(p.at), p.why]) } });

  b.push({ h: 'What changed', level: 2 });
  if (c.objects.length === 0) b.push({ p: 'No policy or object changed.' });
  else b.push({ table: { head: ['object', 'change', 'what', 'where', 'paths'], rows: c.objects.slice(0, MAX_ROWS).map((o) => [o.key, o.change, o.details.length ? o.details.join('; ') : o.fields.join(', '), at(o.source), num(o.explains)]) } });
  if (c.changes.length > 0) {
    b.push({ h: 'Paths opened and closed', level: 3 });
    b.push({
      ul: more(
        c.changes,
        (x) => `${x.kind === 'added' ? 'opened' : x.kind === 'removed' ? 'closed' : 'changed'}: ${x.src} => ${x.dst}: ${x.kind === 'removed' ? x.closed.toString() : x.kind === 'added' ? x.opened.toString() : `${x.old.toString()} → ${x.new.toString()}`}${x.causes.length ? ` (because of ${x.causes.join(', ')})` : ''}`,
        'paths',
      ),
    });
  }
  if (c.drift && (c.drift.introducedPaths || c.drift.fixedPaths)) b.push({ p: `Against the intent: ${num(c.drift.introducedPaths)} path(s) newly violate it, ${num(c.drift.fixedPaths)} no longer do.` });

  b.push({ h: 'Segment health', level: 2 });
  b.push({ chart: 'health' });
  if (r.flat.length) b.push({ table: { head: ['flat segment', 'reaches now', 'at the start', 'defined at'], rows: r.flat.map((s) => [s.segment, `${num(s.reaches)}/${num(s.others)} (${pct(s.now)})`, s.before === undefined ? 'new' : pct(s.before), at(s.source)]) } });
  if (r.meaningless.length) b.push({ ul: r.meaningless.map((m) => `segment ${m.segment} (${at(m.source)}): no longer meaningful: ${m.why}`) });
  if (r.newUnmapped.length) b.push({ ul: more(r.newUnmapped, (u) => `new endpoint in no segment: ${u.workload} (${num(u.pods)} pod(s), ${at(u.source)})`, 'endpoints') });
  if (!r.flat.length && !r.meaningless.length && !r.newUnmapped.length) b.push({ p: r.intentFile ? 'Every segment is meaningful and none is flat; no new endpoint is outside the segments.' : 'No intent was recorded with the snapshots: segments are not reviewed.' });

  b.push({ h: 'Findings', level: 2 });
  b.push({ chart: 'findings' });
  if (r.newFindings.length) b.push({ h: 'New in the period', level: 3 }, { ul: more(r.newFindings, (f) => `${f.severity} ${f.check}: ${f.resource}${f.location ? ` (${at(f.location)})` : ''}: ${f.message}`, 'findings') });
  if (r.resolvedFindings.length) b.push({ h: 'Resolved in the period', level: 3 }, { ul: more(r.resolvedFindings, (f) => `${f.check}: ${f.resource}: ${f.message}`, 'findings') });
  if (r.deadRules.length) b.push({ h: 'Rules that allow nothing', level: 3 }, { ul: more(r.deadRules, (f) => `${f.resource} (${at(f.location)}): ${f.message}`, 'rules') });

  b.push({ h: 'Observed flows', level: 2 });
  const m = r.flows;
  if (!m) b.push({ p: 'No flows were imported for the period (bulkhead flows import): paths allowed but never used cannot be told.' });
  else {
    b.push({ p: `${num(m.flows)} flow record(s), ${num(m.groups.length)} distinct connection(s); ${num(m.replies)} reply record(s) set aside; ${num(m.unresolved)} with an end matching no pod or address.` });
    const g = (x: (typeof m.groups)[number]): string => `${x.src} => ${x.dst} ${x.protocol}${x.port !== undefined ? ` ${x.port}` : ''} ×${num(x.count)} (${x.sources.map((s) => formatSource(s)).join(', ')})${x.rules.length ? `; rules: ${x.rules.join(', ')}` : ''}`;
    if (m.unexpected.length) b.push({ h: 'Unexpected flows (the intent does not allow them)', level: 3 }, { ul: more(m.unexpected, g, 'flows') });
    if (m.broken.length) b.push({ h: 'Broken flows (intended, observed denied)', level: 3 }, { ul: more(m.broken, g, 'flows') });
    if (m.mismatch.length) b.push({ h: 'Where the network contradicts the manifests', level: 3 }, { ul: more(m.mismatch, (x) => `${g(x)}: observed ${x.verdict}, manifests say ${x.model}`, 'flows') });
    if (m.unusedRules.length) b.push({ h: 'Rules no flow used', level: 3 }, { ul: more(m.unusedRules, (x) => `${x.key} (${at(x.source)})`, 'rules') });
    if (m.unobserved.length) b.push({ h: 'Paths allowed but never observed', level: 3 }, { ul: more(m.unobserved, (x) => `${x.src} => ${x.dst}: ${x.conns}`, 'paths') });
  }
  return b;
}
