/**
 * The AWS library entry: a snapshot directory to per-pair reach (network interfaces, and the outside address
 * space split into the fewest CIDR blocks that behave alike) and an explanation for any pair.
 * Not wired into the CLI yet.
 */
import type { AwsInventory } from '../../inventory/aws/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import type { Diagnostic } from '../../inventory/types.js';
import { atomize, formatIp, rangeToCidrs, type IpRange } from '../../model/address.js';
import { Estate, ip4 } from '../../engine/cloud/estate.js';
import { analysePath, type PathAnswer, type PathOptions } from '../../engine/cloud/path.js';
import type { Endpoint } from '../../engine/cloud/routing.js';
import { readAwsSnapshot } from '../../sources/aws/snapshot.js';

export interface AwsEndpointJSON {
  readonly id: string;
  readonly kind: 'NetworkInterface' | 'External';
  readonly name?: string;
  readonly addresses?: readonly string[];
  readonly vpc?: string;
  readonly subnet?: string;
  readonly securityGroups?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly cidrs?: readonly string[];
}

export interface AwsReach {
  readonly schema: 'bulkhead.reach/v1';
  readonly endpoints: readonly AwsEndpointJSON[];
  readonly connections: ReadonlyArray<{ src: string; dst: string; conns: Record<string, Array<[number, number]>>; responseBlocked?: Record<string, Array<[number, number]>> }>;
  readonly diagnostics: readonly Diagnostic[];
}

export interface AwsAnalysis {
  readonly inventory: AwsInventory;
  /** Reach between every pair of endpoints (a pair appears only when something is allowed or response-blocked). */
  reach(): AwsReach;
  /** The path answer between two endpoints: ENI ids, endpoint ids, or an outside IPv4 address. */
  explain(from: string, to: string): PathAnswer | undefined;
}

/** The outside address space cut at every CIDR the estate names, VPC ranges removed. */
function externalAtoms(inv: AwsInventory): IpRange[] {
  const cuts: IpRange[] = [];
  const vpcRanges = inv.vpcs.flatMap((v) => v.cidrs.map((c) => c.range));
  for (const g of inv.securityGroups) for (const r of [...g.ingress, ...g.egress]) if (r.peer.kind === 'cidr') cuts.push(r.peer.cidr.range);
  for (const a of inv.networkAcls) for (const e of [...a.inbound, ...a.outbound]) cuts.push(e.cidr.range);
  for (const t of inv.routeTables) for (const r of t.routes) if (r.destination.kind === 'cidr') cuts.push(r.destination.cidr.range);
  for (const l of inv.prefixLists) cuts.push(...l.entries.map((c) => c.range));
  cuts.push(...vpcRanges);
  return atomize(4, cuts).filter((r) => !vpcRanges.some((v) => v.family === 4 && v.lo <= r.lo && r.hi <= v.hi));
}

/** Reads a snapshot directory and prepares the analysis. */
export async function analyseAwsSnapshot(dir: string, opts: PathOptions = {}): Promise<AwsAnalysis> {
  return analyseAwsInventory(await readAwsSnapshot(dir), opts);
}

/** The analysis of an already-read inventory. */
export function analyseAwsInventory(inventory: AwsInventory, opts: PathOptions = {}): AwsAnalysis {
  const est = new Estate(inventory);
  const enis = [...inventory.interfaces].sort((a, b) => (interfaceEndpointId(a) < interfaceEndpointId(b) ? -1 : 1));
  const endpointOf = (s: string): Endpoint | undefined => {
    const e = enis.find((x) => x.id === s || interfaceEndpointId(x) === s);
    if (e) return { kind: 'eni', eni: e };
    const a = ip4(s.replace(/\/32$/, ''));
    return a >= 0n ? { kind: 'external', address: a } : undefined;
  };
  return {
    inventory,
    explain(from, to) {
      const s = endpointOf(from);
      const d = endpointOf(to);
      if (!s || !d || (s.kind === 'external' && d.kind === 'external')) return undefined;
      return analysePath(est, s, d, opts);
    },
    reach() {
      const endpoints: AwsEndpointJSON[] = enis.map((e) => ({
        id: interfaceEndpointId(e), kind: 'NetworkInterface', ...(e.tags['Name'] ? { name: e.tags['Name'] } : {}), addresses: e.addresses,
        vpc: e.vpc, subnet: e.subnet, securityGroups: e.securityGroups, tags: e.tags,
      }));
      const connections: Array<AwsReach['connections'][number]> = [];
      const add = (a: PathAnswer): void => {
        if (a.conns.isEmpty() && a.responseBlocked.isEmpty()) return;
        connections.push({ src: a.src, dst: a.dst, conns: a.conns.toJSON(), ...(a.responseBlocked.isEmpty() ? {} : { responseBlocked: a.responseBlocked.toJSON() }) });
      };
      for (const s of enis) for (const d of enis) if (s !== d) add(analysePath(est, { kind: 'eni', eni: s }, { kind: 'eni', eni: d }, opts));
      // Outside ranges: adjacent atoms with the same answers toward every ENI are one endpoint.
      const groups: Array<{ ranges: IpRange[]; key: string; answers: PathAnswer[] }> = [];
      for (const atom of externalAtoms(inventory)) {
        const x: Endpoint = { kind: 'external', address: atom.lo };
        const answers = enis.flatMap((e) => [analysePath(est, { kind: 'eni', eni: e }, x, opts), analysePath(est, x, { kind: 'eni', eni: e }, opts)]);
        const key = answers.map((a) => `${JSON.stringify(a.conns.toJSON())}|${JSON.stringify(a.responseBlocked.toJSON())}`).join(';');
        const same = groups.find((g) => g.key === key);
        if (!same) groups.push({ ranges: [atom], key, answers });
        else if (same.ranges[same.ranges.length - 1]!.hi + 1n === atom.lo) same.ranges[same.ranges.length - 1] = { ...same.ranges[same.ranges.length - 1]!, hi: atom.hi };
        else same.ranges.push(atom);
      }
      for (const g of groups) {
        const cidrs = g.ranges.flatMap(rangeToCidrs);
        const id = g.ranges.map((r) => `${formatIp(4, r.lo)}-${formatIp(4, r.hi)}`).join(',');
        endpoints.push({ id, kind: 'External', cidrs });
        for (const a of g.answers) {
          if (a.conns.isEmpty() && a.responseBlocked.isEmpty()) continue;
          const src = a.src.includes('/') ? a.src : id;
          const dst = a.dst.includes('/') ? a.dst : id;
          connections.push({ src, dst, conns: a.conns.toJSON(), ...(a.responseBlocked.isEmpty() ? {} : { responseBlocked: a.responseBlocked.toJSON() }) });
        }
      }
      connections.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
      return { schema: 'bulkhead.reach/v1', endpoints, connections, diagnostics: inventory.diagnostics };
    },
  };
}
