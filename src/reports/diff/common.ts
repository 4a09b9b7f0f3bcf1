/** Shared wording for the diff reports. */
import type { DiffChange, DiffObject, DiffResult } from '../../analyses/diff.js';
import { formatSource } from '../../inventory/types.js';
import { oneLine } from '../safe-text.js';
import { num } from '../numbers.js';

/** Ids as printed: outside ends are already named as reach names them (`internet except 10.0.0.0/8`). */
export function showId(_r: DiffResult, id: string): string {
  return oneLine(id);
}

/** "TCP 80 → TCP 80,443" (`→`: before, then after; `=>` is a connection) with what opened and closed when both sides allow something. */
export function changeText(c: DiffChange): string {
  if (c.kind === 'added') return c.new.toString();
  if (c.kind === 'removed') return `${c.old.toString()} (now none)`;
  const parts = [!c.opened.isEmpty() ? `opened ${c.opened.toString()}` : '', !c.closed.isEmpty() ? `closed ${c.closed.toString()}` : ''].filter(Boolean);
  return `${c.old.toString()} → ${c.new.toString()} (${parts.join('; ')})`;
}

/** "NetworkPolicy ns/x changed: ingress rule #1 ports changed" */
export function objectText(o: DiffObject): string {
  const what = o.change === 'changed' ? `: ${[...o.fields.filter((f) => !['labels', 'named ports', 'addresses', 'hostNetwork', 'policyTypes'].includes(f)), ...o.details].join('; ')}` : o.details.length ? ` (${o.details.join('; ')})` : '';
  return `${o.key} ${o.change}${what}`;
}

/** Where the object is (file:line), or ''. */
export function objectWhere(o: DiffObject): string {
  return o.source ? formatSource(o.source) : '';
}

/** "3 added, 1 removed, 2 changed" */
/** "filter -n shop-dev". */
export function scopeText(s: NonNullable<DiffResult['scope']>): string {
  return `filter ${oneLine(s.filter)}`;
}

export function countsText(r: DiffResult): string {
  const s = r.summary;
  const scope = r.scope ? ` (${scopeText(r.scope)}: ${num(r.changes.length)} of ${num(r.scope.total)} changed pairs have an endpoint in scope)` : '';
  return `${num(s.added)} pair${s.added === 1 ? '' : 's'} opened, ${num(s.removed)} closed, ${num(s.changed)} changed; ${num(s.objects)} object change${s.objects === 1 ? '' : 's'}${scope}`;
}

/** "opens 3 paths the intent does not allow: 2 from dev to prod, 1 from web to db" (and what it closes). */
export function driftSummary(r: DiffResult): string[] {
  const d = r.drift;
  if (!d) return [];
  const n = (k: number): string => `${num(k)} path${k === 1 ? '' : 's'}`;
  const out: string[] = [];
  for (const [field, verb, tense] of [['introduced', 'opens', 'does'], ['fixed', 'closes', 'did']] as const) {
    const parts = d.bySegments.filter((s) => s[field] > 0);
    if (parts.length === 0) continue;
    const total = field === 'introduced' ? d.introducedPaths : d.fixedPaths;
    const each = parts.map((s) => `${num(s[field])} from ${s.from} to ${s.to}`);
    out.push(`${verb} ${n(total)} the intent ${tense} not allow${parts.length === 1 ? ` (${parts[0]!.from} to ${parts[0]!.to})` : `: ${each.join(', ')}`}`);
  }
  return out;
}

type DriftItem = NonNullable<DiffResult['drift']>['introduced'][number];

/** Why a drift item is a problem: the invariant it breaks, or the missing or narrower flow. */
export function driftWhy(x: DriftItem): string {
  return x.kind === 'invariant' ? `breaks ${x.rule}` : x.kind === 'over-broad' ? `beyond the flow ${x.srcSegment} => ${x.dstSegment}` : `no flow ${x.srcSegment} => ${x.dstSegment}`;
}

/** One drift item as a line. */
export function driftItemText(x: DriftItem): string {
  return `${x.src} => ${x.dst} : ${x.ports.toString()} (${driftWhy(x)})`;
}

/** "CiliumNetworkPolicy empire/rule1 (cilium.io/v2) added: selects empire/deathstar-0; its effect is not evaluated" */
export function unmodelledText(c: DiffResult['unmodelled'][number]): string {
  const u = c.object;
  const sel = u.selects === 'unknown' ? `may apply to any pod${u.namespace ? ` in ${u.namespace}` : ''}` : u.selects.length ? `selects ${u.selects.slice(0, 5).join(', ')}${u.selects.length > 5 ? ` and ${u.selects.length - 5} more` : ''}` : 'selects no pod of the input';
  return `${u.kind} ${u.namespace ? `${u.namespace}/` : ''}${u.name} (${u.apiVersion}) ${c.change}: ${sel}; what it allows or denies is not evaluated`;
}

/** "NetworkPolicy prod/db: prod.yaml:4 does not parse (...); assumed unchanged" */
export function unreadableText(u: DiffResult['unreadable'][number]): string {
  return `${u.key}: ${u.file}:${u.line} could not be read in the new version (${u.error}); compared as unchanged, not as removed`;
}

/** What the comparison could not judge, as one clause; '' when it judged everything. */
function unknownParts(r: DiffResult): string {
  const parts: string[] = [];
  if (r.unmodelled.length) parts.push(`${num(r.unmodelled.length)} change${r.unmodelled.length === 1 ? '' : 's'} to objects that may change traffic and are not evaluated`);
  if (r.unreadable.length) parts.push(`${num(r.unreadable.length)} object${r.unreadable.length === 1 ? '' : 's'} in files that could not be read`);
  return parts.join(' and ');
}

/** The sentence for a change with no connectivity change, honest about what was not compared. */
export function noChangeText(r: DiffResult): string {
  const unknown = unknownParts(r);
  if (unknown) return `No change in the connectivity Bulkhead evaluates, but the change is NOT known to be safe: ${unknown}.`;
  const x = r.exposure.length;
  return `No connectivity change${r.scope ? ` with an endpoint in scope (${scopeText(r.scope)})` : ''}${x ? ` within the input (${x} exposure change${x === 1 ? '' : 's'} beyond it, below)` : ''}.`;
}

/** The warning that leads a report when the comparison could not judge part of the change; '' otherwise. */
export function unknownHeadline(r: DiffResult): string {
  const unknown = unknownParts(r);
  if (!unknown) return '';
  return r.changes.length === 0 ? noChangeText(r) : `Besides the connectivity changes listed, the change holds ${unknown}: their effect is NOT known.`;
}
