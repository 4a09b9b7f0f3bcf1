/**
 * Random clusters for property tests: a structured description (so tests can state what the loader's
 * defaulting must produce) rendered as the YAML text a user would feed the tool. Vocabularies are tiny
 * so that selectors, named ports and ipBlocks match often, and port numbers stay in a small window so
 * that checking every port of the window is exhaustive.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatIp, parseIp, type Family } from '../../src/model/address.js';
import type { Protocol } from '../../src/model/port-set.js';

/** Every port number a generated rule or container port can mention lies in 1..PORT_WINDOW. */
export const PORT_WINDOW = 12;
/** Ports checked one by one: the window, one past it, and far ports that only "all ports" entries reach. */
export const CHECKED_PORTS: readonly number[] = [...Array.from({ length: PORT_WINDOW + 1 }, (_, i) => i + 1), 100, 65535];
export const CHECKED_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export const NAMESPACE_NAMES = ['ns1', 'ns2', 'ns3'] as const;
const POD_LABEL_KEYS = ['app', 'tier'] as const;
const POD_LABEL_VALUES = ['a', 'b'] as const;
const SELECTOR_VALUES = ['a', 'b', 'c'] as const;
const NS_ENV_VALUES = ['dev', 'prod'] as const;
/** Container port names; policies may also name `nope`, which no pod declares. */
export const PORT_NAMES = ['http', 'dns', 'metrics'] as const;
/** Pod owners; `ds-` ones are DaemonSets (a DaemonSet pod without nodeName stands for one on every node). */
const OWNERS = ['rs-a', 'rs-b', 'ds-a'] as const;
/** Node names pods may be scheduled on (spec.nodeName); often absent, as in manifests. */
export const NODE_NAMES = ['node-a', 'node-b'] as const;

export type Labels = Record<string, string>;

export interface GenRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** A label selector as written; both fields optional (absent = no requirement). */
export interface GenSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly GenRequirement[];
}

export interface GenNamespace {
  readonly name: string;
  /** Undeclared namespaces exist only because a pod or policy names them. */
  readonly declared: boolean;
  readonly labels: Labels;
}

export interface GenContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  /** Absent: TCP by default. */
  readonly protocol?: Protocol;
}

export interface GenPod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly GenContainerPort[];
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  /** spec.nodeName. */
  readonly nodeName?: string;
  /** A ReplicaSet (or, `ds-...`, DaemonSet) named in ownerReferences (not itself in the input): pods sharing it form one workload. */
  readonly owner?: string;
}

export type GenPeer =
  | { readonly podSelector?: GenSelector; readonly namespaceSelector?: GenSelector }
  | { readonly ipBlock: { readonly cidr: string; readonly except?: readonly string[] } };

export interface GenPort {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A rule as written: `peers` is `from` or `to`; undefined = the field is absent, [] = written empty. */
export interface GenRule {
  readonly peers?: readonly GenPeer[];
  readonly ports?: readonly GenPort[];
}

export interface GenPolicy {
  readonly name: string;
  readonly namespace: string;
  /** undefined: the field is absent. */
  readonly podSelector?: GenSelector;
  readonly policyTypes?: ReadonlyArray<'Ingress' | 'Egress'>;
  readonly ingress?: readonly GenRule[];
  readonly egress?: readonly GenRule[];
}

/** A Deployment: the loader makes `replicas` identical synthetic pods (no IPs) from its template. */
export interface GenDeployment {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly GenContainerPort[];
  readonly replicas: number;
  /** Written as a DaemonSet (one synthetic pod, standing for one per node) instead. */
  readonly daemonSet?: boolean;
  readonly hostNetwork?: boolean;
}

export interface GenCluster {
  readonly namespaces: readonly GenNamespace[];
  readonly pods: readonly GenPod[];
  readonly deployments: readonly GenDeployment[];
  readonly policies: readonly GenPolicy[];
}

/** A generated cluster with its YAML text; prints as the YAML in fast-check counterexamples. */
export interface ClusterCase {
  readonly cluster: GenCluster;
  readonly yaml: string;
}

const protocolArb: fc.Arbitrary<Protocol> = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');
const optProtocolArb: fc.Arbitrary<Protocol | undefined> = fc.option(protocolArb, { nil: undefined, freq: 2 });
export const portArb = fc.integer({ min: 1, max: PORT_WINDOW });

function labelsArb(keys: readonly string[], values: readonly string[]): fc.Arbitrary<Labels> {
  return fc
    .tuple(...keys.map(() => fc.option(fc.constantFrom(...values), { nil: undefined })))
    .map((vs) => Object.fromEntries(keys.flatMap((k, i) => (vs[i] === undefined ? [] : [[k, vs[i]!]]))));
}

function requirementArb(keys: readonly string[], values: readonly string[]): fc.Arbitrary<GenRequirement> {
  return fc.oneof(
    fc.record({
      key: fc.constantFrom(...keys),
      operator: fc.constantFrom<'In' | 'NotIn'>('In', 'NotIn'),
      values: fc.subarray([...values], { minLength: 1 }),
    }),
    fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom<'Exists' | 'DoesNotExist'>('Exists', 'DoesNotExist') }),
  );
}

export function selectorArb(keys: readonly string[], values: readonly string[]): fc.Arbitrary<GenSelector> {
  return fc.record(
    {
      matchLabels: fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 2 }),
      matchExpressions: fc.array(requirementArb(keys, values), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
}

export const podSelectorArb = selectorArb(POD_LABEL_KEYS, SELECTOR_VALUES);
export const nsSelectorArb: fc.Arbitrary<GenSelector> = fc.oneof(
  selectorArb(['env'], NS_ENV_VALUES),
  selectorArb(['kubernetes.io/metadata.name'], NAMESPACE_NAMES),
);

/** Addresses near the pod IP pool (10.0.0.0-15 and fd00::0-f) so ipBlocks often contain pods. */
export const POOL: Record<Family, bigint> = { 4: parseIp('10.0.0.0')!.value, 6: parseIp('fd00::')!.value };
const FAMILY_BITS: Record<Family, number> = { 4: 32, 6: 128 };
const PREFIXES: Record<Family, readonly number[]> = { 4: [0, 8, 24, 28, 29, 30, 31, 32], 6: [0, 64, 120, 124, 126, 128] };

function blockOf(f: Family, addr: bigint, prefix: number): { lo: bigint; hi: bigint } {
  const host = (1n << BigInt(FAMILY_BITS[f] - prefix)) - 1n;
  return { lo: addr & ~host, hi: (addr & ~host) | host };
}

const ipBlockArb: fc.Arbitrary<GenPeer> = fc
  .tuple(
    fc.constantFrom<Family>(4, 4, 4, 6),
    fc.integer({ min: 0, max: 15 }),
    fc.nat({ max: 7 }),
    fc.boolean(),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.nat({ max: 7 })), { maxLength: 2 }),
  )
  .map(([f, off, pi, sloppy, excepts]) => {
    const prefixes = PREFIXES[f];
    const prefix = prefixes[pi % prefixes.length]!;
    const addr = POOL[f] + BigInt(off);
    const b = blockOf(f, addr, prefix);
    // Host bits set are accepted by the API (ParseCIDRSloppy): sometimes write the unmasked address.
    const cidr = `${formatIp(f, sloppy ? addr : b.lo)}/${prefix}`;
    const except: string[] = [];
    for (const [eoff, epi] of excepts) {
      const longer = prefixes.filter((p) => p > prefix);
      if (longer.length === 0) continue;
      const ep = longer[epi % longer.length]!;
      let ea = POOL[f] + BigInt(eoff);
      if (ea < b.lo || ea > b.hi) ea = b.lo + (BigInt(eoff) % (b.hi - b.lo + 1n));
      except.push(`${formatIp(f, blockOf(f, ea, ep).lo)}/${ep}`);
    }
    return { ipBlock: except.length ? { cidr, except } : { cidr } };
  });

const selectorPeerArb: fc.Arbitrary<GenPeer> = fc.oneof(
  fc.record({ podSelector: podSelectorArb }),
  fc.record({ namespaceSelector: nsSelectorArb }),
  fc.record({ podSelector: podSelectorArb, namespaceSelector: nsSelectorArb }),
);

const peerArb: fc.Arbitrary<GenPeer> = fc.oneof({ arbitrary: selectorPeerArb, weight: 3 }, { arbitrary: ipBlockArb, weight: 2 });

const portEntryArb: fc.Arbitrary<GenPort> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: fc.record({ protocol: protocolArb }), weight: 1 },
  { arbitrary: fc.record({ protocol: optProtocolArb, port: portArb }).map(dropUndefined), weight: 3 },
  {
    arbitrary: fc
      .record({ protocol: optProtocolArb, port: portArb, len: fc.integer({ min: 0, max: 5 }) })
      .map(({ protocol, port, len }) => dropUndefined({ protocol, port, endPort: Math.min(PORT_WINDOW, port + len) })),
    weight: 2,
  },
  { arbitrary: fc.record({ protocol: optProtocolArb, port: fc.constantFrom<string>(...PORT_NAMES, 'nope') }).map(dropUndefined), weight: 3 },
);

export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** undefined (absent), [] (written empty) or a short list. */
function fieldListArb<T>(item: fc.Arbitrary<T>, max: number): fc.Arbitrary<readonly T[] | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.constant([] as T[]), weight: 1 },
    { arbitrary: fc.array(item, { minLength: 1, maxLength: max }), weight: 5 },
  );
}

const ruleArb: fc.Arbitrary<GenRule> = fc.record({ peers: fieldListArb(peerArb, 3), ports: fieldListArb(portEntryArb, 3) }).map(dropUndefined);

/** Rules naming many ipBlocks (nested, overlapping, with excepts) and the odd selector: the address sweep's worst shapes. */
const ipBlockRuleArb: fc.Arbitrary<GenRule> = fc
  .record({ peers: fieldListArb(fc.oneof({ arbitrary: selectorPeerArb, weight: 1 }, { arbitrary: ipBlockArb, weight: 6 }), 12), ports: fieldListArb(portEntryArb, 3) })
  .map(dropUndefined);

const containerPortsArb: fc.Arbitrary<GenContainerPort[]> = fc
  .tuple(
    ...PORT_NAMES.map((name) => fc.option(fc.record({ containerPort: portArb, protocol: optProtocolArb }).map((p): GenContainerPort => dropUndefined({ name, ...p })), { nil: undefined })),
    fc.option(fc.record({ containerPort: portArb, protocol: optProtocolArb }).map((p): GenContainerPort => dropUndefined(p)), { nil: undefined, freq: 4 }),
  )
  .map((ps) => ps.filter((p): p is GenContainerPort => p !== undefined));

const podIpsArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.constant<string[]>([]), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 15 }).map((o) => [formatIp(4, POOL[4] + BigInt(o))]), weight: 4 },
  {
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })).map(([a, b]) => [formatIp(4, POOL[4] + BigInt(a)), formatIp(6, POOL[6] + BigInt(b))]),
    weight: 1,
  },
);

function podArb(namespaces: readonly string[]): fc.Arbitrary<Omit<GenPod, 'name'>> {
  return fc
    .record({
      namespace: fc.constantFrom(...namespaces),
      labels: labelsArb(POD_LABEL_KEYS, POD_LABEL_VALUES),
      ports: containerPortsArb,
      ips: podIpsArb,
      hostNetwork: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))).chain((b) => (b ? fc.boolean() : fc.constant(false))),
      owner: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }),
      nodeName: fc.option(fc.constantFrom(...NODE_NAMES), { nil: undefined, freq: 2 }),
    })
    .map(dropUndefined);
}

function policyArb(namespaces: readonly string[], rule: fc.Arbitrary<GenRule> = ruleArb): fc.Arbitrary<Omit<GenPolicy, 'name'>> {
  return fc
    .record({
      namespace: fc.constantFrom(...namespaces),
      podSelector: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 1 },
        { arbitrary: fc.constant({}), weight: 2 },
        { arbitrary: podSelectorArb, weight: 4 },
      ),
      policyTypes: fc.constantFrom<ReadonlyArray<'Ingress' | 'Egress'> | undefined>(undefined, undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: fieldListArb(rule, 2),
      egress: fieldListArb(rule, 2),
    })
    .map(dropUndefined);
}

function deploymentArb(namespaces: readonly string[]): fc.Arbitrary<Omit<GenDeployment, 'name'>> {
  return fc.record({
    namespace: fc.constantFrom(...namespaces),
    labels: labelsArb(POD_LABEL_KEYS, POD_LABEL_VALUES),
    ports: containerPortsArb,
    replicas: fc.integer({ min: 1, max: 2 }),
    daemonSet: fc.boolean(),
    hostNetwork: fc.boolean(),
  });
}

/** How big generated clusters are. */
export interface ClusterSize {
  readonly minPods: number;
  readonly maxPods: number;
  readonly maxPolicies: number;
  /** Rules with up to 12 peers, mostly ipBlocks. */
  readonly ipBlockHeavy?: boolean;
}

/** The default size: small enough to check every pair, port by port, thousands of times. */
export const SMALL: ClusterSize = { minPods: 1, maxPods: 6, maxPolicies: 5 };

/** Random clusters: 1-3 namespaces, pods (plus sometimes a Deployment's pods) and policies within `size`. */
export function clusterArbOf(size: ClusterSize): fc.Arbitrary<GenCluster> {
  return fc
    .subarray([...NAMESPACE_NAMES], { minLength: 1 })
    .chain((nsNames) =>
      fc.record({
        namespaces: fc.tuple(...nsNames.map((name) => fc.record({ declared: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }), labels: labelsArb(['env'], NS_ENV_VALUES) }).map((n) => ({ name, ...n })))),
        pods: fc.array(podArb(nsNames), { minLength: size.minPods, maxLength: size.maxPods }).map((ps) => ps.map((p, i) => ({ name: `p${i}`, ...p }))),
        deployments: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: deploymentArb(nsNames).map((d) => [{ name: 'd0', ...d }]), weight: 1 }),
        policies: fc.array(policyArb(nsNames, size.ipBlockHeavy ? ipBlockRuleArb : ruleArb), { maxLength: size.maxPolicies }).map((ps) => ps.map((p, i) => ({ name: `np${i}`, ...p }))),
      }),
    );
}

/** Random small clusters (see SMALL). */
export const clusterArb: fc.Arbitrary<GenCluster> = clusterArbOf(SMALL);

export function selectorYaml(s: GenSelector): Record<string, unknown> {
  return dropUndefined({ matchLabels: s.matchLabels, matchExpressions: s.matchExpressions });
}

function ruleYaml(r: GenRule, peerKey: 'from' | 'to'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.peers !== undefined) {
    out[peerKey] = r.peers.map((p) =>
      'ipBlock' in p ? { ipBlock: p.ipBlock } : dropUndefined({ podSelector: p.podSelector && selectorYaml(p.podSelector), namespaceSelector: p.namespaceSelector && selectorYaml(p.namespaceSelector) }),
    );
  }
  if (r.ports !== undefined) out['ports'] = r.ports;
  return out;
}

/** The cluster as multi-document YAML: Namespaces, Pods (with status IPs), NetworkPolicies. */
export function clusterYaml(c: GenCluster): string {
  const docs: unknown[] = [];
  for (const ns of c.namespaces) {
    if (!ns.declared) continue;
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: dropUndefined({ name: ns.name, labels: Object.keys(ns.labels).length ? ns.labels : undefined }) });
  }
  for (const p of c.pods) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: dropUndefined({
        name: p.name,
        namespace: p.namespace,
        labels: Object.keys(p.labels).length ? p.labels : undefined,
        ownerReferences: p.owner ? [{ apiVersion: 'apps/v1', kind: p.owner.startsWith('ds-') ? 'DaemonSet' : 'ReplicaSet', name: p.owner, controller: true }] : undefined,
      }),
      spec: dropUndefined({
        hostNetwork: p.hostNetwork || undefined,
        nodeName: p.nodeName,
        containers: [dropUndefined({ name: 'c', image: 'img', ports: p.ports.length ? p.ports : undefined })],
      }),
      ...(p.ips.length ? { status: { podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) } } : {}),
    });
  }
  for (const d of c.deployments) {
    const podLabels = { ...d.labels, deploy: d.name };
    docs.push({
      apiVersion: 'apps/v1',
      kind: d.daemonSet ? 'DaemonSet' : 'Deployment',
      metadata: { name: d.name, namespace: d.namespace },
      spec: dropUndefined({
        replicas: d.daemonSet ? undefined : d.replicas,
        selector: { matchLabels: { deploy: d.name } },
        template: {
          metadata: { labels: podLabels },
          spec: dropUndefined({ hostNetwork: d.hostNetwork || undefined, containers: [dropUndefined({ name: 'c', image: 'img', ports: d.ports.length ? d.ports : undefined })] }),
        },
      }),
    });
  }
  for (const np of c.policies) {
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: np.name, namespace: np.namespace },
      spec: dropUndefined({
        podSelector: np.podSelector && selectorYaml(np.podSelector),
        policyTypes: np.policyTypes,
        ingress: np.ingress?.map((r) => ruleYaml(r, 'from')),
        egress: np.egress?.map((r) => ruleYaml(r, 'to')),
      }),
    });
  }
  // YAML 1.1 quoting: kubectl and Bulkhead read YAML 1.1 (namespace y must not become true).
  return docs.map((d) => stringify(d, { version: '1.1' })).join('---\n');
}

/** Clusters of a size with their YAML; a counterexample prints as the YAML itself. */
export function clusterCaseArbOf(size: ClusterSize): fc.Arbitrary<ClusterCase> {
  return clusterArbOf(size).map((cluster) => {
    const yaml = clusterYaml(cluster);
    const c: ClusterCase = { cluster, yaml };
    Object.defineProperty(c, fc.toStringMethod, { value: () => `\n${yaml}`, enumerable: false });
    return c;
  });
}

/** Small clusters with their YAML. */
export const clusterCaseArb: fc.Arbitrary<ClusterCase> = clusterCaseArbOf(SMALL);

/** A policy after API defaulting, in a plain shape a test can compare with the loaded inventory. */
export interface DefaultedPolicy {
  readonly id: string;
  readonly isolates: { ingress: boolean; egress: boolean };
  readonly podSelector: NormalSelector;
  readonly ingress: readonly DefaultedRule[];
  readonly egress: readonly DefaultedRule[];
}
export interface NormalSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: ReadonlyArray<{ key: string; operator: string; values: readonly string[] }>;
}
export type DefaultedPeer =
  | { readonly type: 'pods'; readonly namespaceSelector: NormalSelector | null; readonly podSelector: NormalSelector | null }
  | { readonly type: 'ipBlock'; readonly cidrText: string; readonly exceptText: readonly string[] };
export interface DefaultedRule {
  readonly peers: readonly DefaultedPeer[] | null;
  readonly ports: ReadonlyArray<{ protocol: Protocol; port?: number | string; endPort?: number }> | null;
}

function normalSelector(s: GenSelector | undefined): NormalSelector {
  return {
    matchLabels: { ...(s?.matchLabels ?? {}) },
    matchExpressions: (s?.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: [...(e.values ?? [])] })),
  };
}

/**
 * What the API server stores for a generated policy (defaults.go SetDefaults_NetworkPolicy / _NetworkPolicyPort):
 * policyTypes absent = Ingress, plus Egress only when egress rules exist; protocol absent = TCP; absent or
 * empty from/to/ports = no restriction. Rules of a direction the policy does not isolate are dropped (ignored).
 */
export function defaultedPolicy(p: GenPolicy): DefaultedPolicy {
  const isolates =
    p.policyTypes && p.policyTypes.length > 0
      ? { ingress: p.policyTypes.includes('Ingress'), egress: p.policyTypes.includes('Egress') }
      : { ingress: true, egress: (p.egress?.length ?? 0) > 0 };
  const rules = (rs: readonly GenRule[] | undefined): DefaultedRule[] =>
    (rs ?? []).map((r) => ({
      peers:
        r.peers === undefined || r.peers.length === 0
          ? null
          : r.peers.map((peer): DefaultedPeer =>
              'ipBlock' in peer
                ? { type: 'ipBlock', cidrText: peer.ipBlock.cidr, exceptText: [...(peer.ipBlock.except ?? [])] }
                : {
                    type: 'pods',
                    namespaceSelector: peer.namespaceSelector === undefined ? null : normalSelector(peer.namespaceSelector),
                    podSelector: peer.podSelector === undefined ? null : normalSelector(peer.podSelector),
                  },
            ),
      ports:
        r.ports === undefined || r.ports.length === 0
          ? null
          : r.ports.map((e) => ({ protocol: e.protocol ?? 'TCP', ...(e.port !== undefined ? { port: e.port } : {}), ...(e.endPort !== undefined ? { endPort: e.endPort } : {}) })),
    }));
  return {
    id: `${p.namespace}/${p.name}`,
    isolates,
    podSelector: normalSelector(p.podSelector),
    ingress: isolates.ingress ? rules(p.ingress) : [],
    egress: isolates.egress ? rules(p.egress) : [],
  };
}
