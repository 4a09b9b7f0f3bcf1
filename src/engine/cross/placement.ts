/**
 * Placement: which network interfaces of an AWS estate carry which pods of a cluster. A pod runs on a node;
 * a node is an EC2 instance with interfaces in a subnet with security groups. Nodes are found the ways EKS
 * marks them: interfaces tagged for the cluster (`kubernetes.io/cluster/<name>` owned|shared, `eks:cluster-name`,
 * `aws:eks:cluster-name`, the VPC CNI's `cluster.k8s.amazonaws.com/name`), Node objects whose
 * `spec.providerID` names an instance (`aws:///<az>/<instance-id>`) or whose addresses an interface holds,
 * and pod IPs found among interface addresses (with the VPC CNI, pod IPs are secondary addresses of node ENIs).
 */
import type { NetworkInterface, AwsInventory } from '../../inventory/aws/types.js';
import type { ClusterNode, Diagnostic, Inventory, Pod } from '../../inventory/types.js';
import { lex } from '../../util/compare.js';

/** One node as the estate sees it: an instance (or a lone interface) and its interfaces. */
export interface NodeHost {
  /** The Node's name when the manifests name it, else the instance id (or the interface id). */
  readonly name: string;
  readonly instanceId?: string;
  /** The host's interfaces, the one holding the node's primary address first. */
  readonly enis: readonly NetworkInterface[];
  /** How the host was found, e.g. `tag kubernetes.io/cluster/shop=owned`, `Node n1 spec.providerID`. */
  readonly evidence: readonly string[];
}

/** Where one pod may run, and its address as the VPC sees it. */
export interface PodPlacement {
  readonly pod: Pod;
  /** `pod-ip`: an interface holds the pod's IP; `node-name`: spec.nodeName names a host; `any-node`: not known. */
  readonly how: 'pod-ip' | 'node-name' | 'any-node';
  /** The hosts it may be on: one when known, else every host of the cluster. */
  readonly hosts: readonly NodeHost[];
  /** The pod's own address when an interface of its host holds it (VPC CNI). */
  readonly address?: string;
}

export interface Placement {
  /** The cluster name the tags were read for, when any. */
  readonly cluster?: string;
  /** Every tagged cluster name in the estate. */
  readonly clusters: readonly string[];
  readonly hosts: readonly NodeHost[];
  /** Per pod id. */
  readonly pods: ReadonlyMap<string, PodPlacement>;
  /** Interfaces of some host (their traffic is the cluster's). */
  readonly hostEnis: ReadonlySet<NetworkInterface>;
  /** What the join assumes, said in every report of a mixed run. */
  readonly assumptions: readonly string[];
  /** Problems of the join: no node found, a nodeName no host answers to, several clusters tagged. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlacementOptions {
  /** The cluster whose tags mark its nodes (needed when several clusters are tagged). */
  readonly clusterName?: string;
}

const TAG_PREFIX = 'kubernetes.io/cluster/';
const NAME_TAGS = ['eks:cluster-name', 'aws:eks:cluster-name', 'cluster.k8s.amazonaws.com/name'];

/** The cluster names an interface's tags mark it for, with the tag that says so. */
export function clusterTagsOf(e: NetworkInterface): Array<{ cluster: string; tag: string }> {
  const out: Array<{ cluster: string; tag: string }> = [];
  for (const [k, v] of Object.entries(e.tags)) {
    if (k.startsWith(TAG_PREFIX) && (v === 'owned' || v === 'shared') && k.length > TAG_PREFIX.length) out.push({ cluster: k.slice(TAG_PREFIX.length), tag: `${k}=${v}` });
    else if (NAME_TAGS.includes(k) && v !== '') out.push({ cluster: v, tag: `${k}=${v}` });
  }
  return out;
}

/** The instance id of an AWS providerID (`aws:///us-east-1a/i-0abc`, also `aws://us-east-1a/i-0abc`). */
export function instanceOfProviderId(id: string | undefined): string | undefined {
  const m = id ? /^aws:\/\/\/?(?:[^/]*\/)?(i-[0-9A-Za-z-]+)$/.exec(id.trim()) : null;
  return m ? m[1] : undefined;
}

/** The address in an EC2 private DNS name (`ip-10-0-1-23.ec2.internal`, EKS's default node name). */
export function addressOfNodeName(name: string): string | undefined {
  const m = /^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(\.|$)/.exec(name);
  return m && m.slice(1, 5).every((x) => Number(x) <= 255) ? m.slice(1, 5).join('.') : undefined;
}

const info = (code: string, message: string, severity: Diagnostic['severity'] = 'warning'): Diagnostic => ({ severity, code, message });

/** Finds the cluster's nodes among the estate's interfaces and places every pod on them. */
export function placePods(k8s: Inventory, aws: AwsInventory, opts: PlacementOptions = {}): Placement {
  const diagnostics: Diagnostic[] = [];
  // The layers are joined over IPv4 (pod and node addresses): an IPv6-only interface is never a node.
  const enis = aws.interfaces.filter((e) => e.addresses.length > 0).sort((a, b) => lex(a.id, b.id));
  const byAddress = new Map<string, NetworkInterface>();
  for (const e of enis) for (const a of e.addresses) if (!byAddress.has(a)) byAddress.set(a, e);

  // Hosts are keyed by instance (or by interface when no instance is named).
  const hostKey = (e: NetworkInterface): string => e.instanceId ?? e.id;
  const found = new Map<string, { evidence: string[]; node?: ClusterNode; primary?: NetworkInterface }>();
  const mark = (e: NetworkInterface, why: string, node?: ClusterNode, primary = false): void => {
    const k = hostKey(e);
    let h = found.get(k);
    if (!h) found.set(k, (h = { evidence: [] }));
    if (!h.evidence.includes(why)) h.evidence.push(why);
    if (node && !h.node) h.node = node;
    if (primary && !h.primary) h.primary = e;
  };

  // Evidence from the manifests: Node objects (providerID, addresses), then pods' own IPs.
  for (const n of k8s.nodes ?? []) {
    const inst = instanceOfProviderId(n.providerID);
    const byInstance = inst ? enis.filter((e) => e.instanceId === inst) : [];
    for (const e of byInstance) mark(e, `Node ${n.name} spec.providerID ${n.providerID}`, n);
    const held = n.addresses.map((a) => byAddress.get(a)).filter((e): e is NetworkInterface => e !== undefined);
    for (const e of held) mark(e, `Node ${n.name} address ${n.addresses.find((a) => e.addresses.includes(a))}`, n, true);
    if (byInstance.length === 0 && held.length === 0) {
      diagnostics.push({ ...info('cross-node-not-found', `Node ${n.name}${n.providerID ? ` (providerID ${n.providerID})` : ''}: no network interface of the AWS input is its instance or holds its addresses`), ...(n.source ? { source: n.source } : {}) });
    }
  }
  for (const p of k8s.pods) {
    for (const ip of p.ips) {
      const e = byAddress.get(ip);
      if (e) mark(e, `pod IP ${ip} of ${p.id}`, undefined, p.hostNetwork);
    }
    // EKS names nodes by their private DNS name, which spells the node's primary address.
    const a = p.nodeName !== undefined && !(k8s.nodes ?? []).some((n) => n.name === p.nodeName) ? addressOfNodeName(p.nodeName) : undefined;
    const e = a ? byAddress.get(a) : undefined;
    if (e) mark(e, `spec.nodeName ${p.nodeName}`, undefined, true);
  }

  // Evidence from the estate: the cluster's tags.
  const tagged = new Map<string, Array<{ eni: NetworkInterface; tag: string }>>();
  for (const e of enis) for (const t of clusterTagsOf(e)) {
    const l = tagged.get(t.cluster);
    if (l) l.push({ eni: e, tag: t.tag });
    else tagged.set(t.cluster, [{ eni: e, tag: t.tag }]);
  }
  const clusters = [...tagged.keys()].sort(lex);
  let cluster = opts.clusterName;
  if (cluster === undefined && clusters.length === 1) cluster = clusters[0];
  if (cluster === undefined && clusters.length > 1) {
    // The hosts the manifests point at may say which cluster this is.
    const named = new Set(clusters.filter((c) => tagged.get(c)!.some((t) => found.has(hostKey(t.eni)))));
    if (named.size === 1) cluster = [...named][0];
    else diagnostics.push(info('cross-several-clusters', `the AWS input tags interfaces for several clusters (${clusters.join(', ')}); their tags were not used to find nodes: name one with --cluster-name`));
  }
  if (opts.clusterName !== undefined && !tagged.has(opts.clusterName)) {
    diagnostics.push(info('cross-cluster-not-tagged', `no network interface is tagged for cluster ${opts.clusterName} (tagged: ${clusters.join(', ') || 'none'})`));
  }
  if (cluster !== undefined) for (const t of tagged.get(cluster) ?? []) mark(t.eni, `tag ${t.tag}`);

  // Every interface of a found instance belongs to the host (VPC CNI adds secondary ENIs to a node).
  const hosts: NodeHost[] = [];
  for (const [k, h] of found) {
    const mine = enis.filter((e) => hostKey(e) === k);
    const primary = h.primary ?? mine.find((e) => clusterTagsOf(e).length > 0 && !e.tags['node.k8s.amazonaws.com/instance_id']) ?? mine[0]!;
    const instanceId = mine[0]!.instanceId;
    hosts.push({
      name: h.node?.name ?? instanceId ?? k,
      ...(instanceId ? { instanceId } : {}),
      enis: [primary, ...mine.filter((e) => e !== primary)],
      evidence: h.evidence,
    });
  }
  hosts.sort((a, b) => lex(a.name, b.name));
  const hostOf = new Map<NetworkInterface, NodeHost>();
  for (const h of hosts) for (const e of h.enis) hostOf.set(e, h);

  const pods = new Map<string, PodPlacement>();
  const assumptions: string[] = [];
  const unplacedNames = new Set<string>();
  let anyNode = 0;
  for (const p of k8s.pods) {
    const ip = p.ips.find((a) => byAddress.has(a) && hostOf.has(byAddress.get(a)!));
    if (ip) {
      pods.set(p.id, { pod: p, how: 'pod-ip', hosts: [hostOf.get(byAddress.get(ip)!)!], address: ip });
      continue;
    }
    if (p.nodeName !== undefined) {
      const byName = hosts.find((h) => h.name === p.nodeName) ?? hostNamed(hosts, p.nodeName);
      if (byName) {
        pods.set(p.id, { pod: p, how: 'node-name', hosts: [byName] });
        continue;
      }
      unplacedNames.add(p.nodeName);
    }
    anyNode++;
    pods.set(p.id, { pod: p, how: 'any-node', hosts });
  }
  for (const n of [...unplacedNames].sort(lex)) diagnostics.push(info('cross-node-name-unknown', `pods name node ${n} (spec.nodeName), which no network interface of the AWS input answers to: placed on any node of the cluster`));
  if (hosts.length === 0 && k8s.pods.length > 0) {
    diagnostics.push(info('cross-no-nodes', `no node of the cluster was found in the AWS input (no interface tagged kubernetes.io/cluster/<name> or eks:cluster-name${cluster ? ` for ${cluster}` : ''}, no Node spec.providerID naming one of its instances, no pod or node address held by an interface): the Kubernetes and AWS sections are not joined`));
  }
  if (hosts.length > 0) {
    assumptions.push(`nodes: ${hosts.map((h) => `${h.name} (${h.enis.map((e) => e.id).join(', ')}; ${h.evidence.join('; ')})`).join(', ')}`);
    if (anyNode > 0) assumptions.push(`${anyNode} pod(s) with neither an address an interface holds nor a spec.nodeName of a found node may run on any node: their answers are the union over the nodes`);
  }
  return { ...(cluster !== undefined ? { cluster } : {}), clusters, hosts, pods, hostEnis: new Set(hostOf.keys()), assumptions, diagnostics };
}

/** A host whose primary address is the one an EC2 private DNS node name spells. */
function hostNamed(hosts: readonly NodeHost[], nodeName: string): NodeHost | undefined {
  const a = addressOfNodeName(nodeName);
  return a ? hosts.find((h) => h.enis.some((e) => e.addresses.includes(a))) : undefined;
}
