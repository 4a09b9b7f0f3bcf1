/**
 * The answers of the cross-layer listing and how they combine: a pod over its hosts, Service paths, the
 * pods of an endpoint joined, narrowed to --port. Shared by the literal walk and the streamed one.
 */
import { PortSet } from '../../model/port-set.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { lex } from '../../util/compare.js';
import { routeText } from '../../engine/cross/services.js';
import { kubernetesTraffic, type ServiceVerdict } from './join.js';
import type { CrossVia } from './reach.js';

/** An answer being built: both layers' traffic and the Service paths (a CrossAnswer). */
export type Acc = { conns: TrafficSet; responseBlocked: TrafficSet; kubernetes: TrafficSet; aws: TrafficSet; via: readonly CrossVia[] };
/** No answer yet (also a pair with no pod). */
export const EMPTY: Acc = { conns: TrafficSet.EMPTY, responseBlocked: TrafficSet.EMPTY, kubernetes: TrafficSet.EMPTY, aws: TrafficSet.EMPTY, via: [] };
/** What Kubernetes decides in a cross-layer answer when it allows everything. */
export const ALL_K8S = kubernetesTraffic(PortSet.ALL);

/** Adds one host's verdict to an answer. */
export function add(a: Acc, v: { conns: TrafficSet; responseBlocked: TrafficSet; kubernetes: TrafficSet; aws: { conns: TrafficSet; responseBlocked: TrafficSet } }): Acc {
  return { conns: a.conns.union(v.conns), responseBlocked: a.responseBlocked.union(v.responseBlocked), kubernetes: a.kubernetes.union(v.kubernetes), aws: a.aws.union(v.aws.conns).union(v.aws.responseBlocked), via: a.via };
}

/** Adds one Service path (its traffic is the nodePort the client sends to), kept by route when either layer opens it. */
export function addService(a: Acc, v: ServiceVerdict): Acc {
  const aws = v.awsTraffic.union(v.awsReplyBlocked);
  const via = aws.isEmpty() && v.kubernetes.isEmpty() ? [] : [{ route: routeText(v.route), conns: v.conns, kubernetes: v.kubernetes, aws }];
  return joinAcc(a, { conns: v.conns, responseBlocked: v.responseBlocked, kubernetes: v.kubernetes, aws, via });
}

/** Two answers joined (of two pods, or two kinds of hosts): what either gives, Service paths by route. */
export function joinAcc(a: Acc, b: Acc): Acc {
  if (a === EMPTY) return b;
  if (b === EMPTY) return a;
  const via = new Map(a.via.map((x) => [x.route, x]));
  for (const x of b.via) {
    const old = via.get(x.route);
    via.set(x.route, old ? { route: x.route, conns: old.conns.union(x.conns), kubernetes: old.kubernetes.union(x.kubernetes), aws: old.aws.union(x.aws) } : x);
  }
  return {
    conns: a.conns.union(b.conns), responseBlocked: a.responseBlocked.union(b.responseBlocked), kubernetes: a.kubernetes.union(b.kubernetes), aws: a.aws.union(b.aws),
    via: [...via.values()].sort((x, y) => lex(x.route, y.route)),
  };
}

/** Listed when something passes both layers, or one layer opens what the other closes. */
export function worthListing(a: Acc): boolean {
  if (!a.conns.isEmpty() || !a.responseBlocked.isEmpty()) return true;
  const awsOpens = !a.aws.intersect(ALL_K8S).isEmpty();
  const k8sRestricted = !a.kubernetes.isEmpty() && !a.kubernetes.equals(ALL_K8S);
  return awsOpens || k8sRestricted;
}

/** The answer within the traffic --port asks about (unchanged without one). */
export function narrow(a: Acc, t: TrafficSet | undefined): Acc {
  if (!t) return a;
  const via = a.via.map((x) => ({ route: x.route, conns: x.conns.intersect(t), kubernetes: x.kubernetes.intersect(t), aws: x.aws.intersect(t) })).filter((x) => !x.aws.isEmpty() || !x.kubernetes.isEmpty());
  return { conns: a.conns.intersect(t), responseBlocked: a.responseBlocked.intersect(t), kubernetes: a.kubernetes.intersect(t), aws: a.aws.intersect(t), via };
}

