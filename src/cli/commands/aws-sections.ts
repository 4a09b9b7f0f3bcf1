/**
 * The AWS part of a command's output: alone, or as a section after the cluster's when one run reads both
 * (text and Markdown: a heading per section; JSON: one document with a `kubernetes` and an `aws` member).
 */
import { once } from 'node:events';
import type { Notes } from '../../analyses/notes.js';
import { joinNotes } from '../../analyses/aws/notes.js';
import { awsNoMatch, awsReachFilter } from '../../analyses/aws/select.js';
import type { PortSet } from '../../model/port-set.js';
import { AWS_REACH_FORMATS, awsReachChunks, type AwsReachFormat } from '../../reports/aws/reach.js';
import { terminalSafe } from '../../reports/safe-text.js';
import { UserError } from '../../util/errors.js';
import type { Analysis } from '../../engine/index.js';
import { crossJoin, crossNotes, crossReachStream } from '../../analyses/cross/reach.js';
import { crossReachChunks, type CrossReachFormat } from '../../reports/cross/reach.js';
import type { AwsInput } from '../aws-inputs.js';

/** What opens the first section of a run over both kinds of input. */
export function sectionStart(format: string, which: 'kubernetes' | 'aws' | 'cross'): string {
  if (format === 'json') return which === 'kubernetes' ? '{"kubernetes": ' : `"${which}": `;
  const title = which === 'kubernetes' ? 'Kubernetes' : which === 'aws' ? 'AWS' : 'Across cloud and cluster';
  if (format === 'md') return `## ${title}\n\n`;
  if (format === 'csv') return '';
  return `== ${title} ==\n`;
}

/** What closes the cluster's section before the AWS one. */
export function sectionEnd(format: string): string {
  if (format === 'json') return ', ';
  return format === 'csv' ? '' : '\n';
}

/** Where sections go: the command's report sink (stdout or --output-file). */
export interface SectionSink {
  /** `raw`: the text is terminal-safe already (JSON made so by jsonSafe). */
  write(text: string, raw?: boolean): Promise<void>;
}

const STDOUT: SectionSink = {
  write: async (c) => {
    if (!process.stdout.write(terminalSafe(c))) await once(process.stdout, 'drain');
  },
};

/** The forms an AWS reach --from/--to may take, for error hints. */
export const REACH_FORMS = 'Give an endpoint id or glob, an ENI, VPC, subnet, security group or account id, a Name tag, tag:KEY=VALUE, an IPv4 or IPv6 address or CIDR, or internet.';

/**
 * `reach` over an AWS snapshot; `k8sNotes` are added when the manifests read with it have no section of their
 * own. `closes`: false when another section (the cross-layer one) follows in the same JSON document.
 */
export async function awsReachSection(aws: AwsInput, k8sNotes: Notes, withK8sNotes: boolean, format: string, opts: { from?: string; to?: string; exposure?: boolean; summary?: boolean }, ports: PortSet | undefined, afterK8s: boolean, out: SectionSink = STDOUT, closes = true): Promise<void> {
  const write = async (chunks: Iterable<string>): Promise<void> => {
    for (const c of chunks) await out.write(c);
  };
  if (!(AWS_REACH_FORMATS as readonly string[]).includes(format)) throw new UserError(`format ${format} is not available for AWS input`, `use ${AWS_REACH_FORMATS.join(', ')}`);
  if (opts.exposure) throw new UserError('--exposure is not available for AWS input', 'reach lists outside ranges as External endpoints already');
  const notes = withK8sNotes ? joinNotes(k8sNotes, aws.notes) : aws.notes;
  const stream = aws.analysis.streamReach();
  const filter = awsReachFilter({ ...opts, ports });
  // Alone, a spec that names nothing is a mistake (a typo), not an empty answer; beside a cluster it may name the cluster's.
  if (!afterK8s) {
    const interfaces = stream.endpoints.filter((e) => e.kind === 'NetworkInterface');
    for (const [option, spec, m] of [['--from', opts.from, filter.from], ['--to', opts.to, filter.to]] as const) {
      if (spec !== undefined && m && !stream.endpoints.some(m)) throw awsNoMatch(option, spec, interfaces, REACH_FORMS);
    }
  }
  if (afterK8s) await write([sectionStart(format, 'aws')]);
  await write(awsReachChunks(stream, format as AwsReachFormat, notes, filter));
  if (afterK8s && format === 'json') await write([closes ? '}\n' : ', ']);
}

/**
 * The third section of a mixed `reach`: workloads joined with the estate's endpoints through the nodes that
 * carry them (text, md, json; csv has no such section). Its notes are both inputs' and the join's. Streamed:
 * the listing is written a source at a time (173 MB of JSON at 10k pods and 200 interfaces).
 */
export async function crossReachSection(k8s: Analysis, aws: AwsInput, k8sNotes: Notes, format: string, opts: { from?: string; to?: string; clusterName?: string }, level: 'workload' | 'pod', ports: PortSet | undefined, out: SectionSink = STDOUT): Promise<void> {
  if (format === 'csv') return;
  const r = crossReachStream(crossJoin(k8s, aws.analysis, opts.clusterName !== undefined ? { clusterName: opts.clusterName } : {}), {
    level, ...(opts.from !== undefined ? { from: opts.from } : {}), ...(opts.to !== undefined ? { to: opts.to } : {}), ...(ports ? { ports } : {}),
  });
  await out.write(sectionStart(format, 'cross'));
  // JSON comes escaped (jsonSafe): raw, it skips terminalSafe's scan of every byte.
  for (const c of trimmedEnd(crossReachChunks(r, format as CrossReachFormat, crossNotes(k8sNotes, aws.notes, r.diagnostics)))) await out.write(c, format === 'json');
  await out.write(format === 'json' ? '}\n' : '\n');
}

/** The chunks with the whitespace at the end of their concatenation left out (what trimEnd does to the whole). */
export function* trimmedEnd(chunks: Iterable<string>): Generator<string> {
  let held = '';
  for (const c of chunks) {
    // Mostly a chunk ends in a line's last character: nothing to hold back (its last character tells, and
    // trimming a 64 KiB chunk to find out copied the whole listing once more).
    if (!held && c && !/\s/.test(c[c.length - 1]!)) {
      yield c;
      continue;
    }
    const s = held + c;
    const t = s.trimEnd();
    if (t) yield t;
    held = s.slice(t.length);
  }
}
