/** The Kubernetes manifest source: files, directories or stdin to an inventory with diagnostics. */
import type { Diagnostic, Inventory } from '../../inventory/types.js';
import { readInputs, type InputText } from '../input-files.js';
import { buildInventory, type BuildOptions } from './build-inventory.js';
import { parseDocuments } from './yaml-documents.js';

export interface LoadResult {
  readonly inventory: Inventory;
  readonly diagnostics: Diagnostic[];
}

/** Loads manifests already in memory (tests, the server, git revisions). */
export function loadFromTexts(files: readonly InputText[], opts: BuildOptions = {}): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const parsed = files.map((f) => {
    diagnostics.push(...(f.diagnostics ?? []));
    return parseDocuments(f.path, f.text, diagnostics);
  });
  const inventory = buildInventory(parsed, diagnostics, opts);
  const order = new Map(files.map((f, i) => [f.path, i]));
  // Report in reading order (file, then line); diagnostics without a place come last.
  const keyed = diagnostics.map((d, i) => ({ d, i, f: d.source ? order.get(d.source.file) ?? -1 : Infinity, l: d.source?.line ?? 0 }));
  keyed.sort((a, b) => a.f - b.f || a.l - b.l || a.i - b.i);
  return { inventory, diagnostics: keyed.map((k) => k.d) };
}

/** Loads manifests from paths (files, directories recursed, `-` for stdin). */
export async function loadFromPaths(paths: readonly string[], opts: BuildOptions = {}): Promise<LoadResult> {
  return loadFromTexts(await readInputs(paths), opts);
}

export type { BuildOptions } from './build-inventory.js';
