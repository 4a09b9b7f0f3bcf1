/** Typed access to untyped manifest fields, collecting "expected ... but got ..." problems with their lines. */
import type { Diagnostic, SourceRef } from '../../inventory/types.js';
import type { LineMap } from './yaml-documents.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Collects the problems of one object; `what` names it in messages ("NetworkPolicy prod/web"). */
export class FieldReader {
  readonly problems: Diagnostic[] = [];

  constructor(
    readonly lines: LineMap,
    readonly what: string,
    readonly fallbackLine: number,
  ) {}

  at(o: unknown, key?: string): SourceRef {
    return this.lines.at(o, key, this.fallbackLine);
  }

  problem(o: unknown, key: string | undefined, code: string, message: string, severity: Diagnostic['severity'] = 'error'): void {
    this.problems.push({ severity, code, message: `${this.what}: ${message}`, source: this.at(o, key) });
  }

  /** o[key] as a mapping; undefined when absent or null; a problem when of another type. */
  obj(o: Obj, key: string, path: string): Obj | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) {
      this.problem(o, key, 'bad-field', `${path}: expected a mapping but got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** o[key] as a list; undefined when absent or null. */
  list(o: Obj, key: string, path: string): unknown[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.problem(o, key, 'bad-field', `${path}: expected a list but got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  str(o: Obj, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.problem(o, key, 'bad-field', `${path}: expected a string but got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  int(o: Obj, key: string, path: string): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.problem(o, key, 'bad-field', `${path}: expected an integer but got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A map of string to string (labels, matchLabels); non-string values are problems. */
  stringMap(o: Obj, key: string, path: string): Record<string, string> {
    const m = this.obj(o, key, path);
    const out: Record<string, string> = {};
    if (!m) return out;
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') {
        // The API would reject an unquoted number or boolean label value; say so but keep its text.
        this.problem(m, k, 'bad-label', `${path}.${k}: expected a string but got ${describe(v)} (quote it)`, 'warning');
        out[k] = String(v);
      } else this.problem(m, k, 'bad-label', `${path}.${k}: expected a string but got ${describe(v)}`);
    }
    return out;
  }
}
