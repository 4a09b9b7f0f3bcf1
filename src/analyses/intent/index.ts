/**
 * The intent API: load the documented architecture, resolve segment membership, compare with the
 * deployed rules. `audit`, `blast` and `diff` all go through here.
 */
import { readIntentFile, parseIntent } from './load.js';
import type { Intent } from './types.js';

/** Loads an intent from a file path, or from text when `text` is given (`path` then names it in errors). */
export function loadIntent(path: string, text?: string): Intent {
  return text === undefined ? readIntentFile(path) : parseIntent(text, path);
}

export { parseIntent, readIntentFile, readIntentText, IntentError, type IntentProblem } from './load.js';
export { segmentsOf, clusterSegments, rangeSegments, matcherTakesCluster, type ClusterSubject } from './membership.js';
export {
  drift,
  intentModel,
  pairsOf,
  pairCount,
  type DriftResult,
  type Violation,
  type BrokenFlow,
  type InvariantBreach,
  type Unmapped,
  type SegmentHealth,
  type PathBundle,
  type PathEnd,
  type IntentModel,
} from './drift.js';
export { behaviours, type Behaviours } from './behaviour.js';
export * from './types.js';
