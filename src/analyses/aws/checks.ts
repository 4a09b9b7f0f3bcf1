/**
 * Cloud hygiene checks, judged on effective paths (security groups, NACLs and routes together), not on rule
 * text: a deny earlier in a NACL, a missing route to an internet gateway or a group reference (which matches
 * private addresses only) all count. They are ordinary checks for `audit`, built over one AWS analysis.
 */
import type { NetworkInterface, SecurityGroup } from '../../inventory/aws/types.js';
import { formatIp, parseCidr, rangeContains, rangesOverlap, type IpRange } from '../../model/address.js';
import { awsOutsideName, cidrRanges } from '../outside.js';
import { PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';
import { aclTraffic } from '../../engine/cloud/network-acls.js';
import { addressKey } from '../../engine/cloud/estate.js';
import { PCI_1_2_5, PCI_1_2_7, PCI_1_3_1, PCI_1_4_2, NIST_SC_7, NIST_SC_7_5 } from '../../checks/controls.js';
import type { Check, CheckMeta } from '../../checks/types.js';
import type { SourceRef } from '../../inventory/types.js';
import type { AwsAnalysis, AwsEndpointJSON } from './reach.js';

const ADMIN_PORTS: ReadonlyArray<[number, string]> = [[22, 'SSH'], [3389, 'RDP']];
const DB_PORTS: ReadonlyArray<[number, string]> = [[1433, 'SQL Server'], [1521, 'Oracle'], [3306, 'MySQL'], [5432, 'PostgreSQL'], [5439, 'Redshift'], [6379, 'Redis'], [9200, 'Elasticsearch'], [11211, 'Memcached'], [27017, 'MongoDB']];
/** An outside range at least this large (an IPv4 /8, an IPv6 /16) is "the internet", not a partner's or an office's block. */
const BROAD = { 4: 2n ** 24n, 6: 2n ** 112n } as const;

function meta(id: string, severity: CheckMeta['severity'], title: string, remediation: string, messages: Record<string, string>, controls = [PCI_1_2_5, NIST_SC_7], category: CheckMeta['category'] = 'hygiene'): CheckMeta {
  return { id, category, severity, title, docs: `docs/aws.md#${id}`, controls, remediation, messages };
}

/** True when an outside range is broad enough to be the internet in either family (one range may hold both). */
function broad(e: AwsEndpointJSON): boolean {
  const size = { 4: 0n, 6: 0n };
  for (const c of (e.cidrs ?? []).map(parseCidr)) if (c) size[c.range.family] += 2n ** BigInt((c.range.family === 4 ? 32 : 128) - c.prefix);
  return size[4] >= BROAD[4] || size[6] >= BROAD[6];
}

const eniRef = (e: NetworkInterface) => ({ kind: 'NetworkInterface', name: e.id });
const at = (s: { file: string; line: number }): SourceRef => ({ file: s.file, line: s.line });

/** The checks over one analysis; each check runs the shared computations at most once. */
export function awsChecks(a: AwsAnalysis): Check[] {
  const inv = a.inventory;
  const est = a.estate;
  type Exposure = { in: TrafficSet; out: TrafficSet; ranges: Array<{ range: AwsEndpointJSON; in: TrafficSet }>; all: Array<{ range: AwsEndpointJSON; in: TrafficSet }> };
  let exposure: Map<NetworkInterface, Exposure> | undefined;
  let universe: IpRange[] | undefined;
  /**
   * Per interface: the union of what broad outside ranges (either family) may open to it and it to them, each
   * broad range's part, and every outside range's part (narrow ones too: the finding names all it is open from).
   */
  const fromInternet = () => {
    if (exposure) return exposure;
    exposure = new Map();
    const every = new Map<NetworkInterface, Array<{ range: AwsEndpointJSON; in: TrafficSet }>>();
    const seen = new Map<string, IpRange[]>();
    for (const o of a.streamReach().outside()) {
      if (!seen.has(o.range.id)) seen.set(o.range.id, cidrRanges(o.range.cidrs ?? []));
      const l = every.get(o.eni) ?? [];
      l.push({ range: o.range, in: o.in.conns });
      every.set(o.eni, l);
      if (!broad(o.range)) continue;
      const prev = exposure.get(o.eni);
      const ranges = [...(prev?.ranges ?? []), { range: o.range, in: o.in.conns }];
      exposure.set(o.eni, { in: (prev?.in ?? TrafficSet.EMPTY).union(o.in.conns), out: (prev?.out ?? TrafficSet.EMPTY).union(o.out.conns), ranges, all: [] });
    }
    for (const [e, x] of exposure) exposure.set(e, { ...x, all: every.get(e) ?? [] });
    // Every outside address of the estate is in some outside range: their union is what `internet` means, as in reach.
    universe = [...seen.values()].flat();
    return exposure;
  };
  /**
   * Every outside address that opens a traffic to the interface, named as reach names outside ranges
   * (`the internet`, `the internet (IPv6)`, `the internet (IPv4) except C`, or the CIDRs), and the first broad
   * range among them (for the finding's location).
   */
  const openFrom = (x: Exposure, opens: (t: TrafficSet) => boolean): { first: AwsEndpointJSON; text: string } => {
    const first = x.ranges.find((r) => opens(r.in))!.range;
    const name = awsOutsideName(x.all.filter((r) => opens(r.in)).flatMap((r) => cidrRanges(r.range.cidrs ?? [])), universe!).name;
    return { first, text: name.startsWith('internet') ? `the ${name}` : name };
  };
  /** The security group rule that lets a port in from an outside range, for the finding's location. */
  const ruleFor = (e: NetworkInterface, range: AwsEndpointJSON, port: number): SourceRef | undefined => {
    const probe = range.cidrs![0]!.split('/')[0]!;
    const ans = a.explain(probe, e.id);
    const st = ans?.steps.find((s) => s.stage === 'sg-ingress');
    const r = st?.rules.find((x) => x.traffic?.has(PROTO_TCP, port));
    return r?.source ? at(r.source) : e.source ? at(e.source) : undefined;
  };
  const portCheck = (m: CheckMeta, ports: ReadonlyArray<[number, string]>): Check => ({
    meta: m,
    check(ctx) {
      for (const [e, x] of fromInternet()) {
        for (const [port, name] of ports) {
          if (!x.in.has(PROTO_TCP, port)) continue;
          const from = openFrom(x, (t) => t.has(PROTO_TCP, port));
          const loc = ruleFor(e, from.first, port);
          ctx.report({ messageId: 'open', data: { eni: e.id, port, service: name, range: from.text }, resource: eniRef(e), key: String(port), ...(loc ? { location: loc } : {}) });
        }
      }
    },
  });
  const referenced = new Set(inv.securityGroups.flatMap((g) => [...g.ingress, ...g.egress].flatMap((r) => (r.peer.kind === 'group' ? [r.peer.id] : []))));
  const used = new Set(inv.interfaces.flatMap((e) => e.securityGroups));
  const allPorts = TrafficSet.protocol(PROTO_TCP).union(TrafficSet.protocol(PROTO_UDP));
  const isDefault = (g: SecurityGroup): boolean => g.name === 'default';
  const envOf = (vpc: string): string | undefined => est.vpcs.get(vpc)?.tags['env'] ?? est.vpcs.get(vpc)?.tags['Environment'];
  const checks: Check[] = [
    portCheck(meta('aws-admin-port-from-internet', 'error', 'Administration port reachable from the internet', 'Close SSH/RDP to 0.0.0.0/0 and ::/0: use Session Manager or a bastion, and allow the admin network only.', { open: '{{eni}} is reachable from {{range}} on TCP {{port}} ({{service}}), through its security groups, NACLs and routes' }, [PCI_1_4_2, NIST_SC_7]), ADMIN_PORTS),
    portCheck(meta('aws-database-port-from-internet', 'error', 'Database port reachable from the internet', 'Put databases in subnets without a route to an internet gateway and allow only the application tier.', { open: '{{eni}} is reachable from {{range}} on TCP {{port}} ({{service}})' }, [PCI_1_3_1, NIST_SC_7]), DB_PORTS),
    {
      meta: meta('aws-all-ports-from-internet', 'error', 'Every port reachable from the internet', 'Allow only the ports the service listens on.', { open: '{{eni}} is reachable from {{range}} on every TCP port' }, [PCI_1_4_2, NIST_SC_7_5]),
      check(ctx) {
        for (const [e, x] of fromInternet()) {
          const tcp = TrafficSet.protocol(PROTO_TCP);
          if (tcp.isSubsetOf(x.in)) ctx.report({ messageId: 'open', data: { eni: e.id, range: openFrom(x, (t) => tcp.isSubsetOf(t)).text }, resource: eniRef(e), location: at(e.source) });
        }
      },
    },
    {
      meta: meta('aws-default-security-group', 'warning', 'Default security group in use or with rules', 'Give every resource its own group; remove all rules from the default group (CIS AWS 5.4).', {
        inUse: '{{eni}} uses the default security group {{group}} of {{vpc}}',
        rules: 'the default security group {{group}} of {{vpc}} has {{n}} rule(s); it should allow nothing',
      }),
      check(ctx) {
        for (const g of inv.securityGroups) {
          if (!isDefault(g)) continue;
          const n = g.ingress.length + g.egress.length;
          if (n > 0) ctx.report({ messageId: 'rules', data: { group: g.id, vpc: g.vpc, n }, resource: { kind: 'SecurityGroup', name: g.id }, key: 'rules', location: at(g.source) });
        }
        for (const e of inv.interfaces) {
          for (const gid of e.securityGroups) {
            const g = est.groups.get(gid);
            if (g && isDefault(g)) ctx.report({ messageId: 'inUse', data: { eni: e.id, group: g.id, vpc: g.vpc }, resource: eniRef(e), key: g.id, location: at(e.source) });
          }
        }
      },
    },
    {
      meta: meta('aws-unused-security-group', 'info', 'Security group used by nothing', 'Delete it, or attach it where it is meant to apply.', { unused: 'security group {{group}} ({{name}}) is attached to no network interface of the snapshot and referenced by no rule' }, [PCI_1_2_7]),
      check(ctx) {
        for (const g of inv.securityGroups) if (!isDefault(g) && !used.has(g.id) && !referenced.has(g.id)) ctx.report({ messageId: 'unused', data: { group: g.id, name: g.name }, resource: { kind: 'SecurityGroup', name: g.id }, location: at(g.source) });
      },
    },
    {
      meta: meta('aws-unused-network-acl', 'info', 'Network ACL associated with no subnet', 'Delete it, or associate it with the subnets it was written for.', { unused: 'network ACL {{acl}} of {{vpc}} is associated with no subnet' }, [PCI_1_2_7]),
      check(ctx) {
        for (const n of inv.networkAcls) if (!n.isDefault && n.subnets.length === 0) ctx.report({ messageId: 'unused', data: { acl: n.id, vpc: n.vpc }, resource: { kind: 'NetworkAcl', name: n.id }, location: at(n.source) });
      },
    },
    {
      meta: meta('aws-allow-all-network-acl', 'warning', 'Network ACL that allows all traffic from everywhere', 'Deny what the subnet does not serve (admin ports, other environments) before the allow-all entry.', { all: 'network ACL {{acl}} ({{used}}) lets all traffic {{direction}} from and to every address: it adds no protection' }),
      check(ctx) {
        const all = a.streamReach().endpoints.flatMap((e) => (e.kind === 'External' ? e.cidrs!.map((c) => parseCidr(c)!.range) : []));
        for (const v of inv.vpcs) for (const c of v.cidrs) all.push({ ...c.range, lo: c.range.lo }, { ...c.range, lo: c.range.hi });
        for (const n of inv.networkAcls) {
          const inUse = n.subnets.length > 0 || (n.isDefault && inv.subnets.some((s) => s.vpc === n.vpc && est.aclOf(s.id) === n));
          if (!inUse) continue;
          // IPv6 addresses meet the ACL only in a VPC with an IPv6 block.
          const v6 = (est.vpcs.get(n.vpc)?.cidrs ?? []).some((c) => c.range.family === 6);
          const probes = all.filter((r) => r.family === 4 || v6).map((r) => addressKey(r.family, r.lo));
          for (const direction of ['inbound', 'outbound'] as const) {
            // Effective: every entry in order, so an earlier deny (port 22, say) makes it not allow-all.
            if (probes.every((p) => aclTraffic(n, direction, p).equals(TrafficSet.ALL))) {
              ctx.report({ messageId: 'all', data: { acl: n.id, used: n.isDefault ? `the default ACL of ${n.vpc}` : `on ${n.subnets.join(', ')}`, direction }, resource: { kind: 'NetworkAcl', name: n.id }, key: direction, location: at(n.source), severity: 'info' });
            }
          }
        }
      },
    },
    {
      meta: meta('aws-unrestricted-egress', 'info', 'Security group whose members reach the whole internet on every port', 'Allow outbound only to the destinations and ports the workload needs.', { all: 'security group {{group}} lets {{n}} network interface(s) such as {{eni}} open every TCP and UDP port to the internet' }, [PCI_1_3_1, NIST_SC_7_5]),
      check(ctx) {
        const by = new Map<string, NetworkInterface[]>();
        for (const [e, x] of fromInternet()) {
          if (!allPorts.isSubsetOf(x.out)) continue;
          for (const gid of e.securityGroups) {
            const g = est.groups.get(gid);
            if (g?.egress.some((r) => r.peer.kind === 'cidr' && r.peer.cidr.prefix === 0 && allPorts.isSubsetOf(r.traffic))) (by.get(gid) ?? by.set(gid, []).get(gid)!).push(e);
          }
        }
        for (const [gid, es] of by) ctx.report({ messageId: 'all', data: { group: gid, n: es.length, eni: es[0]!.id }, resource: { kind: 'SecurityGroup', name: gid }, location: at(est.groups.get(gid)!.source) });
      },
    },
    {
      meta: meta('aws-peering-route-too-broad', 'warning', 'Peering route broader than the peer VPC', 'Route only the peer VPC\'s own CIDR blocks (or the subnets it needs) over the peering.', { broad: 'route table {{table}} sends {{dest}} over {{pcx}}, but {{peer}} holds only {{cidrs}}' }),
      check(ctx) {
        for (const t of inv.routeTables) for (const r of t.routes) {
          if (r.target.kind !== 'pcx' || r.destination.kind !== 'cidr') continue;
          const p = est.peerings.get(r.target.id);
          const other = p ? (p.requester.vpc === t.vpc ? p.accepter.vpc : p.requester.vpc) : undefined;
          const v = other ? est.vpcs.get(other) : undefined;
          if (!v) continue;
          const d = r.destination.cidr.range;
          if (!v.cidrs.some((c) => rangeContains(c.range, d))) ctx.report({ messageId: 'broad', data: { table: t.id, dest: r.destination.text, pcx: r.target.id, peer: v.id, cidrs: cidrList(v.cidrs.filter((c) => c.range.family === d.family)) }, resource: { kind: 'RouteTable', name: t.id }, key: `${r.destination.text}>${r.target.id}`, location: at(r.source) });
        }
      },
    },
    {
      meta: meta('aws-tgw-route-too-broad', 'warning', 'Transit gateway route broader than the attached VPC', 'Route only the attached VPC\'s own CIDR blocks (propagation does this) to its attachment.', { broad: 'transit gateway route table {{table}} sends {{dest}} to {{att}}, but {{vpc}} holds only {{cidrs}}' }),
      check(ctx) {
        // Propagated routes are the VPC's own blocks; a static one wider than them draws traffic for addresses
        // the VPC does not hold (a summary route that also covers other environments).
        for (const t of inv.tgwRouteTables) for (const r of t.routes) {
          if (r.origin !== 'static' || r.state !== 'active' || r.destination.kind !== 'cidr') continue;
          const d = r.destination.cidr.range;
          for (const x of r.attachments) {
            const att = est.attachments.get(x);
            const v = att?.resourceType === 'vpc' ? est.vpcs.get(att.resourceId) : undefined;
            if (!v || v.cidrs.some((c) => rangeContains(c.range, d))) continue;
            ctx.report({ messageId: 'broad', data: { table: t.id, dest: r.destination.text, att: x, vpc: v.id, cidrs: cidrList(v.cidrs.filter((c) => c.range.family === d.family)) }, resource: { kind: 'TransitGatewayRouteTable', name: t.id }, key: `${r.destination.text}>${x}`, location: at(r.source) });
          }
        }
      },
    },
    {
      meta: meta('aws-overlapping-vpcs', 'warning', 'Joined VPCs with overlapping CIDR blocks', 'Give VPCs that must talk to each other CIDR blocks that do not overlap (or put a private NAT gateway between them).', { overlap: '{{a}} ({{ca}}) and {{b}} ({{cb}}) are joined by {{via}} but overlap in {{both}}: {{effect}}' }, [PCI_1_3_1, NIST_SC_7]),
      check(ctx) {
        // AWS refuses a peering between VPCs with overlapping blocks (VPC peering limitations), and a transit
        // gateway does not propagate a VPC block that overlaps one already attached (CreateTransitGatewayVpcAttachment).
        // Either way each VPC's local route wins for the shared addresses, so they are never reached across.
        const report = (a: string, b: string, via: string, effect: string, kind: string, name: string, source: { file: string; line: number }): void => {
          const va = est.vpcs.get(a);
          const vb = est.vpcs.get(b);
          if (!va || !vb || a === b) return;
          const both = va.cidrs.flatMap((x) => vb.cidrs.filter((y) => rangesOverlap(x.range, y.range)).map((y) => (x.prefix >= y.prefix ? x : y)));
          if (!both.length) return;
          ctx.report({ messageId: 'overlap', data: { a, ca: cidrList(va.cidrs), b, cb: cidrList(vb.cidrs), via, both: cidrList(both), effect }, resource: { kind, name }, key: `${a}~${b}`, location: at(source) });
        };
        for (const p of inv.peerings) {
          if (p.status !== 'active') continue;
          report(p.requester.vpc, p.accepter.vpc, `peering ${p.id}`, 'AWS does not peer VPCs whose blocks overlap, and each side\'s local route keeps the shared addresses at home', 'VpcPeeringConnection', p.id, p.source);
        }
        const byTgw = new Map<string, Array<{ vpc: string; id: string; source: { file: string; line: number } }>>();
        for (const x of inv.tgwAttachments) if (x.resourceType === 'vpc' && x.state === 'available') (byTgw.get(x.tgw) ?? byTgw.set(x.tgw, []).get(x.tgw)!).push({ vpc: x.resourceId, id: x.id, source: x.source });
        for (const [tgw, atts] of byTgw) {
          for (let i = 0; i < atts.length; i++) for (let j = i + 1; j < atts.length; j++) {
            report(atts[i]!.vpc, atts[j]!.vpc, `transit gateway ${tgw} (${atts[i]!.id}, ${atts[j]!.id})`, 'the transit gateway does not propagate a block that overlaps one already attached, and each VPC\'s local route keeps the shared addresses at home', 'TransitGatewayAttachment', atts[j]!.id, atts[j]!.source);
          }
        }
      },
    },
    {
      meta: meta('aws-tgw-joins-environments', 'warning', 'Transit gateway route table joins environments', 'Give each environment its own TGW route table and propagate only its VPCs (and the shared services) into it.', { joins: 'transit gateway route table {{table}} is associated with {{from}} ({{fromEnv}}) and routes {{dest}} to {{to}} ({{toEnv}})' }, [PCI_1_3_1, NIST_SC_7]),
      check(ctx) {
        for (const t of inv.tgwRouteTables) {
          const envs = new Map<string, string>();
          for (const x of t.associations) {
            const att = est.attachments.get(x);
            const env = att?.resourceType === 'vpc' ? envOf(att.resourceId) : undefined;
            if (att && env) envs.set(att.resourceId, env);
          }
          for (const r of t.routes) {
            if (r.state !== 'active') continue;
            for (const x of r.attachments) {
              const att = est.attachments.get(x);
              const env = att?.resourceType === 'vpc' ? envOf(att.resourceId) : undefined;
              if (!att || !env) continue;
              for (const [vpc, e] of envs) {
                if (e === env || vpc === att.resourceId) continue;
                ctx.report({ messageId: 'joins', data: { table: t.id, from: vpc, fromEnv: e, dest: r.destination.kind === 'cidr' ? r.destination.text : r.destination.id, to: att.resourceId, toEnv: env }, resource: { kind: 'TransitGatewayRouteTable', name: t.id }, key: `${vpc}>${att.resourceId}`, location: at(r.source) });
              }
            }
          }
        }
      },
    },
    {
      meta: meta('aws-tgw-auto-accept', 'warning', 'Transit gateway accepts shared attachments automatically', 'Turn AutoAcceptSharedAttachments off and accept each attachment after review.', { auto: 'transit gateway {{tgw}} accepts attachments from other accounts without review (AutoAcceptSharedAttachments)' }, [PCI_1_2_7]),
      check(ctx) {
        for (const g of inv.transitGateways) if (g.autoAcceptSharedAttachments) ctx.report({ messageId: 'auto', data: { tgw: g.id }, resource: { kind: 'TransitGateway', name: g.id }, location: at(g.source) });
      },
    },
    {
      meta: meta('aws-subnet-auto-public-ip', 'info', 'Subnet assigns public addresses automatically', 'Turn MapPublicIpOnLaunch off and give public addresses (Elastic IPs, load balancers) only where needed.', { auto: 'subnet {{subnet}} gives every instance launched in it a public IPv4 address' }, [PCI_1_4_2]),
      check(ctx) {
        for (const s of inv.subnets) if (s.mapPublicIpOnLaunch) ctx.report({ messageId: 'auto', data: { subnet: s.id }, resource: { kind: 'Subnet', name: s.id }, location: at(s.source) });
      },
    },
    {
      meta: meta('aws-response-blocked', 'warning', 'Requests pass but a network ACL drops the replies', 'Allow the replies on the client ephemeral ports (1024-65535) in the ACL, with any denies before it.', { blocked: '{{src}} => {{dst}}: requests on {{traffic}} pass, but a network ACL drops their replies ({{n}} pair(s))' }),
      check(ctx) {
        const byPlace = new Map<string, { src: string; dst: string; traffic: TrafficSet; n: number }>();
        const subnetOf = new Map(a.streamReach().endpoints.map((e) => [e.id, e.subnet ?? e.id]));
        for (const c of a.streamReach().connections()) {
          if (c.responseBlocked.isEmpty()) continue;
          const src = subnetOf.get(c.src)!;
          const dst = subnetOf.get(c.dst)!;
          const k = `${src}>${dst}`;
          const p = byPlace.get(k);
          byPlace.set(k, { src, dst, traffic: (p?.traffic ?? TrafficSet.EMPTY).union(c.responseBlocked), n: (p?.n ?? 0) + 1 });
        }
        for (const [k, p] of byPlace) {
          const s = est.subnets.get(p.dst) ?? est.subnets.get(p.src);
          ctx.report({ messageId: 'blocked', data: { src: p.src, dst: p.dst, traffic: String(p.traffic), n: p.n }, resource: { kind: 'Subnet', name: p.dst }, key: k, ...(s ? { location: at(s.source) } : {}) });
        }
      },
    },
    {
      meta: meta('aws-unmodelled-setting', 'error', 'AWS setting that may change traffic is not evaluated', 'Treat the results on paths through it as unverified: its effect says which way they may be wrong (most such settings are counted as dropping their traffic).', { setting: '{{kind}} {{name}} {{effect}}; the results do not evaluate it' }, [PCI_1_2_7], 'input'),
      check(ctx) {
        for (const u of inv.unmodelled) ctx.report({ messageId: 'setting', data: { kind: u.kind, name: u.name, effect: u.effect }, resource: { kind: u.kind, name: u.name }, location: u.source });
      },
    },
  ];
  return checks;
}

/** CIDR blocks as AWS prints them (either family), comma-separated. */
function cidrList(cidrs: ReadonlyArray<{ range: IpRange; prefix: number }>): string {
  return cidrs.map((c) => `${formatIp(c.range.family, c.range.lo)}/${c.prefix}`).join(', ') || '(no CIDR block)';
}

/** The ids of the AWS checks (for --disable). */
export const AWS_CHECK_IDS: readonly string[] = [
  'aws-admin-port-from-internet', 'aws-all-ports-from-internet', 'aws-allow-all-network-acl', 'aws-database-port-from-internet', 'aws-default-security-group',
  'aws-overlapping-vpcs', 'aws-peering-route-too-broad', 'aws-response-blocked', 'aws-subnet-auto-public-ip', 'aws-tgw-auto-accept', 'aws-tgw-joins-environments', 'aws-tgw-route-too-broad', 'aws-unmodelled-setting',
  'aws-unrestricted-egress', 'aws-unused-network-acl', 'aws-unused-security-group',
];
