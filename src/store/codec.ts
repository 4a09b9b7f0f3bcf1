/**
 * The snapshot payload: the inputs exactly as read (so any later Bulkhead rebuilds the inventory and runs
 * any analysis on it, with file:line intact), plus the class-level connectivity, findings and segment
 * health computed when it was taken. Stored as gzip'd JSON.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { InputText } from '../sources/input-files.js';
import type { SnapshotConnectivity, SnapshotFinding, SnapshotHealth } from '../analyses/snapshot.js';
import { UserError } from '../util/errors.js';

export const SNAPSHOT_SCHEMA = 'bulkhead.snapshot/v1';

export interface NamedText {
  readonly path: string;
  readonly text: string;
}

export interface SnapshotPayload {
  readonly schema: typeof SNAPSHOT_SCHEMA;
  readonly inputs: readonly string[];
  /** The -n default namespace the inputs were read with. */
  readonly namespace?: string;
  readonly files: readonly InputText[];
  readonly settings?: NamedText;
  readonly intent?: NamedText;
  readonly connectivity: SnapshotConnectivity;
  readonly findings: readonly SnapshotFinding[];
  readonly health: readonly SnapshotHealth[];
}

/** The content hash: the inputs, intent and settings (what decides every result), not when or by whom. */
export function contentHash(p: Pick<SnapshotPayload, 'files' | 'settings' | 'intent' | 'namespace'>): string {
  const h = createHash('sha256');
  const part = (tag: string, s: string): void => void h.update(`${tag}\u0000${Buffer.byteLength(s)}\u0000${s}`);
  part('namespace', p.namespace ?? '');
  for (const f of [...p.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    part('file', f.path);
    part('text', f.text);
  }
  if (p.settings) part('settings', `${p.settings.path}\u0000${p.settings.text}`);
  if (p.intent) part('intent', `${p.intent.path}\u0000${p.intent.text}`);
  return h.digest('hex');
}

/** Compresses a payload; returns the stored bytes and the raw size. */
export function encodePayload(p: SnapshotPayload): { data: Buffer; rawBytes: number } {
  const raw = Buffer.from(JSON.stringify(p), 'utf8');
  return { data: gzipSync(raw, { level: 6 }), rawBytes: raw.length };
}

/** Decompresses a stored payload; a payload this version cannot read is a clear error. */
export function decodePayload(data: Buffer, what: string): SnapshotPayload {
  let doc: unknown;
  try {
    doc = JSON.parse(gunzipSync(data).toString('utf8'));
  } catch (e) {
    throw new UserError(`snapshot ${what} is unreadable: ${(e as Error).message}`, 'the store may be damaged; take a new snapshot');
  }
  const schema = (doc as { schema?: unknown }).schema;
  if (schema !== SNAPSHOT_SCHEMA) throw new UserError(`snapshot ${what} has schema ${String(schema)}, not ${SNAPSHOT_SCHEMA}`, 'it was written by another Bulkhead version');
  return doc as SnapshotPayload;
}
