/** Compares the lines two parsers recorded for the same value. */
import type { LineMap } from '../../src/sources/k8s/yaml-documents.js';

/** Walks two values in step, comparing the lines recorded for every object and key; appends differences to `problems`. */
export function sameLines(a: unknown, la: LineMap, b: unknown, lb: LineMap, path: string, problems: string[]): void {
  if (a === null || typeof a !== 'object') return;
  const at = la.at(a, undefined, -1).line;
  const bt = lb.at(b, undefined, -1).line;
  if (at !== bt) problems.push(`${path}: object line ${at} vs ${bt}`);
  if (Array.isArray(a)) {
    a.forEach((x, i) => sameLines(x, la, (b as unknown[])[i], lb, `${path}[${i}]`, problems));
    return;
  }
  for (const k of Object.keys(a)) {
    const ka = la.at(a, k, -1).line;
    const kb = lb.at(b, k, -1).line;
    if (ka !== kb) problems.push(`${path}.${k}: key line ${ka} vs ${kb}`);
    sameLines((a as Record<string, unknown>)[k], la, (b as Record<string, unknown>)[k], lb, `${path}.${k}`, problems);
  }
}
