import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { ingressTargets, policyRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'unresolved-named-port',
    category: 'hygiene',
    severity: 'warning',
    title: 'Named port resolves nowhere',
    docs: 'docs/checks.md#unresolved-named-port',
    controls: [PCI_1_2_7],
    remediation: 'Use a port name that the destination pods declare in their containers\' ports (same protocol), or the port number.',
    messages: {
      ingress: 'ingress rule #{{rule}} of {{policy}} names port "{{port}}" ({{protocol}}), but no pod the policy selects declares it: the rule admits nothing on it',
      egress: 'egress rule #{{rule}} of {{policy}} names port "{{port}}" ({{protocol}}), but no destination pod of the rule declares it: the rule allows nothing on it',
    },
  },
  check(ctx) {
    const layer = ctx.analysis.layer;
    const targets = ingressTargets(ctx.analysis);
    for (const r of layer.rules) {
      if (r.namedPorts.length === 0) continue;
      const dsts: number[] =
        r.direction === 'ingress'
          ? (targets.get(r.id) ?? [])
          : r.allPeers
            ? layer.classes.map((c) => c.index)
            : [...r.peerList];
      if (dsts.length === 0) continue; // selects or matches nothing: other checks say so
      for (const np of r.namedPorts) {
        const found = dsts.some((c) => layer.classes[c]!.ports.some((p) => p.name === np.port && p.protocol === np.protocol));
        if (found) continue;
        ctx.report({
          messageId: r.direction,
          data: { rule: r.rule.index + 1, policy: r.policy.id, port: String(np.port), protocol: np.protocol },
          resource: policyRef(r.policy),
          location: np.source,
          key: `${r.direction}${r.rule.index}:${String(np.port)}/${np.protocol}`,
        });
      }
    }
  },
});
