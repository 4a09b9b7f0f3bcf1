/**
 * The node rule (kubernetes.io, Network Policies): "When a pod is isolated for ingress, the only allowed
 * connections into the pod are those from the pod's node and those allowed by the ingress list".
 * A hostNetwork pod sends as its node, so every ingress-isolated pod on that node admits it on every port.
 *
 * Whether two pods share a node: both spec.nodeName known (equal or not); a DaemonSet pod not pinned to a
 * node stands for the DaemonSet's pod on every node; otherwise it is not known from the input.
 */
import type { Inventory, Pod, WorkloadKind } from '../../inventory/types.js';

/** How a hostNetwork source stands to a destination pod: on its node, maybe (not known), or not. */
export type NodeRelation = 'same-node' | 'possibly-same-node' | 'other-node';

/** Which destinations the rule can reach: pods on known nodes, and whether any pod's node is not known. */
interface DestinationNodes {
  readonly nodes: ReadonlySet<string>;
  readonly unknown: boolean;
  readonly any: boolean;
}

const RANK: Record<NodeRelation, number> = { 'other-node': 0, 'possibly-same-node': 1, 'same-node': 2 };

export class NodeRule {
  private readonly kindOf: Map<string, WorkloadKind>;
  /** True when some pod uses hostNetwork: otherwise the rule never applies. */
  readonly active: boolean;

  constructor(inventory: Inventory) {
    this.kindOf = new Map(inventory.workloads.map((w) => [w.id, w.kind]));
    this.active = inventory.pods.some((p) => p.hostNetwork);
  }

  /** A DaemonSet pod without a nodeName: the DaemonSet runs one on every node. */
  onEveryNode(p: Pod): boolean {
    return p.nodeName === undefined && this.kindOf.get(p.workload) === 'DaemonSet';
  }

  /** The relation of a hostNetwork source to one destination pod (undefined: the source is not hostNetwork). */
  relation(src: Pod, dst: Pod): NodeRelation | undefined {
    if (!src.hostNetwork) return undefined;
    if (src.nodeName !== undefined && dst.nodeName !== undefined) return src.nodeName === dst.nodeName ? 'same-node' : 'other-node';
    return this.onEveryNode(src) ? 'same-node' : 'possibly-same-node';
  }

  /**
   * The closest relation between any hostNetwork pod of `srcs` and any pod of `dsts` (the destinations the
   * caller found ingress-isolated); undefined when no source is hostNetwork or there is no destination.
   */
  between(srcs: readonly Pod[], dsts: readonly Pod[]): NodeRelation | undefined {
    const hosts = srcs.filter((p) => p.hostNetwork);
    if (hosts.length === 0 || dsts.length === 0) return undefined;
    return this.closest(hosts, summarize(dsts));
  }

  /** Like between, for sources already filtered to hostNetwork pods and a destination summary (see summarize). */
  closest(hosts: readonly Pod[], d: DestinationNodes): NodeRelation | undefined {
    if (hosts.length === 0 || !d.any) return undefined;
    let best: NodeRelation = 'other-node';
    for (const s of hosts) {
      let r: NodeRelation;
      if (s.nodeName === undefined) r = this.onEveryNode(s) ? 'same-node' : 'possibly-same-node';
      else r = d.nodes.has(s.nodeName) ? 'same-node' : d.unknown ? 'possibly-same-node' : 'other-node';
      if (RANK[r] > RANK[best]) best = r;
      if (best === 'same-node') break;
    }
    return best;
  }
}

/** The nodes a set of destination pods run on, for NodeRule.closest. */
export function summarize(dsts: readonly Pod[]): DestinationNodes {
  const nodes = new Set<string>();
  let unknown = false;
  for (const p of dsts) {
    if (p.nodeName === undefined) unknown = true;
    else nodes.add(p.nodeName);
  }
  return { nodes, unknown, any: dsts.length > 0 };
}

export type { DestinationNodes };
