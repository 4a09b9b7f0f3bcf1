/**
 * Writes a collection as the snapshot directory the reader reads (docs/aws.md): `<account>/<region>/<file>.json`
 * per output, as `aws ec2 describe-* --output json` prints it, plus `.bulkhead-aws-snapshot.json` (hidden, so
 * never read as input) saying what was asked, where and when. No credential is in any of it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../../../util/errors.js';
import type { AwsCollection } from './collect.js';

export const AWS_SNAPSHOT_MANIFEST = '.bulkhead-aws-snapshot.json';

export interface AwsSnapshotManifest {
  readonly schema: 'bulkhead.aws-snapshot/v1';
  readonly account: string | null;
  readonly profile: string | null;
  readonly regions: readonly string[];
  readonly takenAt: string;
  readonly files: ReadonlyArray<{ file: string; key: string; action: string; count: number }>;
  readonly warnings: readonly string[];
}

/** Writes the snapshot; `dir` must be new, empty, or a previous AWS snapshot (whose files are replaced). */
export function writeAwsSnapshot(dir: string, c: AwsCollection, profile: string | undefined, now: Date = new Date()): AwsSnapshotManifest {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0) {
      if (!entries.includes(AWS_SNAPSHOT_MANIFEST)) throw new UserError(`${dir} is not empty and not a Bulkhead AWS snapshot: not overwriting it`, 'give a new directory');
      const old = JSON.parse(readFileSync(join(dir, AWS_SNAPSHOT_MANIFEST), 'utf8')) as Partial<AwsSnapshotManifest>;
      // Only files the old manifest names, inside the directory: a hand-edited manifest cannot delete elsewhere.
      for (const f of old.files ?? []) if (typeof f.file === 'string' && !f.file.split('/').includes('..') && !f.file.startsWith('/')) rmSync(join(dir, f.file), { force: true });
    }
  }
  const files: Array<AwsSnapshotManifest['files'][number]> = [];
  for (const r of c.regions) {
    const base = c.account !== undefined ? `${c.account}/${r.region}` : r.region;
    for (const f of r.files) {
      const rel = `${base}/${f.file}`;
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      // Four spaces, as the AWS CLI indents: a snapshot from either collector diffs cleanly against the other.
      writeFileSync(join(dir, rel), `${JSON.stringify({ [f.key]: f.value }, null, 4)}\n`);
      files.push({ file: rel, key: f.key, action: f.action, count: f.count });
    }
  }
  const manifest: AwsSnapshotManifest = {
    schema: 'bulkhead.aws-snapshot/v1',
    account: c.account ?? null,
    profile: profile ?? null,
    regions: c.regions.map((r) => r.region),
    takenAt: now.toISOString(),
    files,
    warnings: [...c.warnings],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, AWS_SNAPSHOT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
