/**
 * Least-privilege NetworkPolicies from observed flows: for each workload in scope, one policy admitting
 * exactly the allowed flows observed to and from it (peers by namespace and pod labels, outside addresses
 * as /32 or /128 ipBlocks, ports as observed). Before they are shown, the engine checks them: the
 * proposed policies replace the ones they supersede, and the intent must lose no intended flow and gain
 * no forbidden path.
 */
import { analyze } from '../../engine/index.js';
import type { Inventory, NetworkPolicy, Workload } from '../../inventory/types.js';
import { matchesSelector } from '../../inventory/selector.js';
import { parseIp } from '../../model/address.js';
import { drift, type Intent } from '../intent/index.js';
import type { FlowGroup } from '../flows/match.js';
import { loadFromTexts } from '../../sources/k8s/index.js';
import { lex } from '../../util/compare.js';

export interface ProposedPolicy {
  readonly workload: string;
  readonly name: string;
  readonly namespace: string;
  readonly yaml: string;
  /** Existing policies it replaces (they select only this workload's pods). */
  readonly replaces: readonly string[];
}

export interface ProposeCheck {
  readonly ok: boolean;
  /** Intended flows (flow #, from => to) that the proposal would block. */
  readonly broken: readonly string[];
  /** Paths the intent forbids that the proposal would open. */
  readonly opened: readonly string[];
}

export interface ProposeResult {
  readonly policies: readonly ProposedPolicy[];
  readonly check?: ProposeCheck;
  /** Workloads in scope with no observed flow: nothing to propose from. */
  readonly unobserved: readonly string[];
}

function q(s: string): string {
  return JSON.stringify(s);
}

function labelsYaml(l: Readonly<Record<string, string>>, indent: string): string[] {
  const keys = Object.keys(l).sort(lex);
  return keys.length ? keys.map((k) => `${indent}${q(k)}: ${q(l[k]!)}`) : [`${indent}{}`];
}

type Peer = { key: string; yaml: string[] };

function peerOf(inv: Map<string, Workload>, id: string, kind: 'workload' | 'external', indent: string): Peer | undefined {
  if (kind === 'external') {
    const ip = parseIp(id);
    if (!ip) return undefined;
    return { key: id, yaml: [`${indent}- ipBlock:`, `${indent}    cidr: ${id}/${ip.family === 4 ? 32 : 128}`] };
  }
  const w = inv.get(id);
  if (!w) return undefined;
  return {
    key: id,
    yaml: [`${indent}- namespaceSelector:`, `${indent}    matchLabels:`, `${indent}      kubernetes.io/metadata.name: ${q(w.namespace)}`, `${indent}  podSelector:`, `${indent}    matchLabels:`, ...labelsYaml(w.labels, `${indent}      `)],
  };
}

/** One rule per peer, with the ports seen from (or to) it. */
function rules(inv: Map<string, Workload>, groups: readonly FlowGroup[], side: 'src' | 'dst', word: 'from' | 'to'): string[] {
  const byPeer = new Map<string, { peer: Peer; ports: Set<string> }>();
  for (const g of groups) {
    const peer = peerOf(inv, g[side], side === 'src' ? g.srcKind : g.dstKind, '      ');
    if (!peer || g.port === undefined || !['TCP', 'UDP', 'SCTP'].includes(g.protocol)) continue;
    let e = byPeer.get(peer.key);
    if (!e) byPeer.set(peer.key, (e = { peer, ports: new Set() }));
    e.ports.add(`${g.protocol}/${g.port}`);
  }
  const out: string[] = [];
  for (const [, e] of [...byPeer].sort((a, b) => lex(a[0], b[0]))) {
    out.push(`  - ${word}:`, ...e.peer.yaml, '    ports:');
    for (const p of [...e.ports].sort(lex)) {
      const [proto, port] = p.split('/');
      out.push(`      - {protocol: ${proto}, port: ${port}}`);
    }
  }
  return out;
}

function policyName(w: Workload): string {
  const base = `bulkhead-${w.name}`.toLowerCase().replace(/[^a-z0-9-.]/g, '-');
  return base.length > 253 ? base.slice(0, 253) : base;
}

/** The policies that select only pods of workload w (the ones a policy for w supersedes). */
function supersededBy(inv: Inventory, w: Workload): NetworkPolicy[] {
  const pods = inv.pods.filter((p) => p.namespace === w.namespace);
  return inv.policies.filter((p) => {
    if (p.namespace !== w.namespace) return false;
    const sel = pods.filter((pod) => matchesSelector(p.podSelector, pod.labels));
    return sel.length > 0 && sel.every((pod) => pod.workload === w.id);
  });
}

/** Proposes policies for the workloads in scope and checks them against the intent. */
export function propose(inv: Inventory, groups: readonly FlowGroup[], scope: (w: Workload) => boolean, intent?: Intent): ProposeResult {
  const byId = new Map(inv.workloads.map((w) => [w.id, w]));
  const allowed = groups.filter((g) => g.verdict === 'allowed');
  const policies: ProposedPolicy[] = [];
  const unobserved: string[] = [];
  for (const w of inv.workloads.filter(scope).sort((a, b) => lex(a.id, b.id))) {
    const ingress = rules(byId, allowed.filter((g) => g.dst === w.id), 'src', 'from');
    const egress = rules(byId, allowed.filter((g) => g.src === w.id), 'dst', 'to');
    if (ingress.length === 0 && egress.length === 0) {
      unobserved.push(w.id);
      continue;
    }
    const name = policyName(w);
    const yaml = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      `  name: ${q(name)}`,
      `  namespace: ${q(w.namespace)}`,
      '  annotations:',
      `    bulkhead.io/proposed-from: "observed flows"`,
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      ...labelsYaml(w.labels, '      '),
      '  policyTypes: [Ingress, Egress]',
      ingress.length ? '  ingress:' : '  ingress: []',
      ...ingress.map((l) => `  ${l}`),
      egress.length ? '  egress:' : '  egress: []',
      ...egress.map((l) => `  ${l}`),
    ].join('\n');
    policies.push({ workload: w.id, name, namespace: w.namespace, yaml: `${yaml}\n`, replaces: supersededBy(inv, w).map((p) => p.id) });
  }
  if (!intent || policies.length === 0) return { policies, unobserved };
  return { policies, unobserved, check: checkProposal(inv, policies, intent) };
}

/** The engine's verdict on a proposal: the inventory with the proposed policies in place of those they replace. */
export function checkProposal(inv: Inventory, policies: readonly ProposedPolicy[], intent: Intent): ProposeCheck {
  const parsed = loadFromTexts([{ path: 'proposed.yaml', text: policies.map((p) => p.yaml).join('---\n') }]);
  const gone = new Set(policies.flatMap((p) => p.replaces));
  const after: Inventory = { ...inv, policies: [...inv.policies.filter((p) => !gone.has(p.id)), ...parsed.inventory.policies] };
  const before = drift(analyze(inv), intent);
  const now = drift(analyze(after), intent);
  const brokenKey = (b: (typeof before.broken)[number]): string => `flow #${b.flow.index} ${b.from} => ${b.to}`;
  const wasBroken = new Map(before.broken.map((b) => [brokenKey(b), b.missing]));
  const broken = now.broken.filter((b) => !wasBroken.has(brokenKey(b)) || !b.missing.isSubsetOf(wasBroken.get(brokenKey(b))!)).map((b) => `${brokenKey(b)} (${b.missing.toString()})`);
  const pairs = (d: typeof before): Map<string, import('../../model/port-set.js').PortSet> => {
    const m = new Map<string, import('../../model/port-set.js').PortSet>();
    // Outside ends by segment: a proposed /32 re-cuts the outside blocks, which renames them.
    const end = (e: (typeof d.violations)[number]['src'][number], seg: string): string => (e.kind === 'external' ? `${seg} (outside)` : e.id);
    for (const v of [...d.violations, ...d.overbroad]) {
      for (const s of v.src) {
        for (const t of v.dst) {
          if (s.id === t.id) continue;
          const k = `${end(s, v.srcSegment)} => ${end(t, v.dstSegment)}`;
          m.set(k, v.ports.union(m.get(k) ?? v.ports));
        }
      }
    }
    return m;
  };
  const was = pairs(before);
  const opened = [...pairs(now)].filter(([k, p]) => !was.has(k) || !p.isSubsetOf(was.get(k)!)).map(([k, p]) => `${k} (${p.toString()})`).sort(lex);
  return { ok: broken.length === 0 && opened.length === 0, broken, opened };
}
