/** Cross-layer reach (cluster and AWS joined) in text, JSON and Markdown: the third section of a mixed run. */
import { ALL_K8S, type CrossConnection, type CrossReach } from '../../analyses/cross/reach.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { toJsonLines } from '../json.js';
import { notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdText, oneLine } from '../safe-text.js';

export const CROSS_REACH_FORMATS = ['text', 'json', 'md'] as const;
export type CrossReachFormat = (typeof CROSS_REACH_FORMATS)[number];

/** "TCP 5432", or for a pair one layer opens and the other closes, which does which; then the Services it goes through. */
export function crossConnText(c: CrossConnection): string {
  const text = connText(c);
  const open = c.via.filter((v) => !v.conns.isEmpty());
  // A Service one layer opens and the other closes: said as for the pair, when something else passes.
  const closed = c.conns.isEmpty() ? [] : c.via.filter((v) => v.conns.isEmpty());
  const shut = closed.map((v) => ` (through ${v.route}: ${v.kubernetes.isEmpty() ? `AWS allows ${v.aws}; Kubernetes blocks it` : `Kubernetes allows ${v.kubernetes}; AWS blocks it`})`).join('');
  const via = c.conns.isEmpty() ? c.via : open;
  return `${text}${via.length ? ` via ${via.map((v) => v.route).join(', ')}` : ''}${shut}`;
}

function connText(c: CrossConnection): string {
  const replies = c.responseBlocked.isEmpty() ? '' : ` (replies blocked by a network ACL: ${c.responseBlocked})`;
  if (!c.conns.isEmpty()) {
    // Kubernetes opens more than the estate lets through: say what the cloud layer closes.
    const closed = c.kubernetes.equals(ALL_K8S) ? undefined : c.kubernetes.subtract(c.aws);
    return `${c.conns}${replies}${closed && !closed.isEmpty() ? ` (Kubernetes also allows ${closed}; AWS blocks it)` : ''}`;
  }
  if (!c.responseBlocked.isEmpty()) return `nothing${replies}`;
  const aws = c.aws.intersect(ALL_K8S);
  if (c.kubernetes.isEmpty()) return `nothing (AWS allows ${aws}; Kubernetes blocks it)`;
  if (aws.isEmpty()) return `nothing (Kubernetes allows ${c.kubernetes.equals(ALL_K8S) ? 'everything' : c.kubernetes}; AWS blocks it)`;
  return `nothing (Kubernetes allows ${c.kubernetes}, AWS allows ${aws})`;
}

/** The nodes found and what the join assumes, as text lines. */
function headText(r: CrossReach): string[] {
  if (!r.joined) return ['not joined: no node of the cluster was found in the AWS input (see the notes above)'];
  return ['Assumptions:', ...r.assumptions.map((a) => `  - ${oneLine(a)}`), ''];
}

/** The whole section (small: one line per workload and AWS endpoint pair). */
export function crossReachReport(r: CrossReach, format: CrossReachFormat, notes: Notes = NO_NOTES): string {
  const show = (id: string): string => r.names.get(id) ?? id;
  if (format === 'json') {
    // An endpoint or connection a line, as the other reach sections write them.
    return toJsonLines({
      schema: 'bulkhead.reach/v1', layer: 'cross', ...notesJson(notes), joined: r.joined,
      ...(r.placement.cluster !== undefined ? { cluster: r.placement.cluster } : {}),
      nodes: r.placement.hosts.map((h) => ({ name: h.name, ...(h.instanceId ? { instanceId: h.instanceId } : {}), interfaces: h.enis.map((e) => e.id), evidence: h.evidence })),
      assumptions: r.assumptions,
      endpoints: r.outside.map((o) => ({ id: o.id, kind: 'External', name: o.name, cidrs: o.cidrs })),
      connections: r.connections.map((c) => ({
        src: c.src, dst: c.dst, conns: c.conns.toJSON(), ...(c.responseBlocked.isEmpty() ? {} : { responseBlocked: c.responseBlocked.toJSON() }),
        kubernetes: c.kubernetes.toJSON(), aws: c.aws.toJSON(), ...(c.via.length ? { via: c.via.map((v) => ({ route: v.route, conns: v.conns.toJSON(), kubernetes: v.kubernetes.toJSON(), aws: v.aws.toJSON() })) } : {}),
      })),
    }, ['endpoints', 'connections']);
  }
  if (format === 'md') {
    const out = [notesMarkdown(notes).trimEnd()];
    if (!r.joined) out.push(mdText(headText(r)[0]!));
    else {
      out.push('**Assumptions:**', '', ...r.assumptions.map((a) => `- ${mdText(a)}`), '', '| src | dst | conn |', '|---|---|---|');
      for (const c of r.connections) out.push(`| ${mdText(show(c.src))} | ${mdText(show(c.dst))} | ${mdText(crossConnText(c))} |`);
    }
    return `${out.filter((l, i) => i > 0 || l).join('\n')}\n`;
  }
  const out = [notesText(notes).trimEnd(), ...headText(r)];
  if (r.joined) {
    for (const c of r.connections) out.push(`${oneLine(show(c.src))} => ${oneLine(show(c.dst))} : ${crossConnText(c)}`);
    if (r.connections.length === 0) out.push('no connections');
  }
  return `${out.filter((l, i) => i > 0 || l).join('\n')}\n`;
}
