/**
 * The reachability model of one snapshot: every enforcement layer composed (today the Kubernetes
 * NetworkPolicy layer), queried per pod class and expanded to pods and workloads on demand.
 */
import type { Direction, Inventory, NetworkPolicy, Pod, Workload } from '../inventory/types.js';
import { PortSet } from '../model/port-set.js';
import type { ExternalBlock } from './k8s/address-space.js';
import { NetworkPolicyLayer, type Target } from './k8s/network-policy-layer.js';
import { ReachMatrix } from './k8s/reach-matrix.js';
import { ALL_ID, NONE_ID, PortTable } from './port-table.js';
import type { IpRange } from '../model/address.js';
import { NodeRule, summarize, type DestinationNodes, type NodeRelation } from './k8s/node-rule.js';
import { lex } from '../util/compare.js';
import { KubernetesTiers } from './tiers/index.js';

export class Analysis {
  readonly layer: NetworkPolicyLayer;
  /** The admin and baseline tiers around NetworkPolicy; undefined when the input has no cluster-scoped policy. */
  readonly tiers: KubernetesTiers | undefined;
  /** Interned PortSets shared by the matrix and callers of intern(). */
  readonly ports: PortTable = new PortTable();
  private matrixCache?: ReachMatrix;
  /** The matrix of the analysis this one derives from, whose unchanged parts the new one reuses. */
  private baseMatrix?: ReachMatrix;
  private blockIndex?: Map<string, number>;
  private readonly classesCache: Map<string, number[]> = new Map();
  private readonly workloadById: Map<string, Workload>;
  private readonly podsByWorkload: Map<string, Pod[]>;
  /** Pods by id, built on first use (a diff asks for none unless the node rule applies); see podById. */
  private podMap?: Map<string, Pod>;
  private nodeRuleCache?: NodeRule;
  private readonly hostsOf = new WeakMap<readonly string[], Pod[]>();
  private readonly nodesOf = new WeakMap<readonly string[], DestinationNodes>();

  constructor(
    readonly inventory: Inventory,
    changes?: AnalysisChanges,
  ) {
    this.layer = new NetworkPolicyLayer(inventory, changes ? { base: changes.base.layer, policies: changes.policies, pods: changes.pods } : undefined);
    this.tiers = KubernetesTiers.of(inventory, this.layer, changes?.base.tiers);
    const base = changes?.base;
    if (base && base.inventory.pods === inventory.pods && base.inventory.workloads === inventory.workloads) {
      this.workloadById = base.workloadById;
      // Derived analyses (what-ifs) share their base's, as they ask for pods.
      this.podMap = base.podById;
      this.podsByWorkload = base.podsByWorkload;
      this.ports = base.ports;
      if (this.layer.reusedClasses) this.classesCache = base.classesCache;
      this.baseMatrix = base.matrixCache;
    } else {
      // Loops, not Maps built from [key, value] arrays: one array per pod is garbage at 150k pods.
      this.workloadById = new Map();
      for (const w of inventory.workloads) this.workloadById.set(w.id, w);
      this.podsByWorkload = new Map();
      let last: Pod[] | undefined;
      let lastWorkload: string | undefined;
      for (const p of inventory.pods) {
        // Replicas come one after another: their workload's list without a look-up.
        if (p.workload !== lastWorkload) {
          lastWorkload = p.workload;
          last = this.podsByWorkload.get(p.workload);
          if (!last) this.podsByWorkload.set(p.workload, (last = []));
        }
        last!.push(p);
      }
      if (base) {
        this.ports = base.ports;
        // Pods only moved between classes: every class-level answer, hence the matrix, still holds.
        if (this.layer.sameStructure && !this.tiers) this.matrixCache = base.matrixCache;
      }
    }
  }

  /** A small integer per distinct PortSet (0 is always "nothing", 1 all ports). */
  intern(p: PortSet): number {
    return this.ports.id(p);
  }

  /** Pods by id: 150k string keys cost a tenth of a second and their garbage, so built when first asked. */
  private get podById(): Map<string, Pod> {
    if (!this.podMap) {
      this.podMap = new Map();
      for (const p of this.inventory.pods) this.podMap.set(p.id, p);
    }
    return this.podMap;
  }

  /** The class-level reachability matrix, built on first use. */
  get matrix(): ReachMatrix {
    if (!this.matrixCache) {
      this.matrixCache = new ReachMatrix(this.layer, this.ports, this.baseMatrix, this.tiers);
      this.baseMatrix = undefined;
    }
    return this.matrixCache;
  }

  /** The external block index of an exact block range, or -1. */
  blockOf(r: { family: number; lo: bigint; hi: bigint }): number {
    if (!this.blockIndex) this.blockIndex = new Map(this.matrix.blocks.map((b, i) => [`${b.range.family}:${b.range.lo}:${b.range.hi}`, i]));
    return this.blockIndex.get(`${r.family}:${r.lo}:${r.hi}`) ?? -1;
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
    let r = this.classesCache.get(workloadId);
    if (!r) {
      r = [...new Set(this.podsOf(workloadId).map((p) => this.classOf(p.id)))].sort((a, b) => a - b);
      this.classesCache.set(workloadId, r);
    }
    return r.slice();
  }

  /** Interned port id allowed between two targets (pod classes or external addresses). */
  allowedId(src: Target, dst: Target): number {
    const m = this.matrix;
    if (src.kind === 'class' && dst.kind === 'class') return m.cell(m.behaviourOf[src.index]!, m.behaviourOf[dst.index]!);
    if (src.kind === 'class' && dst.kind === 'address') {
      const x = this.blockOf(dst.range);
      if (x >= 0) return m.toBlock(m.behaviourOf[src.index]!, x);
    } else if (src.kind === 'address' && dst.kind === 'class') {
      const x = this.blockOf(src.range);
      if (x >= 0) return m.fromBlock(x, m.behaviourOf[dst.index]!);
    }
    if (this.tiers) return this.tieredAllowedId(src, dst);
    return this.ports.id(this.layer.allowed(src, dst));
  }

  /** Through the tiers: a range is allowed what every block it overlaps is allowed (blocks are uniform). */
  private tieredAllowedId(src: Target, dst: Target): number {
    const m = this.matrix;
    if (src.kind === 'class' && dst.kind === 'class') return m.cell(m.behaviourOf[src.index]!, m.behaviourOf[dst.index]!);
    const range = src.kind === 'address' ? src.range : (dst as { range: IpRange }).range;
    const xs = m.blocks.flatMap((b, i) => (b.range.family === range.family && b.range.lo <= range.hi && range.lo <= b.range.hi ? [i] : []));
    if (xs.length === 0) return this.ports.id(this.tiers!.allowed(src, dst));
    let id = ALL_ID;
    for (const x of xs) {
      id = this.ports.meet(id, src.kind === 'class' ? m.toBlock(m.behaviourOf[src.index]!, x) : m.fromBlock(x, m.behaviourOf[(dst as { index: number }).index]!));
      if (id === NONE_ID) break;
    }
    return id;
  }

  /**
   * allowed() between a pod class and an outside block (an index of externals()), from the class (`egress`)
   * or to it: one cell of the matrix, without looking the block up by its range.
   */
  blockAllowed(cls: number, block: number, dir: 'egress' | 'ingress'): PortSet {
    const m = this.matrix;
    const b = m.behaviourOf[cls]!;
    return this.ports.get(dir === 'egress' ? m.toBlock(b, block) : m.fromBlock(block, b));
  }

  /** Allowed connections between two targets (pod classes or external addresses). */
  allowed(src: Target, dst: Target): PortSet {
    return this.ports.get(this.allowedId(src, dst));
  }

  /** Allowed connections from one pod to another (both `namespace/name`), the node rule included when certain. */
  allowedPorts(srcPodId: string, dstPodId: string): PortSet {
    // Hairpin: a pod reaching its own address is not subject to the admin and baseline tiers (NetworkPolicy still applies).
    if (srcPodId === dstPodId && this.tiers) {
      const c = { kind: 'class' as const, index: this.classOf(srcPodId) };
      return this.layer.allowed(c, c);
    }
    const p = this.allowed({ kind: 'class', index: this.classOf(srcPodId) }, { kind: 'class', index: this.classOf(dstPodId) });
    return !p.isAll() && this.podNodeRelation(srcPodId, dstPodId) === 'same-node' ? PortSet.ALL : p;
  }

  /**
   * What one pod may open to another if the two run on the same node, when that is not known and would
   * allow more than allowedPorts (a hostNetwork source, an ingress-isolated destination); otherwise NONE.
   */
  sameNodePorts(srcPodId: string, dstPodId: string): PortSet {
    if (this.podNodeRelation(srcPodId, dstPodId) !== 'possibly-same-node') return PortSet.NONE;
    return this.allowedPorts(srcPodId, dstPodId).isAll() ? PortSet.NONE : PortSet.ALL;
  }

  /** The node rule between two pods: defined when the source is hostNetwork and the destination ingress-isolated. */
  podNodeRelation(srcPodId: string, dstPodId: string): NodeRelation | undefined {
    const src = this.podById.get(srcPodId);
    const dst = this.podById.get(dstPodId);
    if (!src?.hostNetwork || !dst || !this.nodeRuleApplies(dst)) return undefined;
    return this.nodeRule.relation(src, dst);
  }

  /**
   * True when nothing restricts the class in this direction: no admin or baseline rule applies to it and no
   * NetworkPolicy isolates it (or it is host-network), so every connection that way is allowed.
   */
  openSide(dir: Direction, cls: number): boolean {
    if (this.tiers?.touches(dir, cls)) return false;
    return this.layer.classes[cls]!.hostNetwork || !this.layer.isolated(dir, cls);
  }

  /** Ids (`Kind/name`) of the admin and baseline policies whose subject is the class and that have rules in this direction. */
  adminPoliciesAt(dir: Direction, cls: number): string[] {
    if (!this.tiers) return [];
    const ids = new Set<string>();
    for (const t of [this.tiers.admin, this.tiers.baseline]) for (const r of t.classRules[dir][cls]!) ids.add(r.policy.id);
    return [...ids];
  }

  /** The node rule of this inventory (which pods share a node). */
  get nodeRule(): NodeRule {
    return (this.nodeRuleCache ??= new NodeRule(this.inventory));
  }

  /** True when the node rule can admit traffic into the pod: not hostNetwork, isolated for ingress. */
  private nodeRuleApplies(dst: Pod): boolean {
    if (dst.hostNetwork) return false;
    const c = this.classOf(dst.id);
    return this.layer.isolated('ingress', c) || (this.tiers?.touches('ingress', c) ?? false);
  }

  /**
   * The node rule between two groups of pods (endpoints; arrays are cached by identity): 'same-node' when
   * some hostNetwork source surely runs on the node of some ingress-isolated destination (every port is
   * allowed), 'possibly-same-node' when that is not known, 'other-node' or undefined when it cannot apply.
   */
  nodeGrant(srcPodIds: readonly string[], dstPodIds: readonly string[]): NodeRelation | undefined {
    if (!this.nodeRule.active) return undefined;
    let hosts = this.hostsOf.get(srcPodIds);
    if (!hosts) {
      hosts = srcPodIds.map((id) => this.podById.get(id)).filter((p): p is Pod => p !== undefined && p.hostNetwork);
      this.hostsOf.set(srcPodIds, hosts);
    }
    if (hosts.length === 0) return undefined;
    let nodes = this.nodesOf.get(dstPodIds);
    if (!nodes) {
      nodes = summarize(dstPodIds.map((id) => this.podById.get(id)).filter((p): p is Pod => p !== undefined && this.nodeRuleApplies(p)));
      this.nodesOf.set(dstPodIds, nodes);
    }
    return this.nodeRule.closest(hosts, nodes);
  }

  /** The analysis after one policy is added or replaced (same id), reusing the work it does not touch. */
  withPolicyChanged(policy: NetworkPolicy): Analysis {
    return new Analysis({ ...this.inventory, policies: upsert(this.inventory.policies, policy) }, { base: this, policies: [policy.id], pods: [] });
  }

  /** The analysis after one policy (`namespace/name`) is deleted. */
  withPolicyRemoved(id: string): Analysis {
    return new Analysis({ ...this.inventory, policies: this.inventory.policies.filter((p) => p.id !== id) }, { base: this, policies: [id], pods: [] });
  }

  /**
   * The analysis after one pod is added or replaced (same id). Its workload must exist in the inventory;
   * a pod naming an unknown workload becomes a bare pod of its own.
   */
  withPodChanged(pod: Pod): Analysis {
    let workloads = this.inventory.workloads;
    if (!this.workloadById.has(pod.workload)) {
      workloads = upsert(workloads, { id: pod.workload, kind: 'Pod', namespace: pod.namespace, name: pod.name, labels: pod.labels });
    }
    const namespaces = this.inventory.namespaces.some((n) => n.name === pod.namespace)
      ? this.inventory.namespaces
      : [...this.inventory.namespaces, { name: pod.namespace, labels: { 'kubernetes.io/metadata.name': pod.namespace }, declared: false }].sort((x, y) => lex(x.name, y.name));
    return new Analysis({ ...this.inventory, namespaces, workloads, pods: upsert(this.inventory.pods, pod) }, { base: this, policies: [], pods: [pod.id] });
  }

  /** The analysis after one pod (`namespace/name`) is deleted. */
  withPodRemoved(id: string): Analysis {
    return new Analysis({ ...this.inventory, pods: this.inventory.pods.filter((p) => p.id !== id) }, { base: this, policies: [], pods: [id] });
  }

  /** The outside address space in the fewest contiguous blocks that behave alike. */
  externals(): readonly ExternalBlock[] {
    return this.matrix.blocks;
  }
}

/** Replaces the element with the same id (or inserts it), keeping the array sorted by id. */
function upsert<T extends { readonly id: string }>(xs: readonly T[], x: T): T[] {
  const out = xs.filter((y) => y.id !== x.id);
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lex(out[mid]!.id, x.id) < 0) lo = mid + 1;
    else hi = mid;
  }
  out.splice(lo, 0, x);
  return out;
}

export interface AnalysisChanges {
  /** The analysis this one was derived from, whose unchanged work it may reuse. */
  readonly base: Analysis;
  /** Ids of policies whose content changed (added, removed or edited). */
  readonly policies: readonly string[];
  /** Ids of pods that changed (added, removed or edited). */
  readonly pods: readonly string[];
}

/** Builds the reachability model of an inventory. */
export function analyze(inventory: Inventory): Analysis {
  return new Analysis(inventory);
}
