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

/** Class-level connectivity: `podBehaviour[i]` is the behaviour of inventory.pods[i]; cells are (src, dst, port) triples. */
export interface SnapshotConnectivity {
  readonly behaviours: number;
  readonly blocks: readonly string[];
  /** Port sets by id, as JSON (`{"TCP": [[80, 80]]}`). */
  readonly ports: readonly unknown[];
  /** base64 of an Int32Array aligned with inventory.pods. */
  readonly podBehaviour: string;
  /** base64 of an Int32Array of (source behaviour, destination column, port id); columns >= behaviours are blocks. */
  readonly cells: string;
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
  const row = new Uint32Array(m.size + m.blocks.length);
  const cells: number[] = [];
  for (let s = 0; s < m.size; s++) {
    m.rowInto(s, row);
    for (let d = 0; d < row.length; d++) if (row[d] !== NONE_ID && d !== s) cells.push(s, d, row[d]!);
  }
  const ports: unknown[] = [];
  for (let i = 0; i < a.ports.size; i++) ports.push(a.ports.get(i).toJSON());
  return {
    behaviours: m.size,
    blocks: m.blocks.map((b) => formatRange(b.range)),
    ports,
    podBehaviour: b64(pb),
    cells: b64(Int32Array.from(cells)),
  };
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
