/** The Kubernetes manifest source: files, directories or stdin to an inventory with diagnostics. */
import type { Diagnostic, Inventory } from '../../inventory/types.js';
import { readInputs, type InputText } from '../input-files.js';
import { buildInventory, type BuildOptions } from './build-inventory.js';
import { parseDocumentsLazily, type DocumentCache, type LineMap, type ParsedDocument } from './yaml-documents.js';

export interface LoadResult {
  readonly inventory: Inventory;
  readonly diagnostics: Diagnostic[];
}

/** Documents already parsed, with their line map: a file, or an object read from a cluster. */
export type ParsedInput = { docs: ParsedDocument[]; lines: LineMap };

/**
 * Loads manifests already in memory (tests, the server, git revisions), with objects read from a cluster
 * (`more`, after the files): one inventory, so owners, namespaces and selectors resolve across both.
 * `cache`: documents parsed before (the other side of a diff), reused where a file has them at the same lines.
 */
export function loadFromTexts(files: readonly InputText[], opts: BuildOptions = {}, more: readonly ParsedInput[] = [], cache?: DocumentCache): LoadResult {
  const diagnostics: Diagnostic[] = [];
  // Each file's documents are parsed as buildInventory reads them (see parseDocumentsLazily); the parser's
  // diagnostics land in each file's list, joined in the order of parsing every file first.
  const own = files.map(() => [] as Diagnostic[]);
  const parsed = files.map((f, i) => parseDocumentsLazily(f.path, f.text, own[i]!, cache));
  const built: Diagnostic[] = [];
  const inventory = buildInventory([...parsed, ...more], built, opts);
  files.forEach((f, i) => {
    for (const d of f.diagnostics ?? []) diagnostics.push(d);
    for (const d of own[i]!) diagnostics.push(d);
  });
  for (const d of built) diagnostics.push(d);
  const order = new Map([...files.map((f) => f.path), ...more.map((m) => m.lines.file)].map((f, i) => [f, i]));
  // Report in reading order (file, then line); diagnostics without a place come last.
  const keyed = diagnostics.map((d, i) => ({ d, i, f: d.source ? order.get(d.source.file) ?? -1 : Infinity, l: d.source?.line ?? 0 }));
  keyed.sort((a, b) => a.f - b.f || a.l - b.l || a.i - b.i);
  return { inventory, diagnostics: keyed.map((k) => k.d) };
}

/** Loads manifests from paths (files, directories recursed, `-` for stdin). */
export async function loadFromPaths(paths: readonly string[], opts: BuildOptions = {}, cache?: DocumentCache): Promise<LoadResult> {
  return loadFromTexts(await readInputs(paths), opts, [], cache);
}

export type { BuildOptions } from './build-inventory.js';
export { DocumentCache } from './yaml-documents.js';
