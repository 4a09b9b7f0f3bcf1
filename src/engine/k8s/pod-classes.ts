/**
 * Equivalence classes of pods: pods with the same namespace, labels, named ports, hostNetwork flag and
 * ipBlock membership are treated identically by every NetworkPolicy, so the engine computes per class.
 */
import type { ContainerPort, Inventory, IpBlockPeer, Labels, Pod } from '../../inventory/types.js';
import { parseIp, type IpRange } from '../../model/address.js';

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
  return Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join('\u0001');
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

/** Groups pods into classes; `ipBlocks` are every ipBlock peer of every policy, for pods with known IPs. */
export function buildPodClasses(inv: Inventory, ipBlocks: readonly IpBlockPeer[]): { classes: PodClass[]; classOfPod: Map<string, number> } {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const classOfPod = new Map<string, number>();
  for (const pod of inv.pods) {
    const blocks: number[] = [];
    if (pod.ips.length > 0 && ipBlocks.length > 0) {
      const ranges = pod.ips.map((s) => parseIp(s)).filter((x) => x !== undefined).map((x) => ({ family: x.family, lo: x.value, hi: x.value }));
      ipBlocks.forEach((b, i) => {
        if (ranges.some((r) => ipBlockContains(b, r))) blocks.push(i);
      });
    }
    const key = `${pod.namespace}\u0000${labelsKey(pod.labels)}\u0000${portsKey(pod.ports)}\u0000${pod.hostNetwork}\u0000${blocks.join(',')}`;
    let c = byKey.get(key);
    if (!c) {
      c = { index: classes.length, namespace: pod.namespace, labels: pod.labels, ports: pod.ports, hostNetwork: pod.hostNetwork, ipBlocks: blocks, pods: [] };
      byKey.set(key, c);
      classes.push(c);
    }
    c.pods.push(pod);
    classOfPod.set(pod.id, c.index);
  }
  return { classes, classOfPod };
}
