/**
 * Reading one Terraform document into the AWS model's parts: values known or followed through references,
 * problems reported with the file and JSON path as the describe reader reports them, and the parts that
 * separate resources add to their owners (rules, routes, associations) collected to be joined at the end.
 */
import type { AwsSourceRef, NaclEntry, Route, SgRule, Subnet, Vpc } from '../../inventory/aws/types.js';
import type { Labels, Severity, UnmodelledObject } from '../../inventory/types.js';
import type { FieldReader, Json } from '../aws/fields.js';
import type { SnapshotParts } from '../aws/resource.js';
import type { TfDocument, TfResource } from './document.js';
import type { Resolver } from './resolve.js';

/** A value of a resource: known (or a placeholder for what apply creates), unknown with the reason, or not set. */
export type TfValue = { kind: 'known'; value: string; placeholder: boolean } | { kind: 'unknown'; why: string } | { kind: 'absent' };

type Path = ReadonlyArray<string | number>;

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function walk(o: unknown, path: Path): unknown {
  let v = o;
  for (const p of path) {
    if (v === true) return true;
    if (v === undefined || v === null) return undefined;
    v = typeof p === 'number' ? (Array.isArray(v) ? v[p] : undefined) : isObj(v) ? v[p] : undefined;
  }
  return v;
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The reading of one document: helpers for values, and what separate resources add to their owners. */
export class TfReader {
  readonly sgRules = new Map<string, { ingress: SgRule[]; egress: SgRule[] }>();
  readonly routes = new Map<string, Route[]>();
  readonly tableSubnets = new Map<string, string[]>();
  readonly mainTables = new Map<string, string>();
  readonly naclEntries = new Map<string, NaclEntry[]>();
  /** Subnet -> the ACL an aws_network_acl_association gives it. */
  readonly naclOfSubnet = new Map<string, string>();
  readonly eniGroups = new Map<string, string[]>();
  /** Instance or interface id -> the Elastic IP's address. */
  readonly publicIps = new Map<string, string>();
  /** Elastic IP allocation id -> its address. */
  readonly eips = new Map<string, string>();
  readonly unmodelled: UnmodelledObject[] = [];
  readonly pendingPeerings = new Map<string, { code: string; res: TfResource }>();
  readonly accepters = new Map<string, { res: TfResource; status?: string }>();
  /** Transit gateway -> its default association and propagation tables (when enabled), and its resource. */
  readonly tgwDefaults = new Map<string, { association?: string; propagation?: string; res: TfResource }>();
  readonly tgwAttachmentDefaults = new Map<string, { association: boolean; propagation: boolean }>();
  readonly tgwAssociationOf = new Map<string, string>();
  readonly tgwPropagationOf = new Map<string, Array<{ attachment: string; source: AwsSourceRef }>>();
  readonly gatewayEndpoints = new Map<string, { res: TfResource; prefixList?: string }>();
  readonly endpointTables: Array<{ res: TfResource; table: string; endpoint: string }> = [];
  /** Internet gateway -> VPCs of aws_internet_gateway_attachment. */
  readonly igwAttachments = new Map<string, string[]>();
  /** Interfaces whose private address AWS assigns on apply: given a free one of the subnet at the end. */
  readonly pendingAddresses: Array<{ id: string; res: TfResource; key: string }> = [];
  /** Subnets with assign_ipv6_address_on_creation: an interface launched there without listed IPv6 addresses gets one on apply. */
  readonly assignIpv6 = new Set<string>();
  /** VPC id -> its aws_vpc resource (for the default objects AWS creates with it). */
  readonly vpcResources = new Map<string, TfResource>();
  /** Default security groups named by interfaces (made at the end when no aws_default_security_group is read). */
  readonly defaultGroupsUsed = new Map<string, string>();

  constructor(
    readonly doc: TfDocument,
    readonly refs: Resolver,
    readonly r: FieldReader,
    readonly parts: SnapshotParts,
  ) {}

  /** The source of a resource, or of a part of its values (`ingress[0]`). */
  at(res: TfResource, path: Path = []): AwsSourceRef {
    let holder: unknown = res.o;
    let v: unknown = res.values;
    for (const p of path) {
      v = typeof p === 'number' ? (Array.isArray(v) ? v[p] : undefined) : isObj(v) ? v[p] : undefined;
      if (v !== null && typeof v === 'object') holder = v;
    }
    const src = this.r.at(holder, `${res.path}.values${path.length ? `.${pathText(path)}` : ''}`);
    return { ...src, address: res.address };
  }

  report(severity: Severity, code: string, message: string, where: AwsSourceRef): void {
    this.r.report(severity, code, message, where);
  }

  /** A value the analysis cannot know: a warning, and a caveat every report carries (the answer is not exact). */
  notKnown(res: TfResource, path: Path, message: string): void {
    const s = this.at(res, path);
    this.report('warning', 'tf-unknown-value', message, s);
    this.unmodelled.push({ kind: 'TerraformValue', apiVersion: 'terraform', name: `${res.address}.${pathText(path)}`, effect: 'known only after apply', selects: 'unknown', digest: `${s.file}#${s.path}`, source: { file: s.file, line: s.line } });
  }

  /** True when the plan says the value at `path` is known only after apply. */
  isUnknown(res: TfResource, path: Path): boolean {
    return walk(res.unknown, path) === true;
  }

  /** A string value: known, followed through the configuration's references, or unknown with the reason. */
  value(res: TfResource, path: Path): TfValue {
    const v = walk(res.values, path);
    if (typeof v === 'string' && v !== '') return { kind: 'known', value: v, placeholder: false };
    if (!this.isUnknown(res, path)) return { kind: 'absent' };
    const got = this.resolveAt(res, path);
    const ok = got.find((x) => x.ok);
    if (ok && ok.ok) return { kind: 'known', value: ok.value, placeholder: ok.placeholder };
    const why = got.find((x) => !x.ok);
    return { kind: 'unknown', why: why && !why.ok ? why.why : 'it is computed by AWS on apply' };
  }

  /** A list of strings (ids): the known elements and what unknown ones resolve to; `unresolved` says why some cannot be. */
  list(res: TfResource, path: Path): { values: string[]; unresolved?: string } {
    const v = walk(res.values, path);
    const out = new Set<string>();
    let missing = this.isUnknown(res, path);
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (typeof x === 'string' && x !== '') out.add(x);
        else if (x === null || this.isUnknown(res, [...path, i])) missing = true;
      });
    }
    if (!missing) return { values: [...out] };
    let unresolved: string | undefined;
    const got = this.resolveAt(res, path);
    for (const g of got) {
      if (g.ok) out.add(g.value);
      else unresolved ??= g.why;
    }
    if (got.length === 0) unresolved = 'it is computed by AWS on apply';
    return { values: [...out], ...(unresolved ? { unresolved } : {}) };
  }

  /**
   * References of a value: top-level attributes by name; inside a nested block (`ingress`, 2, `security_groups`)
   * only when one block of the configuration has references there and one planned block is unknown there
   * (blocks are a set, so their order in the plan need not be the configuration's).
   */
  private resolveAt(res: TfResource, path: Path) {
    if (path.length === 1) return this.refs.resolveAll(res, path);
    if (path.length === 3 && typeof path[1] === 'number') {
      const [block, , field] = path as [string, number, string];
      const blocks = walk(res.values, [block]);
      const unknownCount = Array.isArray(blocks) ? blocks.filter((_, i) => this.isUnknown(res, [block, i, field]) || walk(blocks, [i, field]) === undefined).length : 0;
      const cfg: number[] = [];
      for (let j = 0; j < this.refs.blockCount(res, block); j++) if (this.refs.references(res, [block, j, field])?.length) cfg.push(j);
      if (cfg.length === 1 && unknownCount === 1) return this.refs.resolveAll(res, [block, cfg[0]!, field]);
      return [{ ok: false as const, why: `${block} blocks are a set and ${cfg.length} of the configuration's refer to other resources there, so which is which cannot be told` }];
    }
    return [{ ok: false as const, why: 'it is not followed' }];
  }

  /** A number value (ports, rule numbers). */
  num(res: TfResource, path: Path): number | undefined {
    const v = walk(res.values, path);
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  }

  bool(res: TfResource, path: Path): boolean | undefined {
    const v = walk(res.values, path);
    return typeof v === 'boolean' ? v : undefined;
  }

  /** Objects of a nested block list (`ingress`), with their index. */
  blocks(res: TfResource, key: string): Array<{ o: Json; i: number }> {
    const v = res.values[key];
    if ((v === undefined || v === null) && this.isUnknown(res, [key])) {
      this.notKnown(res, [key], `${res.address}: ${key} is known only after apply: left out, so what it sets is not judged`);
      return [];
    }
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.report('error', 'aws-bad-field', `${res.address}: ${key} should be a list`, this.at(res));
      return [];
    }
    return v.flatMap((o, i) => (isObj(o) ? [{ o, i }] : []));
  }

  /** `tags_all` (with the provider's default tags) over `tags`. */
  tags(res: TfResource): Labels {
    const out: Record<string, string> = {};
    for (const k of ['tags', 'tags_all']) {
      const t = res.values[k];
      if (isObj(t)) for (const [a, b] of Object.entries(t)) if (typeof b === 'string') out[a] = b;
    }
    return out;
  }

  /**
   * A required id-valued attribute: its value, or undefined after an error (missing) or a caveat (known
   * only after apply and not followed), with `what` saying what is skipped.
   */
  need(res: TfResource, attr: string, what: string): string | undefined {
    const v = this.value(res, [attr]);
    if (v.kind === 'known') return v.value;
    if (v.kind === 'unknown') this.notKnown(res, [attr], `${res.address}: ${attr} is known only after apply and ${v.why}: ${what}`);
    else this.report('error', 'aws-missing-field', `${res.address} has no ${attr}: ${what}`, this.at(res));
    return undefined;
  }

  /** The account and region of a resource: from its ARN or owner, else the VPC's, else the document's. */
  scope(res: TfResource, vpc?: Vpc): { account: string; region: string } {
    const arn = typeof res.values['arn'] === 'string' ? /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):(\d{12}):/.exec(res.values['arn'] as string) : null;
    const owner = typeof res.values['owner_id'] === 'string' ? (res.values['owner_id'] as string) : undefined;
    const region = (typeof res.values['region'] === 'string' ? (res.values['region'] as string) : undefined) ?? (arn?.[1] || undefined);
    const providerRegion = this.doc.providerRegions.get(this.refs.configOf(res)?.providerKey ?? 'aws');
    return {
      account: owner ?? arn?.[2] ?? vpc?.account ?? this.r.account ?? 'unknown',
      region: region ?? vpc?.region ?? providerRegion ?? this.r.region ?? 'unknown',
    };
  }

  /** The id of a VPC's default security group (what an interface without groups gets). */
  defaultGroupOf(vpc: string | undefined): string {
    const res = vpc ? this.vpcResources.get(vpc) : undefined;
    const id = res ? this.refs.attrOf(res, 'default_security_group_id').value : `tf:default-security-group-of-${vpc ?? 'unknown'}`;
    if (vpc) this.defaultGroupsUsed.set(id, vpc);
    return id;
  }

  vpc(id: string): Vpc | undefined {
    return this.parts.vpcs.find((v) => v.id === id);
  }

  subnet(id: string): Subnet | undefined {
    return this.parts.subnets.find((s) => s.id === id);
  }

  push<K, V>(m: Map<K, V[]>, k: K, ...v: V[]): void {
    const l = m.get(k);
    if (l) l.push(...v);
    else m.set(k, [...v]);
  }
}
