/**
 * policy.networking.k8s.io: AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) and
 * ClusterNetworkPolicy (v1alpha2, v1beta1), validated as their CRDs do (OpenAPI schema and CEL rules of
 * kubernetes-sigs/network-policy-api), then read into one shape (AdminPolicy).
 */
import type { AdminAction, AdminPeer, AdminPolicy, AdminPort, AdminRule, AdminSubject, AdminTier, Diagnostic, Direction, LabelSelector } from '../../inventory/types.js';
import { EVERYTHING } from '../../inventory/selector.js';
import { parseCidr, type ParsedCidr } from '../../model/address.js';
import { parseProtocol, type Protocol } from '../../model/port-set.js';
import { type FieldReader, type Obj, describe, isObj } from './fields.js';
import {
  ADMIN_INGRESS_PEER, ADMIN_SUBJECT, ANP_EGRESS_PEER, ANP_EGRESS_RULE, ANP_INGRESS_RULE, ANP_PORT, ANP_PORT_NUMBER, ANP_PORT_RANGE,
  ANP_SPEC, BANP_EGRESS_PEER, BANP_SPEC, CNP_EGRESS_PEER, CNP_EGRESS_RULE, CNP_INGRESS_RULE, CNP_PORT, CNP_PORT_RANGE, CNP_PROTOCOL,
  CNP_PROTOCOL_PORT, CNP_SPEC, NAMESPACED_POD,
} from './known-fields.js';
import { parseSelector } from './parse-selector.js';
import { lex } from '../../util/compare.js';

export type AdminKind = AdminPolicy['kind'];

/** What differs between the three kinds (and the two ClusterNetworkPolicy versions). */
interface Flavour {
  readonly kind: AdminKind;
  readonly spec: ReadonlySet<string>;
  /** Written action -> action; others are rejected by the CRD's enum. */
  readonly actions: Readonly<Record<string, AdminAction>>;
  /** MaxItems of ingress/egress, of from/to, and of ports/protocols. */
  readonly maxRules: number;
  readonly maxPeers: number;
  readonly maxPorts: number;
  readonly ingressRule: ReadonlySet<string>;
  readonly egressRule: ReadonlySet<string>;
  readonly egressPeer: ReadonlySet<string>;
  /** `ports` (v1alpha1) or `protocols` (ClusterNetworkPolicy). */
  readonly portsKey: 'ports' | 'protocols';
  /** v1alpha1 NamespacedPod requires both selectors; ClusterNetworkPolicy defaults namespaceSelector to all. */
  readonly namespaceSelectorRequired: boolean;
  /** v1beta1 CIDRs must be masked (`cidr(self) == cidr(self).masked()`); earlier versions accept host bits. */
  readonly maskedCidrs: boolean;
}

const ANP: Flavour = {
  kind: 'AdminNetworkPolicy', spec: ANP_SPEC, actions: { Allow: 'accept', Deny: 'deny', Pass: 'pass' },
  maxRules: 100, maxPeers: 100, maxPorts: 100, ingressRule: ANP_INGRESS_RULE, egressRule: ANP_EGRESS_RULE, egressPeer: ANP_EGRESS_PEER,
  portsKey: 'ports', namespaceSelectorRequired: true, maskedCidrs: false,
};
const BANP: Flavour = { ...ANP, kind: 'BaselineAdminNetworkPolicy', spec: BANP_SPEC, actions: { Allow: 'accept', Deny: 'deny' }, egressPeer: BANP_EGRESS_PEER };
const CNP: Flavour = {
  kind: 'ClusterNetworkPolicy', spec: CNP_SPEC, actions: { Accept: 'accept', Deny: 'deny', Pass: 'pass' },
  maxRules: 25, maxPeers: 25, maxPorts: 25, ingressRule: CNP_INGRESS_RULE, egressRule: CNP_EGRESS_RULE, egressPeer: CNP_EGRESS_PEER,
  portsKey: 'protocols', namespaceSelectorRequired: false, maskedCidrs: false,
};

function flavourOf(kind: AdminKind, version: string): Flavour {
  if (kind === 'AdminNetworkPolicy') return ANP;
  if (kind === 'BaselineAdminNetworkPolicy') return BANP;
  return version === 'v1beta1' ? { ...CNP, maskedCidrs: true } : CNP;
}

/** The only name a BaselineAdminNetworkPolicy may have (the CRD's CEL rule on metadata.name). */
export const BANP_NAME = 'default';

/** MaxItems of `networks` and `domainNames`, and MaxLength of a rule name, in every version. */
const MAX_ADDRESSES = 25;
const MAX_RULE_NAME = 100;

/** The DomainName pattern of the CRD. */
const DOMAIN_NAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/** Keys of a one-of object that are set (null is absent: the API server drops nulls of non-nullable fields). */
function setKeys(o: Obj): string[] {
  return Object.keys(o).filter((k) => o[k] !== null && o[k] !== undefined);
}

/** A metav1.LabelSelector field; undefined (with a problem) when not a mapping. */
function selectorField(r: FieldReader, o: Obj, key: string, path: string, required: boolean): LabelSelector | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) r.problem(o, undefined, 'bad-field', `${path}: ${key} is required`);
    return required ? undefined : EVERYTHING;
  }
  const sel = r.obj(o, key, `${path}.${key}`);
  return sel ? parseSelector(r, sel, `${path}.${key}`) : undefined;
}

/** A NamespacedPod (`pods` subject or peer): namespaceSelector and podSelector. */
function namespacedPod(r: FieldReader, o: Obj, path: string, f: Flavour): { namespaceSelector: LabelSelector; podSelector: LabelSelector } | undefined {
  const pods = r.obj(o, 'pods', `${path}.pods`);
  if (!pods) return undefined;
  r.known(pods, NAMESPACED_POD, `${path}.pods`);
  const namespaceSelector = selectorField(r, pods, 'namespaceSelector', `${path}.pods`, f.namespaceSelectorRequired);
  const podSelector = selectorField(r, pods, 'podSelector', `${path}.pods`, true);
  return namespaceSelector && podSelector ? { namespaceSelector, podSelector } : undefined;
}

function parseSubject(r: FieldReader, spec: Obj, f: Flavour): AdminSubject | undefined {
  const s = r.obj(spec, 'subject', 'spec.subject');
  if (!s) {
    if (spec['subject'] === undefined || spec['subject'] === null) r.problem(spec, 'subject', 'bad-subject', 'spec.subject is required (exactly one of namespaces or pods)');
    return undefined;
  }
  r.known(s, ADMIN_SUBJECT, 'spec.subject');
  const keys = setKeys(s).filter((k) => ADMIN_SUBJECT.has(k));
  if (keys.length !== 1) {
    r.problem(s, undefined, 'bad-subject', `spec.subject: exactly one of namespaces or pods must be set, not ${keys.length === 0 ? 'none' : keys.join(' and ')}`);
    return undefined;
  }
  if (keys[0] === 'namespaces') {
    const namespaceSelector = selectorField(r, s, 'namespaces', 'spec.subject', true);
    return namespaceSelector ? { type: 'namespaces', namespaceSelector } : undefined;
  }
  const p = namespacedPod(r, s, 'spec.subject', f);
  return p ? { type: 'pods', ...p } : undefined;
}

/** A list field with the CRD's MinItems 1 and a MaxItems; undefined when absent. */
function boundedList(r: FieldReader, o: Obj, key: string, path: string, max: number, code: string): unknown[] | undefined {
  const list = r.list(o, key, path);
  if (!list) return undefined;
  if (list.length === 0) r.problem(o, key, code, `${path}: must have at least one item when set`);
  if (list.length > max) r.problem(o, key, code, `${path}: ${list.length} items, more than the ${max} allowed`);
  return list;
}

/** Items of a listType=set list of strings: each a string, no duplicates. */
function stringSet(r: FieldReader, o: Obj, list: readonly unknown[], key: string, path: string, code: string): string[] {
  const out: string[] = [];
  list.forEach((v, i) => {
    if (typeof v !== 'string') return r.problem(o, key, code, `${path}[${i}]: expected a string but got ${describe(v)}`);
    if (out.includes(v)) return r.problem(o, key, code, `${path}[${i}]: duplicate "${v}" (the list is a set)`);
    out.push(v);
  });
  return out;
}

function parseNetworks(r: FieldReader, p: Obj, path: string, f: Flavour): { cidrs: ParsedCidr[]; texts: string[] } | undefined {
  const list = boundedList(r, p, 'networks', `${path}.networks`, MAX_ADDRESSES, 'bad-peer');
  if (!list) return undefined;
  const texts = stringSet(r, p, list, 'networks', `${path}.networks`, 'bad-cidr');
  const cidrs: ParsedCidr[] = [];
  texts.forEach((t, i) => {
    const c = parseCidr(t);
    // v1alpha1's CEL rule: `self.contains(':') != self.contains('.')` (no IPv4 embedded in IPv6).
    if (!c || t.length > 43 || t.includes(':') === t.includes('.')) {
      return r.problem(p, 'networks', 'bad-cidr', `CIDR error: invalid CIDR address: ${t} (${path}.networks[${i}])`);
    }
    if (c.hostBitsSet) {
      if (f.maskedCidrs) return r.problem(p, 'networks', 'bad-cidr', `CIDR error: ${path}.networks[${i}] ${t} has host bits set; this version requires a masked CIDR`);
      r.problem(p, 'networks', 'cidr-host-bits', `${path}.networks[${i}]: ${t} has host bits set; it means the block it starts (the API accepts it)`, 'warning');
    }
    cidrs.push(c);
  });
  return { cidrs, texts };
}

function parsePeer(r: FieldReader, p: unknown, list: unknown[], path: string, dir: Direction, f: Flavour): AdminPeer | undefined {
  if (!isObj(p)) {
    r.problem(list, undefined, 'bad-peer', `${path}: expected a mapping but got ${describe(p)}`);
    return undefined;
  }
  const fields = dir === 'ingress' ? ADMIN_INGRESS_PEER : f.egressPeer;
  r.known(p, fields, path);
  const source = r.at(p);
  const keys = setKeys(p).filter((k) => fields.has(k));
  if (keys.length !== 1) {
    r.problem(p, undefined, 'bad-peer', `${path}: exactly one field must be set in a rule peer (${[...fields].join(', ')}), not ${keys.length === 0 ? 'none' : keys.join(' and ')}`);
    return undefined;
  }
  switch (keys[0]) {
    case 'namespaces': {
      const namespaceSelector = selectorField(r, p, 'namespaces', path, true);
      return namespaceSelector ? { type: 'namespaces', namespaceSelector, source } : undefined;
    }
    case 'pods': {
      const np = namespacedPod(r, p, path, f);
      return np ? { type: 'pods', ...np, source } : undefined;
    }
    case 'nodes': {
      const nodeSelector = selectorField(r, p, 'nodes', path, true);
      return nodeSelector ? { type: 'nodes', nodeSelector, source } : undefined;
    }
    case 'networks': {
      const n = parseNetworks(r, p, path, f);
      return n ? { type: 'networks', cidrs: n.cidrs, cidrTexts: n.texts, source } : undefined;
    }
    case 'domainNames': {
      const l = boundedList(r, p, 'domainNames', `${path}.domainNames`, MAX_ADDRESSES, 'bad-peer');
      if (!l) return undefined;
      const names = stringSet(r, p, l, 'domainNames', `${path}.domainNames`, 'bad-peer');
      for (const n of names) {
        if (!DOMAIN_NAME.test(n)) r.problem(p, 'domainNames', 'bad-peer', `${path}.domainNames: "${n}" is not a domain name (an optional "*." then DNS labels)`);
      }
      return { type: 'domainNames', names, source };
    }
  }
  return undefined;
}

function portNumber(r: FieldReader, o: Obj, key: string, path: string): number | undefined {
  const n = r.int(o, key, path);
  if (n === undefined) {
    if (o[key] === undefined || o[key] === null) r.problem(o, undefined, 'bad-port', `${path} is required`);
    return undefined;
  }
  if (n < 1 || n > 65535) {
    r.problem(o, key, 'bad-port', `${path}: expected a port number 1-65535 but got ${n}`);
    return undefined;
  }
  return n;
}

/** start < end (the CEL rule "Start port must be less than End port"). */
function portRange(r: FieldReader, o: Obj, path: string, protocol: Protocol, source: AdminPort['source']): AdminPort | undefined {
  const start = portNumber(r, o, 'start', `${path}.start`);
  const end = portNumber(r, o, 'end', `${path}.end`);
  if (start === undefined || end === undefined) return undefined;
  if (start >= end) {
    r.problem(o, 'end', 'bad-port', `${path}: start port must be less than end port (got ${start}-${end})`);
    return undefined;
  }
  return { type: 'range', protocol, start, end, source };
}

/** v1alpha1 `protocol` (default TCP; the CRD has no enum, but only TCP, UDP and SCTP are protocols a pod port has). */
function protocolOf(r: FieldReader, o: Obj, path: string): Protocol | undefined {
  const text = r.str(o, 'protocol', `${path}.protocol`) ?? 'TCP';
  const p = parseProtocol(text);
  if (!p || p !== text) {
    r.problem(o, 'protocol', 'bad-port', `${path}.protocol: expected TCP, UDP or SCTP but got "${text}"`);
    return undefined;
  }
  return p;
}

/** One v1alpha1 AdminNetworkPolicyPort: exactly one of portNumber, namedPort, portRange. */
function anpPort(r: FieldReader, p: Obj, path: string): AdminPort | undefined {
  r.known(p, ANP_PORT, path);
  const source = r.at(p);
  const keys = setKeys(p).filter((k) => ANP_PORT.has(k));
  if (keys.length !== 1) {
    r.problem(p, undefined, 'bad-port', `${path}: exactly one field must be set in an AdminNetworkPolicyPort (portNumber, namedPort or portRange), not ${keys.length === 0 ? 'none' : keys.join(' and ')}`);
    return undefined;
  }
  if (keys[0] === 'namedPort') return namedPort(r, p, 'namedPort', path, source);
  const key = keys[0]!;
  const o = r.obj(p, key, `${path}.${key}`);
  if (!o) return undefined;
  r.known(o, key === 'portNumber' ? ANP_PORT_NUMBER : ANP_PORT_RANGE, `${path}.${key}`);
  const protocol = protocolOf(r, o, `${path}.${key}`);
  if (!protocol) return undefined;
  if (key === 'portRange') return portRange(r, o, `${path}.portRange`, protocol, source);
  const port = portNumber(r, o, 'port', `${path}.portNumber.port`);
  return port === undefined ? undefined : { type: 'range', protocol, start: port, end: port, source };
}

function namedPort(r: FieldReader, p: Obj, key: string, path: string, source: AdminPort['source']): AdminPort | undefined {
  const name = r.str(p, key, `${path}.${key}`);
  if (name === undefined) return undefined;
  if (name === '') {
    r.problem(p, key, 'bad-port', `${path}.${key}: must not be empty`);
    return undefined;
  }
  return { type: 'named', name, source };
}

/** One ClusterNetworkPolicyProtocol: exactly one of tcp, udp, sctp (each with a destinationPort), destinationNamedPort. */
function cnpProtocol(r: FieldReader, p: Obj, path: string): AdminPort | undefined {
  r.known(p, CNP_PROTOCOL, path);
  const source = r.at(p);
  const keys = setKeys(p).filter((k) => CNP_PROTOCOL.has(k));
  if (keys.length !== 1) {
    r.problem(p, undefined, 'bad-port', `${path}: exactly one of tcp, udp, sctp or destinationNamedPort must be set, not ${keys.length === 0 ? 'none' : keys.join(' and ')}`);
    return undefined;
  }
  const key = keys[0]!;
  if (key === 'destinationNamedPort') return namedPort(r, p, key, path, source);
  const protocol = key.toUpperCase() as Protocol;
  const l4 = r.obj(p, key, `${path}.${key}`);
  if (!l4) return undefined;
  r.known(l4, CNP_PROTOCOL_PORT, `${path}.${key}`);
  const dp = r.obj(l4, 'destinationPort', `${path}.${key}.destinationPort`);
  if (!dp) {
    // ClusterNetworkPolicyProtocolTCP (UDP, SCTP) has MinProperties=1.
    if (l4['destinationPort'] === undefined || l4['destinationPort'] === null) r.problem(l4, undefined, 'bad-port', `${path}.${key}: destinationPort is required`);
    return undefined;
  }
  const pp = `${path}.${key}.destinationPort`;
  r.known(dp, CNP_PORT, pp);
  const dk = setKeys(dp).filter((k) => CNP_PORT.has(k));
  if (dk.length !== 1) {
    r.problem(dp, undefined, 'bad-port', `${pp}: exactly one of number or range must be set, not ${dk.length === 0 ? 'none' : dk.join(' and ')}`);
    return undefined;
  }
  if (dk[0] === 'number') {
    const n = portNumber(r, dp, 'number', `${pp}.number`);
    return n === undefined ? undefined : { type: 'range', protocol, start: n, end: n, source };
  }
  const range = r.obj(dp, 'range', `${pp}.range`);
  if (!range) return undefined;
  r.known(range, CNP_PORT_RANGE, `${pp}.range`);
  return portRange(r, range, `${pp}.range`, protocol, source);
}

function parseRule(r: FieldReader, rule: unknown, list: unknown[], i: number, dir: Direction, f: Flavour): AdminRule | undefined {
  const path = `spec.${dir}[${i}]`;
  if (!isObj(rule)) {
    r.problem(list, undefined, 'bad-rule', `${path}: expected a mapping but got ${describe(rule)}`);
    return undefined;
  }
  r.known(rule, dir === 'ingress' ? f.ingressRule : f.egressRule, path);
  const name = r.str(rule, 'name', `${path}.name`);
  if (name !== undefined && name.length > MAX_RULE_NAME) r.problem(rule, 'name', 'bad-rule', `${path}.name: ${name.length} characters, more than ${MAX_RULE_NAME}`);
  const actionText = r.str(rule, 'action', `${path}.action`);
  const action = actionText !== undefined ? f.actions[actionText] : undefined;
  if (action === undefined) {
    r.problem(rule, actionText === undefined ? undefined : 'action', 'bad-action', `${path}.action: unrecognized action ${actionText === undefined ? '(none given)' : `"${actionText}"`}; expected ${Object.keys(f.actions).join(', ')}`);
  }
  const peersKey = dir === 'ingress' ? 'from' : 'to';
  const peerList = r.list(rule, peersKey, `${path}.${peersKey}`);
  if (!peerList || peerList.length === 0) {
    r.problem(rule, peerList ? peersKey : undefined, 'bad-rule', `${path}: ${peersKey} field must be defined and contain at least one item`);
  } else if (peerList.length > f.maxPeers) {
    r.problem(rule, peersKey, 'bad-rule', `${path}.${peersKey}: ${peerList.length} peers, more than the ${f.maxPeers} allowed`);
  }
  const peers = (peerList ?? []).map((p, j) => parsePeer(r, p, peerList!, `${path}.${peersKey}[${j}]`, dir, f));
  const portList = boundedList(r, rule, f.portsKey, `${path}.${f.portsKey}`, f.maxPorts, 'bad-port');
  const ports = portList?.map((p, j) => {
    const pp = `${path}.${f.portsKey}[${j}]`;
    if (!isObj(p)) {
      r.problem(portList, undefined, 'bad-port', `${pp}: expected a mapping but got ${describe(p)}`);
      return undefined;
    }
    return f.portsKey === 'ports' ? anpPort(r, p, pp) : cnpProtocol(r, p, pp);
  });
  const valid = peers.filter((p): p is AdminPeer => p !== undefined);
  const validPorts = ports?.filter((p): p is AdminPort => p !== undefined) ?? null;
  // CEL rules of the egress rule: a named port needs pod peers; domainNames only in Allow/Accept rules.
  if (validPorts?.some((p) => p.type === 'named')) {
    const addressed = valid.filter((p) => p.type === 'networks' || p.type === 'nodes' || p.type === 'domainNames').map((p) => p.type);
    if (addressed.length > 0) {
      r.problem(rule, f.portsKey, 'bad-rule', `${path}: ${[...new Set(addressed)].join('/')} peers cannot be used with named ports (they have no named ports)`);
    }
  }
  if (action !== undefined && action !== 'accept' && valid.some((p) => p.type === 'domainNames')) {
    r.problem(rule, 'action', 'bad-rule', `${path}: domainNames peers are only allowed in ${Object.keys(f.actions)[0]} rules, not ${actionText}`);
  }
  if (action === undefined || peers.some((p) => p === undefined) || ports?.some((p) => p === undefined) || valid.length === 0) return undefined;
  return { index: i, ...(name !== undefined && name !== '' ? { name } : {}), action, peers: valid, ports: validPorts, source: r.at(rule) };
}

function parseRules(r: FieldReader, spec: Obj, dir: Direction, f: Flavour): AdminRule[] {
  const list = r.list(spec, dir, `spec.${dir}`) ?? [];
  if (list.length > f.maxRules) r.problem(spec, dir, 'bad-rule', `spec.${dir}: ${list.length} rules, more than the ${f.maxRules} allowed`);
  return list.flatMap((rule, i) => parseRule(r, rule, list, i, dir, f) ?? []);
}

function parsePriority(r: FieldReader, spec: Obj): number | undefined {
  const v = spec['priority'];
  if (v === undefined || v === null) {
    r.problem(spec, undefined, 'bad-priority', 'spec.priority is required (0-1000, lower first)');
    return undefined;
  }
  const n = r.int(spec, 'priority', 'spec.priority');
  if (n === undefined) return undefined;
  if (n < 0 || n > 1000) {
    r.problem(spec, 'priority', 'bad-priority', `spec.priority: expected 0-1000 but got ${n}`);
    return undefined;
  }
  return n;
}

/**
 * Parses one AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy; undefined (with
 * problems in `r`) when the API server would reject it.
 */
export function parseAdminPolicy(r: FieldReader, doc: Obj, kind: AdminKind, apiVersion: string, version: string, name: string): AdminPolicy | undefined {
  const f = flavourOf(kind, version);
  const spec = r.obj(doc, 'spec', 'spec');
  if (!spec) {
    if (doc['spec'] === undefined || doc['spec'] === null) r.problem(doc, undefined, 'bad-field', 'spec is required');
    return undefined;
  }
  r.known(spec, f.spec, 'spec');
  if (kind === 'BaselineAdminNetworkPolicy' && name !== BANP_NAME) {
    const meta = isObj(doc['metadata']) ? doc['metadata'] : doc;
    r.problem(meta, 'name', 'bad-name', `only one BaselineAdminNetworkPolicy, with metadata.name=${BANP_NAME}, can exist in a cluster; "${name}" is rejected`);
  }
  let tier: AdminTier = kind === 'BaselineAdminNetworkPolicy' ? 'baseline' : 'admin';
  if (kind === 'ClusterNetworkPolicy') {
    const t = r.str(spec, 'tier', 'spec.tier');
    if (t === 'Admin' || t === 'Baseline') tier = t === 'Admin' ? 'admin' : 'baseline';
    else if (t === undefined && (spec['tier'] === undefined || spec['tier'] === null)) r.problem(spec, undefined, 'bad-tier', 'spec.tier is required (Admin or Baseline)');
    else if (t !== undefined) r.problem(spec, 'tier', 'bad-tier', `spec.tier: expected Admin or Baseline but got "${t}"`);
  }
  const priority = kind === 'BaselineAdminNetworkPolicy' ? 0 : parsePriority(r, spec);
  const subject = parseSubject(r, spec, f);
  const ingress = parseRules(r, spec, 'ingress', f);
  const egress = parseRules(r, spec, 'egress', f);
  if (r.rejected || priority === undefined || !subject) return undefined;
  return { id: `${kind}/${name}`, kind, apiVersion, name, tier, priority, subject, ingress, egress, source: r.at(doc) };
}

/** Evaluation order: admin tier first, then priority (lower first), then name and kind (ties are the API's undefined case). */
export function compareAdminPolicies(a: AdminPolicy, b: AdminPolicy): number {
  const tier = (p: AdminPolicy): number => (p.tier === 'admin' ? 0 : 1);
  return tier(a) - tier(b) || a.priority - b.priority || lex(a.name, b.name) || lex(a.kind, b.kind);
}

/**
 * Peers whose matches the input cannot tell: `nodes` when the input has no Node objects (they then match
 * nothing), and `domainNames` (resolved by DNS when the traffic happens). One warning per peer.
 */
export function adminPeerNotes(policies: readonly AdminPolicy[], nodeCount: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of policies) {
    for (const r of p.egress) {
      const rule = `${p.kind} ${p.name}: spec.egress[${r.index}]${r.name ? ` (${r.name})` : ''}`;
      for (const peer of r.peers) {
        if (peer.type === 'nodes' && nodeCount === 0) {
          out.push({
            severity: 'warning',
            code: 'admin-nodes-unknown',
            message: `${rule}: a nodes peer selects Node objects by label, and the input has none: it matches no node address and no host-network pod here; add the Node objects (kubectl get nodes -o yaml)`,
            source: peer.source,
          });
        }
        if (peer.type === 'domainNames') {
          out.push({
            severity: 'warning',
            code: 'admin-domain-names',
            message: `${rule}: domainNames ${peer.names.join(', ')} are resolved by DNS when the traffic happens, so the addresses they allow are not known offline: the rule matches no pod or address of the results`,
            source: peer.source,
          });
        }
      }
    }
  }
  return out;
}
