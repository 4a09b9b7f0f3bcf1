/**
 * One pair across the cluster and the estate: a pod and an AWS endpoint (an interface or an outside address).
 * The connection is allowed when the pod's Kubernetes verdict (the engine's tiers, the AWS end taken as an
 * ipBlock peer) and the AWS path between the pod's node interface and the endpoint (security groups, NACLs
 * with their replies, routes, gateways) both let it through.
 *
 * The pod's address as the VPC sees it follows the AWS VPC CNI's documented default
 * (`AWS_VPC_K8S_CNI_EXTERNALSNAT=false`): its own IP, a secondary address of the node's interface, toward
 * addresses inside the VPC's CIDR blocks; the node's primary address (SNAT) toward anything outside them.
 */
import type { Analysis, Target } from '../../engine/index.js';
import type { Estate } from '../../engine/cloud/estate.js';
import { formatKey, ip4, keyFamily, V6_BASE } from '../../engine/cloud/estate.js';
import type { PathAnswer } from '../../engine/cloud/path.js';
import type { Endpoint } from '../../engine/cloud/routing.js';
import type { NodeHost, Placement, PodPlacement } from '../../engine/cross/placement.js';
import { serviceRoutes, type NodePortRoute, type ServiceRoutes } from '../../engine/cross/services.js';
import { interfaceEndpointId, type NetworkInterface } from '../../inventory/aws/types.js';
import type { Inventory, Pod } from '../../inventory/types.js';
import { formatIp, type Family } from '../../model/address.js';
import type { PortSet } from '../../model/port-set.js';
import { PROTO_TCP, PROTO_UDP, TrafficSet } from '../../model/traffic-set.js';
import type { AwsAnalysis } from '../aws/reach.js';

/** Kubernetes' TCP and UDP ports as traffic; every port (1-65535) is the whole protocol, as AWS rules say "all". */
export function kubernetesTraffic(p: PortSet): TrafficSet {
  let t = TrafficSet.EMPTY;
  for (const [proto, n] of [['TCP', PROTO_TCP], ['UDP', PROTO_UDP]] as const) {
    const s = p.get(proto);
    if (s.has(1) && s.has(65535) && s.ranges().length === 1) t = t.union(TrafficSet.protocol(n));
    else for (const [lo, hi] of s.ranges()) t = t.union(TrafficSet.ports(n, lo, hi));
  }
  return t;
}

/** The pod as the estate sees it on one host, toward (or from) one address. */
export interface PodView {
  /** The interface carrying the traffic, with the address it is seen from first. */
  readonly eni: NetworkInterface;
  readonly address: string;
  /** Why this interface and address (VPC CNI pod IP, SNAT to the node, host network, ...). */
  readonly why: string;
}

/** The assumptions every mixed answer states: how addresses and layers are joined. */
export const JOIN_ASSUMPTIONS: readonly string[] = [
  'pod addresses as the AWS VPC CNI gives them by default (AWS_VPC_K8S_CNI_EXTERNALSNAT=false): a pod is seen from its own IP (a secondary address of its node\'s interface) inside its VPC, and from its node\'s primary address (SNAT) toward addresses outside the VPC\'s CIDR blocks',
  'a pod whose IP no interface of the AWS input holds is taken at its node\'s primary interface and address; the node\'s security groups, subnet and routes are the pod\'s',
  'a pod\'s own address has no public IP: the internet reaches a pod through its node\'s public address with hostNetwork, or through the nodePorts of a NodePort or LoadBalancer Service the manifests give (load balancers in front of the nodes are not in the EC2 snapshot and not evaluated)',
  'Kubernetes decides TCP and UDP here; SCTP, ICMP and other protocols are left out of cross-layer answers',
  'pod to pod traffic is judged by Kubernetes alone (the node security groups between nodes are not evaluated); pod to node interfaces are not listed',
];

/** An interface seen from another of its addresses (or without its public address). */
function viewOf(e: NetworkInterface, address: string, publicIp: boolean): NetworkInterface {
  if (e.addresses[0] === address && (publicIp || !e.publicIp)) return e;
  const { publicIp: _drop, ...rest } = e;
  return { ...rest, addresses: [address, ...e.addresses.filter((a) => a !== address)], ...(publicIp && e.publicIp && e.addresses[0] === address ? { publicIp: e.publicIp } : {}) };
}

/**
 * The pod over IPv6 on `host`: a host-network pod is its node and has the node interface's first IPv6 address;
 * any other pod has none (the VPC CNI gives pods IPv4 addresses in an IPv4 cluster), so no view.
 */
function ipv6View(est: Estate, pl: PodPlacement, host: NodeHost): PodView | undefined {
  const node = host.enis[0]!;
  const a = est.primary6(node);
  if (!pl.pod.hostNetwork || a === undefined) return undefined;
  return { eni: node, address: formatKey(a), why: `host network: the node ${host.name}'s primary interface ${node.id} at its IPv6 address` };
}

/** How a pod on `host` sends toward `dst` (an address key): its interface and source address (undefined: no IPv6 address to send from). */
export function egressView(est: Estate, pl: PodPlacement, host: NodeHost, dst: bigint): PodView | undefined {
  const node = host.enis[0]!;
  if (keyFamily(dst) === 6) return ipv6View(est, pl, host);
  if (pl.pod.hostNetwork) return { eni: node, address: node.addresses[0]!, why: `host network: the node ${host.name}'s primary interface ${node.id}` };
  const own = pl.address !== undefined ? host.enis.find((e) => e.addresses.includes(pl.address!)) : undefined;
  if (own && est.vpcContains(own.vpc, dst)) return { eni: viewOf(own, pl.address!, false), address: pl.address!, why: `pod IP ${pl.address} on ${own.id} of node ${host.name} (VPC CNI)` };
  if (!est.vpcContains(node.vpc, dst)) return { eni: node, address: node.addresses[0]!, why: `SNAT to node ${host.name}'s primary address ${node.addresses[0]} on ${node.id} (destination outside the VPC)` };
  return { eni: viewOf(node, node.addresses[0]!, false), address: node.addresses[0]!, why: `node ${host.name}'s primary interface ${node.id} (the pod's own IP is not in the AWS input)` };
}

/** Where traffic of a family toward the pod on `host` arrives: its interface and address (undefined: the pod has no IPv6 address). */
export function ingressView(est: Estate, pl: PodPlacement, host: NodeHost, family: Family = 4): PodView | undefined {
  const node = host.enis[0]!;
  if (family === 6) return ipv6View(est, pl, host);
  if (pl.pod.hostNetwork) return { eni: node, address: node.addresses[0]!, why: `host network: the node ${host.name}'s primary interface ${node.id}` };
  const own = pl.address !== undefined ? host.enis.find((e) => e.addresses.includes(pl.address!)) : undefined;
  if (own) return { eni: viewOf(own, pl.address!, false), address: pl.address!, why: `pod IP ${pl.address} on ${own.id} of node ${host.name} (VPC CNI)` };
  return { eni: viewOf(node, node.addresses[0]!, false), address: node.addresses[0]!, why: `node ${host.name}'s primary interface ${node.id} (the pod's own IP is not in the AWS input)` };
}

/** One direction of one pair on one host: each layer's traffic and the conjunction. */
export interface CrossVerdict {
  readonly host: NodeHost;
  /** For an IPv6 end, a pod without an IPv6 address has no address to be seen at: the view is its node's interface, the path a denial. */
  readonly view: PodView;
  /** What Kubernetes allows (as traffic: TCP and UDP). */
  readonly kubernetes: TrafficSet;
  readonly kubernetesPorts: PortSet;
  readonly aws: PathAnswer;
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
}

/** An AWS endpoint toward a pod through one nodePort of a Service, received on one node. */
export interface ServiceVerdict {
  readonly route: NodePortRoute;
  /** The node whose address the traffic is sent to (its primary interface, public address included). */
  readonly node: NodeHost;
  /** The source address NetworkPolicy sees, and why (SNAT to the receiving node, or the client kept). */
  readonly seen: string;
  readonly seenWhy: string;
  /** The AWS path to the node's interface, all traffic. */
  readonly aws: PathAnswer;
  /** The AWS path on the nodePort alone. */
  readonly awsTraffic: TrafficSet;
  readonly awsReplyBlocked: TrafficSet;
  /** What Kubernetes allows from `seen` to the pod, and the nodePort when that includes the targetPort. */
  readonly kubernetesPorts: PortSet;
  readonly kubernetes: TrafficSet;
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
}

/** Evaluates pod/AWS pairs with the paths memoised (reach asks the same node interface again and again). */
export class CrossJoin {
  private readonly paths = new Map<string, PathAnswer>();
  /** Kubernetes answers for addresses in no outside block (those in one are a matrix cell). */
  private readonly k8sByAddress = new Map<string, PortSet>();
  /** The outside block holding each address asked (-1: none): reach asks the same few addresses for every class. */
  private readonly blockAt = new Map<bigint, number>();
  /** The engine hands out one PortSet per distinct set: its traffic is made once. */
  private readonly trafficOf = new Map<PortSet, TrafficSet>();
  /** The nodePorts that forward to each pod. */
  readonly services: ServiceRoutes;

  constructor(readonly k8s: Analysis, readonly aws: AwsAnalysis, readonly placement: Placement) {
    this.services = serviceRoutes(k8s.inventory as Inventory);
  }

  get estate(): Estate {
    return this.aws.estate;
  }

  /**
   * The path of one family: the pod has one address (IPv4, or a host-network pod's node IPv6 one), so a path
   * between two dual-stack interfaces is not the union of both families' as between two AWS interfaces.
   */
  private path(src: Endpoint, dst: Endpoint, family: Family): PathAnswer {
    const key = `${family}|${endKey(src)}>${endKey(dst)}`;
    let p = this.paths.get(key);
    if (!p) this.paths.set(key, (p = this.aws.explainFamilyPath(src, dst, family)));
    return p;
  }

  /** Kubernetes between a pod and one address key (either family), either way (the address as an ipBlock peer). */
  kubernetesPorts(pod: Pod, address: bigint, dir: 'egress' | 'ingress'): PortSet {
    return this.classPorts(this.k8s.classOf(pod.id), address, dir);
  }

  /** The index of the cluster's outside block (externals()) holding an address key, or -1. */
  blockOf(address: bigint): number {
    let b = this.blockAt.get(address);
    if (b === undefined) {
      const family = keyFamily(address);
      const value = family === 6 ? address - V6_BASE : address;
      this.blockAt.set(address, (b = this.k8s.externals().findIndex((x) => x.range.family === family && x.range.lo <= value && value <= x.range.hi)));
    }
    return b;
  }

  /**
   * kubernetesPorts for a pod class (`block`: blockOf(address), when the caller has it): an address in an
   * outside block is answered as the block (blocks behave alike, one matrix cell), any other on its own.
   */
  classPorts(cls: number, address: bigint, dir: 'egress' | 'ingress', block = this.blockOf(address)): PortSet {
    if (block >= 0) return this.k8s.blockAllowed(cls, block, dir);
    const key = `${cls}|${address}|${dir}`;
    let p = this.k8sByAddress.get(key);
    if (p) return p;
    const family = keyFamily(address);
    const at: Target = { kind: 'address', range: { family, lo: family === 6 ? address - V6_BASE : address, hi: family === 6 ? address - V6_BASE : address } };
    const self: Target = { kind: 'class', index: cls };
    p = dir === 'egress' ? this.k8s.allowed(self, at) : this.k8s.allowed(at, self);
    this.k8sByAddress.set(key, p);
    return p;
  }

  /** kubernetesTraffic of a PortSet the engine gave, made once per set. */
  traffic(p: PortSet): TrafficSet {
    let t = this.trafficOf.get(p);
    if (t === undefined) this.trafficOf.set(p, (t = kubernetesTraffic(p)));
    return t;
  }

  /** An interface's address key of a family (-1: it has none). */
  private keyOf(e: Endpoint, family: Family): bigint {
    if (e.kind === 'external') return e.address;
    return family === 4 ? ip4(e.eni.addresses[0] ?? '') : this.estate.primary6(e.eni) ?? -1n;
  }

  /**
   * The pod (on `host`) toward an AWS endpoint, in a family (an outside end's address decides it): IPv4 unless
   * asked for an interface's IPv6 address; a pod without an IPv6 address has no IPv6 path.
   */
  egress(pl: PodPlacement, host: NodeHost, dst: Endpoint, family: Family = 4): CrossVerdict {
    const f = dst.kind === 'external' ? keyFamily(dst.address) : family;
    const d = this.keyOf(dst, f);
    const view = egressView(this.estate, pl, host, f === 6 ? (d < 0n ? V6_BASE : d) : d);
    const k = this.kubernetesPorts(pl.pod, d, 'egress');
    if (!view) return this.verdict(host, noIpv6View(pl, host), k, noIpv6Path(pl, endName(dst, d), 'egress'));
    return this.verdict(host, view, k, this.path({ kind: 'eni', eni: view.eni }, dst, f));
  }

  /** An AWS endpoint toward the pod (on `host`), in a family as for egress; the Kubernetes source is the address the pod sees. */
  ingress(pl: PodPlacement, host: NodeHost, src: Endpoint, family: Family = 4): CrossVerdict {
    const f = src.kind === 'external' ? keyFamily(src.address) : family;
    const s = this.keyOf(src, f);
    const view = ingressView(this.estate, pl, host, f);
    const k = this.kubernetesPorts(pl.pod, s, 'ingress');
    if (!view) return this.verdict(host, noIpv6View(pl, host), k, noIpv6Path(pl, endName(src, s), 'ingress'));
    return this.verdict(host, view, k, this.path(src, { kind: 'eni', eni: view.eni }, f));
  }

  /**
   * An AWS endpoint toward the pod through every nodePort that forwards to it: each node that answers
   * (every node with externalTrafficPolicy Cluster, the nodes the pod may run on with Local), the AWS path
   * to that node on the nodePort, and NetworkPolicy on the targetPort from the source it sees.
   */
  serviceIngress(pl: PodPlacement, src: Endpoint): ServiceVerdict[] {
    const routes = this.services.byPod.get(pl.pod.id);
    // kube-proxy of an IPv4 cluster serves nodePorts on the nodes' IPv4 addresses alone.
    if (!routes || (src.kind === 'external' && keyFamily(src.address) === 6)) return [];
    const out: ServiceVerdict[] = [];
    const client = src.kind === 'eni' ? ip4(src.eni.addresses[0]!) : src.address;
    for (const route of routes) {
      const local = route.service.externalTrafficPolicy === 'Local';
      const n = route.port.protocol === 'UDP' ? PROTO_UDP : PROTO_TCP;
      const onPort = TrafficSet.ports(n, route.nodePort);
      for (const node of local ? pl.hosts : this.placement.hosts) {
        const eni = node.enis[0]!;
        const aws = this.path(src, { kind: 'eni', eni }, 4);
        const seenAt = local ? client : ip4(eni.addresses[0]!);
        const seen = formatIp(4, seenAt);
        const seenWhy = local ? `the client's address ${seen} (externalTrafficPolicy Local keeps it)` : `node ${node.name}'s primary address ${seen} (externalTrafficPolicy Cluster: kube-proxy SNATs to the receiving node)`;
        const kubernetesPorts = this.kubernetesPorts(pl.pod, seenAt, 'ingress');
        const kubernetes = kubernetesPorts.has(route.port.protocol, route.targetPort) ? onPort : TrafficSet.EMPTY;
        const awsTraffic = aws.conns.intersect(onPort), awsReplyBlocked = aws.responseBlocked.intersect(onPort);
        out.push({ route, node, seen, seenWhy, aws, awsTraffic, awsReplyBlocked, kubernetesPorts, kubernetes, conns: awsTraffic.intersect(kubernetes), responseBlocked: awsReplyBlocked.intersect(kubernetes) });
      }
    }
    return out;
  }

  private verdict(host: NodeHost, view: PodView, ports: PortSet, aws: PathAnswer): CrossVerdict {
    const kubernetes = this.traffic(ports);
    return { host, view, kubernetes, kubernetesPorts: ports, aws, conns: aws.conns.intersect(kubernetes), responseBlocked: aws.responseBlocked.intersect(kubernetes) };
  }
}

function endKey(e: Endpoint): string {
  return e.kind === 'eni' ? `${e.eni.id}|${e.eni.addresses[0]}|${e.eni.publicIp ?? ''}` : `x${formatKey(e.address)}`;
}

/** The AWS end as a path answer names it. */
function endName(e: Endpoint, key: bigint): string {
  return e.kind === 'eni' ? interfaceEndpointId(e.eni) : formatKey(key);
}

/** Where a pod without an IPv6 address would be: its node's primary interface (no address of the pod's there). */
function noIpv6View(pl: PodPlacement, host: NodeHost): PodView {
  const node = host.enis[0]!;
  return { eni: node, address: '(no IPv6 address)', why: `${pl.pod.id} has no IPv6 address (pods of an IPv4 cluster take IPv4 addresses from the VPC CNI); its node ${host.name}'s primary interface is ${node.id}` };
}

/** The denial of an IPv6 path to or from a pod without an IPv6 address, as the AWS engine words a missing family. */
function noIpv6Path(pl: PodPlacement, other: string, dir: 'egress' | 'ingress'): PathAnswer {
  const pod = pl.pod.id;
  return {
    src: dir === 'egress' ? pod : other,
    dst: dir === 'egress' ? other : pod,
    conns: TrafficSet.EMPTY,
    responseBlocked: TrafficSet.EMPTY,
    steps: [{ stage: 'route', resource: pod, verdict: 'deny', traffic: TrafficSet.EMPTY, rules: [], message: `${pod} has no IPv6 address: no IPv6 path (the VPC CNI gives pods IPv4 addresses in an IPv4 cluster; only a hostNetwork pod has its node's IPv6 address)` }],
    assumptions: ['pods have IPv4 addresses only (VPC CNI in IPv4 mode, ENABLE_V6_EGRESS not set); a hostNetwork pod has its node\'s addresses'],
  };
}

export const NO_TRAFFIC = TrafficSet.EMPTY;
