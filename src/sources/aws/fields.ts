/**
 * Reading describe-* JSON fields as the AWS CLI prints them: unknown fields ignored, a missing or
 * mistyped required field named with its file, line and JSON path.
 */
import type { AwsSourceRef } from '../../inventory/aws/types.js';
import type { Diagnostic, Labels, Severity } from '../../inventory/types.js';
import { parseCidr, type ParsedCidr } from '../../model/address.js';
import type { LineMap } from '../k8s/yaml-documents.js';

export type Json = Record<string, unknown>;

/** One file of a snapshot being read: where it is, and where problems go. */
export class FieldReader {
  constructor(
    readonly file: string,
    private readonly lines: LineMap,
    /** From the `<account>/<region>/` directories the file sits in, when any. */
    readonly account: string | undefined,
    readonly region: string | undefined,
    private readonly sink: Diagnostic[],
  ) {}

  /** The source of an object at a JSON path. */
  at(o: unknown, path: string): AwsSourceRef {
    return { file: this.file, line: this.lines.at(o).line, path };
  }

  report(severity: Severity, code: string, message: string, where: AwsSourceRef): void {
    this.sink.push({ severity, code, message: `${message} (at ${where.path})`, source: where });
  }

  /** The elements of an array that are objects, with their paths; a non-array is reported. */
  objects(value: unknown, path: string, holder: unknown): Array<{ o: Json; path: string }> {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.report('error', 'aws-bad-field', `${path} should be a list`, this.at(holder, path));
      return [];
    }
    const out: Array<{ o: Json; path: string }> = [];
    value.forEach((v, i) => {
      const p = `${path}[${i}]`;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push({ o: v as Json, path: p });
      else this.report('error', 'aws-bad-field', `${p} should be an object`, this.at(value, p));
    });
    return out;
  }

  /** A required string field; undefined (with an error) when missing. */
  required(o: Json, key: string, path: string, what: string): string | undefined {
    const v = o[key];
    if (typeof v === 'string' && v !== '') return v;
    this.report('error', 'aws-missing-field', `${what} has no ${key}: skipped`, this.at(o, path));
    return undefined;
  }

  optional(o: Json, key: string): string | undefined {
    const v = o[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  number(o: Json, key: string): number | undefined {
    const v = o[key];
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  }

  bool(o: Json, key: string): boolean {
    return o[key] === true;
  }

  /** A CIDR field; an unreadable one is reported. */
  cidr(o: Json, key: string, path: string, what: string): ParsedCidr | undefined {
    const s = this.optional(o, key);
    if (s === undefined) return undefined;
    const c = parseCidr(s);
    if (!c) this.report('error', 'aws-bad-cidr', `${what}: ${key} "${s}" is not a CIDR block: skipped`, this.at(o, path));
    return c;
  }

  /** `Tags` or `TagSet` ([{Key, Value}]) as a map. */
  tags(o: Json): Labels {
    const raw = Array.isArray(o['Tags']) ? o['Tags'] : Array.isArray(o['TagSet']) ? o['TagSet'] : [];
    const out: Record<string, string> = {};
    for (const t of raw as unknown[]) {
      if (t && typeof t === 'object') {
        const k = (t as Json)['Key'];
        const v = (t as Json)['Value'];
        if (typeof k === 'string') out[k] = typeof v === 'string' ? v : '';
      }
    }
    return out;
  }
}

/** The region of an availability zone name ("us-east-1a" -> "us-east-1"). */
export function regionOfZone(az: string | undefined): string | undefined {
  const m = az ? /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/.exec(az) : null;
  return m ? m[1] : undefined;
}
