/** Observed flows as stored rows. */
import { createHash } from 'node:crypto';
import type { ObservedFlow } from '../inventory/flows.js';
import { formatSource } from '../inventory/types.js';
import type { Store, StoredFlow } from './types.js';

/** A flow as stored: keyed by its content and record position, so re-importing a file adds nothing. */
export function storedFlow(f: ObservedFlow): StoredFlow {
  const record = JSON.stringify(f);
  return { hash: createHash('sha256').update(record).digest('hex'), startAt: f.start, endAt: f.end, source: formatSource(f.source), record };
}

/** The stored flows of a period, decoded. */
export async function periodFlows(store: Store, from?: string, to?: string): Promise<ObservedFlow[]> {
  return (await store.flows(from, to)).map((f) => JSON.parse(f.record) as ObservedFlow);
}
