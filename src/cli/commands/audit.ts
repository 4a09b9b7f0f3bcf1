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
import { loadIntent, type Intent } from '../../analyses/intent/index.js';
import { CHECKS, SEVERITIES, type FindingSeverity } from '../../checks/index.js';
import { AUDIT_FORMATS, type AuditFormat } from '../../reports/audit/index.js';
import { ExitError, UserError } from '../../util/errors.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { writeOutputFile } from '../../util/fs-errors.js';
import { collect, discoverFile, loadInputs, pickFormat, type InputOptions } from '../common.js';

interface AuditOpts extends InputOptions {
  format: string;
  intent?: string | false;
  failOn?: string;
  disable?: string[];
  baseline?: string;
  writeBaseline?: string;
  output?: string;
}

const INTENT_NAMES = ['bulkhead.yaml', 'bulkhead.yml'];

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

function parseDisable(values: readonly string[] | undefined): string[] {
  const ids = (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (!CHECKS.some((c) => c.meta.id === id)) throw new UserError(`unknown check "${id}" in --disable`, `checks: ${CHECKS.map((c) => c.meta.id).join(', ')}`);
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
  program
    .command('audit')
    .description('check the manifests against the intent (drift, invariants, segment health) and for hygiene problems')
    .argument('<inputs...>', 'manifest files or directories (recursed), or - for stdin')
    .option('-i, --intent <file>', 'the intent file (default: bulkhead.yaml beside the inputs or in the working directory)')
    .option('--no-intent', 'hygiene checks only, even when a bulkhead.yaml is found')
    .option('-f, --format <format>', `output format: ${Object.keys(AUDIT_FORMATS).join('|')}`, 'text')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--fail-on <severity>', `exit 1 when a finding is at least this severe: ${SEVERITIES.join('|')}`)
    .option('--disable <checks>', 'checks not to run, comma-separated (repeatable)', collect)
    .option('--baseline <file>', 'suppress the findings listed in this file (accepted findings)')
    .option('--write-baseline <file>', 'write the current findings as a baseline file')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-v, --verbose', 'also print informational notes (skipped kinds)')
    .option('-q, --quiet', 'print no warnings')
    .option('--settings <file>', 'the settings file (default: bulkhead.settings.yaml beside the inputs or in the working directory)')
    .option('--no-settings', 'ignore any bulkhead.settings.yaml')
    .action(async (inputs: string[], opts: AuditOpts) => {
      const format = pickFormat(opts.format, Object.keys(AUDIT_FORMATS) as AuditFormat[]);
      let failOn: FindingSeverity | undefined;
      if (opts.failOn !== undefined && opts.failOn !== 'none') {
        if (!(SEVERITIES as readonly string[]).includes(opts.failOn)) throw new UserError(`unknown severity "${opts.failOn}" for --fail-on`, `choose one of ${SEVERITIES.join(', ')}, or none`);
        failOn = opts.failOn as FindingSeverity;
      }
      const disable = parseDisable(opts.disable);
      const intentPath = opts.intent === false ? undefined : (opts.intent ?? discoverFile(inputs, INTENT_NAMES));
      let intent: Intent | undefined;
      if (intentPath) {
        intent = loadIntent(intentPath);
        if (opts.intent === undefined && !opts.quiet) process.stderr.write(`note: using intent ${intentPath}\n`);
      }
      const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
      const toFile = opts.output !== undefined && opts.output !== '-';
      const { inventory, settings, diagnostics, notes } = await loadInputs(inputs, opts, !toFile);
      const analysis = analyze(inventory);
      const result = audit(analysis, { ...(intent ? { intent } : {}), disable, settings, diagnostics, ...(baseline ? { baseline } : {}) });
      if (opts.writeBaseline) {
        const doc = { schema: 'bulkhead.baseline/v1', findings: result.findings.map((f) => ({ id: f.id, check: f.check, resource: f.resource, message: f.message })) };
        writeOutputFile(opts.writeBaseline, `${JSON.stringify(doc, null, 2)}\n`, 'baseline');
        if (!opts.quiet) process.stderr.write(`wrote ${result.findings.length} finding(s) to baseline ${opts.writeBaseline}\n`);
      }
      const color = !toFile && format === 'text' && process.stdout.isTTY === true && !process.env['NO_COLOR'];
      const map = format === 'html' ? auditMap(analysis, result, intent, settings.wholeCluster) : undefined;
      const text = AUDIT_FORMATS[format](result, { color, ...(map ? { map } : {}), ...(format === 'sarif' ? { root: repoRoot() } : {}) }, notes);
      if (toFile) writeOutputFile(opts.output!, text, 'report');
      else process.stdout.write(format === 'html' ? text : terminalSafe(text, color));
      if (failOn && result.findings.some((f) => atLeast(f.severity, failOn!))) {
        const n = result.findings.filter((f) => atLeast(f.severity, failOn!)).length;
        throw new ExitError(1, opts.quiet ? '' : `bulkhead: ${n} finding(s) at or above ${failOn}`);
      }
    });
}
