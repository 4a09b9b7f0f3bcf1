/**
 * A starting intent from an AWS estate as it is: one segment per endpoint class (interfaces that every stage
 * treats alike), written with the most readable criterion that takes exactly its interfaces (its VPC, its
 * subnet, its subnet and one security group, else the list of its interfaces), the outside ranges that
 * behave differently, and the flows open today between them. Auditing the estate against it finds nothing
 * unintended or broken, and every pair of interfaces in different segments is intended exactly what is open.
 */
import type { NetworkInterface } from '../../inventory/aws/types.js';
import { rangeToCidrs } from '../../model/address.js';
import { lex } from '../../util/compare.js';
import { mergeFlows, namer, type DraftIntent, type DraftSegment } from '../intent/init.js';
import { trafficSpecs } from '../intent/traffic-spec.js';
import { WORLD } from '../intent/types.js';
import type { AwsAnalysis } from './reach.js';

/** A name usable as a criterion: the `Name` tag when no other object of the kind has it (and it is no glob), else the id. */
function readable<T extends { id: string; tags: Readonly<Record<string, string>> }>(objects: Iterable<T>): (id: string) => string {
  const byName = new Map<string, number>();
  const list = [...objects];
  for (const o of list) if (o.tags['Name']) byName.set(o.tags['Name'], (byName.get(o.tags['Name']) ?? 0) + 1);
  const ids = new Set(list.map((o) => o.id));
  const of = new Map(list.map((o) => [o.id, o]));
  return (id) => {
    const n = of.get(id)?.tags['Name'];
    return n && byName.get(n) === 1 && !n.includes('*') && !ids.has(n) ? n : id;
  };
}

/** The starting intent of an estate; `taken` are segment names already used (none by default). */
export function draftAwsIntent(a: AwsAnalysis, taken: Iterable<string> = []): DraftIntent {
  const view = a.streamReach().view;
  const est = a.estate;
  const inv = a.inventory;
  const vpcName = readable(est.vpcs.values());
  const subnetName = readable(est.subnets.values());
  const groupNames = new Map<string, number>();
  for (const g of est.groups.values()) groupNames.set(g.name, (groupNames.get(g.name) ?? 0) + 1);
  const groupName = (id: string): string => {
    const g = est.groups.get(id);
    return g && groupNames.get(g.name) === 1 && !g.name.includes('*') && !est.groups.has(g.name) ? g.name : id;
  };
  const eniNames = new Map<string, number>();
  for (const e of inv.interfaces) if (e.tags['Name']) eniNames.set(e.tags['Name'], (eniNames.get(e.tags['Name']) ?? 0) + 1);
  const eniRef = (e: NetworkInterface): string => (e.tags['Name'] && eniNames.get(e.tags['Name']) === 1 && !e.tags['Name'].includes('*') ? e.tags['Name'] : e.id);
  // How many interfaces each candidate criterion takes: a criterion is exact for a class when it takes as many as the class has.
  const count = new Map<string, number>();
  const bump = (k: string): void => void count.set(k, (count.get(k) ?? 0) + 1);
  for (const e of inv.interfaces) {
    bump(`v|${e.vpc}`);
    bump(`s|${e.subnet}`);
    for (const g of new Set(e.securityGroups)) bump(`g|${e.subnet}|${g}`);
  }
  const names = namer();
  for (const t of taken) names.take(t);
  const name = names.take;
  const segments: DraftSegment[] = [];
  const partName: string[] = [];
  // Classes in the order of their first interface id, so the file reads like reach.
  const order = view.classes.map((c, i) => ({ c, i, key: c.members.map((m) => m.id).sort(lex)[0]! })).sort((x, y) => lex(x.key, y.key));
  for (const { c, i } of order) {
    const rep = c.members[0]!;
    const n = c.members.length;
    let seg: DraftSegment;
    if (count.get(`v|${rep.vpc}`) === n) seg = { name: name(vpcName(rep.vpc)), aws: { vpc: vpcName(rep.vpc) } };
    else if (count.get(`s|${rep.subnet}`) === n) seg = { name: name(subnetName(rep.subnet)), aws: { subnet: subnetName(rep.subnet) } };
    else {
      const g = [...rep.securityGroups].sort(lex).find((x) => count.get(`g|${rep.subnet}|${x}`) === n);
      if (g !== undefined) seg = { name: name(`${subnetName(rep.subnet)}-${groupName(g)}`), aws: { subnet: subnetName(rep.subnet), securityGroup: groupName(g) } };
      else {
        const refs = c.members.map(eniRef).sort(lex);
        seg = { name: name(refs[0]!), aws: { interfaces: refs } };
      }
    }
    partName[i] = seg.name;
    segments.push(seg);
  }
  // Outside: the IPv4 behaviour holding the most addresses is the built-in world (the largest IPv6 one when the
  // estate has no IPv4 outside range); the largest IPv6 one is internet-ipv6; the others list their CIDRs.
  const size = (x: (typeof view.externals)[number]): bigint => x.ranges.reduce((s, r) => s + r.hi - r.lo + 1n, 0n);
  const family = (x: (typeof view.externals)[number]): number => x.ranges[0]?.family ?? 4;
  const largest = (f: number): number => {
    let best = -1;
    view.externals.forEach((x, k) => {
      if (family(x) === f && (best < 0 || size(x) > size(view.externals[best]!))) best = k;
    });
    return best;
  };
  const world = largest(4) >= 0 ? largest(4) : largest(6);
  const internet6 = world === largest(6) ? -1 : largest(6);
  const extName: string[] = view.externals.map((x, k) => {
    if (k === world) return WORLD;
    const cidrs = x.ranges.flatMap(rangeToCidrs);
    const base = k === internet6 ? 'internet-ipv6' : family(x) === 6 ? `net6-${cidrs[0]!.replace(/[/:.]+/g, '-').replace(/^-|-$/g, '')}` : `net-${cidrs[0]!.replace(/[/.]/g, '-')}`;
    const seg = { name: name(base), cidrs };
    segments.push(seg);
    return seg.name;
  });
  const edges: Array<{ from: string; to: string; ports: string[] | null }> = [];
  const specs = (t: Parameters<typeof trafficSpecs>[0]): string[] | null => trafficSpecs(t) ?? null;
  view.classes.forEach((_, i) => {
    // Paths inside one segment are not checked: a class's members to each other are not a flow.
    for (const { j, conns } of view.row(i)) if (j !== i) edges.push({ from: partName[i]!, to: partName[j]!, ports: specs(conns) });
    view.externals.forEach((x, k) => {
      const out = x.out(i);
      const into = x.in(i);
      if (!out.isEmpty()) edges.push({ from: partName[i]!, to: extName[k]!, ports: specs(out) });
      if (!into.isEmpty()) edges.push({ from: extName[k]!, to: partName[i]!, ports: specs(into) });
    });
  });
  return { segments, flows: mergeFlows(edges, segments) };
}
