/**
 * Explaining one pair across both layers: a workload or pod at one end, an AWS interface, address or the
 * internet at the other. The answer is the Kubernetes explanation (tiers and policy rules with file:line,
 * the AWS end as an address) and the AWS path explanation (every stage, with file and JSON path) for the
 * node the pod runs on, and, for a denial, every setting of either layer that blocks it.
 */
import { formatKey, ip4, keyFamily } from '../../engine/cloud/estate.js';
import type { PathAnswer } from '../../engine/cloud/path.js';
import type { Endpoint as AwsEnd } from '../../engine/cloud/routing.js';
import type { NodeHost, PodPlacement } from '../../engine/cross/placement.js';
import type { NodePortRoute } from '../../engine/cross/services.js';
import { formatSource } from '../../inventory/types.js';
import { interfaceEndpointId } from '../../inventory/aws/types.js';
import { parseCidr, parseIp, type Family } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import type { TrafficSet } from '../../model/traffic-set.js';
import { UserError } from '../../util/errors.js';
import { resolveOne, type ResolvedEndpoint } from '../endpoints.js';
import { explain, type Explanation } from '../explain.js';
import { type CrossJoin, type CrossVerdict, JOIN_ASSUMPTIONS, kubernetesTraffic, type PodView, type ServiceVerdict } from './join.js';

export interface CrossExplanation {
  /** The ends as reports name them. */
  readonly from: string;
  readonly to: string;
  /** `egress`: the pod is the source; `ingress`: the pod is the destination. */
  readonly direction: 'egress' | 'ingress';
  readonly verdict: 'allowed' | 'denied';
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
  readonly node: NodeHost;
  readonly view: PodView;
  readonly kubernetes: Explanation;
  readonly aws: PathAnswer;
  /** The other nodes the pod may run on, with what each would give. */
  readonly otherNodes: ReadonlyArray<{ readonly node: string; readonly conns: TrafficSet }>;
  /** For a denial (or a part of the queried traffic denied): every setting of either layer that blocks. */
  readonly blockedBy: ReadonlyArray<{ readonly layer: 'kubernetes' | 'aws'; readonly text: string }>;
  /** With the pod as the destination: each Service nodePort that forwards to it, on the node explained. */
  readonly services: readonly ServiceHop[];
  readonly assumptions: readonly string[];
}

/** One nodePort path toward the pod: the AWS path to the node, kube-proxy's forwarding, NetworkPolicy on what it sees. */
export interface ServiceHop {
  readonly verdict: ServiceVerdict;
  /** Within the queried traffic (the nodePort the client sends to). */
  readonly conns: TrafficSet;
  /** NetworkPolicy from the source it sees to the pod on the targetPort. */
  readonly kubernetes: Explanation;
  /** The other nodes that answer on the nodePort, with what each gives. */
  readonly otherNodes: ReadonlyArray<{ readonly node: string; readonly conns: TrafficSet }>;
}

/** Outside addresses `internet` is explained for (the first not in a VPC of the estate). */
const INTERNET_PROBES = ['8.8.8.8', '1.1.1.1', '198.51.100.1'];

/** The cluster end of a spec: a workload or pod (not an address, which the AWS side names). */
function clusterEnd(j: CrossJoin, spec: string): ResolvedEndpoint | undefined {
  const s = spec.trim();
  if (s === 'internet' || parseIp(s) || parseCidr(s)) return undefined;
  try {
    const r = resolveOne(j.k8s, s);
    return r.endpoint.kind === 'External' || r.pods.length === 0 ? undefined : r;
  } catch {
    return undefined;
  }
}

/**
 * The AWS end of a spec: an interface (not a node's), an outside address, or `internet`, with the family the
 * pair is answered in: IPv6 for an outside IPv6 address, an IPv6-only interface or an interface named by its
 * IPv6 address; else IPv4, where the layers meet (pod and node addresses).
 */
function awsEnd(j: CrossJoin, spec: string): { end: AwsEnd; id: string; family: Family; note?: string } | undefined {
  const s = spec.trim();
  if (s === 'internet') {
    const probe = INTERNET_PROBES.find((a) => !j.estate.anyVpcContains(ip4(a)));
    return probe ? { end: { kind: 'external', address: ip4(probe) }, id: probe, family: 4, note: `internet: explained for ${probe} (reach lists every outside range; give an IPv6 address for the IPv6 internet)` } : undefined;
  }
  const e = j.aws.endpointOf(s);
  if (!e) return undefined;
  if (e.kind === 'eni') {
    if (j.placement.hostEnis.has(e.eni)) return undefined;
    const family: Family = e.eni.addresses.length === 0 || parseIp(s)?.family === 6 ? 6 : 4;
    return { end: e, id: `${interfaceEndpointId(e.eni)}${e.eni.tags['Name'] ? `[${e.eni.tags['Name']}]` : ''}`, family };
  }
  return { end: e, id: formatKey(e.address), family: keyFamily(e.address) };
}

/** True when the pair is one end in the cluster and the other in the estate (outside the cluster's nodes). */
export function isCrossPair(j: CrossJoin, from: string, to: string): boolean {
  return (clusterEnd(j, from) !== undefined && clusterEnd(j, to) === undefined && awsEnd(j, to) !== undefined)
    || (clusterEnd(j, to) !== undefined && clusterEnd(j, from) === undefined && awsEnd(j, from) !== undefined);
}

/** Explains a cross-layer pair; undefined when the pair is not one (see isCrossPair). */
export function crossExplain(j: CrossJoin, from: string, to: string, ports?: PortSet): CrossExplanation | undefined {
  if (!isCrossPair(j, from, to)) return undefined;
  const egress = clusterEnd(j, from) !== undefined;
  const k = clusterEnd(j, egress ? from : to)!;
  const a = awsEnd(j, egress ? to : from)!;
  if (j.placement.hosts.length === 0) {
    throw new UserError(`cannot join ${from} => ${to}: no node of the cluster was found in the AWS input`, 'tag the node instances kubernetes.io/cluster/NAME (or eks:cluster-name), or give the Node objects with spec.providerID; --cluster-name picks among several tagged clusters');
  }
  const podId = k.pods[0]!;
  const pl: PodPlacement = j.placement.pods.get(podId)!;
  const query = ports ?? PortSet.ALL;
  const q = kubernetesTraffic(query);
  const evaluate = (h: NodeHost): CrossVerdict => (egress ? j.egress(pl, h, a.end, a.family) : j.ingress(pl, h, a.end, a.family));
  const all = pl.hosts.map((h) => ({ h, v: evaluate(h) }));
  // Explained on the first node that lets something through (else the first): the others are listed.
  const chosen = all.find((x) => !x.v.conns.intersect(q).isEmpty()) ?? all[0]!;
  const v = chosen.v;
  const address = a.end.kind === 'external' ? formatKey(a.end.address) : a.family === 6 ? formatKey(j.estate.primary6(a.end.eni)!) : a.end.eni.addresses[0]!;
  const kid = k.endpoint.id;
  // Kubernetes sees the AWS end as an address; the pod end is the one pod explained.
  const podSpec = k.pods.length > 1 ? podId : kid;
  const kx = egress ? explain(j.k8s, podSpec, address, query) : explain(j.k8s, address, podSpec, query);
  // kube-proxy of an IPv4 cluster serves nodePorts on the nodes' IPv4 addresses alone: none over IPv6.
  const services = egress || a.family === 6 ? [] : serviceHops(j, pl, a.end, podSpec, q);
  // Through a Service the client sends to the nodePort: those paths add to the direct one.
  const conns = services.reduce((t, s) => t.union(s.conns), v.conns.intersect(q));
  const responseBlocked = services.reduce((t, s) => t.union(s.verdict.responseBlocked.intersect(q)), v.responseBlocked.intersect(q));
  const blockedBy: Array<{ layer: 'kubernetes' | 'aws'; text: string }> = [];
  // Each layer is named for what it closes that the other would let through (both, when nothing passes).
  const kLet = v.kubernetes.intersect(q);
  const awsLet = v.aws.conns.intersect(q);
  const kBlocks = !awsLet.subtract(kLet).isEmpty() || (conns.isEmpty() && kLet.isEmpty());
  const aBlocks = !kLet.subtract(awsLet).isEmpty() || (conns.isEmpty() && awsLet.isEmpty());
  if (kBlocks) {
    for (const side of kx.layers) {
      if (side.allowed.isAll()) continue;
      const who = side.direction === 'egress' ? kx.from.id : kx.to.id;
      const by = side.selectedBy.map((p) => `${p.policy} (${formatSource(p.source)})`).join(', ');
      blockedBy.push({ layer: 'kubernetes', text: `${side.direction} of ${who}: ${side.allowed.isEmpty() ? 'nothing allowed' : `only ${side.allowed} allowed`}${by ? `, isolated by ${by}` : ''}` });
    }
    for (const t of kx.tiers ?? []) {
      for (const st of t.steps) if (st.rule.action === 'deny') blockedBy.push({ layer: 'kubernetes', text: `${t.layer} ${st.rule.policy} ${st.rule.direction} rule #${st.rule.rule}: deny ${st.ports} (${formatSource(st.rule.source)})` });
    }
  }
  if (aBlocks) {
    const wanted = conns.isEmpty() && kLet.isEmpty() ? q : kLet;
    for (const s of v.aws.steps) {
      if (s.verdict === 'allow' || wanted.isSubsetOf(s.traffic)) continue;
      const rules = s.rules.filter((r) => r.action === 'deny');
      const where = rules.map((r) => `${r.id}${r.source ? ` (${r.source.file}:${r.source.line} ${r.source.path})` : ''}`).join('; ');
      const passes = s.traffic.isEmpty() ? 'nothing passes' : `only ${s.traffic} passes`;
      blockedBy.push({ layer: 'aws', text: `${s.stage} ${s.resource}: ${passes} (${s.message})${where ? ` [${where}]` : ''}` });
    }
    if (!v.responseBlocked.isEmpty()) blockedBy.push({ layer: 'aws', text: `replies of ${v.responseBlocked} are dropped by a network ACL (nacl-reply stages)` });
  }
  const assumptions = [
    `${k.pods.length > 1 ? `explained for pod ${podId} of ${kid}; ` : ''}${placementText(pl, chosen.h)}`,
    `seen by AWS as ${v.view.why}`,
    ...(a.note ? [a.note] : []),
    ...(a.family === 6 ? [`answered over IPv6 (${a.end.kind === 'eni' && a.end.eni.addresses.length === 0 ? 'an IPv6-only interface' : a.end.kind === 'eni' ? `${a.end.eni.id} named by its IPv6 address` : 'an IPv6 address'}): a pod has an IPv6 address only with hostNetwork (its node's); no Service nodePort is served over IPv6 in an IPv4 cluster`] : []),
    ...JOIN_ASSUMPTIONS,
    ...j.services.assumptions,
    ...v.aws.assumptions,
  ];
  return {
    from: egress ? kid : a.id,
    to: egress ? a.id : kid,
    direction: egress ? 'egress' : 'ingress',
    verdict: conns.isEmpty() ? 'denied' : 'allowed',
    conns,
    responseBlocked,
    node: chosen.h,
    view: v.view,
    kubernetes: kx,
    aws: v.aws,
    otherNodes: all.filter((x) => x !== chosen).map((x) => ({ node: x.h.name, conns: x.v.conns.intersect(q) })),
    blockedBy,
    services,
    assumptions,
  };
}

/** The Service paths toward the pod, each explained on the first node that lets something through (else the first). */
function serviceHops(j: CrossJoin, pl: PodPlacement, src: AwsEnd, podSpec: string, q: TrafficSet): ServiceHop[] {
  const byRoute = new Map<NodePortRoute, ServiceVerdict[]>();
  for (const v of j.serviceIngress(pl, src)) {
    const l = byRoute.get(v.route);
    if (l) l.push(v);
    else byRoute.set(v.route, [v]);
  }
  const out: ServiceHop[] = [];
  for (const [route, vs] of byRoute) {
    if (vs.every((v) => v.awsTraffic.union(v.awsReplyBlocked).intersect(q).isEmpty() && v.kubernetes.intersect(q).isEmpty())) continue;
    const chosen = vs.find((v) => !v.conns.intersect(q).isEmpty()) ?? vs[0]!;
    out.push({
      verdict: chosen,
      conns: chosen.conns.intersect(q),
      kubernetes: explain(j.k8s, chosen.seen, podSpec, PortSet.of(route.port.protocol, route.targetPort)),
      otherNodes: vs.filter((v) => v !== chosen).map((v) => ({ node: v.node.name, conns: v.conns.intersect(q) })),
    });
  }
  return out;
}

function placementText(pl: PodPlacement, h: NodeHost): string {
  if (pl.how === 'pod-ip') return `${pl.pod.id} runs on node ${h.name}: an interface of it holds the pod's IP ${pl.address}`;
  if (pl.how === 'node-name') return `${pl.pod.id} runs on node ${h.name} (spec.nodeName)`;
  return `${pl.pod.id} has no placement in the input: it may run on any node of the cluster (${pl.hosts.map((x) => x.name).join(', ')}); explained on ${h.name}`;
}
