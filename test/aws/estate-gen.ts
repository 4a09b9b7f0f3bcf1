/**
 * Random small AWS estates as describe-* JSON (2-3 VPCs, subnets, ENIs, groups referencing each other,
 * NACLs, route tables with local, peering, TGW, IGW, NAT, gateway endpoint and blackhole routes, interface
 * endpoints' ENIs), for property tests.
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

export function estateArb(): fc.Arbitrary<GeneratedEstate> {
  return fc.integer({ min: 2, max: 3 }).chain((nVpc) =>
    fc.record({
      regions: fc.array(fc.constantFrom('us-east-1', 'us-east-1', 'eu-west-1'), { minLength: nVpc, maxLength: nVpc }),
      subnetsPer: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: nVpc, maxLength: nVpc }),
      enisPer: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 6, maxLength: 6 }),
      sgsPer: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: nVpc, maxLength: nVpc }),
      seed: fc.array(fc.nat(1000), { minLength: 400, maxLength: 400 }),
    }).map(({ regions, subnetsPer, enisPer, sgsPer, seed }) => build(nVpc, regions, subnetsPer, enisPer, sgsPer, seed)),
  );
}

function build(nVpc: number, regions: string[], subnetsPer: number[], enisPer: number[], sgsPer: number[], seed: number[]): GeneratedEstate {
  let k = 0;
  const next = (n: number): number => seed[k++ % seed.length]! % n;
  const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;
  const chance = (pct: number): boolean => next(100) < pct;

  const vpcs = Array.from({ length: nVpc }, (_, i) => ({ VpcId: `vpc-${i}`, OwnerId: '111111111111', CidrBlock: `10.${i}.0.0/16` }));
  const subnets: Array<Record<string, unknown>> = [];
  vpcs.forEach((v, i) => {
    for (let j = 0; j < subnetsPer[i]!; j++) subnets.push({ SubnetId: `subnet-${i}${j}`, VpcId: v.VpcId, CidrBlock: `10.${i}.${j}.0/24`, AvailabilityZone: `${regions[i]}${pick(['a', 'b'])}` });
  });
  const sgIds: string[][] = vpcs.map((_, i) => Array.from({ length: sgsPer[i]! }, (_, j) => `sg-${i}${j}`));
  const allSgs = [...sgIds.flat(), 'sg-gone'];
  const enis: Array<Record<string, unknown>> = [];
  subnets.forEach((s, si) => {
    const vi = Number(String(s['SubnetId']).slice(7, 8));
    for (let e = 0; e < enisPer[si % enisPer.length]!; e++) {
      const groups = [...new Set([pick(sgIds[vi]!), pick(sgIds[vi]!)])];
      const ip = `${String(s['CidrBlock']).split('.').slice(0, 3).join('.')}.${10 + e}`;
      enis.push({
        NetworkInterfaceId: `eni-${si}${e}`, SubnetId: s['SubnetId'], VpcId: s['VpcId'], AvailabilityZone: s['AvailabilityZone'], PrivateIpAddress: ip,
        Groups: groups.map((g) => ({ GroupId: g })), ...(chance(40) ? { Association: { PublicIp: `198.51.100.${si * 10 + e}` } } : {}),
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
  const eniIps = enis.map((e) => String(e['PrivateIpAddress']));
  const cidrPool = (): string => pick(['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16', '10.0.0.0/24', '10.1.1.0/24', '203.0.113.0/24', '8.8.8.8/32', `${pick(eniIps)}/32`]);
  const perm = (): Record<string, unknown> => {
    const proto = pick(PROTOS);
    const [lo, hi] = pick(PORTS);
    const ports = proto === 'tcp' || proto === 'udp' ? { FromPort: lo, ToPort: hi } : proto === 'icmp' ? { FromPort: pick([-1, 8, 3]), ToPort: -1 } : {};
    const kind = next(10);
    const peer = kind < 5 ? { IpRanges: [{ CidrIp: cidrPool() }] } : kind < 9 ? { UserIdGroupPairs: [{ GroupId: pick(allSgs) }] } : { PrefixListIds: [{ PrefixListId: 'pl-1' }] };
    return { IpProtocol: proto, ...ports, ...peer };
  };
  const sgs = sgIds.flatMap((ids, vi) => ids.map((id) => ({
    GroupId: id, VpcId: `vpc-${vi}`, GroupName: id,
    IpPermissions: Array.from({ length: 1 + next(3) }, perm),
    IpPermissionsEgress: chance(60) ? [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] : Array.from({ length: next(3) }, perm),
  })));

  const acls: Array<Record<string, unknown>> = [];
  vpcs.forEach((v, vi) => {
    const mine = subnets.filter((s) => s['VpcId'] === v.VpcId).map((s) => String(s['SubnetId']));
    const custom = chance(60) ? mine.filter(() => chance(60)) : [];
    const allowAll = (egress: boolean) => ({ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: egress, CidrBlock: '0.0.0.0/0' });
    const star = (egress: boolean) => ({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, CidrBlock: '0.0.0.0/0' });
    acls.push({ NetworkAclId: `acl-${vi}d`, VpcId: v.VpcId, IsDefault: true, Entries: [allowAll(false), allowAll(true), star(false), star(true)], Associations: mine.filter((s) => !custom.includes(s)).map((s) => ({ SubnetId: s })) });
    if (custom.length > 0) {
      const entry = (egress: boolean) => {
        const proto = pick(['6', '17', '-1', '1']);
        const [lo, hi] = pick(PORTS);
        return {
          RuleNumber: 10 * (1 + next(20)), Protocol: proto, RuleAction: chance(65) ? 'allow' : 'deny', Egress: egress, CidrBlock: cidrPool(),
          ...(proto === '6' || proto === '17' ? { PortRange: { From: lo, To: hi } } : proto === '1' ? { IcmpTypeCode: { Type: pick([-1, 8, 0]), Code: -1 } } : {}),
        };
      };
      const tail = (egress: boolean) => (chance(70) ? [{ ...allowAll(egress), RuleNumber: 300 }] : []);
      const entries = [...Array.from({ length: 1 + next(4) }, () => entry(false)), ...Array.from({ length: 1 + next(4) }, () => entry(true)), ...tail(false), ...tail(true), star(false), star(true)];
      acls.push({ NetworkAclId: `acl-${vi}c`, VpcId: v.VpcId, IsDefault: false, Entries: entries, Associations: custom.map((s) => ({ SubnetId: s })) });
    }
  });

  const peerings: Array<Record<string, unknown>> = [];
  for (let i = 0; i < nVpc; i++) for (let j = i + 1; j < nVpc; j++) {
    if (chance(60)) peerings.push({ VpcPeeringConnectionId: `pcx-${i}${j}`, RequesterVpcInfo: { VpcId: `vpc-${i}`, Region: regions[i] }, AccepterVpcInfo: { VpcId: `vpc-${j}`, Region: regions[j] }, Status: { Code: chance(85) ? 'active' : 'deleted' } });
  }
  const igws = vpcs.filter(() => chance(60)).map((v) => ({ InternetGatewayId: `igw-${v.VpcId.slice(4)}`, Attachments: [{ VpcId: v.VpcId, State: 'available' }] }));
  const nats = vpcs.filter(() => chance(40)).map((v) => {
    const s = subnets.find((x) => x['VpcId'] === v.VpcId)!;
    return { NatGatewayId: `nat-${v.VpcId.slice(4)}`, VpcId: v.VpcId, SubnetId: s['SubnetId'], State: 'available', ConnectivityType: 'public', NatGatewayAddresses: [{ PrivateIp: `${String(s['CidrBlock']).split('.').slice(0, 3).join('.')}.200`, PublicIp: `192.0.2.${v.VpcId.slice(4)}` }] };
  });
  const attached = vpcs.filter(() => chance(70)).map((v) => v.VpcId);
  const attachments = attached.map((v) => ({ TransitGatewayAttachmentId: `tgw-attach-${v.slice(4)}`, TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: v, State: 'available' }));
  const vpcAttachments = attached.map((v) => ({ TransitGatewayAttachmentId: `tgw-attach-${v.slice(4)}`, SubnetIds: subnets.filter((s) => s['VpcId'] === v && chance(85)).map((s) => s['SubnetId']) }));
  const tgwTables = ['tgw-rtb-a', 'tgw-rtb-b'];
  const assoc: Record<string, Array<Record<string, unknown>>> = { 'tgw-rtb-a': [], 'tgw-rtb-b': [] };
  for (const a of attachments) if (chance(95)) assoc[pick(tgwTables)]!.push({ TransitGatewayAttachmentId: a.TransitGatewayAttachmentId, State: 'associated' });
  const tgwRoutes: Record<string, Array<Record<string, unknown>>> = {};
  for (const t of tgwTables) {
    tgwRoutes[t] = attachments.filter(() => chance(85)).flatMap((a) => {
      const destination = chance(80) ? `10.${a.ResourceId.slice(4)}.0.0/16` : `10.${a.ResourceId.slice(4)}.${next(2)}.0/24`;
      const type = chance(50) ? 'propagated' : 'static';
      const r = { DestinationCidrBlock: destination, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: chance(85) ? a.TransitGatewayAttachmentId : pick(attachments).TransitGatewayAttachmentId }], Type: type, State: 'active' };
      // The same destination twice, to another attachment with the other origin: static must win.
      const other = pick(attachments);
      return chance(30) ? [r, { ...r, TransitGatewayAttachments: [{ TransitGatewayAttachmentId: other.TransitGatewayAttachmentId }], Type: type === 'static' ? 'propagated' : 'static' }] : [r];
    });
    if (chance(25)) tgwRoutes[t]!.push({ DestinationCidrBlock: `10.${next(nVpc)}.${next(2)}.0/24`, Type: 'static', State: 'blackhole' });
  }

  const routeTables: Array<Record<string, unknown>> = [];
  vpcs.forEach((v, vi) => {
    const routes = (): Array<Record<string, unknown>> => {
      const rs: Array<Record<string, unknown>> = [{ DestinationCidrBlock: v.CidrBlock, GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }];
      // Mostly working designs (both sides routed), then random breakage on top.
      for (const p of peerings) {
        const ends = [(p['RequesterVpcInfo'] as { VpcId: string }).VpcId, (p['AccepterVpcInfo'] as { VpcId: string }).VpcId];
        if (!ends.includes(v.VpcId) || !chance(attached.includes(v.VpcId) ? 40 : 80)) continue;
        const other = ends.find((e) => e !== v.VpcId)!.slice(4);
        rs.push({ DestinationCidrBlock: chance(80) ? `10.${other}.0.0/16` : `10.${other}.0.0/24`, VpcPeeringConnectionId: p['VpcPeeringConnectionId'], State: 'active', Origin: 'CreateRoute' });
      }
      if (attached.includes(v.VpcId) && chance(80)) rs.push({ DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-1', State: 'active', Origin: 'CreateRoute' });
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
    InternetGateways: igws, NatGateways: nats, VpcPeeringConnections: peerings,
    TransitGateways: attachments.length > 0 ? [{ TransitGatewayId: 'tgw-1', State: 'available' }] : [],
    TransitGatewayAttachments: attachments, TransitGatewayVpcAttachments: vpcAttachments,
    TransitGatewayRouteTables: tgwTables.map((t) => ({ TransitGatewayRouteTableId: t, TransitGatewayId: 'tgw-1' })),
    TransitGatewayRouteTableAssociations: assoc, TransitGatewayRouteTableRoutes: tgwRoutes,
    PrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'corp' }, { PrefixListId: 'pl-s3', PrefixListName: 'com.amazonaws.us-east-1.s3' }],
    ManagedPrefixListEntries: {
      'pl-1': [{ Cidr: pick(['203.0.113.0/25', '10.1.0.0/16', '10.0.0.0/24', '10.2.0.0/16']) }, { Cidr: '8.8.8.0/24' }],
      // The S3 list, now and then overlapping routes and rules of the rest of the estate.
      'pl-s3': [{ Cidr: '52.216.0.0/15' }, ...(chance(50) ? [{ Cidr: pick(['8.8.8.0/24', '203.0.113.0/24']) }] : [])],
    },
    VpcEndpoints: [...gatewayEndpoints, ...interfaceEndpoints],
  };
  return { snapshot, externals: EXTERNALS };
}
