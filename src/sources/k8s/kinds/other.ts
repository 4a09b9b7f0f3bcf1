/** Other common kinds that cannot change which connections are allowed. */
import type { KindEntry } from './types.js';

const irrelevant = (product: string, groups: string[], why: string, ...kinds: string[]): KindEntry[] =>
  kinds.map((kind) => ({ kind, groups, role: 'irrelevant', product, namespaced: true, why }));

export const OTHER_KINDS: readonly KindEntry[] = [
  ...irrelevant('Prometheus operator', ['monitoring.coreos.com'], 'scrape and alerting configuration',
    'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe', 'AlertmanagerConfig', 'ScrapeConfig'),
  ...irrelevant('cert-manager', ['cert-manager.io', 'acme.cert-manager.io'], 'certificates',
    'Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer', 'Order', 'Challenge'),
];
