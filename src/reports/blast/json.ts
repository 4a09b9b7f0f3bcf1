import type { BlastResult, Hop, HopSide } from '../../analyses/blast.js';
import { toJsonText } from '../json.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';

function side(s: HopSide): unknown {
  return { restricted: s.restricted, rules: s.rules.map((r) => ({ policy: r.policy, rule: r.rule, source: r.source })), ...(s.restricted ? {} : { note: s.note }), ...(s.nodeRule ? { nodeRule: s.nodeRule } : {}) };
}

function hop(h: Hop): unknown {
  return { from: h.from, to: h.to, conns: h.conns.toJSON(), egress: side(h.egress), ingress: side(h.ingress), crossesBoundary: h.crossesBoundary, ...(h.condition ? { condition: h.condition } : {}) };
}

/** The bulkhead.blast/v1 document. */
export function blastJson(r: BlastResult, notes: Notes = NO_NOTES): string {
  const doc =
    r.mode === 'from'
      ? {
          schema: 'bulkhead.blast/v1',
          ...notesJson(notes),
          mode: r.mode,
          level: r.level,
          from: r.from,
          start: r.start,
          boundary: r.boundary,
          ...(r.hops !== undefined ? { hops: r.hops } : {}),
          summary: r.summary,
          reached: r.reached.map((e) => ({
            endpoint: e.endpoint,
            hop: e.hop,
            boundaries: e.boundaries,
            ...(e.segments.length ? { segments: e.segments } : {}),
            ...(e.sensitive.length ? { sensitive: e.sensitive } : {}),
            path: e.path.map(hop),
          })),
          sensitive: r.sensitive,
          ...(r.excluded ? { excluded: r.excluded } : {}),
        }
      : {
          schema: 'bulkhead.blast/v1',
          ...notesJson(notes),
          mode: r.mode,
          level: r.level,
          ...(r.hops !== undefined ? { hops: r.hops } : {}),
          endpoints: r.endpoints,
          sensitive: r.sensitiveNames,
          ...(r.excluded ? { excluded: r.excluded } : {}),
          ranking: r.ranking.map((e, i) => ({ rank: i + 1, id: e.endpoint.id, reached: e.reached, direct: e.direct, external: e.external, ...(e.outside ? { outside: e.outside } : {}), sensitive: e.sensitive })),
        };
  return toJsonText(doc);
}
