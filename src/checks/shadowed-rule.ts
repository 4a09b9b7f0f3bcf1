import type { CompiledRule } from '../engine/index.js';
import type { IpBlockPeer, LabelSelector, Labels, NetworkPolicy, PodPeer } from '../inventory/types.js';
import { isEmptySelector, matchesSelector } from '../inventory/selector.js';
import { rangeContains, rangesOverlap } from '../model/address.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { policyRef } from './util.js';

/** Every object `b` selects, `a` selects too (judged from the selectors, not from the input's pods). */
function selectorCovers(a: LabelSelector | null, b: LabelSelector | null): boolean {
  if (a === null || isEmptySelector(a)) return true;
  if (b === null) return false;
  for (const k in a.matchLabels) if (b.matchLabels[k] !== a.matchLabels[k]) return false;
  return a.matchExpressions.every((ea) => {
    const same = b.matchExpressions.some((eb) => eb.key === ea.key && eb.operator === ea.operator && eb.values.length === ea.values.length && eb.values.every((v) => ea.values.includes(v)));
    if (same) return true;
    const fixed = b.matchLabels[ea.key];
    if (fixed === undefined) return false;
    return ea.operator === 'Exists' || (ea.operator === 'In' && ea.values.includes(fixed)) || (ea.operator === 'NotIn' && !ea.values.includes(fixed));
  });
}

function podPeerCovers(a: PodPeer, b: PodPeer, policyNs: Labels): boolean {
  let ns: boolean;
  if (a.namespaceSelector === null) ns = b.namespaceSelector === null;
  else if (b.namespaceSelector === null) ns = matchesSelector(a.namespaceSelector, policyNs);
  else ns = selectorCovers(a.namespaceSelector, b.namespaceSelector);
  return ns && selectorCovers(a.podSelector, b.podSelector);
}

function ipBlockCovers(a: IpBlockPeer, b: IpBlockPeer): boolean {
  if (!rangeContains(a.cidr.range, b.cidr.range)) return false;
  return a.except.every((ea) => !rangesOverlap(ea.range, b.cidr.range) || b.except.some((eb) => rangeContains(eb.range, ea.range)));
}

function rulePeersCover(a: CompiledRule, b: CompiledRule, policyNs: Labels): boolean {
  if (a.allPeers) return true;
  if (b.allPeers) return false;
  return b.rule.peers!.every((pb) =>
    a.rule.peers!.some((pa) => (pa.type === 'pods' && pb.type === 'pods' ? podPeerCovers(pa, pb, policyNs) : pa.type === 'ipBlock' && pb.type === 'ipBlock' ? ipBlockCovers(pa, pb) : false)),
  );
}

function rulePortsCover(a: CompiledRule, b: CompiledRule): boolean {
  if (!b.fixedPorts.isSubsetOf(a.fixedPorts)) return false;
  return b.namedPorts.every((nb) => a.fixedPorts.get(nb.protocol).size() === 65535 || a.namedPorts.some((na) => na.port === nb.port && na.protocol === nb.protocol));
}

/** Policy `a` selects every pod `b` selects, for this direction. */
function policyCovers(a: NetworkPolicy, b: NetworkPolicy, direction: 'ingress' | 'egress'): boolean {
  return a.namespace === b.namespace && a.isolates[direction] && selectorCovers(a.podSelector, b.podSelector);
}

export default defineCheck({
  meta: {
    id: 'shadowed-rule',
    category: 'hygiene',
    severity: 'warning',
    title: 'Rule or peer shadowed by a broader one',
    docs: 'docs/checks.md#shadowed-rule',
    controls: [PCI_1_2_7],
    remediation:
      'A narrow rule next to a broader one usually means the broad one is a mistake (two peers are OR-ed: `- namespaceSelector` and `- podSelector` as separate items admit either). Narrow the broad rule, or remove the redundant one.',
    messages: {
      peer: '{{direction}} rule #{{rule}} of {{policy}}: peer #{{peer}} is redundant, peer #{{by}} already admits everything it does (peers are OR-ed; did you mean one peer with both selectors?)',
      rule: '{{direction}} rule #{{rule}} of {{policy}} is shadowed by {{direction}} rule #{{byRule}} of {{byPolicy}}, which allows everything it does',
    },
  },
  check(ctx) {
    const nsLabels = new Map(ctx.inventory.namespaces.map((n) => [n.name, n.labels]));
    const rules = ctx.analysis.layer.rules;
    // Only rules of the same namespace and direction can shadow each other.
    const sameScope = new Map<string, typeof rules>();
    for (const r of rules) {
      const k = `${r.policy.namespace}\u0000${r.direction}`;
      let l = sameScope.get(k);
      if (!l) sameScope.set(k, (l = []));
      l.push(r);
    }
    for (const r of rules) {
      const policyNs = nsLabels.get(r.policy.namespace) ?? {};
      const peers = r.rule.peers ?? [];
      peers.forEach((pb, j) => {
        const by = peers.findIndex((pa, i) => {
          if (i === j) return false;
          const covers = pa.type === 'pods' && pb.type === 'pods' ? podPeerCovers(pa, pb, policyNs) : pa.type === 'ipBlock' && pb.type === 'ipBlock' ? ipBlockCovers(pa, pb) : false;
          if (!covers) return false;
          const back = pa.type === 'pods' && pb.type === 'pods' ? podPeerCovers(pb, pa, policyNs) : pa.type === 'ipBlock' && pb.type === 'ipBlock' ? ipBlockCovers(pb, pa) : false;
          return !back || i < j;
        });
        if (by < 0) return;
        ctx.report({
          messageId: 'peer',
          data: { direction: r.direction, rule: r.rule.index + 1, policy: r.policy.id, peer: j + 1, by: by + 1 },
          resource: policyRef(r.policy),
          location: pb.source,
          key: `${r.direction}${r.rule.index}.peer${j}`,
        });
      });
      if (!r.policy.isolates[r.direction]) continue;
      const shadow = sameScope.get(`${r.policy.namespace}\u0000${r.direction}`)!.find((o) => {
        if (o === r || o.direction !== r.direction || !policyCovers(o.policy, r.policy, r.direction)) return false;
        if (!rulePeersCover(o, r, policyNs) || !rulePortsCover(o, r)) return false;
        const back = policyCovers(r.policy, o.policy, r.direction) && rulePeersCover(r, o, policyNs) && rulePortsCover(r, o);
        return !back || o.id < r.id;
      });
      if (!shadow) continue;
      ctx.report({
        messageId: 'rule',
        data: { direction: r.direction, rule: r.rule.index + 1, policy: r.policy.id, byRule: shadow.rule.index + 1, byPolicy: shadow.policy.id },
        resource: policyRef(r.policy),
        location: r.rule.source,
        key: `${r.direction}${r.rule.index}`,
        related: [{ message: `the broader rule: ${shadow.policy.id} ${shadow.direction} rule #${shadow.rule.index + 1}`, location: shadow.rule.source }],
      });
    }
  },
});
