/** Explain one pair: the verdict per port range and, for each side, the policies and rules that decided it. */
import type { Analysis } from '../engine/index.js';
import { explainSide, type SideExplanation } from '../engine/k8s/explain-side.js';
import { IntervalSet } from '../model/interval-set.js';
import { PortSet, PROTOCOLS, type Protocol } from '../model/port-set.js';
import { UserError } from '../util/errors.js';
import { resolveOne, type Endpoint } from './endpoints.js';
import { exposureOf, type Exposure } from './exposure.js';

export interface RangeVerdict {
  readonly protocol: Protocol;
  readonly ports: readonly [number, number];
  readonly verdict: 'allowed' | 'denied';
  readonly egress: 'allowed' | 'denied';
  readonly ingress: 'allowed' | 'denied';
  /** Rules (as "policy#direction#rule") that admit this range on each side. */
  readonly egressRules: readonly string[];
  readonly ingressRules: readonly string[];
}

export interface Explanation {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly verdict: 'allowed' | 'denied';
  /** What is allowed within the queried ports. */
  readonly conns: PortSet;
  readonly queried: PortSet;
  readonly ranges: readonly RangeVerdict[];
  readonly layers: readonly SideExplanation[];
  readonly notes: readonly string[];
  /**
   * Potential connections with endpoints beyond the input, within the queried ports: the destination's
   * ingress exposure and the source's egress exposure (empty when the settings say the input is the whole cluster).
   */
  readonly exposure: readonly Exposure[];
  /** What would be allowed if the hostNetwork source runs on the destination's node (not known): the node rule. */
  readonly sameNode?: PortSet;
}

function ruleKey(r: { policy: string; direction: string; rule: number }): string {
  return `${r.policy} ${r.direction} rule #${r.rule}`;
}

/** Splits the queried ports where any rule or side changes, and gives each piece its verdict and rules. */
function rangeVerdicts(queried: PortSet, egress: SideExplanation, ingress: SideExplanation): RangeVerdict[] {
  const out: RangeVerdict[] = [];
  for (const protocol of PROTOCOLS) {
    const q = queried.get(protocol);
    if (q.isEmpty()) continue;
    const cuts = new Set<number>();
    const addCuts = (s: IntervalSet): void => {
      for (const [lo, hi] of s.ranges()) {
        cuts.add(lo);
        cuts.add(hi + 1);
      }
    };
    addCuts(q);
    for (const side of [egress, ingress]) {
      addCuts(side.allowed.get(protocol));
      for (const r of side.rules) addCuts(r.ports.get(protocol));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i]!;
      const hi = points[i + 1]! - 1;
      if (!q.has(lo)) continue;
      const e = egress.allowed.has(protocol, lo);
      const g = ingress.allowed.has(protocol, lo);
      const er = egress.rules.filter((r) => r.ports.has(protocol, lo)).map(ruleKey);
      const ir = ingress.rules.filter((r) => r.ports.has(protocol, lo)).map(ruleKey);
      const v: RangeVerdict = {
        protocol,
        ports: [lo, hi],
        verdict: e && g ? 'allowed' : 'denied',
        egress: e ? 'allowed' : 'denied',
        ingress: g ? 'allowed' : 'denied',
        egressRules: er,
        ingressRules: ir,
      };
      const prev = out[out.length - 1];
      if (
        prev &&
        prev.protocol === protocol &&
        prev.ports[1] + 1 === lo &&
        prev.verdict === v.verdict &&
        prev.egress === v.egress &&
        prev.ingress === v.ingress &&
        prev.egressRules.join() === er.join() &&
        prev.ingressRules.join() === ir.join()
      ) {
        out[out.length - 1] = { ...prev, ports: [prev.ports[0], hi] };
      } else out.push(v);
    }
  }
  return out;
}

/** Explains why `from` can or cannot reach `to` on the given ports (all ports by default). */
export function explain(a: Analysis, from: string, to: string, ports: PortSet = PortSet.ALL, opts: { readonly wholeCluster?: boolean } = {}): Explanation {
  const src = resolveOne(a, from);
  const dst = resolveOne(a, to);
  if (src.endpoint.kind === 'External' && dst.endpoint.kind === 'External') {
    throw new UserError('both ends are outside the cluster: NetworkPolicy has nothing to say', 'name a workload or pod on one side');
  }
  if (src.endpoint.id === dst.endpoint.id) throw new UserError(`${from} and ${to} are the same endpoint`, 'a pod cannot block traffic to itself');
  const notes: string[] = [];
  for (const e of [src, dst]) {
    if (e.targets.length > 1) {
      notes.push(`${e.endpoint.id} has pods that policies treat differently (labels or named ports differ); explained for ${e.pods[0]}: use --level pod ids to pick another`);
    }
  }
  const s = src.targets[0]!;
  const d = dst.targets[0]!;
  const egress = explainSide(a.layer, 'egress', s, d, src.endpoint.id, dst.endpoint.id);
  let ingress = explainSide(a.layer, 'ingress', d, s, dst.endpoint.id, src.endpoint.id);
  // The node rule: an ingress-isolated pod admits its own node, so a hostNetwork source on it gets everything.
  const rel = ingress.isolated && !ingress.allowed.isAll() ? a.nodeGrant(src.pods, dst.pods) : undefined;
  if (rel === 'same-node') ingress = { ...ingress, allowed: PortSet.ALL, nodeRule: rel };
  else if (rel === 'possibly-same-node') ingress = { ...ingress, nodeRule: rel };
  const conns = egress.allowed.intersect(ingress.allowed).intersect(ports);
  const sameNode = rel === 'possibly-same-node' ? egress.allowed.intersect(ports) : undefined;
  return {
    from: src.endpoint,
    to: dst.endpoint,
    verdict: conns.isEmpty() ? 'denied' : 'allowed',
    conns,
    queried: ports,
    ranges: rangeVerdicts(ports, egress, ingress),
    layers: [egress, ingress],
    notes,
    exposure: [...exposureOf(a, dst, 'ingress', opts.wholeCluster), ...exposureOf(a, src, 'egress', opts.wholeCluster)]
      .map((x) => ({ ...x, conns: x.conns.intersect(ports) }))
      .filter((x) => !x.conns.isEmpty() || x.namedPorts.length > 0),
    ...(sameNode && !sameNode.equals(conns) ? { sameNode } : {}),
  };
}
