import { matchesSelector, formatSelector } from '../inventory/selector.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { classesByNamespace, policyRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'policy-selects-nothing',
    category: 'hygiene',
    severity: 'warning',
    title: 'Policy selects no pod',
    docs: 'docs/checks.md#policy-selects-nothing',
    controls: [PCI_1_2_7],
    remediation: 'Fix the podSelector (a label typo makes the policy protect nothing) or delete the stale policy.',
    messages: {
      nothing: 'NetworkPolicy {{policy}} selects no pod: its podSelector ({{selector}}) matches nothing in namespace {{namespace}}',
      hostNetworkOnly:
        'NetworkPolicy {{policy}} selects only hostNetwork pods ({{pods}}): NetworkPolicy does not apply to pods on the node\'s network, so it protects nothing (not a label typo: protect them with host firewall rules)',
      nothingYet:
        'NetworkPolicy {{policy}} selects no pod of the input: its podSelector ({{selector}}) matches nothing in namespace {{namespace}}; it may select pods created by {{kinds}} objects (custom resources whose pods are not in the input; declare their labels in bulkhead.settings.yaml)',
    },
  },
  check(ctx) {
    const layer = ctx.analysis.layer;
    const byNs = classesByNamespace(ctx.analysis);
    for (const p of ctx.inventory.policies) {
      if ((byNs.get(p.namespace) ?? []).some((c) => !layer.classes[c]!.hostNetwork && matchesSelector(p.podSelector, layer.classes[c]!.labels))) continue;
      const pods = ctx.inventory.pods.filter((pod) => pod.hostNetwork && pod.namespace === p.namespace && matchesSelector(p.podSelector, pod.labels)).map((pod) => pod.id);
      if (pods.length > 0) {
        const shown = pods.slice(0, 5).join(', ') + (pods.length > 5 ? ` and ${pods.length - 5} more` : '');
        ctx.report({ messageId: 'hostNetworkOnly', data: { policy: p.id, pods: shown }, resource: policyRef(p), location: p.source });
        continue;
      }
      // An operator may turn a custom resource of this namespace (or a cluster-scoped one) into the pods it means.
      const kinds = [...new Set(ctx.inventory.customResources.filter((r) => r.namespace === undefined || r.namespace === p.namespace).map((r) => `${r.kind} (${r.apiVersion})`))].sort();
      const data = { policy: p.id, selector: formatSelector(p.podSelector), namespace: p.namespace };
      ctx.report({ messageId: kinds.length ? 'nothingYet' : 'nothing', data: kinds.length ? { ...data, kinds: kinds.join(', ') } : data, resource: policyRef(p), location: p.source });
    }
  },
});
