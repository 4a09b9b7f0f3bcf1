/** Turning inputs into a snapshot: load, analyse, audit, and pack what history and review read. */
import { analyze } from '../engine/index.js';
import { audit } from '../analyses/audit.js';
import { auditRecord, connectivityOf } from '../analyses/snapshot.js';
import { loadIntent, type Intent } from '../analyses/intent/index.js';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../settings/index.js';
import { loadFromTexts, type LoadResult } from '../sources/k8s/index.js';
import type { InputText } from '../sources/input-files.js';
import { contentHash, encodePayload, SNAPSHOT_SCHEMA, type NamedText, type SnapshotPayload } from './codec.js';
import type { NewSnapshot, SnapshotSummary } from './types.js';

export interface SnapshotInputs {
  readonly inputs: readonly string[];
  readonly files: readonly InputText[];
  readonly namespace?: string;
  readonly settings?: NamedText;
  readonly intent?: NamedText;
}

/** The snapshot's inputs rebuilt: the inventory with its diagnostics, the settings and the intent. */
export interface Rebuilt extends LoadResult {
  readonly settings: Settings;
  readonly intent?: Intent;
}

/** Re-reads a snapshot's stored inputs exactly as `snapshot` read them. */
export function rebuild(p: Pick<SnapshotPayload, 'files' | 'settings' | 'intent' | 'namespace'>): Rebuilt {
  const settings = p.settings ? parseSettings(p.settings.text, p.settings.path) : DEFAULT_SETTINGS;
  const loaded = loadFromTexts(p.files, { ...(p.namespace ? { defaultNamespace: p.namespace } : {}), settings });
  return { ...loaded, settings, ...(p.intent ? { intent: loadIntent(p.intent.path, p.intent.text) } : {}) };
}

/** Builds the record of one snapshot (not yet stored). */
export function buildSnapshot(s: SnapshotInputs, takenAt: string, label?: string): { record: NewSnapshot; payload: SnapshotPayload; rebuilt: Rebuilt } {
  const rebuilt = rebuild(s);
  const a = analyze(rebuilt.inventory);
  const result = audit(a, { ...(rebuilt.intent ? { intent: rebuilt.intent } : {}), settings: rebuilt.settings, diagnostics: rebuilt.diagnostics });
  const { findings, health } = auditRecord(result);
  const payload: SnapshotPayload = {
    schema: SNAPSHOT_SCHEMA,
    inputs: s.inputs,
    ...(s.namespace ? { namespace: s.namespace } : {}),
    files: s.files,
    ...(s.settings ? { settings: s.settings } : {}),
    ...(s.intent ? { intent: s.intent } : {}),
    connectivity: connectivityOf(a),
    findings,
    health,
  };
  const summary: SnapshotSummary = {
    inputs: s.inputs,
    ...(s.intent ? { intent: s.intent.path } : {}),
    pods: rebuilt.inventory.pods.length,
    workloads: rebuilt.inventory.workloads.length,
    policies: rebuilt.inventory.policies.length,
    findings: result.summary.bySeverity,
    ...(result.health ? { segments: result.health.length, flatSegments: result.health.filter((h) => h.flat).length } : {}),
  };
  const { data, rawBytes } = encodePayload(payload);
  return { record: { takenAt, ...(label ? { label } : {}), hash: contentHash(payload), summary, data, rawBytes }, payload, rebuilt };
}
