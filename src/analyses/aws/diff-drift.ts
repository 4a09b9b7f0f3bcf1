/**
 * The intent drift a change to an AWS estate introduces or fixes, as the cluster's diff reports it
 * (src/analyses/diff/drift-delta.ts): violations, over-broad paths and invariant breaches compared pair by
 * pair, outside ranges by segment (each side cuts the address space its own way); and the flows the change
 * breaks or restores, compared flow by flow.
 */
import { invariantRuleText } from '../diff/drift-delta.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { lex } from '../../util/compare.js';
import { pairsOf, type PathBundle } from '../intent/drift.js';
import type { Intent } from '../intent/types.js';
import { awsDrift, type AwsDrift, type AwsPathEnd } from './intent.js';
import type { AwsAnalysis } from './reach.js';

export type AwsDriftItemKind = 'violation' | 'over-broad' | 'invariant';

export interface AwsDriftItem {
  readonly kind: AwsDriftItemKind;
  /** Endpoint id as the diff shows it, or `segment:<name>` for outside addresses. */
  readonly src: string;
  readonly dst: string;
  readonly srcSegment: string;
  readonly dstSegment: string;
  /** Offending traffic introduced (or, for fixed items, no longer open). */
  readonly traffic: TrafficSet;
  /** For invariant breaches: which invariant, as "never dev -> db (file:line)". */
  readonly rule?: string;
}

/** A flow that some of its traffic no longer gets through (broken) or now gets through again (restored). */
export interface AwsFlowItem {
  /** 1-based position of the flow in the intent file. */
  readonly flow: number;
  readonly from: string;
  readonly to: string;
  /** The traffic of the flow that no member pair gets after the change (broken) or got before it (restored). */
  readonly traffic: TrafficSet;
  readonly reason: 'blocked' | 'no-source' | 'no-destination';
  readonly location: { readonly file: string; readonly line: number };
}

export interface AwsDriftDelta {
  readonly intentFile: string;
  readonly introduced: readonly AwsDriftItem[];
  readonly fixed: readonly AwsDriftItem[];
  /** Distinct (src, dst) paths among the introduced and the fixed items. */
  readonly introducedPaths: number;
  readonly fixedPaths: number;
  /** Per (from segment, to segment): how many paths became or stopped being a problem. */
  readonly bySegments: ReadonlyArray<{ readonly from: string; readonly to: string; readonly introduced: number; readonly fixed: number }>;
  readonly brokenFlows: readonly AwsFlowItem[];
  readonly restoredFlows: readonly AwsFlowItem[];
}

/** An interface end's id as both sides share it (the diff's identity, shown as the new side names it). */
export type EndIdOf = (e: AwsPathEnd) => string;

interface Entry {
  readonly item: Omit<AwsDriftItem, 'traffic'>;
  traffic: TrafficSet;
}

function entries(d: AwsDrift, endId: EndIdOf): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (kind: AwsDriftItemKind, b: PathBundle<AwsPathEnd, TrafficSet>, rule?: string): void => {
    for (const [s, t] of pairsOf(b)) {
      const src = s.kind === 'external' ? `segment:${b.srcSegment}` : endId(s);
      const dst = t.kind === 'external' ? `segment:${b.dstSegment}` : endId(t);
      const key = [kind, src, dst, rule ?? ''].join('\u0000');
      const e = out.get(key);
      if (e) e.traffic = e.traffic.union(b.ports);
      else out.set(key, { item: { kind, src, dst, srcSegment: b.srcSegment, dstSegment: b.dstSegment, ...(rule ? { rule } : {}) }, traffic: b.ports });
    }
  };
  for (const v of d.violations) add('violation', v);
  for (const v of d.overbroad) add('over-broad', v);
  for (const b of d.breaches) {
    add('invariant', b, invariantRuleText(b.invariant));
  }
  return out;
}

function flowEntries(d: AwsDrift): Map<string, AwsFlowItem> {
  const out = new Map<string, AwsFlowItem>();
  for (const b of d.broken) {
    const traffic = b.reason === 'blocked' ? b.missing : b.flow.traffic;
    out.set(`${b.flow.index}\u0000${b.from}\u0000${b.to}`, { flow: b.flow.index, from: b.from, to: b.to, traffic, reason: b.reason, location: { file: b.flow.source.file, line: b.flow.source.line } });
  }
  return out;
}

const ORDER: Record<AwsDriftItemKind, number> = { invariant: 0, violation: 1, 'over-broad': 2 };

function sortItems(xs: AwsDriftItem[]): AwsDriftItem[] {
  return xs.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || lex(x.srcSegment, y.srcSegment) || lex(x.dstSegment, y.dstSegment) || lex(x.src, y.src) || lex(x.dst, y.dst) || lex(x.rule ?? '', y.rule ?? ''));
}

/** What the change from `oldA` to `newA` does to the estate's drift against the intent. */
export function awsDriftDelta(oldA: AwsAnalysis, newA: AwsAnalysis, intent: Intent, ids: { readonly old: EndIdOf; readonly new: EndIdOf }): AwsDriftDelta {
  const od = awsDrift(oldA, intent);
  const nd = awsDrift(newA, intent);
  const o = entries(od, ids.old);
  const n = entries(nd, ids.new);
  const introduced: AwsDriftItem[] = [];
  const fixed: AwsDriftItem[] = [];
  for (const key of new Set([...o.keys(), ...n.keys()])) {
    const a = o.get(key);
    const b = n.get(key);
    const before = a?.traffic ?? TrafficSet.EMPTY;
    const after = b?.traffic ?? TrafficSet.EMPTY;
    const more = after.subtract(before);
    const less = before.subtract(after);
    if (!more.isEmpty()) introduced.push({ ...(b ?? a)!.item, traffic: more });
    if (!less.isEmpty()) fixed.push({ ...(a ?? b)!.item, traffic: less });
  }
  const of = flowEntries(od);
  const nf = flowEntries(nd);
  const brokenFlows: AwsFlowItem[] = [];
  const restoredFlows: AwsFlowItem[] = [];
  for (const key of new Set([...of.keys(), ...nf.keys()])) {
    const a = of.get(key);
    const b = nf.get(key);
    const more = (b?.traffic ?? TrafficSet.EMPTY).subtract(a?.traffic ?? TrafficSet.EMPTY);
    const less = (a?.traffic ?? TrafficSet.EMPTY).subtract(b?.traffic ?? TrafficSet.EMPTY);
    if (!more.isEmpty()) brokenFlows.push({ ...b!, traffic: more });
    if (!less.isEmpty()) restoredFlows.push({ ...a!, traffic: less });
  }
  const byFlow = (x: AwsFlowItem, y: AwsFlowItem): number => x.flow - y.flow || lex(x.from, y.from) || lex(x.to, y.to);
  const seg = new Map<string, { from: string; to: string; introduced: Set<string>; fixed: Set<string> }>();
  const bump = (x: AwsDriftItem, field: 'introduced' | 'fixed'): void => {
    const k = `${x.srcSegment}\u0000${x.dstSegment}`;
    let s = seg.get(k);
    if (!s) seg.set(k, (s = { from: x.srcSegment, to: x.dstSegment, introduced: new Set(), fixed: new Set() }));
    s[field].add(`${x.src}\u0000${x.dst}`);
  };
  for (const x of introduced) bump(x, 'introduced');
  for (const x of fixed) bump(x, 'fixed');
  const paths = (xs: AwsDriftItem[]): number => new Set(xs.map((x) => `${x.src}\u0000${x.dst}`)).size;
  return {
    intentFile: intent.file,
    introduced: sortItems(introduced),
    fixed: sortItems(fixed),
    introducedPaths: paths(introduced),
    fixedPaths: paths(fixed),
    bySegments: [...seg.values()].map((s) => ({ from: s.from, to: s.to, introduced: s.introduced.size, fixed: s.fixed.size })).sort((x, y) => lex(x.from, y.from) || lex(x.to, y.to)),
    brokenFlows: brokenFlows.sort(byFlow),
    restoredFlows: restoredFlows.sort(byFlow),
  };
}
