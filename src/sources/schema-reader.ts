/**
 * Validating a YAML file of our own (the intent file, the settings file) with zod, keeping each problem's
 * line and path, and suggesting the nearest key for a misspelt one.
 */
import type { z } from 'zod';
import type { SourceRef } from '../inventory/types.js';
import type { LineMap } from './k8s/yaml-documents.js';
import { closest } from '../util/suggest.js';

/** One problem in a file of ours: where, the dotted path to the value, what is wrong. */
export interface FileProblem {
  readonly source: SourceRef;
  /** Dotted path to the offending value, e.g. `segments.web.labels`. */
  readonly path: string;
  readonly message: string;
}

/** A path into a parsed document: keys and list indexes. */
export type Path = readonly (string | number | symbol)[];

export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The line of the deepest object or key on a path within the parsed document. */
export function lineAt(lines: LineMap, root: unknown, path: Path, fallback: number): number {
  let cur: unknown = root;
  let line = lines.at(root, undefined, fallback).line;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') break;
    const key = String(k);
    if (!Array.isArray(cur)) {
      const l = lines.at(cur, key, -1).line;
      if (l > 0) line = l;
    }
    cur = (cur as Record<string, unknown>)[key];
    if (cur !== null && typeof cur === 'object' && typeof k === 'number') {
      const l = lines.at(cur, undefined, -1).line;
      if (l > 0) line = l;
    }
  }
  return line;
}

/** `a.b[0].c` */
export function pathText(path: Path): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '').replace(/\.\[/g, '[');
}

/** Collects problems while turning validated values into the normalized Intent. */
export class SchemaReader {
  readonly problems: FileProblem[] = [];
  constructor(
    readonly file: string,
    readonly lines: LineMap,
    readonly root: unknown,
  ) {}

  at(path: Path): SourceRef {
    return { file: this.file, line: lineAt(this.lines, this.root, path, 1) };
  }

  problem(path: Path, message: string, keyLine?: { obj: unknown; key: string }): void {
    const source = keyLine ? this.lines.at(keyLine.obj, keyLine.key, this.at(path).line) : this.at(path);
    this.problems.push({ source: { file: this.file, line: source.line }, path: pathText(path), message });
  }

  /** Validates `value` (found at `path`) with a zod schema; records each issue with its line. */
  check<T>(schema: z.ZodType<T>, value: unknown, path: Path): T | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) {
      const full = [...path, ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        let holder: unknown = this.root;
        for (const k of full) holder = isObj(holder) || Array.isArray(holder) ? (holder as Record<string, unknown>)[String(k)] : undefined;
        const known = Object.keys(knownKeys(schema, issue.path));
        for (const key of issue.keys) {
          const near = closest(key, known);
          this.problem([...full, key], `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : known.length ? ` (expected one of ${known.join(', ')})` : ''}`, {
            obj: holder,
            key,
          });
        }
        continue;
      }
      let message = issue.message;
      if (issue.code === 'invalid_type') message = message.replace(/^Invalid input: /, '');
      this.problem(full, message);
    }
    return undefined;
  }
}

/** The keys a strict object schema accepts at a sub-path (for "did you mean"). */
function knownKeys(schema: z.ZodType, sub: Path): Record<string, unknown> {
  let s: unknown = schema;
  for (const k of sub) {
    const def = (s as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown; options?: unknown[]; innerType?: unknown; valueType?: unknown } }).def;
    if (!def) return {};
    if (def.type === 'optional') {
      s = def.innerType;
      continue;
    }
    if (def.type === 'object' && def.shape) s = def.shape[String(k)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return {};
    const inner = (s as { def?: { type?: string; innerType?: unknown } }).def;
    if (inner?.type === 'optional') s = inner.innerType;
  }
  const def = (s as { def?: { type?: string; shape?: Record<string, unknown>; options?: unknown[] } }).def;
  if (def?.type === 'object' && def.shape) return def.shape;
  if (def?.type === 'union') for (const o of def.options ?? []) {
    const d = (o as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
    if (d?.type === 'object' && d.shape) return d.shape;
  }
  return {};
}

