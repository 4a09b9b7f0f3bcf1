/**
 * Segment membership of AWS network interfaces: a matcher's aws criteria (account, region, VPC, subnet,
 * security group, tags, address block: the primary private IPv4 or the first IPv6 address) must all hold. VPCs, subnets and groups are named by id or by their
 * `Name` tag (groups also by group name), with `*` globs. Outside ranges are placed by `cidrs` as in the cluster.
 */
import type { Labels } from '../../inventory/types.js';
import { matchesSelector } from '../../inventory/selector.js';
import { compileGlob } from '../../util/glob.js';
import type { Intent, SegmentMatcher } from './types.js';

/** What an aws matcher looks at of one network interface. */
export interface AwsSubject {
  readonly account: string;
  readonly region: string;
  /** The VPC's id and, when tagged, its Name. */
  readonly vpc: readonly string[];
  readonly subnet: readonly string[];
  /** Per group: its id, name and Name tag. */
  readonly groups: readonly (readonly string[])[];
  readonly tags: Labels;
  /** The interface's ENI id, endpoint id and, when tagged, Name. */
  readonly interface: readonly string[];
  /** The primary private IPv4 address (none for an IPv6-only interface). */
  readonly address?: bigint;
  /** The first IPv6 address (the one IPv6 paths use), when it has one. */
  readonly address6?: bigint;
}

const globs = new Map<string, (s: string) => boolean>();
function named(patterns: readonly string[], names: readonly string[]): boolean {
  return patterns.some((p) => {
    let g = globs.get(p);
    if (!g) globs.set(p, (g = compileGlob(p)));
    return names.some((n) => g!(n));
  });
}

/** Does a matcher take this network interface? */
export function matcherTakesEni(m: SegmentMatcher, s: AwsSubject): boolean {
  const a = m.aws;
  if (!a) return false;
  if (a.accounts && !named(a.accounts, [s.account])) return false;
  if (a.regions && !named(a.regions, [s.region])) return false;
  if (a.vpcs && !named(a.vpcs, s.vpc)) return false;
  if (a.subnets && !named(a.subnets, s.subnet)) return false;
  if (a.securityGroups && !s.groups.some((g) => named(a.securityGroups!, g))) return false;
  if (a.interfaces && !named(a.interfaces, s.interface)) return false;
  if (a.tags && !matchesSelector(a.tags, s.tags)) return false;
  if (a.cidrs) {
    // The addresses the interface's paths use: its primary private IPv4 and its first IPv6 address, each
    // against the blocks of its family (a dual-stack interface is in a block of either).
    const holds = (c: (typeof a.cidrs)[number]): boolean => {
      const v = c.cidr.range.family === 4 ? s.address : s.address6;
      return v !== undefined && c.cidr.range.lo <= v && v <= c.cidr.range.hi;
    };
    if (!a.cidrs.some(holds)) return false;
  }
  return true;
}

/** Segments of a network interface: the declared ones in file order (the first is its home), then those written in place. */
export function awsSegments(intent: Intent, s: AwsSubject): string[] {
  const out: string[] = [];
  for (const seg of [...intent.segments, ...(intent.inline ?? [])]) if (seg.matchers.some((m) => matcherTakesEni(m, s))) out.push(seg.name);
  return out;
}
