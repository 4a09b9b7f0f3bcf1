import { formatSelector, matchesSelector } from '../inventory/selector.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { classesByNamespace, policyRef } from './util.js';

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
    for (const p of ctx.inventory.policies) {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of p[direction]) {
          (rule.peers ?? []).forEach((peer, i) => {
            if (peer.type !== 'pods') return;
            const base = { direction, rule: rule.index + 1, peer: i + 1, policy: p.id };
            const where = { resource: policyRef(p), location: peer.source, key: `${direction}${rule.index}.${i}` };
            const namespaces = peer.namespaceSelector === null ? [p.namespace] : a.inventory.namespaces.filter((n) => matchesSelector(peer.namespaceSelector!, n.labels)).map((n) => n.name);
            if (namespaces.length === 0) {
              ctx.report({ messageId: whole ? 'namespace' : 'namespaceInInput', data: { ...base, selector: formatSelector(peer.namespaceSelector) }, ...where, ...partial });
              return;
            }
            const any = namespaces.some((n) => (byNs.get(n) ?? []).some((c) => peer.podSelector === null || matchesSelector(peer.podSelector, a.layer.classes[c]!.labels)));
            if (any) return;
            const what = `podSelector ${formatSelector(peer.podSelector)} in ${peer.namespaceSelector === null ? `namespace ${p.namespace}` : `namespaces ${namespaces.join(', ')}`}`;
            ctx.report({ messageId: whole ? 'pods' : 'podsInInput', data: { ...base, what }, ...where, ...partial });
          });
        }
      }
    }
  },
});
