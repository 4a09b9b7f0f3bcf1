/**
 * Change impact between two snapshots: connectivity opened and closed (pair, ports), the object changes
 * that cause it (policy added, selector changed, labels changed on a workload), and, with an intent,
 * the violations the change introduces or fixes.
 */
import type { Analysis } from '../engine/index.js';
import type { Endpoint, Level } from './endpoints.js';
import { attributeCauses } from './diff/causes.js';
import { diffConnectivity, type ConnChange } from './diff/connectivity.js';
import { mergeOutsideChanges } from './diff/outside.js';
import { diffObjects, type ObjectChange } from './diff/objects.js';
import { driftDelta, type DriftDelta } from './diff/drift-delta.js';
import { diffExposure, type ExposureChange } from './diff/exposure-delta.js';
import type { Intent } from './intent/index.js';
import type { UnmodelledObject } from '../inventory/types.js';
import type { UnreadableObject } from './diff/unreadable.js';
import { lex } from '../util/compare.js';

export { carryOverUnreadable, pathBelow, type UnreadableObject } from './diff/unreadable.js';

/** An object that may change traffic, not evaluated, added, removed or edited by the change. */
export interface UnmodelledChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly object: UnmodelledObject;
}

export interface DiffChange extends ConnChange {
  /** Keys of the object changes that can explain this change (ObjectChange.key). */
  readonly causes: readonly string[];
  /** "workload X added" when an end of the pair exists on one side only. */
  readonly endpointsInfo?: string;
}

export interface DiffObject extends ObjectChange {
  /** How many connectivity changes this object change can explain. */
  readonly explains: number;
}

export interface DiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly objects: number;
  /** Connectivity changes with no object change that explains them (should not happen; reported if it does). */
  readonly unexplained: number;
}

export interface DiffResult {
  readonly old: string;
  readonly new: string;
  readonly level: Level;
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  readonly changes: readonly DiffChange[];
  readonly objects: readonly DiffObject[];
  readonly unchanged: number;
  readonly summary: DiffSummary;
  /** With an intent: the violations the change introduces or fixes. */
  readonly drift?: DriftDelta;
  /** Objects the engine does not evaluate that the change adds, removes or edits: their effect is unknown. */
  readonly unmodelled: readonly UnmodelledChange[];
  /** Objects carried over from the old side because their file does not parse in the new one. */
  readonly unreadable: readonly UnreadableObject[];
  /** Exposure beyond the input opened or closed (empty when the settings say the input is the whole cluster). */
  readonly exposure: readonly ExposureChange[];
  /** Present when -n/-l narrowed the diff: the filter as given, and how many connection changes there were in all. */
  readonly scope?: { readonly filter: string; readonly total: number };
}

export interface DiffOptions {
  readonly level?: Level;
  /** Names shown for the two sides (the inputs as given). */
  readonly oldName?: string;
  readonly newName?: string;
  readonly intent?: Intent;
  /** The inputs are the whole cluster (settings input.wholeCluster): nothing is beyond them. */
  readonly wholeCluster?: boolean;
  /** What carryOverUnreadable carried into the new side. */
  readonly unreadable?: readonly UnreadableObject[];
}

/** Unmodelled objects added, removed or edited (compared by their text position-free content). */
function unmodelledChanges(old: readonly UnmodelledObject[], neu: readonly UnmodelledObject[]): UnmodelledChange[] {
  const key = (u: UnmodelledObject): string => `${u.kind}/${u.apiVersion.split('/')[0]}/${u.namespace ?? ''}/${u.name}`;
  const content = (u: UnmodelledObject): string => u.digest;
  const before = new Map(old.map((u) => [key(u), u]));
  const after = new Map(neu.map((u) => [key(u), u]));
  const out: UnmodelledChange[] = [];
  for (const [k, u] of after) {
    const o = before.get(k);
    if (!o) out.push({ change: 'added', object: u });
    else if (content(o) !== content(u)) out.push({ change: 'changed', object: u });
  }
  for (const [k, u] of before) if (!after.has(k)) out.push({ change: 'removed', object: u });
  return out.sort((a, b) => lex(key(a.object), key(b.object)));
}

/** Compares two analysed snapshots. */
export function diffAnalyses(oldA: Analysis, newA: Analysis, opts: DiffOptions = {}): DiffResult {
  const level = opts.level ?? 'workload';
  const conn = diffConnectivity(oldA, newA, level);
  const objects = diffObjects(oldA.inventory, newA.inventory);
  const causes = attributeCauses(oldA, newA, conn, objects);
  const noun = level === 'pod' ? 'pod' : 'workload';
  const perBlock: DiffChange[] = conn.changes.map((c, i) => {
    const info: string[] = [];
    for (const id of [c.src, c.dst]) {
      if (conn.endpoints.get(id)?.kind === 'External') continue;
      if (!conn.oldIds.has(id)) info.push(`${noun} ${id} added`);
      else if (!conn.newIds.has(id)) info.push(`${noun} ${id} removed`);
    }
    return { ...c, causes: causes[i]!, ...(info.length ? { endpointsInfo: info.join(', ') } : {}) };
  });
  // Outside blocks that change alike are one change, named as reach names them (see diff/outside.ts).
  const merged = mergeOutsideChanges(perBlock, conn.endpoints, (c) => `${c.old.key()}|${c.new.key()}|${c.causes.join('\n')}|${c.endpointsInfo ?? ''}`, ['changed', 'added', 'removed']);
  const changes = merged.changes;
  const count = new Map<string, number>();
  for (const c of changes) for (const k of c.causes) count.set(k, (count.get(k) ?? 0) + 1);
  const objs: DiffObject[] = objects.map((o) => ({ ...o, explains: count.get(o.key) ?? 0 }));
  return {
    old: opts.oldName ?? 'old',
    new: opts.newName ?? 'new',
    level,
    endpoints: merged.endpoints,
    changes,
    objects: objs,
    unchanged: conn.unchanged,
    summary: {
      added: changes.filter((c) => c.kind === 'added').length,
      removed: changes.filter((c) => c.kind === 'removed').length,
      changed: changes.filter((c) => c.kind === 'changed').length,
      objects: objs.length,
      unexplained: changes.filter((c) => c.causes.length === 0).length,
    },
    ...(opts.intent ? { drift: driftDelta(oldA, newA, opts.intent) } : {}),
    unmodelled: unmodelledChanges(oldA.inventory.unmodelled, newA.inventory.unmodelled),
    unreadable: opts.unreadable ?? [],
    exposure: diffExposure(oldA, newA, level, opts.wholeCluster, conn.cluster),
  };
}
