/**
 * The intent against an AWS estate: network interfaces are placed in segments by their aws criteria, outside
 * ranges by `cidrs`, and the class-level reach is judged by the same algorithm as the cluster's
 * (src/analyses/intent/drift.ts `judge`): paths no flow allows, broken flows, invariant breaches, health.
 */
import type { NetworkInterface } from '../../inventory/aws/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import { atomize, formatRange, type IpRange } from '../../model/address.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { ip4, V6_BASE } from '../../engine/cloud/estate.js';
import { awsSegments, type AwsSubject } from '../intent/aws-membership.js';
import { homeOf, intentRanges, rangeSegments } from '../intent/membership.js';
import { groupMaker, judge, type DriftModel, type EndLike, type Judgement, type ModelGroup } from '../intent/drift.js';
import type { Intent, Segment } from '../intent/types.js';
import type { AwsAnalysis } from './reach.js';

/** One end of an AWS path: a network interface, or an outside address range. */
export interface AwsPathEnd extends EndLike {
  readonly kind: 'eni' | 'external';
  readonly eni?: NetworkInterface;
  readonly range?: IpRange;
}

/** The intent judged on an AWS estate. */
export interface AwsDrift extends Judgement<AwsPathEnd, TrafficSet> {
  readonly intent: Intent;
  /** Interfaces in no declared segment. */
  readonly unmapped: readonly NetworkInterface[];
  /** Segments with aws criteria that hold no interface. */
  readonly emptySegments: readonly Segment[];
}

/** Segments whose every matcher selects cluster workloads: an AWS estate has no member of them to judge. */
function clusterOnly(intent: Intent): (segment: string) => boolean {
  const names = new Set([...intent.segments, ...(intent.inline ?? [])].filter((s) => s.matchers.length > 0 && s.matchers.every((m) => !m.aws && !m.cidrs)).map((s) => s.name));
  return (s) => names.has(s);
}

function omitName(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const { Name: _, ...rest } = tags ?? {};
  return rest;
}

/** What the segments of an intent see of an interface: ids, names and tags of it and of its VPC, subnet and groups. */
export function awsSubjectOf(a: AwsAnalysis, e: NetworkInterface): AwsSubject {
  const est = a.estate;
  const vpc = est.vpcs.get(e.vpc);
  const subnet = est.subnets.get(e.subnet);
  const k6 = est.primary6(e);
  const first6 = k6 === undefined ? undefined : k6 - V6_BASE;
  const withName = (id: string, tags: Readonly<Record<string, string>> | undefined): string[] => (tags?.['Name'] ? [id, tags['Name']] : [id]);
  return {
    account: e.account,
    region: e.region,
    vpc: withName(e.vpc, vpc?.tags),
    subnet: withName(e.subnet, subnet?.tags),
    groups: e.securityGroups.map((g) => {
      const sg = est.groups.get(g);
      return sg ? [g, sg.name] : [g];
    }),
    // Tags an interface lacks are read from its subnet, then its VPC (an env tag usually sits on the VPC); Name is its own.
    tags: { ...omitName(vpc?.tags), ...omitName(subnet?.tags), ...e.tags },
    interface: [e.id, interfaceEndpointId(e), ...(e.tags['Name'] ? [e.tags['Name']] : [])],
    ...(e.addresses[0] ? { address: ip4(e.addresses[0]) } : {}),
    ...(first6 !== undefined ? { address6: first6 } : {}),
  };
}

/** The grouped model: interfaces by (class, segments), outside ranges by (behaviour, segments). */
export function awsIntentModel(a: AwsAnalysis, intent: Intent): DriftModel<AwsPathEnd, TrafficSet> & { readonly unmapped: NetworkInterface[] } {
  const view = a.streamReach().view;
  const est = a.estate;
  const { groups, group } = groupMaker<AwsPathEnd>(intent);
  const unmapped: NetworkInterface[] = [];
  const byClass = new Map<number, ModelGroup<AwsPathEnd>[]>();
  view.classes.forEach((c, i) => {
    for (const e of c.members) {
      const segments = awsSegments(intent, awsSubjectOf(a, e));
      if (homeOf(intent, segments) === undefined) unmapped.push(e);
      const g = group(segments, false, i);
      if (g.ends.length === 0) (byClass.get(i) ?? byClass.set(i, []).get(i)!).push(g);
      g.ends.push({ id: interfaceEndpointId(e), kind: 'eni', segments, eni: e });
    }
  });
  // Outside ranges: each behaviour's ranges cut where the intent's CIDRs change membership.
  const cuts = intentRanges(intent);
  view.externals.forEach((x, k) => {
    for (const range of x.ranges) {
      const pieces = atomize(range.family, [...cuts, range]).filter((p) => p.lo >= range.lo && p.hi <= range.hi);
      let prev: { range: IpRange; segs: string[] } | undefined;
      const flush = (): void => {
        if (prev) group(prev.segs, true, k).ends.push({ id: formatRange(prev.range), kind: 'external', segments: prev.segs, range: prev.range });
      };
      for (const p of pieces) {
        const segs = rangeSegments(intent, p);
        if (prev && prev.segs.join('\u0000') === segs.join('\u0000')) prev.range = { family: prev.range.family, lo: prev.range.lo, hi: p.hi };
        else {
          flush();
          prev = { range: p, segs };
        }
      }
      flush();
    }
  });
  const rows = view.classes.map((_, i) => new Map(view.row(i).map((r) => [r.j, r.conns])));
  const eniGroups = groups.filter((g) => !g.external);
  const externalGroups = groups.filter((g) => g.external);
  const succ = new Map<ModelGroup<AwsPathEnd>, ModelGroup<AwsPathEnd>[]>();
  return {
    groups,
    unmapped,
    none: TrafficSet.EMPTY,
    flowTraffic: (f) => f.traffic,
    labelValue(e, inv) {
      if (!e.eni) return undefined;
      const key = inv.label!;
      const own = e.eni.tags[key];
      const vpc = est.vpcs.get(e.eni.vpc)?.tags[key];
      // `isolated: tenant` reads the interface's tag, then its subnet's, then its VPC's (tenant VPCs).
      return inv.on === 'pod' ? own : inv.on === 'namespace' ? vpc : (own ?? est.subnets.get(e.eni.subnet)?.tags[key] ?? vpc);
    },
    successors(g) {
      let l = succ.get(g);
      if (!l) {
        l = g.external ? eniGroups : [...[...rows[g.b]!.keys()].flatMap((j) => byClass.get(j) ?? []), ...externalGroups];
        l.sort((x, y) => x.index - y.index);
        succ.set(g, l);
      }
      return l;
    },
    conns(g1, g2) {
      if (g1.external && g2.external) return TrafficSet.EMPTY;
      if (g2.external) return view.externals[g2.b]!.out(g1.b);
      if (g1.external) return view.externals[g1.b]!.in(g2.b);
      return rows[g1.b]!.get(g2.b) ?? TrafficSet.EMPTY;
    },
  };
}

/** Judges an AWS estate against an intent. */
export function awsDrift(a: AwsAnalysis, intent: Intent): AwsDrift {
  const m = awsIntentModel(a, intent);
  const cluster = clusterOnly(intent);
  const j = judge(m, intent, (s) => !cluster(s));
  const used = new Set(m.groups.flatMap((g) => g.segments));
  return { intent, ...j, unmapped: m.unmapped, emptySegments: intent.segments.filter((s) => !used.has(s.name) && s.matchers.some((x) => x.aws)) };
}
