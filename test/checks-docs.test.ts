/**
 * docs/checks.md is part of the contract: every registered check has a section whose Violating example
 * yields its finding and whose Compliant example does not, and whose severity and controls match the code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHECKS } from '../src/checks/index.js';
import { auditOf } from './fixtures/audit/builders.js';

const DOC = readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');

interface Section {
  readonly id: string;
  readonly text: string;
  readonly blocks: Record<string, string>;
}

/** Splits the page into `## id` sections and the fenced yaml block after each bold label. */
function sections(doc: string): Map<string, Section> {
  const out = new Map<string, Section>();
  const parts = doc.split(/^## /m).slice(1);
  for (const part of parts) {
    const id = part.slice(0, part.indexOf('\n')).trim();
    const blocks: Record<string, string> = {};
    const re = /\*\*([A-Za-z ]+)\*\*\s*\n\s*```yaml\n([\s\S]*?)```/g;
    for (let m = re.exec(part); m; m = re.exec(part)) blocks[m[1]!] = m[2]!;
    out.set(id, { id, text: part, blocks });
  }
  return out;
}

const DOCS = sections(DOC);

test('every registered check has a docs section, and every section a registered check', () => {
  const ids = CHECKS.map((c) => c.meta.id);
  assert.deepEqual([...DOCS.keys()].sort(), [...ids].sort());
});

test('the docs index table lists every check with its category, severity and title', () => {
  for (const c of CHECKS) {
    const row = `| [\`${c.meta.id}\`](#${c.meta.id}) | ${c.meta.category} | ${c.meta.severity} | ${c.meta.title} |`;
    assert.ok(DOC.includes(row), `missing or stale index row: ${row}`);
  }
});

for (const c of CHECKS) {
  const id = c.meta.id;
  test(`docs/checks.md#${id}: severity, controls and link match the check`, () => {
    const s = DOCS.get(id);
    assert.ok(s, `no section for ${id}`);
    assert.equal(c.meta.docs, `docs/checks.md#${id}`);
    const first = s.text.split('\n').find((l) => l.startsWith('Severity:'));
    assert.ok(first, 'section has no Severity line');
    assert.ok(first.startsWith(`Severity: ${c.meta.severity}`), `severity line "${first}" does not start with ${c.meta.severity}`);
    for (const ctl of c.meta.controls) assert.ok(first.includes(`${ctl.framework} ${ctl.id}`), `control ${ctl.framework} ${ctl.id} not documented`);
  });

  test(`docs/checks.md#${id}: the Violating example yields the finding, the Compliant one does not`, () => {
    const s = DOCS.get(id)!;
    const violating = s.blocks['Violating'];
    const compliant = s.blocks['Compliant'];
    assert.ok(violating && compliant, 'section needs Violating and Compliant yaml blocks');
    const intent = s.blocks['Intent'];
    if (c.meta.requiresIntent) assert.ok(intent, 'a drift check needs an Intent block');
    const only = { checks: [c] };
    const bad = auditOf(violating, intent, only).findings.filter((f) => f.check === id);
    assert.ok(bad.length > 0, `Violating example of ${id} yields no finding`);
    for (const f of bad) assert.ok(f.location && f.location.line >= 1, 'every finding has a location');
    const good = auditOf(compliant, s.blocks['Compliant intent'] ?? intent, only).findings.filter((f) => f.check === id);
    assert.deepEqual(good.map((f) => f.message), [], `Compliant example of ${id} yields findings`);
  });
}
