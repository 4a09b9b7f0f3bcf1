/** The store's records, shared by both dialects. */
import type { FindingSeverity } from '../checks/index.js';

/** What `bulkhead history` shows of a snapshot without opening its payload. */
export interface SnapshotSummary {
  readonly inputs: readonly string[];
  readonly intent?: string;
  readonly pods: number;
  readonly workloads: number;
  readonly policies: number;
  readonly findings: Readonly<Record<FindingSeverity, number>>;
  readonly segments?: number;
  readonly flatSegments?: number;
}

export interface SnapshotMeta {
  readonly id: number;
  /** ISO-8601 UTC. */
  readonly takenAt: string;
  readonly label?: string;
  /** sha256 of the snapshot's inputs (files, intent, settings), hex. */
  readonly hash: string;
  readonly summary: SnapshotSummary;
  /** Stored (compressed) payload size. */
  readonly bytes: number;
  /** Uncompressed payload size. */
  readonly rawBytes: number;
}

export interface NewSnapshot {
  readonly takenAt: string;
  readonly label?: string;
  readonly hash: string;
  readonly summary: SnapshotSummary;
  /** The gzip'd payload (see codec.ts). */
  readonly data: Buffer;
  readonly rawBytes: number;
}

/** One observed flow as stored: its dedup hash, its time span and the record as JSON. */
export interface StoredFlow {
  readonly hash: string;
  readonly startAt: string;
  readonly endAt: string;
  readonly source: string;
  readonly record: string;
}

export interface ReviewRecord {
  readonly id: number;
  readonly takenAt: string;
  readonly snapshotId: number;
  /** JSON: what --fail-on compares the next review with. */
  readonly summary: string;
}

/** Snapshots, flows and reviews; one implementation for SQLite and PostgreSQL (sql.ts). */
export interface Store {
  /** Where it is, for messages (a path, or the URL without its password). */
  readonly location: string;
  /** Records a snapshot unless the latest one has the same content hash (then created is false). */
  addSnapshot(s: NewSnapshot): Promise<{ snapshot: SnapshotMeta; created: boolean }>;
  /** Every snapshot, oldest first. */
  snapshots(): Promise<SnapshotMeta[]>;
  payload(id: number): Promise<Buffer | undefined>;
  /** Deletes snapshots taken and flows ended before `before` (ISO), always keeping the latest snapshot. */
  prune(before: string): Promise<{ snapshots: number; flows: number }>;
  /** Adds flows; a flow already stored (same hash) is counted as a duplicate. */
  addFlows(flows: readonly StoredFlow[]): Promise<{ added: number; duplicates: number }>;
  /** Flows overlapping [from, to] (ISO), oldest first. */
  flows(from?: string, to?: string): Promise<StoredFlow[]>;
  addReview(r: Omit<ReviewRecord, 'id'>): Promise<number>;
  lastReview(): Promise<ReviewRecord | undefined>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
