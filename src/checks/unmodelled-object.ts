import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';

/** How many pod ids a message lists before it counts the rest. */
const LISTED = 5;

/**
 * An object that may allow or deny traffic and that the engine does not evaluate (a Calico or Cilium policy,
 * a mesh authorization policy...): the connectivity shown for the pods it selects may be wrong both ways.
 */
export default defineCheck({
  meta: {
    id: 'unmodelled-object',
    category: 'input',
    severity: 'error',
    title: 'Object that may change traffic is not evaluated',
    docs: 'docs/checks.md#unmodelled-object',
    controls: [PCI_1_2_7],
    remediation:
      'Treat the results for the pods it selects as unverified: check them by other means (bulkhead test with real packets), or accept the finding with --baseline once reviewed.',
    messages: {
      pods: '{{object}} ({{apiVersion}}) {{effect}}: it selects {{pods}}; the connectivity shown for them ignores it',
      none: '{{object}} ({{apiVersion}}) {{effect}}: it selects no pod in the input, but may select pods outside it',
      unknown: '{{object}} ({{apiVersion}}) {{effect}}: it may apply to {{scope}}; the connectivity shown ignores it',
    },
  },
  check(ctx) {
    for (const u of ctx.inventory.unmodelled) {
      const object = `${u.kind} ${u.namespace ? `${u.namespace}/` : ''}${u.name}`;
      const resource = { kind: u.kind, ...(u.namespace ? { namespace: u.namespace } : {}), name: u.name };
      const base = { object, apiVersion: u.apiVersion, effect: u.effect };
      if (u.selects === 'unknown') {
        ctx.report({ messageId: 'unknown', data: { ...base, scope: u.namespace ? `any pod in namespace ${u.namespace}` : 'any pod in the cluster' }, resource, location: u.source });
      } else if (u.selects.length === 0) {
        ctx.report({ messageId: 'none', data: base, resource, location: u.source, severity: 'warning' });
      } else {
        const shown = u.selects.slice(0, LISTED).join(', ') + (u.selects.length > LISTED ? ` and ${u.selects.length - LISTED} more pod(s)` : '');
        ctx.report({ messageId: 'pods', data: { ...base, pods: shown }, resource, location: u.source });
      }
    }
  },
});
