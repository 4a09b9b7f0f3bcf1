import { PCI_1_2_1, PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';

export default defineCheck({
  meta: {
    id: 'intent-broken-flow',
    category: 'drift',
    severity: 'warning',
    requiresIntent: true,
    title: 'Intended flow is blocked',
    docs: 'docs/checks.md#intent-broken-flow',
    controls: [PCI_1_2_1, PCI_1_2_7],
    remediation: 'Allow the flow on both sides: an egress rule on the source (when its egress is isolated) and an ingress rule on the destination; or remove the flow from the intent if it is no longer meant.',
    messages: {
      blocked: 'flow #{{flow}} {{from}} => {{to}} on {{ports}} is blocked: no member of {{from}} reaches a member of {{to}} on {{missing}}',
      'no-source': 'flow #{{flow}} {{from}} => {{to}} cannot happen: segment {{from}} has no member',
      'no-destination': 'flow #{{flow}} {{from}} => {{to}} cannot happen: segment {{to}} has no member',
    },
  },
  check(ctx) {
    for (const b of ctx.drift!.broken) {
      ctx.report({
        messageId: b.reason,
        data: { flow: b.flow.index, from: b.from, to: b.to, ports: b.flow.ports.toString(), missing: b.missing.toString() },
        resource: { kind: 'Flow', name: `#${b.flow.index} ${b.from} => ${b.to}` },
        location: b.flow.source,
        key: `${b.from}>${b.to}`,
      });
    }
  },
});
