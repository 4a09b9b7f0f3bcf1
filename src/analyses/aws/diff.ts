/**
 * What a change to an AWS estate does to reachability: pairs of interfaces (and outside ranges) whose
 * traffic opens or closes, each with its cause: the settings (security group rules, NACL entries, routes,
 * gateways) that decide the path on one side and not on the other, with file and JSON path. Interfaces read
 * from Terraform are matched by resource address, so one that a plan replaces is the same endpoint.
 */
import type { AwsSourceRef, NetworkInterface, SgRule } from '../../inventory/aws/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import type { UnmodelledObject } from '../../inventory/types.js';
import { formatIp, parseCidr, rangeToCidrs, type IpRange } from '../../model/address.js';
import { TrafficSet } from '../../model/traffic-set.js';
import type { PathAnswer } from '../../engine/cloud/path.js';
import type { StageId, StepRule } from '../../engine/cloud/steps.js';
import { lex } from '../../util/compare.js';
import type { AwsAnalysis, AwsEndpointJSON } from './reach.js';
import type { Intent } from '../intent/types.js';
import { awsDriftDelta, type AwsDriftDelta } from './diff-drift.js';

export type AwsChangeKind = 'added' | 'removed' | 'changed';

/** A setting that decides the pair's path on one side only. */
export interface AwsCause {
  /** `added`: decides the path after the change only; `removed`: before only. */
  readonly change: 'added' | 'removed';
  readonly stage: StageId;
  readonly action: 'allow' | 'deny';
  /** The rule as explain names it ("sg-1 ingress #0", "acl-1 inbound #100", "rtb-1 10.1.0.0/16 -> pcx-1"). */
  readonly rule: string;
  readonly traffic?: TrafficSet;
  readonly source?: AwsSourceRef;
}

export interface AwsDiffChange {
  readonly kind: AwsChangeKind;
  readonly src: string;
  readonly dst: string;
  readonly old: TrafficSet;
  readonly new: TrafficSet;
  readonly opened: TrafficSet;
  readonly closed: TrafficSet;
  /** Requests that pass but whose replies a NACL drops, before and after. */
  readonly oldResponseBlocked: TrafficSet;
  readonly newResponseBlocked: TrafficSet;
  readonly causes: readonly AwsCause[];
  /** "interface X added" when an end exists on one side only. */
  readonly endpointsInfo?: string;
}

export interface AwsUnmodelledChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly object: UnmodelledObject;
}

export interface AwsDiffResult {
  readonly old: string;
  readonly new: string;
  /** Endpoints named by the changes (the new side's description when both have one). */
  readonly endpoints: ReadonlyMap<string, AwsEndpointJSON>;
  readonly changes: readonly AwsDiffChange[];
  /** Pairs with something allowed on both sides and no change. */
  readonly unchanged: number;
  /** VPC id -> its Name tag, for headlines. */
  readonly vpcNames: ReadonlyMap<string, string>;
  readonly summary: { readonly added: number; readonly removed: number; readonly changed: number };
  /** Settings not evaluated that the change adds, removes or edits: their effect is unknown. */
  readonly unmodelled: readonly AwsUnmodelledChange[];
  /** Every outside address of either side, as CIDRs: what `internet` stands for when reports name ranges. */
  readonly outsideSpace?: readonly string[];
  /** With an intent: the violations and broken flows the change introduces or fixes. */
  readonly drift?: AwsDriftDelta;
}

interface PairTraffic {
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
}

const NONE: PairTraffic = { conns: TrafficSet.EMPTY, responseBlocked: TrafficSet.EMPTY };

/** An interface's identity across the two sides: its Terraform address, else its endpoint id. */
function identity(e: NetworkInterface): string {
  return e.source.address ? `tf:${e.source.address}` : interfaceEndpointId(e);
}

interface Side {
  readonly a: AwsAnalysis;
  /** identity -> endpoint id on this side. */
  readonly ids: Map<string, string>;
  readonly byId: Map<string, AwsEndpointJSON>;
  readonly pairs: Map<string, PairTraffic>;
  /** Outside ranges, sorted, each with its answers per interface identity. */
  readonly outside: Array<{ ranges: IpRange[]; answers: Map<string, { in: PairTraffic; out: PairTraffic }> }>;
}

function sideOf(a: AwsAnalysis): Side {
  const r = a.streamReach();
  const ids = new Map<string, string>();
  const identOf = new Map<string, string>();
  for (const e of a.inventory.interfaces) {
    ids.set(identity(e), interfaceEndpointId(e));
    identOf.set(interfaceEndpointId(e), identity(e));
  }
  const byId = new Map(r.endpoints.map((e) => [e.id, e]));
  const pairs = new Map<string, PairTraffic>();
  for (const c of r.connections()) {
    const s = identOf.get(c.src);
    const d = identOf.get(c.dst);
    if (s && d) pairs.set(`${s}\0${d}`, c);
  }
  const ranges = new Map<string, { ranges: IpRange[]; answers: Map<string, { in: PairTraffic; out: PairTraffic }> }>();
  for (const x of r.outside()) {
    let g = ranges.get(x.range.id);
    if (!g) {
      const rs = (x.range.cidrs ?? []).map((c) => parseCidr(c)!.range);
      ranges.set(x.range.id, (g = { ranges: rs, answers: new Map() }));
    }
    g.answers.set(identity(x.eni), { in: x.in, out: x.out });
  }
  // Ranges with no interface to answer for (an estate without interfaces) still cover the space.
  for (const e of r.endpoints) if (e.kind === 'External' && !ranges.has(e.id)) ranges.set(e.id, { ranges: (e.cidrs ?? []).map((c) => parseCidr(c)!.range), answers: new Map() });
  return { a, ids, byId, pairs, outside: [...ranges.values()] };
}

const same = (x: PairTraffic, y: PairTraffic): boolean => x.conns.equals(y.conns) && x.responseBlocked.equals(y.responseBlocked);
const some = (x: PairTraffic): boolean => !x.conns.isEmpty() || !x.responseBlocked.isEmpty();

/** The range of a side that holds an address of a family, as an index into `outside` (-1: inside a VPC there). */
function locate(s: Side): (family: 4 | 6, addr: bigint) => number {
  const cmp = (f: 4 | 6, a: bigint, g: 4 | 6, b: bigint): number => f - g || (a < b ? -1 : a > b ? 1 : 0);
  const flat = s.outside.flatMap((g, i) => g.ranges.map((r) => ({ family: r.family, lo: r.lo, hi: r.hi, i }))).sort((x, y) => cmp(x.family, x.lo, y.family, y.lo));
  return (family, addr) => {
    let lo = 0;
    let hi = flat.length - 1;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      const f = flat[m]!;
      if (cmp(family, addr, f.family, f.lo) < 0) hi = m - 1;
      else if (cmp(family, addr, f.family, f.hi) > 0) lo = m + 1;
      else return f.i;
    }
    return -1;
  };
}

/**
 * Outside space cut where either side cuts it: atoms that behave alike within each side, per address family
 * (IPv6 only when a side has IPv6 outside ranges; cutting both families on one line made an IPv4 "atom" of
 * the space up to the IPv6 ranges, which never finished turning into CIDRs).
 */
function atoms(o: Side, n: Side): IpRange[] {
  const out: IpRange[] = [];
  for (const family of [4, 6] as const) {
    const cuts = new Set<bigint>([0n, family === 4 ? 1n << 32n : 1n << 128n]);
    let any = family === 4;
    for (const s of [o, n]) for (const g of s.outside) for (const r of g.ranges) {
      if (r.family !== family) continue;
      any = true;
      cuts.add(r.lo);
      cuts.add(r.hi + 1n);
    }
    if (!any) continue;
    const sorted = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) out.push({ family, lo: sorted[i]!, hi: sorted[i + 1]! - 1n });
  }
  return out;
}

/** Where a setting was read, stable across Terraform documents: its address and its path below `values`. */
function settingKey(src: AwsSourceRef): string | undefined {
  return src.address ? `${src.address}${src.path.replace(/^.*?resources\[\d+\]\.values/, '')}` : undefined;
}

/** The settings of an estate read from Terraform (rules, entries, routes, groups, tables), by settingKey. */
function settingsOf(inv: AwsAnalysis['inventory']): Set<string> {
  const out = new Set<string>();
  const add = (s: AwsSourceRef): void => {
    const k = settingKey(s);
    if (k) out.add(k);
  };
  for (const g of inv.securityGroups) [g, ...g.ingress, ...g.egress].forEach((x) => add(x.source));
  for (const a of inv.networkAcls) [a, ...a.inbound, ...a.outbound].forEach((x) => add(x.source));
  for (const t of inv.routeTables) [t, ...t.routes].forEach((x) => add(x.source));
  for (const x of [...inv.internetGateways, ...inv.natGateways, ...inv.peerings, ...inv.tgwAttachments, ...inv.tgwRouteTables, ...inv.tgwRouteTables.flatMap((t) => t.routes)]) add(x.source);
  return out;
}

/** What each rule, entry and route of an estate says, by where it was read: an edit in place changes it. */
function contentsOf(inv: AwsAnalysis['inventory']): Map<string, string> {
  const out = new Map<string, string>();
  const at = (s: AwsSourceRef): string => `${s.file}#${s.path}`;
  const peer = (x: SgRule['peer']): string => (x.kind === 'cidr' ? x.text : x.id);
  for (const g of inv.securityGroups) for (const x of [...g.ingress, ...g.egress]) out.set(at(x.source), `${out.get(at(x.source)) ?? ''}${x.traffic.key()}>${peer(x.peer)};`);
  for (const a of inv.networkAcls) for (const e of [...a.inbound, ...a.outbound]) out.set(at(e.source), `${e.ruleNumber}${e.action}${e.traffic.key()}${e.cidr.range.lo}/${e.cidr.prefix}`);
  for (const t of inv.routeTables) for (const r of t.routes) out.set(at(r.source), `${r.destination.kind === 'cidr' ? r.destination.text : r.destination.id}>${r.target.id}/${r.state}`);
  for (const t of inv.tgwRouteTables) for (const r of t.routes) out.set(at(r.source), `${r.destination.kind === 'cidr' ? r.destination.text : r.destination.id}>${r.attachments.join(',')}/${r.state}`);
  return out;
}

function ruleKey(stage: StageId, r: StepRule, contents: ReadonlyMap<string, string>): string {
  // Rule numbers of security groups are positions: with a Terraform address the resource names the rule.
  const where = (r.source && settingKey(r.source)) ?? r.id;
  const what = r.source ? (contents.get(`${r.source.file}#${r.source.path}`) ?? '') : '';
  return `${stage}|${r.action}|${r.id.replace(/ #\S+$/, '')}|${where}|${what}`;
}

function rulesOf(p: PathAnswer | undefined, contents: ReadonlyMap<string, string>): Map<string, AwsCause> {
  const out = new Map<string, AwsCause>();
  for (const s of p?.steps ?? []) {
    for (const r of s.rules) {
      const k = ruleKey(s.stage, r, contents);
      if (!out.has(k)) out.set(k, { change: 'added', stage: s.stage, action: r.action, rule: r.id, ...(r.traffic ? { traffic: r.traffic } : {}), ...(r.source ? { source: r.source } : {}) });
    }
  }
  return out;
}

/** The settings that decide the path on one side only. */
function causesOf(before: PathAnswer | undefined, after: PathAnswer | undefined, contents: { old: ReadonlyMap<string, string>; new: ReadonlyMap<string, string> }): AwsCause[] {
  const o = rulesOf(before, contents.old);
  const n = rulesOf(after, contents.new);
  const out: AwsCause[] = [];
  for (const [k, c] of n) if (!o.has(k)) out.push(c);
  for (const [k, c] of o) if (!n.has(k)) out.push({ ...c, change: 'removed' });
  return out;
}

function unmodelledChanges(o: readonly UnmodelledObject[], n: readonly UnmodelledObject[]): AwsUnmodelledChange[] {
  const key = (u: UnmodelledObject): string => `${u.kind}/${u.name}`;
  const content = (u: UnmodelledObject): string => `${u.effect}|${u.selects === 'unknown' ? '' : u.selects.join(',')}`;
  const before = new Map(o.map((u) => [key(u), u]));
  const after = new Map(n.map((u) => [key(u), u]));
  const out: AwsUnmodelledChange[] = [];
  for (const [k, u] of after) {
    const b = before.get(k);
    if (!b) out.push({ change: 'added', object: u });
    else if (content(b) !== content(u)) out.push({ change: 'changed', object: u });
  }
  for (const [k, u] of before) if (!after.has(k)) out.push({ change: 'removed', object: u });
  return out.sort((x, y) => lex(key(x.object), key(y.object)));
}

export interface AwsDiffOptions {
  readonly oldName?: string;
  readonly newName?: string;
  /** Judge both sides against it and report what the change does to the drift. */
  readonly intent?: Intent;
}

/** Compares two analysed estates. */
export function diffAws(oldA: AwsAnalysis, newA: AwsAnalysis, opts: AwsDiffOptions = {}): AwsDiffResult {
  const o = sideOf(oldA);
  const n = sideOf(newA);
  const endpoints = new Map<string, AwsEndpointJSON>();
  const changes: AwsDiffChange[] = [];
  let unchanged = 0;
  const shownId = (ident: string): string => n.ids.get(ident) ?? o.ids.get(ident) ?? ident;
  const endpointOf = (ident: string): AwsEndpointJSON | undefined => n.byId.get(n.ids.get(ident) ?? '') ?? o.byId.get(o.ids.get(ident) ?? '');
  const info = (idents: readonly string[]): string | undefined => {
    const parts = idents.flatMap((i) => (!o.ids.has(i) ? [`interface ${shownId(i)} added`] : !n.ids.has(i) ? [`interface ${shownId(i)} removed`] : []));
    return parts.length ? parts.join(', ') : undefined;
  };
  const contents = { old: contentsOf(oldA.inventory), new: contentsOf(newA.inventory) };
  const oldSettings = settingsOf(oldA.inventory);
  const newSettings = settingsOf(newA.inventory);
  const push = (src: string, dst: string, before: PairTraffic, after: PairTraffic, explainAll: () => AwsCause[], idents: string[]): void => {
    const kind: AwsChangeKind = !some(before) ? 'added' : !some(after) ? 'removed' : 'changed';
    const endpointsInfo = info(idents);
    // With an end on one side only every setting on its path is on that side only: the ones the change itself
    // adds or removes (read from Terraform) are the cause; the interface is named in endpointsInfo.
    const explain = !endpointsInfo ? explainAll : (): AwsCause[] => explainAll().filter((x) => {
      const k = x.source && settingKey(x.source);
      return !k || (x.change === 'added' ? !oldSettings.has(k) : !newSettings.has(k));
    });
    changes.push({
      kind, src, dst, old: before.conns, new: after.conns, opened: after.conns.subtract(before.conns), closed: before.conns.subtract(after.conns),
      oldResponseBlocked: before.responseBlocked, newResponseBlocked: after.responseBlocked, causes: explain(), ...(endpointsInfo ? { endpointsInfo } : {}),
    });
  };
  const explainPair = (s: string, d: string): AwsCause[] => {
    const on = (side: Side, a: AwsAnalysis): PathAnswer | undefined => (side.ids.has(s) && side.ids.has(d) ? a.explain(side.ids.get(s)!, side.ids.get(d)!) : undefined);
    return causesOf(on(o, oldA), on(n, newA), contents);
  };

  // Interface to interface.
  for (const k of new Set([...o.pairs.keys(), ...n.pairs.keys()])) {
    const before = o.pairs.get(k) ?? NONE;
    const after = n.pairs.get(k) ?? NONE;
    if (same(before, after)) {
      if (some(before)) unchanged++;
      continue;
    }
    const [s, d] = k.split('\0') as [string, string];
    for (const i of [s, d]) endpoints.set(shownId(i), endpointOf(i)!);
    push(shownId(s), shownId(d), before, after, () => explainPair(s, d), [s, d]);
  }

  // Outside ranges: re-cut over both sides' cuts and merged back where the change is the same.
  const idents = [...new Set([...o.ids.keys(), ...n.ids.keys()])].sort(lex);
  const lo = locate(o);
  const ln = locate(n);
  const groups: Array<{ ranges: IpRange[]; key: string; items: Array<{ ident: string; dir: 'in' | 'out'; before: PairTraffic; after: PairTraffic }> }> = [];
  for (const atom of atoms(o, n)) {
    const go = lo(atom.family, atom.lo);
    const gn = ln(atom.family, atom.lo);
    if (go < 0 && gn < 0) continue;
    const items: Array<{ ident: string; dir: 'in' | 'out'; before: PairTraffic; after: PairTraffic }> = [];
    for (const ident of idents) {
      const ao = go >= 0 ? o.outside[go]!.answers.get(ident) : undefined;
      const an = gn >= 0 ? n.outside[gn]!.answers.get(ident) : undefined;
      for (const dir of ['in', 'out'] as const) {
        const before = ao?.[dir] ?? NONE;
        const after = an?.[dir] ?? NONE;
        if (!same(before, after)) items.push({ ident, dir, before, after });
      }
    }
    if (items.length === 0) continue;
    const key = items.map((x) => `${x.ident}/${x.dir}/${x.before.conns.key()}/${x.before.responseBlocked.key()}/${x.after.conns.key()}/${x.after.responseBlocked.key()}`).join(';');
    const g = groups.find((y) => y.key === key);
    if (!g) groups.push({ ranges: [atom], key, items });
    else if (g.ranges[g.ranges.length - 1]!.family === atom.family && g.ranges[g.ranges.length - 1]!.hi + 1n === atom.lo) g.ranges[g.ranges.length - 1] = { ...g.ranges[g.ranges.length - 1]!, hi: atom.hi };
    else g.ranges.push(atom);
  }
  for (const g of groups) {
    const id = g.ranges.map((r) => `${formatIp(r.family, r.lo)}-${formatIp(r.family, r.hi)}`).join(',');
    endpoints.set(id, { id, kind: 'External', cidrs: g.ranges.flatMap(rangeToCidrs) });
    const probe = formatIp(g.ranges[0]!.family, g.ranges[0]!.lo);
    for (const x of g.items) {
      const eni = shownId(x.ident);
      endpoints.set(eni, endpointOf(x.ident)!);
      const [src, dst] = x.dir === 'in' ? [id, eni] : [eni, id];
      const explain = (): AwsCause[] => {
        const on = (side: Side, a: AwsAnalysis): PathAnswer | undefined => {
          const e = side.ids.get(x.ident);
          if (!e) return undefined;
          return x.dir === 'in' ? a.explain(probe, e) : a.explain(e, probe);
        };
        return causesOf(on(o, oldA), on(n, newA), contents);
      };
      push(src, dst, x.before, x.after, explain, [x.ident]);
    }
  }
  // An interface named as the changes name it, so a replaced interface is one path on both sides.
  const endId = (e: { readonly id: string; readonly eni?: NetworkInterface }): string => (e.eni ? shownId(identity(e.eni)) : e.id);
  const order = { changed: 0, added: 1, removed: 2 } as const;
  changes.sort((x, y) => order[x.kind] - order[y.kind] || lex(x.src, y.src) || lex(x.dst, y.dst));
  return {
    old: opts.oldName ?? 'old', new: opts.newName ?? 'new', endpoints, changes, unchanged,
    vpcNames: new Map([...oldA.inventory.vpcs, ...newA.inventory.vpcs].flatMap((v) => (v.tags['Name'] ? [[v.id, v.tags['Name']] as const] : []))),
    summary: { added: changes.filter((c) => c.kind === 'added').length, removed: changes.filter((c) => c.kind === 'removed').length, changed: changes.filter((c) => c.kind === 'changed').length },
    unmodelled: unmodelledChanges(oldA.inventory.unmodelled, newA.inventory.unmodelled),
    outsideSpace: [...o.outside, ...n.outside].flatMap((g) => g.ranges.flatMap(rangeToCidrs)),
    ...(opts.intent ? { drift: awsDriftDelta(oldA, newA, opts.intent, { old: endId, new: endId }) } : {}),
  };
}
