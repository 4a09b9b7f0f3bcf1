import { NIST_SC_7, SOC2_CC6_6 } from './controls.js';
import { defineCheck } from './types.js';
import { policyRef } from './util.js';
import { parseIp } from '../model/address.js';
import { ipBlockContains } from '../engine/k8s/pod-classes.js';

/**
 * Rules whose effect the Kubernetes API leaves to the network plugin: the analysis follows the spec,
 * but the cluster may enforce something else (netpol-semantics items 9, 11 and 13).
 */
export default defineCheck({
  meta: {
    id: 'cni-dependent-rule',
    category: 'hygiene',
    severity: 'warning',
    title: 'Rule whose effect depends on the network plugin',
    docs: 'docs/checks.md#cni-dependent-rule',
    controls: [SOC2_CC6_6, NIST_SC_7],
    remediation:
      'Select pods with podSelector/namespaceSelector rather than ipBlock, give ipBlock rules numeric ports, and check that the CNI supports endPort; then the rule means the same on every network plugin.',
    messages: {
      ipblockPods:
        '{{direction}} rule #{{rule}} of {{policy}}: ipBlock {{cidr}} contains the address of pod {{pod}}; whether an ipBlock matches traffic of pods in the cluster depends on the CNI (Calico: yes, Cilium: no)',
      namedPortIpBlock:
        '{{direction}} rule #{{rule}} of {{policy}} combines the named port(s) {{names}} with ipBlock peers: a named port resolves only against pods, so it admits nothing for addresses outside the cluster, and plugins differ for addresses inside it',
      endPort: '{{direction}} rule #{{rule}} of {{policy}} uses endPort ({{range}}): a network plugin without endPort support enforces only port {{port}}',
    },
  },
  check(ctx) {
    const podIps = ctx.inventory.pods.flatMap((p) =>
      p.ips.flatMap((s) => {
        const ip = parseIp(s);
        return ip ? [{ pod: p.id, range: { family: ip.family, lo: ip.value, hi: ip.value } }] : [];
      }),
    );
    for (const r of ctx.analysis.layer.rules) {
      const base = { direction: r.direction, rule: r.rule.index + 1, policy: r.policy.id };
      const where = { resource: policyRef(r.policy) };
      r.ipBlocks.forEach((b, i) => {
        const hit = podIps.find((p) => ipBlockContains(b, p.range));
        if (hit) ctx.report({ ...where, messageId: 'ipblockPods', data: { ...base, cidr: b.cidrText, pod: hit.pod }, location: b.source, key: `${r.direction}${r.rule.index}.ip${i}` });
      });
      if (r.ipBlocks.length > 0 && r.namedPorts.length > 0) {
        const names = [...new Set(r.namedPorts.map((p) => String(p.port)))].join(', ');
        ctx.report({ ...where, messageId: 'namedPortIpBlock', data: { ...base, names }, location: r.namedPorts[0]!.source, key: `${r.direction}${r.rule.index}.named` });
      }
      (r.rule.ports ?? []).forEach((p, i) => {
        if (p.endPort === undefined || typeof p.port !== 'number' || p.endPort === p.port) return;
        ctx.report({
          ...where,
          messageId: 'endPort',
          severity: 'info',
          data: { ...base, range: `${p.protocol} ${p.port}-${p.endPort}`, port: p.port },
          location: p.source,
          key: `${r.direction}${r.rule.index}.end${i}`,
        });
      });
    }
  },
});
