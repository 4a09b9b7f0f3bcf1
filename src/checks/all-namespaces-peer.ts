import { formatSelector, isEmptySelector } from '../inventory/selector.js';
import { describePorts } from './allow-all-ingress.js';
import { NIST_SC_7, PCI_1_3_1, PCI_1_3_2, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { policyRef } from './util.js';

/**
 * `namespaceSelector: {}` matches every namespace, including those created later by anyone allowed to
 * create one. Without a podSelector the peer is every pod in the cluster; with one, any namespace can run
 * pods carrying those labels.
 */
export default defineCheck({
  meta: {
    id: 'all-namespaces-peer',
    category: 'hygiene',
    severity: 'warning',
    title: 'Peer open to every namespace',
    docs: 'docs/checks.md#all-namespaces-peer',
    controls: [PCI_1_3_1, PCI_1_3_2, SOC2_CC6_6, NIST_SC_7],
    remediation:
      'Name the namespaces the connection comes from or goes to (`namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}`), and combine it with a podSelector in the same peer.',
    messages: {
      ingress: 'ingress rule #{{rule}} of {{policy}}: peer #{{peer}} has `namespaceSelector: {}`: it admits {{pods}} of every namespace, including namespaces created later, on {{ports}}',
      egress: 'egress rule #{{rule}} of {{policy}}: peer #{{peer}} has `namespaceSelector: {}`: it allows connections to {{pods}} of every namespace, including namespaces created later, on {{ports}}',
    },
  },
  check(ctx) {
    for (const r of ctx.analysis.layer.rules) {
      (r.rule.peers ?? []).forEach((peer, i) => {
        if (peer.type !== 'pods' || peer.namespaceSelector === null || !isEmptySelector(peer.namespaceSelector)) return;
        const everyPod = peer.podSelector === null || isEmptySelector(peer.podSelector);
        ctx.report({
          messageId: r.direction,
          data: {
            rule: r.rule.index + 1,
            policy: r.policy.id,
            peer: i + 1,
            pods: everyPod ? 'every pod' : `the pods labelled ${formatSelector(peer.podSelector)}`,
            ports: describePorts(r.rule.ports),
          },
          resource: policyRef(r.policy),
          location: peer.source,
          key: `${r.direction}${r.rule.index}.${i}`,
          // A podSelector narrows it to pods that a namespace must choose to label so: worth knowing, not a warning.
          ...(everyPod ? {} : { severity: 'info' as const }),
        });
      });
    }
  },
});
