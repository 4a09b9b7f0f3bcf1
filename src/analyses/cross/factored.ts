/**
 * The streamed listing's answers, factored by what each layer looks at. A pod's answer toward (or from) a
 * far end over the hosts it may be on is
 *   conns = (∪ over hosts of the AWS path's conns) ∩ K,  responseBlocked = (∪ AWS replies blocked) ∩ K,
 *   kubernetes = K,  aws = ∪ (conns ∪ replies blocked)
 * where K, Kubernetes' verdict, depends on the pod's class and the far end's outside block alone (it is the
 * same on every host), and the AWS union on the kinds of the pod's hosts and the far end alone (SharedAnswers
 * says which hosts and interfaces are alike). So the AWS side is asked once per kind of host set and far
 * end, K is a table look-up, and the two meet once per distinct pair of answers: a workload of its own class
 * (each of the 2,137 at 10k pods) costs a few look-ups per far end instead of a path per host. Service
 * nodePorts are added as the literal walk adds them. test/cross/reach.property.test.ts checks the listing
 * against the literal walk.
 */
import type { Endpoint as AwsEnd } from '../../engine/cloud/routing.js';
import { ip4 } from '../../engine/cloud/estate.js';
import type { PodPlacement } from '../../engine/cross/placement.js';
import type { NetworkInterface } from '../../inventory/aws/types.js';
import type { IpRange } from '../../model/address.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { addService, EMPTY, joinAcc, type Acc } from './acc.js';
import type { CrossJoin } from './join.js';
import { SharedAnswers, type Direction, type Representative } from './shared-answers.js';

/** The AWS side of a pod's answer over its hosts. */
interface AwsSide {
  readonly conns: TrafficSet;
  readonly responseBlocked: TrafficSet;
  readonly aws: TrafficSet;
}

/** The pods of one cluster endpoint that answer differently, one each, with their class. */
export interface EndpointReps {
  readonly reps: readonly Representative[];
  readonly classes: readonly number[];
  /** Whether Service nodePorts forward to each. */
  readonly routed: readonly boolean[];
}

export class FactoredAnswers {
  private readonly shared: SharedAnswers<Acc>;
  /** Far ends: the interfaces, then the outside pieces (each asked at its first address). */
  private readonly ends: AwsEnd[];
  private readonly addresses: bigint[];
  /** Per far end, the cluster's outside block holding its address (-1: none). */
  private readonly blocks: number[];
  /** Per far end, the first end answering alike (same AWS class and outside block): the one asked. */
  private readonly alike: Int32Array;
  /** Per AWS signature of a representative and direction, the AWS side per far end. */
  private readonly awsRows = new Map<string, Array<AwsSide | undefined>>();
  /** Each representative's rows (egress, ingress), found once: the signatures are strings. */
  private readonly repRows = new WeakMap<Representative, { aws: Array<AwsSide | undefined>[]; services: Array<Acc | undefined> }>();
  private readonly combined = new Map<AwsSide, Map<TrafficSet, Acc>>();
  private readonly joined = new Map<Acc, Map<Acc, Acc>>();
  /** Ingress answers with Service paths, per representative signature, per far end. */
  private readonly withServices = new Map<string, Array<Acc | undefined>>();

  constructor(private readonly j: CrossJoin, enis: readonly NetworkInterface[], pieces: readonly IpRange[]) {
    // Asked only which pods and far ends are alike (representatives, endKey): the answers are made here.
    this.shared = new SharedAnswers<Acc>(j, { one: () => EMPTY, union: joinAcc, empty: EMPTY });
    this.ends = [...enis.map((eni): AwsEnd => ({ kind: 'eni', eni })), ...pieces.map((r): AwsEnd => ({ kind: 'external', address: r.lo }))];
    this.addresses = this.ends.map((e) => (e.kind === 'eni' ? ip4(e.eni.addresses[0]!) : e.address));
    this.blocks = this.addresses.map((a) => j.blockOf(a));
    this.alike = new Int32Array(this.ends.length);
    const first = new Map<string, number>();
    this.ends.forEach((e, i) => {
      const k = this.shared.endKey(e);
      const f = first.get(k);
      if (f === undefined) first.set(k, i);
      this.alike[i] = f ?? i;
    });
  }

  /** The pods of an endpoint that answer differently (SharedAnswers.representatives). */
  representatives(pods: readonly PodPlacement[]): EndpointReps {
    const { reps } = this.shared.representatives(pods);
    return { reps, classes: reps.map((r) => this.j.k8s.classOf(r.pl.pod.id)), routed: reps.map((r) => this.j.services.byPod.has(r.pl.pod.id)) };
  }

  /** What the endpoint sends to far end `end` (an index: interfaces first, then outside pieces), or receives from it. */
  answer(e: EndpointReps, dir: Direction, end: number): Acc {
    const at = this.alike[end]!;
    let acc = EMPTY;
    for (let i = 0; i < e.reps.length; i++) {
      const a = this.pod(e.reps[i]!, e.classes[i]!, dir === 'ingress' && e.routed[i]!, dir, at);
      acc = acc === EMPTY ? a : this.join(acc, a);
    }
    return acc;
  }

  /** `services`: ingress to a pod that Service nodePorts forward to. */
  private pod(r: Representative, cls: number, services: boolean, dir: Direction, at: number): Acc {
    if (!services) return this.hosts(r, cls, dir, at);
    const row = this.rows(r).services;
    let acc = row[at];
    if (acc === undefined) {
      acc = this.hosts(r, cls, dir, at);
      for (const v of this.j.serviceIngress(r.pl, this.ends[at]!)) acc = addService(acc, v);
      row[at] = acc;
    }
    return acc;
  }

  /** The pod's own path over its hosts: the AWS side met with Kubernetes' verdict. */
  private hosts(r: Representative, cls: number, dir: Direction, at: number): Acc {
    if (r.hosts.length === 0) return EMPTY;
    const side = this.awsSide(r, dir, at);
    const k = this.j.traffic(this.j.classPorts(cls, this.addresses[at]!, dir, this.blocks[at]!));
    let byK = this.combined.get(side);
    if (!byK) this.combined.set(side, (byK = new Map()));
    let acc = byK.get(k);
    if (!acc) byK.set(k, (acc = { conns: side.conns.intersect(k), responseBlocked: side.responseBlocked.intersect(k), kubernetes: k, aws: side.aws, via: [] }));
    return acc;
  }

  private awsSide(r: Representative, dir: Direction, at: number): AwsSide {
    const row = this.rows(r).aws[dir === 'egress' ? 0 : 1]!;
    let side = row[at];
    if (side === undefined) {
      let conns = TrafficSet.EMPTY, responseBlocked = TrafficSet.EMPTY, aws = TrafficSet.EMPTY;
      const end = this.ends[at]!;
      for (const h of r.hosts) {
        const p = (dir === 'egress' ? this.j.egress(r.pl, h, end) : this.j.ingress(r.pl, h, end)).aws;
        conns = conns.union(p.conns);
        responseBlocked = responseBlocked.union(p.responseBlocked);
        aws = aws.union(p.conns).union(p.responseBlocked);
      }
      row[at] = side = { conns, responseBlocked, aws };
    }
    return side;
  }

  /** Two answers joined, once per pair (answers stay shared objects, so reports render each once). */
  private join(a: Acc, b: Acc): Acc {
    let m = this.joined.get(a);
    if (!m) this.joined.set(a, (m = new Map()));
    let c = m.get(b);
    if (!c) m.set(b, (c = joinAcc(a, b)));
    return c;
  }

  private rows(r: Representative): { aws: Array<AwsSide | undefined>[]; services: Array<Acc | undefined> } {
    let x = this.repRows.get(r);
    if (!x) {
      const dirs = ['egress', 'ingress'] as const;
      this.repRows.set(r, (x = { aws: dirs.map((d) => this.rowOf(this.awsRows, `${d}|${r.awsSig}`)), services: this.rowOf(this.withServices, r.sig) }));
    }
    return x;
  }

  private rowOf<T>(m: Map<string, T[]>, key: string): T[] {
    let row = m.get(key);
    if (!row) m.set(key, (row = []));
    return row;
  }
}
