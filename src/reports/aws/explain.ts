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

/** The verdict of one family's path, without the ends (the head line names them). */
function familyVerdict(a: { readonly conns: TrafficSet; readonly responseBlocked: TrafficSet }): string {
  if (a.conns.isEmpty()) return a.responseBlocked.isEmpty() ? 'denied' : `denied; requests on ${a.responseBlocked} pass but a network ACL drops their replies`;
  const what = a.conns.equals(TrafficSet.ALL) ? 'all traffic' : a.conns.toString();
  return a.responseBlocked.isEmpty() ? `allowed on ${what}` : `allowed on ${what}; requests on ${a.responseBlocked} pass but a network ACL drops their replies`;
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
  out.push(oneLine(verdictLine(a)), '', a.ipv6 && a.ipv4 ? `Hop by hop (IPv4): ${oneLine(familyVerdict(a.ipv4))}` : 'Hop by hop:');
  const hops = (x: PathAnswer): void => {
    for (const s of x.steps) {
      out.push(`  ${s.stage.padEnd(13)} ${s.verdict.padEnd(7)} ${oneLine(s.message)}`);
      for (const r of s.rules) out.push(`      ${oneLine(ruleText(r))}`);
    }
  };
  hops(a);
  // Both ends dual-stack: the IPv6 path on its own (the verdict above covers both families).
  if (a.ipv6) {
    out.push('', `Hop by hop (IPv6): ${oneLine(familyVerdict(a.ipv6))}`);
    hops(a.ipv6);
  }
  out.push('', 'Assumptions:', ...[...a.assumptions, ...(a.ipv6?.assumptions.filter((x) => !a.assumptions.includes(x)) ?? [])].map((x) => `  - ${oneLine(x)}`));
  return `${out.join('\n')}\n`;
}

/** JSON: bulkhead.explain/v1 with one layer per stage. */
export function awsExplainJson(a: PathAnswer, notes: Notes = NO_NOTES): string {
  return toJsonText({ schema: 'bulkhead.explain/v1', layer: 'aws', ...notesJson(notes), ...pathAnswerJSON(a) });
}

/** Markdown: the verdict and a table of stages (a PR comment). */
export function awsExplainMarkdown(a: PathAnswer, notes: Notes = NO_NOTES): string {
  const out = [notesMarkdown(notes).trimEnd(), `**${mdText(verdictLine(a))}**`, ...(a.ipv6 && a.ipv4 ? ['', `**IPv4: ${mdText(familyVerdict(a.ipv4))}**`] : []), '', '| stage | verdict | what | settings |', '|---|---|---|---|'];
  for (const s of a.steps) out.push(`| ${s.stage} | ${s.verdict} | ${mdText(s.message)} | ${s.rules.map((r) => mdCode(ruleText(r))).join('<br>')} |`);
  if (a.ipv6) {
    out.push('', `**IPv6: ${mdText(familyVerdict(a.ipv6))}**`, '', '| stage | verdict | what | settings |', '|---|---|---|---|');
    for (const s of a.ipv6.steps) out.push(`| ${s.stage} | ${s.verdict} | ${mdText(s.message)} | ${s.rules.map((r) => mdCode(ruleText(r))).join('<br>')} |`);
  }
  out.push('', '**Assumptions:**', ...[...a.assumptions, ...(a.ipv6?.assumptions.filter((x) => !a.assumptions.includes(x)) ?? [])].map((x) => `- ${mdText(x)}`));
  return `${out.filter((l, i) => i > 0 || l).join('\n')}\n`;
}

export const AWS_EXPLAIN_FORMATS = { text: awsExplainText, json: awsExplainJson, md: awsExplainMarkdown } as const;
