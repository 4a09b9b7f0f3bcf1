/** The explain command's output formats, as the other questions keep theirs in reports/<question>/index.ts. */
import type { Explanation } from '../../analyses/explain.js';
import type { Notes } from '../../analyses/notes.js';
import { explainJson } from './json.js';
import { explainText } from './text.js';

export const EXPLAIN_FORMATS = { text: explainText, json: explainJson } as const satisfies Record<string, (e: Explanation, notes?: Notes) => string>;
export type ExplainFormat = keyof typeof EXPLAIN_FORMATS;
export { explainJson, explainText };
