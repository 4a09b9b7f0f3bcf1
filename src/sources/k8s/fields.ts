/** Typed access to untyped manifest fields, collecting "expected ... but got ..." problems with their lines. */
import type { Diagnostic, SourceRef } from '../../inventory/types.js';
import type { LineMap } from './yaml-documents.js';
import { closest } from '../../util/suggest.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** "a mapping", "boolean true", "number 42": what a value is, for messages. */
export function describe(v: unknown): string {
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

  /**
   * A map of string to string (labels, matchLabels). A value of another type is an error: the API
   * server's decoder rejects the object (`app: yes` is a boolean in YAML 1.1, `version: 1.10` a number).
   */
  stringMap(o: Obj, key: string, path: string): Record<string, string> {
    const m = this.obj(o, key, path);
    const out: Record<string, string> = {};
    if (!m) return out;
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') {
        this.problem(m, k, 'bad-label', `${path}.${k}: expected a string but got ${describe(v)}; the API server rejects it (quote it: "${String(v)}")`);
      } else this.problem(m, k, 'bad-label', `${path}.${k}: expected a string but got ${describe(v)}`);
    }
    return out;
  }

  /**
   * Strict field validation, as the API server does it (kubectl's default `--validate=strict`): every key
   * of `o` not in `fields` is an error naming the key, its line and the nearest known field.
   */
  known(o: Obj, fields: ReadonlySet<string> | readonly string[], path: string): void {
    const set: ReadonlySet<string> = fields instanceof Set ? fields : new Set(fields as readonly string[]);
    // for-in over own keys, in Object.keys order, without an array per object (every mapping of every manifest comes here).
    for (const k in o) {
      if (set.has(k) || !Object.hasOwn(o, k)) continue;
      const hint = suggestField(k, [...set]);
      const where = path ? `${path}.${k}` : k;
      this.problem(o, k, 'unknown-field', `${where}: unknown field "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}: the API server rejects the object`);
    }
  }

  /** True when an error was recorded (the object would be rejected by the API). */
  get rejected(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }
}

/** The known field nearest to a misspelt one: edit distance, or two swapped letters (`form` for `from`). */
export function suggestField(word: string, options: readonly string[]): string | undefined {
  const near = closest(word, options);
  if (near) return near;
  const w = word.toLowerCase();
  return options.find((o) => {
    const l = o.toLowerCase();
    if (l.length !== w.length) return false;
    const diff = [...l].flatMap((c, i) => (c !== w[i] ? [i] : []));
    return diff.length === 2 && diff[1] === diff[0]! + 1 && l[diff[0]!] === w[diff[1]!] && l[diff[1]!] === w[diff[0]!];
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why a name is not a DNS-1123 subdomain (object names), or undefined. */
export function dnsSubdomainError(name: string): string | undefined {
  if (name.length > 253) return 'must be at most 253 characters';
  if (!name.split('.').every((part) => DNS_LABEL.test(part))) {
    return 'must be lower-case alphanumerics, "-" and ".", starting and ending with an alphanumeric (a DNS-1123 subdomain)';
  }
  return undefined;
}

/** Why a name is not a DNS-1123 label (namespace names), or undefined. */
export function dnsLabelError(name: string): string | undefined {
  if (name.length > 63) return 'must be at most 63 characters';
  if (!DNS_LABEL.test(name)) return 'must be lower-case alphanumerics and "-", starting and ending with an alphanumeric (a DNS-1123 label)';
  return undefined;
}
