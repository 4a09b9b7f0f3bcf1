/**
 * The pieces class reach is factored into, each against the whole-path evaluation on random estates: route
 * halves joined against routeFromEni, the class route (joined halves and the two ends' NACL crossings) against
 * the route and crossings of the whole path, and the security group rows against securityGroupTraffic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import type { AwsInventory, NetworkInterface } from '../../src/inventory/aws/types.js';
import { Estate } from '../../src/engine/cloud/estate.js';
import { aclTraffic } from '../../src/engine/cloud/network-acls.js';
import { replyPairs } from '../../src/engine/cloud/path.js';
import { ClassReach } from '../../src/engine/cloud/reach-matrix.js';
import { backHalf, forwardHalf, joinHalves } from '../../src/engine/cloud/route-halves.js';
import { bestRoute, routeFromEni } from '../../src/engine/cloud/routing.js';
import { securityGroupTraffic } from '../../src/engine/cloud/security-groups.js';
import { TrafficSet } from '../../src/model/traffic-set.js';
import { estateArb } from './estate-gen.js';

const EPH: [number, number] = [1000, 1100];

/** A random estate with copies of some interfaces (same subnet and groups, next addresses), so classes have several members. */
function inventoryArb(): fc.Arbitrary<AwsInventory> {
  // Half the estates are transit gateway hubs (attachment subnets' NACLs, zones without an attachment subnet).
  return fc.tuple(fc.oneof(estateArb(), estateArb({ tgw: true })), fc.nat(3)).map(([{ snapshot }, copies]) => {
    const nis = (snapshot['NetworkInterfaces'] as Array<Record<string, unknown>>) ?? [];
    const extra = nis.slice(0, copies).map((e, i) => ({ ...e, NetworkInterfaceId: `${String(e['NetworkInterfaceId'])}-copy${i}`, PrivateIpAddress: String(e['PrivateIpAddress']).replace(/\.(\d+)$/, (_, n: string) => `.${Number(n) + 100 + i}`) }));
    return buildAwsInventory([{ path: 'gen.json', text: JSON.stringify({ ...snapshot, NetworkInterfaces: [...nis, ...extra] }) }]);
  });
}

/** The route part of analysePath between two interfaces: routed or not, the crossings' NACLs, the requests whose replies they drop. */
function wholeRoute(est: Estate, s: NetworkInterface, d: NetworkInterface): { ok: boolean; forward: TrafficSet; replyBlocked: TrafficSet } {
  const out = routeFromEni(est, s, { kind: 'eni', eni: d });
  if (!out.ok) return { ok: false, forward: TrafficSet.EMPTY, replyBlocked: TrafficSet.EMPTY };
  const pairs = replyPairs(EPH);
  const replyTraffic = pairs.reduce((acc, p) => acc.union(p.reply), TrafficSet.EMPTY);
  let forward = TrafficSet.ALL;
  for (const st of out.steps) forward = forward.intersect(st.traffic);
  let replyAllowed = replyTraffic;
  for (const c of out.crossings) forward = forward.intersect(aclTraffic(est.aclOf(c.subnet), c.direction, c.peer));
  // Through a transit gateway the replies cross their own boundaries (the attachment subnets of the destination's zone).
  const back = out.replyCrossings ?? out.crossings.map((c) => ({ ...c, direction: c.direction === 'inbound' ? ('outbound' as const) : ('inbound' as const) }));
  for (const c of back) replyAllowed = replyAllowed.intersect(aclTraffic(est.aclOf(c.subnet), c.direction, c.peer, replyTraffic));
  let replyBlocked = TrafficSet.EMPTY;
  for (const p of pairs) if (!p.reply.isSubsetOf(replyAllowed)) replyBlocked = replyBlocked.union(p.request);
  return { ok: true, forward, replyBlocked };
}

/** Every ordered pair of classes with the interfaces that stand for it (a class with itself: its first two members). */
function* classPairs(cr: ClassReach): Generator<{ i: number; j: number; s: NetworkInterface; d: NetworkInterface }> {
  for (const a of cr.classes) {
    for (const b of cr.classes) {
      if (a === b && a.members.length < 2) continue;
      yield { i: a.index, j: b.index, s: a.rep, d: a === b ? a.members[1]! : b.rep };
    }
  }
}

test('joined route halves accept exactly the interface pairs routeFromEni routes', () => {
  const seen = { local: 0, pcx: 0, tgw: 0, notTransitive: 0, blackhole: 0, tgwBlackhole: 0, unassociated: 0, propagated: 0, noWayBack: 0 };
  // The counts come from random estates: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || Object.values(seen).some((n) => n === 0)); batch++) fc.assert(
    fc.property(inventoryArb(), (inv) => {
      const est = new Estate(inv);
      for (const s of inv.interfaces) {
        for (const d of inv.interfaces) {
          if (s === d) continue;
          const f = forwardHalf(est, s, est.primary(d), d.vpc);
          const b = backHalf(est, d, est.primary(s), s.vpc);
          const whole = routeFromEni(est, s, { kind: 'eni', eni: d });
          assert.equal(joinHalves(f, b), whole.ok, `${s.id} -> ${d.id}: ${JSON.stringify(f)} ${JSON.stringify(b)}`);
          if (whole.ok) seen[f.kind as 'local' | 'pcx' | 'tgw']++;
          else if (f.kind !== 'fail') seen.noWayBack++;
          // The cases the halves must get right, counted from the source's own table.
          const r = bestRoute(est, est.routeTableOf(s.subnet)?.routes ?? [], est.primary(d));
          if (r?.state === 'blackhole') seen.blackhole++;
          if (r?.target.kind === 'pcx') {
            const p = est.peerings.get(r.target.id);
            const other = p ? est.peerOf(p, s.vpc) : undefined;
            if (other && other !== d.vpc) seen.notTransitive++;
          }
          if (r?.target.kind === 'tgw' && r.state === 'active') {
            const x = est.vpcAttachment(r.target.id, s.vpc);
            const rt = x ? est.tgwTableOf(x.id) : undefined;
            if (x && !rt) seen.unassociated++;
            const tr = rt ? bestRoute(est, rt.routes, est.primary(d)) : undefined;
            if (tr?.state === 'blackhole') seen.tgwBlackhole++;
            if (whole.ok && tr?.origin === 'propagated') seen.propagated++;
          }
        }
      }
    }),
    { numRuns: 150 },
  );
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `no ${k} pair in the random estates: ${JSON.stringify(seen)}`);
});

test('the class route (joined halves, NACL crossings by atom) equals the whole path route for every class pair', () => {
  let replyBlocked = 0;
  let partial = 0;
  let routed = 0;
  for (let batch = 0; batch < 4 && (batch === 0 || routed <= 100 || replyBlocked <= 20 || partial <= 20); batch++) fc.assert(
    fc.property(inventoryArb(), (inv) => {
      const est = new Estate(inv);
      const cr = new ClassReach(est, inv.interfaces, { ephemeral: EPH });
      for (const { i, j, s, d } of classPairs(cr)) {
        const want = wholeRoute(est, s, d);
        const got = cr.classRoute(i, j);
        const at = `${s.id} -> ${d.id}`;
        assert.equal(got.ok, want.ok, at);
        if (!want.ok) continue;
        routed++;
        assert.equal(got.forward.key(), want.forward.key(), `${at}: forward`);
        assert.equal(got.replyBlocked.key(), want.replyBlocked.key(), `${at}: reply blocked`);
        if (!want.replyBlocked.isEmpty()) replyBlocked++;
        if (!want.forward.equals(TrafficSet.ALL)) partial++;
      }
    }),
    { numRuns: 150 },
  );
  assert.ok(routed > 100 && replyBlocked > 20 && partial > 20, `routed ${routed}, reply-blocked ${replyBlocked}, NACL-limited ${partial}`);
});

test('the class security group rows equal securityGroupTraffic for every class pair, references across peerings and transit gateways included', () => {
  const seen = { sameVpcRef: 0, peeredSameRegion: 0, peeredOtherRegion: 0, acrossGateway: 0 };
  for (let batch = 0; batch < 4 && (batch === 0 || Object.values(seen).some((n) => n === 0)); batch++) fc.assert(
    fc.property(inventoryArb(), (inv) => {
      const est = new Estate(inv);
      const cr = new ClassReach(est, inv.interfaces, { ephemeral: EPH });
      for (const { i, j, s, d } of classPairs(cr)) {
        const got = cr.classGroups(i, j);
        assert.equal(got.egress.key(), securityGroupTraffic(est, s.securityGroups, 'egress', est.primary(d)).key(), `${s.id} -> ${d.id}: egress`);
        assert.equal(got.ingress.key(), securityGroupTraffic(est, d.securityGroups, 'ingress', est.primary(s)).key(), `${s.id} -> ${d.id}: ingress`);
        // References to a group the source is a member of: in the same VPC, across a peering in one Region (valid), across Regions (stale), across a transit gateway with referencing (valid inbound).
        for (const gid of d.securityGroups) {
          for (const rule of est.groups.get(gid)?.ingress ?? []) {
            if (rule.peer.kind !== 'group' || !est.members.get(rule.peer.id)?.has(est.primary(s))) continue;
            const ref = est.groups.get(rule.peer.id)!;
            const holder = est.groups.get(gid)!;
            if (ref.vpc === holder.vpc) seen.sameVpcRef++;
            else if (est.peeredSameRegion(holder.vpc, ref.vpc)) seen.peeredSameRegion++;
            else if (est.referenceWorks(holder.vpc, ref.vpc, 'ingress')) seen.acrossGateway++;
            else if ([...est.peerings.values()].some((p) => est.peerOf(p, holder.vpc) === ref.vpc)) seen.peeredOtherRegion++;
          }
        }
      }
    }),
    { numRuns: 150 },
  );
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `no ${k} reference in the random estates: ${JSON.stringify(seen)}`);
});

test('a transit gateway route back into the source subnet crosses its NACL both ways (no same-subnet shortcut)', () => {
  const subnet = 'subnet-1';
  const eni = (n: number) => ({ NetworkInterfaceId: `eni-${n}`, SubnetId: subnet, VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', PrivateIpAddress: `10.0.1.${10 + n}`, Groups: [{ GroupId: 'sg-1' }] });
  const snapshot = {
    Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
    Subnets: [{ SubnetId: subnet, VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }],
    NetworkInterfaces: [eni(0), eni(1)],
    SecurityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-1', GroupName: 'all', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }],
    NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: true, Associations: [{ SubnetId: subnet }], Entries: [
      { RuleNumber: 90, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
    ] }],
    // The subnet's own block more specific than local, to the TGW (an inspection hop), and the TGW sends it back.
    RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
      { DestinationCidrBlock: '10.0.1.0/24', TransitGatewayId: 'tgw-1', State: 'active', Origin: 'CreateRoute' },
    ] }],
    TransitGateways: [{ TransitGatewayId: 'tgw-1', State: 'available' }],
    TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-1', TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: 'vpc-1', State: 'available' }],
    TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: 'tgw-rtb-1', TransitGatewayId: 'tgw-1' }],
    TransitGatewayRouteTableAssociations: { 'tgw-rtb-1': [{ TransitGatewayAttachmentId: 'tgw-attach-1', State: 'associated' }] },
    TransitGatewayRouteTableRoutes: { 'tgw-rtb-1': [{ DestinationCidrBlock: '10.0.1.0/24', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-1' }], Type: 'static', State: 'active' }] },
  };
  const inv = buildAwsInventory([{ path: 'tgw-hairpin.json', text: JSON.stringify(snapshot) }]);
  const est = new Estate(inv);
  const cr = new ClassReach(est, inv.interfaces, { ephemeral: EPH });
  assert.equal(cr.classes.length, 1);
  const [s, d] = cr.classes[0]!.members as [NetworkInterface, NetworkInterface];
  const want = wholeRoute(est, s, d);
  assert.ok(want.ok && !want.forward.has(6, 22) && want.forward.has(6, 80), 'the whole path goes over the TGW and meets the NACL');
  assert.equal(cr.classRoute(0, 0).forward.key(), want.forward.key());
});
