/**
 * The reachability model of one snapshot: every enforcement layer composed (today the Kubernetes
 * NetworkPolicy layer), queried per pod class and expanded to pods and workloads on demand.
 */
import type { Inventory, Pod, Workload } from '../inventory/types.js';
import { PortSet } from '../model/port-set.js';
import { externalBlocks, type ExternalBlock } from './k8s/external-blocks.js';
import { NetworkPolicyLayer, type Target } from './k8s/network-policy-layer.js';

export class Analysis {
  readonly layer: NetworkPolicyLayer;
  private externalsCache?: ExternalBlock[];
  private readonly internTable = new Map<string, number>();
  private readonly interned: PortSet[] = [];
  private readonly workloadById: Map<string, Workload>;
  private readonly podsByWorkload = new Map<string, Pod[]>();
  private readonly podById: Map<string, Pod>;

  constructor(readonly inventory: Inventory) {
    this.layer = new NetworkPolicyLayer(inventory);
    this.workloadById = new Map(inventory.workloads.map((w) => [w.id, w]));
    this.podById = new Map(inventory.pods.map((p) => [p.id, p]));
    for (const p of inventory.pods) {
      let l = this.podsByWorkload.get(p.workload);
      if (!l) this.podsByWorkload.set(p.workload, (l = []));
      l.push(p);
    }
  }

  /** A small integer per distinct PortSet (0 is always "nothing"). */
  intern(p: PortSet): number {
    if (p.isEmpty()) return 0;
    const k = p.key();
    let id = this.internTable.get(k);
    if (id === undefined) {
      id = this.interned.length + 1;
      this.internTable.set(k, id);
      this.interned.push(p);
    }
    return id;
  }

  pod(id: string): Pod | undefined {
    return this.podById.get(id);
  }

  workload(id: string): Workload | undefined {
    return this.workloadById.get(id);
  }

  podsOf(workloadId: string): readonly Pod[] {
    return this.podsByWorkload.get(workloadId) ?? [];
  }

  classOf(podId: string): number {
    const c = this.layer.classOfPod.get(podId);
    if (c === undefined) throw new Error(`unknown pod ${podId}`);
    return c;
  }

  /** Distinct classes of a workload's pods. */
  classesOf(workloadId: string): number[] {
    return [...new Set(this.podsOf(workloadId).map((p) => this.classOf(p.id)))].sort((a, b) => a - b);
  }

  /** Allowed connections between two targets (pod classes or external addresses). */
  allowed(src: Target, dst: Target): PortSet {
    return this.layer.allowed(src, dst);
  }

  /** Allowed connections from one pod to another (both `namespace/name`). */
  allowedPorts(srcPodId: string, dstPodId: string): PortSet {
    return this.layer.allowed({ kind: 'class', index: this.classOf(srcPodId) }, { kind: 'class', index: this.classOf(dstPodId) });
  }

  /** The outside address space in the fewest contiguous blocks that behave alike. */
  externals(): readonly ExternalBlock[] {
    if (!this.externalsCache) this.externalsCache = externalBlocks(this.layer, (p) => this.intern(p));
    return this.externalsCache;
  }
}

/** Builds the reachability model of an inventory. */
export function analyze(inventory: Inventory): Analysis {
  return new Analysis(inventory);
}
