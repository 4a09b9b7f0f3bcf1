import type { CompiledRule, Analysis } from '../engine/index.js';
import { PCI_1_2_1 } from './controls.js';
import { clusterDns, type ClusterDns } from '../analyses/cluster-dns.js';
import { defineCheck } from './types.js';
import { selectableWorkloads, workloadRef } from './util.js';

/**
 * Can this egress rule carry a lookup? Towards the DNS pods of the input when there are some; towards any
 * pod or address otherwise (the DNS pods are elsewhere). An ipBlock always may: it may hold the DNS pods'
 * addresses or an upstream resolver, which the input does not tell.
 */
function carriesDns(a: Analysis, dns: ClusterDns, r: CompiledRule): boolean {
  const carries = (c: number): boolean => !a.layer.rulePorts(r, { kind: 'class', index: c }).intersect(dns.required).isEmpty();
  if (r.allPeers || r.ipBlocks.length > 0) {
    if (!r.fixedPorts.intersect(dns.required).isEmpty()) return true;
    if (r.allPeers) return (dns.classes.length > 0 ? dns.classes : a.layer.classes.map((c) => c.index)).some(carries);
  }
  const peers = dns.classes.length > 0 ? dns.classes.filter((c) => r.hasPeer(c)) : r.peerList;
  return peers.some(carries);
}

export default defineCheck({
  meta: {
    id: 'egress-without-dns',
    category: 'hygiene',
    severity: 'warning',
    title: 'Default-deny egress without DNS',
    docs: 'docs/checks.md#egress-without-dns',
    controls: [PCI_1_2_1],
    remediation:
      'Allow egress to the cluster DNS on its ports (pods labelled k8s-app: kube-dns in kube-system on UDP and TCP 53; OpenShift: dns-default in openshift-dns on 5353), usually with one namespace-wide policy.',
    messages: {
      nodns: '{{workload}} has isolated egress ({{policies}}) but no egress rule allows DNS ({{ports}}, {{origin}}){{towards}}: name lookups fail',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const dns = clusterDns(a, ctx.settings);
    const dnsByRule = new Map<number, boolean>();
    const dnsOk = (r: CompiledRule): boolean => {
      let v = dnsByRule.get(r.id);
      if (v === undefined) dnsByRule.set(r.id, (v = carriesDns(a, dns, r)));
      return v;
    };
    const towards = dns.classes.length > 0 ? ` towards the DNS pods (${[...new Set(dns.classes.map((c) => a.layer.classes[c]!.namespace))].join(', ')})` : '';
    for (const { workload, classes } of selectableWorkloads(a)) {
      const bad = classes.find((c) => a.layer.isolated('egress', c) && !a.layer.classRules.egress[c]!.some(dnsOk));
      if (bad === undefined) continue;
      const policies = a.layer.selecting.egress[bad]!;
      ctx.report({
        messageId: 'nodns',
        data: { workload: workload.id, policies: policies.map((p) => p.id).join(', '), ports: dns.required.toString(), origin: dns.origin, towards },
        resource: workloadRef(workload),
        ...(workload.source ? { location: workload.source } : {}),
        related: policies.map((p) => ({ message: `isolates egress: ${p.id}`, location: p.source })),
      });
    }
  },
});
