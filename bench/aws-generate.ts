/**
 * A realistic AWS estate for the benchmark, as describe-* JSON: accounts per environment (prod, staging,
 * dev) and a network account; per-environment spoke VPCs with public, app and database tiers in two zones;
 * a Transit Gateway hub and spoke (one route table per environment, so environments are joined only through
 * the shared-services hub); peerings between some dev VPCs; security groups per service referencing each
 * other; custom NACLs on the database subnets; NAT gateways for egress.
 */
export interface AwsEstateShape {
  readonly vpcs: number;
  readonly enis: number;
  /** App services (a security group each) per VPC. */
  readonly services: number;
}

export const AWS_SHAPES = {
  AWS_S: { vpcs: 4, enis: 200, services: 4 },
  AWS_L: { vpcs: 100, enis: 10_000, services: 6 },
} as const satisfies Record<string, AwsEstateShape>;

const ENVS = ['prod', 'staging', 'dev'] as const;
const ACCOUNT: Record<string, string> = { network: '100000000000', prod: '200000000000', staging: '300000000000', dev: '400000000000' };

type J = Record<string, unknown>;
const tags = (o: Record<string, string>): J[] => Object.entries(o).map(([Key, Value]) => ({ Key, Value }));

/** The snapshot as files (one describe-* output each) and a pair worth explaining. */
export function generateAwsEstate(shape: AwsEstateShape): { files: Array<{ path: string; text: string }>; explain: [string, string] } {
  const vpcs: J[] = [];
  const subnets: J[] = [];
  const groups: J[] = [];
  const enis: J[] = [];
  const acls: J[] = [];
  const tables: J[] = [];
  const igws: J[] = [];
  const nats: J[] = [];
  const peerings: J[] = [];
  const attachments: J[] = [];
  const vpcAttachments: J[] = [];
  const tgwRoutes: Record<string, J[]> = { 'tgw-rtb-hub': [] };
  for (const e of ENVS) tgwRoutes[`tgw-rtb-${e}`] = [];
  const perVpc = Math.max(6, Math.floor(shape.enis / shape.vpcs));
  const envOf = (i: number): string => (i === 0 ? 'network' : ENVS[(i - 1) % ENVS.length]!);
  const cidr = (i: number): string => `10.${Math.floor(i / 2)}.${(i % 2) * 128}.0/17`;
  const net = (i: number, third: number): string => `10.${Math.floor(i / 2)}.${(i % 2) * 128 + third}`;

  for (let i = 0; i < shape.vpcs; i++) {
    const env = envOf(i);
    const account = ACCOUNT[env]!;
    const v = `vpc-${i}`;
    vpcs.push({ VpcId: v, OwnerId: account, CidrBlock: cidr(i), Tags: tags({ Name: `${env}-${i}`, env }) });
    const tiers = ['public', 'app', 'db'] as const;
    const sub = (tier: string, az: string): string => `subnet-${i}-${tier}-${az}`;
    tiers.forEach((tier, t) => ['a', 'b'].forEach((az, z) => {
      subnets.push({ SubnetId: sub(tier, az), VpcId: v, OwnerId: account, CidrBlock: `${net(i, t * 32 + z * 16)}.0/20`, AvailabilityZone: `us-east-1${az}`, MapPublicIpOnLaunch: tier === 'public', Tags: tags({ Name: `${env}-${i}-${tier}-${az}`, tier, env }) });
    }));
    // Security groups: web, one per service, db, the default group.
    const sg = (n: string): string => `sg-${i}-${n}`;
    const rule = (proto: string, from: number, to: number, peer: J): J => ({ IpProtocol: proto, FromPort: from, ToPort: to, ...peer });
    const allOut = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    groups.push({ GroupId: sg('default'), GroupName: 'default', VpcId: v, OwnerId: account, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: sg('default') }] }], IpPermissionsEgress: allOut });
    groups.push({ GroupId: sg('web'), GroupName: 'web', VpcId: v, OwnerId: account, IpPermissions: [rule('tcp', 443, 443, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })], IpPermissionsEgress: allOut });
    for (let s = 0; s < shape.services; s++) {
      const from: J[] = [rule('tcp', 8080, 8080, { UserIdGroupPairs: [{ GroupId: sg('web') }, ...(s > 0 ? [{ GroupId: sg(`svc${s - 1}`) }] : [])] })];
      // Services take calls from the hub's shared services and from their own environment's other VPCs.
      from.push(rule('tcp', 8443, 8443, { IpRanges: [{ CidrIp: env === 'network' ? '10.0.0.0/8' : cidr(0) }] }));
      if (env !== 'network') from.push(rule('tcp', 9000, 9100, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] }));
      groups.push({ GroupId: sg(`svc${s}`), GroupName: `svc${s}`, VpcId: v, OwnerId: account, IpPermissions: from, IpPermissionsEgress: allOut });
    }
    groups.push({ GroupId: sg('db'), GroupName: 'db', VpcId: v, OwnerId: account, IpPermissions: [rule('tcp', 5432, 5432, { UserIdGroupPairs: Array.from({ length: shape.services }, (_, s) => ({ GroupId: sg(`svc${s}`) })) }), rule('tcp', 5432, 5432, { IpRanges: [{ CidrIp: cidr(0) }] })], IpPermissionsEgress: [] });
    // ENIs: a tenth public, six tenths app (spread over services), the rest databases.
    for (let k = 0; k < perVpc; k++) {
      const tier = k < perVpc / 10 ? 'public' : k < (perVpc * 7) / 10 ? 'app' : 'db';
      const az = k % 2 ? 'b' : 'a';
      const t = tiers.indexOf(tier);
      const host = 10 + Math.floor(k / 2);
      const ip = `${net(i, t * 32 + (az === 'b' ? 16 : 0) + Math.floor(host / 250))}.${(host % 250) + 4}`;
      const g = tier === 'public' ? [sg('web')] : tier === 'app' ? [sg(`svc${k % shape.services}`)] : [sg('db')];
      enis.push({
        NetworkInterfaceId: `eni-${i}-${k}`, SubnetId: sub(tier, az), VpcId: v, AvailabilityZone: `us-east-1${az}`, OwnerId: account, InterfaceType: 'interface',
        PrivateIpAddress: ip, Groups: g.map((GroupId) => ({ GroupId })), ...(tier === 'public' ? { Association: { PublicIp: `54.${i % 250}.${Math.floor(k / 250)}.${k % 250}` } } : {}),
        TagSet: tags({ Name: `${env}-${i}-${tier}-${k}`, env, tier }),
      });
    }
    // NACLs: the default allows all; the database subnets allow 5432 from the VPC and the hub, replies out.
    acls.push({ NetworkAclId: `acl-${i}-default`, VpcId: v, IsDefault: true, Associations: [], Entries: [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
    ] });
    acls.push({ NetworkAclId: `acl-${i}-db`, VpcId: v, IsDefault: false, Associations: ['a', 'b'].map((az) => ({ SubnetId: sub('db', az) })), Entries: [
      { RuleNumber: 90, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: cidr(i), PortRange: { From: 5432, To: 5432 } },
      { RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: cidr(0), PortRange: { From: 5432, To: 5432 } },
      { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '10.0.0.0/8', PortRange: { From: 1024, To: 65535 } },
    ] });
    // Routes: public to the IGW; app and db to the NAT and the TGW.
    igws.push({ InternetGatewayId: `igw-${i}`, Attachments: [{ VpcId: v, State: 'available' }] });
    nats.push({ NatGatewayId: `nat-${i}`, VpcId: v, SubnetId: sub('public', 'a'), State: 'available', ConnectivityType: 'public', NatGatewayAddresses: [{ PrivateIp: `${net(i, 0)}.5`, PublicIp: `52.${i % 250}.0.1` }] });
    const local = { DestinationCidrBlock: cidr(i), GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' };
    tables.push({ RouteTableId: `rtb-${i}-public`, VpcId: v, Associations: [{ Main: true }, ...['a', 'b'].map((az) => ({ SubnetId: sub('public', az) }))], Routes: [local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: `igw-${i}`, State: 'active' }, { DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-hub', State: 'active' }] });
    tables.push({ RouteTableId: `rtb-${i}-private`, VpcId: v, Associations: ['app', 'db'].flatMap((tier) => ['a', 'b'].map((az) => ({ SubnetId: sub(tier, az) }))), Routes: [local, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: `nat-${i}`, State: 'active' }, { DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-hub', State: 'active' }] });
    // Transit Gateway: each VPC attached with its app subnets; the hub table reaches all, an environment's its own and the hub.
    const att = `tgw-attach-${i}`;
    const rt = env === 'network' ? 'tgw-rtb-hub' : `tgw-rtb-${env}`;
    attachments.push({ TransitGatewayAttachmentId: att, TransitGatewayId: 'tgw-hub', ResourceType: 'vpc', ResourceId: v, ResourceOwnerId: account, State: 'available', Association: { TransitGatewayRouteTableId: rt, State: 'associated' } });
    vpcAttachments.push({ TransitGatewayAttachmentId: att, SubnetIds: ['a', 'b'].map((az) => sub('app', az)) });
    const route = { DestinationCidrBlock: cidr(i), TransitGatewayAttachments: [{ TransitGatewayAttachmentId: att, ResourceId: v, ResourceType: 'vpc' }], Type: 'propagated', State: 'active' };
    tgwRoutes['tgw-rtb-hub']!.push(route);
    if (env === 'network') for (const e of ENVS) tgwRoutes[`tgw-rtb-${e}`]!.push(route);
    else tgwRoutes[rt]!.push(route);
  }
  // Some dev VPCs peered with the next one (a leftover of before the TGW).
  for (let i = 3; i + 3 < shape.vpcs; i += 9) {
    peerings.push({ VpcPeeringConnectionId: `pcx-${i}`, RequesterVpcInfo: { VpcId: `vpc-${i}`, OwnerId: ACCOUNT['dev'], Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: `vpc-${i + 3}`, OwnerId: ACCOUNT['dev'], Region: 'us-east-1' }, Status: { Code: 'active' } });
  }
  const doc = (key: string, value: unknown): { path: string; text: string } => ({ path: `estate/${key}.json`, text: JSON.stringify({ [key]: value }) });
  return {
    files: [
      doc('Vpcs', vpcs), doc('Subnets', subnets), doc('SecurityGroups', groups), doc('NetworkInterfaces', enis), doc('NetworkAcls', acls), doc('RouteTables', tables),
      doc('InternetGateways', igws), doc('NatGateways', nats), doc('VpcPeeringConnections', peerings),
      doc('TransitGateways', [{ TransitGatewayId: 'tgw-hub', OwnerId: ACCOUNT['network'], State: 'available', Options: {} }]),
      doc('TransitGatewayAttachments', attachments), doc('TransitGatewayVpcAttachments', vpcAttachments),
      doc('TransitGatewayRouteTables', Object.keys(tgwRoutes).map((id) => ({ TransitGatewayRouteTableId: id, TransitGatewayId: 'tgw-hub' }))),
      doc('TransitGatewayRouteTableRoutes', tgwRoutes),
    ],
    explain: ['eni-1-20', `eni-${Math.min(4, shape.vpcs - 1)}-${perVpc - 1}`],
  };
}

/**
 * The estate with `count` of its app interfaces tagged as nodes of the cluster `cluster`
 * (`kubernetes.io/cluster/<name>=owned`, as EKS tags them): the cross-layer rows join a generated cluster
 * to it (its pods name no node, so each may run on any of them). The first app interfaces of the first VPC:
 * a cluster's nodes share a VPC.
 */
export function withClusterNodes(files: ReadonlyArray<{ path: string; text: string }>, count: number, cluster = 'bench'): Array<{ path: string; text: string }> {
  return files.map((f) => {
    if (!f.path.endsWith('/NetworkInterfaces.json')) return f;
    const doc = JSON.parse(f.text) as { NetworkInterfaces: Array<{ TagSet: Array<{ Key: string; Value: string }> }> };
    let left = count;
    for (const e of doc.NetworkInterfaces) {
      if (left === 0) break;
      if (!e.TagSet.some((t) => t.Key === 'tier' && t.Value === 'app')) continue;
      e.TagSet.push({ Key: `kubernetes.io/cluster/${cluster}`, Value: 'owned' });
      left--;
    }
    if (left > 0) throw new Error(`the estate has fewer than ${count} app interfaces`);
    return { path: f.path, text: JSON.stringify(doc) };
  });
}
