/** An AWS path, hop by hop: each stage's verdict, the settings behind it (with file, line and JSON path), the assumptions. */
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { pathAnswerJSON, type PathAnswer } from '../../engine/cloud/path.js';
import type { StepRule } from '../../engine/cloud/steps.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { toJsonText } from '../json.js';
import { notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdCode, mdText, oneLine } from '../safe-text.js';

function verdictLine(a: PathAnswer): string {
  const what = a.conns.equals(TrafficSet.ALL) ? 'all traffic' : a.conns.toString();
  const head = a.conns.isEmpty() ? `DENIED: ${a.src} cannot reach ${a.dst}` : `ALLOWED: ${a.src} reaches ${a.dst} on ${what}`;
  return a.responseBlocked.isEmpty() ? head : `${head}; requests on ${a.responseBlocked} pass but a network ACL drops their replies`;
}

function ruleText(r: StepRule): string {
  const where = r.source ? ` (${r.source.file}:${r.source.line} ${r.source.path})` : '';
  return `${r.action} ${r.id}${r.traffic ? `: ${r.traffic}` : ''}${where}`;
}

/** Text: the verdict, then every stage in hop order with the rules that decided it. */
export function awsExplainText(a: PathAnswer, notes: Notes = NO_NOTES): string {
  const out: string[] = [];
  const caveats = notesText(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  out.push(oneLine(verdictLine(a)), '', 'Hop by hop:');
  for (const s of a.steps) {
    out.push(`  ${s.stage.padEnd(13)} ${s.verdict.padEnd(7)} ${oneLine(s.message)}`);
    for (const r of s.rules) out.push(`      ${oneLine(ruleText(r))}`);
  }
  out.push('', 'Assumptions:', ...a.assumptions.map((x) => `  - ${oneLine(x)}`));
  return `${out.join('\n')}\n`;
}

/** JSON: bulkhead.explain/v1 with one layer per stage. */
export function awsExplainJson(a: PathAnswer, notes: Notes = NO_NOTES): string {
  return toJsonText({ schema: 'bulkhead.explain/v1', layer: 'aws', ...notesJson(notes), ...pathAnswerJSON(a) });
}

/** Markdown: the verdict and a table of stages (a PR comment). */
export function awsExplainMarkdown(a: PathAnswer, notes: Notes = NO_NOTES): string {
  const out = [notesMarkdown(notes).trimEnd(), `**${mdText(verdictLine(a))}**`, '', '| stage | verdict | what | settings |', '|---|---|---|---|'];
  for (const s of a.steps) out.push(`| ${s.stage} | ${s.verdict} | ${mdText(s.message)} | ${s.rules.map((r) => mdCode(ruleText(r))).join('<br>')} |`);
  out.push('', '**Assumptions:**', ...a.assumptions.map((x) => `- ${mdText(x)}`));
  return `${out.filter((l, i) => i > 0 || l).join('\n')}\n`;
}

export const AWS_EXPLAIN_FORMATS = { text: awsExplainText, json: awsExplainJson, md: awsExplainMarkdown } as const;
