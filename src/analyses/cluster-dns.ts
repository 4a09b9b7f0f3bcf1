/**
 * Where the cluster DNS listens: the DNS pods of the input (CoreDNS in kube-system, OpenShift's dns-default
 * in openshift-dns) and the ports they declare, else the settings file, else UDP and TCP 53.
 */
import type { Analysis } from '../engine/index.js';
import type { Pod } from '../inventory/types.js';
import { PortSet } from '../model/port-set.js';
import type { Settings } from '../settings/index.js';

/** Namespaces the cluster DNS runs in (kubeadm, managed clusters; OpenShift). */
const DNS_NAMESPACES = new Set(['kube-system', 'openshift-dns']);
/** Container port names CoreDNS and OpenShift's DNS operator give the DNS ports. */
const DNS_PORT_NAMES = new Set(['dns', 'dns-tcp']);

export interface ClusterDns {
  /** Pod classes of the DNS pods found in the input (empty when none is). */
  readonly classes: readonly number[];
  /** Every DNS port: what a lookup may use. */
  readonly ports: PortSet;
  /** The ports a lookup needs at least one of: the UDP ones, or all when none is UDP. */
  readonly required: PortSet;
  /** Where the ports come from, for messages: "declared by kube-system/coredns", "set in bulkhead.settings.yaml", "the default". */
  readonly origin: string;
}

/** Is this pod the cluster DNS, by the labels or port names its installers give it? */
export function isDnsPod(p: Pod): boolean {
  if (!DNS_NAMESPACES.has(p.namespace)) return false;
  return p.labels['k8s-app'] === 'kube-dns' || 'dns.operator.openshift.io/daemonset-dns' in p.labels || p.ports.some((c) => c.name !== undefined && DNS_PORT_NAMES.has(c.name));
}

/** The cluster DNS as far as the input and the settings say. */
export function clusterDns(a: Analysis, settings: Settings): ClusterDns {
  const pods = a.inventory.pods.filter(isDnsPod);
  let declared = PortSet.NONE;
  const declaring: string[] = [];
  for (const p of pods) {
    const mine = p.ports.filter((c) => c.name !== undefined && DNS_PORT_NAMES.has(c.name));
    if (mine.length > 0) declaring.push(p.id);
    for (const c of mine) declared = declared.union(PortSet.of(c.protocol, c.port));
  }
  const classes = [...new Set(pods.map((p) => a.classOf(p.id)))].sort((x, y) => x - y);
  const [ports, origin] = !declared.isEmpty()
    ? [declared, `declared by ${declaring.slice(0, 2).join(', ')}${declaring.length > 2 ? ` and ${declaring.length - 2} more` : ''}`]
    : settings.dnsPorts
      ? [settings.dnsPorts, `set in ${settings.file ?? 'the settings'}`]
      : [PortSet.of('UDP', 53).union(PortSet.of('TCP', 53)), 'the default'];
  const udp = ports.intersect(PortSet.allOf('UDP'));
  return { classes, ports, required: udp.isEmpty() ? ports : udp, origin };
}
