import { toJsonText } from '../json.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
import type { Explanation } from '../../analyses/explain.js';
import { exposureJson } from '../reach/exposure.js';

/** The bulkhead.explain/v1 contract. */
export function explainJson(e: Explanation, notes: Notes = NO_NOTES): string {
  const doc = {
    schema: 'bulkhead.explain/v1',
    ...notesJson(notes),
    from: e.from,
    to: e.to,
    verdict: e.verdict,
    conns: e.conns.toJSON(),
    queried: e.queried.toJSON(),
    ranges: e.ranges,
    layers: [...e.layers.map((l) => ({
      layer: l.layer,
      direction: l.direction,
      applies: l.applies,
      isolated: l.isolated,
      verdict: l.allowed.intersect(e.queried).isEmpty() ? 'denied' : 'allowed',
      conns: l.allowed.toJSON(),
      reason: l.reason,
      ...(l.nodeRule ? { nodeRule: l.nodeRule } : {}),
      selectedBy: l.selectedBy.map((p) => ({ policy: p.policy, file: p.source.file, line: p.source.line })),
      rules: l.rules.map((r) => ({
        policy: r.policy,
        direction: r.direction,
        rule: r.rule,
        ...(r.peer ? { peer: r.peer } : {}),
        peerText: r.peerText,
        ...(r.peerSource ? { peerLine: r.peerSource.line } : {}),
        conns: r.ports.toJSON(),
        file: r.source.file,
        line: r.source.line,
      })),
    })),
      // The admin and baseline tiers' sides: every rule that decided some ports, in evaluation order.
      ...(e.tiers ?? []).map((t) => ({
        layer: t.layer,
        direction: t.direction,
        accept: t.accept.toJSON(),
        deny: t.deny.toJSON(),
        rules: t.steps.map((st) => ({
          policy: st.rule.policy, kind: st.rule.kind, priority: st.rule.priority, direction: st.rule.direction, rule: st.rule.rule,
          ...(st.rule.name !== undefined ? { name: st.rule.name } : {}), action: st.rule.action, conns: st.ports.toJSON(), file: st.rule.source.file, line: st.rule.source.line,
        })),
      }))],
    notes: e.notes,
    exposure: e.exposure.map(exposureJson),
    ...(e.sameNode ? { sameNode: e.sameNode.toJSON() } : {}),
  };
  return toJsonText(doc);
}
