/** networking.k8s.io/v1 NetworkPolicy: validation as the API server does it, then defaulting. */
import type { Direction, NetworkPolicy, Peer, PolicyRule, PortRule } from '../../inventory/types.js';
import { parseCidr, rangeContains, type ParsedCidr } from '../../model/address.js';
import { parseProtocol, type Protocol } from '../../model/port-set.js';
import { EVERYTHING } from '../../inventory/selector.js';
import { type FieldReader, type Obj, isObj } from './fields.js';
import { parseSelector } from './parse-selector.js';
import { EGRESS_RULE, INGRESS_RULE, IP_BLOCK, NETWORK_POLICY_SPEC, POLICY_PEER, POLICY_PORT } from './known-fields.js';

/** IANA_SVC_NAME: what a named port must look like. */
export function portNameError(name: string): string | undefined {
  if (name.length === 0 || name.length > 15) return 'must be 1-15 characters';
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) return 'must be lower-case alphanumerics and "-", not starting or ending with "-"';
  if (name.includes('--')) return 'must not contain "--"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  return undefined;
}

function parsePorts(r: FieldReader, rule: Obj, path: string): PortRule[] | null {
  const list = r.list(rule, 'ports', `${path}.ports`);
  if (!list || list.length === 0) return null;
  const out: PortRule[] = [];
  list.forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    if (!isObj(p)) return r.problem(list, undefined, 'bad-port', `${pp}: expected a mapping`);
    r.known(p, POLICY_PORT, pp);
    const src = r.at(p);
    const protoText = r.str(p, 'protocol', `${pp}.protocol`) ?? 'TCP';
    const protocol: Protocol | undefined = parseProtocol(protoText);
    if (!protocol || protoText !== protocol) {
      return r.problem(p, 'protocol', 'bad-port', `${pp}.protocol: expected TCP, UDP or SCTP but got "${protoText}"`);
    }
    const raw = p['port'];
    const endPort = r.int(p, 'endPort', `${pp}.endPort`);
    if (raw === undefined || raw === null) {
      if (endPort !== undefined) return r.problem(p, 'endPort', 'bad-port', `${pp}.endPort: may not be set without port`);
      out.push({ protocol, source: src });
      return;
    }
    if (typeof raw === 'number') {
      if (!Number.isInteger(raw) || raw < 1 || raw > 65535) {
        return r.problem(p, 'port', 'bad-port', `${pp}.port: expected a port number 1-65535 but got ${raw}`);
      }
      if (endPort !== undefined) {
        if (endPort < raw) return r.problem(p, 'endPort', 'bad-port', `${pp}.endPort: ${endPort} is below port ${raw}`);
        if (endPort > 65535) return r.problem(p, 'endPort', 'bad-port', `${pp}.endPort: ${endPort} is above 65535`);
      }
      out.push({ protocol, port: raw, ...(endPort !== undefined ? { endPort } : {}), source: src });
      return;
    }
    if (typeof raw === 'string') {
      const e = portNameError(raw);
      if (e) return r.problem(p, 'port', 'bad-port', `${pp}.port: invalid port name "${raw}": ${e}`);
      if (endPort !== undefined) {
        return r.problem(p, 'endPort', 'bad-port', `${pp}.endPort: may not be used with a named port ("${raw}")`);
      }
      out.push({ protocol, port: raw, source: src });
      return;
    }
    r.problem(p, 'port', 'bad-port', `${pp}.port: expected a number or a port name`);
  });
  return out;
}

function parseCidrField(r: FieldReader, o: Obj, key: string, text: unknown, path: string): ParsedCidr | undefined {
  if (typeof text !== 'string') {
    r.problem(o, key, 'bad-cidr', `CIDR error: ${path}: expected a CIDR string`);
    return undefined;
  }
  const c = parseCidr(text);
  if (!c) {
    r.problem(o, key, 'bad-cidr', `CIDR error: invalid CIDR address: ${text} (${path})`);
    return undefined;
  }
  if (c.hostBitsSet) {
    r.problem(o, key, 'cidr-host-bits', `${path}: ${text} has host bits set; it means the block it starts (the API accepts it)`, 'warning');
  }
  return c;
}

function parsePeers(r: FieldReader, rule: Obj, key: 'from' | 'to', path: string): Peer[] | null {
  const list = r.list(rule, key, `${path}.${key}`);
  if (!list || list.length === 0) return null;
  const out: Peer[] = [];
  list.forEach((p, i) => {
    const pp = `${path}.${key}[${i}]`;
    if (!isObj(p)) return r.problem(list, undefined, 'bad-peer', `${pp}: expected a mapping`);
    r.known(p, POLICY_PEER, pp);
    const src = r.at(p);
    const ipb = r.obj(p, 'ipBlock', `${pp}.ipBlock`);
    const nsSel = r.obj(p, 'namespaceSelector', `${pp}.namespaceSelector`);
    const podSel = r.obj(p, 'podSelector', `${pp}.podSelector`);
    // The selectors are pointers in the API: null (or an empty `namespaceSelector:`) is absent, so a peer
    // `namespaceSelector: null` means the policy's own namespace, not every namespace.
    const hasNs = nsSel !== undefined;
    const hasPod = podSel !== undefined;
    const hasIpb = p['ipBlock'] !== undefined && p['ipBlock'] !== null;
    if (hasIpb && !ipb) return;
    if (ipb) {
      r.known(ipb, IP_BLOCK, `${pp}.ipBlock`);
      if (hasNs || hasPod) return r.problem(p, undefined, 'bad-peer', `${pp}: ipBlock may not be combined with podSelector or namespaceSelector`);
      const cidrText = ipb['cidr'];
      const cidr = parseCidrField(r, ipb, 'cidr', cidrText, `${pp}.ipBlock.cidr`);
      const exceptList = r.list(ipb, 'except', `${pp}.ipBlock.except`) ?? [];
      const except: ParsedCidr[] = [];
      exceptList.forEach((e, j) => {
        const c = parseCidrField(r, ipb, 'except', e, `${pp}.ipBlock.except[${j}]`);
        if (!c || !cidr) return;
        if (!rangeContains(cidr.range, c.range) || (c.range.lo === cidr.range.lo && c.range.hi === cidr.range.hi)) {
          return r.problem(ipb, 'except', 'bad-cidr', `CIDR error: ${pp}.ipBlock.except[${j}] ${String(e)} must be a strict subset of cidr ${String(cidrText)}`);
        }
        except.push(c);
      });
      if (!cidr) return;
      out.push({ type: 'ipBlock', cidr, cidrText: String(cidrText), except, exceptText: exceptList.map(String), source: src });
      return;
    }
    if (!hasNs && !hasPod) {
      const nulls = Object.keys(p).filter((k) => p[k] === null);
      return r.problem(
        p,
        undefined,
        'bad-peer',
        `${pp}: must specify a peer (podSelector, namespaceSelector or ipBlock)${nulls.length ? `; ${nulls.join(' and ')} null is the same as absent` : ''}`,
      );
    }
    out.push({
      type: 'pods',
      namespaceSelector: nsSel ? parseSelector(r, nsSel, `${pp}.namespaceSelector`) : null,
      podSelector: podSel ? parseSelector(r, podSel, `${pp}.podSelector`) : null,
      source: src,
    });
  });
  return out;
}

function parseRules(r: FieldReader, spec: Obj, dir: Direction): PolicyRule[] {
  const list = r.list(spec, dir, `spec.${dir}`) ?? [];
  const out: PolicyRule[] = [];
  list.forEach((rule, i) => {
    const path = `spec.${dir}[${i}]`;
    if (rule === null || rule === undefined) rule = {};
    if (!isObj(rule)) return r.problem(list, undefined, 'bad-rule', `${path}: expected a mapping`);
    r.known(rule, dir === 'ingress' ? INGRESS_RULE : EGRESS_RULE, path);
    out.push({
      index: i,
      peers: parsePeers(r, rule, dir === 'ingress' ? 'from' : 'to', path),
      ports: parsePorts(r, rule, path),
      source: r.at(rule),
    });
  });
  return out;
}

/** Parses one NetworkPolicy; returns undefined (with problems in `r`) when the API would reject it. */
export function parseNetworkPolicy(r: FieldReader, doc: Obj, namespace: string, name: string): NetworkPolicy | undefined {
  const spec = r.obj(doc, 'spec', 'spec');
  if (!spec) {
    r.problem(doc, undefined, 'bad-field', 'spec is required');
    return undefined;
  }
  r.known(spec, NETWORK_POLICY_SPEC, 'spec');
  const sel = r.obj(spec, 'podSelector', 'spec.podSelector');
  const podSelector = sel ? parseSelector(r, sel, 'spec.podSelector') : EVERYTHING;
  const ingress = parseRules(r, spec, 'ingress');
  const egress = parseRules(r, spec, 'egress');
  const typesRaw = r.list(spec, 'policyTypes', 'spec.policyTypes');
  let isolates: Record<Direction, boolean>;
  if (typesRaw && typesRaw.length > 0) {
    isolates = { ingress: false, egress: false };
    for (const t of typesRaw) {
      if (t === 'Ingress') isolates.ingress = true;
      else if (t === 'Egress') isolates.egress = true;
      else r.problem(spec, 'policyTypes', 'bad-field', `spec.policyTypes: expected Ingress or Egress but got ${JSON.stringify(t)}`);
    }
  } else {
    // SetDefaults_NetworkPolicy: Ingress always; Egress only when egress rules exist.
    isolates = { ingress: true, egress: egress.length > 0 };
  }
  for (const [dir, rules] of [['ingress', ingress], ['egress', egress]] as const) {
    if (!isolates[dir] && rules.length > 0) {
      r.problem(spec, dir, 'ignored-rules', `spec.${dir} has ${rules.length} rule(s) but policyTypes lacks ${dir === 'ingress' ? 'Ingress' : 'Egress'}: they are ignored`, 'warning');
    }
  }
  if (r.rejected) return undefined;
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    podSelector,
    isolates,
    // Rules of a direction the policy does not isolate are ignored by the API semantics.
    ingress: isolates.ingress ? ingress : [],
    egress: isolates.egress ? egress : [],
    source: r.at(doc),
  };
}
