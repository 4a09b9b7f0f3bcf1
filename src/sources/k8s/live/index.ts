/**
 * The live cluster source: objects read from the API become the same documents the file source parses
 * (kind and apiVersion filled in, as `kubectl get -o yaml` prints list items), so the kinds registry and
 * the API server's validation apply unchanged; each keeps its live reference
 * `cluster/namespace/Kind/name@resourceVersion` where a file object keeps file:line.
 */
import { loadFromTexts, type BuildOptions, type LoadResult, type ParsedInput } from '../index.js';
import { LineMap } from '../yaml-documents.js';
import type { InputText } from '../../input-files.js';
import { ClusterClient, type ClusterOptions } from './client.js';
import { liveRef, readCluster, type ClusterRead, type ReadOptions } from './read.js';

export type { ClusterRead, ReadList } from './read.js';
export type { ClusterOptions } from './client.js';
export { ClusterClient } from './client.js';

/** Every object read, as a parsed document of its own whose source is its live reference (line 0). */
export function liveDocuments(read: ClusterRead): ParsedInput[] {
  const out: ParsedInput[] = [];
  for (const l of read.lists) {
    for (const obj of l.items) {
      const ref = liveRef(read.cluster, obj);
      out.push({ docs: [{ value: obj, source: { file: ref, line: 0 } }], lines: new LineMap(ref) });
    }
  }
  return out;
}

/** Builds the inventory of what was read, with file inputs beside it when given. */
export function inventoryOf(read: ClusterRead, files: readonly InputText[] = [], opts: BuildOptions = {}): LoadResult {
  const r = loadFromTexts(files, opts, liveDocuments(read));
  return { inventory: r.inventory, diagnostics: [...read.diagnostics, ...r.diagnostics] };
}

/** Connects (kubeconfig, context) and reads the cluster. */
export async function readLiveCluster(opts: ClusterOptions & ReadOptions): Promise<ClusterRead> {
  const client = await ClusterClient.connect(opts);
  return readCluster(client, opts);
}
