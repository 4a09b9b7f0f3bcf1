import type { LabelSelector } from '../inventory/types.js';
import { formatSelector, matchesSelector } from '../inventory/selector.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { classesByNamespace, policyRef } from './util.js';

/** A canonical text per selector: JSON of its sorted labels and its expressions (values keep their order: In is a set, but a miss only costs a match). */
function selectorKey(s: LabelSelector): string {
  return JSON.stringify([Object.keys(s.matchLabels).sort().map((k) => [k, s.matchLabels[k]]), s.matchExpressions.map((r) => [r.key, r.operator, r.values])]);
}

export default defineCheck({
  meta: {
    id: 'dead-peer',
    category: 'hygiene',
    severity: 'warning',
    title: 'Peer matches nothing',
    docs: 'docs/checks.md#dead-peer',
    controls: [PCI_1_2_7],
    remediation: 'Fix the selector (a typo in a label or namespace name) or remove the dead peer; a rule that matches nothing hides what was meant.',
    messages: {
      namespace: '{{direction}} rule #{{rule}} peer #{{peer}} of {{policy}}: namespaceSelector {{selector}} matches no namespace (the input is the whole cluster)',
      pods: '{{direction}} rule #{{rule}} peer #{{peer}} of {{policy}}: selects no pod ({{what}}; the input is the whole cluster)',
      namespaceInInput: '{{direction}} rule #{{rule}} peer #{{peer}} of {{policy}}: namespaceSelector {{selector}} matches nothing in the input (it may match a namespace outside it: see reach --exposure)',
      podsInInput: '{{direction}} rule #{{rule}} peer #{{peer}} of {{policy}}: matches nothing in the input ({{what}}; it may match pods outside it: see reach --exposure)',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    // Only a whole-cluster input says the peer matches nothing at all; otherwise it is exposure beyond the input.
    const whole = ctx.settings.wholeCluster;
    const partial = whole ? {} : { severity: 'info' as const };
    const byNs = classesByNamespace(a);
    // Generated and templated policies repeat a few selectors thousands of times: match each distinct one once.
    const nsMatches = new Map<string, string[]>();
    const anyMatch = new Map<string, boolean>();
    // Namespaces by label, in inventory order: a selector with matchLabels is tried on those carrying one of them.
    const nsByLabel = new Map<string, typeof a.inventory.namespaces[number][]>();
    for (const n of a.inventory.namespaces) {
      for (const [k, v] of Object.entries(n.labels)) {
        const kv = `${k}=${v}`;
        const l = nsByLabel.get(kv);
        if (l) l.push(n);
        else nsByLabel.set(kv, [n]);
      }
    }
    const namespacesOf = (sel: LabelSelector): string[] => {
      const k = selectorKey(sel);
      let r = nsMatches.get(k);
      if (!r) {
        let cand = a.inventory.namespaces;
        for (const [lk, lv] of Object.entries(sel.matchLabels)) {
          const l = nsByLabel.get(`${lk}=${lv}`) ?? [];
          if (l.length < cand.length) cand = l;
        }
        nsMatches.set(k, (r = cand.filter((n) => matchesSelector(sel, n.labels)).map((n) => n.name)));
      }
      return r;
    };
    const podsIn = (nsKey: string, namespaces: readonly string[], sel: LabelSelector | null): boolean => {
      const k = `${nsKey}\u0001${sel === null ? '*' : selectorKey(sel)}`;
      let r = anyMatch.get(k);
      if (r === undefined) anyMatch.set(k, (r = namespaces.some((n) => (byNs.get(n) ?? []).some((c) => sel === null || matchesSelector(sel, a.layer.classes[c]!.labels)))));
      return r;
    };
    for (const p of ctx.inventory.policies) {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of p[direction]) {
          (rule.peers ?? []).forEach((peer, i) => {
            if (peer.type !== 'pods') return;
            const base = { direction, rule: rule.index + 1, peer: i + 1, policy: p.id };
            const where = { resource: policyRef(p), location: peer.source, key: `${direction}${rule.index}.${i}` };
            const namespaces = peer.namespaceSelector === null ? [p.namespace] : namespacesOf(peer.namespaceSelector);
            if (namespaces.length === 0) {
              ctx.report({ messageId: whole ? 'namespace' : 'namespaceInInput', data: { ...base, selector: formatSelector(peer.namespaceSelector) }, ...where, ...partial });
              return;
            }
            const any = podsIn(peer.namespaceSelector === null ? `=${p.namespace}` : selectorKey(peer.namespaceSelector), namespaces, peer.podSelector);
            if (any) return;
            const what = `podSelector ${formatSelector(peer.podSelector)} in ${peer.namespaceSelector === null ? `namespace ${p.namespace}` : `namespaces ${namespaces.join(', ')}`}`;
            ctx.report({ messageId: whole ? 'pods' : 'podsInInput', data: { ...base, what }, ...where, ...partial });
          });
        }
      }
    }
  },
});
