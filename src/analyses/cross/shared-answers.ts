/**
 * Cross-layer answers shared by everything that behaves alike, so that reach grows with the classes of both
 * layers rather than with pods x nodes x interfaces:
 *  - pods of one Kubernetes behaviour class with the same placement (host network, own address, hosts) answer
 *    alike, and so do cluster endpoints made of the same such pods;
 *  - of a pod's hosts, those whose interface the pod is seen from is of one AWS endpoint class answer alike
 *    (members of a class differ in nothing any AWS stage looks at);
 *  - as the far end, interfaces of one AWS class inside one of the cluster's ipBlock cuts answer alike.
 * Every answer is still the union of CrossJoin verdicts (join.ts); test/cross checks reach against the
 * reference evaluators pod by pod.
 */
import type { Endpoint as AwsEnd } from '../../engine/cloud/routing.js';
import { ip4 } from '../../engine/cloud/estate.js';
import type { NodeHost, PodPlacement } from '../../engine/cross/placement.js';
import type { NetworkInterface } from '../../inventory/aws/types.js';
import { TrafficSet } from '../../model/traffic-set.js';
import type { CrossJoin, CrossVerdict } from './join.js';

/** A cross-layer answer summed over pods and hosts: both layers, and each on its own. */
export interface Acc {
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
  readonly kubernetes: TrafficSet;
  readonly aws: TrafficSet;
}

export const EMPTY_ACC: Acc = { conns: TrafficSet.EMPTY, responseBlocked: TrafficSet.EMPTY, kubernetes: TrafficSet.EMPTY, aws: TrafficSet.EMPTY };

/** `a` with one more verdict (or answer) in it. */
export function addVerdict(a: Acc, v: CrossVerdict): Acc {
  return { conns: a.conns.union(v.conns), responseBlocked: a.responseBlocked.union(v.responseBlocked), kubernetes: a.kubernetes.union(v.kubernetes), aws: a.aws.union(v.aws.conns).union(v.aws.responseBlocked) };
}

function addAcc(a: Acc, b: Acc): Acc {
  if (a === EMPTY_ACC) return b;
  return { conns: a.conns.union(b.conns), responseBlocked: a.responseBlocked.union(b.responseBlocked), kubernetes: a.kubernetes.union(b.kubernetes), aws: a.aws.union(b.aws) };
}

/** One pod standing for the pods of an endpoint that answer alike, with one host per kind of host. */
interface Representative {
  readonly pl: PodPlacement;
  readonly hosts: readonly NodeHost[];
  readonly sig: string;
}

export type Direction = 'egress' | 'ingress';

export class SharedAnswers {
  private readonly awsClass = new Map<NetworkInterface, number>();
  private readonly blockOf = new Map<bigint, number>();
  /** Endpoint signature and direction -> far end key -> answer. */
  private readonly byEndpoint = new Map<string, Map<string, Acc>>();
  /** Representative signature and direction -> far end key -> answer. */
  private readonly byPod = new Map<string, Map<string, Acc>>();

  constructor(private readonly j: CrossJoin) {
    j.aws.streamReach().view.classes.forEach((c, i) => {
      for (const m of c.members) this.awsClass.set(m, i);
    });
  }

  /** The pods of an endpoint that answer differently, one each, and the endpoint's signature. */
  representatives(pods: readonly PodPlacement[]): { reps: Representative[]; sig: string } {
    const reps = new Map<string, Representative>();
    for (const pl of pods) {
      const hosts = new Map<string, NodeHost>();
      for (const h of pl.hosts) {
        const k = this.hostKey(pl, h);
        if (!hosts.has(k)) hosts.set(k, h);
      }
      const sig = `${this.j.k8s.classOf(pl.pod.id)}|${pl.pod.hostNetwork ? 'h' : ''}|${[...hosts.keys()].sort().join(',')}`;
      if (!reps.has(sig)) reps.set(sig, { pl, hosts: [...hosts.values()], sig });
    }
    return { reps: [...reps.values()], sig: [...reps.keys()].sort().join(';') };
  }

  /** What the endpoint made of `reps` (signature `sig`) sends to (or receives from) the AWS end. */
  answer(reps: readonly Representative[], sig: string, dir: Direction, end: AwsEnd): Acc {
    const key = this.endKey(end);
    const row = this.row(this.byEndpoint, `${dir}|${sig}`);
    let acc = row.get(key);
    if (acc) return acc;
    acc = EMPTY_ACC;
    for (const r of reps) acc = addAcc(acc, this.podAnswer(r, dir, end, key));
    row.set(key, acc);
    return acc;
  }

  private podAnswer(r: Representative, dir: Direction, end: AwsEnd, key: string): Acc {
    const row = this.row(this.byPod, `${dir}|${r.sig}`);
    let acc = row.get(key);
    if (acc) return acc;
    acc = EMPTY_ACC;
    for (const h of r.hosts) acc = addVerdict(acc, dir === 'egress' ? this.j.egress(r.pl, h, end) : this.j.ingress(r.pl, h, end));
    row.set(key, acc);
    return acc;
  }

  private row(m: Map<string, Map<string, Acc>>, k: string): Map<string, Acc> {
    let r = m.get(k);
    if (!r) m.set(k, (r = new Map()));
    return r;
  }

  /**
   * What of a host decides a pod's AWS view there (join.ts egressView and ingressView): the pod's own
   * interface when the host holds its address, else the node's primary interface, by its AWS class.
   */
  private hostKey(pl: PodPlacement, h: NodeHost): string {
    const own = !pl.pod.hostNetwork && pl.address !== undefined ? h.enis.find((e) => e.addresses.includes(pl.address!)) : undefined;
    if (own) return `e${own.id}|${pl.address}`;
    const node = h.enis[0]!;
    const c = this.awsClass.get(node);
    return c === undefined ? `n${node.id}` : `c${c}`;
  }

  /** What of a far end decides the answer: an interface's AWS class and the cluster's ipBlock cut its address is in. */
  private endKey(end: AwsEnd): string {
    if (end.kind === 'external') return `x${end.address}`;
    const c = this.awsClass.get(end.eni);
    return c === undefined ? `i${end.eni.id}` : `a${c}|${this.block(ip4(end.eni.addresses[0]!))}`;
  }

  /** The index of the cluster's outside block holding an address (-1: none), as CrossJoin.kubernetesPorts picks it. */
  private block(address: bigint): number {
    let b = this.blockOf.get(address);
    if (b === undefined) {
      b = this.j.k8s.externals().findIndex((x) => x.range.family === 4 && x.range.lo <= address && address <= x.range.hi);
      this.blockOf.set(address, b);
    }
    return b;
  }
}
