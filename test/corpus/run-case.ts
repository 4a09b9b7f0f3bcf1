/**
 * Runs one netpol-analyzer corpus case through Bulkhead's core engine and judges agreement by meaning:
 * connectivity for list/eval/pod-matrix cases, a diagnostic about the same object for error cases.
 * Cases that need features Bulkhead does not model yet are skipped with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFromPaths, type LoadResult } from '../../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../../src/engine/index.js';
import { computeReach } from '../../src/analyses/reach.js';
import { resolveOne } from '../../src/analyses/endpoints.js';
import { PortSet, parseProtocol } from '../../src/model/port-set.js';
import { REACH_FORMATS } from '../../src/reports/reach/index.js';
import { pickFormat } from '../../src/cli/common.js';
import { UserError } from '../../src/util/errors.js';
import type { Diagnostic } from '../../src/inventory/types.js';
import { compareTriples, parseConnSet, type Mismatch, type Triple } from './conns.js';
import { parseExplain, parseListOutput, type Format } from './expected.js';

/** A case of cases.json (only the fields the harness reads). */
export interface CorpusCase {
  readonly id: number;
  readonly kind: string;
  readonly name?: string;
  readonly dirs: string[];
  readonly format?: string;
  readonly focus_workloads?: string[];
  readonly focus_workload_peers?: string[];
  readonly focus_direction?: string;
  readonly focus_conn?: string;
  readonly exposure?: boolean;
  readonly explain?: boolean;
  readonly explain_only?: string;
  readonly multiple_networks?: boolean;
  readonly expected?: string;
  readonly cli?: string[];
  readonly args?: string[];
  readonly paths?: string[];
  readonly expected_substrings?: string[];
  readonly empty_result?: boolean;
  readonly src?: string;
  readonly dst?: string;
  readonly protocol?: string;
  readonly port?: string;
  readonly expected_result?: boolean;
  readonly src_is_workload?: boolean;
  readonly all_connections?: boolean;
  readonly expected_connection_count?: number;
  readonly must_not_contain_line?: string;
}

export type SkipReason =
  | 'diff (later issue)'
  | 'AdminNetworkPolicy/BaselineAdminNetworkPolicy (later issue)'
  | 'multi-network: UDN/NAD/MultiNetworkPolicy/VirtualMachine (later issue)'
  | 'Ingress/Route {ingress-controller} peers (later issue)'
  | 'their CLI flags only (no Bulkhead equivalent)'
  | 'not comparable (exposure/explain format)';

export type Outcome =
  | { readonly status: 'agree'; readonly category: string; readonly note?: string }
  | { readonly status: 'differ'; readonly category: string; readonly detail: string; readonly mismatches?: readonly Mismatch[] }
  | { readonly status: 'skip'; readonly category: string; readonly reason: SkipReason; readonly detail?: string };

const ANP_KINDS = new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);
const MULTI_NET_KINDS = new Set(['UserDefinedNetwork', 'ClusterUserDefinedNetwork', 'NetworkAttachmentDefinition', 'MultiNetworkPolicy', 'VirtualMachine']);

interface DirModel {
  readonly load: LoadResult;
  readonly analysis: Analysis;
  /** Kinds of the dir's unmodelled objects and custom resources, and of skipped-kind diagnostics. */
  readonly kinds: Set<string>;
}

/** The cases of the corpus manifest. */
export function loadCases(root: string): CorpusCase[] {
  return (JSON.parse(readFileSync(join(root, 'cases.json'), 'utf8')) as { cases: CorpusCase[] }).cases;
}

/** Loads corpus dirs once each; the corpus root is resolved by the caller. */
export class CorpusRunner {
  private readonly dirs = new Map<string, Promise<DirModel>>();

  constructor(readonly root: string) {}

  /** The text of a corpus file. */
  read(rel: string): string {
    return readFileSync(join(this.root, rel), 'utf8');
  }

  private dir(rel: string): Promise<DirModel> {
    let p = this.dirs.get(rel);
    if (!p) {
      p = (async () => {
        const load = await loadFromPaths([join(this.root, rel)]);
        const kinds = new Set<string>([
          ...load.inventory.unmodelled.map((u) => u.kind),
          ...load.inventory.customResources.map((c) => c.kind),
          ...(load.inventory.adminPolicies ?? []).map((p) => p.kind),
        ]);
        for (const d of load.diagnostics) {
          if (d.code === 'skipped-kind') kinds.add(d.message.split(' ')[0]!);
          if (d.code === 'unknown-kind') kinds.add(/^unknown kind ([^\s:]+)/.exec(d.message)?.[1] ?? '');
          if (d.code === 'invalid-admin-policy') kinds.add(d.message.split(' ')[0]!);
        }
        return { load, analysis: analyze(load.inventory), kinds };
      })();
      this.dirs.set(rel, p);
    }
    return p;
  }

  /** Runs one case. Never throws for a case problem: a crash of ours is a disagreement. */
  async run(c: CorpusCase): Promise<Outcome> {
    const category = categoryOf(c);
    try {
      return await this.runUnsafe(c, category);
    } catch (e) {
      return { status: 'differ', category, detail: `harness or engine threw: ${(e as Error).stack ?? String(e)}` };
    }
  }

  private async featureSkip(c: CorpusCase, category: string): Promise<Outcome | undefined> {
    for (const d of c.dirs) {
      const m = await this.dir(`tests/${d}`).catch(() => undefined);
      if (!m) continue;
      // With multi-network off, netpol-analyzer skips these kinds, as Bulkhead does: still comparable.
      if ((c.multiple_networks ?? false) && [...m.kinds].some((k) => MULTI_NET_KINDS.has(k))) {
        return { status: 'skip', category, reason: 'multi-network: UDN/NAD/MultiNetworkPolicy/VirtualMachine (later issue)' };
      }
      if ([...m.kinds].includes('VirtualMachine')) return { status: 'skip', category, reason: 'multi-network: UDN/NAD/MultiNetworkPolicy/VirtualMachine (later issue)' };
    }
    return undefined;
  }

  private async runUnsafe(c: CorpusCase, category: string): Promise<Outcome> {
    if (c.kind.startsWith('diff') || c.kind === 'cli_diff') return { status: 'skip', category, reason: 'diff (later issue)' };
    if (c.kind === 'cli_fail' || c.kind === 'cli_fail_flag') return { status: 'skip', category, reason: 'their CLI flags only (no Bulkhead equivalent)' };
    if (c.kind === 'list_log_warning' && / may be used only with| flag will be ignored|exposure flag will be ignored|explain-only may be used/.test((c.expected_substrings ?? []).join(' '))) {
      return { status: 'skip', category, reason: 'their CLI flags only (no Bulkhead equivalent)' };
    }
    const skip = await this.featureSkip(withCliDefaults(c), category);
    if (skip) return skip;
    switch (c.kind) {
      case 'list':
        return this.runList(c, category);
      case 'cli_list':
        return this.runList(fromCli(c), category);
      case 'eval':
        return this.runEval(c, category);
      case 'pod_matrix':
        return this.runPodMatrix(c, category);
      case 'list_property':
        return this.runProperty(c, category);
      case 'list_fatal_error':
      case 'list_warning':
      case 'list_log_warning':
      case 'list_output_fatal_error':
        return this.runError(c, category);
      default:
        return { status: 'differ', category, detail: `unknown case kind ${c.kind}` };
    }
  }

  /** Our connection list for a dir, with netpol-analyzer's focus options emulated on top. */
  private async ours(c: CorpusCase): Promise<{ triples: Triple[]; focusFound: boolean }> {
    const m = await this.dir(`tests/${c.dirs[0]}`);
    const ports = c.focus_conn ? focusConn(c.focus_conn) : undefined;
    const r = computeReach(m.analysis, { level: 'workload', ...(ports ? { ports } : {}) });
    const fws = c.focus_workloads ?? [];
    const peers = c.focus_workload_peers ?? [];
    const dir = c.focus_direction ?? '';
    const isFocus = (id: string): boolean => fws.some((f) => focusMatches(id, f));
    const isPeer = (id: string): boolean => peers.length === 0 || peers.some((f) => focusMatches(id, f));
    const keep = (t: Triple): boolean =>
      fws.length === 0 || (isFocus(t.src) && dir !== 'ingress' && isPeer(t.dst)) || (isFocus(t.dst) && dir !== 'egress' && isPeer(t.src));
    const focusFound = fws.length === 0 || r.endpoints.some((e) => e.kind !== 'External' && isFocus(e.id));
    return { triples: r.connections.filter(keep).map((x) => ({ src: x.src, dst: x.dst, conns: x.conns })), focusFound };
  }

  private async runList(c: CorpusCase, category: string): Promise<Outcome> {
    const text = this.read(c.expected!);
    if (/\[udn\]\/|\[VirtualMachine\]|Permitted connectivity analyzed in|secondary NAD|^src,dst,(conn,)?network$|^\| src \| dst \|( conn \|)? network \|/m.test(text)) {
      return { status: 'skip', category, reason: 'multi-network: UDN/NAD/MultiNetworkPolicy/VirtualMachine (later issue)' };
    }
    const ports = c.focus_conn ? focusConn(c.focus_conn) : undefined;
    let expected: Triple[];
    if (c.explain) {
      const ex = parseExplain(text);
      if (c.explain_only === 'deny') {
        return { status: 'skip', category, reason: 'not comparable (exposure/explain format)', detail: '--explain-only deny lists only pairs with something denied' };
      }
      expected = ex.pairs.map((p) => ({ src: p.src, dst: p.dst, conns: ports ? p.allowed.intersect(ports) : p.allowed }));
    } else {
      expected = parseListOutput(c.format as Format, text, ports).triples;
    }
    const { triples: got } = await this.ours(c);
    const hasIngress = expected.some((t) => t.src === '{ingress-controller}' || t.dst === '{ingress-controller}');
    const isIngressFocus = (c.focus_workloads ?? []).includes('ingress-controller');
    if (hasIngress || isIngressFocus) {
      const rest = compareTriples(
        expected.filter((t) => t.src !== '{ingress-controller}' && t.dst !== '{ingress-controller}'),
        got.filter(() => !isIngressFocus),
      );
      return {
        status: 'skip',
        category,
        reason: 'Ingress/Route {ingress-controller} peers (later issue)',
        detail: rest.length === 0 ? 'the rest agrees' : `the rest differs on ${rest.length} pair(s)`,
      };
    }
    const m = await this.dir(`tests/${c.dirs[0]}`);
    const host = new Set(m.load.inventory.pods.filter((p) => p.hostNetwork).map((p) => p.workload));
    return judge(category, compareTriples(expected, got), host);
  }

  private async runEval(c: CorpusCase, category: string): Promise<Outcome> {
    const m = await this.dir(`tests/${c.dirs[0]}`);
    const proto = parseProtocol(c.protocol ?? 'tcp')!;
    const port = Number(c.port);
    let allowed: boolean;
    if (c.src_is_workload) {
      const s = resolveOne(m.analysis, c.src!);
      const d = resolveOne(m.analysis, c.dst!);
      allowed = s.targets.some((t1) => d.targets.some((t2) => m.analysis.allowed(t1, t2).has(proto, port)));
    } else {
      allowed = m.analysis.allowedPorts(c.src!, c.dst!).has(proto, port);
    }
    return allowed === c.expected_result
      ? { status: 'agree', category }
      : { status: 'differ', category, detail: `${c.src} => ${c.dst} over ${proto}/${port}: expected ${String(c.expected_result)}, got ${String(allowed)}` };
  }

  private async runPodMatrix(c: CorpusCase, category: string): Promise<Outcome> {
    const m = await this.dir(`tests/${c.dirs[0]}`);
    const bad: Mismatch[] = [];
    const lines = this.read(c.expected!).split(/\r?\n/).filter((l) => l.trim() !== '');
    const pods = new Set(m.load.inventory.pods.map((p) => p.id));
    let compared = 0;
    for (const line of lines) {
      const x = /^src: (\S+), dest: (\S+), allowed conns: (.*)$/.exec(line);
      if (!x) return { status: 'differ', category, detail: `unparsed matrix line: ${line}` };
      const [, src, dst, conns] = x as unknown as [string, string, string, string];
      if (!pods.has(src) || !pods.has(dst)) {
        bad.push({ pair: `${src} => ${dst}`, expected: conns, got: 'pod unknown to Bulkhead' });
        continue;
      }
      // A pod reaching itself is not NetworkPolicy's business (they always allow it; upstream e2e never asserts it).
      if (src === dst) continue;
      const ours = m.analysis.allowedPorts(src, dst);
      compared++;
      // With no protocol/port given, their CheckIfAllowed answers "are all connections allowed".
      const same = c.all_connections ? ours.equals(parseConnSet(conns)) : String(ours.isAll()) === conns;
      if (!same) bad.push({ pair: `${src} => ${dst}`, expected: conns, got: c.all_connections ? ours.toString() : String(ours.isAll()) });
    }
    if (compared === 0) return { status: 'differ', category, detail: 'no pod pair compared' };
    return judge(category, bad);
  }

  private async runProperty(c: CorpusCase, category: string): Promise<Outcome> {
    const { triples } = await this.ours({ ...c, kind: 'list' });
    const self = triples.filter((t) => t.src === t.dst);
    if (self.length > 0) return { status: 'differ', category, detail: `self pairs listed: ${self.map((t) => t.src).join(', ')}` };
    // Their count depends on how they cut the address space; ours is counted at their cut points.
    const full = this.read(`test_outputs/connlist/${c.dirs[0]}_connlist_output.txt`);
    const cuts = parseListOutput('txt', full).triples.filter((t) => /\[External\]/.test(t.src + t.dst));
    const count = countAtCuts(triples, cuts);
    return count === c.expected_connection_count
      ? { status: 'agree', category }
      : { status: 'differ', category, detail: `expected ${String(c.expected_connection_count)} connections, got ${count}` };
  }

  private async runError(c: CorpusCase, category: string): Promise<Outcome> {
    const want = errorExpectation(c);
    if (want.kind === 'format') {
      try {
        pickFormat(want.format, Object.keys(REACH_FORMATS));
        return { status: 'differ', category, detail: `format ${want.format} accepted` };
      } catch (e) {
        return e instanceof UserError ? { status: 'agree', category, note: e.message } : { status: 'differ', category, detail: String(e) };
      }
    }
    let load: LoadResult;
    try {
      load = await loadFromPaths((c.paths ?? []).map((p) => join(this.root, p)));
    } catch (e) {
      if (want.kind === 'unreadable' && e instanceof UserError) return { status: 'agree', category, note: e.message };
      return { status: 'differ', category, detail: `load threw: ${String(e)}` };
    }
    if (want.kind === 'unreadable') return { status: 'differ', category, detail: 'loaded without a UserError' };
    if (want.kind === 'focus') {
      try {
        resolveOne(analyze(load.inventory), want.workload);
        return { status: 'differ', category, detail: `${want.workload} resolved` };
      } catch (e) {
        return e instanceof UserError ? { status: 'agree', category, note: e.message } : { status: 'differ', category, detail: String(e) };
      }
    }
    if (want.kind === 'none') {
      const summary = summarize(load.diagnostics.filter((d) => d.severity !== 'info'));
      return { status: 'differ', category, detail: `${want.why}; our diagnostics: ${summary || 'none'}` };
    }
    const hits = load.diagnostics.filter(
      (d) => want.codes.includes(d.code) && (want.severity === 'any' || d.severity === want.severity) && (!want.file || (d.source?.file ?? '').includes(want.file)),
    );
    if (hits.length === 0) {
      return { status: 'differ', category, detail: `no ${want.severity} diagnostic ${want.codes.join('|')}${want.file ? ` in ${want.file}` : ''}; got: ${summarize(load.diagnostics)}` };
    }
    return { status: 'agree', category, note: hits.map((d) => `${d.severity} ${d.code}: ${d.message}`).join(' | ') };
  }
}

function summarize(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${d.severity}:${d.code}`).join(', ');
}


/** Counts our pairs after cutting external peers at the given triples' ranges only. */
function countAtCuts(ours: readonly Triple[], theirs: readonly Triple[]): number {
  // Comparing with an empty "got" list returns every pair of ours, cut at both lists' breakpoints.
  return compareTriples(theirs.map((t) => ({ ...t, conns: PortSet.NONE })), ours).length;
}

/** The test category of a case (one node:test per category). */
export function categoryOf(c: CorpusCase): string {
  if (c.kind === 'list') return c.explain ? 'list-explain' : c.exposure ? 'list-exposure' : (c.focus_workloads ?? []).length ? 'list-focus' : 'list';
  if (c.kind.startsWith('diff') || c.kind === 'cli_diff') return 'diff';
  if (c.kind.includes('error') || c.kind.includes('warning') || c.kind.startsWith('cli_fail')) return 'errors';
  return c.kind;
}

/** "tcp-8080" -> TCP 8080. */
export function focusConn(s: string): PortSet {
  const m = /^([a-z]+)-(\d+)$/i.exec(s);
  const p = m ? parseProtocol(m[1]!) : undefined;
  if (!m || !p) throw new Error(`bad focus conn ${s}`);
  return PortSet.of(p, Number(m[2]));
}

/**
 * netpol-analyzer's focus-workload match (connlist.isPeerFocusWorkload): the peer's workload name alone,
 * or `namespace/name`; IP peers never match.
 */
export function focusMatches(id: string, focus: string): boolean {
  if (id === '{ingress-controller}') return focus === 'ingress-controller';
  const m = /^([^/]+)\/(.+)\[[A-Za-z]+\]$/.exec(id);
  if (!m) return false;
  return m[2] === focus || `${m[1]}/${m[2]}` === focus;
}

/** Their CLI turns multi-network on unless told otherwise; the library tests name it per case. */
function withCliDefaults(c: CorpusCase): CorpusCase {
  if (c.multiple_networks !== undefined || !c.cli) return c;
  const off = c.cli.some((a) => /^--multiple-networks=(false|0)$/.test(a));
  return { ...c, multiple_networks: !off };
}

/** A `cli_list` case as the equivalent library `list` case, from its argv. */
function fromCli(c: CorpusCase): CorpusCase {
  const argv = c.cli ?? [];
  const val = (...names: string[]): string | undefined => {
    for (let i = 0; i < argv.length; i++) if (names.includes(argv[i]!)) return argv[i + 1];
    return undefined;
  };
  const fw = val('--focusworkload');
  return {
    ...c,
    kind: 'list',
    format: val('-o', '--output') ?? 'txt',
    focus_workloads: fw ? fw.split(',') : [],
    focus_direction: val('--focus-direction') ?? '',
    exposure: argv.includes('--exposure'),
    explain: argv.includes('--explain'),
  };
}

type ErrorExpectation =
  | { kind: 'diag'; codes: string[]; severity: 'error' | 'warning' | 'any'; file?: string }
  | { kind: 'unreadable' }
  | { kind: 'focus'; workload: string }
  | { kind: 'format'; format: string }
  | { kind: 'none'; why: string };

/** Their error text -> what Bulkhead should report about the same object, by meaning. */
function errorExpectation(c: CorpusCase): ErrorExpectation {
  const s = (c.expected_substrings ?? []).join(' | ');
  const file = c.paths?.[0]?.replace(/^tests\//, '');
  let m: RegExpExecArray | null;
  if ((m = /(\w+) output format is not supported/.exec(s))) return { kind: 'format', format: m[1]! };
  if ((m = /Workload (\S+) does not exist in the input resources/.exec(s))) return { kind: 'focus', workload: m[1]! };
  if (/does not exist/.test(s)) return { kind: 'unreadable' };
  if (/CIDR error|invalid CIDR address/.test(s)) return { kind: 'diag', codes: ['bad-cidr'], severity: 'error', ...(file ? { file } : {}) };
  if (/selector error/.test(s)) return { kind: 'diag', codes: ['bad-selector'], severity: 'error', ...(file ? { file } : {}) };
  if (/rule NetworkPolicyPeer error/.test(s)) return { kind: 'diag', codes: ['bad-peer'], severity: 'error', ...(file ? { file } : {}) };
  if (/endPort field cannot be defined|port range .* is legal/.test(s)) return { kind: 'diag', codes: ['bad-port'], severity: 'error', ...(file ? { file } : {}) };
  if (/is missing in/.test(s)) return { kind: 'diag', codes: ['no-kind'], severity: 'error', ...(file ? { file } : {}) };
  if (/found character that cannot start any token/.test(s)) return { kind: 'diag', codes: ['yaml-syntax'], severity: 'error', ...(file ? { file } : {}) };
  if (/unrecognized type|cannot restore slice from map/.test(s)) return { kind: 'diag', codes: ['bad-field', 'bad-label', 'bad-port'], severity: 'any', ...(file ? { file } : {}) };
  if (/skipping object with type: /.test(s)) return { kind: 'diag', codes: ['unmodelled-kind', 'unknown-kind', 'skipped-kind'], severity: 'any', ...(file ? { file } : {}) };
  if (/cannot unmarshal array/.test(s)) return { kind: 'diag', codes: ['not-an-object', 'no-kind'], severity: 'any', ...(file ? { file } : {}) };
  if (/exactly one field must be set in a subject/.test(s)) return { kind: 'diag', codes: ['bad-subject'], severity: 'error', ...(file ? { file } : {}) };
  if (/(to|from) field must be defined and contain at least one item/.test(s)) return { kind: 'diag', codes: ['bad-rule'], severity: 'error', ...(file ? { file } : {}) };
  if (/exactly one field must be set in a rule peer/.test(s)) return { kind: 'diag', codes: ['bad-peer'], severity: 'error', ...(file ? { file } : {}) };
  if (/exactly one field must be set in an AdminNetworkPolicyPort/.test(s)) return { kind: 'diag', codes: ['bad-port'], severity: 'error', ...(file ? { file } : {}) };
  if (/unrecognized action/.test(s)) return { kind: 'diag', codes: ['bad-action'], severity: 'error', ...(file ? { file } : {}) };
  if (/only one baseline admin network policy with metadata.name=default/.test(s)) return { kind: 'diag', codes: ['bad-name'], severity: 'error', ...(file ? { file } : {}) };
  if (/is already exists/.test(s)) return { kind: 'diag', codes: ['duplicate'], severity: 'error', ...(file ? { file } : {}) };
  if (/named port error: cannot convert named port for an IP destination/.test(s)) {
    return { kind: 'none', why: 'their tool rejects a named port in a rule with ipBlock peers; the API accepts it' };
  }
  if (/Found Pods of the same owner workload/.test(s)) return { kind: 'none', why: 'their tool rejects pods of one owner with different labels; we analyse each pod' };
  return { kind: 'none', why: `no Bulkhead equivalent known for "${s}"` };
}

function judge(category: string, mismatches: readonly Mismatch[], hostNetwork: ReadonlySet<string> = new Set()): Outcome {
  if (mismatches.length === 0) return { status: 'agree', category };
  const onlyHost = hostNetwork.size > 0 && mismatches.every((x) => x.pair.split(' => ').some((p) => hostNetwork.has(p)));
  const shown = mismatches
    .slice(0, 6)
    .map((x) => `${x.pair}: expected ${x.expected}, got ${x.got}`)
    .join('; ');
  const why = onlyHost ? 'only pairs with hostNetwork workloads differ; ' : '';
  return { status: 'differ', category, detail: `${why}${mismatches.length} pair(s) differ: ${shown}${mismatches.length > 6 ? '; ...' : ''}`, mismatches };
}
