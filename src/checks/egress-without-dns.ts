import type { CompiledRule, Analysis } from '../engine/index.js';
import { PCI_1_2_1 } from './controls.js';
import { defineCheck } from './types.js';
import { selectableWorkloads, workloadRef } from './util.js';

/** Can this egress rule carry DNS (UDP 53) to something? */
function carriesDns(a: Analysis, r: CompiledRule): boolean {
  const matchesSomething = r.allPeers || r.ipBlocks.length > 0 || !r.peerClasses.isEmpty();
  if (!matchesSomething) return false;
  if (r.fixedPorts.has('UDP', 53)) return true;
  for (const c of r.peerClasses) if (a.layer.rulePorts(r, { kind: 'class', index: c }).has('UDP', 53)) return true;
  return false;
}

export default defineCheck({
  meta: {
    id: 'egress-without-dns',
    category: 'hygiene',
    severity: 'warning',
    title: 'Default-deny egress without DNS',
    docs: 'docs/checks.md#egress-without-dns',
    controls: [PCI_1_2_1],
    remediation: 'Allow egress to the cluster DNS (pods labelled k8s-app: kube-dns in kube-system) on UDP and TCP 53, usually with one namespace-wide policy.',
    messages: {
      nodns: '{{workload}} has isolated egress ({{policies}}) but no egress rule allows DNS (UDP 53): name lookups fail',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const dnsByRule = new Map<number, boolean>();
    const dnsOk = (r: CompiledRule): boolean => {
      let v = dnsByRule.get(r.id);
      if (v === undefined) dnsByRule.set(r.id, (v = carriesDns(a, r)));
      return v;
    };
    for (const { workload, classes } of selectableWorkloads(a)) {
      const bad = classes.find((c) => a.layer.isolated('egress', c) && !a.layer.classRules.egress[c]!.some(dnsOk));
      if (bad === undefined) continue;
      const policies = a.layer.selecting.egress[bad]!;
      ctx.report({
        messageId: 'nodns',
        data: { workload: workload.id, policies: policies.map((p) => p.id).join(', ') },
        resource: workloadRef(workload),
        ...(workload.source ? { location: workload.source } : {}),
        related: policies.map((p) => ({ message: `isolates egress: ${p.id}`, location: p.source })),
      });
    }
  },
});
