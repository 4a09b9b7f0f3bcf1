/**
 * core/v1 Service, read leniently for the cross-layer answer: its type, selector, ports (with nodePorts),
 * externalTrafficPolicy and the fields the answer states as not evaluated. The Kubernetes layer does not
 * use Services (NetworkPolicy judges the pods behind them), so a malformed field here only drops the port
 * or the Service from the cross-layer answer; it raises no diagnostic of its own.
 */
import type { ClusterService, ServicePort } from '../../inventory/types.js';
import type { SourceRef } from '../../inventory/types.js';
import { PROTOCOLS, type Protocol } from '../../model/port-set.js';
import { type Obj, isObj } from './fields.js';

const TYPES = new Set(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

const portNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined);

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : [];
}

function servicePort(p: unknown): ServicePort | undefined {
  if (!isObj(p)) return undefined;
  const port = portNumber(p['port']);
  if (port === undefined) return undefined;
  const proto = p['protocol'] === undefined ? 'TCP' : p['protocol'];
  if (typeof proto !== 'string' || !(PROTOCOLS as readonly string[]).includes(proto)) return undefined;
  const t = p['targetPort'];
  // targetPort is an IntOrString: a number, or the name of a container port (a digit string is a number).
  const targetPort = t === undefined || t === null ? port : typeof t === 'string' && /^\d+$/.test(t) ? portNumber(Number(t)) : typeof t === 'string' && t !== '' ? t : portNumber(t);
  if (targetPort === undefined) return undefined;
  const nodePort = portNumber(p['nodePort']);
  const name = typeof p['name'] === 'string' && p['name'] !== '' ? p['name'] : undefined;
  return { ...(name !== undefined ? { name } : {}), protocol: proto as Protocol, port, targetPort, ...(nodePort !== undefined ? { nodePort } : {}) };
}

/** Reads one Service; undefined when it has no spec to speak of. */
export function parseService(obj: Obj, namespace: string, name: string, source: SourceRef): ClusterService | undefined {
  const spec = obj['spec'];
  if (!isObj(spec)) return undefined;
  const type = spec['type'] === undefined ? 'ClusterIP' : spec['type'];
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  const sel = spec['selector'];
  const selector = isObj(sel) && Object.keys(sel).length > 0 && Object.values(sel).every((v) => typeof v === 'string') ? (sel as Record<string, string>) : undefined;
  const ports = Array.isArray(spec['ports']) ? spec['ports'].map(servicePort).filter((p): p is ServicePort => p !== undefined) : [];
  return {
    id: `${namespace}/${name}`, namespace, name, type: type as ClusterService['type'],
    ...(selector ? { selector } : {}),
    ports,
    externalTrafficPolicy: spec['externalTrafficPolicy'] === 'Local' ? 'Local' : 'Cluster',
    loadBalancerSourceRanges: strings(spec['loadBalancerSourceRanges']),
    externalIPs: strings(spec['externalIPs']),
    source,
  };
}
