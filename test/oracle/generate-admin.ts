/**
 * Random clusters with the admin and baseline tiers: the clusters of generate.ts plus Node objects,
 * AdminNetworkPolicies, at most one BaselineAdminNetworkPolicy and ClusterNetworkPolicies of both tiers,
 * rendered as the YAML a user would feed the tool. Every shape the API accepts is drawn: subjects of both
 * forms, peers of every type (networks near the pod IP pool, so they often cover pods; nodes by label),
 * ports as numbers, ranges and names, all three actions, and priorities from a tiny set so that ties
 * happen. Only valid objects are generated (the CRD rules hold), so every one of them is in the inventory.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatIp, type Family } from '../../src/model/address.js';
import type { Protocol } from '../../src/model/port-set.js';
import {
  NODE_NAMES, PORT_NAMES, PORT_WINDOW, POOL, SMALL, clusterArbOf, clusterYaml, dropUndefined, nsSelectorArb, podSelectorArb, portArb, selectorArb, selectorYaml,
  type ClusterSize, type GenCluster, type GenSelector, type Labels,
} from './generate.js';

export type GenAdminKind = 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
export type GenAction = 'accept' | 'deny' | 'pass';

export type GenAdminSubject = { readonly namespaces: GenSelector } | { readonly pods: { readonly namespaceSelector: GenSelector; readonly podSelector: GenSelector } };

export type GenAdminPeer =
  | { readonly namespaces: GenSelector }
  | { readonly pods: { readonly namespaceSelector: GenSelector; readonly podSelector: GenSelector } }
  | { readonly nodes: GenSelector }
  | { readonly networks: readonly string[] }
  | { readonly domainNames: readonly string[] };

/** A port entry: one number (start = end), a range (start < end), or a container port's name. */
export type GenAdminPort = { readonly protocol: Protocol; readonly start: number; readonly end: number } | { readonly named: string };

export interface GenAdminRule {
  readonly name?: string;
  readonly action: GenAction;
  readonly peers: readonly GenAdminPeer[];
  /** undefined: the field is absent (every port). */
  readonly ports?: readonly GenAdminPort[];
}

export interface GenAdminPolicy {
  readonly kind: GenAdminKind;
  readonly name: string;
  /** ClusterNetworkPolicy only. */
  readonly tier?: 'Admin' | 'Baseline';
  /** AdminNetworkPolicy and ClusterNetworkPolicy. */
  readonly priority?: number;
  readonly subject: GenAdminSubject;
  readonly ingress?: readonly GenAdminRule[];
  readonly egress?: readonly GenAdminRule[];
}

export interface GenNode {
  readonly name: string;
  readonly labels: Labels;
  readonly addresses: readonly string[];
}

export interface GenAdminCluster extends GenCluster {
  readonly nodes: readonly GenNode[];
  readonly adminPolicies: readonly GenAdminPolicy[];
}

/** A generated cluster with its YAML; prints as the YAML in fast-check counterexamples. */
export interface AdminClusterCase {
  readonly cluster: GenAdminCluster;
  readonly yaml: string;
}

/** Priorities are drawn from these, so two policies of a tier often share one (the API's undefined case). */
const PRIORITIES = [0, 1, 5, 5, 1000] as const;
const NODE_LABEL_VALUES = ['a', 'b'] as const;
const DOMAIN_NAMES = ['example.com', '*.example.org'] as const;

const nodeSelectorArb = selectorArb(['role'], [...NODE_LABEL_VALUES, 'c']);

/** Node addresses are in the pod IP pool too: a host-network pod's IP is its node's. */
const nodesArb: fc.Arbitrary<GenNode[]> = fc
  .subarray([...NODE_NAMES])
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc
          .record({
            role: fc.option(fc.constantFrom(...NODE_LABEL_VALUES), { nil: undefined }),
            addresses: fc.uniqueArray(fc.integer({ min: 0, max: 15 }).map((o) => formatIp(4, POOL[4] + BigInt(o))), { maxLength: 2 }),
          })
          .map(({ role, addresses }): GenNode => ({ name, labels: role ? { role } : {}, addresses })),
      ),
    ),
  );

/** Masked CIDRs near the pod pool (often containing pod IPs), and now and then a whole family. */
const networkArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('0.0.0.0/0', '::/0'), weight: 1 },
  {
    arbitrary: fc.tuple(fc.constantFrom<Family>(4, 4, 4, 6), fc.integer({ min: 0, max: 15 }), fc.constantFrom(28, 30, 31, 32)).map(([f, off, p4]) => {
      const prefix = f === 4 ? p4 : p4 + 96;
      const bits = BigInt((f === 4 ? 32 : 128) - prefix);
      const lo = ((POOL[f] + BigInt(off)) >> bits) << bits;
      return `${formatIp(f, lo)}/${prefix}`;
    }),
    weight: 4,
  },
);

const namespacedPodArb = fc.record({ namespaceSelector: fc.oneof(fc.constant({}), nsSelectorArb), podSelector: fc.oneof(fc.constant({}), podSelectorArb) });

const subjectArb: fc.Arbitrary<GenAdminSubject> = fc.oneof(
  fc.record({ namespaces: fc.oneof(fc.constant({}), nsSelectorArb) }),
  fc.record({ pods: namespacedPodArb }),
);

const podPeerArb: fc.Arbitrary<GenAdminPeer> = fc.oneof(fc.record({ namespaces: fc.oneof(fc.constant({}), nsSelectorArb) }), fc.record({ pods: namespacedPodArb }));

function egressPeerArb(domainNames: boolean): fc.Arbitrary<GenAdminPeer> {
  return fc.oneof(
    { arbitrary: podPeerArb, weight: 4 },
    { arbitrary: fc.record({ nodes: fc.oneof(fc.constant({}), nodeSelectorArb) }), weight: 2 },
    { arbitrary: fc.uniqueArray(networkArb, { minLength: 1, maxLength: 3 }).map((networks) => ({ networks })), weight: 3 },
    ...(domainNames ? [{ arbitrary: fc.subarray([...DOMAIN_NAMES], { minLength: 1 }).map((domainNames) => ({ domainNames })), weight: 1 }] : []),
  );
}

const protocolArb = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');

const portEntryArb: fc.Arbitrary<GenAdminPort> = fc.oneof(
  { arbitrary: fc.record({ protocol: protocolArb, start: portArb }).map(({ protocol, start }) => ({ protocol, start, end: start })), weight: 3 },
  {
    arbitrary: fc.record({ protocol: protocolArb, start: fc.integer({ min: 1, max: PORT_WINDOW - 1 }), len: fc.integer({ min: 1, max: 5 }) }).map(({ protocol, start, len }) => ({ protocol, start, end: Math.min(PORT_WINDOW, start + len) })),
    weight: 2,
  },
  { arbitrary: fc.constantFrom<string>(...PORT_NAMES, 'nope').map((named) => ({ named })), weight: 2 },
);

function ruleArb(dir: 'ingress' | 'egress', kind: GenAdminKind, actions: readonly GenAction[]): fc.Arbitrary<GenAdminRule> {
  const domainNames = dir === 'egress' && kind !== 'BaselineAdminNetworkPolicy';
  return fc
    .record({
      name: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
      action: fc.constantFrom(...actions),
      peers: fc.array(dir === 'ingress' ? podPeerArb : egressPeerArb(domainNames), { minLength: 1, maxLength: 3 }),
      ports: fc.option(fc.array(portEntryArb, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    })
    .map((r) => {
      // The CRD's CEL rules: domainNames only in Allow/Accept rules; no named port beside networks, nodes or domainNames.
      let peers = r.action === 'accept' ? r.peers : r.peers.filter((p) => !('domainNames' in p));
      if (peers.length === 0) peers = [{ namespaces: {} }];
      const addressed = peers.some((p) => 'networks' in p || 'nodes' in p || 'domainNames' in p);
      const ports = addressed ? r.ports?.filter((p) => !('named' in p)) : r.ports;
      return dropUndefined({ name: r.name, action: r.action, peers, ports: ports && ports.length > 0 ? ports : undefined });
    });
}

function policyArb(kind: GenAdminKind, name: string, tier?: 'Admin' | 'Baseline'): fc.Arbitrary<GenAdminPolicy> {
  const actions: readonly GenAction[] = kind === 'BaselineAdminNetworkPolicy' ? ['accept', 'deny'] : ['accept', 'deny', 'pass'];
  const rules = (dir: 'ingress' | 'egress') => fc.option(fc.array(ruleArb(dir, kind, actions), { maxLength: 3 }), { nil: undefined, freq: 3 });
  return fc
    .record({
      priority: fc.constantFrom(...PRIORITIES),
      subject: subjectArb,
      ingress: rules('ingress'),
      egress: rules('egress'),
    })
    .map((p) => dropUndefined({ kind, name, ...(tier ? { tier } : {}), ...(kind === 'BaselineAdminNetworkPolicy' ? {} : { priority: p.priority }), subject: p.subject, ingress: p.ingress, egress: p.egress }));
}

/** Up to three ANPs, an optional BANP, up to two CNPs of either tier. */
const adminPoliciesArb: fc.Arbitrary<GenAdminPolicy[]> = fc
  .record({
    anps: fc.integer({ min: 0, max: 3 }),
    banp: fc.boolean(),
    cnpTiers: fc.array(fc.constantFrom<'Admin' | 'Baseline'>('Admin', 'Baseline'), { maxLength: 2 }),
  })
  .chain(({ anps, banp, cnpTiers }) =>
    fc.tuple(
      ...Array.from({ length: anps }, (_, i) => policyArb('AdminNetworkPolicy', `anp${i}`)),
      ...(banp ? [policyArb('BaselineAdminNetworkPolicy', 'default')] : []),
      ...cnpTiers.map((t, i) => policyArb('ClusterNetworkPolicy', `cnp${i}`, t)),
    ),
  );

/** Random clusters of a size with nodes and admin-tier policies. */
export function adminClusterArbOf(size: ClusterSize): fc.Arbitrary<GenAdminCluster> {
  return fc.record({ base: clusterArbOf(size), nodes: nodesArb, adminPolicies: adminPoliciesArb }).map(({ base, nodes, adminPolicies }) => ({ ...base, nodes, adminPolicies }));
}

const V1ALPHA1_ACTION: Record<GenAction, string> = { accept: 'Allow', deny: 'Deny', pass: 'Pass' };
const V1ALPHA2_ACTION: Record<GenAction, string> = { accept: 'Accept', deny: 'Deny', pass: 'Pass' };

function peerYaml(p: GenAdminPeer): Record<string, unknown> {
  if ('namespaces' in p) return { namespaces: selectorYaml(p.namespaces) };
  if ('pods' in p) return { pods: { namespaceSelector: selectorYaml(p.pods.namespaceSelector), podSelector: selectorYaml(p.pods.podSelector) } };
  if ('nodes' in p) return { nodes: selectorYaml(p.nodes) };
  if ('networks' in p) return { networks: [...p.networks] };
  return { domainNames: [...p.domainNames] };
}

function portYaml(p: GenAdminPort, v1alpha2: boolean): Record<string, unknown> {
  if ('named' in p) return v1alpha2 ? { destinationNamedPort: p.named } : { namedPort: p.named };
  if (v1alpha2) return { [p.protocol.toLowerCase()]: { destinationPort: p.start === p.end ? { number: p.start } : { range: { start: p.start, end: p.end } } } };
  return p.start === p.end ? { portNumber: { protocol: p.protocol, port: p.start } } : { portRange: { protocol: p.protocol, start: p.start, end: p.end } };
}

function ruleYaml(r: GenAdminRule, peerKey: 'from' | 'to', v1alpha2: boolean): Record<string, unknown> {
  return dropUndefined({
    name: r.name,
    action: (v1alpha2 ? V1ALPHA2_ACTION : V1ALPHA1_ACTION)[r.action],
    [peerKey]: r.peers.map(peerYaml),
    [v1alpha2 ? 'protocols' : 'ports']: r.ports?.map((p) => portYaml(p, v1alpha2)),
  });
}

/** One admin-tier object as the API reads it. */
export function adminPolicyDoc(p: GenAdminPolicy): Record<string, unknown> {
  const v1alpha2 = p.kind === 'ClusterNetworkPolicy';
  const subject = 'namespaces' in p.subject ? { namespaces: selectorYaml(p.subject.namespaces) } : { pods: { namespaceSelector: selectorYaml(p.subject.pods.namespaceSelector), podSelector: selectorYaml(p.subject.pods.podSelector) } };
  return {
    apiVersion: `policy.networking.k8s.io/${v1alpha2 ? 'v1alpha2' : 'v1alpha1'}`,
    kind: p.kind,
    metadata: { name: p.name },
    spec: dropUndefined({
      tier: p.tier,
      priority: p.priority,
      subject,
      ingress: p.ingress?.map((r) => ruleYaml(r, 'from', v1alpha2)),
      egress: p.egress?.map((r) => ruleYaml(r, 'to', v1alpha2)),
    }),
  };
}

/** The cluster as multi-document YAML: generate.ts's documents, then Nodes and the admin-tier policies. */
export function adminClusterYaml(c: GenAdminCluster): string {
  const docs: unknown[] = [
    ...c.nodes.map((n) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: dropUndefined({ name: n.name, labels: Object.keys(n.labels).length ? n.labels : undefined }),
      ...(n.addresses.length ? { status: { addresses: n.addresses.map((address) => ({ type: 'InternalIP', address })) } } : {}),
    })),
    ...c.adminPolicies.map(adminPolicyDoc),
  ];
  const base = clusterYaml(c);
  return [base, ...docs.map((d) => stringify(d, { version: '1.1' }))].filter((t) => t !== '').join('---\n');
}

/** Clusters of a size with their YAML; a counterexample prints as the YAML itself. */
export function adminClusterCaseArbOf(size: ClusterSize): fc.Arbitrary<AdminClusterCase> {
  return adminClusterArbOf(size).map((cluster) => {
    const yaml = adminClusterYaml(cluster);
    const c: AdminClusterCase = { cluster, yaml };
    Object.defineProperty(c, fc.toStringMethod, { value: () => `\n${yaml}`, enumerable: false });
    return c;
  });
}

/** Small clusters with nodes and admin-tier policies. */
export const adminClusterCaseArb: fc.Arbitrary<AdminClusterCase> = adminClusterCaseArbOf(SMALL);
