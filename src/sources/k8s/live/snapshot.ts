/**
 * A snapshot of what was read from a cluster, as files the file source reads back to the same inventory:
 * one JSON list per resource type (`pods.json`, `networkpolicies.networking.k8s.io.json`), shaped as the
 * API answers a list and with each item's kind and apiVersion, plus `.bulkhead-snapshot.json` (hidden, so
 * never read as a manifest) saying where and when it was taken. JSON, because it is what the API sent: no
 * YAML scalar can change meaning on the way back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../util/errors.js';
import type { ClusterRead } from './read.js';

export const SNAPSHOT_MANIFEST = '.bulkhead-snapshot.json';

export interface SnapshotManifest {
  readonly schema: 'bulkhead.snapshot/v1';
  readonly cluster: string;
  readonly server: string;
  readonly context: string;
  readonly namespaces?: readonly string[];
  readonly takenAt: string;
  readonly resources: ReadonlyArray<{ apiVersion: string; kind: string; resource: string; resourceVersion: string; count: number; file: string }>;
  /** Problems met while reading (a kind that could not be listed): the files alone do not say them. */
  readonly diagnostics: ReadonlyArray<{ severity: string; code: string; message: string }>;
}

/** The server URL without any user:password part. */
function bareServer(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Writes the snapshot; the directory must be new, empty, or a previous snapshot (whose files are replaced). */
export function writeSnapshot(dir: string, read: ClusterRead, now: Date = new Date()): SnapshotManifest {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0) {
      if (!entries.includes(SNAPSHOT_MANIFEST)) throw new UserError(`${dir} is not empty and not a Bulkhead snapshot: not overwriting it`, 'give a new directory');
      const old = JSON.parse(readFileSync(join(dir, SNAPSHOT_MANIFEST), 'utf8')) as Partial<SnapshotManifest>;
      for (const r of old.resources ?? []) if (typeof r.file === 'string' && !r.file.includes('/')) rmSync(join(dir, r.file), { force: true });
    }
  } else mkdirSync(dir, { recursive: true });
  const resources: Array<SnapshotManifest['resources'][number]> = [];
  for (const l of read.lists) {
    const t = l.type;
    const file = `${t.resource}${t.group ? `.${t.group}` : ''}.json`;
    const doc = { apiVersion: t.apiVersion, kind: `${t.kind}List`, metadata: { resourceVersion: l.resourceVersion }, items: l.items };
    writeFileSync(join(dir, file), `${JSON.stringify(doc, null, 2)}\n`);
    resources.push({ apiVersion: t.apiVersion, kind: t.kind, resource: t.resource, resourceVersion: l.resourceVersion, count: l.items.length, file });
  }
  const manifest: SnapshotManifest = {
    schema: 'bulkhead.snapshot/v1',
    cluster: read.cluster,
    server: bareServer(read.server),
    context: read.context,
    ...(read.namespaces ? { namespaces: read.namespaces } : {}),
    takenAt: now.toISOString(),
    resources,
    diagnostics: read.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message })),
  };
  writeFileSync(join(dir, SNAPSHOT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
