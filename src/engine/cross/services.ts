/**
 * NodePort and LoadBalancer Services on the cross-layer path. kube-proxy listens on every node for each
 * nodePort and forwards what arrives to one of the Service's endpoint pods (the pods of its namespace its
 * selector matches, on the targetPort; a named targetPort is resolved per pod among its container ports of
 * the same name and protocol). With externalTrafficPolicy Cluster (the default) any node forwards to any
 * endpoint and the source is SNATed to the node's address; with Local a node forwards only to endpoints on
 * itself and the client's address is kept. Sources are in docs/aws.md ("Services on the cross-layer path").
 */
import type { ClusterService, Inventory, Pod, ServicePort } from '../../inventory/types.js';
import { formatSource } from '../../inventory/types.js';
import { lex } from '../../util/compare.js';

/** One nodePort of a Service and the port it reaches on one endpoint pod. */
export interface NodePortRoute {
  readonly service: ClusterService;
  readonly port: ServicePort;
  readonly nodePort: number;
  /** The targetPort resolved on this pod. */
  readonly targetPort: number;
}

export interface ServiceRoutes {
  /** Per pod id: the nodePorts that forward to it. */
  readonly byPod: ReadonlyMap<string, readonly NodePortRoute[]>;
  /** What the answer does not evaluate about the Services (said with the cross section). */
  readonly assumptions: readonly string[];
}

const matches = (sel: Readonly<Record<string, string>>, p: Pod): boolean => Object.entries(sel).every(([k, v]) => p.labels[k] === v);

/** The container port a targetPort names on one pod (undefined: the pod is not an endpoint of that port). */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return pod.ports.find((c) => c.name === port.targetPort && c.protocol === port.protocol)?.port;
}

/** A Service port as reports name it: `shop/web TCP 30080->http (cluster.yaml:12)`. */
export function routeText(r: NodePortRoute): string {
  return `${r.service.type} Service ${r.service.id} ${r.port.protocol} ${r.nodePort}->${r.targetPort}${typeof r.port.targetPort === 'string' ? ` (targetPort ${r.port.targetPort})` : ''}`;
}

/** The nodePort routes of a cluster's Services, per endpoint pod, and what is left out. */
export function serviceRoutes(inv: Inventory): ServiceRoutes {
  const byPod = new Map<string, NodePortRoute[]>();
  const notes: string[] = [];
  const services = inv.services ?? [];
  const podsIn = new Map<string, Pod[]>();
  for (const p of inv.pods) {
    const l = podsIn.get(p.namespace);
    if (l) l.push(p);
    else podsIn.set(p.namespace, [p]);
  }
  const where = (s: ClusterService): string => `${s.id} (${formatSource(s.source)})`;
  const noNodePort: string[] = [], noSelector: string[] = [], unresolved: string[] = [], lb: string[] = [], ranges: string[] = [], external: string[] = [];
  for (const s of services) {
    if (s.externalIPs.length > 0) external.push(`${where(s)} ${s.externalIPs.join(', ')}`);
    if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') continue;
    if (s.type === 'LoadBalancer') lb.push(where(s));
    if (s.loadBalancerSourceRanges.length > 0) ranges.push(`${s.id} ${s.loadBalancerSourceRanges.join(', ')}`);
    if (s.selector === undefined) {
      noSelector.push(where(s));
      continue;
    }
    const endpoints = (podsIn.get(s.namespace) ?? []).filter((p) => matches(s.selector!, p));
    for (const port of s.ports) {
      if (port.nodePort === undefined) {
        noNodePort.push(`${s.id} port ${port.port}/${port.protocol}`);
        continue;
      }
      if (port.protocol === 'SCTP') continue;
      let any = false;
      for (const p of endpoints) {
        const targetPort = resolveTargetPort(port, p);
        if (targetPort === undefined) continue;
        any = true;
        const r: NodePortRoute = { service: s, port, nodePort: port.nodePort, targetPort };
        const l = byPod.get(p.id);
        if (l) l.push(r);
        else byPod.set(p.id, [r]);
      }
      if (!any && typeof port.targetPort === 'string' && endpoints.length > 0) unresolved.push(`${s.id} targetPort ${port.targetPort}`);
    }
  }
  if (services.some((s) => s.type === 'NodePort' || s.type === 'LoadBalancer')) {
    notes.push('NodePort and LoadBalancer Services: traffic to a node\'s address on a nodePort (through the node interface\'s security groups, NACLs and routes) is forwarded by kube-proxy to the Service\'s endpoint pods on the targetPort; with externalTrafficPolicy Cluster NetworkPolicy sees the receiving node\'s primary address as the source (SNAT), with Local the client\'s address, and only nodes the pod may run on answer; the node address is judged as an ipBlock peer (whether a CNI lets a pod\'s own node through regardless is not assumed), and the hop from the receiving node to a pod on another node (the node security groups between nodes) is not evaluated');
  }
  if (lb.length) notes.push(`the AWS load balancers of LoadBalancer Services (listeners, their security groups, loadBalancerSourceRanges, which the cloud provider applies there) are not in the EC2 describe-* snapshot and are not evaluated: only their nodePorts reached directly are (${lb.join(', ')})`);
  if (ranges.length) notes.push(`loadBalancerSourceRanges filter traffic to the load balancer, not to a nodePort reached directly, so they do not narrow these answers: ${ranges.join('; ')}`);
  if (noNodePort.length) notes.push(`Service ports without a nodePort in the input (the API server allocates one from 30000-32767; or allocateLoadBalancerNodePorts is false) are not evaluated: ${noNodePort.join(', ')}`);
  if (noSelector.length) notes.push(`Services without a selector (endpoints managed by hand, not in the input) are not evaluated: ${noSelector.join(', ')}`);
  if (unresolved.length) notes.push(`named targetPorts no selected pod declares (no endpoint): ${unresolved.join(', ')}`);
  if (external.length) notes.push(`externalIPs of Services are not evaluated (the AWS input would have to route them to a node): ${external.join('; ')}`);
  if (services.length) notes.push('ClusterIP addresses are reachable from inside the cluster only and are not AWS endpoints; ExternalName Services are DNS names');
  for (const l of byPod.values()) l.sort((a, b) => lex(a.service.id, b.service.id) || a.nodePort - b.nodePort || lex(a.port.protocol, b.port.protocol));
  return { byPod, assumptions: notes };
}
