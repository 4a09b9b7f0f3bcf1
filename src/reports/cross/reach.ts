/** Cross-layer reach (cluster and AWS joined) in text, JSON and Markdown: the third section of a mixed run. */
import { ALL_K8S, type CrossAnswer, type CrossReach, type CrossReachStream } from '../../analyses/cross/reach.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { jsonLine, jsonSafe, toJsonLines } from '../json.js';
import { notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdText, oneLine } from '../safe-text.js';
import { memoized } from '../../util/memo.js';

export const CROSS_REACH_FORMATS = ['text', 'json', 'md'] as const;
export type CrossReachFormat = (typeof CROSS_REACH_FORMATS)[number];

/** "TCP 5432", or for a pair one layer opens and the other closes, which does which; then the Services it goes through. */
export function crossConnText(c: CrossAnswer): string {
  const text = connText(c);
  const open = c.via.filter((v) => !v.conns.isEmpty());
  // A Service one layer opens and the other closes: said as for the pair, when something else passes.
  const closed = c.conns.isEmpty() ? [] : c.via.filter((v) => v.conns.isEmpty());
  const shut = closed.map((v) => ` (through ${v.route}: ${v.kubernetes.isEmpty() ? `AWS allows ${v.aws}; Kubernetes blocks it` : `Kubernetes allows ${v.kubernetes}; AWS blocks it`})`).join('');
  const via = c.conns.isEmpty() ? c.via : open;
  return `${text}${via.length ? ` via ${via.map((v) => v.route).join(', ')}` : ''}${shut}`;
}

function connText(c: CrossAnswer): string {
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
function headText(r: CrossReachStream): string[] {
  if (!r.joined) return ['not joined: no node of the cluster was found in the AWS input (see the notes above)'];
  return ['Assumptions:', ...r.assumptions.map((a) => `  - ${oneLine(a)}`), ''];
}

const CHUNK = 1 << 16;

/** The whole section, as crossReachChunks writes it. */
export function crossReachReport(r: CrossReach, format: CrossReachFormat, notes: Notes = NO_NOTES): string {
  const { connections, ...rest } = r;
  return [...crossReachChunks({ ...rest, pairs: () => connections.map((c) => ({ src: c.src, dst: c.dst, answer: c })) }, format, notes)].join('');
}

/** The JSON of one pair after its ends, as its line has it (`, "conns": ...}`), and its ends' JSON strings. */
function jsonPieces(): { body: (a: CrossAnswer) => string; id: (id: string) => string } {
  const bodies = new WeakMap<CrossAnswer, string>();
  const ends = '{"src": "", "dst": ""';
  return {
    body: (c) => {
      let b = bodies.get(c);
      if (b === undefined) {
        const line = jsonLine({
          src: '', dst: '', conns: c.conns.toJSON(), ...(c.responseBlocked.isEmpty() ? {} : { responseBlocked: c.responseBlocked.toJSON() }),
          kubernetes: c.kubernetes.toJSON(), aws: c.aws.toJSON(), ...(c.via.length ? { via: c.via.map((v) => ({ route: v.route, conns: v.conns.toJSON(), kubernetes: v.kubernetes.toJSON(), aws: v.aws.toJSON() })) } : {}),
        });
        bodies.set(c, (b = line.slice(ends.length)));
      }
      return b;
    },
    id: memoized((id: string) => jsonSafe(JSON.stringify(id))),
  };
}

/**
 * The section in chunks of about 64 KiB, pairs rendered as they are produced (each distinct answer once):
 * byte for byte the document toJsonLines makes of the whole section (an endpoint or connection a line, as
 * the other reach sections write them), or its text or Markdown lines.
 */
export function* crossReachChunks(r: CrossReachStream, format: CrossReachFormat, notes: Notes = NO_NOTES): Generator<string> {
  const show = (id: string): string => r.names.get(id) ?? id;
  let buf = '';
  if (format === 'json') {
    const head = toJsonLines({
      schema: 'bulkhead.reach/v1', layer: 'cross', ...notesJson(notes), joined: r.joined,
      ...(r.placement.cluster !== undefined ? { cluster: r.placement.cluster } : {}),
      nodes: r.placement.hosts.map((h) => ({ name: h.name, ...(h.instanceId ? { instanceId: h.instanceId } : {}), interfaces: h.enis.map((e) => e.id), evidence: h.evidence })),
      assumptions: r.assumptions,
      endpoints: r.outside.map((o) => ({ id: o.id, kind: 'External', name: o.name, cidrs: o.cidrs })),
      connections: [],
    }, ['endpoints', 'connections']);
    // The document is written around its connections list, which is streamed.
    const at = head.lastIndexOf('"connections": []');
    buf = `${head.slice(0, at)}"connections": [`;
    const j = jsonPieces();
    let first = true;
    // A source's pairs come one after another: its piece is looked up once.
    let src: string | undefined, lead = '';
    for (const p of r.pairs()) {
      if (p.src !== src) lead = `    {"src": ${j.id((src = p.src))}, "dst": `;
      buf += `${first ? '\n' : ',\n'}${lead}${j.id(p.dst)}${j.body(p.answer)}`;
      first = false;
      if (buf.length >= CHUNK) ((yield buf), (buf = ''));
    }
    yield `${buf}${first ? ']' : '\n  ]'}${head.slice(at + '"connections": []'.length)}`;
    return;
  }
  // Lines as the whole section joins them: the first (the notes) left out when empty.
  const lines = format === 'md' ? [notesMarkdown(notes).trimEnd(), ...(r.joined ? ['**Assumptions:**', '', ...r.assumptions.map((a) => `- ${mdText(a)}`), '', '| src | dst | conn |', '|---|---|---|'] : [mdText(headText(r)[0]!)])] : [notesText(notes).trimEnd(), ...headText(r)];
  buf = lines.filter((l, i) => i > 0 || l).join('\n');
  const cell = memoized((id: string) => (format === 'md' ? mdText(show(id)) : oneLine(show(id))));
  const texts = new WeakMap<CrossAnswer, string>();
  const text = (a: CrossAnswer): string => {
    let t = texts.get(a);
    if (t === undefined) texts.set(a, (t = format === 'md' ? mdText(crossConnText(a)) : crossConnText(a)));
    return t;
  };
  let any = false;
  if (r.joined) {
    let src: string | undefined, head = '';
    for (const p of r.pairs()) {
      if (p.src !== src) head = format === 'md' ? `\n| ${cell((src = p.src))} | ` : `\n${cell((src = p.src))} => `;
      buf += format === 'md' ? `${head}${cell(p.dst)} | ${text(p.answer)} |` : `${head}${cell(p.dst)} : ${text(p.answer)}`;
      any = true;
      if (buf.length >= CHUNK) ((yield buf), (buf = ''));
    }
    if (!any && format === 'text') buf += '\nno connections';
  }
  yield `${buf}\n`;
}
