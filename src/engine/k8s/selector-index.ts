/**
 * Inverted label indexes over pod classes and namespaces, so a selector is matched against the few
 * classes that carry one of its required labels instead of every class of the cluster.
 */
import type { LabelSelector, Labels, Namespace } from '../../inventory/types.js';
import { matchesSelector } from '../../inventory/selector.js';
import type { PodClass } from './pod-classes.js';

/** A canonical text per selector (label keys and values cannot contain the separators used). */
function selectorKey(s: LabelSelector): string {
  let k = '';
  for (const key of Object.keys(s.matchLabels).sort()) k += `${key}=${s.matchLabels[key]},`;
  for (const r of s.matchExpressions) k += `|${r.key} ${r.operator} ${r.values.join(',')}`;
  return k;
}

/** Entries (classes of a namespace, or namespaces) with posting lists per label and per label key. */
interface NsIndex {
  readonly all: number[];
  readonly byLabel: Map<string, number[]>;
  readonly byKey: Map<string, number[]>;
}

const EMPTY: readonly number[] = [];

/** A superset (sorted) of the entries matching the selector: the shortest posting list among its positive requirements. */
function candidates(ix: NsIndex, s: LabelSelector): readonly number[] {
  let cand: readonly number[] = ix.all;
  for (const k in s.matchLabels) {
    const l = ix.byLabel.get(`${k}=${s.matchLabels[k]}`) ?? EMPTY;
    if (l.length < cand.length) cand = l;
  }
  for (const req of s.matchExpressions) {
    if (req.operator === 'Exists') {
      const l = ix.byKey.get(req.key) ?? EMPTY;
      if (l.length < cand.length) cand = l;
    } else if (req.operator === 'In') {
      const lists = req.values.map((v) => ix.byLabel.get(`${req.key}=${v}`) ?? EMPTY);
      const total = lists.reduce((n, l) => n + l.length, 0);
      if (total < cand.length) cand = [...new Set(lists.flat())].sort((a, b) => a - b);
    }
  }
  return cand;
}

export class SelectorIndex {
  private readonly perNs = new Map<string, NsIndex>();
  private readonly nsLabels = new Map<string, Labels>();
  private readonly nsCache = new Map<string, string[]>();
  private readonly podCache = new Map<string, readonly number[]>();
  private readonly acrossCache = new Map<string, readonly number[]>();
  /** Namespaces with selectable classes, in first-class order, and inverted label indexes over them. */
  private readonly nsNames: string[];
  private readonly nsIndex: NsIndex;

  /** Indexes the selectable classes (hostNetwork pods are invisible to selectors). */
  constructor(
    private readonly classes: readonly PodClass[],
    namespaces: readonly Namespace[],
  ) {
    for (const ns of namespaces) this.nsLabels.set(ns.name, ns.labels);
    for (const c of classes) {
      if (c.hostNetwork) continue;
      let ix = this.perNs.get(c.namespace);
      if (!ix) this.perNs.set(c.namespace, (ix = { all: [], byLabel: new Map(), byKey: new Map() }));
      ix.all.push(c.index);
      for (const k in c.labels) {
        const kv = `${k}=${c.labels[k]}`;
        let l = ix.byLabel.get(kv);
        if (!l) ix.byLabel.set(kv, (l = []));
        l.push(c.index);
        let lk = ix.byKey.get(k);
        if (!lk) ix.byKey.set(k, (lk = []));
        lk.push(c.index);
      }
    }
    this.nsNames = [...this.perNs.keys()];
    this.nsIndex = { all: this.nsNames.map((_, i) => i), byLabel: new Map(), byKey: new Map() };
    this.nsNames.forEach((ns, i) => {
      const labels = this.namespaceLabels(ns);
      for (const k in labels) {
        const kv = `${k}=${labels[k]}`;
        let l = this.nsIndex.byLabel.get(kv);
        if (!l) this.nsIndex.byLabel.set(kv, (l = []));
        l.push(i);
        let lk = this.nsIndex.byKey.get(k);
        if (!lk) this.nsIndex.byKey.set(k, (lk = []));
        lk.push(i);
      }
    });
  }

  /** Made afresh each time: cheaper than a WeakMap entry per selector (most are looked up once). */
  private key(s: LabelSelector): string {
    return selectorKey(s);
  }

  /** Labels of a namespace (only the automatic name label when it was not declared). */
  namespaceLabels(ns: string): Labels {
    return this.nsLabels.get(ns) ?? {};
  }

  /** Names of namespaces with selectable classes whose labels match the selector. */
  namespacesMatching(s: LabelSelector): string[] {
    const k = this.key(s);
    let r = this.nsCache.get(k);
    if (!r) {
      const names = this.nsNames;
      r = candidates(this.nsIndex, s)
        .filter((i) => matchesSelector(s, this.namespaceLabels(names[i]!)))
        .map((i) => names[i]!);
      this.nsCache.set(k, r);
    }
    return r;
  }

  /** Selectable classes of one namespace matching a pod selector (null: all of them), sorted. */
  classesMatching(ns: string, s: LabelSelector | null): readonly number[] {
    const ix = this.perNs.get(ns);
    if (!ix) return EMPTY;
    if (s === null) return ix.all;
    const ck = `${ns}\u0000${this.key(s)}`;
    let r = this.podCache.get(ck);
    if (r) return r;
    r = candidates(ix, s).filter((i) => matchesSelector(s, this.classes[i]!.labels));
    this.podCache.set(ck, r);
    return r;
  }

  /**
   * Selectable classes in namespaces matching `nsSelector` whose labels match `podSelector` (null: all),
   * sorted: classesMatching over namespacesMatching, merged once per pair of selectors.
   */
  classesAcross(nsSelector: LabelSelector, podSelector: LabelSelector | null): readonly number[] {
    const ck = `${this.key(nsSelector)}\u0000${podSelector === null ? '*' : `=${this.key(podSelector)}`}`;
    let r = this.acrossCache.get(ck);
    if (r) return r;
    const lists = this.namespacesMatching(nsSelector)
      .map((ns) => this.classesMatching(ns, podSelector))
      .filter((l) => l.length > 0);
    if (lists.length <= 1) r = lists[0] ?? EMPTY;
    else {
      // Classes of different namespaces are different classes: no duplicates to drop.
      const all = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
      let i = 0;
      for (const l of lists) for (const x of l) all[i++] = x;
      r = Array.from(all.sort());
    }
    this.acrossCache.set(ck, r);
    return r;
  }
}
