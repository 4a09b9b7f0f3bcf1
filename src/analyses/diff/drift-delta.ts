/**
 * The intent drift a change introduces or fixes: violations (paths between segments no flow allows, or
 * beyond a flow's ports) and invariant breaches, compared pair by pair between the two sides. Outside
 * ranges are compared by segment (e.g. `world`), since each side cuts the address space its own way.
 */
import type { Analysis } from '../../engine/index.js';
import { PortSet } from '../../model/port-set.js';
import { drift, pairsOf, type Intent, type PathBundle, type PathEnd } from '../intent/index.js';
import type { Invariant } from '../intent/types.js';
import { lex } from '../../util/compare.js';

export type DriftItemKind = 'violation' | 'over-broad' | 'invariant';

export interface DriftItem {
  readonly kind: DriftItemKind;
  /** Workload id, or `segment:<name>` for outside addresses. */
  readonly src: string;
  readonly dst: string;
  readonly srcSegment: string;
  readonly dstSegment: string;
  /** Offending ports introduced (or, for fixed items, no longer open). */
  readonly ports: PortSet;
  /** For invariant breaches: which invariant, as "never dev => db (file:line)". */
  readonly rule?: string;
}

/** Distinct paths (src, dst) that became or stopped being a problem between two segments. */
export interface SegmentPairDelta {
  readonly from: string;
  readonly to: string;
  readonly introduced: number;
  readonly fixed: number;
}

export interface DriftDelta {
  readonly intentFile: string;
  readonly introduced: readonly DriftItem[];
  readonly fixed: readonly DriftItem[];
  /** Distinct (src, dst) paths among the introduced and the fixed items (one path may break several rules). */
  readonly introducedPaths: number;
  readonly fixedPaths: number;
  /** Per (from segment, to segment): how many pairs became or stopped being a problem. */
  readonly bySegments: readonly SegmentPairDelta[];
}

function endKey(e: PathEnd, segment: string): string {
  return e.kind === 'external' ? `segment:${segment}` : e.id;
}

interface Entry {
  readonly item: Omit<DriftItem, 'ports'>;
  ports: PortSet;
}

/** Every offending (kind, src, dst, rule) with the union of its ports. */
/** How a drift delta names the invariant a path breaks: its kind, ends and place in the intent file. */
export function invariantRuleText(inv: Invariant): string {
  const what = 'from' in inv ? `${inv.kind} ${inv.from.join(',')}${'to' in inv ? ` => ${inv.to.join(',')}` : ''}` : inv.kind;
  return `${what} (${inv.source.file}:${inv.source.line})`;
}

function entries(a: Analysis, intent: Intent): Map<string, Entry> {
  const d = drift(a, intent);
  const out = new Map<string, Entry>();
  const add = (kind: DriftItemKind, b: PathBundle, rule?: string): void => {
    for (const [s, t] of pairsOf(b)) {
      const src = endKey(s, b.srcSegment);
      const dst = endKey(t, b.dstSegment);
      const key = [kind, src, dst, rule ?? ''].join('\u0000');
      const e = out.get(key);
      if (e) e.ports = e.ports.union(b.ports);
      else out.set(key, { item: { kind, src, dst, srcSegment: b.srcSegment, dstSegment: b.dstSegment, ...(rule ? { rule } : {}) }, ports: b.ports });
    }
  };
  for (const v of d.violations) add('violation', v);
  for (const v of d.overbroad) add('over-broad', v);
  for (const b of d.breaches) {
    add('invariant', b, invariantRuleText(b.invariant));
  }
  return out;
}

const ORDER: Record<DriftItemKind, number> = { invariant: 0, violation: 1, 'over-broad': 2 };

function sortItems(xs: DriftItem[]): DriftItem[] {
  return xs.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || lex(x.srcSegment, y.srcSegment) || lex(x.dstSegment, y.dstSegment) || lex(x.src, y.src) || lex(x.dst, y.dst) || lex(x.rule ?? '', y.rule ?? ''));
}

/** What the change from `oldA` to `newA` does to drift against the intent. */
export function driftDelta(oldA: Analysis, newA: Analysis, intent: Intent): DriftDelta {
  const o = entries(oldA, intent);
  const n = entries(newA, intent);
  const introduced: DriftItem[] = [];
  const fixed: DriftItem[] = [];
  for (const key of new Set([...o.keys(), ...n.keys()])) {
    const a = o.get(key);
    const b = n.get(key);
    const before = a?.ports ?? PortSet.NONE;
    const after = b?.ports ?? PortSet.NONE;
    const more = after.subtract(before);
    const less = before.subtract(after);
    if (!more.isEmpty()) introduced.push({ ...(b ?? a)!.item, ports: more });
    if (!less.isEmpty()) fixed.push({ ...(a ?? b)!.item, ports: less });
  }
  return deltaOf(intent.file, introduced, fixed);
}

/** The delta of these introduced and fixed items: the counts of distinct paths and the per-segment tally follow them. */
export function deltaOf(intentFile: string, introduced: DriftItem[], fixed: DriftItem[]): DriftDelta {
  const seg = new Map<string, { from: string; to: string; introduced: Set<string>; fixed: Set<string> }>();
  const bump = (x: DriftItem, field: 'introduced' | 'fixed'): void => {
    const k = `${x.srcSegment}\u0000${x.dstSegment}`;
    let s = seg.get(k);
    if (!s) seg.set(k, (s = { from: x.srcSegment, to: x.dstSegment, introduced: new Set(), fixed: new Set() }));
    s[field].add(`${x.src}\u0000${x.dst}`);
  };
  for (const x of introduced) bump(x, 'introduced');
  for (const x of fixed) bump(x, 'fixed');
  const paths = (xs: DriftItem[]): number => new Set(xs.map((x) => `${x.src}\u0000${x.dst}`)).size;
  return {
    intentFile,
    introduced: sortItems(introduced),
    fixed: sortItems(fixed),
    introducedPaths: paths(introduced),
    fixedPaths: paths(fixed),
    bySegments: [...seg.values()].map((s) => ({ from: s.from, to: s.to, introduced: s.introduced.size, fixed: s.fixed.size })).sort((x, y) => lex(x.from, y.from) || lex(x.to, y.to)),
  };
}
