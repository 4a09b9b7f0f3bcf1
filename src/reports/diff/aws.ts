/** The AWS diff in text, JSON and Markdown (the shapes of the cluster's diff reports). */
import type { AwsCause, AwsDiffChange, AwsDiffResult } from '../../analyses/aws/diff.js';
import type { AwsDriftDelta, AwsDriftItem, AwsFlowItem } from '../../analyses/aws/diff-drift.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { toJsonText } from '../json.js';
import { mdTable } from '../markdown.js';
import { notesJson, notesMarkdown, notesText } from '../notes.js';
import { mdText, oneLine } from '../safe-text.js';
import { DIFF_COMMENT_MARKER } from './markdown.js';
import { awsOutsideName, cidrRanges } from '../../analyses/outside.js';
import { num } from '../numbers.js';

export const AWS_DIFF_FORMATS = ['text', 'json', 'md'] as const;
export type AwsDiffFormat = (typeof AWS_DIFF_FORMATS)[number];

const MAX_ROWS = 100;

/** An endpoint as AWS reach shows it: `id[Name]`, outside ranges named `internet`, `internet except ...` or by CIDRs. */
function show(r: AwsDiffResult, id: string): string {
  const e = r.endpoints.get(id);
  if (e?.kind === 'External') return awsOutsideName(cidrRanges(e.cidrs ?? []), cidrRanges(r.outsideSpace ?? [])).name;
  return e?.name ? `${id}[${e.name}]` : id;
}

/** A short name for headlines: the Name tag (else the id) and the VPC's. */
function short(r: AwsDiffResult, id: string): string {
  const e = r.endpoints.get(id);
  if (!e) return id;
  if (e.kind === 'External') return show(r, id);
  const vpc = e.vpc ? (r.vpcNames.get(e.vpc) ?? e.vpc) : undefined;
  return `${e.name ?? id}${vpc ? ` (VPC ${vpc})` : ''}`;
}

function trafficText(t: TrafficSet): string {
  return t.equals(TrafficSet.ALL) ? 'All Connections' : t.toString();
}

/** "TCP 5432", "TCP 80 → TCP 80,443 (opened TCP 443)" (`→`: before, then after), with replies a NACL drops. */
function changeText(c: AwsDiffChange): string {
  const blocked = (t: TrafficSet): string => (t.isEmpty() ? '' : ` (replies blocked by a network ACL: ${t})`);
  if (c.kind === 'added') return `${c.new.isEmpty() ? 'nothing' : trafficText(c.new)}${blocked(c.newResponseBlocked)}`;
  if (c.kind === 'removed') return `${c.old.isEmpty() ? 'nothing' : trafficText(c.old)}${blocked(c.oldResponseBlocked)} (now none)`;
  const parts = [!c.opened.isEmpty() ? `opened ${c.opened}` : '', !c.closed.isEmpty() ? `closed ${c.closed}` : ''];
  if (!c.oldResponseBlocked.equals(c.newResponseBlocked)) parts.push(`replies blocked by a network ACL: ${c.newResponseBlocked.isEmpty() ? 'none now' : c.newResponseBlocked}`);
  const side = (t: TrafficSet): string => (t.isEmpty() ? 'nothing' : trafficText(t));
  return `${side(c.old)} → ${side(c.new)} (${parts.filter(Boolean).join('; ')})`;
}

/** The verb line of a change: "opens TCP 5432 from dev-box to prod-db". */
export function headline(r: AwsDiffResult, c: AwsDiffChange): string {
  const ends = `from ${short(r, c.src)} to ${short(r, c.dst)}`;
  const open = !c.opened.isEmpty() ? `opens ${c.opened} ${ends}` : '';
  const close = !c.closed.isEmpty() ? `closes ${c.closed} ${ends}` : '';
  const replies = !c.oldResponseBlocked.equals(c.newResponseBlocked) ? `changes which replies a network ACL drops ${ends}` : '';
  return [open, close].filter(Boolean).join('; ') || replies;
}

/** The causes worth showing: what opened (allows added, denies gone) and what closed (the reverse). */
function relevant(c: AwsDiffChange): readonly AwsCause[] {
  const want = (x: AwsCause): boolean => {
    const opens = (x.change === 'added') === (x.action === 'allow');
    if (c.kind === 'added') return opens;
    if (c.kind === 'removed') return !opens;
    return true;
  };
  const l = c.causes.filter(want);
  return l.length ? l : c.causes;
}

function where(x: AwsCause): string {
  if (!x.source) return '';
  return ` (${x.source.address ? `${x.source.address}, ` : ''}${x.source.file}:${x.source.line} ${x.source.path})`;
}

/** One cause as a line: "now: sg-ingress allow sg-1 ingress #2: TCP 5432 (aws_..., plan.json:120 planned_values...)". */
export function causeText(x: AwsCause): string {
  return `${x.change === 'added' ? 'now' : 'before'}: ${x.stage} ${x.action} ${x.rule}${x.traffic ? `: ${x.traffic}` : ''}${where(x)}`;
}

function countsText(r: AwsDiffResult): string {
  const s = r.summary;
  return `${num(s.added)} pair${s.added === 1 ? '' : 's'} opened, ${num(s.removed)} closed, ${num(s.changed)} changed; ${num(r.unchanged)} unchanged`;
}

function unmodelledText(c: AwsDiffResult['unmodelled'][number]): string {
  return `${c.object.kind} ${c.object.name} ${c.change}: ${c.object.effect}; not evaluated`;
}

const paths = (k: number): string => `${k} path${k === 1 ? '' : 's'}`;

/** "opens 2 paths the intent does not allow (dev to db)", "breaks flow #3 web => api (TCP 8080)", and what it fixes. */
export function awsDriftSummary(d: AwsDriftDelta): string[] {
  const out: string[] = [];
  for (const [field, verb, tense] of [['introduced', 'opens', 'does'], ['fixed', 'closes', 'did']] as const) {
    const parts = d.bySegments.filter((s) => s[field] > 0);
    if (parts.length === 0) continue;
    const total = field === 'introduced' ? d.introducedPaths : d.fixedPaths;
    const each = parts.map((s) => `${s[field]} from ${s.from} to ${s.to}`);
    out.push(`${verb} ${paths(total)} the intent ${tense} not allow${parts.length === 1 ? ` (${parts[0]!.from} to ${parts[0]!.to})` : `: ${each.join(', ')}`}`);
  }
  const flows = (xs: readonly AwsFlowItem[]): string => xs.map((f) => `#${f.flow} ${f.from} => ${f.to} (${f.traffic})`).join(', ');
  if (d.brokenFlows.length) out.push(`breaks ${d.brokenFlows.length === 1 ? 'flow' : 'flows'} ${flows(d.brokenFlows)}`);
  if (d.restoredFlows.length) out.push(`restores ${d.restoredFlows.length === 1 ? 'flow' : 'flows'} ${flows(d.restoredFlows)}`);
  return out;
}

/** Why a drift item is a problem: the invariant it breaks, or the missing or narrower flow. */
function driftWhy(x: AwsDriftItem): string {
  return x.kind === 'invariant' ? `breaks ${x.rule}` : x.kind === 'over-broad' ? `beyond the flow ${x.srcSegment} => ${x.dstSegment}` : `no flow ${x.srcSegment} => ${x.dstSegment}`;
}

function flowReason(f: AwsFlowItem, broken: boolean): string {
  const why = f.reason === 'blocked' ? (broken ? 'no member pair gets it now' : 'a member pair gets it again') : `segment ${f.reason === 'no-source' ? f.from : f.to} ${broken ? 'has no member now' : 'has a member again'}`;
  return `${why}; ${f.location.file}:${f.location.line}`;
}

function flowWhy(f: AwsFlowItem, broken: boolean): string {
  return `flow #${f.flow} ${f.from} => ${f.to} : ${f.traffic} (${flowReason(f, broken)})`;
}

/** The headline of the intent: how many paths newly violate it, and the summary. */
function driftHeadline(d: AwsDriftDelta): string {
  const sum = awsDriftSummary(d);
  return `Intent (${d.intentFile}): ${d.introducedPaths} path${d.introducedPaths === 1 ? ' newly violates' : 's newly violate'} it, ${d.fixedPaths} no longer ${d.fixedPaths === 1 ? 'does' : 'do'}${d.brokenFlows.length ? `, ${d.brokenFlows.length} flow${d.brokenFlows.length === 1 ? '' : 's'} broken` : ''}${sum.length ? `: ${sum.join('; ')}` : ''}.`;
}

const TITLES = { changed: 'Changed', added: 'Opened (new connectivity)', removed: 'Closed (connectivity removed)' } as const;

/** Human-readable: headlines, then each change with its causes. */
export function awsDiffText(r: AwsDiffResult, notes: Notes = NO_NOTES): string {
  const caveats = notesText(notes);
  const out: string[] = [...(caveats ? [caveats.trimEnd(), ''] : []), `AWS connectivity diff: ${r.old} → ${r.new}`, `${countsText(r)}.`];
    if (r.drift) out.push(oneLine(driftHeadline(r.drift)));
  if (r.unmodelled.length) {
    out.push('', `The change also adds, removes or edits ${r.unmodelled.length} setting${r.unmodelled.length === 1 ? '' : 's'} that ${r.unmodelled.length === 1 ? 'is' : 'are'} not evaluated: its effect is NOT known.`);
    for (const c of r.unmodelled) out.push(`  ${oneLine(unmodelledText(c))}`);
  }
  if (r.changes.length === 0) out.push('', r.unmodelled.length ? 'No change in the connectivity Bulkhead evaluates.' : 'No connectivity change.');
  else {
    out.push('');
    for (const c of r.changes.slice(0, 10)) out.push(`This change ${oneLine(headline(r, c))}.`);
    if (r.changes.length > 10) out.push(`... and ${r.changes.length - 10} more below.`);
  }
  for (const kind of ['changed', 'added', 'removed'] as const) {
    const list = r.changes.filter((c) => c.kind === kind);
    if (list.length === 0) continue;
    out.push('', `${TITLES[kind]}:`);
    for (const c of list) {
      out.push(`  ${oneLine(show(r, c.src))} => ${oneLine(show(r, c.dst))} : ${changeText(c)}${c.endpointsInfo ? `  [${oneLine(c.endpointsInfo)}]` : ''}`);
      const causes = relevant(c);
      if (causes.length === 0) out.push('    because: no setting on the path differs (an endpoint changed)');
      for (const x of causes) out.push(`    because ${oneLine(causeText(x))}`);
    }
  }
  const d = r.drift;
  if (d && d.introduced.length + d.fixed.length + d.brokenFlows.length + d.restoredFlows.length > 0) {
    out.push('', 'Intent drift:');
    for (const x of d.introduced) out.push(`  NEW      ${oneLine(`${show(r, x.src)} => ${show(r, x.dst)} : ${x.traffic} (${driftWhy(x)})`)}`);
    for (const x of d.fixed) out.push(`  FIXED    ${oneLine(`${show(r, x.src)} => ${show(r, x.dst)} : ${x.traffic} (${driftWhy(x)})`)}`);
    for (const f of d.brokenFlows) out.push(`  BROKEN   ${oneLine(flowWhy(f, true))}`);
    for (const f of d.restoredFlows) out.push(`  RESTORED ${oneLine(flowWhy(f, false))}`);
  }
  return `${out.join('\n')}\n`;
}

function causeJson(x: AwsCause): Record<string, unknown> {
  return {
    change: x.change, stage: x.stage, action: x.action, rule: x.rule, ...(x.traffic ? { traffic: x.traffic.toJSON() } : {}),
    ...(x.source ? { file: x.source.file, line: x.source.line, path: x.source.path, ...(x.source.address ? { address: x.source.address } : {}) } : {}),
  };
}

function driftJson(d: AwsDriftDelta): Record<string, unknown> {
  const item = (x: AwsDriftItem): Record<string, unknown> => ({ kind: x.kind, src: x.src, dst: x.dst, srcSegment: x.srcSegment, dstSegment: x.dstSegment, traffic: x.traffic.toJSON(), ...(x.rule ? { rule: x.rule } : {}) });
  const flow = (f: AwsFlowItem): Record<string, unknown> => ({ flow: f.flow, from: f.from, to: f.to, traffic: f.traffic.toJSON(), reason: f.reason, file: f.location.file, line: f.location.line });
  return {
    intent: d.intentFile, introducedPaths: d.introducedPaths, fixedPaths: d.fixedPaths,
    introduced: d.introduced.map(item), fixed: d.fixed.map(item), bySegments: d.bySegments,
    brokenFlows: d.brokenFlows.map(flow), restoredFlows: d.restoredFlows.map(flow),
  };
}

/** The bulkhead.diff/v1 document with `layer: "aws"`. */
export function awsDiffJson(r: AwsDiffResult, notes: Notes = NO_NOTES): string {
  return toJsonText({
    schema: 'bulkhead.diff/v1',
    layer: 'aws',
    ...notesJson(notes),
    old: r.old,
    new: r.new,
    summary: { ...r.summary, unchanged: r.unchanged },
    endpoints: [...r.endpoints.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    changes: r.changes.map((c) => ({
      kind: c.kind, src: c.src, dst: c.dst, old: c.old.toJSON(), new: c.new.toJSON(), opened: c.opened.toJSON(), closed: c.closed.toJSON(),
      ...(c.oldResponseBlocked.isEmpty() ? {} : { oldResponseBlocked: c.oldResponseBlocked.toJSON() }),
      ...(c.newResponseBlocked.isEmpty() ? {} : { newResponseBlocked: c.newResponseBlocked.toJSON() }),
      ...(c.endpointsInfo ? { endpointsInfo: c.endpointsInfo } : {}),
      causes: c.causes.map(causeJson),
    })),
    unmodelled: r.unmodelled.map((c) => ({ change: c.change, kind: c.object.kind, name: c.object.name, effect: c.object.effect, file: c.object.source.file, line: c.object.source.line })),
    ...(r.drift ? { drift: driftJson(r.drift) } : {}),
  });
}

/** A pull-request comment: the verdict first, every detail folded; the marker lets CI update its comment. */
export function awsDiffMarkdown(r: AwsDiffResult, notes: Notes = NO_NOTES): string {
  const out: string[] = [DIFF_COMMENT_MARKER, '### Bulkhead: AWS network connectivity change', ''];
  const caveats = notesMarkdown(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  if (r.drift) {
    const d = r.drift;
    if (d.introduced.length > 0) out.push(`:warning: **This change opens ${d.introducedPaths} ${d.introducedPaths === 1 ? 'path that violates' : 'paths that violate'} the intent** (\`${mdText(d.intentFile)}\`).`, '');
    else out.push(`:white_check_mark: No new intent violation (\`${mdText(d.intentFile)}\`)${d.fixedPaths ? `; ${d.fixedPaths} violating path${d.fixedPaths === 1 ? '' : 's'} closed` : ''}.`, '');
    if (d.brokenFlows.length) out.push(`:no_entry: **This change breaks ${d.brokenFlows.length} intended flow${d.brokenFlows.length === 1 ? '' : 's'}.**`, '');
    const lines = awsDriftSummary(d);
    for (const l of lines) out.push(`- ${mdText(l)}`);
    if (lines.length) out.push('');
  }
  if (r.unmodelled.length) {
    out.push(`:x: **The change adds, removes or edits ${r.unmodelled.length} setting${r.unmodelled.length === 1 ? '' : 's'} that Bulkhead does not evaluate: ${r.unmodelled.length === 1 ? 'its' : 'their'} effect is NOT known.**`, '');
    for (const c of r.unmodelled) out.push(`- ${mdText(unmodelledText(c))}`);
    out.push('');
  }
  if (r.changes.length === 0) out.push(`No connectivity change between \`${mdText(r.old)}\` and \`${mdText(r.new)}\`.`, '');
  else {
    out.push(`**${countsText(r)}** (\`${mdText(r.old)}\` → \`${mdText(r.new)}\`).`, '');
    for (const c of r.changes.slice(0, 10)) out.push(`- ${r.changes.length ? (c.opened.isEmpty() ? ':lock:' : ':warning:') : ''} This change ${mdText(headline(r, c))}`);
    if (r.changes.length > 10) out.push(`- … and ${r.changes.length - 10} more (below).`);
    out.push('');
  }
  for (const kind of ['added', 'removed', 'changed'] as const) {
    const list = r.changes.filter((c) => c.kind === kind);
    if (list.length === 0) continue;
    const title = { added: 'Opened', removed: 'Closed', changed: 'Changed' }[kind];
    out.push(`<details><summary>${title}: ${num(list.length)}</summary>`, '');
    const rows = list.slice(0, MAX_ROWS);
    out.push(mdTable(['source', 'destination', kind === 'changed' ? 'change' : 'traffic', 'because'], rows.map((c) => [show(r, c.src), show(r, c.dst), changeText(c) + (c.endpointsInfo ? ` (${c.endpointsInfo})` : ''), relevant(c).map(causeText).join('; ') || '—'])));
    if (list.length > MAX_ROWS) out.push(`\n_… and ${list.length - MAX_ROWS} more: run \`bulkhead diff --format json\` for all._\n`);
    out.push('</details>', '');
  }
  const d = r.drift;
  if (d && d.introduced.length + d.fixed.length + d.brokenFlows.length + d.restoredFlows.length > 0) {
    out.push(`<details><summary>Intent drift: ${paths(d.introducedPaths)} newly violating, ${d.fixedPaths} fixed; ${d.brokenFlows.length} flow${d.brokenFlows.length === 1 ? '' : 's'} broken, ${d.restoredFlows.length} restored</summary>`, '');
    const rows = [
      ...d.introduced.map((x) => ['new', `${show(r, x.src)} => ${show(r, x.dst)}`, String(x.traffic), driftWhy(x)]),
      ...d.fixed.map((x) => ['fixed', `${show(r, x.src)} => ${show(r, x.dst)}`, String(x.traffic), driftWhy(x)]),
      ...d.brokenFlows.map((f) => ['broken', `flow #${f.flow} ${f.from} => ${f.to}`, String(f.traffic), flowReason(f, true)]),
      ...d.restoredFlows.map((f) => ['restored', `flow #${f.flow} ${f.from} => ${f.to}`, String(f.traffic), flowReason(f, false)]),
    ];
    out.push(mdTable(['', 'path', 'traffic', 'why'], rows.slice(0, MAX_ROWS)));
    if (rows.length > MAX_ROWS) out.push(`\n_… and ${rows.length - MAX_ROWS} more: run \`bulkhead diff --format json\` for all._\n`);
    out.push('</details>', '');
  }
  return out.join('\n');
}

export const AWS_DIFF_RENDERERS: Record<AwsDiffFormat, (r: AwsDiffResult, notes?: Notes) => string> = { text: awsDiffText, json: awsDiffJson, md: awsDiffMarkdown };
