/**
 * AWS VPC Flow Logs as delivered to S3 or CloudWatch: space-separated records in the default version-2
 * format, or a custom format named by a header line (S3 files start with one) or given by the user
 * (`${version} ${srcaddr} ...` or plain field names). Fields may come in any order; unknown fields are
 * skipped. pkt-srcaddr/pkt-dstaddr, when present, are the packet's own addresses (srcaddr/dstaddr show the
 * interface's primary address for traffic through NAT or to a secondary IP) and are preferred.
 */
import type { Diagnostic } from '../../inventory/types.js';
import type { ObservedFlow } from '../../inventory/flows.js';

/** The default format: the 14 version-2 fields in order. */
export const DEFAULT_FIELDS = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'] as const;

/** Every field AWS documents up to the newest, so a header line is told from a record. */
const KNOWN = new Set<string>([
  ...DEFAULT_FIELDS,
  'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr',
  'region', 'az-id', 'sublocation-type', 'sublocation-id',
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path',
  'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id',
  'reject-reason', 'resource-id', 'encryption-status',
]);

const PROTOCOLS: Record<string, string> = { '1': 'ICMP', '6': 'TCP', '17': 'UDP', '58': 'ICMPv6', '132': 'SCTP' };

/** Field names of a format string: `${a} ${b}`, or `a b`. */
export function parseFormat(format: string): string[] {
  return format.trim().split(/\s+/).map((f) => f.replace(/^\$\{(.*)\}$/, '$1').toLowerCase()).filter(Boolean);
}

/** A line naming fields, not values: every token a field name, known ones included. */
function isHeader(tokens: readonly string[]): boolean {
  return tokens.length > 0 && tokens.some((t) => KNOWN.has(t)) && tokens.every((t) => /^[a-z][a-z0-9-]*$/.test(t)) && !tokens.includes('accept') && !tokens.includes('reject');
}

const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

/** Reads one flow log file; records it cannot read become warnings naming the line. */
export function parseVpcFlowLogs(file: string, text: string, diagnostics: Diagnostic[], format?: string): ObservedFlow[] {
  const out: ObservedFlow[] = [];
  let fields: string[] = format ? parseFormat(format) : [...DEFAULT_FIELDS];
  const unknown = new Set<string>();
  const warn = (line: number, message: string): void => void diagnostics.push({ severity: 'warning', code: 'flow-record', message, source: { file, line } });
  let skipped = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw || raw.startsWith('#')) continue;
    const tokens = raw.split(/\s+/);
    if (isHeader(tokens)) {
      fields = tokens;
      for (const t of tokens) if (!KNOWN.has(t)) unknown.add(t);
      continue;
    }
    if (tokens.length !== fields.length) {
      warn(i + 1, `flow log record has ${tokens.length} fields, the format has ${fields.length} (${fields.slice(0, 4).join(' ')} ...): skipped; give the format with --vpc-format if the file has no header line`);
      continue;
    }
    const f = new Map(fields.map((k, j) => [k, tokens[j] === '-' ? undefined : tokens[j]]));
    const status = f.get('log-status');
    if (status === 'NODATA') continue;
    if (status === 'SKIPDATA') {
      skipped++;
      continue;
    }
    const src = f.get('pkt-srcaddr') ?? f.get('srcaddr');
    const dst = f.get('pkt-dstaddr') ?? f.get('dstaddr');
    const action = f.get('action');
    const start = Number(f.get('start'));
    const end = Number(f.get('end') ?? f.get('start'));
    if (!src || !dst || (action !== 'ACCEPT' && action !== 'REJECT') || !Number.isFinite(start) || !Number.isFinite(end)) {
      warn(i + 1, 'flow log record without source and destination address, action (ACCEPT or REJECT) and start time: skipped');
      continue;
    }
    // A TCP record whose flags say SYN-ACK is the reply direction of a connection: it opened nothing.
    const flags = Number(f.get('tcp-flags') ?? NaN);
    if (Number.isFinite(flags) && (flags & TCP_SYN) !== 0 && (flags & TCP_ACK) !== 0) continue;
    const proto = f.get('protocol') ?? '';
    const num = (k: string): number | undefined => (f.get(k) === undefined || !/^\d+$/.test(f.get(k)!) ? undefined : Number(f.get(k)));
    const reason = f.get('reject-reason');
    out.push({
      origin: 'vpc-flow-logs',
      start: new Date(start * 1000).toISOString(),
      end: new Date(end * 1000).toISOString(),
      src: { ip: src },
      dst: { ip: dst },
      protocol: PROTOCOLS[proto] ?? proto,
      ...(num('srcport') !== undefined ? { srcPort: num('srcport')! } : {}),
      ...(num('dstport') !== undefined ? { dstPort: num('dstport')! } : {}),
      verdict: action === 'ACCEPT' ? 'allowed' : 'denied',
      ...(num('packets') !== undefined ? { packets: num('packets')! } : {}),
      ...(num('bytes') !== undefined ? { bytes: num('bytes')! } : {}),
      ...(reason ? { reason } : {}),
      source: { file, line: i + 1 },
    });
  }
  if (unknown.size > 0) diagnostics.push({ severity: 'info', code: 'flow-unknown-field', message: `flow log fields not used: ${[...unknown].sort().join(', ')}`, source: { file, line: 1 } });
  if (skipped > 0) diagnostics.push({ severity: 'warning', code: 'flow-skipdata', message: `${skipped} record(s) with log-status SKIPDATA: AWS dropped flow records in those windows, so flows may be missing`, source: { file, line: 1 } });
  return out;
}
