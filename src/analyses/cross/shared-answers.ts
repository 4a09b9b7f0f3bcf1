/**
 * Cross-layer answers shared by everything that behaves alike, so that reach grows with the classes of both
 * layers rather than with pods x nodes x interfaces:
 *  - pods of one Kubernetes behaviour class with the same placement (host network, own address, the kinds of
 *    hosts below) and the same Service nodePorts answer alike, and so do cluster endpoints made of such pods;
 *  - of a pod's hosts, those whose interface the pod is seen from is of one AWS endpoint class answer alike
 *    (members of a class differ in nothing any AWS stage looks at), so one host of each kind is asked;
 *  - as the far end, interfaces of one AWS class inside one of the cluster's ipBlock cuts answer alike.
 * Every answer is still computed by the caller from CrossJoin verdicts; test/cross checks reach against the
 * reference evaluators pod by pod.
 */
import type { Endpoint as AwsEnd } from '../../engine/cloud/routing.js';
import { ip4 } from '../../engine/cloud/estate.js';
import type { NodeHost, PodPlacement } from '../../engine/cross/placement.js';
import { routeText } from '../../engine/cross/services.js';
import type { NetworkInterface } from '../../inventory/aws/types.js';
import type { CrossJoin } from './join.js';

export type Direction = 'egress' | 'ingress';

/** One pod standing for the pods of an endpoint that answer alike, with one host of each kind. */
export interface Representative {
  readonly pl: PodPlacement;
  readonly hosts: readonly NodeHost[];
  readonly sig: string;
  /** What decides the AWS side of its answers: host network or not, and the kinds of its hosts. */
  readonly awsSig: string;
}

/** How the caller answers for one representative pod (over its hosts) and joins two answers. */
export interface AnswerOps<A> {
  one(pl: PodPlacement, hosts: readonly NodeHost[], dir: Direction, end: AwsEnd): A;
  union(a: A, b: A): A;
  readonly empty: A;
}

export class SharedAnswers<A> {
  private readonly awsClass = new Map<NetworkInterface, number>();
  private readonly blockOf = new Map<bigint, number>();
  private readonly endKeys = new Map<NetworkInterface, string>();
  /** Endpoint signature and direction -> far end key -> answer. */
  private readonly byEndpoint = new Map<string, Map<string, A>>();
  /** Representative signature and direction -> far end key -> answer. */
  private readonly byPod = new Map<string, Map<string, A>>();

  /** `literal`: share nothing (every pod, host and far end asked on its own), for tests of the sharing. */
  constructor(private readonly j: CrossJoin, private readonly ops: AnswerOps<A>, private readonly literal = false) {
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
      const routes = (this.j.services.byPod.get(pl.pod.id) ?? []).map(routeText).join('+');
      const awsSig = `${pl.pod.hostNetwork ? 'h' : ''}|${[...hosts.keys()].sort().join(',')}`;
      const sig = `${this.literal ? `${pl.pod.id}|` : ''}${this.j.k8s.classOf(pl.pod.id)}|${routes}|${awsSig}`;
      if (!reps.has(sig)) reps.set(sig, { pl, hosts: [...hosts.values()], sig, awsSig });
    }
    return { reps: [...reps.values()], sig: [...reps.keys()].sort().join(';') };
  }

  /** What the endpoint made of `reps` (signature `sig`) sends to (or receives from) the AWS end. */
  answer(reps: readonly Representative[], sig: string, dir: Direction, end: AwsEnd): A {
    const key = this.endKey(end);
    const row = this.row(this.byEndpoint, `${dir}|${sig}`);
    let acc = row.get(key);
    if (acc !== undefined) return acc;
    acc = this.ops.empty;
    for (const r of reps) acc = this.ops.union(acc, this.podAnswer(r, dir, end, key));
    row.set(key, acc);
    return acc;
  }

  private podAnswer(r: Representative, dir: Direction, end: AwsEnd, key: string): A {
    const row = this.row(this.byPod, `${dir}|${r.sig}`);
    let acc = row.get(key);
    if (acc === undefined) row.set(key, (acc = this.ops.one(r.pl, r.hosts, dir, end)));
    return acc;
  }

  private row(m: Map<string, Map<string, A>>, k: string): Map<string, A> {
    let r = m.get(k);
    if (!r) m.set(k, (r = new Map()));
    return r;
  }

  /**
   * What of a host decides a pod's AWS view there (join.ts egressView and ingressView): the pod's own
   * interface when the host holds its address, else the node's primary interface, by its AWS class.
   */
  private hostKey(pl: PodPlacement, h: NodeHost): string {
    if (this.literal) return `h${h.name}|${h.enis[0]!.id}`;
    const own = !pl.pod.hostNetwork && pl.address !== undefined ? h.enis.find((e) => e.addresses.includes(pl.address!)) : undefined;
    if (own) return `e${own.id}|${pl.address}`;
    const node = h.enis[0]!;
    const c = this.awsClass.get(node);
    return c === undefined ? `n${node.id}` : `c${c}`;
  }

  /** What of a far end decides the answer: an interface's AWS class and the cluster's ipBlock cut its address is in. */
  endKey(end: AwsEnd): string {
    if (end.kind === 'external') return `x${end.address}`;
    let k = this.endKeys.get(end.eni);
    if (k === undefined) {
      const c = this.literal ? undefined : this.awsClass.get(end.eni);
      k = c === undefined ? `i${end.eni.id}` : `a${c}|${this.block(ip4(end.eni.addresses[0]!))}`;
      this.endKeys.set(end.eni, k);
    }
    return k;
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
