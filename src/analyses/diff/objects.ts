/**
 * What changed in the inventory between two snapshots: policies added, removed or changed (and which
 * fields), workloads added or removed, labels, named ports and addresses of workloads, namespace labels.
 */
import type { AdminPolicy, AdminRule, Inventory, Labels, NetworkPolicy, PolicyRule, SourceRef } from '../../inventory/types.js';
import { lex, sortedUnion } from '../../util/compare.js';

export type ObjectKind = 'NetworkPolicy' | 'Workload' | 'Namespace' | AdminPolicy['kind'];

export interface ObjectChange {
  /** "NetworkPolicy shop-prod/api", "Workload shop/web[Deployment]", "Namespace prod", "AdminNetworkPolicy deny-dev". */
  readonly key: string;
  readonly kind: ObjectKind;
  readonly id: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** What changed: podSelector, policyTypes, "ingress rule #2", labels, named ports, addresses, hostNetwork. */
  readonly fields: readonly string[];
  /** Human-readable details, e.g. "labels: tier=web → tier=api". */
  readonly details: readonly string[];
  /** Where the object is now (or was, when removed). */
  readonly source?: SourceRef;
}

/** A canonical JSON of a model object: sorted keys, no source locations, bigints as strings. */
export function canon(v: unknown): string {
  const walk = (x: unknown): unknown => {
    if (typeof x === 'bigint') return x.toString();
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) if (k !== 'source' && k !== 'cidr' && k !== 'except') o[k] = walk((x as Record<string, unknown>)[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(walk(v));
}

/** Keys canon leaves out: the three it skips, and `__proto__`, which its assignment drops. */
const LEFT_OUT = new Set(['source', 'cidr', 'except', '__proto__']);

/** canon(a) === canon(b), without writing either: most objects of two snapshots are equal. */
export function sameCanon(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = typeof a === 'bigint' ? a.toString() : a;
  const y = typeof b === 'bigint' ? b.toString() : b;
  const xs = x === null || typeof x !== 'object';
  const ys = y === null || typeof y !== 'object';
  // An object is written [..] or {..}, a scalar never so (a string is quoted).
  if (xs || ys) return xs && ys && jsonScalar(x) === jsonScalar(y);
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x)) {
    const ya = y as unknown[];
    if (x.length !== ya.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameCanon(inArray(x[i]), inArray(ya[i]))) return false;
    return true;
  }
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  let nx = 0;
  for (const k of Object.keys(xo)) {
    if (LEFT_OUT.has(k) || !written(xo[k])) continue;
    nx++;
    if (!Object.prototype.hasOwnProperty.call(yo, k) || !written(yo[k]) || !sameCanon(xo[k], yo[k])) return false;
  }
  let ny = 0;
  for (const k of Object.keys(yo)) if (!LEFT_OUT.has(k) && written(yo[k])) ny++;
  return nx === ny;
}

/** Whether JSON.stringify writes an object property with this value. */
function written(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** An array element as JSON.stringify writes it: undefined, functions and symbols become null. */
function inArray(v: unknown): unknown {
  return written(v) ? v : null;
}

/** A scalar as JSON text (NaN and infinities are null, -0 is 0). */
function jsonScalar(v: unknown): string | undefined {
  return JSON.stringify(v);
}

function labelsText(l: Labels): string {
  const ks = Object.keys(l).sort();
  return ks.length ? ks.map((k) => `${k}=${l[k]}`).join(',') : '(none)';
}

/** "+a=1, -b=2, c: 1 → 2" */
export function labelDelta(o: Labels, n: Labels): string {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(o), ...Object.keys(n)])].sort()) {
    if (!(k in o)) out.push(`+${k}=${n[k]}`);
    else if (!(k in n)) out.push(`-${k}=${o[k]}`);
    else if (o[k] !== n[k]) out.push(`${k}: ${o[k]} → ${n[k]}`);
  }
  return out.join(', ');
}

/** What changed among a policy's rules, and where the first change is now (or, for a removed rule, was). */
function ruleDiffs(direction: 'ingress' | 'egress', o: readonly (PolicyRule | AdminRule)[], n: readonly (PolicyRule | AdminRule)[], at: SourceRef[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(o.length, n.length); i++) {
    const a = o[i];
    const b = n[i];
    if (!a) (out.push(`${direction} rule #${i + 1} added`), at.push(b!.source));
    else if (!b) (out.push(`${direction} rule #${i + 1} removed`), at.push(a.source));
    else if (!sameCanon({ p: a.peers, q: a.ports, x: actionOf(a) }, { p: b.peers, q: b.ports, x: actionOf(b) })) {
      at.push(b.source);
      const what = [
        actionOf(a) !== actionOf(b) ? `action ${actionOf(a)} → ${actionOf(b)}` : '',
        canon(a.peers) !== canon(b.peers) ? (direction === 'ingress' ? 'from' : 'to') : '',
        canon(a.ports) !== canon(b.ports) ? 'ports' : '',
      ].filter(Boolean).join(' and ');
      out.push(`${direction} rule #${i + 1} ${what} changed`);
    }
  }
  return out;
}

function policyChange(o: NetworkPolicy, n: NetworkPolicy): ObjectChange | undefined {
  const fields: string[] = [];
  const details: string[] = [];
  if (!sameCanon(o.podSelector, n.podSelector)) fields.push('podSelector');
  if (o.isolates.ingress !== n.isolates.ingress || o.isolates.egress !== n.isolates.egress) {
    fields.push('policyTypes');
    const t = (p: NetworkPolicy): string => (['ingress', 'egress'] as const).filter((d) => p.isolates[d]).join('+') || 'none';
    details.push(`policyTypes: ${t(o)} → ${t(n)}`);
  }
  const at: SourceRef[] = [];
  for (const d of ['ingress', 'egress'] as const) fields.push(...ruleDiffs(d, o[d], n[d], at));
  if (fields.length === 0) return undefined;
  // Point at the rule when only rules changed: that is the line a reviewer wants.
  const source = fields[0] === 'podSelector' || fields[0] === 'policyTypes' || at.length === 0 ? n.source : at[0]!;
  return { key: `NetworkPolicy ${n.id}`, kind: 'NetworkPolicy', id: n.id, change: 'changed', fields, details, source };
}

function actionOf(r: PolicyRule | AdminRule): string {
  return 'action' in r ? r.action : '';
}

/** A changed admin or baseline policy: priority, tier, subject, rules (order matters: first match). */
function adminPolicyChange(o: AdminPolicy, n: AdminPolicy): ObjectChange | undefined {
  const fields: string[] = [];
  const details: string[] = [];
  if (o.priority !== n.priority) (fields.push('priority'), details.push(`priority: ${o.priority} → ${n.priority}`));
  if (o.tier !== n.tier) (fields.push('tier'), details.push(`tier: ${o.tier} → ${n.tier}`));
  if (!sameCanon(o.subject, n.subject)) fields.push('subject');
  const at: SourceRef[] = [];
  for (const d of ['ingress', 'egress'] as const) fields.push(...ruleDiffs(d, o[d], n[d], at));
  if (fields.length === 0) return undefined;
  const source = at.length === 0 || ['priority', 'tier', 'subject'].includes(fields[0]!) ? n.source : at[0]!;
  return { key: `${n.kind} ${n.name}`, kind: n.kind, id: n.name, change: 'changed', fields, details, source };
}

type Pod = Inventory['pods'][number];

/** A workload's facts that its pods give: named ports and addresses, sorted, and whether any pod is hostNetwork. */
export interface PodFacts {
  readonly namedPorts: readonly string[];
  readonly addresses: readonly string[];
  readonly hostNetwork: boolean;
}

/** The facts of a workload's pods (sets of strings, sorted: built only for a workload whose pods differ, see samePodFacts). */
export function podFacts(ps: readonly Pod[]): PodFacts {
  const named = new Set<string>();
  const ips = new Set<string>();
  let hostNetwork = false;
  // Template pods share one port list: read it once.
  let seen: Pod['ports'] | undefined;
  for (const p of ps) {
    if (p.ports !== seen) for (const cp of (seen = p.ports)) if (cp.name) named.add(`${cp.name}=${cp.protocol}/${cp.port}`);
    for (const ip of p.ips) ips.add(ip);
    hostNetwork ||= p.hostNetwork;
  }
  return { namedPorts: [...named].sort(lex), addresses: [...ips].sort(lex), hostNetwork };
}

/**
 * True when two pod lists have the same podFacts for sure, without writing them: pod by pod, the same
 * addresses, hostNetwork and ports (read where podFacts reads them). Most workloads of two snapshots are
 * unchanged, and writing and sorting every pod's strings twice was most of diffObjects. False may still
 * have equal facts (pods in another order); podFacts then decides.
 */
export function samePodFacts(a: readonly Pod[], b: readonly Pod[]): boolean {
  if (a.length !== b.length) return false;
  let sa: Pod['ports'] | undefined;
  let sb: Pod['ports'] | undefined;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.hostNetwork !== y.hostNetwork || x.ips.length !== y.ips.length) return false;
    for (let k = 0; k < x.ips.length; k++) if (x.ips[k] !== y.ips[k]) return false;
    const nx = x.ports !== sa;
    const ny = y.ports !== sb;
    if (nx !== ny) return false;
    if (!nx) continue;
    sa = x.ports;
    sb = y.ports;
    if (sa.length !== sb.length) return false;
    for (let k = 0; k < sa.length; k++) {
      const p = sa[k]!;
      const q = sb[k]!;
      if (p.name !== q.name || p.protocol !== q.protocol || p.port !== q.port) return false;
    }
  }
  return true;
}

interface WorkloadPods {
  readonly labels: Labels;
  readonly pods: readonly Pod[];
  readonly source?: SourceRef;
}

function workloadPods(inv: Inventory): Map<string, WorkloadPods> {
  const m = new Map<string, WorkloadPods>();
  const pods = new Map<string, Pod[]>();
  for (const p of inv.pods) {
    const l = pods.get(p.workload);
    if (l) l.push(p);
    else pods.set(p.workload, [p]);
  }
  for (const w of inv.workloads) m.set(w.id, { labels: w.labels, pods: pods.get(w.id) ?? [], ...(w.source ? { source: w.source } : {}) });
  return m;
}

/** Every object change between two inventories, sorted by kind then id. */
export function diffObjects(o: Inventory, n: Inventory): ObjectChange[] {
  const out: ObjectChange[] = [];
  const op = new Map(o.policies.map((p) => [p.id, p]));
  const np = new Map(n.policies.map((p) => [p.id, p]));
  for (const id of sortedUnion(op.keys(), np.keys())) {
    const a = op.get(id);
    const b = np.get(id);
    if (!a) out.push({ key: `NetworkPolicy ${id}`, kind: 'NetworkPolicy', id, change: 'added', fields: [], details: [], source: b!.source });
    else if (!b) out.push({ key: `NetworkPolicy ${id}`, kind: 'NetworkPolicy', id, change: 'removed', fields: [], details: [], source: a.source });
    else {
      const c = policyChange(a, b);
      if (c) out.push(c);
    }
  }
  const oa = new Map((o.adminPolicies ?? []).map((p) => [p.id, p]));
  const na = new Map((n.adminPolicies ?? []).map((p) => [p.id, p]));
  for (const id of sortedUnion(oa.keys(), na.keys())) {
    const a = oa.get(id);
    const b = na.get(id);
    const x = (b ?? a)!;
    const base = { key: `${x.kind} ${x.name}`, kind: x.kind, id: x.name, fields: [], details: [] };
    if (!a) out.push({ ...base, change: 'added', source: b!.source });
    else if (!b) out.push({ ...base, change: 'removed', source: a.source });
    else {
      const c = adminPolicyChange(a, b);
      if (c) out.push(c);
    }
  }
  const ow = workloadPods(o);
  const nw = workloadPods(n);
  for (const id of sortedUnion(ow.keys(), nw.keys())) {
    const a = ow.get(id);
    const b = nw.get(id);
    const base = { key: `Workload ${id}`, kind: 'Workload' as const, id };
    if (!a) out.push({ ...base, change: 'added', fields: [], details: [`labels ${labelsText(b!.labels)}`], ...(b!.source ? { source: b!.source } : {}) });
    else if (!b) out.push({ ...base, change: 'removed', fields: [], details: [], ...(a.source ? { source: a.source } : {}) });
    else {
      const fields: string[] = [];
      const details: string[] = [];
      if (!sameCanon(a.labels, b.labels)) (fields.push('labels'), details.push(`labels: ${labelDelta(a.labels, b.labels)}`));
      if (!samePodFacts(a.pods, b.pods)) podChanges(podFacts(a.pods), podFacts(b.pods), fields, details);
      if (fields.length) out.push({ ...base, change: 'changed', fields, details, ...(b.source ? { source: b.source } : {}) });
    }
  }
  const on = new Map(o.namespaces.map((x) => [x.name, x]));
  const nn = new Map(n.namespaces.map((x) => [x.name, x]));
  for (const name of sortedUnion(on.keys(), nn.keys())) {
    const a = on.get(name);
    const b = nn.get(name);
    const base = { key: `Namespace ${name}`, kind: 'Namespace' as const, id: name };
    // Namespaces only referenced by objects come and go with them: report label changes, not presence.
    if (!a || !b) continue;
    if (!sameCanon(a.labels, b.labels)) out.push({ ...base, change: 'changed', fields: ['labels'], details: [`labels: ${labelDelta(a.labels, b.labels)}`], ...(b.source ? { source: b.source } : {}) });
  }
  return out;
}

/** The fields and details of a workload's pod facts that changed. */
function podChanges(a: PodFacts, b: PodFacts, fields: string[], details: string[]): void {
  if (a.namedPorts.join() !== b.namedPorts.join()) {
    fields.push('named ports');
    details.push(`named ports: ${a.namedPorts.join(' ') || '(none)'} → ${b.namedPorts.join(' ') || '(none)'}`);
  }
  if (a.addresses.join() !== b.addresses.join()) (fields.push('addresses'), details.push(`addresses: ${a.addresses.join(' ') || '(none)'} → ${b.addresses.join(' ') || '(none)'}`));
  if (a.hostNetwork !== b.hostNetwork) (fields.push('hostNetwork'), details.push(`hostNetwork: ${a.hostNetwork} → ${b.hostNetwork}`));
}
