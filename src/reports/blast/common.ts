/** Shared wording for the blast reports: each hop's rules in one line, distinct hops in path order. */
import type { BlastFromResult, Hop, HopSide } from '../../analyses/blast.js';
import { formatSource } from '../../inventory/types.js';
import { num } from '../numbers.js';

/** "prod/allow-api ingress rule #1 (file.yaml:12)" or the reason nothing restricts the side. */
export function sideText(s: HopSide, direction: 'egress' | 'ingress'): string {
  if (!s.restricted) return s.note;
  if (s.nodeRule === 'same-node') return 'the node rule: a pod always admits its own node (the source uses hostNetwork on it)';
  if (s.nodeRule === 'possibly-same-node') return 'the node rule: admitted if the hostNetwork source runs on its node (the input does not say)';
  if (s.rules.length === 0) return `no ${direction} rule admits it`;
  return s.rules.map((r) => `${r.policy} ${direction} rule #${r.rule} (${formatSource(r.source)})`).join(', ');
}

/** Every distinct hop used by a shortest path, in order of first use. */
export function distinctHops(r: BlastFromResult): Hop[] {
  const seen = new Map<string, Hop>();
  for (const e of r.reached) for (const h of e.path) if (!seen.has(`${h.from}>${h.to}`)) seen.set(`${h.from}>${h.to}`, h);
  return [...seen.values()];
}

/** The path as "a => b => c": each step a connection, written as reach writes one. */
export function pathText(hops: readonly Hop[]): string {
  if (hops.length === 0) return '';
  return [hops[0]!.from, ...hops.map((h) => h.to)].join(' => ');
}

/** One-line summary of a blast result. */
export function summaryText(r: BlastFromResult): string {
  const s = r.summary;
  const parts = [
    `reaches ${num(s.reached)} endpoint${s.reached === 1 ? '' : 's'} in the cluster (${num(s.direct)} directly)`,
    `${num(s.external)} outside endpoint${s.external === 1 ? '' : 's'}`,
    `deepest shortest path ${num(s.maxHop)} hop${s.maxHop === 1 ? '' : 's'}`,
    `up to ${num(s.maxBoundaries)} ${r.boundary} boundar${s.maxBoundaries === 1 ? 'y' : 'ies'} crossed`,
  ];
  if (r.sensitive.length > 0) parts.push(`${num(s.sensitiveReached)} sensitive endpoint${s.sensitiveReached === 1 ? '' : 's'} reached`);
  return parts.join('; ');
}

/** Who the attacker starts as. */
export function startText(r: BlastFromResult): string {
  const ids = r.start.map((e) => e.id);
  return ids.length <= 3 ? ids.join(', ') : `${r.from} (${num(ids.length)} endpoints)`;
}

/** "Excluded as pivots (kube-system/coredns): kube-system/coredns[Deployment]; reached, but no path goes on from them." */
export function excludedText(x: { readonly specs: readonly string[]; readonly endpoints: readonly string[] } | undefined, ranked: boolean): string {
  if (!x) return '';
  const list = x.endpoints.length <= 5 ? x.endpoints.join(', ') : `${x.endpoints.slice(0, 5).join(', ')} and ${num(x.endpoints.length - 5)} more`;
  return `Excluded as pivots (${x.specs.join(', ')}): ${list}; reached, but no path goes on from them${ranked ? ', and not ranked' : ''}.`;
}
