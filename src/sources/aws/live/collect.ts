/**
 * Reads an AWS estate through the SDK, region by region, into the describe-* outputs the snapshot reader
 * reads: every call of calls.ts, each paginated to its last page. Nothing is written here; a failed call
 * stops the collection with a UserError, so no snapshot ever lacks an output silently.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { lex } from '../../../util/compare.js';
import { PER_OBJECT_CALLS, REGION_CALLS } from './calls.js';
import { ec2Client, resolveSecrets, type AwsClientOptions } from './client.js';
import { awsUserError } from './errors.js';

type Obj = Record<string, unknown>;

/**
 * One output file of a region: `{"<key>": [...]}` or, for per-object calls, `{"<key>": {"<id>": [...]}}`; a route
 * search AWS cut short is kept whole, `{"<id>": {"Routes": [...], "AdditionalRoutesAvailable": true}}`.
 */
export interface CollectedFile {
  readonly file: string;
  readonly key: string;
  readonly action: string;
  readonly value: unknown[] | Record<string, unknown>;
  /** Objects (or, keyed, entries over every id) in it. */
  readonly count: number;
}

export interface CollectedRegion {
  readonly region: string;
  readonly files: readonly CollectedFile[];
}

export interface AwsCollection {
  /** The most common VPC owner (the `<account>/` directory); undefined when no region has a VPC. */
  readonly account: string | undefined;
  readonly regions: readonly CollectedRegion[];
  /** What the snapshot may lack (a route search AWS cut short): printed and kept in the manifest. */
  readonly warnings: readonly string[];
  /** Every action requested, in order (the manifest's record; tests check it is read-only). */
  readonly calls: readonly string[];
}

export interface CollectOptions extends AwsClientOptions {
  readonly regions: readonly string[];
  /** Called after each region. */
  readonly progress?: (region: string, files: readonly CollectedFile[]) => void;
}

/** Collects every region; throws a UserError (no secret in it) on the first call that fails. */
export async function collectAws(o: CollectOptions): Promise<AwsCollection> {
  const regions: CollectedRegion[] = [];
  const warnings: string[] = [];
  const calls: string[] = [];
  const seen = new Map<string, Set<string>>();
  for (const region of o.regions) {
    const client = ec2Client(region, o);
    try {
      const secrets = await resolveSecrets(client, o.profile);
      const ctx = { region, profile: o.profile, secrets };
      const files = await collectRegion(client, ctx, seen, warnings, calls);
      regions.push({ region, files });
      o.progress?.(region, files);
    } finally {
      client.destroy();
    }
  }
  return { account: accountOf(regions), regions, warnings, calls };
}

interface Ctx {
  readonly region: string;
  readonly profile: string | undefined;
  readonly secrets: readonly string[];
}

async function allPages(client: EC2Client, ctx: Ctx, action: string, run: () => AsyncIterable<Obj>, calls: string[], onPage: (p: Obj) => void): Promise<void> {
  try {
    calls.push(action);
    for await (const page of run()) onPage(page);
  } catch (e) {
    throw awsUserError(e, { ...ctx, action });
  }
}

async function collectRegion(client: EC2Client, ctx: Ctx, seen: Map<string, Set<string>>, warnings: string[], calls: string[]): Promise<CollectedFile[]> {
  const files: CollectedFile[] = [];
  const lists = new Map<string, Obj[]>();
  for (const c of REGION_CALLS) {
    const items: Obj[] = [];
    await allPages(client, ctx, c.action, () => c.pages(client, c.pageSize, {}), calls, (p) => items.push(...((p[c.key] as Obj[] | undefined) ?? [])));
    let kept = items;
    if (c.globalId !== undefined) {
      // A peering across Regions is listed by both: the first region's copy is kept, so the reader sees one.
      const ids = seen.get(c.key) ?? new Set<string>();
      seen.set(c.key, ids);
      kept = items.filter((it) => {
        const id = it[c.globalId!];
        if (typeof id !== 'string') return true;
        if (ids.has(id)) return false;
        ids.add(id);
        return true;
      });
    }
    lists.set(c.key, kept);
    files.push({ file: c.file, key: c.key, action: c.action, value: kept, count: kept.length });
  }
  for (const c of PER_OBJECT_CALLS) {
    const ids = (lists.get(c.parentKey) ?? []).map((p) => p[c.idField]).filter((id): id is string => typeof id === 'string').sort(lex);
    const keyed: Record<string, unknown> = {};
    let count = 0;
    for (const id of ids) {
      const items: Obj[] = [];
      let cut = false;
      await allPages(client, ctx, c.action, () => c.pages(client, c.pageSize, { [c.idField]: id, ...c.input }), calls, (p) => {
        items.push(...((p[c.outputList] as Obj[] | undefined) ?? []));
        cut = p['AdditionalRoutesAvailable'] === true && p['NextToken'] === undefined;
      });
      if (cut) warnings.push(`${ctx.region}: ${c.action} for ${id} returned ${items.length} routes and said more are available without a next page: the snapshot may lack some of its routes`);
      // A cut search is kept as AWS answered it, so whoever reads the snapshot later is told too (a caveat).
      keyed[id] = cut ? { [c.outputList]: items, AdditionalRoutesAvailable: true } : items;
      count += items.length;
    }
    files.push({ file: c.file, key: c.key, action: c.action, value: keyed, count });
  }
  return files;
}

/** The OwnerId most VPCs name (ties: the smallest); VPCs shared from another account name theirs, and the reader uses each object's own OwnerId. */
function accountOf(regions: readonly CollectedRegion[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of regions) {
    const vpcs = r.files.find((f) => f.key === 'Vpcs')?.value;
    for (const v of Array.isArray(vpcs) ? (vpcs as Obj[]) : []) {
      const owner = v['OwnerId'];
      if (typeof owner === 'string' && /^\d{12}$/.test(owner)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  for (const [k, n] of [...counts].sort((a, b) => lex(a[0], b[0]))) if (best === undefined || n > counts.get(best)!) best = k;
  return best;
}
