/**
 * Segmentation tests on an AWS estate: the members checks are drawn from (network interfaces sampled per
 * class and segments, as the cluster samples replicas of a workload; one address per outside behaviour),
 * and the model's verdict on a check with the security group rule, ACL entry or route that decides it.
 */
import type { NetworkInterface } from '../../inventory/aws/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import { formatIp, type Family, type IpRange } from '../../model/address.js';
import { PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';
import { DEFAULT_EPHEMERAL, type PathAnswer } from '../../engine/cloud/path.js';
import type { Endpoint } from '../../engine/cloud/routing.js';
import type { StepRule } from '../../engine/cloud/steps.js';
import { addressKey, ip4, ipKey, keyFamily } from '../../engine/cloud/estate.js';
import type { AwsAnalysis } from '../aws/reach.js';
import { awsIntentModel } from '../aws/intent.js';
import type { Intent } from '../intent/types.js';
import { addressMember, pickAddress, type Member, type Population } from './cases.js';
import type { Check, CheckEnd, ModelVerdict } from './types.js';

/** IP protocol numbers of the protocols a check names. */
export const PROTOCOL_NUMBER = { TCP: PROTO_TCP, UDP: PROTO_UDP, SCTP: 132 } as const;

/** True for a check with an AWS network interface at one end (the estate judges it). */
export function isAwsCheck(c: Check): boolean {
  return c.from.eni !== undefined || c.to.eni !== undefined;
}

/** "eni-0abc[web]": the interface id and its Name tag, as the other AWS reports print it. */
export function eniLabel(e: NetworkInterface): string {
  return e.tags['Name'] ? `${e.id}[${e.tags['Name']}]` : e.id;
}

function eniEnd(e: NetworkInterface, segment?: string): CheckEnd {
  return { id: eniLabel(e), eni: interfaceEndpointId(e), ...(e.instanceId ? { instance: e.instanceId } : {}), ...(segment ? { segment } : {}) };
}

function sample<T>(xs: readonly T[]): T[] {
  return xs.length <= 1 ? [...xs] : [xs[0]!, xs[xs.length - 1]!];
}

/** Addresses an outside end must not take: the VPCs' blocks and every public address of the estate. */
function reserved(aws: AwsAnalysis): IpRange[] {
  const inv = aws.inventory;
  const one = (s: string): IpRange => {
    const v = ip4(s);
    return { family: 4, lo: v, hi: v };
  };
  return [
    ...inv.vpcs.flatMap((v) => v.cidrs.map((c) => c.range)),
    ...inv.interfaces.flatMap((e) => (e.publicIp ? [one(e.publicIp)] : [])),
    ...inv.natGateways.flatMap((n) => (n.publicIp ? [one(n.publicIp)] : [])),
  ];
}

/** An address of an outside range for a check: IPv4 as the cluster picks them; IPv6 past the range's first address, clear of the VPCs' blocks. */
function pickOutside(r: IpRange, avoid: readonly IpRange[]): string | undefined {
  if (r.family === 4) return pickAddress(r, avoid);
  let lo = r.hi > r.lo + 1n ? r.lo + 1n : r.lo;
  for (const b of avoid.filter((x) => x.family === 6 && x.hi >= lo && x.lo <= r.hi).sort((x, y) => (x.lo < y.lo ? -1 : 1))) {
    if (b.lo > lo) break;
    lo = b.hi + 1n;
  }
  return lo <= r.hi ? formatIp(6, lo) : undefined;
}

/**
 * The estate's members: per endpoint class and segment list (and value of each `isolated` key), up to two
 * interfaces; per outside behaviour and segment list, one address (up to four per home segment, the
 * narrowest ranges first: those a rule singles out).
 */
export function awsPopulation(aws: AwsAnalysis, intent: Intent): Population {
  const model = awsIntentModel(aws, intent);
  const avoid = reserved(aws);
  const isolated = intent.invariants.filter((i): i is Extract<Intent['invariants'][number], { kind: 'isolated' }> => i.kind === 'isolated');
  const members: Member[] = [];
  for (const g of model.groups) {
    if (g.external) continue;
    // Interfaces of one class and segment list behave alike, but an `isolated` key may still tell them apart.
    const byValue = new Map<string, typeof g.ends>();
    for (const e of g.ends) {
      const k = isolated.map((inv) => model.labelValue(e, inv) ?? '\u0000').join('\u0001');
      const l = byValue.get(k) ?? [];
      l.push(e);
      byValue.set(k, l);
    }
    let n = 0;
    for (const ends of byValue.values()) {
      const first = ends[0]!;
      members.push({
        key: `aws:${g.index}:${n++}`,
        ends: sample(ends).map((e) => eniEnd(e.eni!, g.segments[0])),
        segments: g.segments,
        inside: true,
        ports: [],
        isolationValue: (inv) => model.labelValue(first, inv),
      });
    }
  }
  const outside = model.groups
    .filter((g) => g.external)
    .map((g) => {
      const ranges = g.ends.map((e) => e.range!).sort((x, y) => (x.hi - x.lo < y.hi - y.lo ? -1 : x.hi - x.lo > y.hi - y.lo ? 1 : 0));
      const ip = ranges.map((r) => pickOutside(r, avoid)).find((x) => x !== undefined);
      return { g, ip, size: ranges[0] ? ranges[0].hi - ranges[0].lo : 0n };
    })
    .filter((x) => x.ip !== undefined)
    .sort((x, y) => (x.size < y.size ? -1 : x.size > y.size ? 1 : 0));
  const perHome = new Map<string, number>();
  for (const { g, ip } of outside) {
    const home = g.segments[0] ?? '';
    if ((perHome.get(home) ?? 0) >= 4) continue;
    perHome.set(home, (perHome.get(home) ?? 0) + 1);
    members.push({ key: ip!, ends: [{ id: ip!, address: ip!, ...(home ? { segment: home } : {}) }], segments: g.segments, inside: false, ports: [] });
  }
  const eniMember = (e: NetworkInterface): Member => ({ key: `eni:${interfaceEndpointId(e)}`, ends: [eniEnd(e)], segments: [], inside: true, ports: [] });
  // The address each interface's paths use, per family: its primary private IPv4, its first IPv6 address.
  const primaries = aws.inventory.interfaces.map((e) => ({ e, a: { 4: aws.estate.primary4(e), 6: aws.estate.primary6(e) } }));
  return {
    members,
    allows: (c) => awsModelVerdict(aws, c).verdict === 'allow',
    resolve(end) {
      if (end.kind === 'segment') return members.filter((m) => m.segments.includes(end.name));
      if (end.kind === 'address') {
        const r = end.cidr.range;
        const lo = addressKey(r.family, r.lo);
        const hi = addressKey(r.family, r.hi);
        const held = primaries.filter(({ a }) => a[r.family] !== undefined && lo <= a[r.family]! && a[r.family]! <= hi).map(({ e }) => eniMember(e));
        if (held.length) return held;
        const ip = r.lo === r.hi ? formatIp(r.family, r.lo) : pickOutside(r, avoid);
        if (!ip || aws.estate.anyVpcContains(ipKey(ip))) return [];
        return [addressMember(intent, ip)];
      }
      const e = aws.endpointOf(end.spec);
      return e?.kind === 'eni' ? [eniMember(e.eni)] : [];
    },
  };
}

/**
 * The families a check is evaluated (and probed) in, as the engine's path takes them: an outside end's
 * address decides; two interfaces with IPv6 addresses meet over both families when both have IPv4 too,
 * over IPv6 alone when one is IPv6-only; otherwise over IPv4.
 */
export function checkFamilies(aws: AwsAnalysis, c: Check): Family[] {
  const s = awsEndpointOf(aws, c.from);
  const d = awsEndpointOf(aws, c.to);
  if (s.kind !== 'eni') return [keyFamily(s.address)];
  if (d.kind !== 'eni') return [keyFamily(d.address)];
  const est = aws.estate;
  if (est.primary6(s.eni) === undefined || est.primary6(d.eni) === undefined) return [4];
  return est.primary4(s.eni) === undefined || est.primary4(d.eni) === undefined ? [6] : [4, 6];
}

/** The engine's endpoint for a check end. */
export function awsEndpointOf(aws: AwsAnalysis, e: CheckEnd): Endpoint {
  if (e.eni) {
    const x = aws.endpointOf(e.eni);
    if (x?.kind === 'eni') return x;
    throw new Error(`no network interface ${e.eni} in the estate`);
  }
  return { kind: 'external', address: ipKey(e.address!) };
}

/** The path answer for a check. */
export function awsPathOf(aws: AwsAnalysis, c: Check): PathAnswer {
  return aws.explainPath(awsEndpointOf(aws, c.from), awsEndpointOf(aws, c.to));
}

function ruleText(r: StepRule): string {
  return r.source ? `${r.id} (${r.source.file}:${r.source.line} ${r.source.path})` : r.id;
}

/**
 * The model's verdict on a check over the estate: allowed, with the rules of each stage that let the packet
 * through (security groups, ACL entries, routes); denied, with every stage that stops it, or the ACL that
 * drops its replies.
 */
export function awsModelVerdict(aws: AwsAnalysis, c: Check): ModelVerdict {
  const ans = awsPathOf(aws, c);
  if (!ans.ipv6 || !ans.ipv4) return answerVerdict(ans, c);
  // Two dual-stack interfaces: the check is allowed when either family is; each family's verdict beside.
  const v4 = answerVerdict({ ...ans, conns: ans.ipv4.conns, responseBlocked: ans.ipv4.responseBlocked }, c);
  const v6 = answerVerdict(ans.ipv6, c);
  const families = { 4: v4.verdict, 6: v6.verdict };
  if (v4.verdict === v6.verdict) return { ...answerVerdict(ans, c), families };
  // The families differ: the one that lets the check through explains it, the other is named too.
  const [yes, no, f, g] = v4.verdict === 'allow' ? [v4, v6, 4, 6] : [v6, v4, 6, 4];
  return { verdict: 'allow', rule: `${yes.rule} (over IPv${f}; over IPv${g} ${no.rule})`, ...(yes.ruleSource ? { ruleSource: yes.ruleSource } : {}), families };
}

function answerVerdict(ans: PathAnswer, c: Check): ModelVerdict {
  const proto = PROTOCOL_NUMBER[c.protocol];
  const hit = (t: TrafficSet): boolean => t.has(proto, c.port);
  const caveat = ans.assumptions.filter((a) => a.startsWith('not evaluated')).map((a) => ` (${a})`).join('');
  const forward = ans.steps.filter((s) => s.stage !== 'nacl-reply');
  if (hit(ans.conns)) {
    const parts = forward.map((s) => {
      const rules = s.rules.filter((r) => r.action === 'allow' && (!r.traffic || hit(r.traffic)));
      return `${s.stage} ${rules.length ? rules.map(ruleText).join(', ') : s.resource}`;
    });
    const src = ['sg-ingress', 'sg-egress'].map((st) => forward.find((s) => s.stage === st)?.rules.find((r) => r.action === 'allow' && r.source && (!r.traffic || hit(r.traffic)))?.source).find((x) => x);
    return { verdict: 'allow', rule: `allowed: ${parts.join('; ')}`, ...(src ? { ruleSource: { file: src.file, line: src.line } } : {}) };
  }
  const parts: string[] = [];
  const located: StepRule[] = [];
  for (const s of forward) {
    if (hit(s.traffic)) continue;
    const deny = s.rules.filter((r) => r.action === 'deny' && (!r.traffic || hit(r.traffic)));
    located.push(...deny.filter((r) => r.source));
    parts.push(`${s.stage}: ${s.message}${deny.map((r) => ` [${ruleText(r)}]`).join('')}`);
  }
  if (parts.length === 0 && hit(ans.responseBlocked)) {
    const reply = proto === PROTO_TCP || proto === PROTO_UDP ? TrafficSet.ports(proto, DEFAULT_EPHEMERAL[0], DEFAULT_EPHEMERAL[1]) : TrafficSet.EMPTY;
    for (const s of ans.steps) {
      if (s.stage !== 'nacl-reply' || reply.isSubsetOf(s.traffic)) continue;
      const deny = s.rules.filter((r) => r.action === 'deny' && (!r.traffic || !r.traffic.intersect(reply).isEmpty()));
      located.push(...deny.filter((r) => r.source));
      parts.push(`the request passes but replies are dropped: ${s.message}${deny.map((r) => ` [${ruleText(r)}]`).join('')}`);
    }
  }
  if (parts.length === 0) parts.push('no stage allows it');
  const src = located[0]?.source;
  return { verdict: 'deny', rule: `denied: ${parts.join('; ')}${caveat}`, ...(src ? { ruleSource: { file: src.file, line: src.line } } : {}) };
}
