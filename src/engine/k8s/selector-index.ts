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

interface NsIndex {
  readonly all: number[];
  readonly byLabel: Map<string, number[]>;
  readonly byKey: Map<string, number[]>;
}

const EMPTY: readonly number[] = [];

export class SelectorIndex {
  private readonly perNs = new Map<string, NsIndex>();
  private readonly nsLabels = new Map<string, Labels>();
  private readonly nsCache = new Map<string, string[]>();
  private readonly podCache = new Map<string, readonly number[]>();
  private readonly keyCache = new WeakMap<LabelSelector, string>();

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
  }

  private key(s: LabelSelector): string {
    let k = this.keyCache.get(s);
    if (k === undefined) this.keyCache.set(s, (k = selectorKey(s)));
    return k;
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
      r = [...this.perNs.keys()].filter((ns) => matchesSelector(s, this.namespaceLabels(ns)));
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
    // Candidates: the shortest posting list among the selector's positive requirements.
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
    r = cand.filter((i) => matchesSelector(s, this.classes[i]!.labels));
    this.podCache.set(ck, r);
    return r;
  }
}
