/** `bulkhead audit`: options to an AuditResult, rendered in the chosen format; exit 1 with --fail-on. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { analyze, type Analysis } from '../../engine/index.js';
import { streamReach } from '../../analyses/reach.js';
import { buildMap } from '../../analyses/map.js';
import { pairExplainer } from '../../analyses/map-explain.js';
import { edgeStatus, intentPairStatus } from '../../analyses/intent-status.js';
import { segmentsOf } from '../../analyses/intent/index.js';
import type { Endpoint } from '../../analyses/endpoints.js';
import type { AuditMap } from '../../reports/audit/html.js';
import type { AuditResult } from '../../analyses/audit.js';
import { repoRoot } from '../../util/repo-root.js';
import { audit, atLeast, baselineFrom, type Baseline } from '../../analyses/audit.js';
import { loadIntent, readIntentText, type Intent } from '../../analyses/intent/index.js';
import { CHECKS, SEVERITIES, type FindingSeverity } from '../../checks/index.js';
import { AUDIT_FORMATS, type AuditFormat } from '../../reports/audit/index.js';
import { ExitError, UserError } from '../../util/errors.js';
import { writeOutputFile } from '../../util/fs-errors.js';
import { collect, loadInputs, resolveIntentPath, type InputOptions } from '../common.js';
import { filterOptions, formatOption, intentOptions, outputFileOption, pickFormatOf, scopeOption, withInputOptions, type FormatOpts } from '../options.js';
import { scopeAudit } from '../../analyses/audit-scope.js';
import { openReport, writesToFile } from '../output.js';
import { progress } from '../progress.js';
import { joinNotes } from '../../analyses/aws/notes.js';

interface AuditOpts extends InputOptions, FormatOpts {
  intent?: string | false;
  failOn?: string;
  disable?: string[];
  baseline?: string;
  writeBaseline?: string;
  evidenceLimit?: string;
  namespace?: string;
  selector?: string;
}

/** `--evidence-limit`: a count of at least 3 (the message names three pairs), or `all`. */
export function parseEvidenceLimit(v: string | undefined): number {
  if (v === undefined) return 100;
  if (v === 'all') return Infinity;
  if (!/^\d+$/.test(v) || Number(v) < 3) throw new UserError(`--evidence-limit ${v}: expected a whole number of at least 3, or all`);
  return Number(v);
}

function readBaseline(path: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read baseline ${path}: ${(e as Error).message}`, 'give a file written by --write-baseline, or a --format json audit report');
  }
  const b = baselineFrom(doc);
  if (!b) throw new UserError(`${path} is not a baseline: expected {"findings": [{"id": ...}]}`, 'write one with --write-baseline FILE');
  return b;
}

async function parseDisable(values: readonly string[] | undefined, origin?: string): Promise<string[]> {
  const ids = (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (CHECKS.some((c) => c.meta.id === id)) continue;
    // The cloud checks load only when an id is not a cluster check.
    const [{ AWS_CHECK_IDS }, { AWS_INTENT_CHECK_IDS }] = await Promise.all([import('../../analyses/aws/checks.js'), import('../../analyses/aws/intent-checks.js')]);
    if (!AWS_CHECK_IDS.includes(id) && !AWS_INTENT_CHECK_IDS.includes(id)) throw new UserError(`unknown check "${id}" in ${origin ? `audit.disable (${origin})` : '--disable'}`, `checks: ${[...CHECKS.map((c) => c.meta.id), ...AWS_CHECK_IDS, ...AWS_INTENT_CHECK_IDS].join(', ')} (bulkhead checks lists them)`);
  }
  return ids;
}

/** The HTML page's map: workloads grouped by home segment (or namespace), edges by intent status. */
function auditMap(a: Analysis, r: AuditResult, intent: Intent | undefined, wholeCluster: boolean): AuditMap {
  const s = streamReach(a, { level: 'workload' });
  const byId = new Map(s.endpoints.map((e) => [e.id, e]));
  const groupOfEndpoint = (e: Endpoint): string => (intent ? (segmentsOf(a, intent, e)[0] ?? '(unmapped)') : (e.namespace ?? ''));
  const groupOf = (id: string): string => {
    const e = byId.get(id);
    return e ? groupOfEndpoint(e) : '';
  };
  const map = buildMap('workload', s.endpoints, s.connections(), { groupOf: groupOfEndpoint, groupBy: intent ? 'segment' : 'namespace' });
  const status = edgeStatus(map.folded, r.drift ? intentPairStatus(r.drift) : new Map(), groupOf);
  const explainPair = pairExplainer(a, s.endpoints, { wholeCluster });
  const sensitive = new Set(intent ? s.endpoints.filter((e) => segmentsOf(a, intent, e).some((g) => intent.sensitive.has(g))).map((e) => e.id) : []);
  return { map, status: (e) => status(e.src, e.dst), explain: (e) => explainPair(e.sample.src, e.sample.dst), sensitive };
}

/** Registers `bulkhead audit`. */
export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description('check the manifests against the intent (drift, invariants, segment health) and for hygiene problems')
    .argument('[inputs...]', 'manifest files or directories (recursed), AWS snapshot directories, or - for stdin; none with --cluster');
  intentOptions(cmd, 'drift, invariants and segment health against it');
  formatOption(cmd, Object.keys(AUDIT_FORMATS));
  outputFileOption(cmd);
  cmd
    .option('--fail-on <severity>', `exit 1 when a finding is at least this severe: ${SEVERITIES.join('|')}, or none`)
    .option('--disable <checks>', 'checks not to run, comma-separated (repeatable)', collect)
    .option('--baseline <file>', 'suppress the findings listed in this file (accepted findings)')
    .option('--write-baseline <file>', 'write the current findings as a baseline file')
    .option('--evidence-limit <n>', 'offending pairs listed per finding, the rest counted (evidenceOmitted); all for every pair', '100');
  filterOptions(cmd, 'only findings that involve an endpoint or object');
  withInputOptions(cmd).action(async (inputs: string[], opts: AuditOpts) => {
    const format = pickFormatOf(opts, Object.keys(AUDIT_FORMATS) as AuditFormat[]);
    const checkFailOn = (v: string | undefined): void => {
      if (v !== undefined && v !== 'none' && !(SEVERITIES as readonly string[]).includes(v)) throw new UserError(`unknown severity "${v}" for --fail-on`, `choose one of ${SEVERITIES.join(', ')}, or none`);
    };
    checkFailOn(opts.failOn);
    const evidenceLimit = parseEvidenceLimit(opts.evidenceLimit);
    const scope = scopeOption(opts);
    const cliDisable = await parseDisable(opts.disable);
    const intentPath = resolveIntentPath(inputs, opts);
    // The intent file is read now (an unreadable one fails at once) but parsed after the manifests: parsed
    // first, init's 30,000 segments and their YAML were the oldest objects the collector had to carry
    // through the whole load (about 1 s of CPU at 150k pods). Its problems and the output file's still win
    // over the inputs' (the catch below), and the output file is opened only once the intent is good.
    const intentText = intentPath ? readIntentText(intentPath) : undefined;
    const parseIntentFile = (): Intent | undefined => (intentPath ? loadIntent(intentPath, intentText) : undefined);
    progress.phase('loading');
    let loaded: Awaited<ReturnType<typeof loadInputs>>;
    try {
      loaded = await loadInputs(inputs, opts, !writesToFile(opts.outputFile), 'audit');
    } catch (e) {
      parseIntentFile();
      openReport(opts.outputFile);
      throw e;
    }
    const intent = parseIntentFile();
    const out = openReport(opts.outputFile);
    const { inventory, settings, aws } = loaded;
    let { diagnostics, notes } = loaded;
    let checks = CHECKS;
    if (aws) {
      const { awsAuditChecks } = await import('../../analyses/aws/audit.js');
      // One audit over both: the cloud checks beside the cluster's, one list of findings in every format.
      // The intent is judged on both: segments with aws criteria on the estate, the others on the cluster.
      checks = awsAuditChecks(aws.analysis, intent, inventory.pods.length > 0);
      diagnostics = [...diagnostics, ...aws.notes.diagnostics];
      notes = joinNotes(notes, aws.notes);
    }
    // The settings file's audit section gives defaults; the command line wins (--disable adds to it).
    const fromSettings = settings.audit;
    const disable = [...new Set([...await parseDisable(fromSettings?.disable ? [fromSettings.disable.join(',')] : undefined, fromSettings?.origin), ...cliDisable])];
    const failOnValue = opts.failOn ?? fromSettings?.failOn;
    const failOn: FindingSeverity | undefined = failOnValue === undefined || failOnValue === 'none' ? undefined : (failOnValue as FindingSeverity);
    const baselinePath = opts.baseline ?? fromSettings?.baseline;
    const baseline = baselinePath ? readBaseline(baselinePath) : undefined;
    progress.phase('analysing');
    const analysis = analyze(inventory);
    const audited = audit(analysis, { ...(intent ? { intent } : {}), disable, settings, diagnostics, checks, evidenceLimit, ...(baseline ? { baseline } : {}) });
    // -n/-l narrow what is reported (and so what the gate and a written baseline see), not what is checked.
    const whole = scope ? scopeAudit(analysis, audited, scope, intent) : audited;
    // The cloud's modules load only for a run with AWS input.
    const result = aws ? (await import('../../analyses/aws/audit.js')).withAwsSummary(whole, aws.analysis) : whole;
    progress.done();
    if (opts.writeBaseline) {
      const doc = { schema: 'bulkhead.baseline/v1', findings: result.findings.map((f) => ({ id: f.id, check: f.check, resource: f.resource, message: f.message })) };
      writeOutputFile(opts.writeBaseline, `${JSON.stringify(doc, null, 2)}\n`, 'baseline');
      if (!opts.quiet) process.stderr.write(`wrote ${result.findings.length} finding(s) to baseline ${opts.writeBaseline}\n`);
    }
    const map = format === 'html' ? auditMap(analysis, result, intent, settings.wholeCluster) : undefined;
    await out.write(AUDIT_FORMATS[format](result, { color: format === 'text' && out.color, ...(failOn ? { failOn } : {}), ...(map ? { map } : {}), ...(format === 'sarif' ? { root: repoRoot() } : {}) }, notes), format === 'html');
    out.end();
    if (failOn && result.findings.some((f) => atLeast(f.severity, failOn!))) {
      const n = result.findings.filter((f) => atLeast(f.severity, failOn!)).length;
      throw new ExitError(1, opts.quiet ? '' : `bulkhead: ${n} finding(s) at or above ${failOn}`);
    }
  });
}
