/**
 * `diff` where a side holds manifests and AWS input: each layer compared on its own, one report with a
 * Kubernetes then an AWS section (text: `== ... ==` headings; md: `##` headings under one comment marker;
 * json: `{"kubernetes": ..., "aws": ...}`), each section with the caveats of both its sides. The intent is
 * judged on both layers and --fail-on new-violation fails when either layer's change fails it.
 *
 * A layer that only one side has is empty on the other: every connection of it counts as opened (or closed),
 * and a warning in that layer's section says so, in every format.
 */
import { DIFF_COMMENT_MARKER } from '../../reports/diff/markdown.js';
import { DIFF_FORMATS } from '../../reports/diff/index.js';
import { AWS_DIFF_FORMATS } from '../../reports/diff/aws.js';
import { DocumentCache, loadFromTexts } from '../../sources/k8s/index.js';
import { isGitSpec } from '../../sources/git.js';
import type { Diagnostic } from '../../inventory/types.js';
import { awsInventoryOf } from '../aws-load.js';
import { printDiagnostics, resolveSettings } from '../common.js';
import { pickFormatOf, pickLevel, scopeOption } from '../options.js';
import { openReport } from '../output.js';
import { colorDiff } from '../color.js';
import { clusterDiff, gateDiff, verdictOf } from './diff-cluster.js';
import { awsDiffOf, type Gate } from './diff-aws-layer.js';
import type { AwsDiffOpts, SideLayers } from './diff-aws.js';
import { sectionStart } from './aws-sections.js';

interface Side {
  readonly spec: string;
  readonly layers: SideLayers;
}

/** The caveat of a side that lacks a layer the other side has. */
function missingLayer(side: Side, other: Side, layer: 'Kubernetes' | 'AWS', role: 'old' | 'new'): Diagnostic {
  const what = layer === 'Kubernetes' ? 'no Kubernetes manifests' : 'no AWS input';
  return {
    severity: 'warning',
    code: 'diff-layer-missing',
    message: `${side.spec} holds ${what}: its ${layer} layer is taken as empty, so every ${layer} connection of ${other.spec} counts as ${role === 'old' ? 'opened' : 'closed'}`,
  };
}

/** One section's body: the md comment marker is the report's, once, not the section's. */
function body(text: string, format: string): string {
  const t = format === 'md' && text.startsWith(DIFF_COMMENT_MARKER) ? text.slice(DIFF_COMMENT_MARKER.length).replace(/^\n+/, '') : text;
  return t.trimEnd();
}

/** Compares two sides by layer and writes one report; exit 1 through the gate when either layer fails it. */
export async function mixedDiff(o: Side, n: Side, opts: AwsDiffOpts, gate: Gate): Promise<void> {
  const format = pickFormatOf(opts, AWS_DIFF_FORMATS.filter((f) => f in DIFF_FORMATS));
  const level = pickLevel(opts.level ?? 'workload');
  const scope = scopeOption(opts);
  const settings = resolveSettings(isGitSpec(n.spec) ? [o.spec] : [n.spec], opts);
  const out = openReport(opts.outputFile);
  const carried = !out.toFile;
  const missing = (layer: 'Kubernetes' | 'AWS', has: (s: Side) => boolean): { old?: Diagnostic[]; new?: Diagnostic[] } => {
    if (has(o) && !has(n)) return { new: [missingLayer(n, o, layer, 'new')] };
    if (has(n) && !has(o)) return { old: [missingLayer(o, n, layer, 'old')] };
    return {};
  };
  const build = { ...(opts.defaultNamespace ? { defaultNamespace: opts.defaultNamespace } : {}), settings };
  // The sides share most documents: the second parses only those the first did not have.
  const cache = new DocumentCache();
  const ok = loadFromTexts(o.layers.k8s, build, [], cache);
  printDiagnostics(ok.diagnostics, opts, carried);
  const nk = loadFromTexts(n.layers.k8s, build, [], cache);
  cache.clear();
  printDiagnostics(nk.diagnostics, opts, carried);
  const k8sMissing = missing('Kubernetes', (s) => s.layers.k8s.length > 0);
  const k8s = clusterDiff(ok, nk, {
    oldName: o.spec,
    newName: n.spec,
    level,
    wholeCluster: settings.wholeCluster,
    ...(gate.intent ? { intent: gate.intent } : {}),
    ...(scope ? { scope } : {}),
    extraNotes: k8sMissing,
  });
  const awsMissing = missing('AWS', (s) => s.layers.aws.length > 0);
  const aws = awsDiffOf(awsInventoryOf(o.layers.aws), awsInventoryOf(n.layers.aws), o.spec, n.spec, format, gate, opts, carried, awsMissing);
  const k8sText = body(DIFF_FORMATS[format](k8s.result, k8s.notes), format);
  const awsText = body(aws.text, format);
  const text =
    format === 'json'
      ? `{"kubernetes": ${k8sText}, "aws": ${awsText}}\n`
      : `${format === 'md' ? `${DIFF_COMMENT_MARKER}\n` : ''}${sectionStart(format, 'kubernetes')}${k8sText}\n\n${sectionStart(format, 'aws')}${awsText}\n`;
  await out.write(format === 'text' && out.color ? colorDiff(text) : text);
  out.end();
  if (gate.failOnNew) gateDiff([verdictOf(k8s.result, nk.diagnostics, n.spec, 'object(s)'), aws.verdict]);
}
