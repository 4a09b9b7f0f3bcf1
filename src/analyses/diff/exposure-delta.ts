/** Exposure beyond the input opened or closed by a change (see ../exposure.ts). */
import type { Analysis } from '../../engine/index.js';
import type { Direction } from '../../inventory/types.js';
import { PortSet } from '../../model/port-set.js';
import { lex } from '../../util/compare.js';
import type { Level, ResolvedEndpoint } from '../endpoints.js';
import { computeExposure, exposurePeerText, type Exposure, type ExposurePeer } from '../exposure.js';

/** One endpoint's exposure to one peer beyond the input, before and after. */
export interface ExposureChange {
  readonly kind: 'opened' | 'closed' | 'changed';
  readonly endpoint: string;
  readonly direction: Direction;
  readonly peer: ExposurePeer;
  readonly old: PortSet;
  readonly new: PortSet;
  /** What the change adds and takes away. */
  readonly opened: PortSet;
  readonly closed: PortSet;
}

function keyOf(x: Exposure): string {
  return `${x.direction}\u0000${x.endpoint}\u0000${exposurePeerText(x.peer, true)}`;
}

/** Exposure changes between two snapshots, sorted by direction, endpoint and peer; none for whole-cluster inputs. */
export function diffExposure(oldA: Analysis, newA: Analysis, level: Level, wholeCluster = false, cluster?: { readonly old: readonly ResolvedEndpoint[]; readonly new: readonly ResolvedEndpoint[] }): ExposureChange[] {
  if (wholeCluster) return [];
  const before = new Map(computeExposure(oldA, { level, ...(cluster ? { cluster: cluster.old } : {}) }).map((x) => [keyOf(x), x]));
  const after = new Map(computeExposure(newA, { level, ...(cluster ? { cluster: cluster.new } : {}) }).map((x) => [keyOf(x), x]));
  // Only the keys whose connections differ are sorted: nearly every exposure is the same on both sides.
  const differ: string[] = [];
  for (const [k, o] of before) if (!o.conns.equals(after.get(k)?.conns ?? PortSet.NONE)) differ.push(k);
  for (const [k, n] of after) if (!before.has(k) && !n.conns.equals(PortSet.NONE)) differ.push(k);
  const out: ExposureChange[] = [];
  for (const k of differ.sort(lex)) {
    const o = before.get(k);
    const n = after.get(k);
    const oc = o?.conns ?? PortSet.NONE;
    const nc = n?.conns ?? PortSet.NONE;
    const x = (n ?? o)!;
    out.push({ kind: !o ? 'opened' : !n ? 'closed' : 'changed', endpoint: x.endpoint, direction: x.direction, peer: x.peer, old: oc, new: nc, opened: nc.subtract(oc), closed: oc.subtract(nc) });
  }
  return out;
}
