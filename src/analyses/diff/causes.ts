/**
 * Links each connectivity change to the object changes that can explain it. A pair's connectivity depends
 * only on the two endpoints (labels, namespace labels, named ports of the destination, addresses) and on
 * the policies selecting the source for egress or the destination for ingress; so those are the candidates.
 */
import type { Analysis } from '../../engine/index.js';
import type { Endpoint, Level } from '../endpoints.js';
import type { ConnChange, ConnectivityDiff } from './connectivity.js';
import type { ObjectChange } from './objects.js';

/** Object keys of the policies (NetworkPolicy, admin, baseline) selecting an endpoint for one direction, memoized. */
class Selection {
  private readonly memo = new Map<string, Set<string>>();
  constructor(private readonly a: Analysis, private readonly level: Level) {}

  of(id: string, direction: 'ingress' | 'egress'): Set<string> {
    const key = `${direction} ${id}`;
    let s = this.memo.get(key);
    if (!s) {
      s = new Set();
      const classes = this.level === 'pod' ? (this.a.pod(id) ? [this.a.classOf(id)] : []) : this.a.workload(id) ? this.a.classesOf(id) : [];
      for (const c of classes) {
        for (const p of this.a.layer.selecting[direction][c]!) s.add(`NetworkPolicy ${p.id}`);
        for (const id of this.a.adminPoliciesAt(direction, c)) s.add(id.replace('/', ' '));
      }
      this.memo.set(key, s);
    }
    return s;
  }
}

/** The workload an endpoint belongs to (itself at workload level), or undefined for outside blocks. */
function workloadOf(e: Endpoint | undefined): string | undefined {
  if (!e || e.kind === 'External') return undefined;
  return e.workload ?? e.id;
}

/** For each change (same order as diff.changes), the keys of the object changes that can explain it. */
export function attributeCauses(oldA: Analysis, newA: Analysis, diff: ConnectivityDiff, objects: readonly ObjectChange[]): string[][] {
  const sel = { old: new Selection(oldA, diff.level), new: new Selection(newA, diff.level) };
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const explains = (c: ConnChange): string[] => {
    const out: string[] = [];
    const src = diff.endpoints.get(c.src);
    const dst = diff.endpoints.get(c.dst);
    const add = (key: string, when: (o: ObjectChange) => boolean = () => true): void => {
      const o = byKey.get(key);
      if (o && when(o) && !out.includes(key)) out.push(key);
    };
    // Policies: egress of the source, ingress of the destination, on either side of the change.
    for (const side of ['old', 'new'] as const) {
      const ids = [c.src, c.dst];
      if (src && src.kind !== 'External') for (const k of sel[side].of(ids[0]!, 'egress')) add(k);
      if (dst && dst.kind !== 'External') for (const k of sel[side].of(ids[1]!, 'ingress')) add(k);
    }
    const sw = workloadOf(src);
    const dw = workloadOf(dst);
    // Named ports resolve on the destination only; everything else about either end can matter.
    if (sw) add(`Workload ${sw}`, (o) => o.change !== 'changed' || o.fields.some((f) => f !== 'named ports'));
    if (dw) add(`Workload ${dw}`);
    for (const e of [src, dst]) if (e?.namespace) add(`Namespace ${e.namespace}`);
    return out;
  };
  return diff.changes.map(explains);
}
