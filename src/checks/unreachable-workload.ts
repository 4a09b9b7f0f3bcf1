import type { Target } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { selectableWorkloads, workloadRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'unreachable-workload',
    category: 'hygiene',
    severity: 'warning',
    title: 'Workload nothing can reach',
    docs: 'docs/checks.md#unreachable-workload',
    controls: [PCI_1_2_7],
    remediation:
      'Allow ingress from the workload\'s clients on the ports it serves (and egress from them to it, when their egress is isolated), or drop the container ports it does not serve.',
    messages: {
      unreachable: '{{workload}} declares {{ports}}, but no pod of another workload and no address outside the cluster may connect to it on them (ingress isolated by {{policies}}): its clients are cut off',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const layer = a.layer;
    const blocks = a.externals();
    for (const { workload, classes } of selectableWorkloads(a)) {
      let declared = PortSet.NONE;
      for (const p of a.podsOf(workload.id)) for (const cp of p.ports) declared = declared.union(PortSet.of(cp.protocol, cp.port));
      if (declared.isEmpty()) continue;
      const reachable = classes.some((c) => {
        // Not isolated: outside addresses reach it on everything. Isolated: only what its rules admit can.
        if (!layer.isolated('ingress', c)) return true;
        const dst: Target = { kind: 'class', index: c };
        const opens = (src: Target): boolean => !a.allowed(src, dst).intersect(declared).isEmpty();
        if (blocks.some((b) => opens({ kind: 'address', range: b.range }))) return true;
        const peers = new Set(layer.classRules.ingress[c]!.flatMap((r) => r.peerList));
        for (const s of peers) if (layer.classes[s]!.pods.some((p) => p.workload !== workload.id) && opens({ kind: 'class', index: s })) return true;
        return false;
      });
      if (reachable) continue;
      const policies = [...new Set(classes.flatMap((c) => layer.selecting.ingress[c]!.map((p) => p.id)))].sort();
      ctx.report({
        messageId: 'unreachable',
        data: { workload: workload.id, ports: declared.toString(), policies: policies.join(', ') },
        resource: workloadRef(workload),
        ...(workload.source ? { location: workload.source } : {}),
      });
    }
  },
});
