/**
 * Equivalence classes of pods: pods with the same namespace, labels, named ports, hostNetwork flag and
 * ipBlock membership are treated identically by every NetworkPolicy, so the engine computes per class.
 * Pods on different nodes (spec.nodeName) are kept apart too, for the node rule (node-rule.ts).
 */
import type { ContainerPort, Inventory, IpBlockPeer, Labels, Pod } from '../../inventory/types.js';
import { parseIp, type IpRange } from '../../model/address.js';
import { lex } from '../../util/compare.js';
import { IpBlockIndex } from './address-space.js';

export interface PodClass {
  readonly index: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  /** Indices (into the ipBlock peer list given to buildPodClasses) of blocks matching one of the pods' IPs. */
  readonly ipBlocks: readonly number[];
  readonly pods: Pod[];
}

function labelsKey(l: Labels): string {
  const ks = Object.keys(l);
  // Manifests mostly list labels in order already: sorting allocates even then.
  let sorted = true;
  for (let i = 1; i < ks.length && sorted; i++) if (ks[i - 1]! > ks[i]!) sorted = false;
  if (!sorted) ks.sort();
  return ks.map((k) => `${k}=${l[k]}`).join('\u0001');
}

/** What the node rule sees of a pod: its node, and (hostNetwork DaemonSet pods) whether it is on every node. */
export function nodeKey(p: Pod): string {
  return `${p.nodeName ?? ''}${p.hostNetwork && p.nodeName === undefined && p.workload.endsWith('[DaemonSet]') ? '\u0001*' : ''}`;
}

function portsKey(ps: readonly ContainerPort[]): string {
  return ps
    .filter((p) => p.name)
    .map((p) => `${p.name}/${p.protocol}/${p.port}`)
    .sort()
    .join(',');
}

/** True when the address range lies in the block's cidr and in none of its excepts. */
export function ipBlockContains(b: IpBlockPeer, r: IpRange): boolean {
  const c = b.cidr.range;
  if (c.family !== r.family || r.lo < c.lo || r.hi > c.hi) return false;
  for (const e of b.except) if (e.range.lo <= r.hi && r.lo <= e.range.hi) return false;
  return true;
}

/** One index per ipBlock list (the layer's list lives as long as the layer). */
const indexes = new WeakMap<readonly IpBlockPeer[], IpBlockIndex>();

/** Indices (increasing, into `ipBlocks`) of the blocks holding one of the pod's IPs. */
function blocksOfPod(pod: Pod, ipBlocks: readonly IpBlockPeer[]): number[] {
  if (pod.ips.length === 0 || ipBlocks.length === 0) return [];
  let index = indexes.get(ipBlocks);
  if (!index) indexes.set(ipBlocks, (index = new IpBlockIndex(ipBlocks)));
  const out = new Set<number>();
  for (const s of pod.ips) {
    const a = parseIp(s);
    if (a) for (const i of index.containing(a.family, a.value)) out.add(i);
  }
  return out.size > 1 ? [...out].sort((a, b) => a - b) : [...out];
}

/** Groups pods into classes; `ipBlocks` are every ipBlock peer of every policy, for pods with known IPs. */
export function buildPodClasses(inv: Inventory, ipBlocks: readonly IpBlockPeer[]): { classes: PodClass[]; classOfPod: Map<string, number> } {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const classOfPod = new Map<string, number>();
  // Pods of one workload share their labels and ports objects: key them once.
  const labelKeys = new Map<Labels, string>();
  const portKeys = new Map<readonly ContainerPort[], string>();
  // Pods without IPs of one workload share labels and ports objects: find their class without a key.
  const quick = new Map<Labels, Array<{ ports: readonly ContainerPort[]; namespace: string; hostNetwork: boolean; node: string; cls: PodClass }>>();
  let prev: Pod | undefined;
  let prevClass: PodClass | undefined;
  for (const pod of inv.pods) {
    // Replicas of one workload come one after another (pods are sorted by id) and share every part of the
    // key: namespace, label and port objects, no IPs, node and workload (hence nodeKey).
    if (
      prev !== undefined &&
      pod.ips.length === 0 &&
      prev.ips.length === 0 &&
      pod.labels === prev.labels &&
      pod.ports === prev.ports &&
      pod.workload === prev.workload &&
      pod.namespace === prev.namespace &&
      pod.hostNetwork === prev.hostNetwork &&
      pod.nodeName === prev.nodeName
    ) {
      prevClass!.pods.push(pod);
      classOfPod.set(pod.id, prevClass!.index);
      continue;
    }
    prev = pod;
    prevClass = classOf(pod);
    prevClass.pods.push(pod);
    classOfPod.set(pod.id, prevClass.index);
  }
  return { classes, classOfPod };

  function classOf(pod: Pod): PodClass {
    if (pod.ips.length === 0) {
      const hit = quick.get(pod.labels)?.find((q) => q.ports === pod.ports && q.namespace === pod.namespace && q.hostNetwork === pod.hostNetwork && q.node === nodeKey(pod));
      if (hit) return hit.cls;
    }
    const blocks = blocksOfPod(pod, ipBlocks);
    let lk = labelKeys.get(pod.labels);
    if (lk === undefined) labelKeys.set(pod.labels, (lk = labelsKey(pod.labels)));
    let pk = portKeys.get(pod.ports);
    if (pk === undefined) portKeys.set(pod.ports, (pk = portsKey(pod.ports)));
    const key = `${pod.namespace}\u0000${lk}\u0000${pk}\u0000${pod.hostNetwork}\u0000${blocks.join(',')}\u0000${nodeKey(pod)}`;
    let c = byKey.get(key);
    if (!c) {
      c = { index: classes.length, namespace: pod.namespace, labels: pod.labels, ports: pod.ports, hostNetwork: pod.hostNetwork, ipBlocks: blocks, pods: [] };
      byKey.set(key, c);
      classes.push(c);
    }
    if (pod.ips.length === 0) {
      let l = quick.get(pod.labels);
      if (!l) quick.set(pod.labels, (l = []));
      l.push({ ports: pod.ports, namespace: pod.namespace, hostNetwork: pod.hostNetwork, node: nodeKey(pod), cls: c });
    }
    return c;
  }
}

/** The class key buildPodClasses gives a pod (for patching classes after one pod changed). */
export function podClassKey(pod: Pod, ipBlocks: readonly IpBlockPeer[]): string {
  const blocks = blocksOfPod(pod, ipBlocks);
  return `${pod.namespace}\u0000${labelsKey(pod.labels)}\u0000${portsKey(pod.ports)}\u0000${pod.hostNetwork}\u0000${blocks.join(',')}\u0000${nodeKey(pod)}`;
}

/**
 * The classes after pod `id` changed from `before` to `after` (either may be absent), when the change
 * keeps every class and their numbering exactly as buildPodClasses would give them; undefined otherwise.
 */
export function patchPodClasses(
  classes: readonly PodClass[],
  classOfPod: ReadonlyMap<string, number>,
  before: Pod | undefined,
  after: Pod | undefined,
  ipBlocks: readonly IpBlockPeer[],
): { classes: PodClass[]; classOfPod: Map<string, number> } | undefined {
  const id = (before ?? after)!.id;
  const c0 = before ? classes[classOfPod.get(id)!] : undefined;
  let c1: PodClass | undefined;
  if (after) {
    const key = podClassKey(after, ipBlocks);
    c1 = c0 && podClassKey(c0.pods[0]!, ipBlocks) === key ? c0 : classes.find((c) => c.namespace === after.namespace && c.hostNetwork === after.hostNetwork && podClassKey(c.pods[0]!, ipBlocks) === key);
    if (!c1) return undefined; // a new class
  }
  if (c0 && c0 !== c1) {
    // Leaving a class: it must keep a member, and its first member (which fixes its number) must stay.
    if (c0.pods.length === 1 || c0.pods[0]!.id === id) return undefined;
  }
  if (c1 && c1 !== c0 && lex(c1.pods[0]!.id, id) > 0) return undefined; // it would become the first member
  const out = classes.slice();
  const map = new Map(classOfPod);
  if (c0) {
    const pods = c0.pods.filter((p) => p.id !== id);
    out[c0.index] = { ...c0, pods };
    map.delete(id);
  }
  if (c1 && after) {
    const cur = out[c1.index]!;
    const pods = cur.pods.filter((p) => p.id !== id);
    let lo = 0;
    let hi = pods.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lex(pods[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    pods.splice(lo, 0, after);
    out[c1.index] = { ...cur, pods };
    map.set(id, c1.index);
  }
  return { classes: out, classOfPod: map };
}
