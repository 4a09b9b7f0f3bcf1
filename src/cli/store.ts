/** What the history commands share: which store, `@N`/`@DATE`/`@latest` snapshot specs, durations. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DB, openStore, type SnapshotMeta, type Store } from '../store/index.js';
import { decodePayload, type SnapshotPayload } from '../store/codec.js';
import { UserError } from '../util/errors.js';
import { fsErrorWords, isFsError } from '../util/fs-errors.js';

export interface StoreOptions {
  readonly db?: string;
}

/** Adds `--db`. */
export function dbOption(c: Command): Command {
  return c.option('--db <store>', `the history store: a SQLite file or postgres://user@host/db (default: $BULKHEAD_DB, else ${DEFAULT_DB} beside the intent, else in the working directory)`);
}

/** --db, else BULKHEAD_DB, else `.bulkhead/bulkhead.db` beside the intent file (when there is one), else here. */
export function storeSpec(opts: StoreOptions, intentPath?: string): string {
  if (opts.db) return opts.db;
  const env = process.env['BULKHEAD_DB'];
  if (env) return env;
  return intentPath ? join(dirname(intentPath), DEFAULT_DB) : DEFAULT_DB;
}

/** Opens the store, runs fn, always closes it. */
export async function withStore<T>(spec: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(spec);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** `@3`, `@latest`, `@latest~1`, `@2026-09-01` (the last snapshot taken on or before that day) or `@label`. */
export function isSnapshotSpec(s: string): boolean {
  return s.startsWith('@') && s.length > 1;
}

/** The snapshot a spec names; a spec that names none is an error listing what there is. */
export function pickSnapshot(all: readonly SnapshotMeta[], spec: string, where: string): SnapshotMeta {
  const body = spec.slice(1);
  const none = (why: string): UserError =>
    new UserError(`${spec}: ${why} in ${where}`, all.length ? `snapshots: @${all[0]!.id} (${all[0]!.takenAt}) to @${all[all.length - 1]!.id} (${all[all.length - 1]!.takenAt}); see bulkhead history` : 'take one with bulkhead snapshot INPUTS');
  if (all.length === 0) throw none("no snapshots");
  const latest = /^latest(?:~(\d+))?$/.exec(body);
  if (latest) {
    const back = Number(latest[1] ?? 0);
    const s = all[all.length - 1 - back];
    if (!s) throw none(`there are only ${all.length} snapshot(s)`);
    return s;
  }
  if (/^\d+$/.test(body)) {
    const s = all.find((x) => x.id === Number(body));
    if (!s) throw none(`no snapshot #${body}`);
    return s;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(body)) {
    const t = Date.parse(body.length === 10 ? `${body}T23:59:59.999Z` : body);
    if (Number.isNaN(t)) throw none('not a date');
    const before = all.filter((x) => Date.parse(x.takenAt) <= t);
    if (before.length === 0) throw none(`no snapshot taken on or before ${body}`);
    return before[before.length - 1]!;
  }
  const labelled = all.filter((x) => x.label === body);
  if (labelled.length === 0) throw none('no snapshot with that number, date or label');
  return labelled[labelled.length - 1]!;
}

/** Loads and decodes the payload of one snapshot. */
export async function snapshotPayload(store: Store, s: SnapshotMeta): Promise<SnapshotPayload> {
  const data = await store.payload(s.id);
  if (!data) throw new UserError(`snapshot @${s.id} vanished from ${store.location} (pruned meanwhile?)`);
  return decodePayload(data, `@${s.id}`);
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `90d`, `12h`, `4w`, `30m` before `now`, or an ISO date/time, as an ISO instant. */
export function parseSince(s: string, now: Date, option: string): string {
  const m = /^(\d+)([mhdw])$/.exec(s.trim());
  if (m) return new Date(now.getTime() - Number(m[1]) * UNITS[m[2]!]!).toISOString();
  const t = Date.parse(s);
  if (!Number.isNaN(t) && /^\d{4}-\d{2}-\d{2}/.test(s)) return new Date(t).toISOString();
  throw new UserError(`bad ${option} "${s}"`, 'give a duration such as 90d, 12h or 4w, or a date such as 2026-09-01');
}

/** A time the user gives for a record (--at): ISO date or date-time. */
export function parseAt(s: string | undefined, now: Date): string {
  if (s === undefined) return now.toISOString();
  const t = Date.parse(s);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(s)) throw new UserError(`bad --at "${s}"`, 'give an ISO date or date-time such as 2026-09-01 or 2026-09-01T12:00:00Z');
  return new Date(t).toISOString();
}

/** Reads a small text file named by the user (intent, settings) or exits 2 naming it. */
export function readNamedText(path: string, what: string): { path: string; text: string } {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    if (isFsError(e)) throw new UserError(`cannot read ${what} ${path}: ${fsErrorWords(e)}`);
    throw e;
  }
}
