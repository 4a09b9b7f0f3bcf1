/**
 * explain without the whole cluster's layer. A pair's verdict, rules and chains depend only on the two
 * ends' pods (their classes: labels, named ports, ipBlock membership, node), every policy and the
 * namespaces; none of it on other pods. So the analysis is built on the inventory cut down to the
 * workloads the two specs can name, with their pods, in input order (the same classes, in the same order,
 * for those pods). The one answer that reads other pods, whether an exposure peer is a pod of the input,
 * is read from the whole inventory (`inventoryHas`).
 *
 * Specs it cannot cut for return undefined, and the caller explains on the whole analysis: a CIDR (its
 * parts are the outside blocks, which every behaviour of the cluster cuts), a glob, a name that matches
 * nothing, and any spec the cut rejects (every error is the whole analysis's, with its suggestions).
 */
import { analyze } from '../engine/index.js';
import type { Inventory } from '../inventory/types.js';
import { parseCidr, parseIp } from '../model/address.js';
import type { PortSet } from '../model/port-set.js';
import { explain, type Explanation } from './explain.js';
import { inventoryHas } from './exposure.js';
import { UserError } from '../util/errors.js';

/** The workloads a spec can resolve to, as resolveOne resolves it; undefined when the cut cannot answer for it. */
function workloadsNamed(inv: Inventory, spec: string): string[] | undefined {
  const t = spec.trim();
  if (spec.includes('/') && !parseIp(t) && parseCidr(t)) return undefined;
  const ip = parseIp(t);
  if (ip) {
    // Every pod with the address (resolveOne takes the first in input order) and its workload.
    return inv.pods.filter((p) => p.ips.some((x) => x === t || (parseIp(x)?.value === ip.value && parseIp(x)?.family === ip.family))).map((p) => p.workload);
  }
  if (t.includes('*') || t.endsWith('/') || parseCidr(t)) return undefined;
  const slash = t.indexOf('/');
  const [ns, name] = slash >= 0 ? [t.slice(0, slash), t.slice(slash + 1)] : ['', ''];
  const out = inv.workloads.filter((w) => w.id === t || (w.namespace === ns && w.name === name)).map((w) => w.id);
  const pod = inv.pods.find((p) => p.id === t);
  if (pod) out.push(pod.workload);
  return out.length > 0 ? out : undefined;
}

/** The inventory with only these workloads and their pods (everything else kept). */
export function inventoryOf(inv: Inventory, workloads: ReadonlySet<string>): Inventory {
  return { ...inv, workloads: inv.workloads.filter((w) => workloads.has(w.id)), pods: inv.pods.filter((p) => workloads.has(p.workload)) };
}

/** explain(analyze(inv), ...) for the specs it can cut the inventory for (see above); undefined for the others. */
export function explainPair(inv: Inventory, from: string, to: string, ports?: PortSet, opts: { readonly wholeCluster?: boolean } = {}): Explanation | undefined {
  const a = workloadsNamed(inv, from);
  const b = workloadsNamed(inv, to);
  if (!a || !b) return undefined;
  const cut = inventoryOf(inv, new Set([...a, ...b]));
  try {
    return explain(analyze(cut), from, to, ports, { ...opts, inputHas: inventoryHas(inv) });
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
}
