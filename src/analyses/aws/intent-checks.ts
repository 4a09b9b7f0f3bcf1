/**
 * The intent's checks on an AWS estate: the cluster's drift and invariant checks, judged on the estate's reach.
 * Each finding names the interfaces or outside ranges, the traffic, and the settings behind it (security group
 * rules that open a path; for a blocked flow, every stage that stops it) with file, line and JSON path.
 */
import type { SourceRef } from '../../inventory/types.js';
import type { AwsSourceRef } from '../../inventory/aws/types.js';
import { formatIp } from '../../model/address.js';
import type { TrafficSet } from '../../model/traffic-set.js';
import { HIPAA_TRANSMISSION, NIST_SC_7, NIST_SC_7_5, PCI_1_2_1, PCI_1_2_5, PCI_1_2_7, PCI_1_3_1, SOC2_CC6_6 } from '../../checks/controls.js';
import type { Check, CheckMeta, Evidence, Report } from '../../checks/types.js';
import { EVIDENCE_LIMIT } from '../../checks/util.js';
import { pairsOf, type InvariantBreach, type PathBundle } from '../intent/drift.js';
import type { Intent } from '../intent/types.js';
import { awsDrift, type AwsDrift, type AwsPathEnd } from './intent.js';
import type { AwsAnalysis } from './reach.js';

function meta(id: string, category: CheckMeta['category'], severity: CheckMeta['severity'], title: string, remediation: string, messages: Record<string, string>, controls: CheckMeta['controls']): CheckMeta {
  return { id, category, severity, title, docs: `docs/aws.md#${id}`, controls, remediation, messages, requiresIntent: true };
}

/** The ids of the intent checks on AWS input (for --disable). */
export const AWS_INTENT_CHECK_IDS: readonly string[] = [
  'aws-intent-broken-flow', 'aws-intent-egress', 'aws-intent-empty-segment', 'aws-intent-isolated', 'aws-intent-never', 'aws-intent-overbroad', 'aws-intent-unmapped', 'aws-intent-violation',
];

const where = (s: AwsSourceRef): string => `${s.file}:${s.line} ${s.path}`;
const at = (s: AwsSourceRef): SourceRef => ({ file: s.file, line: s.line });
/** The address explain probes for an end: an interface by id, an outside range by its first address. */
const probe = (e: AwsPathEnd): string => (e.eni ? e.eni.id : formatIp(e.range!.family, e.range!.lo));
const name = (e: AwsPathEnd): string => (e.eni?.tags['Name'] ? `${e.id}[${e.eni.tags['Name']}]` : e.id);

interface Blame {
  readonly why: string;
  readonly location?: SourceRef;
  readonly resource: Report['resource'];
}

/** The security group rules that open `traffic` from src to dst (and the routes it takes), from the path answer. */
function openedBy(a: AwsAnalysis, src: AwsPathEnd, dst: AwsPathEnd, traffic: TrafficSet): Blame {
  const ans = a.explain(probe(src), probe(dst));
  const rules = (ans?.steps ?? [])
    .filter((s) => s.stage === 'sg-ingress' || s.stage === 'sg-egress')
    .sort((x, y) => (x.stage === 'sg-ingress' ? 0 : 1) - (y.stage === 'sg-ingress' ? 0 : 1))
    .flatMap((s) => s.rules.filter((r) => r.action === 'allow' && (!r.traffic || !r.traffic.intersect(traffic).isEmpty())));
  const target = dst.eni ?? src.eni!;
  const resource = { kind: 'NetworkInterface', name: target.id };
  if (rules.length === 0) return { why: `the path from ${src.id} to ${dst.id}`, resource, location: at(target.source) };
  const first = rules[0]!;
  const gid = first.id.split(' ')[0]!;
  return {
    why: rules.map((r) => `${r.id}${r.traffic ? ` (${r.traffic})` : ''}${r.source ? ` at ${where(r.source)}` : ''}`).join(', '),
    resource: { kind: 'SecurityGroup', name: gid },
    ...(first.source ? { location: at(first.source) } : {}),
  };
}

/** Every stage that stops `traffic` from src to dst, with the settings behind it. */
function blockedBy(a: AwsAnalysis, src: AwsPathEnd, dst: AwsPathEnd, traffic: TrafficSet): { why: string; location?: SourceRef } {
  const ans = a.explain(probe(src), probe(dst));
  if (!ans) return { why: 'no path answer' };
  const stops = ans.steps.filter((s) => !s.traffic.intersect(traffic).equals(traffic) || s.verdict === 'deny');
  const located = stops.flatMap((s) => s.rules.filter((r) => r.action === 'deny' && r.source)).map((r) => r.source!);
  const why = stops.map((s) => `${s.stage}: ${s.message}${s.rules.filter((r) => r.action === 'deny').map((r) => ` [${r.id}${r.source ? ` at ${where(r.source)}` : ''}]`).join('')}`).join('; ');
  const rb = ans.responseBlocked.intersect(traffic);
  return { why: (why || 'no stage allows it') + (rb.isEmpty() ? '' : `; replies of ${rb} are dropped by a network ACL`), ...(located[0] ? { location: at(located[0]) } : {}) };
}

interface Grouped {
  readonly bundles: PathBundle<AwsPathEnd, TrafficSet>[];
  /** The first `limit` pairs, listed as evidence; `pairCount` counts every pair, listed or not. */
  readonly pairs: Array<{ src: string; dst: string; ports: TrafficSet; rule: string; location?: SourceRef }>;
  pairCount: number;
  /** Every end of every pair (scoping keeps a finding for an end only an unlisted pair names). */
  readonly ends: Set<string>;
  readonly blame: Blame;
}

/**
 * Bundles grouped by a key, each bundle blamed once (its ends share classes, so the same rules open it). As
 * the cluster's checks do (groupByBlame), only the first `limit` pairs are kept; the rest are counted.
 */
function group<B extends PathBundle<AwsPathEnd, TrafficSet>>(a: AwsAnalysis, bundles: readonly B[], key: (b: B) => string, limit = EVIDENCE_LIMIT): Array<Grouped & { bundles: B[] }> {
  const out = new Map<string, Grouped & { bundles: B[] }>();
  for (const b of bundles) {
    const first = pairsOf(b).next();
    if (first.done) continue;
    const bl = openedBy(a, first.value[0], first.value[1], b.ports);
    const k = key(b);
    let g = out.get(k);
    if (!g) out.set(k, (g = { bundles: [], pairs: [], pairCount: 0, ends: new Set(), blame: bl }));
    g.bundles.push(b);
    for (const [s, d] of pairsOf(b)) {
      const src = name(s), dst = name(d);
      g.pairCount++;
      g.ends.add(src).add(dst);
      if (g.pairs.length < limit) g.pairs.push({ src, dst, ports: b.ports, rule: bl.why, ...(bl.location ? { location: bl.location } : {}) });
    }
  }
  return [...out.values()];
}

function describe(g: Grouped, max = 3): string {
  const shown = g.pairs.slice(0, max).map((p) => `${p.src} => ${p.dst} (${p.ports})`);
  return `${shown.join(', ')}${g.pairCount > shown.length ? ` and ${g.pairCount - shown.length} more` : ''}`;
}

function report(g: Grouped): Pick<Report, 'resource' | 'location' | 'evidence' | 'evidenceOmitted' | 'evidenceEnds'> {
  const evidence: Evidence[] = g.pairs.map((p) => ({ src: p.src, dst: p.dst, ports: p.ports, rule: p.rule, ...(p.location ? { location: p.location } : {}) }));
  const omitted = g.pairCount - g.pairs.length;
  return { resource: g.blame.resource, ...(g.blame.location ? { location: g.blame.location } : {}), evidence, ...(omitted > 0 ? { evidenceOmitted: omitted, evidenceEnds: g.ends } : {}) };
}

/** The intent checks over one AWS analysis; the judging runs once, when the first of them runs. */
export function awsIntentChecks(a: AwsAnalysis, intent: Intent): Check[] {
  let cached: AwsDrift | undefined;
  const d = (): AwsDrift => (cached ??= awsDrift(a, intent));
  const breaches = (kind: string): InvariantBreach<AwsPathEnd, TrafficSet>[] => d().breaches.filter((b) => b.invariant.kind === kind);
  return [
    {
      meta: meta('aws-intent-violation', 'drift', 'warning', 'Open path that no flow allows', 'Close the path at the security group rule named (narrow its source or ports), or add a flow for it to the intent if it is meant.', { open: '{{from}} => {{to}} is open, but no flow allows it: {{paths}}; opened by {{why}}' }, [PCI_1_2_5, PCI_1_3_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7, NIST_SC_7_5]),
      check(ctx) {
        for (const g of group(a, d().violations, (b) => `${b.srcSegment}>${b.dstSegment}`, ctx.evidenceLimit)) {
          const b = g.bundles[0]!;
          ctx.report({ messageId: 'open', data: { from: b.srcSegment, to: b.dstSegment, paths: describe(g), why: g.blame.why }, ...report(g), key: `${b.srcSegment}>${b.dstSegment}`, ...(intent.sensitive.has(b.dstSegment) ? { severity: 'error' as const } : {}) });
        }
      },
    },
    {
      meta: meta('aws-intent-overbroad', 'drift', 'warning', 'Path open on more than its flow allows', 'Narrow the security group rule named to the ports the flow names, or widen the flow if the ports are meant.', { wider: '{{from}} => {{to}} is open on {{extra}} beyond flow #{{flow}} ({{intended}}): {{paths}}; opened by {{why}}' }, [PCI_1_2_5, PCI_1_3_1, NIST_SC_7]),
      check(ctx) {
        for (const g of group(a, d().overbroad, (b) => `${b.srcSegment}>${b.dstSegment}`, ctx.evidenceLimit)) {
          const b = g.bundles[0]!;
          const extra = g.bundles.reduce((t, x) => t.union(x.ports), b.ports);
          ctx.report({ messageId: 'wider', data: { from: b.srcSegment, to: b.dstSegment, extra: String(extra), flow: b.flows.map((f) => f.index).join(', #'), intended: String(b.intended), paths: describe(g), why: g.blame.why }, ...report(g), key: `${b.srcSegment}>${b.dstSegment}`, related: b.flows.map((f) => ({ message: `flow #${f.index}`, location: f.source })) });
        }
      },
    },
    {
      meta: meta('aws-intent-broken-flow', 'drift', 'warning', 'Intended flow is blocked', 'Allow the flow at every stage named: the source\'s security group egress, both subnets\' network ACLs (with the replies), the routes both ways, and the destination\'s security group ingress; or remove the flow if it is no longer meant.', {
        blocked: 'flow #{{flow}} {{from}} => {{to}} on {{ports}} is blocked: no member of {{from}} reaches a member of {{to}} on {{missing}}; {{pair}}: {{why}}',
        'no-source': 'flow #{{flow}} {{from}} => {{to}} cannot happen: segment {{from}} has no member',
        'no-destination': 'flow #{{flow}} {{from}} => {{to}} cannot happen: segment {{to}} has no member',
      }, [PCI_1_2_1, PCI_1_2_7]),
      check(ctx) {
        for (const b of d().broken) {
          const why = b.pair ? blockedBy(a, b.pair.src, b.pair.dst, b.missing) : undefined;
          ctx.report({
            messageId: b.reason,
            data: { flow: b.flow.index, from: b.from, to: b.to, ports: b.flow.anyPort ? 'any port' : String(b.flow.traffic), missing: String(b.missing), pair: b.pair ? `${name(b.pair.src)} => ${name(b.pair.dst)}` : '', why: why?.why ?? '' },
            resource: { kind: 'Flow', name: `#${b.flow.index} ${b.from} => ${b.to}` },
            location: b.flow.source,
            key: `${b.from}>${b.to}`,
            ...(why?.location ? { related: [{ message: 'a setting that blocks it', location: why.location }] } : {}),
          });
        }
      },
    },
    {
      meta: meta('aws-intent-never', 'invariant', 'error', 'Path that an invariant forbids', 'Close the path at the security group rule named: a `never` invariant holds whatever the flows say (typically dev never reaches prod).', { never: '{{from}} must never reach {{to}}, yet these paths are open: {{paths}}; opened by {{why}}' }, [PCI_1_3_1, SOC2_CC6_6, HIPAA_TRANSMISSION, NIST_SC_7]),
      check(ctx) {
        for (const g of group(a, breaches('never'), (b) => `${b.invariant.source.line}`, ctx.evidenceLimit)) {
          const inv = g.bundles[0]!.invariant;
          if (inv.kind !== 'never') continue;
          ctx.report({ messageId: 'never', data: { from: inv.from.join(', '), to: inv.to.join(', '), paths: describe(g), why: g.blame.why }, ...report(g), key: `never:${inv.from.join(',')}>${inv.to.join(',')}`, related: [{ message: 'the invariant', location: inv.source }] });
        }
      },
    },
    {
      meta: meta('aws-intent-isolated', 'invariant', 'error', 'Isolated endpoints reach each other', 'Close the path at the security group rule named, or the route or peering that joins the VPCs.', {
        label: '{{key}}={{a}} reaches {{key}}={{b}}, which the isolation invariant forbids: {{paths}}; opened by {{why}}',
        segments: 'segment {{a}} reaches segment {{b}}, which the isolation invariant forbids: {{paths}}; opened by {{why}}',
      }, [PCI_1_3_1, SOC2_CC6_6, NIST_SC_7]),
      check(ctx) {
        for (const g of group(a, breaches('isolated'), (b) => `${b.invariant.source.line}|${b.values?.join('>')}`, ctx.evidenceLimit)) {
          const b = g.bundles[0]!;
          const inv = b.invariant;
          if (inv.kind !== 'isolated') continue;
          const [va, vb] = b.values ?? ['', ''];
          ctx.report({ messageId: inv.segments ? 'segments' : 'label', data: { key: inv.label ?? '', a: va, b: vb, paths: describe(g), why: g.blame.why }, ...report(g), key: `isolated:${inv.source.line}:${va}>${vb}`, related: [{ message: 'the invariant', location: inv.source }] });
        }
      },
    },
    {
      meta: meta('aws-intent-egress', 'invariant', 'error', 'Egress beyond the allowed destinations', 'Narrow the security group egress rules (and the routes to the internet) to the allowed destinations.', { egress: '{{from}} may reach outside the estate only {{allow}}, yet these paths are open: {{paths}}; opened by {{why}}' }, [PCI_1_3_1, NIST_SC_7_5]),
      check(ctx) {
        for (const g of group(a, breaches('egress'), (b) => `${b.invariant.source.line}`, ctx.evidenceLimit)) {
          const inv = g.bundles[0]!.invariant;
          if (inv.kind !== 'egress') continue;
          const allow = [...inv.allowSegments, ...inv.allowCidrs.map((c) => c.text)].join(', ') || 'nothing';
          ctx.report({ messageId: 'egress', data: { from: inv.from.join(', '), allow, paths: describe(g), why: g.blame.why }, ...report(g), key: `egress:${inv.from.join(',')}`, related: [{ message: 'the invariant', location: inv.source }] });
        }
      },
    },
    {
      meta: meta('aws-intent-unmapped', 'drift', 'warning', 'Network interface in no segment', 'Add it to a segment of the intent (by VPC, subnet, tags or security group).', { unmapped: '{{eni}} belongs to no segment of the intent: its paths are not checked against any flow' }, [PCI_1_2_7]),
      check(ctx) {
        for (const e of d().unmapped) ctx.report({ messageId: 'unmapped', data: { eni: e.tags['Name'] ? `${e.id} (${e.tags['Name']})` : e.id }, resource: { kind: 'NetworkInterface', name: e.id }, location: at(e.source) });
      },
    },
    {
      meta: meta('aws-intent-empty-segment', 'drift', 'info', 'Segment with no network interface', 'Fix the segment\'s criteria (a VPC or tag renamed?) or remove it.', { empty: 'segment {{segment}} matches no network interface of the estate: flows and invariants naming it check nothing' }, [PCI_1_2_7]),
      check(ctx) {
        for (const s of d().emptySegments) ctx.report({ messageId: 'empty', data: { segment: s.name }, resource: { kind: 'Segment', name: s.name }, location: s.source });
      },
    },
  ];
}
