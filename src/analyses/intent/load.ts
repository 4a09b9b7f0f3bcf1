/**
 * Reading the intent file (bulkhead.yaml): YAML with line numbers, checked with zod for shape and then
 * for meaning (CIDRs, ports, references between segments). Every problem names the line and what was expected.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic, LabelSelector, SelectorRequirement } from '../../inventory/types.js';
import { labelKeyError, labelValueError } from '../../inventory/selector.js';
import { parseCidr, parseIp } from '../../model/address.js';
import { parsePortSpec, PortSet, PROTOCOLS } from '../../model/port-set.js';
import { parseDocuments } from '../../sources/k8s/yaml-documents.js';
import { UserError } from '../../util/errors.js';
import { SchemaReader as Reader, isObj, type FileProblem, type Path } from '../../sources/schema-reader.js';
import { closest } from '../../util/suggest.js';
import { fsErrorWords, isFsError } from '../../util/fs-errors.js';
import { decodeText } from '../../sources/text-decoding.js';
import { onFirstUse } from '../../util/zod.js';
import type { z as Z } from 'zod';
import { AWS_DIRECT_KEYS, intentSchemas, type AwsDirectKey, type RawMatcher } from './schema.js';
import { fastFile, fastFlow, fastIsolated, fastNever, fastSegment } from './fast-shapes.js';
import { parseTrafficSpec } from './traffic-spec.js';
import { TrafficSet } from '../../model/traffic-set.js';
import { WORLD, type AwsCriteria, type Flow, type Intent, type IntentTest, type Invariant, type Segment, type SegmentMatcher, type TestEnd } from './types.js';

/** One problem in an intent file. */
export type IntentProblem = FileProblem;

/** A bad intent file: exit 2, with every problem found listed as `file:line: path: message`. */
export class IntentError extends UserError {
  constructor(readonly problems: readonly IntentProblem[]) {
    super(
      `invalid intent file:\n${problems
        .slice(0, 20)
        .map((p) => `  ${p.source.file}:${p.source.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n')}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}`,
      'see docs/intent.md for the format of bulkhead.yaml',
    );
    this.name = 'IntentError';
  }
}

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*$/;
const schemas = onFirstUse(intentSchemas);
type Schemas = ReturnType<typeof intentSchemas>;
type RawSegment = Z.infer<Schemas['segmentSchema']>;
type RawFile = Z.infer<Schemas['fileSchema']>;
type RawFlow = Z.infer<Schemas['flowSchema']>;
type RawNever = Z.infer<Schemas['neverSchema']>;
type RawIsolated = Z.infer<Schemas['isolatedSchema']>;
const INVARIANT_KINDS = ['never', 'isolated', 'egress', 'sensitive'] as const;

function list(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
}

function selectorFrom(r: Reader, m: Record<string, string | string[]>, path: Path): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: SelectorRequirement[] = [];
  for (const [k, v] of Object.entries(m)) {
    const ke = labelKeyError(k);
    if (ke) r.problem([...path, k], `bad label key "${k}": ${ke}`);
    for (const val of list(v)) {
      const ve = labelValueError(val);
      if (ve) r.problem([...path, k], `bad label value "${val}": ${ve}`);
    }
    if (typeof v === 'string') matchLabels[k] = v;
    else matchExpressions.push({ key: k, operator: 'In', values: [...v] });
  }
  return { matchLabels, matchExpressions };
}


function parseCidrs(r: Reader, texts: readonly string[], path: Path): { text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] {
  const cidrs: { text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const t of texts) {
    const c = parseCidr(t) ?? (t.includes('/') ? undefined : parseCidr(`${t}/${t.includes(':') ? 128 : 32}`));
    if (!c) r.problem(path, `bad CIDR "${t}": expected an address block such as 10.0.0.0/8 or 2001:db8::/32`);
    else cidrs.push({ text: t, cidr: c });
  }
  return cidrs;
}

/** The AWS criteria of a matcher (direct keys and `aws:` together), undefined when it has none. */
function awsCriteria(r: Reader, m: RawMatcher, path: Path): AwsCriteria | undefined {
  const a = m.aws ?? {};
  const both = <K extends AwsDirectKey>(one: K, many: K): string[] => [...list(m[one] as string | string[] | undefined), ...list(m[many] as string | string[] | undefined), ...list(a[one] as string | string[] | undefined), ...list(a[many] as string | string[] | undefined)];
  const accounts = both('account', 'accounts');
  const regions = both('region', 'regions');
  const vpcs = both('vpc', 'vpcs');
  const subnets = both('subnet', 'subnets');
  const securityGroups = both('securityGroup', 'securityGroups');
  const interfaces = both('interface', 'interfaces');
  const tagMap = m.tags || a.tags ? { ...(a.tags ?? {}), ...(m.tags ?? {}) } : undefined;
  const cidrTexts = [...list(a.cidr), ...list(a.cidrs)];
  const given = accounts.length + regions.length + vpcs.length + subnets.length + securityGroups.length + interfaces.length + cidrTexts.length + (tagMap ? 1 : 0);
  if (given === 0) {
    if (m.aws) r.problem([...path, 'aws'], 'expected at least one of account, region, vpc, subnet, securityGroup, tags or cidrs');
    return undefined;
  }
  return {
    ...(accounts.length ? { accounts } : {}),
    ...(regions.length ? { regions } : {}),
    ...(vpcs.length ? { vpcs } : {}),
    ...(subnets.length ? { subnets } : {}),
    ...(securityGroups.length ? { securityGroups } : {}),
    ...(interfaces.length ? { interfaces } : {}),
    ...(tagMap ? { tags: selectorFrom(r, tagMap, [...path, m.tags ? 'tags' : 'aws']) } : {}),
    ...(cidrTexts.length ? { cidrs: parseCidrs(r, cidrTexts, [...path, 'aws', a.cidrs !== undefined ? 'cidrs' : 'cidr']) } : {}),
  };
}

function buildMatcher(r: Reader, m: RawMatcher, path: Path): SegmentMatcher | undefined {
  const namespaces = [...list(m.namespace), ...list(m.namespaces)];
  const workloads = [...list(m.workload), ...list(m.workloads)];
  const cidrTexts = [...list(m.cidr), ...list(m.cidrs)];
  const source = r.at(path);
  const hasK8s = namespaces.length > 0 || workloads.length > 0 || m.labels !== undefined || m.namespaceLabels !== undefined;
  const hasAws = m.aws !== undefined || AWS_DIRECT_KEYS.some((k) => m[k] !== undefined);
  if (!hasK8s && cidrTexts.length === 0 && !hasAws) {
    r.problem(path, 'a segment needs at least one of namespace, namespaceLabels, labels, workloads, cidrs, aws criteria (vpc, subnet, tags, ...) or anyOf');
    return undefined;
  }
  if (hasK8s && cidrTexts.length > 0) {
    r.problem(path, 'cidrs describe addresses outside the cluster and cannot be combined with namespace, labels or workloads in one matcher: use anyOf for alternatives');
    return undefined;
  }
  if (hasAws && (hasK8s || cidrTexts.length > 0)) {
    r.problem(path, 'aws criteria (vpc, subnet, tags, ...) select network interfaces of an AWS estate and cannot be combined with namespace, labels, workloads or cidrs in one matcher: use anyOf for alternatives (an address block of the estate is aws: {cidrs: [...]})');
    return undefined;
  }
  if (hasAws) {
    const aws = awsCriteria(r, m, path);
    return aws ? { aws, source } : undefined;
  }
  const cidrs = parseCidrs(r, cidrTexts, [...path, m.cidrs !== undefined ? 'cidrs' : 'cidr']);
  for (const w of workloads) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(w)) r.problem([...path, m.workloads !== undefined ? 'workloads' : 'workload'], `bad workload "${w}": expected namespace/name or namespace/name[Kind] (globs with * allowed)`);
  }
  return {
    ...(namespaces.length ? { namespaces } : {}),
    ...(m.namespaceLabels ? { namespaceLabels: selectorFrom(r, m.namespaceLabels, [...path, 'namespaceLabels']) } : {}),
    ...(m.labels ? { labels: selectorFrom(r, m.labels, [...path, 'labels']) } : {}),
    ...(workloads.length ? { workloads } : {}),
    ...(cidrTexts.length ? { cidrs } : {}),
    source,
  };
}

/** Flow ports as a PortSet (the cluster's TCP/UDP/SCTP) and as cloud traffic (ICMP and IP protocols too). */
function parsePorts(r: Reader, ports: readonly (string | number)[], path: Path): { ports: PortSet; traffic: TrafficSet } | undefined {
  let s = PortSet.NONE;
  let t = TrafficSet.EMPTY;
  let ok = true;
  ports.forEach((p, i) => {
    const ps = parsePortSpec(String(p));
    const ts = parseTrafficSpec(String(p));
    if (!ps && !ts) {
      r.problem([...path, i], `bad port "${String(p)}": expected PROTOCOL/PORT[-END] such as TCP/443, UDP/53, TCP/8000-8100, or a bare port number (TCP); for AWS also ICMP, ICMP/TYPE[/CODE], ICMPv6, IP/NUMBER or ANY`);
      ok = false;
      return;
    }
    if (ps) s = s.union(ps);
    if (ts) t = t.union(ts);
  });
  return ok ? { ports: s, traffic: t } : undefined;
}

/** A segment's criteria (direct or anyOf) and flags; undefined when they are invalid (problems recorded). */
function buildSegment(r: Reader, name: string, value: unknown, path: Path, fast: boolean): Segment | undefined {
  // The common forms are checked without zod (fast-shapes.ts); anything else, good or bad, goes through it.
  const raw = ((fast ? fastSegment(value) : undefined) as RawSegment | undefined) ?? r.check(schemas().segmentSchema, value, path);
  if (!raw) return undefined;
  const matchers: SegmentMatcher[] = [];
  const { anyOf, sensitive, infrastructure, description, ...direct } = raw;
  const hasDirect = Object.values(direct).some((v) => v !== undefined);
  if (anyOf && hasDirect) {
    r.problem(path, 'use either anyOf or direct criteria (namespace, labels, ...), not both');
    return undefined;
  }
  if (anyOf) anyOf.forEach((m, i) => {
    const b = buildMatcher(r, m, [...path, 'anyOf', i]);
    if (b) matchers.push(b);
  });
  else {
    const b = buildMatcher(r, direct, path);
    if (b) matchers.push(b);
  }
  return { name, matchers, sensitive: sensitive ?? false, ...(infrastructure ? { infrastructure: true } : {}), ...(description ? { description } : {}), source: r.at(path) };
}

/** The name of a segment written in place: its text in YAML flow style, keys sorted (`{tags: {env: dev}}`). */
export function inlineName(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inlineName).join(', ')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${k}: ${inlineName((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  return String(v);
}

/** Parses and validates intent text; throws IntentError listing every problem with its line. */
export function parseIntent(text: string, file = 'bulkhead.yaml'): Intent {
  return parseIntentWith(text, file, true);
}

/** parseIntent; `fast` false checks every shape with zod alone (the literal path, which the tests compare with). */
export function parseIntentWith(text: string, file: string, fast: boolean): Intent {
  const diags: Diagnostic[] = [];
  const { docs, lines } = parseDocuments(file, text, diags);
  if (diags.length > 0) {
    throw new IntentError(diags.map((d) => ({ source: d.source ?? { file, line: 1 }, path: '', message: d.message.replace('document skipped: ', '') })));
  }
  if (docs.length !== 1) {
    throw new IntentError([{ source: { file, line: docs[1]?.source.line ?? 1 }, path: '', message: docs.length === 0 ? 'the file is empty: expected segments, flows and invariants' : 'expected one YAML document, found several' }]);
  }
  // A key written twice (two segments of one name) is refused by parseDocuments, as kubectl's strict decoding does.
  const root = docs[0]!.value;
  const r = new Reader(file, lines, root);
  const top = ((fast ? fastFile(root) : undefined) as RawFile | undefined) ?? r.check(schemas().fileSchema, root, []);
  if (!top) throw new IntentError(r.problems);

  const segments: Segment[] = [];
  const names = Object.keys(top.segments);
  if (names.length === 0) r.problem(['segments'], 'expected at least one segment');
  for (const name of names) {
    const path = ['segments', name];
    if (!NAME.test(name)) r.problem(path, `bad segment name "${name}": expected letters, digits, "-", "_" or "."`);
    if (name === WORLD) r.problem(path, `"${WORLD}" is the built-in segment of outside addresses no cidrs segment claims: choose another name`);
    const seg = buildSegment(r, name, top.segments[name], path, fast);
    if (seg) segments.push(seg);
  }
  // Segments written in place in flows and `never`: one per distinct text, after the declared ones.
  const inline = new Map<string, Segment>();
  const ends = (v: string | Record<string, unknown> | ReadonlyArray<string | Record<string, unknown>>, path: Path): string[] => {
    const items = Array.isArray(v) ? v : [v];
    return items.map((item: string | Record<string, unknown>, i: number) => {
      if (typeof item === 'string') return item;
      const name = inlineName(item);
      if (!inline.has(name)) {
        const seg = buildSegment(r, name, item, Array.isArray(v) ? [...path, i] : path, fast);
        if (seg) {
          if (seg.sensitive || seg.infrastructure) r.problem(Array.isArray(v) ? [...path, i] : path, 'sensitive and infrastructure mark a declared segment: declare it under segments');
          inline.set(name, seg);
        }
      }
      return name;
    });
  };
  const known = new Set([...names, WORLD]);
  const refs = (vals: readonly string[], path: Path): void => {
    for (const v of vals) {
      if (known.has(v) || inline.has(v)) continue;
      const near = closest(v, [...known]);
      r.problem(path, `unknown segment "${v}"${near ? ` (did you mean "${near}"?)` : ` (segments: ${names.join(', ')})`}`);
    }
  };

  const flows: Flow[] = [];
  (top.flows ?? []).forEach((f, i) => {
    const path = ['flows', i];
    const raw = ((fast ? fastFlow(f) : undefined) as RawFlow | undefined) ?? r.check(schemas().flowSchema, f, path);
    if (!raw) return;
    const from = ends(raw.from, [...path, 'from']);
    const to = ends(raw.to, [...path, 'to']);
    refs(from, [...path, 'from']);
    refs(to, [...path, 'to']);
    const ports = raw.ports && raw.ports.length > 0 ? parsePorts(r, raw.ports, [...path, 'ports']) : { ports: PortSet.ALL, traffic: TrafficSet.ALL };
    if (!ports) return;
    flows.push({ index: i + 1, from, to, ports: ports.ports, traffic: ports.traffic, anyPort: !raw.ports || raw.ports.length === 0, ...(raw.description ? { description: raw.description } : {}), source: r.at(path) });
  });

  const invariants: Invariant[] = [];
  const sensitive = new Set(segments.filter((s) => s.sensitive).map((s) => s.name));
  (top.invariants ?? []).forEach((inv, i) => {
    const path = ['invariants', i];
    const keys = isObj(inv) ? Object.keys(inv) : [];
    if (keys.length !== 1 || !(INVARIANT_KINDS as readonly string[]).includes(keys[0]!)) {
      const near = keys.length === 1 ? closest(keys[0]!, INVARIANT_KINDS) : undefined;
      r.problem(path, `expected one of ${INVARIANT_KINDS.map((k) => `{${k}: ...}`).join(', ')}${keys.length === 1 ? `, got "${keys[0]}"${near ? ` (did you mean "${near}"?)` : ''}` : ''}`);
      return;
    }
    const kind = keys[0] as (typeof INVARIANT_KINDS)[number];
    const value = (inv as Record<string, unknown>)[kind];
    const vpath = [...path, kind];
    const source = r.at(path);
    if (kind === 'never') {
      const v = ((fast ? fastNever(value) : undefined) as RawNever | undefined) ?? r.check(schemas().neverSchema, value, vpath);
      if (!v) return;
      const from = ends(v.from, [...vpath, 'from']);
      const to = ends(v.to, [...vpath, 'to']);
      refs(from, [...vpath, 'from']);
      refs(to, [...vpath, 'to']);
      invariants.push({ kind, from, to, source });
    } else if (kind === 'isolated') {
      // A hand-written intent's `isolated` without zod, whose first use (its schemas built) cost more than the rest of the file.
      const v = ((fast ? fastIsolated(value) : undefined) as RawIsolated | undefined) ?? r.check(schemas().isolatedSchema, value, vpath);
      if (v === undefined) return;
      if (typeof v === 'string') {
        const ke = labelKeyError(v);
        if (ke) r.problem(vpath, `bad label key "${v}": ${ke}`);
        invariants.push({ kind, label: v, on: 'any', source });
        return;
      }
      const given = [v.label, v.namespaceLabel, v.segments].filter((x) => x !== undefined).length;
      if (given !== 1) {
        r.problem(vpath, 'expected exactly one of label, namespaceLabel or segments');
        return;
      }
      const within = list(v.within);
      refs(within, [...vpath, 'within']);
      if (v.segments) refs(v.segments, [...vpath, 'segments']);
      const key = v.label ?? v.namespaceLabel;
      if (key !== undefined && labelKeyError(key)) r.problem(vpath, `bad label key "${key}": ${labelKeyError(key)}`);
      invariants.push({
        kind,
        ...(key !== undefined ? { label: key } : {}),
        on: v.namespaceLabel !== undefined ? 'namespace' : 'pod',
        ...(v.segments ? { segments: v.segments } : {}),
        ...(within.length ? { within } : {}),
        source,
      });
    } else if (kind === 'egress') {
      const v = r.check(schemas().egressSchema, value, vpath);
      if (!v) return;
      refs(list(v.from), [...vpath, 'from']);
      const allowCidrs: { text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
      const allowSegments: string[] = [];
      for (const a of v.allow) {
        const c = parseCidr(a) ?? (/^[0-9.:a-fA-F]+$/.test(a) && (a.includes('.') || a.includes(':')) ? parseCidr(`${a}/${a.includes(':') ? 128 : 32}`) : undefined);
        if (c) allowCidrs.push({ text: a, cidr: c });
        else if (/^[\d.:/]+$/.test(a)) r.problem([...vpath, 'allow'], `bad CIDR "${a}"`);
        else allowSegments.push(a);
      }
      refs(allowSegments, [...vpath, 'allow']);
      invariants.push({ kind, from: list(v.from), allowCidrs, allowSegments, source });
    } else {
      const v = r.check(schemas().sensitiveSchema, value, vpath);
      if (!v) return;
      refs(list(v), vpath);
      for (const s of list(v)) sensitive.add(s);
      invariants.push({ kind, segments: list(v), source });
    }
  });

  const tests = top.tests ? readTests(r, top.tests, new Set(names)) : undefined;

  if (r.problems.length > 0) throw new IntentError(r.problems.sort((a, b) => a.source.line - b.source.line));
  return {
    ...(tests ? { tests } : {}),
    ...(inline.size > 0 ? { inline: [...inline.values()] } : {}),
    file,
    segments: segments.map((s) => (sensitive.has(s.name) && !s.sensitive ? { ...s, sensitive: true } : s)),
    flows,
    invariants,
    settings: { flatThreshold: top.settings?.flatThreshold ?? 0.9 },
    sensitive,
    source: { file, line: 1 },
  };
}

/** A test end: a declared segment name (or world), an address or CIDR, an AWS interface or instance id, else a workload or pod spec. */
function testEnd(r: Reader, text: string, segments: ReadonlySet<string>, path: Path): TestEnd | undefined {
  const t = text.trim();
  if (segments.has(t) || t === WORLD) return { kind: 'segment', name: t };
  const ip = parseIp(t);
  const cidr = parseCidr(t) ?? (ip ? parseCidr(`${t}/${ip.family === 4 ? 32 : 128}`) : undefined);
  if (cidr) return { kind: 'address', text: t, cidr };
  if (/^[^/\s]+\/[^/\s]+$/.test(t)) return { kind: 'workload', spec: t };
  // AWS: an ENI or instance id, or an interface's endpoint id (account/region/vpc/eni).
  if (/^(eni|i)-[0-9a-z]+$/.test(t) || /^[^/\s]+\/[^/\s]+\/[^/\s]+\/eni-[0-9a-z]+$/.test(t)) return { kind: 'workload', spec: t };
  const near = closest(t, [...segments]);
  r.problem(path, `"${t}" is not a segment, a workload (namespace/name or namespace/name[Kind]), an AWS interface or instance id (eni-..., i-...) or an address${near ? ` (did you mean "${near}"?)` : ''}`);
  return undefined;
}

/** The `tests:` section: one port per test, ends resolved by kind (segment, workload, address). */
function readTests(r: Reader, raw: readonly unknown[], segments: ReadonlySet<string>): IntentTest[] {
  const out: IntentTest[] = [];
  raw.forEach((t, i) => {
    const path = ['tests', i];
    const v = r.check(schemas().testSchema, t, path);
    if (!v) return;
    const from = testEnd(r, v.from, segments, [...path, 'from']);
    const to = testEnd(r, v.to, segments, [...path, 'to']);
    const ps = parsePortSpec(String(v.port));
    const one = ps ? PROTOCOLS.map((p) => ({ p, r: ps.get(p).ranges() })).filter((x) => x.r.length > 0) : [];
    if (one.length !== 1 || one[0]!.r.length !== 1 || one[0]!.r[0]![0] !== one[0]!.r[0]![1]) {
      r.problem([...path, 'port'], `bad port "${String(v.port)}": a test probes one port, e.g. TCP/443, UDP/53 or 8080 (TCP)`);
      return;
    }
    if (!from || !to) return;
    if (from.kind === 'address' && to.kind === 'address') {
      r.problem(path, 'both ends are addresses outside the cluster: NetworkPolicy has nothing to say about that path');
      return;
    }
    out.push({ index: i + 1, from, to, protocol: one[0]!.p, port: one[0]!.r[0]![0], expect: v.expect, ...(v.description ? { description: v.description } : {}), source: r.at(path) });
  });
  return out;
}

/** Reads an intent file from disk (exit 2 when unreadable or invalid). */
export function readIntentFile(path: string): Intent {
  return parseIntent(readIntentText(path), path);
}

/** An intent file's text, read and decoded but not parsed (exit 2 when unreadable or not text). */
export function readIntentText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read intent file ${path}: ${isFsError(e) ? fsErrorWords(e) : (e as Error).message}`, 'give --intent FILE, or run `bulkhead init INPUTS` to write a starting one');
  }
  // The same text rules as manifests: UTF-8 (or UTF-16 with a byte order mark), no NUL bytes.
  const d = decodeText(path, bytes);
  if (d.problem) throw new UserError(`cannot read intent file ${path}: line ${d.problem.source?.line ?? 1}: ${d.problem.message.replace(/; file skipped$/, '')}`);
  return d.text;
}
