/** Observed-flow files: Hubble JSON (a line starting with `{`) or VPC Flow Logs text, gzip'd or not. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Diagnostic } from '../../inventory/types.js';
import type { ObservedFlow } from '../../inventory/flows.js';
import { UserError } from '../../util/errors.js';
import { fsErrorWords, isFsError } from '../../util/fs-errors.js';
import { parseHubble } from './hubble.js';
import { parseVpcFlowLogs } from './vpc-flow-logs.js';

export { parseHubble } from './hubble.js';
export { parseVpcFlowLogs, parseFormat, DEFAULT_FIELDS } from './vpc-flow-logs.js';

export interface FlowReadOptions {
  /** The VPC flow log format when the file has no header line. */
  readonly vpcFormat?: string;
}

/** Parses a flow file's text, detecting its kind. */
export function parseFlows(file: string, text: string, diagnostics: Diagnostic[], opts: FlowReadOptions = {}): ObservedFlow[] {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  return first.startsWith('{') ? parseHubble(file, text, diagnostics) : parseVpcFlowLogs(file, text, diagnostics, opts.vpcFormat);
}

/** Reads flow files (exit 2 when one cannot be read at all). */
export async function readFlowFiles(paths: readonly string[], diagnostics: Diagnostic[], opts: FlowReadOptions = {}): Promise<ObservedFlow[]> {
  const out: ObservedFlow[] = [];
  for (const p of paths) {
    let buf: Buffer;
    try {
      buf = await readFile(p);
    } catch (e) {
      if (isFsError(e)) throw new UserError(`cannot read ${p}: ${fsErrorWords(e)}`);
      throw e;
    }
    if (buf[0] === 0x1f && buf[1] === 0x8b) {
      try {
        buf = gunzipSync(buf);
      } catch (e) {
        throw new UserError(`cannot read ${p}: a damaged gzip file (${(e as Error).message})`);
      }
    }
    out.push(...parseFlows(p, buf.toString('utf8'), diagnostics, opts));
  }
  return out;
}
