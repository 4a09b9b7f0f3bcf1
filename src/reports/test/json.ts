import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesJson } from '../notes.js';
/** The bulkhead.test/v1 JSON document: every check with its expectation, model verdict, observation and rule. */
import type { TestRun } from '../../analyses/test/types.js';
import { formatSource } from '../../inventory/types.js';
import { jsonSafe } from '../json.js';

export function testJson(run: TestRun, notes: Notes = NO_NOTES): string {
  const { bound, caveats } = notesJson(notes);
  const doc = {
    schema: run.schema,
    bound,
    caveats,
    runner: run.runner,
    ...(run.intent ? { intent: run.intent } : {}),
    summary: run.summary,
    results: run.results.map((r) => ({
      id: r.check.id,
      origin: { kind: r.check.origin.kind, label: r.check.origin.label, ...(r.check.origin.source ? { file: r.check.origin.source.file, line: r.check.origin.source.line } : {}) },
      from: r.check.from,
      to: r.check.to,
      protocol: r.check.protocol,
      port: r.check.port,
      expect: r.check.expect,
      model: r.model.verdict,
      rule: r.model.rule,
      ...(r.model.ruleSource ? { ruleLocation: formatSource(r.model.ruleSource) } : {}),
      ...(r.observed ? { observed: r.observed.verdict, ...(r.observed.detail ? { observedDetail: r.observed.detail } : {}) } : {}),
      ...(r.check.group ? { group: r.check.group } : {}),
      ...(r.satisfiedBy !== undefined ? { satisfiedBy: r.satisfiedBy } : {}),
      status: r.status,
      disagreement: r.disagreement,
      reasons: r.reasons,
    })),
    notes: run.notes,
    diagnostics: run.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, file: d.source?.file ?? '', line: d.source?.line ?? 0 })),
  };
  return `${jsonSafe(JSON.stringify(doc, null, 2))}\n`;
}
