/**
 * Random small AWS estates as describe-* JSON (2-3 VPCs, subnets, ENIs, groups referencing each other,
 * NACLs, route tables with local, peering, TGW, IGW, NAT, gateway endpoint and blackhole routes, interface
 * endpoints' ENIs), for property tests. With `ipv6`, dual-stack too: IPv6 VPC and subnet blocks, interfaces
 * with IPv6 addresses, IPv6 rules, NACL entries (the default NACL's IPv6 pair), local, peering, TGW, IGW and
 * egress-only gateway IPv6 routes, a prefix list with an IPv6 entry, IPv6-only subnets (no IPv4 block) whose
 * interfaces have IPv6 addresses alone, and IPv6 outside addresses to probe.
 */
import fc from 'fast-check';

export type Snapshot = Record<string, unknown>;

const PORTS: Array<[number, number]> = [[22, 22], [80, 80], [443, 443], [1000, 1100], [1050, 1060], [0, 65535], [5000, 6000]];
const PROTOS = ['tcp', 'udp', '-1', 'icmp', '50'];

/** A snapshot and the outside addresses worth probing. */
export interface GeneratedEstate {
  readonly snapshot: Snapshot;
  readonly externals: readonly string[];
}

/** Outside addresses to probe: the last is in the S3 prefix list that gateway endpoint routes name. */
export const EXTERNALS = ['203.0.113.5', '8.8.8.8', '52.216.9.9'];
/** IPv6 outside addresses to probe (with `ipv6`): one in the documentation range rules name, one elsewhere, one NAT64 address. */
export const EXTERNALS6 = ['2001:db8::5', '2606:4700::1111', '64:ff9b::808:808'];

/**
 * Random estates; with `tgw`, transit gateway hub and spoke ones: every VPC attached and routed to the TGW,
 * no peering, each TGW route to its VPC's attachment, a custom NACL in every VPC (so attachment subnets often
 * filter), leaving attachment subnets, zones without one, appliance mode and breakage as the plain estates.
 */
export function estateArb(opts: { ipv6?: boolean; tgw?: boolean } = {}): fc.Arbitrary<GeneratedEstate> {
  return fc.integer({ min: 2, max: 3 }).chain((nVpc) =>
    fc.record({
      regions: fc.array(fc.constantFrom('us-east-1', 'us-east-1', 'eu-west-1'), { minLength: nVpc, maxLength: nVpc }),
      subnetsPer: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: nVpc, maxLength: nVpc }),
      enisPer: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 6, maxLength: 6 }),
      sgsPer: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: nVpc, maxLength: nVpc }),
      seed: fc.array(fc.nat(1000), { minLength: 400, maxLength: 400 }),
    }).map(({ regions, subnetsPer, enisPer, sgsPer, seed }) => build(nVpc, regions, subnetsPer, enisPer, sgsPer, seed, opts.ipv6 ?? false, opts.tgw ?? false)),
  );
}

function build(nVpc: number, regions: string[], subnetsPer: number[], enisPer: number[], sgsPer: number[], seed: number[], ipv6: boolean, hub: boolean): GeneratedEstate {
  let k = 0;
  const next = (n: number): number => seed[k++ % seed.length]! % n;
  const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;
  const chance = (pct: number): boolean => next(100) < pct;
  // IPv6 choices draw from their own stream, so that the IPv4 estate is the one the seed gives without them.
  let k6 = 7;
  const next6 = (n: number): number => seed[(k6 += 13) % seed.length]! % n;
  const pick6 = <T>(xs: readonly T[]): T => xs[next6(xs.length)]!;
  const chance6 = (pct: number): boolean => ipv6 && next6(100) < pct;
  /** VPC i's IPv6 block, when it has one. */
  const block6: Array<string | undefined> = Array.from({ length: nVpc }, (_, i) => (chance6(75) ? `2600:1f00:${i}::/56` : undefined));

  const assoc6 = (c: string) => [{ Ipv6CidrBlock: c, Ipv6CidrBlockState: { State: 'associated' } }];
  const vpcs = Array.from({ length: nVpc }, (_, i) => ({ VpcId: `vpc-${i}`, OwnerId: '111111111111', CidrBlock: `10.${i}.0.0/16`, ...(block6[i] ? { Ipv6CidrBlockAssociationSet: assoc6(block6[i]!) } : {}) }));
  const subnets: Array<Record<string, unknown>> = [];
  vpcs.forEach((v, i) => {
    for (let j = 0; j < subnetsPer[i]!; j++) {
      // Now and then a VPC's second subnet is IPv6-only (Ipv6Native: no IPv4 block; its interfaces have IPv6 addresses alone).
      const only6 = j > 0 && block6[i] !== undefined && chance6(40);
      const zone = `${regions[i]}${pick(['a', 'b'])}`;
      subnets.push({
        SubnetId: `subnet-${i}${j}`, VpcId: v.VpcId, ...(only6 ? { Ipv6Native: true } : { CidrBlock: `10.${i}.${j}.0/24` }), AvailabilityZone: zone,
        ...(block6[i] ? { Ipv6CidrBlockAssociationSet: assoc6(`2600:1f00:${i}:${j}::/64`) } : {}),
      });
    }
  });
  const sgIds: string[][] = vpcs.map((_, i) => Array.from({ length: sgsPer[i]! }, (_, j) => `sg-${i}${j}`));
  const allSgs = [...sgIds.flat(), 'sg-gone'];
  const enis: Array<Record<string, unknown>> = [];
  subnets.forEach((s, si) => {
    const vi = Number(String(s['SubnetId']).slice(7, 8));
    for (let e = 0; e < enisPer[si % enisPer.length]!; e++) {
      const groups = [...new Set([pick(sgIds[vi]!), pick(sgIds[vi]!)])];
      const only6 = s['CidrBlock'] === undefined;
      const ip = only6 ? undefined : `${String(s['CidrBlock']).split('.').slice(0, 3).join('.')}.${10 + e}`;
      const v6 = block6[vi] && (chance6(75) || only6) ? `2600:1f00:${vi}:${String(s['SubnetId']).slice(8)}::${10 + e}` : undefined;
      const pub = chance(40);
      enis.push({
        NetworkInterfaceId: `eni-${si}${e}`, SubnetId: s['SubnetId'], VpcId: s['VpcId'], AvailabilityZone: s['AvailabilityZone'], ...(ip ? { PrivateIpAddress: ip } : {}),
        Groups: groups.map((g) => ({ GroupId: g })), ...(pub && ip ? { Association: { PublicIp: `198.51.100.${si * 10 + e}` } } : {}),
        ...(v6 ? { Ipv6Addresses: [{ Ipv6Address: v6 }] } : {}),
      });
    }
  });
  // Now and then an ENI is an interface endpoint's (PrivateLink): an ordinary ENI with its groups.
  const interfaceEndpoints = enis.filter(() => chance(15)).map((e, n) => {
    e['InterfaceType'] = 'vpc_endpoint';
    e['RequesterManaged'] = true;
    return { VpcEndpointId: `vpce-if-${n}`, VpcEndpointType: 'Interface', VpcId: e['VpcId'], ServiceName: 'com.amazonaws.us-east-1.ssm', State: 'available', NetworkInterfaceIds: [e['NetworkInterfaceId']] };
  });
  // Gateway endpoints for S3 (one per VPC at most), now and then pending (not evaluated).
  const gatewayEndpoints = vpcs.filter(() => chance(60)).map((v) => ({ VpcEndpointId: `vpce-s3-${v.VpcId.slice(4)}`, VpcEndpointType: 'Gateway', VpcId: v.VpcId, ServiceName: 'com.amazonaws.us-east-1.s3', State: chance(90) ? 'available' : 'pending', RouteTableIds: [] as string[] }));
  const eniIps = enis.flatMap((e) => (e['PrivateIpAddress'] ? [String(e['PrivateIpAddress'])] : []));
  const cidrPool = (): string => pick(['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16', '10.0.0.0/24', '10.1.1.0/24', '203.0.113.0/24', '8.8.8.8/32', `${pick(eniIps)}/32`]);
  const eniIps6 = enis.flatMap((e) => ((e['Ipv6Addresses'] as Array<{ Ipv6Address: string }> | undefined) ?? []).map((x) => x.Ipv6Address));
  const cidrPool6 = (): string => pick6(['::/0', '::/0', '2600:1f00::/32', '2600:1f00::/56', '2600:1f00:1::/56', '2600:1f00:2:1::/64', '2001:db8::/32', ...eniIps6.map((a) => `${a}/128`)]);
  const perm = (): Record<string, unknown> => {
    const v6icmp = chance6(15);
    const proto = v6icmp ? 'icmpv6' : pick(PROTOS);
    const [lo, hi] = pick(PORTS);
    const ports = proto === 'tcp' || proto === 'udp' ? { FromPort: lo, ToPort: hi } : proto === 'icmp' ? { FromPort: pick([-1, 8, 3]), ToPort: -1 } : proto === 'icmpv6' ? { FromPort: pick6([-1, 128]), ToPort: -1 } : {};
    const kind = next(10);
    const peer = kind < 5 ? { IpRanges: [{ CidrIp: cidrPool() }] } : kind < 9 ? { UserIdGroupPairs: [{ GroupId: pick(allSgs) }] } : { PrefixListIds: [{ PrefixListId: 'pl-1' }] };
    // Now and then an IPv6 range beside (or instead of) the IPv4 one.
    const six = chance6(45) ? { Ipv6Ranges: [{ CidrIpv6: cidrPool6() }], ...(kind < 5 && chance6(50) ? { IpRanges: [] } : {}) } : {};
    return { IpProtocol: proto, ...ports, ...peer, ...six };
  };
  const sgs = sgIds.flatMap((ids, vi) => ids.map((id) => ({
    GroupId: id, VpcId: `vpc-${vi}`, GroupName: id,
    IpPermissions: Array.from({ length: 1 + next(3) }, perm),
    // The default egress rule: 0.0.0.0/0, and ::/0 too in a VPC with IPv6 (mostly).
    IpPermissionsEgress: chance(60) ? [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], ...(block6[vi] && chance6(80) ? { Ipv6Ranges: [{ CidrIpv6: '::/0' }] } : {}) }] : Array.from({ length: next(3) }, perm),
  })));

  const acls: Array<Record<string, unknown>> = [];
  vpcs.forEach((v, vi) => {
    const mine = subnets.filter((s) => s['VpcId'] === v.VpcId).map((s) => String(s['SubnetId']));
    const custom = hub || chance(60) ? mine.filter(() => chance(60)) : [];
    const allowAll = (egress: boolean) => ({ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: egress, CidrBlock: '0.0.0.0/0' });
    const star = (egress: boolean) => ({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, CidrBlock: '0.0.0.0/0' });
    // A VPC with IPv6: the default NACL's IPv6 pair (#101 allow ::/0, * deny ::/0), unless its rules were changed.
    const allowAll6 = (egress: boolean) => ({ RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: egress, Ipv6CidrBlock: '::/0' });
    const star6 = (egress: boolean) => ({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, Ipv6CidrBlock: '::/0' });
    const default6 = block6[vi] && chance6(85) ? [allowAll6(false), allowAll6(true), star6(false), star6(true)] : [];
    acls.push({ NetworkAclId: `acl-${vi}d`, VpcId: v.VpcId, IsDefault: true, Entries: [allowAll(false), allowAll(true), ...default6, star(false), star(true)], Associations: mine.filter((s) => !custom.includes(s)).map((s) => ({ SubnetId: s })) });
    if (custom.length > 0) {
      const entry = (egress: boolean) => {
        const proto = pick(['6', '17', '-1', '1']);
        const [lo, hi] = pick(PORTS);
        return {
          RuleNumber: 10 * (1 + next(20)), Protocol: proto, RuleAction: chance(65) ? 'allow' : 'deny', Egress: egress, ...(chance6(35) ? { Ipv6CidrBlock: cidrPool6() } : { CidrBlock: cidrPool() }),
          ...(proto === '6' || proto === '17' ? { PortRange: { From: lo, To: hi } } : proto === '1' ? { IcmpTypeCode: { Type: pick([-1, 8, 0]), Code: -1 } } : {}),
        };
      };
      const tail = (egress: boolean) => [...(chance(70) ? [{ ...allowAll(egress), RuleNumber: 300 }] : []), ...(chance6(60) ? [{ ...allowAll6(egress), RuleNumber: 301 }] : [])];
      const entries = [...Array.from({ length: 1 + next(4) }, () => entry(false)), ...Array.from({ length: 1 + next(4) }, () => entry(true)), ...tail(false), ...tail(true), star(false), star(true)];
      acls.push({ NetworkAclId: `acl-${vi}c`, VpcId: v.VpcId, IsDefault: false, Entries: entries, Associations: custom.map((s) => ({ SubnetId: s })) });
    }
  });

  const peerings: Array<Record<string, unknown>> = [];
  for (let i = 0; i < nVpc; i++) for (let j = i + 1; j < nVpc; j++) {
    if (!hub && chance(60)) peerings.push({ VpcPeeringConnectionId: `pcx-${i}${j}`, RequesterVpcInfo: { VpcId: `vpc-${i}`, Region: regions[i] }, AccepterVpcInfo: { VpcId: `vpc-${j}`, Region: regions[j] }, Status: { Code: chance(85) ? 'active' : 'deleted' } });
  }
  const igws = vpcs.filter(() => chance(60)).map((v) => ({ InternetGatewayId: `igw-${v.VpcId.slice(4)}`, Attachments: [{ VpcId: v.VpcId, State: 'available' }] }));
  const eigws = vpcs.filter((_, i) => block6[i] && chance6(60)).map((v) => ({ EgressOnlyInternetGatewayId: `eigw-${v.VpcId.slice(4)}`, Attachments: [{ VpcId: v.VpcId, State: 'attached' }] }));
  const nats = vpcs.filter(() => chance(40)).map((v) => {
    const s = subnets.find((x) => x['VpcId'] === v.VpcId)!;
    return { NatGatewayId: `nat-${v.VpcId.slice(4)}`, VpcId: v.VpcId, SubnetId: s['SubnetId'], State: 'available', ConnectivityType: 'public', NatGatewayAddresses: [{ PrivateIp: `${String(s['CidrBlock']).split('.').slice(0, 3).join('.')}.200`, PublicIp: `192.0.2.${v.VpcId.slice(4)}` }] };
  });
  const attached = vpcs.filter(() => hub || chance(70)).map((v) => v.VpcId);
  const attachments = attached.map((v) => ({ TransitGatewayAttachmentId: `tgw-attach-${v.slice(4)}`, TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: v, State: 'available' }));
  // At most one attachment subnet per zone (as AWS allows), so a zone of the VPC may have none; now and then
  // appliance mode (the TGW picks the zone it leaves into the VPC by). Attachment subnets hold interfaces and
  // may have a custom NACL like any other subnet.
  const vpcAttachments = attached.map((v) => {
    const zones = new Set<unknown>();
    const ids = subnets.filter((s) => s['VpcId'] === v && chance(85) && !zones.has(s['AvailabilityZone']) && zones.add(s['AvailabilityZone'])).map((s) => s['SubnetId']);
    return { TransitGatewayAttachmentId: `tgw-attach-${v.slice(4)}`, SubnetIds: ids, ...(chance(15) ? { Options: { ApplianceModeSupport: 'enable' } } : {}) };
  });
  const tgwTables = ['tgw-rtb-a', 'tgw-rtb-b'];
  const assoc: Record<string, Array<Record<string, unknown>>> = { 'tgw-rtb-a': [], 'tgw-rtb-b': [] };
  for (const a of attachments) if (hub || chance(95)) assoc[pick(tgwTables)]!.push({ TransitGatewayAttachmentId: a.TransitGatewayAttachmentId, State: 'associated' });
  const tgwRoutes: Record<string, Array<Record<string, unknown>>> = {};
  for (const t of tgwTables) {
    tgwRoutes[t] = attachments.filter(() => hub || chance(85)).flatMap((a) => {
      const destination = chance(80) ? `10.${a.ResourceId.slice(4)}.0.0/16` : `10.${a.ResourceId.slice(4)}.${next(2)}.0/24`;
      const type = chance(50) ? 'propagated' : 'static';
      const r = { DestinationCidrBlock: destination, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: hub || chance(85) ? a.TransitGatewayAttachmentId : pick(attachments).TransitGatewayAttachmentId }], Type: type, State: 'active' };
      // The same destination twice, to another attachment with the other origin: static must win.
      const other = pick(attachments);
      return chance(30) ? [r, { ...r, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: other.TransitGatewayAttachmentId }], Type: type === 'static' ? 'propagated' : 'static' }] : [r];
    });
    if (chance(25)) tgwRoutes[t]!.push({ DestinationCidrBlock: `10.${next(nVpc)}.${next(2)}.0/24`, Type: 'static', State: 'blackhole' });
    // The attached VPCs' IPv6 blocks (TGW route tables hold both families in DestinationCidrBlock).
    for (const a of attachments) {
      const b = block6[Number(a.ResourceId.slice(4))];
      if (b && chance6(75)) tgwRoutes[t]!.push({ DestinationCidrBlock: b, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: chance6(85) ? a.TransitGatewayAttachmentId : pick6(attachments).TransitGatewayAttachmentId }], Type: pick6(['static', 'propagated']), State: chance6(10) ? 'blackhole' : 'active' });
    }
  }

  const routeTables: Array<Record<string, unknown>> = [];
  vpcs.forEach((v, vi) => {
    const routes = (): Array<Record<string, unknown>> => {
      const rs: Array<Record<string, unknown>> = [{ DestinationCidrBlock: v.CidrBlock, GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }];
      if (block6[vi]) rs.push({ DestinationIpv6CidrBlock: block6[vi], GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' });
      if (block6[vi]) {
        // IPv6 routes: the peers' blocks, the TGW, ::/0 to the IGW or the egress-only gateway, random breakage.
        for (const p of peerings) {
          const ends = [(p['RequesterVpcInfo'] as { VpcId: string }).VpcId, (p['AccepterVpcInfo'] as { VpcId: string }).VpcId];
          const other = ends.find((e) => e !== v.VpcId);
          const ob = other ? block6[Number(other.slice(4))] : undefined;
          if (ends.includes(v.VpcId) && ob && chance6(70)) rs.push({ DestinationIpv6CidrBlock: ob, VpcPeeringConnectionId: p['VpcPeeringConnectionId'], State: 'active', Origin: 'CreateRoute' });
        }
        if (attached.includes(v.VpcId) && chance6(60)) rs.push({ DestinationIpv6CidrBlock: '2600:1f00::/32', TransitGatewayId: 'tgw-1', State: 'active', Origin: 'CreateRoute' });
        const igw = igws.find((g) => g.Attachments[0]!.VpcId === v.VpcId)?.InternetGatewayId;
        const eigw = eigws.find((g) => g.Attachments[0]!.VpcId === v.VpcId)?.EgressOnlyInternetGatewayId;
        // DNS64/NAT64: the well-known prefix to the NAT gateway (not evaluated: counted as dropped, a caveat).
        const nat = nats.find((g) => g.VpcId === v.VpcId)?.NatGatewayId;
        if (nat && chance6(40)) rs.push({ DestinationIpv6CidrBlock: '64:ff9b::/96', NatGatewayId: nat, State: 'active', Origin: 'CreateRoute' });
        if ((igw || eigw) && chance6(75)) rs.push({ DestinationIpv6CidrBlock: '::/0', ...(igw && (!eigw || chance6(50)) ? { GatewayId: igw } : { EgressOnlyInternetGatewayId: eigw }), State: 'active', Origin: 'CreateRoute' });
        for (let n = next6(3); n > 0; n--) {
          const t = next6(5);
          const target: Record<string, unknown> = t === 0 ? { EgressOnlyInternetGatewayId: eigw ?? 'eigw-gone' } : t === 1 ? { GatewayId: igw ?? 'igw-gone' } : t === 2 ? { TransitGatewayId: 'tgw-1' }
            : t === 3 ? { VpcPeeringConnectionId: pick6(peerings.map((p) => String(p['VpcPeeringConnectionId'])).concat(['pcx-gone'])) } : { EgressOnlyInternetGatewayId: pick6(eigws.map((g) => g.EgressOnlyInternetGatewayId).concat(['eigw-gone'])) };
          rs.push({ DestinationIpv6CidrBlock: pick6(['::/0', '2001:db8::/32', '2600:1f00:0::/56', '2600:1f00:1::/56', '2600:1f00:2::/56', '2600:1f00:1:0::/64']), ...target, State: chance6(15) ? 'blackhole' : 'active', Origin: 'CreateRoute' });
        }
      }
      // Mostly working designs (both sides routed), then random breakage on top.
      for (const p of peerings) {
        const ends = [(p['RequesterVpcInfo'] as { VpcId: string }).VpcId, (p['AccepterVpcInfo'] as { VpcId: string }).VpcId];
        if (!ends.includes(v.VpcId) || !chance(attached.includes(v.VpcId) ? 40 : 80)) continue;
        const other = ends.find((e) => e !== v.VpcId)!.slice(4);
        rs.push({ DestinationCidrBlock: chance(80) ? `10.${other}.0.0/16` : `10.${other}.0.0/24`, VpcPeeringConnectionId: p['VpcPeeringConnectionId'], State: 'active', Origin: 'CreateRoute' });
      }
      if (attached.includes(v.VpcId) && (hub || chance(80))) rs.push({ DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-1', State: 'active', Origin: 'CreateRoute' });
      if (chance(50)) {
        const igw = igws.find((g) => g.Attachments[0]!.VpcId === v.VpcId)?.InternetGatewayId;
        const nat = nats.find((g) => g.VpcId === v.VpcId)?.NatGatewayId;
        if (igw || nat) rs.push({ DestinationCidrBlock: '0.0.0.0/0', ...(igw && (!nat || chance(50)) ? { GatewayId: igw } : { NatGatewayId: nat }), State: 'active', Origin: 'CreateRoute' });
      }
      if (chance(45)) {
        // The S3 prefix list to a gateway endpoint: mostly this VPC's, sometimes another VPC's or a deleted one.
        const own = gatewayEndpoints.find((g) => g.VpcId === v.VpcId)?.VpcEndpointId;
        rs.push({ DestinationPrefixListId: 'pl-s3', GatewayId: own && chance(80) ? own : pick([...gatewayEndpoints.map((g) => g.VpcEndpointId), 'vpce-gone']), State: chance(10) ? 'blackhole' : 'active', Origin: 'CreateRoute' });
      }
      for (let n = next(3); n > 0; n--) {
        const destination = pick(['0.0.0.0/0', '10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16', '10.0.1.0/24', '10.1.0.0/24', '8.8.8.0/24', '52.216.0.0/15']);
        if (destination === v.CidrBlock) continue;
        const t = next(6);
        const target: Record<string, unknown> =
          t === 0 ? { VpcPeeringConnectionId: pick(peerings.map((p) => String(p['VpcPeeringConnectionId'])).concat(['pcx-gone'])) }
          : t === 1 ? { TransitGatewayId: 'tgw-1' }
          : t === 2 ? { GatewayId: igws.find((g) => g.Attachments[0]!.VpcId === v.VpcId)?.InternetGatewayId ?? 'igw-gone' }
          : t === 3 ? { NatGatewayId: nats.find((g) => g.VpcId === v.VpcId)?.NatGatewayId ?? 'nat-gone' }
          : t === 4 ? { VpcPeeringConnectionId: `pcx-${Math.min(vi, next(nVpc))}${Math.max(vi, next(nVpc))}` }
          : { TransitGatewayId: 'tgw-1' };
        // Now and then the destination is the prefix list (its entries), competing with equal CIDR routes.
        rs.push({ ...(chance(15) ? { DestinationPrefixListId: 'pl-1' } : { DestinationCidrBlock: destination }), ...target, State: chance(15) ? 'blackhole' : 'active', Origin: 'CreateRoute' });
      }
      return rs;
    };
    const mine = subnets.filter((s) => s['VpcId'] === v.VpcId).map((s) => String(s['SubnetId']));
    const explicit = mine.filter(() => chance(40));
    routeTables.push({ RouteTableId: `rtb-${vi}m`, VpcId: v.VpcId, Associations: [{ Main: true, AssociationState: { State: 'associated' } }], Routes: routes() });
    if (explicit.length > 0) routeTables.push({ RouteTableId: `rtb-${vi}x`, VpcId: v.VpcId, Associations: explicit.map((s) => ({ Main: false, SubnetId: s, AssociationState: { State: 'associated' } })), Routes: routes() });
  });

  const snapshot: Snapshot = {
    Vpcs: vpcs, Subnets: subnets, NetworkInterfaces: enis, SecurityGroups: sgs, NetworkAcls: acls, RouteTables: routeTables,
    InternetGateways: igws, EgressOnlyInternetGateways: eigws, NatGateways: nats, VpcPeeringConnections: peerings,
    TransitGateways: attachments.length > 0 ? [{ TransitGatewayId: 'tgw-1', State: 'available' }] : [],
    TransitGatewayAttachments: attachments, TransitGatewayVpcAttachments: vpcAttachments,
    TransitGatewayRouteTables: tgwTables.map((t) => ({ TransitGatewayRouteTableId: t, TransitGatewayId: 'tgw-1' })),
    TransitGatewayRouteTableAssociations: assoc, TransitGatewayRouteTableRoutes: tgwRoutes,
    PrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'corp' }, { PrefixListId: 'pl-s3', PrefixListName: 'com.amazonaws.us-east-1.s3' }],
    ManagedPrefixListEntries: {
      'pl-1': [{ Cidr: pick(['203.0.113.0/25', '10.1.0.0/16', '10.0.0.0/24', '10.2.0.0/16']) }, { Cidr: '8.8.8.0/24' }, ...(chance6(50) ? [{ Cidr: pick6(['2001:db8::/32', '2600:1f00:1::/56']) }] : [])],
      // The S3 list, now and then overlapping routes and rules of the rest of the estate.
      'pl-s3': [{ Cidr: '52.216.0.0/15' }, ...(chance(50) ? [{ Cidr: pick(['8.8.8.0/24', '203.0.113.0/24']) }] : [])],
    },
    VpcEndpoints: [...gatewayEndpoints, ...interfaceEndpoints],
  };
  // Security group referencing across the gateway, drawn last so the draws above (and the estates every
  // other property test saw before) stay as they were: on the gateway now and then, and per attachment
  // enabled (as the API defaults), disabled, or unsaid.
  if (attachments.length > 0 && chance(35)) {
    snapshot['TransitGateways'] = [{ TransitGatewayId: 'tgw-1', State: 'available', Options: { SecurityGroupReferencingSupport: 'enable' } }];
    for (const x of vpcAttachments as Array<Record<string, unknown>>) {
      const k = next(10);
      if (k < 6) x['Options'] = { ...(x['Options'] as object | undefined), SecurityGroupReferencingSupport: 'enable' };
      else if (k < 8) x['Options'] = { ...(x['Options'] as object | undefined), SecurityGroupReferencingSupport: 'disable' };
    }
  }
  return { snapshot, externals: ipv6 ? [...EXTERNALS, ...EXTERNALS6] : EXTERNALS };
}
