/**
 * An AWS snapshot directory (`aws ec2 describe-*` JSON as the CLI prints it, optionally under
 * `<account>/<region>/`) to the AWS model: each file's top-level keys go to their resource reader, then
 * keyed parts are joined to their owners and every reference is checked.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { AwsInventory, NetworkInterface, PrefixList, TgwRoute, TgwRouteTable, VpcEndpoint } from '../../inventory/aws/types.js';
import type { Diagnostic } from '../../inventory/types.js';
import { UserError } from '../../util/errors.js';
import { lex } from '../../util/compare.js';
import { parseDocuments } from '../k8s/yaml-documents.js';
import { FieldReader } from './fields.js';
import { IGNORED_KEYS, resourceFor } from './registry.js';
import { emptyParts, withInstanceTags, type SnapshotParts } from './resource.js';
import { checkReferences } from './references.js';
import { isCollectorDoc, readCollectorDoc } from './collector.js';

export interface SnapshotFile {
  /** The path as shown in diagnostics. */
  readonly path: string;
  readonly text: string;
  /** From the `<account>/<region>/` directories above the file, when any. */
  readonly account?: string;
  readonly region?: string;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** The account and region a file's directories name (`123456789012/eu-west-1/vpcs.json`). */
export function scopeOfPath(rel: string): { account?: string; region?: string } {
  const parts = rel.split(/[\\/]/).slice(0, -1);
  const out: { account?: string; region?: string } = {};
  for (const p of parts) {
    if (ACCOUNT.test(p)) out.account = p;
    else if (REGION.test(p)) out.region = p;
  }
  return out;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => lex(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && /\.json$/i.test(e.name)) out.push(p);
  }
}

/** Reads every .json file under a directory (or one file). Throws UserError only when nothing can be read. */
export async function readAwsSnapshot(path: string): Promise<AwsInventory> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new UserError(`cannot read ${path}: no such file or directory`);
  }
  const files: string[] = [];
  if (st.isDirectory()) await walk(path, files);
  else files.push(path);
  if (files.length === 0) throw new UserError(`${path}: directory holds no .json file`);
  const texts: SnapshotFile[] = [];
  for (const f of files) {
    const rel = st.isDirectory() ? relative(path, f) : f;
    texts.push({ path: f.split(sep).join('/'), text: await readFile(f, 'utf8'), ...scopeOfPath(rel) });
  }
  return buildAwsInventory(texts);
}

/** The AWS model of snapshot texts; every problem becomes a diagnostic. */
export function buildAwsInventory(files: readonly SnapshotFile[]): AwsInventory {
  const diagnostics: Diagnostic[] = [];
  const parts = emptyParts();
  for (const f of files) {
    const { docs, lines } = parseDocuments(f.path, f.text, diagnostics);
    const r = new FieldReader(f.path, lines, f.account, f.region, diagnostics);
    for (const doc of docs) {
      if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
        diagnostics.push({ severity: 'warning', code: 'aws-not-describe-output', message: `${f.path} is not a describe-* output (expected an object of lists): skipped`, source: doc.source });
        continue;
      }
      if (isCollectorDoc(doc.value as Record<string, unknown>)) {
        readCollectorDoc(doc.value as Record<string, unknown>, r, parts, diagnostics);
        continue;
      }
      for (const [key, value] of Object.entries(doc.value as Record<string, unknown>)) {
        const res = resourceFor(key);
        if (res) res.parse(value, r, parts);
        else if (!IGNORED_KEYS.has(key)) r.report('info', 'aws-unknown-key', `top-level key ${key} is not an output Bulkhead reads: skipped`, r.at(doc.value, key));
      }
    }
  }
  return assemble(parts, diagnostics);
}

/** What an object says, without where it was read: two copies that say the same are one object. */
function contentKey(x: unknown): string {
  return JSON.stringify(x, (k, v: unknown) => (k === 'source' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
}

function dedupe<T extends { id: string; source: { file: string; line: number; path: string } }>(items: readonly T[], what: string, diagnostics: Diagnostic[]): T[] {
  const seen = new Map<string, T>();
  for (const it of items) {
    const prev = seen.get(it.id);
    if (!prev) seen.set(it.id, it);
    // A peering across Regions is listed by describe-* in both: the same object twice, read once. Copies
    // that differ are a real conflict.
    else if (contentKey(prev) === contentKey(it)) continue;
    else if (!(what === 'network interface' && (prev as unknown as NetworkInterface).subnet === (it as unknown as NetworkInterface).subnet)) {
      diagnostics.push({ severity: 'warning', code: 'aws-duplicate-id', message: `${what} ${it.id} appears twice; the first (${prev.source.file}:${prev.source.line}) is used (at ${it.source.path})`, source: it.source });
    }
  }
  return [...seen.values()].sort((a, b) => lex(a.id, b.id));
}

/**
 * describe-network-interfaces' ENIs, then describe-instances' copies of the ENIs it does not list: an instance's
 * copy has no TagSet, so it must not stand in for the ENI's own listing, whichever file came first.
 */
function interfacesOf(p: SnapshotParts): NetworkInterface[] {
  if (p.instanceInterfaces.length === 0) return p.interfaces;
  const holder = new Map<string, string>();
  for (const e of p.instanceInterfaces) if (e.instanceId !== undefined && !holder.has(e.id)) holder.set(e.id, e.instanceId);
  const listed = new Set(p.interfaces.map((e) => e.id));
  // A listing without its Attachment still belongs to the instance whose reservation holds it.
  const own = p.interfaces.map((e) => (e.instanceId === undefined && holder.has(e.id) ? { ...e, instanceId: holder.get(e.id)! } : e));
  return [...own, ...p.instanceInterfaces.filter((e) => !listed.has(e.id))];
}

/**
 * Interface endpoints' ENIs are ordinary ENIs with their groups; each is told which endpoint and service it
 * serves (so it is named by them). An endpoint whose ENIs are not in the snapshot cannot be reached in the
 * answers: a warning.
 */
function withEndpoints(enis: NetworkInterface[], endpoints: readonly VpcEndpoint[], diagnostics: Diagnostic[]): NetworkInterface[] {
  const byEni = new Map<string, VpcEndpoint>();
  const present = new Set(enis.map((e) => e.id));
  for (const ep of endpoints) {
    for (const id of ep.networkInterfaces) byEni.set(id, ep);
    const missing = ep.networkInterfaces.filter((id) => !present.has(id));
    if (missing.length > 0) {
      diagnostics.push({ severity: 'warning', code: 'aws-endpoint-interfaces-missing', message: `${ep.type} endpoint ${ep.id} (${ep.serviceName || 'unknown service'}) names network interface${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the snapshot does not hold (no NetworkInterfaces output lists them): paths to the endpoint through them are not in the answers (at ${ep.source.path})`, source: ep.source });
    }
  }
  if (byEni.size === 0) return enis;
  return enis.map((e) => {
    const ep = byEni.get(e.id);
    return ep ? { ...e, vpcEndpoint: { id: ep.id, service: ep.serviceName } } : e;
  });
}

/** The inventory of read parts: keyed parts joined to their owners, duplicates and references checked. */
export function assemble(p: SnapshotParts, diagnostics: Diagnostic[]): AwsInventory {
  const attachments = dedupe(p.tgwAttachments, 'transit gateway attachment', diagnostics).map((a) => {
    const subnets = p.tgwAttachmentSubnets.get(a.id);
    const withSubnets = subnets ? { ...a, subnets } : a;
    const referencing = p.tgwSgReferencing.get(a.id);
    const withOptions = referencing === undefined ? withSubnets : { ...withSubnets, securityGroupReferencing: referencing };
    return p.tgwApplianceMode.has(a.id) ? { ...withOptions, applianceMode: true } : withOptions;
  });
  const tgwRouteTables: TgwRouteTable[] = dedupe(p.tgwRouteTables, 'transit gateway route table', diagnostics).map((t) => {
    const associations = new Set(p.tgwAssociations.get(t.id) ?? []);
    for (const a of attachments) if (a.association === t.id) associations.add(a.id);
    const propagations = p.tgwPropagations.get(t.id) ?? [];
    let routes: readonly TgwRoute[] | undefined = p.tgwRoutes.get(t.id);
    if (!routes) {
      routes = [];
      diagnostics.push({ severity: 'warning', code: 'aws-tgw-routes-missing', message: `transit gateway route table ${t.id} has no TransitGatewayRouteTableRoutes entry: no routes assumed (at ${t.source.path})`, source: t.source });
    }
    const cut = p.tgwRoutesCut.get(t.id);
    return { ...t, routes, associations: [...associations].sort(lex), propagations: [...propagations].sort(lex), ...(cut ? { routesTruncated: cut } : {}) };
  });
  for (const id of p.tgwRoutes.keys()) {
    if (!tgwRouteTables.some((t) => t.id === id)) diagnostics.push({ severity: 'warning', code: 'aws-unknown-reference', message: `routes are given for transit gateway route table ${id}, which no TransitGatewayRouteTables output lists: ignored` });
  }
  const prefixLists: PrefixList[] = dedupe(p.prefixLists, 'prefix list', diagnostics).map((l) => {
    const entries = p.prefixListEntries.get(l.id);
    return { ...l, entries: entries ?? [], entriesKnown: entries !== undefined };
  });
  const vpcEndpoints = dedupe(p.vpcEndpoints, 'VPC endpoint', diagnostics);
  const inv: Omit<AwsInventory, 'unmodelled'> = {
    vpcs: dedupe(p.vpcs, 'VPC', diagnostics),
    subnets: dedupe(p.subnets, 'subnet', diagnostics),
    interfaces: withEndpoints(withInstanceTags(dedupe(interfacesOf(p), 'network interface', diagnostics), p.instanceTags), vpcEndpoints, diagnostics),
    securityGroups: dedupe(p.securityGroups, 'security group', diagnostics),
    networkAcls: dedupe(p.networkAcls, 'network ACL', diagnostics),
    routeTables: dedupe(p.routeTables, 'route table', diagnostics),
    internetGateways: dedupe(p.internetGateways, 'internet gateway', diagnostics),
    egressOnlyGateways: dedupe(p.egressOnlyGateways, 'egress-only internet gateway', diagnostics),
    natGateways: dedupe(p.natGateways, 'NAT gateway', diagnostics),
    peerings: dedupe(p.peerings, 'peering connection', diagnostics),
    transitGateways: dedupe(p.transitGateways, 'transit gateway', diagnostics),
    tgwAttachments: attachments,
    tgwRouteTables,
    prefixLists,
    vpcEndpoints,
    diagnostics,
  };
  const checked = checkReferences(inv);
  diagnostics.push(...checked.diagnostics);
  return { ...inv, unmodelled: checked.unmodelled };
}
