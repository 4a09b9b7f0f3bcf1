/**
 * `blast` over AWS input: the estate alone, or a section after the cluster's when one run reads manifests and
 * a snapshot (text and Markdown: a heading per section; JSON: `{"kubernetes": ..., "aws": ...}`; dot: one
 * graph each). A --from that names an endpoint of one side only answers for that side; --exclude and --target
 * specs go to the side they name. A spec that names nothing on either side is an error (exit 2).
 */
import type { Notes } from '../../analyses/notes.js';
import { joinNotes } from '../../analyses/aws/notes.js';
import { awsBlast, awsSpecMatches, type AwsBlastOptions } from '../../analyses/aws/blast.js';
import type { Intent } from '../../analyses/intent/types.js';
import { AWS_BLAST_FORMATS, AWS_BLAST_RENDER, type AwsBlastFormat } from '../../reports/aws/blast.js';
import { UserError } from '../../util/errors.js';
import { awsNoMatch } from '../../analyses/aws/select.js';
import { noMatchOnEitherLayer } from './mixed-ends.js';
import type { AwsInput } from '../aws-inputs.js';
import { sectionEnd, sectionStart } from './aws-sections.js';

/** The cluster's side of a run over both kinds of input, as blast.ts provides it. */
export interface ClusterSide {
  readonly notes: Notes;
  /** Whether an --exclude or --target spec names something of the cluster (a segment, workload, glob, address). */
  matches(spec: string, what: 'exclude' | 'target'): boolean;
  /** The cluster's report with these specs (throws UserError when --from names nothing there). */
  render(exclude: readonly string[], targets: readonly string[], notes: Notes): string;
}

export interface AwsBlastRequest {
  readonly format: string;
  readonly from?: string;
  readonly hops?: number;
  readonly intent?: Intent;
  readonly targets: readonly string[];
  readonly exclude: readonly string[];
}

function awsReport(aws: AwsInput, req: AwsBlastRequest, notes: Notes, exclude: readonly string[], targets: readonly string[]): string {
  const opts: AwsBlastOptions = {
    ...(req.from !== undefined ? { from: req.from } : {}),
    ...(req.hops !== undefined ? { hops: req.hops } : {}),
    ...(req.intent ? { intent: req.intent } : {}),
    ...(targets.length ? { targets } : {}),
    ...(exclude.length ? { exclude } : {}),
  };
  return AWS_BLAST_RENDER[req.format as AwsBlastFormat](awsBlast(aws.analysis, opts), notes);
}

/** The report of a blast run with AWS input; `cluster` is set when manifests were read with it. */
export function awsBlastOutput(aws: AwsInput, req: AwsBlastRequest, cluster: ClusterSide | undefined): string {
  if (!(AWS_BLAST_FORMATS as readonly string[]).includes(req.format)) throw new UserError(`format ${req.format} is not available for AWS input`, `use ${AWS_BLAST_FORMATS.join(', ')}`);
  if (!cluster) return awsReport(aws, req, aws.notes, req.exclude, req.targets);
  if (req.format === 'html') throw new UserError('blast -o html draws one layer: manifests and AWS input were given together', 'run blast on the manifests and on the AWS input apart, or choose text, json, md or dot');
  // Each spec goes to the side it names; one that names nothing anywhere is a mistake.
  const split = (specs: readonly string[], what: 'exclude' | 'target'): { k8s: string[]; aws: string[] } => {
    const out = { k8s: [] as string[], aws: [] as string[] };
    for (const s of specs) {
      const k = cluster.matches(s, what);
      const a = awsSpecMatches(aws.analysis, s, req.intent);
      if (!k && !a && !(what === 'exclude' && req.intent?.segments.some((x) => x.name === s && x.infrastructure))) {
        throw new UserError(`--${what} "${s}" matches no endpoint of the manifests or of the AWS input`, 'give a workload, glob or address of the cluster, an interface spec of the estate, or a segment of the intent');
      }
      if (k) out.k8s.push(s);
      if (a) out.aws.push(s);
    }
    return out;
  };
  const ex = split(req.exclude, 'exclude');
  const tg = split(req.targets, 'target');
  const both = joinNotes(cluster.notes, aws.notes);
  const awsAnswers = req.from === undefined || awsSpecMatches(aws.analysis, req.from, req.intent);
  let k8s: string | undefined;
  try {
    // When the estate does not answer, the cluster's report alone carries the caveats of both inputs.
    k8s = cluster.render(ex.k8s, tg.k8s, awsAnswers ? cluster.notes : both);
  } catch (e) {
    if (!(e instanceof UserError) || req.from === undefined) throw e;
    if (!awsAnswers) throw noMatchOnEitherLayer('--from', req.from, e, awsNoMatch('--from', req.from, aws.analysis.inventory.interfaces.map((x) => ({ id: x.id, ...(x.tags['Name'] ? { name: x.tags['Name'] } : {}) })), 'Give an ENI, endpoint or instance id, a Name tag, a VPC, subnet, security group or account id, tag:KEY=VALUE, an IPv4 or IPv6 address or CIDR, internet, or a segment of the intent.'));
  }
  if (!awsAnswers) return k8s!;
  if (k8s === undefined) return awsReport(aws, req, both, ex.aws, tg.aws);
  const f = req.format;
  const head = f === 'dot' ? '// Kubernetes\n' : sectionStart(f, 'kubernetes');
  const mid = f === 'dot' ? '// AWS\n' : `${sectionEnd(f)}${sectionStart(f, 'aws')}`;
  return `${head}${k8s.trimEnd()}${f === 'json' ? '' : '\n'}${mid}${awsReport(aws, req, aws.notes, ex.aws, tg.aws).trimEnd()}${f === 'json' ? '}' : ''}\n`;
}
