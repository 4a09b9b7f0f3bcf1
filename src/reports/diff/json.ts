import type { DiffResult } from '../../analyses/diff.js';
import { toJsonText } from '../json.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
import { exposurePeerText } from '../../analyses/exposure.js';

/** The bulkhead.diff/v1 document. */
export function diffJson(r: DiffResult, notes: Notes = NO_NOTES): string {
  const used = new Set(r.changes.flatMap((c) => [c.src, c.dst]));
  const doc = {
    schema: 'bulkhead.diff/v1',
    ...notesJson(notes),
    old: r.old,
    new: r.new,
    level: r.level,
    ...(r.scope ? { scope: { filter: r.scope.filter, total: r.scope.total, shown: r.changes.length } } : {}),
    summary: { ...r.summary, unchanged: r.unchanged },
    endpoints: [...r.endpoints.values()].filter((e) => used.has(e.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    changes: r.changes.map((c) => ({
      kind: c.kind,
      src: c.src,
      dst: c.dst,
      old: c.old.toJSON(),
      new: c.new.toJSON(),
      opened: c.opened.toJSON(),
      closed: c.closed.toJSON(),
      ...(c.endpointsInfo ? { endpointsInfo: c.endpointsInfo } : {}),
      causes: c.causes,
    })),
    ...(r.drift
      ? {
          drift: {
            intent: r.drift.intentFile,
            introduced: r.drift.introduced.map((x) => ({ ...x, ports: x.ports.toJSON() })),
            fixed: r.drift.fixed.map((x) => ({ ...x, ports: x.ports.toJSON() })),
            bySegments: r.drift.bySegments,
          },
        }
      : {}),
    unmodelled: r.unmodelled.map((c) => ({ change: c.change, kind: c.object.kind, apiVersion: c.object.apiVersion, ...(c.object.namespace !== undefined ? { namespace: c.object.namespace } : {}), name: c.object.name, selects: c.object.selects, file: c.object.source.file, line: c.object.source.line })),
    unreadable: r.unreadable,
    exposure: r.exposure.map((x) => {
      const ends = x.direction === 'ingress' ? { dst: x.endpoint, src: x.peer.kind === 'entire-cluster' ? 'entire-cluster' : exposurePeerText(x.peer) } : { src: x.endpoint, dst: x.peer.kind === 'entire-cluster' ? 'entire-cluster' : exposurePeerText(x.peer) };
      return { kind: x.kind, direction: x.direction, ...ends, old: x.old.toJSON(), new: x.new.toJSON(), opened: x.opened.toJSON(), closed: x.closed.toJSON() };
    }),
    objects: r.objects.map((o) => ({ key: o.key, kind: o.kind, id: o.id, change: o.change, fields: o.fields, details: o.details, ...(o.source ? { source: o.source } : {}), explains: o.explains })),
  };
  return toJsonText(doc);
}
