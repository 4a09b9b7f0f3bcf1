/**
 * The intent a platform team would write by hand for a generated cluster (bench/generate.ts), as opposed
 * to the exact one `init` drafts: a few hundred segments by namespace and label (each team's prod and its
 * sensitive data, dev and staging as one segment each, the platform namespaces), the flows the
 * architecture names, a namespace that is open to everything as one flow from `any`, tenants (teams)
 * isolated, and dev never reaching prod. The generated policies break some of it on purpose (cross-team
 * rules, open namespaces), so the audit has drift to find, as a real one would.
 */
import { teamNamespaces } from './generate.js';

/** The hand-shaped intent for `generateCluster(pods)`, as bulkhead.yaml text (docs/intent.md). */
export function handIntent(pods: number): { text: string; segments: number; flows: number } {
  const { namespaces } = teamNamespaces(pods);
  const seg: string[] = [];
  const flows: string[] = [];
  const add = (name: string, body: string): void => {
    seg.push(`  ${name}: ${body}`);
  };
  // Specific segments first: an endpoint's home is the first segment that matches it.
  add('dns', '{namespace: kube-system, labels: {k8s-app: kube-dns}, infrastructure: true}');
  add('kube-system', '{namespace: kube-system}');
  add('monitoring', '{namespace: monitoring}');
  add('ingress', '{namespace: ingress-nginx, infrastructure: true, description: the ingress controllers}');
  // A namespace with no policy at all is open to everyone; the team wrote that down rather than pretend.
  const open = namespaces.filter((n) => !n.protected).map((n) => `open-${n.name}`);
  for (const n of namespaces) if (!n.protected) add(`open-${n.name}`, `{namespace: ${n.name}, description: no NetworkPolicy yet}`);
  const prods = namespaces.filter((n) => n.env === 'prod' && n.protected);
  for (const n of prods) {
    add(`${n.name}-data`, `{namespace: ${n.name}, labels: {tier: [db, cache]}, sensitive: true}`);
    add(n.name, `{namespace: ${n.name}}`);
  }
  add('dev', '{namespaceLabels: {env: dev}}');
  add('staging', '{namespaceLabels: {env: staging}}');
  // Declared last, so home to no workload: every namespace is caught above.
  add('any', '{namespace: "*", description: every workload of the cluster}');

  flows.push('  - {from: [any, world], to: ingress, ports: [TCP/80, TCP/443], description: the load balancer}');
  flows.push('  - {from: ingress, to: {labels: {tier: web}}, ports: [TCP/8080]}');
  flows.push('  - {from: any, to: dns, ports: [UDP/53, TCP/53]}');
  flows.push('  - {from: dns, to: world, ports: [UDP/53, TCP/53], description: upstream resolvers}');
  flows.push('  - {from: monitoring, to: any, ports: [TCP/9100-9199], description: Prometheus scrapes}');
  flows.push('  - {from: {labels: {tier: worker}}, to: world, ports: [TCP/443], description: workers call partner APIs}');
  for (const n of prods) flows.push(`  - {from: ${n.name}, to: ${n.name}-data, ports: [TCP/5432, TCP/6379]}`);
  if (open.length) flows.push(`  - {from: [any, world], to: [${open.join(', ')}], description: open until their teams add policies}`);

  const text =
    `# Hand-shaped intent for the generated ${pods}-pod cluster (bench/hand-intent.ts).\nversion: 1\nsegments:\n${seg.join('\n')}\n` +
    `flows:\n${flows.join('\n')}\n` +
    'invariants:\n' +
    '  - never: {from: dev, to: {namespaceLabels: {env: prod}}}\n' +
    '  - isolated: {namespaceLabel: team}\n';
  return { text, segments: seg.length, flows: flows.length };
}
