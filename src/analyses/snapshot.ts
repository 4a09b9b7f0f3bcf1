/**
 * What a snapshot records besides its inputs: the connectivity on behaviour classes (pod -> behaviour,
 * and the non-empty cells of the behaviour matrix, blocks included), the audit's findings and the
 * segment health, so history and review read them without re-running the engine.
 */
import type { Analysis } from '../engine/index.js';
import { NONE_ID } from '../engine/port-table.js';
import type { AuditResult } from './audit.js';
import type { FindingSeverity } from '../checks/index.js';
import type { SourceRef } from '../inventory/types.js';
import { formatRange } from '../model/address.js';

export interface SnapshotFinding {
  readonly id: string;
  readonly check: string;
  readonly severity: FindingSeverity;
  readonly title: string;
  readonly message: string;
  readonly resource: string;
  readonly location?: SourceRef;
  readonly remediation: string;
}

export interface SnapshotHealth {
  readonly segment: string;
  readonly source?: SourceRef;
  readonly members: number;
  readonly others: number;
  readonly reaches: number;
  readonly share: number;
  readonly reachedBy: number;
  readonly reachesOutside: boolean;
  readonly reachedFromOutside: boolean;
  readonly flat: boolean;
}

/**
 * Class-level connectivity, in the matrix's own sparse shape (nothing quadratic): `podBehaviour[i]` is the
 * behaviour of inventory.pods[i]; columns are behaviours, then external blocks. A row either starts from
 * `base` (sources not egress-isolated: the destinations' ingress defaults) or from nothing, and lists the
 * cells that differ: `rows` is, per behaviour in order, [fromBase (0|1), n, column_1, port_1, ...].
 */
export interface SnapshotConnectivity {
  readonly behaviours: number;
  readonly blocks: readonly string[];
  /** Port sets by id, as JSON (`{"TCP": [[80, 80]]}`); 0 is nothing, 1 everything. */
  readonly ports: readonly unknown[];
  /** base64 of an Int32Array aligned with inventory.pods. */
  readonly podBehaviour: string;
  /** base64 of an Int32Array: the default row (port ids), -1 where every row lists its own cell. */
  readonly base: string;
  /** base64 of an Int32Array, as above. */
  readonly rows: string;
}

function b64(a: Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Decodes a base64 Int32Array written by this module. */
export function int32s(s: string): Int32Array {
  const b = Buffer.from(s, 'base64');
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Int32Array(copy.buffer);
}

/** The class-level connectivity of an analysis, compactly. */
export function connectivityOf(a: Analysis): SnapshotConnectivity {
  const m = a.matrix;
  const pods = a.inventory.pods;
  const pb = new Int32Array(pods.length);
  pods.forEach((p, i) => (pb[i] = m.behaviourOf[a.classOf(p.id)]!));
  const len = m.size + m.blocks.length;
  const row = new Uint32Array(len);
  const base = new Int32Array(len).fill(-1);
  let unknown: number[] | undefined;
  const touchedMark = new Uint8Array(len);
  const rows: number[] = [];
  for (let s = 0; s < m.size; s++) {
    const { fromBase, touched } = m.rowInto(s, row);
    for (const d of touched) touchedMark[d] = 1;
    const cells: number[] = [];
    if (fromBase) {
      // The default row is learnt from the untouched cells of rows that start from it.
      if (!unknown) {
        unknown = [];
        for (let d = 0; d < len; d++) if (touchedMark[d]) unknown.push(d);
        else base[d] = row[d]!;
      } else if (unknown.length) {
        unknown = unknown.filter((d) => (touchedMark[d] ? true : ((base[d] = row[d]!), false)));
      }
      for (const d of touched) if (row[d] !== base[d]) cells.push(d, row[d]!);
    } else {
      for (const d of touched) if (row[d] !== NONE_ID) cells.push(d, row[d]!);
      // Blocks come from the source's egress rules, not from the touched behaviours.
      for (let d = m.size; d < len; d++) if (row[d] !== NONE_ID && !touchedMark[d]) cells.push(d, row[d]!);
    }
    for (const d of touched) touchedMark[d] = 0;
    rows.push(fromBase ? 1 : 0, cells.length / 2);
    for (const x of cells) rows.push(x);
  }
  const ports: unknown[] = [];
  for (let i = 0; i < a.ports.size; i++) ports.push(a.ports.get(i).toJSON());
  return {
    behaviours: m.size,
    blocks: m.blocks.map((b) => formatRange(b.range)),
    ports,
    podBehaviour: b64(pb),
    base: b64(base),
    rows: b64(Int32Array.from(rows)),
  };
}

/** The port id from behaviour s to column d, read back from a stored connectivity (tests, tools). */
export function storedCell(c: SnapshotConnectivity, s: number, d: number): number {
  const base = int32s(c.base);
  const rows = int32s(c.rows);
  let at = 0;
  for (let i = 0; i < s; i++) at += 2 + 2 * rows[at + 1]!;
  const fromBase = rows[at] === 1;
  const n = rows[at + 1]!;
  for (let k = 0; k < n; k++) if (rows[at + 2 + 2 * k] === d) return rows[at + 3 + 2 * k]!;
  return fromBase ? base[d]! : NONE_ID;
}

/** The findings and segment health of an audit, without what can be recomputed. */
export function auditRecord(r: AuditResult): { findings: SnapshotFinding[]; health: SnapshotHealth[] } {
  return {
    findings: r.findings.map((f) => ({
      id: f.id,
      check: f.check,
      severity: f.severity,
      title: f.title,
      message: f.message,
      resource: f.resource,
      ...(f.location ? { location: f.location } : {}),
      remediation: f.remediation,
    })),
    health: (r.health ?? []).map((h) => ({
      segment: h.segment.name,
      ...(h.segment.source ? { source: h.segment.source } : {}),
      members: h.members,
      others: h.others,
      reaches: h.reaches,
      share: h.share,
      reachedBy: h.reachedBy,
      reachesOutside: h.reachesOutside,
      reachedFromOutside: h.reachedFromOutside,
      flat: h.flat,
    })),
  };
}
