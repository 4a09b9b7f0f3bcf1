/**
 * A cross-layer explanation in text, JSON and Markdown: the verdict, what blocks it, then the Kubernetes
 * explanation and the AWS path hop by hop, each rendered by its own layer's explainer.
 */
import type { CrossExplanation } from '../../analyses/cross/explain.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { pathAnswerJSON } from '../../engine/cloud/path.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { awsExplainMarkdown, awsExplainText } from '../aws/explain.js';
import { explainJson } from '../explain/json.js';
import { explainText } from '../explain/text.js';
import { toJsonText } from '../json.js';
import { notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdText, oneLine } from '../safe-text.js';

export const CROSS_EXPLAIN_FORMATS = ['text', 'json', 'md'] as const;

function verdictLine(x: CrossExplanation): string {
  const what = x.conns.equals(TrafficSet.ALL) ? 'all traffic' : x.conns.toString();
  const head = x.verdict === 'denied' ? `DENIED: ${x.from} cannot reach ${x.to}` : `ALLOWED: ${x.from} reaches ${x.to} on ${what}`;
  return x.responseBlocked.isEmpty() ? head : `${head}; requests on ${x.responseBlocked} pass but a network ACL drops their replies`;
}

/** A denial is blocked; an allowed pair may still have traffic one layer lets through and the other closes. */
function blockedTitle(x: CrossExplanation): string {
  return x.verdict === 'denied' ? 'Blocked by:' : 'Partly blocked (one layer lets it through, the other closes it):';
}

function nodeLines(x: CrossExplanation): string[] {
  const out = [`Node: ${x.node.name}${x.node.instanceId ? ` (${x.node.instanceId})` : ''}; seen by AWS as ${x.view.why}`];
  if (x.otherNodes.length) out.push(`Also may run on: ${x.otherNodes.map((o) => `${o.node} (${o.conns.isEmpty() ? 'nothing' : o.conns.toString()})`).join(', ')}`);
  return out;
}

/** The AWS explainer's text without its caveats and assumptions (said once, at the end). */
function awsBody(x: CrossExplanation): string[] {
  const t = awsExplainText(x.aws);
  return t.slice(0, t.indexOf('\nAssumptions:')).trimEnd().split('\n');
}

function kubernetesTitle(x: CrossExplanation): string {
  return `Kubernetes (${x.kubernetes.from.id} => ${x.kubernetes.to.id}):`;
}

function awsTitle(x: CrossExplanation): string {
  return `AWS (${x.aws.src} as ${x.view.address} => ${x.aws.dst}):`;
}

/** Text: verdict, node, what blocks, then each layer's own explanation. */
export function crossExplainText(x: CrossExplanation, notes: Notes = NO_NOTES): string {
  const out: string[] = [];
  const caveats = notesText(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  out.push(oneLine(verdictLine(x)), ...nodeLines(x).map(oneLine));
  if (x.blockedBy.length) out.push('', blockedTitle(x), ...x.blockedBy.map((b) => `  ${b.layer.padEnd(11)} ${oneLine(b.text)}`));
  out.push('', `1. ${kubernetesTitle(x)}`, ...explainText(x.kubernetes).trimEnd().split('\n').map((l) => (l ? `  ${l}` : l)));
  out.push('', `2. ${awsTitle(x)}`, ...awsBody(x).map((l) => (l ? `  ${l}` : l)));
  out.push('', 'Assumptions:', ...x.assumptions.map((a) => `  - ${oneLine(a)}`));
  return `${out.join('\n')}\n`;
}

/** JSON: bulkhead.explain/v1 with `layer: "cross"` and each layer's own explanation inside. */
export function crossExplainJson(x: CrossExplanation, notes: Notes = NO_NOTES): string {
  const k = JSON.parse(explainJson(x.kubernetes)) as Record<string, unknown>;
  for (const key of ['schema', 'bound', 'caveats', 'diagnostics']) delete k[key];
  return toJsonText({
    schema: 'bulkhead.explain/v1', layer: 'cross', ...notesJson(notes),
    from: x.from, to: x.to, direction: x.direction, verdict: x.verdict, conns: x.conns.toJSON(),
    ...(x.responseBlocked.isEmpty() ? {} : { responseBlocked: x.responseBlocked.toJSON() }),
    node: { name: x.node.name, ...(x.node.instanceId ? { instanceId: x.node.instanceId } : {}), interface: x.view.eni.id, address: x.view.address, why: x.view.why },
    otherNodes: x.otherNodes.map((o) => ({ node: o.node, conns: o.conns.toJSON() })),
    blockedBy: x.blockedBy,
    kubernetes: k,
    aws: pathAnswerJSON(x.aws),
    assumptions: x.assumptions,
  });
}

/** Markdown: the verdict, what blocks, the Kubernetes explanation as a block and the AWS stages as a table. */
export function crossExplainMarkdown(x: CrossExplanation, notes: Notes = NO_NOTES): string {
  const out = [notesMarkdown(notes).trimEnd(), `**${mdText(verdictLine(x))}**`, '', ...nodeLines(x).map((l) => `${mdText(l)}  `)];
  if (x.blockedBy.length) out.push('', `**${blockedTitle(x)}**`, '', ...x.blockedBy.map((b) => `- ${b.layer}: ${mdText(b.text)}`));
  out.push('', `### 1. ${mdText(kubernetesTitle(x))}`, '', '```', explainText(x.kubernetes).trimEnd().replace(/```/g, "'''"), '```');
  const aws = awsExplainMarkdown(x.aws);
  out.push('', `### 2. ${mdText(awsTitle(x))}`, '', aws.slice(0, aws.indexOf('\n**Assumptions:**')).trimEnd());
  out.push('', '**Assumptions:**', ...x.assumptions.map((a) => `- ${mdText(a)}`));
  return `${out.filter((l, i) => i > 0 || l).join('\n')}\n`;
}

export const CROSS_EXPLAIN = { text: crossExplainText, json: crossExplainJson, md: crossExplainMarkdown } as const;
