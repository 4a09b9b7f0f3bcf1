/** core/v1 Node: labels (as written) and status.addresses, which admin-tier `nodes` peers select. */
import type { ClusterNode } from '../../inventory/types.js';
import { parseIp } from '../../model/address.js';
import { type FieldReader, type Obj, describe, isObj } from './fields.js';
import { NODE_ADDRESS, NODE_SPEC } from './known-fields.js';

/** Address types that carry an IP (Hostname and the DNS types name the node, they are not addresses). */
const IP_TYPES = new Set(['InternalIP', 'ExternalIP']);

/** Parses one Node; the rest of its status (conditions, capacity, images) is not read and not checked. */
export function parseNode(r: FieldReader, doc: Obj, meta: Obj | undefined, name: string): ClusterNode | undefined {
  const labels = meta ? r.stringMap(meta, 'labels', 'metadata.labels') : {};
  const spec = r.obj(doc, 'spec', 'spec');
  if (spec) r.known(spec, NODE_SPEC, 'spec');
  const providerID = spec ? r.str(spec, 'providerID', 'spec.providerID') : undefined;
  const addresses: string[] = [];
  const status = r.obj(doc, 'status', 'status');
  const list = status ? r.list(status, 'addresses', 'status.addresses') ?? [] : [];
  list.forEach((a, i) => {
    const path = `status.addresses[${i}]`;
    if (!isObj(a)) return r.problem(list, undefined, 'bad-field', `${path}: expected a mapping but got ${describe(a)}`);
    r.known(a, NODE_ADDRESS, path);
    const type = r.str(a, 'type', `${path}.type`);
    const address = r.str(a, 'address', `${path}.address`);
    if (type === undefined || address === undefined || !IP_TYPES.has(type)) return;
    if (!parseIp(address)) return r.problem(a, 'address', 'bad-field', `${path}.address: "${address}" is not an IP address`, 'warning');
    if (!addresses.includes(address)) addresses.push(address);
  });
  if (r.rejected) return undefined;
  return { name, labels, addresses, ...(providerID ? { providerID } : {}), source: r.at(doc) };
}
