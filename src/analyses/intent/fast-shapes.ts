/**
 * The shape checks of schema.ts for the common forms of an intent file, without zod: a value these accept
 * is one zod accepts, with the same content, so load.ts takes it as it is. Anything else (a bad value, or a
 * form not listed here, such as aws criteria or anyOf) returns undefined and goes through zod, which then
 * words the problems exactly as before. An init intent of a 150k-pod cluster has 30,000 segments and 3,000
 * flows: zod's parse of each (and zod's own load) was most of reading it.
 */

/** A mapping as the YAML readers make them (not a list, not null, no odd prototype). */
function plainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

const nonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

/** schema.ts's oneOrMany: a non-empty name or a non-empty list of them. */
function oneOrMany(v: unknown): boolean {
  if (nonEmptyString(v)) return true;
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const x of v) if (!nonEmptyString(x)) return false;
  return true;
}

/** schema.ts's labelMap: label keys to a value or a non-empty list of values. */
function labelMap(v: unknown): boolean {
  if (!plainObject(v)) return false;
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (typeof x === 'string') continue;
    if (!Array.isArray(x) || x.length === 0) return false;
    for (const y of x) if (typeof y !== 'string') return false;
  }
  return true;
}

/** The segment keys checked here, each with its check; the others (aws criteria, anyOf) are left to zod. */
const SEGMENT_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = {
  namespace: oneOrMany,
  namespaces: oneOrMany,
  namespaceLabels: labelMap,
  labels: labelMap,
  workload: oneOrMany,
  workloads: oneOrMany,
  cidr: oneOrMany,
  cidrs: oneOrMany,
  sensitive: (v) => typeof v === 'boolean',
  infrastructure: (v) => typeof v === 'boolean',
  description: (v) => typeof v === 'string',
};

/** Only own keys of a plain object, each known to `checks` and passing its check. */
function strictShape(v: unknown, checks: Readonly<Record<string, (v: unknown) => boolean>>): v is Record<string, unknown> {
  if (!plainObject(v)) return false;
  for (const k of Object.keys(v)) {
    if (!Object.prototype.hasOwnProperty.call(checks, k)) return false;
    if (!checks[k]!(v[k])) return false;
  }
  return true;
}

/** A segment of the common form that segmentSchema accepts as it is; undefined: let zod judge it. */
export function fastSegment(v: unknown): Record<string, unknown> | undefined {
  return strictShape(v, SEGMENT_KEYS) ? v : undefined;
}

/** schema.ts's refItem and refs: a name or a segment written in place, or a non-empty list of them. */
function refItem(v: unknown): boolean {
  return nonEmptyString(v) || plainObject(v);
}
function refs(v: unknown): boolean {
  if (refItem(v)) return true;
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const x of v) if (!refItem(x)) return false;
  return true;
}

const FLOW_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = {
  from: refs,
  to: refs,
  ports: (v) => Array.isArray(v) && v.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isFinite(p))),
  description: (v) => typeof v === 'string',
};

/** A flow that flowSchema accepts as it is (from and to given); undefined: let zod judge it. */
export function fastFlow(v: unknown): { from: unknown; to: unknown; ports?: (string | number)[]; description?: string } | undefined {
  if (!strictShape(v, FLOW_KEYS) || v['from'] === undefined || v['to'] === undefined) return undefined;
  return v as { from: unknown; to: unknown; ports?: (string | number)[]; description?: string };
}

const NEVER_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = { from: refs, to: refs };

/** A `never` value that neverSchema accepts as it is; undefined: let zod judge it. */
export function fastNever(v: unknown): { from: unknown; to: unknown } | undefined {
  if (!strictShape(v, NEVER_KEYS) || v['from'] === undefined || v['to'] === undefined) return undefined;
  return v as { from: unknown; to: unknown };
}

const ISOLATED_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = {
  label: nonEmptyString,
  namespaceLabel: nonEmptyString,
  segments: (v) => Array.isArray(v) && v.length >= 2 && v.every(nonEmptyString),
  within: oneOrMany,
};

/** An `isolated` value that isolatedSchema accepts as it is (a label key or the mapping); undefined: let zod judge it. */
export function fastIsolated(v: unknown): string | { label?: string; namespaceLabel?: string; segments?: string[]; within?: string | string[] } | undefined {
  if (nonEmptyString(v)) return v as string;
  return strictShape(v, ISOLATED_KEYS) ? v : undefined;
}

const FILE_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = {
  version: (v) => v === 1,
  settings: (v) => strictShape(v, { flatThreshold: (x) => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= 1 }),
  segments: plainObject,
  flows: Array.isArray,
  invariants: Array.isArray,
  tests: Array.isArray,
};

/** The top of an intent file that fileSchema accepts as it is (segments given); undefined: let zod judge it. */
export function fastFile(v: unknown): Record<string, unknown> | undefined {
  return strictShape(v, FILE_KEYS) && v['segments'] !== undefined ? v : undefined;
}
