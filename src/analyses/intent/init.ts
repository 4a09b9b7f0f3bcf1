/**
 * A starting intent from the manifests as they are: one segment per namespace and tier, outside CIDRs the
 * policies name, the internet, and the flows open today between them, for a team to edit.
 */
import type { Analysis } from '../../engine/index.js';
import { PROTOCOLS, type PortSet } from '../../model/port-set.js';
import { drift } from './drift.js';
import { parseIntent } from './load.js';
import { goPlainScalar } from '../../sources/k8s/go-yaml-scalars.js';

/** Labels that name a tier, in order of preference. */
const TIER_KEYS = ['tier', 'app.kubernetes.io/component'];

export interface DraftSegment {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly cidrs?: readonly string[];
}

export interface DraftFlow {
  readonly from: string;
  readonly to: readonly string[];
  /** null: every port. */
  readonly ports: readonly string[] | null;
}

export interface DraftIntent {
  readonly segments: readonly DraftSegment[];
  readonly flows: readonly DraftFlow[];
}

/** A YAML flow scalar: plain when it reads back as this string (YAML 1.1, as kubectl and Bulkhead read), double-quoted otherwise. */
function scalar(s: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) && goPlainScalar(s) === s ? s : JSON.stringify(s);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** "TCP/80", "TCP/9090-9100", "UDP" (every UDP port); null when every port. */
export function portSpecs(p: PortSet): string[] | null {
  if (p.isAll()) return null;
  const out: string[] = [];
  for (const proto of PROTOCOLS) {
    const ranges = p.get(proto).ranges();
    if (ranges.length === 1 && ranges[0]![0] === 1 && ranges[0]![1] === 65535) out.push(proto);
    else for (const [lo, hi] of ranges) out.push(`${proto}/${lo === hi ? lo : `${lo}-${hi}`}`);
  }
  return out;
}

/** Segments from namespaces, tiers and the CIDRs the policies name (most specific first). */
export function draftSegments(a: Analysis): DraftSegment[] {
  const used = new Set<string>();
  const unique = (base: string): string => {
    let n = slug(base);
    for (let i = 2; used.has(n) || n === 'world'; i++) n = `${slug(base)}-${i}`;
    used.add(n);
    return n;
  };
  const segments: DraftSegment[] = [];
  const namespaces = [...new Set(a.inventory.pods.map((p) => p.namespace))].sort();
  for (const ns of namespaces) {
    const ws = a.inventory.workloads.filter((w) => w.namespace === ns && a.podsOf(w.id).length > 0);
    const key = TIER_KEYS.find((k) => ws.some((w) => w.labels[k] !== undefined));
    const tiers = key ? [...new Set(ws.map((w) => w.labels[key]).filter((v): v is string => v !== undefined))].sort() : [];
    for (const t of tiers) segments.push({ name: unique(`${ns}-${t}`), namespace: ns, labels: { [key!]: t } });
    if (!key || ws.some((w) => w.labels[key] === undefined)) segments.push({ name: unique(ns), namespace: ns });
  }
  const blocks = new Map<string, { text: string; prefix: number }>();
  for (const b of a.layer.allIpBlocks) if (b.cidr.prefix > 0 && !blocks.has(b.cidrText)) blocks.set(b.cidrText, { text: b.cidrText, prefix: b.cidr.prefix });
  for (const b of [...blocks.values()].sort((x, y) => y.prefix - x.prefix || (x.text < y.text ? -1 : 1))) segments.push({ name: unique(`net-${b.text.replace(/[/:.]/g, '-')}`), cidrs: [b.text] });
  const v6 = a.externals().some((x) => x.range.family === 6);
  segments.push({ name: unique('internet'), cidrs: v6 ? ['0.0.0.0/0', '::/0'] : ['0.0.0.0/0'] });
  return segments;
}

/** Renders a draft as an intent file; `header` lines become comments. */
export function renderIntentYaml(d: DraftIntent, header: readonly string[] = []): string {
  const out: string[] = header.map((h) => `# ${h}`);
  out.push('version: 1', 'segments:');
  for (const s of d.segments) {
    const parts: string[] = [];
    if (s.namespace) parts.push(`namespace: ${scalar(s.namespace)}`);
    if (s.labels) parts.push(`labels: {${Object.entries(s.labels).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`).join(', ')}}`);
    if (s.cidrs) parts.push(`cidrs: [${s.cidrs.map(scalar).join(', ')}]`);
    out.push(`  ${scalar(s.name)}: {${parts.join(', ')}}`);
  }
  if (d.flows.length === 0) out.push('flows: []');
  else {
    out.push('flows:');
    for (const f of d.flows) out.push(`  - {from: ${scalar(f.from)}, to: ${f.to.length === 1 ? scalar(f.to[0]!) : `[${f.to.map(scalar).join(', ')}]`}${f.ports ? `, ports: [${f.ports.map(scalar).join(', ')}]` : ''}}`);
  }
  out.push('invariants: []', '');
  return out.join('\n');
}

/** The starting intent: segments as drafted and a flow for every segment pair open today. */
export function draftIntent(a: Analysis): DraftIntent {
  const segments = draftSegments(a);
  const skeleton = parseIntent(renderIntentYaml({ segments, flows: [] }), 'bulkhead init');
  const d = drift(a, skeleton);
  const open = new Map<string, { from: string; to: string; ports: PortSet }>();
  for (const v of d.violations) {
    const k = `${v.srcSegment}\u0000${v.dstSegment}`;
    const cur = open.get(k);
    open.set(k, { from: v.srcSegment, to: v.dstSegment, ports: cur ? cur.ports.union(v.open) : v.open });
  }
  const order = new Map(segments.map((s, i) => [s.name, i]));
  // One flow per source and port set, listing every destination open on exactly those ports.
  const merged = new Map<string, { from: string; to: string[]; ports: string[] | null }>();
  for (const f of [...open.values()].sort((x, y) => order.get(x.from)! - order.get(y.from)! || order.get(x.to)! - order.get(y.to)!)) {
    const ports = portSpecs(f.ports);
    const k = `${f.from}\u0000${ports?.join(',') ?? '*'}`;
    const m = merged.get(k);
    if (m) m.to.push(f.to);
    else merged.set(k, { from: f.from, to: [f.to], ports });
  }
  return { segments, flows: [...merged.values()] };
}
