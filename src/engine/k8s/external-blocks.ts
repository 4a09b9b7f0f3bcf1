/**
 * The address space outside the cluster, cut into the fewest contiguous ranges that behave alike:
 * two adjacent ranges merge when every pod class has the same connections to and from both.
 */
import { atomize, parseIp, type Family, type IpRange } from '../../model/address.js';
import type { PortSet } from '../../model/port-set.js';
import type { NetworkPolicyLayer, Target } from './network-policy-layer.js';

export interface ExternalBlock {
  readonly range: IpRange;
}

/** Families to model: IPv4 always; IPv6 when any policy or pod mentions an IPv6 address. */
export function modelledFamilies(layer: NetworkPolicyLayer): Family[] {
  const v6 =
    layer.allIpBlocks.some((b) => b.cidr.range.family === 6) || layer.inventory.pods.some((p) => p.ips.some((ip) => parseIp(ip)?.family === 6));
  return v6 ? [4, 6] : [4];
}

/** Computes the external blocks; `intern` maps a PortSet to a small id so behaviour vectors compare cheaply. */
export function externalBlocks(layer: NetworkPolicyLayer, intern: (p: PortSet) => number): ExternalBlock[] {
  const out: ExternalBlock[] = [];
  const ranges = layer.allIpBlocks.flatMap((b) => [b.cidr.range, ...b.except.map((e) => e.range)]);
  for (const family of modelledFamilies(layer)) {
    const atoms = atomize(family, ranges);
    // Atoms matched by the same rules behave alike: compute a behaviour vector once per rule signature.
    const ipRules = layer.rules.filter((r) => !r.allPeers && r.ipBlocks.length > 0);
    const behaviourBySig = new Map<string, string>();
    let prev: { range: IpRange; behaviour: string } | undefined;
    for (const atom of atoms) {
      const t: Target = { kind: 'address', range: atom };
      const sig = ipRules.filter((r) => layer.ruleMatches(r, t)).map((r) => r.id).join(',');
      let behaviour = behaviourBySig.get(sig);
      if (behaviour === undefined) {
        const v: number[] = [];
        for (const c of layer.classes) {
          v.push(intern(layer.allowed({ kind: 'class', index: c.index }, t)));
          v.push(intern(layer.allowed(t, { kind: 'class', index: c.index })));
        }
        behaviour = v.join(',');
        behaviourBySig.set(sig, behaviour);
      }
      if (prev && prev.behaviour === behaviour) {
        prev.range = { family, lo: prev.range.lo, hi: atom.hi };
      } else {
        if (prev) out.push({ range: prev.range });
        prev = { range: atom, behaviour };
      }
    }
    if (prev) out.push({ range: prev.range });
  }
  return out;
}
