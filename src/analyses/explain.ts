/** Explain one pair: the verdict per port range and, for each side, the policies and rules that decided it. */
import type { Analysis } from '../engine/index.js';
import { explainSide, type SideExplanation } from '../engine/k8s/explain-side.js';
import { IntervalSet } from '../model/interval-set.js';
import { PortSet, PROTOCOLS, type Protocol } from '../model/port-set.js';
import { UserError } from '../util/errors.js';
import { resolveOne, type Endpoint } from './endpoints.js';
import { exposureOf, type Exposure, type InputHas } from './exposure.js';
import type { Target } from '../engine/k8s/network-policy-layer.js';
import type { KubernetesTiers } from '../engine/tiers/index.js';
import { composeSide, type AdminRuleRef, type StageStep } from '../engine/tiers/verdict.js';
import type { Direction } from '../inventory/types.js';

export interface RangeVerdict {
  readonly protocol: Protocol;
  readonly ports: readonly [number, number];
  readonly verdict: 'allowed' | 'denied';
  readonly egress: 'allowed' | 'denied';
  readonly ingress: 'allowed' | 'denied';
  /** Rules (as "policy#direction#rule") that admit this range on each side. */
  readonly egressRules: readonly string[];
  readonly ingressRules: readonly string[];
  /** With admin or baseline policies: each direction's stages in order, to the one that decided. */
  readonly chain?: { readonly egress: readonly StageStep[]; readonly ingress: readonly StageStep[] };
}

/** One direction's admin or baseline tier at an endpoint: the rules that decided which ports. */
export interface TierSideExplanation {
  readonly layer: 'kubernetes-admin' | 'kubernetes-baseline';
  readonly direction: Direction;
  /** Rules that matched, in evaluation order, with the ports each decided. */
  readonly steps: readonly { readonly rule: AdminRuleRef; readonly ports: PortSet }[];
  readonly accept: PortSet;
  readonly deny: PortSet;
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
  /** The admin and baseline tiers' sides (egress admin, egress baseline, ingress admin, ingress baseline), when any such policy exists. */
  readonly tiers?: readonly TierSideExplanation[];
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
function rangeVerdicts(queried: PortSet, egress: SideExplanation, ingress: SideExplanation, tiers?: TierChains): RangeVerdict[] {
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
    for (const p of tiers?.cuts ?? []) addCuts(p.get(protocol));
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i]!;
      const hi = points[i + 1]! - 1;
      if (!q.has(lo)) continue;
      const e = (tiers?.egressAllowed ?? egress.allowed).has(protocol, lo);
      const g = (tiers?.ingressAllowed ?? ingress.allowed).has(protocol, lo);
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
        ...(tiers ? { chain: { egress: tiers.chain('egress', protocol, lo), ingress: tiers.chain('ingress', protocol, lo) } } : {}),
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
        prev.ingressRules.join() === ir.join() &&
        JSON.stringify(prev.chain) === JSON.stringify(v.chain)
      ) {
        out[out.length - 1] = { ...prev, ports: [prev.ports[0], hi] };
      } else out.push(v);
    }
  }
  return out;
}

export interface ExplainOptions {
  /** The input is the whole cluster: no exposure beyond it. */
  readonly wholeCluster?: boolean;
  /** Which exposure peers are pods of the input, when the analysis holds only part of it (explain-pair.ts). */
  readonly inputHas?: InputHas;
}

/** Explains why `from` can or cannot reach `to` on the given ports (all ports by default). */
export function explain(a: Analysis, from: string, to: string, ports: PortSet = PortSet.ALL, opts: ExplainOptions = {}): Explanation {
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
  const chains = a.tiers ? tierChains(a.tiers, s, d, egress, ingress) : undefined;
  // The node rule: a pod admits its own node whatever the tiers say, so a hostNetwork source on it gets everything.
  const ingressAllowed = chains?.ingressAllowed ?? ingress.allowed;
  const rel = (ingress.isolated || (chains?.ingressTiered ?? false)) && !ingressAllowed.isAll() ? a.nodeGrant(src.pods, dst.pods) : undefined;
  if (rel === 'same-node') {
    ingress = { ...ingress, allowed: PortSet.ALL, nodeRule: rel };
    if (chains) chains.nodeRule();
  } else if (rel === 'possibly-same-node') ingress = { ...ingress, nodeRule: rel };
  const egressAllowed = chains?.egressAllowed ?? egress.allowed;
  const conns = egressAllowed.intersect(chains?.ingressAllowed ?? ingress.allowed).intersect(ports);
  const sameNode = rel === 'possibly-same-node' ? egressAllowed.intersect(ports) : undefined;
  return {
    from: src.endpoint,
    to: dst.endpoint,
    verdict: conns.isEmpty() ? 'denied' : 'allowed',
    conns,
    queried: ports,
    ranges: rangeVerdicts(ports, egress, ingress, chains),
    layers: [egress, ingress],
    ...(chains ? { tiers: chains.sides } : {}),
    notes,
    exposure: [...exposureOf(a, dst, 'ingress', opts.wholeCluster, opts.inputHas), ...exposureOf(a, src, 'egress', opts.wholeCluster, opts.inputHas)]
      .map((x) => ({ ...x, conns: x.conns.intersect(ports) }))
      .filter((x) => !x.conns.isEmpty() || x.namedPorts.length > 0),
    ...(sameNode && !sameNode.equals(conns) ? { sameNode } : {}),
  };
}

/** The tiers' view of one pair: composed sides, the port cuts they add, and the chain of stages per port. */
interface TierChains {
  egressAllowed: PortSet;
  ingressAllowed: PortSet;
  readonly ingressTiered: boolean;
  readonly cuts: readonly PortSet[];
  readonly sides: readonly TierSideExplanation[];
  chain(dir: Direction, protocol: Protocol, port: number): StageStep[];
  /** The destination's node is the source: ingress is accepted above every tier. */
  nodeRule(): void;
}

function tierChains(tiers: KubernetesTiers, s: Target, d: Target, egress: SideExplanation, ingress: SideExplanation): TierChains {
  const sideOf = (dir: Direction, self: Target, other: Target, np: SideExplanation) => {
    if (self.kind !== 'class') return undefined;
    const admin = tiers.admin.decide(dir, self.index, other);
    const baseline = tiers.baseline.decide(dir, self.index, other);
    const toSide = (layer: TierSideExplanation['layer'], t: typeof admin, model: typeof tiers.admin): TierSideExplanation => ({
      layer, direction: dir, accept: t.accept, deny: t.deny, steps: t.steps.map((x) => ({ rule: model.ref(x.rule), ports: x.ports })),
    });
    const a = toSide('kubernetes-admin', admin, tiers.admin);
    const b = toSide('kubernetes-baseline', baseline, tiers.baseline);
    const isolated = np.applies && np.isolated;
    return { a, b, isolated, np, allowed: composeSide(admin, isolated, np.allowed, baseline), touched: tiers.touches(dir, self.index) };
  };
  const e = sideOf('egress', s, d, egress);
  const i = sideOf('ingress', d, s, ingress);
  let nodeAccepted = false;
  const chain = (dir: Direction, protocol: Protocol, port: number): StageStep[] => {
    const side = dir === 'egress' ? e : i;
    if (!side) return [{ stage: 'default', direction: dir, decision: 'accept' }];
    if (dir === 'ingress' && nodeAccepted) return [{ stage: 'default', direction: dir, decision: 'accept', policies: ['the node rule: a pod always admits its own node'] }];
    const out: StageStep[] = [];
    const at = (t: TierSideExplanation) => t.steps.find((x) => x.ports.has(protocol, port));
    const adminStep = at(side.a);
    if (adminStep) {
      out.push({ stage: 'k8s-admin', direction: dir, decision: adminStep.rule.action, rule: adminStep.rule, source: adminStep.rule.source });
      if (adminStep.rule.action !== 'pass') return out;
    }
    if (side.isolated) {
      const ok = side.np.allowed.has(protocol, port);
      const rules = side.np.rules.filter((r) => r.ports.has(protocol, port));
      out.push({
        stage: 'k8s-networkpolicy', direction: dir, decision: ok ? 'accept' : 'deny',
        policies: ok ? rules.map((r) => `${r.policy} ${r.direction} rule #${r.rule}`) : side.np.selectedBy.map((p) => p.policy),
        ...(ok && rules[0] ? { source: rules[0].source } : side.np.selectedBy[0] ? { source: side.np.selectedBy[0].source } : {}),
      });
      return out;
    }
    out.push({ stage: 'k8s-networkpolicy', direction: dir, decision: 'pass' });
    const b = at(side.b);
    if (b && b.rule.action !== 'pass') {
      out.push({ stage: 'k8s-baseline', direction: dir, decision: b.rule.action, rule: b.rule, source: b.rule.source });
      return out;
    }
    if (b) out.push({ stage: 'k8s-baseline', direction: dir, decision: 'pass', rule: b.rule, source: b.rule.source });
    out.push({ stage: 'default', direction: dir, decision: 'accept' });
    return out;
  };
  const sides = [e?.a, e?.b, i?.a, i?.b].filter((x): x is TierSideExplanation => x !== undefined && x.steps.length > 0);
  const r: TierChains = {
    egressAllowed: e?.allowed ?? PortSet.ALL,
    ingressAllowed: i?.allowed ?? PortSet.ALL,
    ingressTiered: i?.touched ?? false,
    cuts: sides.flatMap((x) => x.steps.map((st) => st.ports)),
    sides,
    chain,
    nodeRule: () => {
      nodeAccepted = true;
      r.ingressAllowed = PortSet.ALL;
    },
  };
  return r;
}
