/**
 * A cross-layer explanation in text, JSON and Markdown: the verdict, what blocks it, then the Kubernetes
 * explanation and the AWS path hop by hop, each rendered by its own layer's explainer.
 */
import type { CrossExplanation, ServiceHop } from '../../analyses/cross/explain.js';
import type { Explanation } from '../../analyses/explain.js';
import { routeText } from '../../engine/cross/services.js';
import { formatSource } from '../../inventory/types.js';
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
  const t = x.verdict === 'denied' ? 'Blocked by:' : 'Partly blocked (one layer lets it through, the other closes it):';
  return x.services.length ? `To the pod's own address (not through a Service), ${t[0]!.toLowerCase()}${t.slice(1)}` : t;
}

/** A Service path's title: the route, its source line, the traffic policy and what passes. */
function serviceTitle(h: ServiceHop): string {
  const r = h.verdict.route;
  const what = h.conns.isEmpty() ? 'nothing passes' : `${h.conns} passes`;
  return `Through ${routeText(r)} (${formatSource(r.service.source)}), externalTrafficPolicy ${r.service.externalTrafficPolicy}: ${what}`;
}

/** The hops of one Service path before the two layers' own explanations. */
function serviceLines(h: ServiceHop): string[] {
  const v = h.verdict, r = v.route, eni = v.node.enis[0]!;
  const out = [`Received on node ${v.node.name}${v.node.instanceId ? ` (${v.node.instanceId})` : ''} at ${eni.id} ${eni.addresses[0]}${eni.publicIp ? ` (public ${eni.publicIp})` : ''}, ${r.port.protocol} ${r.nodePort}: AWS ${v.awsTraffic.isEmpty() ? 'blocks it' : 'lets it through'}${v.awsReplyBlocked.isEmpty() ? '' : ` (replies of ${v.awsReplyBlocked} dropped by a network ACL)`}`];
  if (h.otherNodes.length) out.push(`Also answered by: ${h.otherNodes.map((o) => `${o.node} (${o.conns.isEmpty() ? 'nothing' : o.conns.toString()})`).join(', ')}`);
  out.push(`kube-proxy forwards ${r.port.protocol} ${r.nodePort} to the pod's port ${r.targetPort}${typeof r.port.targetPort === 'string' ? ` (targetPort ${r.port.targetPort})` : ''}`);
  out.push(`NetworkPolicy sees the source as ${v.seenWhy}: ${v.kubernetes.isEmpty() ? `it blocks ${r.port.protocol} ${r.targetPort}` : `it allows ${r.port.protocol} ${r.targetPort}`}`);
  return out;
}

function serviceText(h: ServiceHop, n: number): string[] {
  const aws = awsExplainText(h.verdict.aws);
  return [
    '', `${n}. ${serviceTitle(h)}`, ...serviceLines(h).map((l) => `  ${oneLine(l)}`),
    '', `  AWS (${h.verdict.aws.src} => ${h.verdict.aws.dst}):`, ...aws.slice(0, aws.indexOf('\nAssumptions:')).trimEnd().split('\n').map((l) => (l ? `    ${l}` : l)),
    '', `  Kubernetes (${h.kubernetes.from.id} => ${h.kubernetes.to.id}):`, ...explainText(h.kubernetes).trimEnd().split('\n').map((l) => (l ? `    ${l}` : l)),
  ];
}

function kubernetesJson(x: Explanation): Record<string, unknown> {
  const k = JSON.parse(explainJson(x)) as Record<string, unknown>;
  for (const key of ['schema', 'bound', 'caveats', 'diagnostics']) delete k[key];
  return k;
}

function serviceJson(h: ServiceHop): Record<string, unknown> {
  const v = h.verdict, r = v.route, eni = v.node.enis[0]!;
  return {
    service: r.service.id, type: r.service.type, source: formatSource(r.service.source), protocol: r.port.protocol, nodePort: r.nodePort,
    targetPort: r.targetPort, ...(typeof r.port.targetPort === 'string' ? { targetPortName: r.port.targetPort } : {}),
    externalTrafficPolicy: r.service.externalTrafficPolicy, conns: h.conns.toJSON(),
    node: { name: v.node.name, ...(v.node.instanceId ? { instanceId: v.node.instanceId } : {}), interface: eni.id, address: eni.addresses[0], ...(eni.publicIp ? { publicIp: eni.publicIp } : {}) },
    otherNodes: h.otherNodes.map((o) => ({ node: o.node, conns: o.conns.toJSON() })),
    awsOnNodePort: v.awsTraffic.toJSON(), seenSource: v.seen, seenWhy: v.seenWhy, kubernetesAllows: !v.kubernetes.isEmpty(),
    aws: pathAnswerJSON(v.aws), kubernetes: kubernetesJson(h.kubernetes),
  };
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

/** The pod's end is the one seen from (or at) the view's address: the source for egress, the destination for ingress. */
function awsTitle(x: CrossExplanation): string {
  return x.direction === 'egress' ? `AWS (${x.aws.src} as ${x.view.address} => ${x.aws.dst}):` : `AWS (${x.aws.src} => ${x.aws.dst} as ${x.view.address}):`;
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
  x.services.forEach((h, i) => out.push(...serviceText(h, i + 3)));
  out.push('', 'Assumptions:', ...x.assumptions.map((a) => `  - ${oneLine(a)}`));
  return `${out.join('\n')}\n`;
}

/** JSON: bulkhead.explain/v1 with `layer: "cross"` and each layer's own explanation inside. */
export function crossExplainJson(x: CrossExplanation, notes: Notes = NO_NOTES): string {
  const k = kubernetesJson(x.kubernetes);
  return toJsonText({
    schema: 'bulkhead.explain/v1', layer: 'cross', ...notesJson(notes),
    from: x.from, to: x.to, direction: x.direction, verdict: x.verdict, conns: x.conns.toJSON(),
    ...(x.responseBlocked.isEmpty() ? {} : { responseBlocked: x.responseBlocked.toJSON() }),
    node: { name: x.node.name, ...(x.node.instanceId ? { instanceId: x.node.instanceId } : {}), interface: x.view.eni.id, address: x.view.address, why: x.view.why },
    otherNodes: x.otherNodes.map((o) => ({ node: o.node, conns: o.conns.toJSON() })),
    blockedBy: x.blockedBy,
    kubernetes: k,
    aws: pathAnswerJSON(x.aws),
    ...(x.services.length ? { services: x.services.map(serviceJson) } : {}),
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
  x.services.forEach((h, i) => {
    const m = awsExplainMarkdown(h.verdict.aws);
    out.push('', `### ${i + 3}. ${mdText(serviceTitle(h))}`, '', ...serviceLines(h).map((l) => `- ${mdText(l)}`));
    out.push('', `**AWS (${mdText(h.verdict.aws.src)} => ${mdText(h.verdict.aws.dst)}):**`, '', m.slice(0, m.indexOf('\n**Assumptions:**')).trimEnd());
    out.push('', `**Kubernetes (${mdText(h.kubernetes.from.id)} => ${mdText(h.kubernetes.to.id)}):**`, '', '```', explainText(h.kubernetes).trimEnd().replace(/```/g, "'''"), '```');
  });
  out.push('', '**Assumptions:**', ...x.assumptions.map((a) => `- ${mdText(a)}`));
  return `${out.filter((l, i) => i > 0 || l).join('\n')}\n`;
}

export const CROSS_EXPLAIN = { text: crossExplainText, json: crossExplainJson, md: crossExplainMarkdown } as const;
