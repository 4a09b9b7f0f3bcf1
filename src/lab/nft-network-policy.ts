/**
 * The NetworkPolicy tier of the lab: networking.k8s.io/v1 NetworkPolicies compiled to nftables, read
 * literally from the policy objects. A pod selected by a policy of a direction is isolated there: its
 * chain accepts what some rule admits and denies the rest; a pod no policy selects passes.
 *  - podSelector/namespaceSelector peers are the addresses of the lab's pods they select (hostNetwork
 *    pods are selected by none);
 *  - ipBlock peers are the CIDR minus its excepts, and minus the addresses the lab picked for pods the
 *    input gave none (no policy can have named those);
 *  - ports: a number (with endPort, a range), a whole protocol, or a named port resolved against the
 *    destination pod's container ports (ingress: this pod; egress: each destination pod).
 */
import type { Direction, IpBlockPeer, NetworkPolicy, Peer, Pod, PolicyRule, PortRule } from '../inventory/types.js';
import { matchesSelector } from '../inventory/selector.js';
import { formatIp, parseIp, type Family, type IpRange } from '../model/address.js';
import type { LabHost, LabWorld, TierChain, TierCompiler } from './tier.js';

/** nft set elements for disjoint, merged ranges of one family (IPv4 unless told). */
export function nftSet(ranges: readonly IpRange[], family: Family = 4): string {
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const merged: { lo: bigint; hi: bigint }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi + 1n) last.hi = r.hi > last.hi ? r.hi : last.hi;
    else merged.push({ lo: r.lo, hi: r.hi });
  }
  return `{ ${merged.map((r) => (r.lo === r.hi ? formatIp(family, r.lo) : `${formatIp(family, r.lo)}-${formatIp(family, r.hi)}`)).join(', ')} }`;
}

function single(address: string): IpRange {
  const ip = parseIp(address)!;
  return { family: ip.family, lo: ip.value, hi: ip.value };
}

function proto(p: string): string {
  return p.toLowerCase();
}

/** A port entry as an nft match, or undefined when it admits nothing towards this destination. */
function portMatch(pr: PortRule, dst: Pod | undefined): string[] {
  const l4 = `meta l4proto ${proto(pr.protocol)}`;
  if (pr.port === undefined) return [l4];
  if (typeof pr.port === 'number') return [`${l4} th dport ${pr.endPort !== undefined && pr.endPort > pr.port ? `${pr.port}-${pr.endPort}` : pr.port}`];
  // A named port means the destination pod's container port of that name and protocol.
  const ports = (dst?.ports ?? []).filter((cp) => cp.name === pr.port && cp.protocol === pr.protocol).map((cp) => cp.port);
  return [...new Set(ports)].map((n) => `${l4} th dport ${n}`);
}

function hasNamed(r: PolicyRule): boolean {
  return (r.ports ?? []).some((p) => typeof p.port === 'string');
}

/** The port matches of a rule towards one destination ('' = any port of any protocol). */
function portMatches(r: PolicyRule, dst: Pod | undefined, namedOnly?: boolean): string[] {
  if (r.ports === null) return namedOnly ? [] : [''];
  return r.ports.filter((p) => (namedOnly === undefined ? true : namedOnly === (typeof p.port === 'string'))).flatMap((p) => portMatch(p, dst));
}

function cleanComment(s: string): string {
  return s.replace(/["\\]/g, '');
}

export class NetworkPolicyTier implements TierCompiler {
  readonly name = 'networkpolicy';

  /** Lab hosts that a pod peer of a policy selects. */
  private podPeerHosts(peer: Extract<Peer, { type: 'pods' }>, policy: NetworkPolicy, world: LabWorld, self: LabHost): LabHost[] {
    return world.hosts.filter((h) => {
      if (!h.pod || h.pod.hostNetwork || h === self) return false;
      const nsOk = peer.namespaceSelector === null ? h.pod.namespace === policy.namespace : matchesSelector(peer.namespaceSelector, world.namespaceLabels.get(h.pod.namespace) ?? {});
      return nsOk && (peer.podSelector === null || matchesSelector(peer.podSelector, h.pod.labels));
    });
  }

  /** Addresses an ipBlock cannot mean: its excepts, and addresses the lab made up. */
  private blockExclusions(b: IpBlockPeer, world: LabWorld): IpRange[] {
    return [...b.except.map((e) => e.range), ...world.hosts.filter((h) => h.assigned).map((h) => single(h.address))].filter(
      (x) => x.family === 4 && x.lo <= b.cidr.range.hi && b.cidr.range.lo <= x.hi,
    );
  }

  private inBlock(b: IpBlockPeer, h: LabHost): boolean {
    if (h.assigned) return false;
    const a = single(h.address);
    const c = b.cidr.range;
    return a.family === c.family && c.lo <= a.lo && a.hi <= c.hi && !b.except.some((e) => e.range.family === a.family && e.range.lo <= a.lo && a.hi <= e.range.hi);
  }

  compile(host: LabHost, direction: Direction, world: LabWorld): TierChain {
    const pod = host.pod;
    if (!pod || pod.hostNetwork) return { rules: [], end: 'pass' };
    const selecting = world.inventory.policies.filter((p) => p.isolates[direction] && p.namespace === pod.namespace && matchesSelector(p.podSelector, pod.labels));
    if (selecting.length === 0) return { rules: [], end: 'pass' };
    const rules: string[] = [];
    const addr = direction === 'ingress' ? 'ip saddr' : 'ip daddr';
    for (const policy of selecting) {
      for (const r of policy[direction]) {
        const comment = ` comment "${cleanComment(`${policy.id} ${direction} rule #${r.index + 1}`)}"`;
        const emit = (peerMatch: string, ports: string[]): void => {
          for (const pm of ports) rules.push(`${[peerMatch, pm].filter(Boolean).join(' ')} accept${comment}`);
        };
        if (direction === 'ingress') {
          // Named ports resolve against this pod, the destination.
          const ports = portMatches(r, pod);
          if (r.peers === null) emit('', ports);
          for (const peer of r.peers ?? []) {
            if (peer.type === 'pods') {
              const hs = this.podPeerHosts(peer, policy, world, host);
              if (hs.length) emit(`${addr} ${nftSet(hs.map((h) => single(h.address)))}`, ports);
            } else if (peer.cidr.range.family === 4) {
              const ex = this.blockExclusions(peer, world);
              emit(`${addr} ${nftSet([peer.cidr.range])}${ex.length ? ` ${addr} != ${nftSet(ex)}` : ''}`, ports);
            }
          }
          continue;
        }
        // Egress: fixed ports match the peer as written; named ports resolve per destination pod.
        const fixed = portMatches(r, undefined, false);
        const named = hasNamed(r);
        const perDestination = (hs: LabHost[]): void => {
          if (!named) return;
          for (const h of hs) if (h.pod) emit(`${addr} ${h.address}`, portMatches(r, h.pod, true));
        };
        if (r.peers === null) {
          emit('', fixed);
          perDestination(world.hosts.filter((h) => h !== host));
        }
        for (const peer of r.peers ?? []) {
          if (peer.type === 'pods') {
            const hs = this.podPeerHosts(peer, policy, world, host);
            if (hs.length) emit(`${addr} ${nftSet(hs.map((h) => single(h.address)))}`, fixed);
            perDestination(hs);
          } else if (peer.cidr.range.family === 4) {
            const ex = this.blockExclusions(peer, world);
            emit(`${addr} ${nftSet([peer.cidr.range])}${ex.length ? ` ${addr} != ${nftSet(ex)}` : ''}`, fixed);
            perDestination(world.hosts.filter((h) => h !== host && this.inBlock(peer, h)));
          }
        }
      }
    }
    return { rules, end: 'deny' };
  }
}
